"""Every run has a period axis (values.PeriodAxis): a timeline's periods, or one without labels."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import calc
from calc.engine import Arrays
from calc.errors import CalcError
from calc.periods import Timeline
from calc.units import Q
from calc.values import NO_PERIODS, PeriodAxis

from helpers import HAND_TIMELINE as HAND


def test_a_run_without_a_timeline_has_one_period_and_no_labels():
    res = calc.load("nvidia-1gw").run(samples=0)
    assert res.axis.count == 1 and res.periods == ()
    assert res.axis.decimal_years("start").size == 0
    assert "period" not in res.rows()[0]
    assert isinstance(res.value("chips").m, float)           # one row, one period: a number


def test_a_timeline_gives_its_labels_and_period_starts():
    res = calc.load(HAND).run()
    assert res.axis.count == 3 and res.periods == ("2026", "2027", "2028")
    assert res.axis.decimal_years("start").tolist() == [2026.0, 2027.0, 2028.0]
    assert res.axis.decimal_years("end").tolist() == [2027.0, 2028.0, 2029.0]
    assert res.axis.date_text(2027.0) == "2027" and res.axis.date_text(float("nan")) == "never"


def test_a_one_period_timeline_still_shows_its_label():
    res = calc.load(HAND.replace("end: 2028", "end: 2026")).run()
    assert res.periods == ("2026",)
    rows = [r for r in res.rows() if r["quantity"] == "revenue"]
    assert [r["period"] for r in rows] == ["2026"]
    assert rows[0]["value"] == pytest.approx(12e9)           # 12B/yr, no growth, one year
    assert res["revenue"].m_as("USD").tolist() == pytest.approx([12e9])   # per period: an array


def test_the_axis_gives_its_months_per_period_for_dates():
    assert NO_PERIODS.step is None
    for step, months in (("year", 12), ("quarter", 3), ("month", 1)):
        axis = PeriodAxis(Timeline.parse({"start": 2026, "end": 2027, "step": step}))
        assert axis.step == months
    axis = PeriodAxis(Timeline.parse({"start": 2026, "end": 2027, "step": "quarter"}))
    assert axis.date_text(2026.25) == "2026-Q2"


def test_the_axis_without_a_timeline_refuses_a_period():
    with pytest.raises(CalcError, match="at: 2030 names a period, but the scenario has no timeline"):
        NO_PERIODS.index_of("2030", "at")


def test_columns_and_one_period_of_an_array():
    flat = np.array([1.0, 2.0])
    assert NO_PERIODS.columns(flat).shape == (2, 1)
    assert NO_PERIODS.at(flat, 0) is flat
    axis = PeriodAxis(Timeline.parse({"start": 2026, "end": 2027, "step": "year"}))
    per = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert axis.columns(per) is per
    assert axis.at(per, 1).tolist() == [2.0, 4.0]
    assert axis.trial(np.zeros((2, 5))).shape == (2, 5, 1)


def test_a_timeline_row_is_flagged_at_its_most_telling_period():
    # chips cannot be negative: row 0 goes to -2 in its second period, row 1 stays within bounds
    axis = PeriodAxis(Timeline.parse({"start": 2026, "end": 2028, "step": "year"}))
    arrays = Arrays(2, 0, ["chips"], {"chips"}, 1_000, axis, ())
    env = {"chips": Q(np.array([[[1.0, -2.0, -0.5]], [[1.0, 2.0, 3.0]]]), "chip")}
    arrays.absorb(slice(0, 2), env, {"chips"})
    (rows, values), = arrays.flagged["chips"]
    assert rows.tolist() == [0] and values.tolist() == [-2.0]
    assert arrays.central["chips"].tolist() == [[1.0, -2.0, -0.5], [1.0, 2.0, 3.0]]


def test_a_variant_value_replaces_the_base_series_and_the_other_way(tmp_path):
    # revenue 10 billion USD a year (no growth) against a 30 billion commitment over 3 years (10 a
    # year): coverage = compute_share_of_revenue in each year, whatever form each case gives it in
    (tmp_path / "s.yaml").write_text(textwrap.dedent("""\
        name: variant-series
        timeline: {start: 2025, end: 2027, step: year}
        commitments:
          a: {amount: {value: 30 billion USD, source: assumption, note: t}, start: 2025, term: 3 yr}
        inputs:
          arr_end: {value: 10 billion USD/yr, source: assumption, note: t}
          arr_as_of: {value: 2025-01, source: assumption, note: t}
          arr_growth_per_month: {value: 0.0, source: assumption, note: t}
          compute_share_of_revenue: {over_time: {2025: 0.5, 2026: 1.0}, source: assumption, note: t}
        outputs: [coverage]
        variants:
          flat:
            inputs:
              compute_share_of_revenue: {value: 0.25, source: assumption, note: t}
          rising:
            inputs:
              compute_share_of_revenue: {over_time: {2025: 0.1, 2027: 0.3}, source: assumption,
                                         note: t}
          unsure:
            inputs:
              compute_share_of_revenue: {range: [0.2, 0.8], source: assumption, note: t}
        """))
    res = calc.load(tmp_path / "s.yaml").run(samples=400, seed=1)

    def cov(variant):
        return [round(float(res.value("coverage", at=p, variant=variant).m_as("")), 9)
                for p in ("2025", "2026", "2027")]

    assert cov("base") == [0.5, 1.0, 1.0]
    assert cov("flat") == [0.25, 0.25, 0.25]          # was the base's series (the variant ignored)
    assert cov("rising") == [0.1, 0.1, 0.3]
    assert cov("unsure") == [0.4] * 3                  # central: sqrt(0.2 x 0.8)
    # the variant's own draws in every period (the same draws: one input, no series)
    spread = {(r["p05"], r["p95"]) for r in res.rows()
              if r["variant"] == "unsure" and r["quantity"] == "coverage"}
    assert len(spread) == 1 and 0.15 < min(spread)[0] < 0.3 and 0.6 < min(spread)[1] < 0.85
def test_a_variants_own_series_is_its_own_and_sampled_with_a_sweep():
    # found with financing.from_ledger: a series a variant gives was read from the first variant.
    # Spend: 2 billion USD over 2 years = 1 a year. cumulative_gap = spend - revenue, summed:
    #   base revenue 1, 2 -> 1 - 1 = 0, 0 + 1 - 2 = -1;  hi revenue 5, 6 -> -4, -4 + 1 - 6 = -9
    text = textwrap.dedent("""\
        name: v
        timeline: {start: 2026, end: 2027, step: year}
        inputs:
          revenue: {over_time: {2026: 1 billion USD, 2027: 2 billion USD}, source: assumption,
                    note: t}
        commitments:
          cloud: {amount: {value: 2 billion USD, source: assumption, note: t}, start: 2026,
                  term: 2 yr}
        variants:
          hi: {inputs: {revenue: {over_time: {2026: 5 billion USD, 2027: 6 billion USD},
                                  source: assumption, note: t}}}
        outputs: [revenue, cumulative_gap]
        """)
    res = calc.load(text).run()
    assert (res.central["cumulative_gap"] / 1e9).tolist() == [[0.0, -1.0], [-4.0, -9.0]]
    # samples of a ranged commitment: each variant keeps its own revenue in every sample
    sampled = calc.load(text.replace("value: 2 billion USD,",
                                     "range: [1 billion USD, 3 billion USD],"))
    res = sampled.run(samples=50, seed=1)
    rev = res.draws["revenue"] / 1e9
    assert rev[0, :, 1].tolist() == [2.0] * 50 and rev[1, :, 0].tolist() == [5.0] * 50
    # a variant giving one value (here a sampled range) where the base gives a series
    assert "\n  hi: {inputs:" in text
    mixed = calc.load(text.replace("\n  hi: {inputs:", "\n  flat: {inputs: {revenue: {range: "
                                   "[1 billion USD, 3 billion USD], source: assumption, note: t}}}"
                                   "\n  hi: {inputs:")).run(samples=50, seed=1)
    flat = mixed.draws["revenue"][mixed.case_index("flat")] / 1e9
    assert np.array_equal(flat[:, 0], flat[:, 1]) and 1.0 < np.median(flat) < 3.0
    assert (mixed.value("revenue", variant="base").m / 1e9).tolist() == [1.0, 2.0]
    assert (mixed.value("revenue", variant="hi").m / 1e9).tolist() == [5.0, 6.0]
