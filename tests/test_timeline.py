"""The timeline engine's parts, checked against numbers derived by hand (arithmetic in comments)."""

from __future__ import annotations

import doctest
import importlib
import math

import numpy as np
import pytest

from calc import solve
from calc.errors import CalcError
from calc.periods import Timeline, parse_date
from calc.units import Q

spread = importlib.import_module("calc.models.commitments")
paths = importlib.import_module("calc.models.revenue")      # the package's name 'revenue' is the formula
running = importlib.import_module("calc.models.timeline")


@pytest.mark.parametrize("name", ["calc.periods", "calc.models.commitments", "calc.models.revenue",
                                  "calc.models.timeline", "calc.solve"])
def test_docstring_examples(name):
    res = doctest.testmod(importlib.import_module(name))
    assert res.attempted > 0 and res.failed == 0


class cumulative:
    """The running-sum formulas of calc.models.timeline on plain numbers (USD, decimal years)."""

    @staticmethod
    def coverage(share, revenue, spend):
        return running.coverage(compute_share_of_revenue=share, revenue=Q(revenue, "USD"),
                                commitment_spend=Q(spend, "USD")).m

    @staticmethod
    def cumulative_gap(spend, share, revenue):
        return running.cumulative_gap(commitment_spend=Q(spend, "USD"), compute_share_of_revenue=share,
                                      revenue=Q(revenue, "USD")).m

    @staticmethod
    def funding_need(gap):
        return running.funding_need(cumulative_gap=Q(gap, "USD")).m

    @staticmethod
    def break_even(cov, spend, starts):
        return running.break_even(coverage=Q(cov, ""), commitment_spend=Q(spend, "USD"),
                                  period_start=Q(starts, "yr")).m


# -- the period axis -------------------------------------------------------------------------

def test_yearly_timeline_labels_and_month_indices():
    tl = Timeline.parse({"start": 2025, "end": 2027, "step": "year"})
    assert tl.labels == ("2025", "2026", "2027")
    # 2025 x 12 = 24300; periods start 12 months apart
    assert tl.starts.tolist() == [24300, 24312, 24324]
    assert tl.decimal_years().tolist() == [2025.0, 2026.0, 2027.0]


def test_end_is_inclusive_at_its_own_precision():
    # end: 2026 with monthly steps runs through 2026-12: 2025-01 .. 2026-12 is 24 months
    tl = Timeline.parse({"start": 2025, "end": 2026, "step": "month"})
    assert tl.count == 24 and tl.labels[0] == "2025-01" and tl.labels[-1] == "2026-12"
    # end: 2028-Q4 with monthly steps runs through December 2028: 2028-10, -11, -12
    tl = Timeline.parse({"start": "2028-10", "end": "2028-Q4", "step": "month"})
    assert tl.labels == ("2028-10", "2028-11", "2028-12")
    # quarters: 2026-Q2 (= 2026-04) to 2026 is Q2, Q3, Q4; 2028-Q2 starts at decimal year 2028.25
    tl = Timeline.parse({"start": "2026-04", "end": 2026, "step": "quarter"})
    assert tl.labels == ("2026-Q2", "2026-Q3", "2026-Q4")
    assert Timeline.parse({"start": "2028-Q2", "end": "2028-Q2", "step": "quarter"}).decimal_years()[0] == 2028.25


def test_dates_month_and_quarter_mean_the_same_day():
    assert parse_date("2025-07", "x").first == parse_date("2025-Q3", "x").first == 2025 * 12 + 6
    # 15 August: 14 of 31 days gone
    assert parse_date("2025-08-15", "x", days=True).decimal_year == pytest.approx((2025 * 12 + 7 + 14 / 31) / 12)


@pytest.mark.parametrize("spec, words", [
    ({"start": 2030, "end": 2025}, "end 2025 is before start 2030"),
    ({"start": 2025, "end": 2030, "step": "week"}, "unknown step 'week'; use year, quarter or month"),
    ({"start": "2025-07", "end": 2030, "step": "year"}, "not on a period boundary"),
    ({"start": "2025-02", "end": 2030, "step": "quarter"}, "not on a period boundary"),
    ({"start": "2025-13", "end": 2030}, "is not a date"),
    ({"start": 2025, "end": 2030, "stride": 1}, "unknown key 'stride'"),
    ({"": None, 0: None}, "unknown key ''"),         # keys of mixed types (a hypothesis find)
    ({"start": 1000, "end": 2999, "step": "month"}, "more than calc evaluates"),
])
def test_bad_timelines(spec, words):
    with pytest.raises(CalcError, match=words):
        Timeline.parse(spec)


