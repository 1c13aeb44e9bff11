"""Quarterly and monthly timelines folded to years in the terminal table (calc.output.fold).

The scenario below is derived by hand. Run-rate A = $12B/yr on 2026-01, growing g = 5 % a month;
a quarter starting m0 months after 2026-01 earns A/12 x (1.05^(m0+3) - 1.05^m0) / ln 1.05
(README, revenue), so the quarters of one year sum to A/12 x (1.05^(m1) - 1.05^(m0)) / ln 1.05
over the year's first and last month. Spend: $12B flat over 24 months from 2026 -> $1.5B a
quarter. compute_share_of_revenue is 0.5 until 2026-Q3, then 1.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import replace

import numpy as np
import pytest

from calc.output.fold import fold, year_groups
from calc.periods import Timeline
from calc.result import freeze
from calc.scenario import load
from tests.helpers import calc_cli, without_headline

QUARTERLY = textwrap.dedent("""\
    name: quarterly-fold
    timeline: {start: 2025-Q4, end: 2027-Q2, step: quarter}
    commitments:
      cloud: {amount: {value: 12 billion USD, source: assumption, note: test},
              start: 2026, term: 2 yr}
    inputs:
      arr_end: {value: 12 billion USD/yr, source: assumption, note: test}
      arr_as_of: {value: 2026-01, source: assumption, note: test}
      arr_growth_per_month: {GROWTH, source: assumption, note: test}
      compute_share_of_revenue:
        over_time: {2025-Q4: 0.5, 2026-Q3: 1.0}
        source: assumption
        note: test
    outputs: [arr_at, revenue, commitment_spend, coverage, cumulative_gap, funding_need,
              break_even]
    """)
A, G = 12e9, 0.05


def earned(m0: float, m1: float) -> float:
    """Revenue [USD] between months m0 and m1 after 2026-01 (continuous, constant growth)."""
    return A / 12 * ((1 + G) ** m1 - (1 + G) ** m0) / math.log(1 + G)


def scenario(tmp_path, growth: str = "value: 0.05"):
    path = tmp_path / "quarterly.yaml"
    path.write_text(QUARTERLY.replace("GROWTH", growth))
    return path


def test_folded_numbers_match_the_hand_derivation(tmp_path):
    res = fold(load(scenario(tmp_path)).run())
    assert res.periods == ("2025 (Oct-Dec)", "2026", "2027 (Jan-Jun)")
    c = {n: res.central[n][0] for n in ("arr_at", "revenue", "commitment_spend", "coverage",
                                         "cumulative_gap")}
    # flows: summed over the year's quarters
    assert c["revenue"] == pytest.approx([earned(-3, 0), earned(0, 12), earned(12, 18)], rel=1e-9)
    assert c["commitment_spend"] == pytest.approx([0.0, 6e9, 3e9], rel=1e-12)
    # arr_at: the run-rate at the end of the year's last quarter
    assert c["arr_at"] == pytest.approx([A, A * 1.05 ** 12, A * 1.05 ** 18], rel=1e-9)
    # coverage from the year's sums: share x revenue over spend (null without spend)
    paid_2026 = 0.5 * earned(0, 6) + 1.0 * earned(6, 12)
    assert math.isnan(c["coverage"][0])
    assert c["coverage"][1:] == pytest.approx([paid_2026 / 6e9, earned(12, 18) / 3e9], rel=1e-9)
    # coverage recomputed is not the last quarter's, nor the mean of the quarters'
    assert c["coverage"][1] != pytest.approx(earned(9, 12) / 1.5e9, rel=1e-3)
    # running values: at the year's end
    gap_2025 = -0.5 * earned(-3, 0)
    gap_2026 = gap_2025 + 6e9 - paid_2026
    assert c["cumulative_gap"] == pytest.approx(
        [gap_2025, gap_2026, gap_2026 + 3e9 - earned(12, 18)], rel=1e-9)
    # a row with one value per case is left as it is: break-even in 2026-Q1
    assert res.central["break_even"][0, 0] == pytest.approx(2026.0)


def test_terminal_table_is_folded_with_a_note_and_periods_all_unfolds(tmp_path):
    path = scenario(tmp_path)
    out = calc_cli("run", str(path))
    assert out.returncode == 0, out.stderr
    out.stdout = without_headline(out.stdout)           # the tables after the headline block
    head = next(ln for ln in out.stdout.splitlines() if ln.startswith("quantity"))
    assert head.split()[1:7] == ["2025", "(Oct-Dec)", "2026", "2027", "(Jan-Jun)", "whole"]
    spend = next(ln for ln in out.stdout.splitlines() if ln.startswith("commitment_spend"))
    assert spend.split()[2:5] == ["$0.00", "$6.00B", "$3.00B"]
    cov = next(ln for ln in out.stdout.splitlines() if ln.startswith("coverage"))
    assert cov.split()[2:5] == ["-", f"{100 * (0.5 * earned(0, 6) + earned(6, 12)) / 6e9:.0f}",
                                f"{100 * earned(12, 18) / 3e9:.0f}"]
    assert "quarters folded to years (--periods all shows each quarter)" in " ".join(
        out.stdout.split())
    assert "2026-Q3" not in out.stdout
    every = calc_cli("run", str(path), "--periods", "all")
    assert "2026-Q3" in every.stdout and "folded" not in every.stdout
    # other formats keep every period; asking them to fold is refused
    md = calc_cli("run", str(path), "--format", "markdown")
    assert "2026-Q3" in md.stdout
    bad = calc_cli("run", str(path), "--format", "csv", "--periods", "years")
    assert bad.returncode == 2 and "--periods years: folds the terminal table only" in bad.stderr


def test_samples_fold_per_sample_before_the_quantiles(tmp_path):
    res = load(scenario(tmp_path, "range: [0.03, 0.07]")).run(samples=400, seed=3)
    folded = fold(res)
    draws = res.draws["revenue"][0]                             # (samples, quarters)
    per_sample_2026 = draws[:, 1] + draws[:, 2] + draws[:, 3] + draws[:, 4]
    p05, p95 = np.percentile(per_sample_2026, [5, 95])
    assert folded.stats["revenue"]["p05"][0, 1] == pytest.approx(p05, rel=1e-12)
    assert folded.stats["revenue"]["p95"][0, 1] == pytest.approx(p95, rel=1e-12)
    share, spend = res.draws["compute_share_of_revenue"][0], res.draws["commitment_spend"][0]
    cov = (share * draws)[:, 5:7].sum(axis=1) / spend[:, 5:7].sum(axis=1)
    assert folded.stats["coverage"]["p50"][0, 2] == pytest.approx(np.median(cov), rel=1e-12)
    # running values: the quantiles of the year's last quarter
    assert folded.stats["cumulative_gap"]["p95"][0, 1] == res.stats["cumulative_gap"]["p95"][0, 4]


def test_without_draws_sums_show_central_values_and_the_note_says_so(tmp_path):
    res = load(scenario(tmp_path, "range: [0.03, 0.07]")).run(samples=200, seed=3)
    folded = fold(replace(res, draws=freeze({})))
    assert math.isnan(folded.stats["revenue"]["p05"][0, 1])
    assert folded.central["revenue"][0, 1] == pytest.approx(
        sum(res.central["revenue"][0, 1:5]), rel=1e-12)
    assert "revenue, commitment_spend, coverage: central values only, no range" in \
        folded.notes[-1]
    assert folded.stats["arr_at"]["p05"][0, 2] == res.stats["arr_at"]["p05"][0, 6]


def test_partial_years_are_labelled_by_their_months():
    months = Timeline.parse({"start": "2025-11", "end": "2027-02", "step": "month"})
    first, labels = year_groups(months)
    assert labels == ("2025 (Nov-Dec)", "2026", "2027 (Jan-Feb)")
    assert first.tolist() == [0, 2, 14]
    one = Timeline.parse({"start": "2025-12", "end": "2026", "step": "month"})
    assert year_groups(one)[1] == ("2025 (Dec)", "2026")


def test_variants_fold_row_by_row_and_values_read_by_year(tmp_path):
    path = scenario(tmp_path)
    path.write_text(path.read_text() + textwrap.dedent("""\
        variants:
          double:
            inputs:
              arr_end: {value: 24 billion USD/yr, source: assumption, note: test}
        """))
    res = fold(load(path).run())
    assert res.value("coverage", variant="double", at="2026-Q2").m == pytest.approx(
        2 * (0.5 * earned(0, 6) + earned(6, 12)) / 6e9, rel=1e-9)
    assert res.value("coverage", at="2026").m == pytest.approx(
        (0.5 * earned(0, 6) + earned(6, 12)) / 6e9, rel=1e-9)
    assert "revenue, commitment_spend summed; coverage from the year's sums" in res.notes[-1]
