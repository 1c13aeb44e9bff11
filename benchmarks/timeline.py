"""Timelines and solve: calc against hand-written numpy, as ratios measured in one run.

    .venv/bin/python benchmarks/timeline.py [--quick]

1. A 10-year monthly timeline (120 periods) x 10,000 samples x 10 commitments (each amount a
   sampled range): revenue, spend, coverage, cumulative gap, funding need and break-even with their
   per-period quantiles. The hand-written numpy does the same arithmetic and the same percentiles.
   Target: at most 2x, and under 2 GiB peak memory (measured in a fresh process).
2. A solve over 10,000 samples: the number of evaluations of the whole plan (the two bracket ends
   and the vectorised ITP passes, each sample stopping at 1e-6 of its bracket), target <= 20, and
   its time against one run; then the same solve by the 60-pass bisection calc used before issue 22,
   its time and the largest difference in the answers.
3. A solve over a date (break_even at most 2030) over 10,000 samples: evaluations and time on the
   coverage margin behind the date (calc.solve.date_margin) against bisecting the step itself.

Nothing is asserted: the machine is shared and noisy; the numbers are for reading.
"""

from __future__ import annotations

import argparse
import warnings
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import calc  # noqa: E402
from calc import solve  # noqa: E402
from calc.scenario_keys import parse_solve  # noqa: E402
from calc.uncertainty import Z95  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import best  # noqa: E402  (benchmarks/run.py: the fastest of n timings)

N_COMMITMENTS = 10


def scenario(samples: int) -> dict:
    """120 monthly periods, 10 flat commitments of 10-50 billion USD over 5 years, growth 2-6 %/month."""
    commitments = {f"c{k}": {"amount": {"range": ["10 billion USD", "50 billion USD"], "source": "assumption",
                                        "note": "benchmark"},
                             "start": f"{2026 + k // 3}-{1 + 3 * (k % 3):02d}", "term": "60 month"}
                   for k in range(N_COMMITMENTS)}
    return {"name": "bench-timeline", "timeline": {"start": 2026, "end": 2035, "step": "month"},
            "commitments": commitments,
            "inputs": {"arr_end": {"value": "20 billion USD/yr", "source": "assumption", "note": "benchmark"},
                       "arr_as_of": {"value": "2025-12", "source": "assumption", "note": "benchmark"},
                       "arr_growth_per_month": {"range": [0.02, 0.06], "source": "assumption", "note": "benchmark"}},
            "outputs": ["revenue", "commitment_spend", "coverage", "cumulative_gap", "funding_need", "break_even"],
            "samples": samples, "seed": 1}