def test_a_series_takes_the_value_in_force_at_each_period_start():
    tl = Timeline.parse({"start": 2025, "end": 2029, "step": "year"})
    idx, labels = tl.series({2026: "1 GW", "2027-07": "2 GW", 2028: "3 GW"}, "s")
    # 2025: before the first point -> first value; 2027 starts before 2027-07 -> still 2026's value
    assert idx.tolist() == [0, 0, 0, 2, 2] and labels == ["2026", "2027-07", "2028"]
    with pytest.raises(CalcError, match="2026 comes after 2027; list the dates in order"):
        tl.series({2027: 1, 2026: 2}, "s")
    with pytest.raises(CalcError, match="2026 and 2026-01 are the same date"):
        tl.series({2026: 1, "2026-01": 2}, "s")


def test_at_names_one_period():
    tl = Timeline.parse({"start": 2025, "end": 2027, "step": "quarter"})
    assert tl.index_of("2026-Q3", "at") == 6 and tl.index_of("2026-07", "at") == 6
    with pytest.raises(CalcError, match="spans more than one quarter; name one period, e.g. 2026-Q1"):
        tl.index_of(2026, "at")
    with pytest.raises(CalcError, match="the timeline runs 2025-Q1 .. 2027-Q4"):
        tl.index_of(2031, "at")


# -- spreading commitments -------------------------------------------------------------------

def test_flat_spread_over_a_seven_year_term():
    # $38B over 84 months from 2025-11, yearly periods 2025..2032:
    # 2025 holds Nov, Dec = 2 months -> 2/84; 2026..2031 12 months each -> 12/84; 2032 holds 10 -> 10/84
    tl = Timeline.parse({"start": 2025, "end": 2032})
    s = spread.spread("aws", tl, "flat", "c", start=parse_date("2025-11", "s").first, term=84)
    assert np.allclose(s.weights * 84, [2, 12, 12, 12, 12, 12, 12, 10])
    assert s.outside == pytest.approx(0.0)
    assert np.allclose(38e9 * s.weights[:2], [38e9 * 2 / 84, 38e9 * 12 / 84])   # 0.905B, 5.43B


def test_ramp_spread():
    # 100 over 36 months from 2027: shares (12^2 - 0)/36^2 = 1/9, (24^2 - 12^2)/36^2 = 3/9, (36^2 - 24^2)/36^2 = 5/9
    tl = Timeline.parse({"start": 2026, "end": 2030})
    s = spread.spread("o", tl, "ramp", "c", start=2027 * 12, term=36)
    assert np.allclose(s.weights, [0, 1 / 9, 3 / 9, 5 / 9, 0])


def test_spend_outside_the_timeline_is_left_out_and_counted():
    # flat 60 months from 2028 on a timeline ending 2030: 36 of 60 months inside -> 40 % outside
    tl = Timeline.parse({"start": 2025, "end": 2030})
    s = spread.spread("x", tl, "flat", "c", start=2028 * 12, term=60)
    assert s.outside == pytest.approx(0.4)


def test_schedule_spread_by_count_and_bad_schedules():
    tl = Timeline.parse({"start": 2026, "end": 2028, "step": "year"})
    w = spread.schedule(tl, {2026: 0.2, 2027: 0.3, 2028: 0.5}, "c")
    assert w.tolist() == [0.2, 0.3, 0.5]
    with pytest.raises(CalcError, match=r"sum to 0.9 \(90 %\), not 100 %"):
        spread.schedule(tl, {2026: 0.4, 2027: 0.5}, "c")
    with pytest.raises(CalcError, match="term must be a positive whole number of months"):
        spread.spread("x", tl, "flat", "c", start=2026 * 12, term=0)
    with pytest.raises(CalcError, match="unknown shape 'lump'"):
        spread.spread("x", tl, "lump", "c", start=2026 * 12, term=12)


def test_spend_spreads_every_sample_at_once():
    tl = Timeline.parse({"start": 2026, "end": 2027})
    a = spread.spread("a", tl, "flat", "c", start=2026 * 12, term=24)      # half, half
    b = spread.spread("b", tl, "ramp", "c", start=2026 * 12, term=24)      # 1/4, 3/4
    amounts = [np.array([[10.0, 20.0]]), np.array([[4.0, 8.0]])]          # (cases=1, samples=2)
    out = spread.spend(amounts, [a, b])
    # sample 0: 10 x 1/2 + 4 x 1/4 = 6, 10 x 1/2 + 4 x 3/4 = 8; sample 1 doubles
    assert out.shape == (1, 2, 2) and np.allclose(out, [[[6, 8], [12, 16]]])


# -- revenue paths ---------------------------------------------------------------------------

