"""Financing on a timeline: calc against hand-written numpy, as ratios measured in one run.

    .venv/bin/python benchmarks/financing.py [--quick]

benchmarks/timeline.py's 120-period monthly timeline x 10,000 samples x 10 commitments, with
financing added (cash, a raise, other costs per year, interest at 10 %/yr on a negative opening
balance), asking for cash_balance, shortfall and cash_out with their quantiles. The hand-written
numpy does the same arithmetic (the balance recursion one numpy step per period, as calc does).
Target: at most 2x, and under 1 GiB peak memory (measured in a fresh process).
Nothing is asserted: the machine is shared and noisy; the numbers are for reading.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import calc  # noqa: E402
import timeline  # noqa: E402  (benchmarks/timeline.py: the timeline and its hand-written numpy)
from run import best  # noqa: E402

OUTPUTS = ["cash_balance", "shortfall", "cash_out"]


def scenario(samples: int) -> dict:
    """benchmarks/timeline.py's scenario with a financing block."""
    sc = timeline.scenario(samples)
    a = {"source": "assumption", "note": "benchmark"}
    sc["financing"] = {"cash": {"value": "40 billion USD", **a},
                       "raises": {"r": {"amount": {"value": "30 billion USD", **a},
                                        "date": "2028-03"}},
                       "other_costs_per_year": {"value": "10 billion USD/yr", **a},
                       "interest_rate": {"value": "10 %/yr", **a}}
    sc["outputs"] = OUTPUTS
    return sc


@np.errstate(all="ignore")
def by_hand(samples: int, rng: np.random.Generator) -> dict:
    """The same model in plain numpy (timeline.by_hand's spend and revenue, then the cash)."""
    z = timeline.Z95
    starts = 2026 * 12 + np.arange(120)
    ends = starts + 1
    sigma = lambda lo, hi: np.log(hi / lo) / (2 * z)         # noqa: E731
    amounts = np.exp(np.log(np.sqrt(10e9 * 50e9)) + sigma(10e9, 50e9)
                     * rng.standard_normal((timeline.N_COMMITMENTS, samples)))
    weights = np.zeros((timeline.N_COMMITMENTS, 120))
    for k in range(timeline.N_COMMITMENTS):
        s = 2026 * 12 + 12 * (k // 3) + 3 * (k % 3)
        weights[k] = (np.clip(ends, s, s + 60) - np.clip(starts, s, s + 60)) / 60
    spend = amounts.T @ weights
    g = np.exp(np.log(np.sqrt(0.02 * 0.06)) + sigma(0.02, 0.06)
               * rng.standard_normal(samples))[:, None]
    L = np.log1p(g)
    revenue = 20e9 / 12 * np.exp(L * (starts - (2025 * 12 + 11))[None, :]) * np.expm1(L) / L
    flow = revenue - spend - 10e9 / 12
    flow[:, 2 * 12 + 2] += 30e9                               # the raise in 2028-03
    bal, prev = np.empty_like(flow), np.full(samples, 40e9)
    for t in range(120):
        prev = bal[:, t] = prev + flow[:, t] - 0.1 / 12 * np.maximum(0.0, -prev)
    short = np.maximum(-bal.min(axis=1), 0)
    below = bal < 0
    out_at = np.where(below.any(axis=1), starts[np.argmax(below, axis=1)] / 12, np.nan)
    return {"cash_balance": np.percentile(bal, [5, 50, 95], axis=0),
            "shortfall": np.percentile(short, [5, 50, 95]),
            "cash_out": np.nanquantile(out_at, [0.05, 0.5, 0.95], method="inverted_cdf")}


def main() -> None:
    warnings.simplefilter("ignore", RuntimeWarning)
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="1,000 samples, one repeat")
    args = ap.parse_args()
    samples, repeat = (1_000, 1) if args.quick else (10_000, 3)
    sc = calc.load(scenario(samples))
    t_calc = best(lambda: sc.run(), repeat)
    t_hand = best(lambda: by_hand(samples, np.random.default_rng(1)), repeat)
    mem = timeline.peak_memory(samples, "financing")
    print(f"financed timeline, 120 monthly periods x {samples:,} samples x "
          f"{timeline.N_COMMITMENTS} commitments:")
    print(f"  calc {t_calc:.3f} s, hand-written numpy {t_hand:.3f} s, "
          f"ratio {t_calc / t_hand:.2f}x (target <= 2x)")
    print(f"  peak memory {mem:,.0f} MiB (target < 1 GiB)")


if __name__ == "__main__":
    main()