@np.errstate(all="ignore")
def by_hand(samples: int, rng: np.random.Generator) -> dict:
    """The same model in plain numpy: lognormal ranges, flat weights, closed-form revenue."""
    starts = 2026 * 12 + np.arange(120)
    ends = starts + 1
    sigma = lambda lo, hi: np.log(hi / lo) / (2 * Z95)         # noqa: E731
    amounts = np.exp(np.log(np.sqrt(10e9 * 50e9)) + sigma(10e9, 50e9) * rng.standard_normal((N_COMMITMENTS, samples)))
    weights = np.zeros((N_COMMITMENTS, 120))
    for k in range(N_COMMITMENTS):
        s = 2026 * 12 + 12 * (k // 3) + 3 * (k % 3)
        weights[k] = (np.clip(ends, s, s + 60) - np.clip(starts, s, s + 60)) / 60
    spend = amounts.T @ weights                                    # (samples, periods)
    g = np.exp(np.log(np.sqrt(0.02 * 0.06)) + sigma(0.02, 0.06) * rng.standard_normal(samples))[:, None]
    L = np.log1p(g)
    m0 = (starts - (2025 * 12 + 11))[None, :]
    revenue = 20e9 / 12 * np.exp(L * m0) * np.expm1(L) / L
    coverage = np.where(spend > 0, revenue / np.where(spend > 0, spend, 1), np.nan)
    gap = np.cumsum(spend - revenue, axis=1)
    need = np.maximum(gap.max(axis=1), 0)
    ok = (spend == 0) | (coverage >= 1)
    holds = np.logical_and.accumulate(ok[:, ::-1], axis=1)[:, ::-1]
    be = np.where(holds[:, -1], starts[np.argmax(holds, axis=1)] / 12, np.nan)
    out = {}
    for name, x in (("revenue", revenue), ("commitment_spend", spend), ("coverage", coverage), ("cumulative_gap", gap)):
        out[name] = np.nanpercentile(x, [5, 50, 95], axis=0) if name == "coverage" else np.percentile(x, [5, 50, 95], axis=0)
    out["funding_need"] = np.percentile(need, [5, 50, 95])
    out["break_even"] = np.nanquantile(be, [0.05, 0.5, 0.95], method="inverted_cdf")
    return out


def peak_memory(samples: int, module: str = "timeline") -> float:
    """Peak RSS [MiB] of a fresh process that runs ``module.scenario(samples)`` once (a benchmark
    module beside this file: timeline, financing)."""
    here = str(Path(__file__).parent)
    code = (f"import sys, resource; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {here!r});"
            f"import {module} as m, calc; calc.load(m.scenario({samples})).run();"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def main() -> None:
    warnings.simplefilter("ignore", RuntimeWarning)       # all-NaN columns (coverage without spend)
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="1,000 samples, one repeat")
    args = ap.parse_args()
    samples = 1_000 if args.quick else 10_000
    repeat = 1 if args.quick else 3
    sc = calc.load(scenario(samples))
    t_calc = best(lambda: sc.run(), repeat)
    t_hand = best(lambda: by_hand(samples, np.random.default_rng(1)), repeat)
    mem = peak_memory(samples)
    print(f"timeline, 120 monthly periods x {samples:,} samples x {N_COMMITMENTS} commitments:")
    print(f"  calc {t_calc:.3f} s, hand-written numpy {t_hand:.3f} s, ratio {t_calc / t_hand:.2f}x (target <= 2x)")
    print(f"  peak memory {mem:,.0f} MiB (target < 2 GiB)")
    spec = parse_solve({"for": "arr_growth_per_month", "so_that": "cumulative_gap", "equals": "0 USD",
                        "between": [0, 0.3], "at": "2030-12"}, sc.axis.timeline,
                       set(sc.base.values) | {"cumulative_gap"})
    t0 = time.perf_counter()
    res = sc.run(solve_request=spec)
    t_solve = time.perf_counter() - t0
    row = [r for r in res.rows() if r.get("solved")][0]
    print(f"solve over {samples:,} samples: {row['evaluations']} evaluations (target <= 20), "
          f"{t_solve:.2f} s ({t_solve / t_calc:.1f}x one run); no solution in {100 * row['no_solution_share']:.0f} %")
    with_bisection = solve.bisect
    solve.bisect = lambda f, lo, hi, target, kind, *_: bisect60(f, lo, hi, target, kind)
    t0 = time.perf_counter()
    ref = [r for r in sc.run(solve_request=spec).rows() if r.get("solved")][0]
    t_ref = time.perf_counter() - t0
    solve.bisect = with_bisection
    diff = max(abs(row[k] - ref[k]) for k in ("value", "p05", "p50", "p95"))
    print(f"  by 60-pass bisection: {ref['evaluations']} evaluations, {t_ref:.2f} s; "
          f"largest difference in value, p05, p50, p95: {diff:.1e} (tolerance 1e-6 x 0.3 = 3e-7)")
    date_solve(sc, samples)


def date_solve(sc, samples: int) -> None:
    """3. A solve over a date (break_even at most 2030): on the coverage margin behind it, then on
    the step itself (solve.date_margin off), as calc solved it before."""
    spec = parse_solve({"for": "arr_growth_per_month", "so_that": "break_even", "at_most": "2030 yr",
                        "between": [0, 0.3]}, sc.axis.timeline, set(sc.base.values) | {"break_even"})
    rows = {}
    margin = solve.date_margin
    for how, fn in (("margin", margin), ("step", lambda *_: None)):
        solve.date_margin = fn
        t0 = time.perf_counter()
        rows[how] = [r for r in sc.run(solve_request=spec).rows() if r.get("solved")][0]
        rows[how]["time"] = time.perf_counter() - t0
    solve.date_margin = margin
    m, s = rows["margin"], rows["step"]
    diff = max(abs(m[k] - s[k]) for k in ("value", "p05", "p50", "p95"))
    print(f"solve break_even <= 2030 over {samples:,} samples: {m['evaluations']} evaluations, "
          f"{m['time']:.2f} s on the coverage margin; {s['evaluations']} evaluations, "
          f"{s['time']:.2f} s on the step; largest difference {diff:.1e} (tolerance 3e-7)")


def bisect60(f, lo, hi, target, kind):
    """The bisection calc used before issue 22 (equals only): 60 evaluations, each halving."""
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    d_lo = f(lo) - target
    d_hi = f(hi) - target
    search = np.sign(d_lo) * np.sign(d_hi) < 0
    a, b = lo.copy(), hi.copy()
    for _ in range(58):
        mid = (a + b) / 2
        ok = np.sign(f(mid) - target) == np.sign(d_lo)
        a, b = np.where(search & ok, mid, a), np.where(search & ~ok, mid, b)
    return solve.Solution(np.where(search, (a + b) / 2, np.nan), 60)


if __name__ == "__main__":
    main()