def test_revenue_is_the_integral_of_the_run_rate_at_constant_growth():
    # a year at 5 %/month from a $5B run-rate: 5e9/12 x (1.05^12 - 1) / ln 1.05 = 6.79659e9
    expected = 5e9 / 12 * (1.05 ** 12 - 1) / math.log(1.05)
    assert paths.constant_revenue(5e9, 0.05, 0.0, 12.0) == pytest.approx(expected, rel=1e-12)
    # the next year: 1.05^12 times as much
    assert paths.constant_revenue(5e9, 0.05, 12.0, 24.0) == pytest.approx(expected * 1.05 ** 12, rel=1e-12)
    # zero growth: 12 months at $5B/yr earn $5B; backwards in time works too (m < 0)
    assert paths.constant_revenue(5e9, 0.0, -12.0, 0.0) == pytest.approx(5e9)
    # the run-rate 12 months after arr_as_of: 5e9 x 1.05^12
    assert paths.constant_rate(5e9, 0.05, 12.0) == pytest.approx(5e9 * 1.05 ** 12)


def test_decaying_revenue_matches_a_fine_riemann_sum_and_tends_to_constant():
    m = np.linspace(0, 12, 1_200_001)
    rates = paths.decaying_rate(5e9, 0.1, m, 6.0)
    riemann = np.trapezoid(rates, m) / 12 if hasattr(np, "trapezoid") else np.trapz(rates, m) / 12
    assert paths.decaying_revenue(5e9, 0.1, 0.0, 12.0, 6.0) == pytest.approx(riemann, rel=1e-9)
    # a very long half-life is constant growth
    assert paths.decaying_revenue(5e9, 0.05, 0.0, 12.0, 1e9) == pytest.approx(
        paths.constant_revenue(5e9, 0.05, 0.0, 12.0), rel=1e-7)
    # decay: at 12 months with h = 6 the log-growth is ln 1.1 x 6/ln2 x (1 - 1/4)
    assert paths.decaying_rate(5e9, 0.1, 12.0, 6.0) == pytest.approx(
        5e9 * math.exp(math.log(1.1) * 6 / math.log(2) * 0.75))


def test_logistic_path_starts_at_arr_end_with_its_growth_and_saturates():
    K, A, g = 100e9, 5e9, 0.1
    assert paths.logistic_rate(A, g, 0.0, K) == pytest.approx(A)
    # d ln arr / dm at 0 = r (1 - A/K) = ln(1.1)
    eps = 1e-6
    slope = (math.log(paths.logistic_rate(A, g, eps, K)) - math.log(paths.logistic_rate(A, g, -eps, K))) / (2 * eps)
    assert slope == pytest.approx(math.log(1.1), rel=1e-6)
    assert paths.logistic_rate(A, g, 600.0, K) == pytest.approx(K, rel=1e-9)
    m = np.linspace(0, 24, 2_400_001)
    rates = paths.logistic_rate(A, g, m, K)
    integral = (np.trapezoid if hasattr(np, "trapezoid") else np.trapz)(rates, m) / 12
    assert paths.logistic_revenue(A, g, 0.0, 24.0, K) == pytest.approx(integral, rel=1e-9)


# -- cumulative quantities -------------------------------------------------------------------

def test_coverage_gap_funding_need_and_break_even_by_hand():
    # spend 10 each year; revenue 4, 8, 12, 16; share 1
    spend = np.array([10.0, 10.0, 10.0, 10.0])
    revenue = np.array([4.0, 8.0, 12.0, 16.0])
    cov = cumulative.coverage(1.0, revenue, spend)
    assert cov.tolist() == [0.4, 0.8, 1.2, 1.6]
    gap = cumulative.cumulative_gap(spend, 1.0, revenue)
    assert gap.tolist() == [6.0, 8.0, 6.0, 0.0]          # 6, 6+2, 8-2, 6-6
    assert cumulative.funding_need(gap).tolist() == [8.0]
    assert cumulative.break_even(cov, spend, np.array([2026.0, 2027.0, 2028.0, 2029.0])).tolist() == [2028.0]
    # only half of revenue pays for compute: coverage 0.2 .. 0.8, never breaks even
    cov_half = cumulative.coverage(0.5, revenue, spend)
    assert np.isnan(cumulative.break_even(cov_half, spend, np.arange(4.0))).all()
    # a gap that is never positive needs no funding
    assert cumulative.funding_need(np.array([-1.0, -3.0])).tolist() == [0.0]


def test_cumulative_operations_run_along_the_last_axis_for_every_sample():
    rng = np.random.default_rng(0)
    spend = rng.uniform(1, 2, size=(3, 50, 12))
    revenue = rng.uniform(0, 3, size=(3, 50, 12))
    gap = cumulative.cumulative_gap(spend, 1.0, revenue)
    i, j = 2, 17
    assert gap[i, j, 5] == pytest.approx(float(np.sum(spend[i, j, :6] - revenue[i, j, :6])))
    assert cumulative.funding_need(gap)[i, j, 0] == pytest.approx(max(0.0, float(gap[i, j].max())))


# -- solve -----------------------------------------------------------------------------------

def test_solve_with_a_closed_form_answer_per_sample():
    # revenue over 12 months at growth g from A: A/12 x ((1+g)^12 - 1)/ln(1+g) = target
    # choose targets from known g, solve back: one solution per sample
    g_true = np.array([0.0001, 0.03, 0.1, 0.25])
    A = 5e9
    target = paths.constant_revenue(A, g_true, 0.0, 12.0)
    s = solve.bisect(lambda g: paths.constant_revenue(A, g, 0.0, 12.0), 0.0, 0.5, target)
    assert np.allclose(s.x, g_true, rtol=1e-9) and s.evaluations <= 20


def test_solve_at_most_and_at_least_find_edges_and_no_solution_is_nan():
    f = lambda x: 2 * x                                  # noqa: E731
    # 2x <= 1 on [0, 4]: the edge is 0.5, found within 1e-6 of the bracket (4e-6) where it holds
    assert 0.5 - 4e-6 <= solve.bisect(f, 0.0, 4.0, 1.0, "at_most").x <= 0.5
    # 2x >= 1 on [0, 4]: the edge is 0.5 too (from the other side)
    assert 0.5 <= solve.bisect(f, 0.0, 4.0, 1.0, "at_least").x <= 0.5 + 4e-6
    # 2x <= 100 holds on the whole bracket: the end nearest to failing is 4
    assert solve.bisect(f, 0.0, 4.0, 100.0, "at_most").x == 4.0
    # 2x >= 100 holds nowhere: no solution
    s = solve.bisect(f, 0.0, 4.0, 100.0, "at_least")
    assert np.isnan(s.x) and s.no_solution_share == 1.0


def test_solve_over_ten_thousand_samples_takes_at_most_twenty_passes():
    rng = np.random.default_rng(1)
    a = rng.uniform(1, 2, 10_000)
    calls = []

    def f(x):
        calls.append(1)
        return a * x ** 3
    s = solve.bisect(f, 0.0, 10.0, 8.0)
    # a x^3 = 8 -> x = 2 / a^(1/3)
    assert np.allclose(s.x, 2 / np.cbrt(a), rtol=1e-12)
    assert len(calls) == s.evaluations <= 20


def test_solve_on_a_step_stops_at_a_millionth_of_the_bracket():
    # f jumps from 0 to 1 at x = 1/3: no interpolation helps, ITP's bound holds: at most 2 ends +
    # ceil(log2(1e6)) = 20 bisection passes + n0 = 2 = 24 evaluations (here 21 passes: 23); the
    # edge within 1e-6 x 3 of 1/3
    calls = []

    def f(x):
        calls.append(1)
        return (x > 1 / 3).astype(float)
    s = solve.bisect(f, 0.0, 3.0, 0.5, "at_most")
    assert len(calls) == s.evaluations == 23 <= solve.MAX_EVALS == 24
    assert 1 / 3 - 3e-6 < s.x <= 1 / 3                   # the end where f <= 0.5 holds


def test_break_even_is_never_a_period_before_any_spend():
    # QA: anthropic-commitments reported break-even 2025 while its commitments start in 2026.
    # spend 0, 10, 10; revenue 5, 20, 30 -> coverage null, 2.0, 3.0: covered from 2026, the first
    # year with spend; 2025 had nothing to cover, so it cannot be the break-even year.
    spend = np.array([0.0, 10.0, 10.0])
    cov = cumulative.coverage(1.0, np.array([5.0, 20.0, 30.0]), spend)
    assert cumulative.break_even(cov, spend, np.array([2025.0, 2026.0, 2027.0])).tolist() == [2026.0]
    # a no-spend period in the middle still does not interrupt: spend 10, 0, 10, coverage 2, -, 2
    spend = np.array([10.0, 0.0, 10.0])
    cov = cumulative.coverage(1.0, np.array([20.0, 0.0, 20.0]), spend)
    assert cumulative.break_even(cov, spend, np.array([2025.0, 2026.0, 2027.0])).tolist() == [2025.0]
    # per sample along the last axis: sample 0 as above, sample 1 short in 2027 -> never (NaN)
    spend = np.array([[0.0, 10.0, 10.0], [0.0, 10.0, 10.0]])
    cov = cumulative.coverage(1.0, np.array([[5.0, 20.0, 30.0], [5.0, 20.0, 5.0]]), spend)
    got = cumulative.break_even(cov, spend, np.array([2025.0, 2026.0, 2027.0]))
    assert got[0].tolist() == [2026.0] and np.isnan(got[1, 0])
