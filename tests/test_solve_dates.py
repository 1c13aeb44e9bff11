"""A solve over a date (``break_even``, ``cash_out``) ``at_most`` a year: the date is a step in the
solved input, so calc.solve searches the smooth margin behind it (coverage, the cash balance) and
answers the step's edge in a few evaluations instead of bisecting the step (20 passes)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import calc
from calc import solve
from tests.test_financing import HAND

# Spend 10 billion USD a year in 2026-2027 (a: 20 over 2 years), 15 a year in 2028-2029 (b: 30
# over 2 years); revenue flat at arr_end a year (no growth), all of it for compute. Coverage is
# arr_end / 10 in 2026-2027 and arr_end / 15 after: break_even is 2026 from arr_end = 15 billion
# USD/yr (covered from the first year to the end), never below. So break_even <= 2027 holds from
# 15 billion USD/yr: the edge is 15e9.
TWO = textwrap.dedent("""\
    name: two
    timeline: {start: 2026, end: 2029, step: year}
    commitments:
      a: {amount: {value: 20 billion USD, source: assumption, note: t}, start: 2026, term: 2 yr}
      b: {amount: {value: 30 billion USD, source: assumption, note: t}, start: 2028, term: 2 yr}
    inputs:
      arr_end: {value: 12 billion USD/yr, source: assumption, note: t}
      arr_as_of: {value: 2026-01, source: assumption, note: t}
      arr_growth_per_month: {value: 0, source: assumption, note: t}
    solve: {for: arr_end, so_that: break_even, at_most: 2027 yr,
            between: [1 billion USD/yr, 100 billion USD/yr]}
    outputs: [coverage, break_even]
    """)


def solved(res):
    return [r for r in res.rows() if r.get("solved")]


def test_break_even_at_most_a_year_finds_the_coverage_edge_in_a_few_evaluations():
    row, = solved(calc.load(TWO).run())
    # within 1e-6 of the bracket (99e9 wide) of 15e9, on the side where it holds
    assert 15e9 <= row["value"] <= 15e9 + 99e9 * 1e-6
    assert row["evaluations"] <= 12 < solve.MAX_EVALS
    # at the answer break_even is 2026 indeed, just below it never
    at = calc.load(TWO).run(sets={"arr_end": f"{row['value']} USD/yr"})
    assert float(at.value("break_even")) == 2026.0
    below = calc.load(TWO).run(sets={"arr_end": f"{0.999 * row['value']} USD/yr"})
    assert below.value("break_even") is None                    # never


def test_break_even_solve_per_sample_is_half_of_b():
    # b's amount sampled: coverage arr_end / 10 in 2027 and arr_end / (b / 2) after must both reach
    # 1, so the edge is max(10e9, b / 2) a year, one per sample, and its quantiles are those of it
    text = TWO.replace("b: {amount: {value: 30 billion USD,", "b: {amount: {range: [20 billion USD,"
                       " 40 billion USD],")
    res = calc.load(text).run(samples=500, seed=3)
    row, = solved(res)
    b = res.draws["b_commitment"][0, :, 0]
    for q, key in ((5, "p05"), (50, "p50"), (95, "p95")):
        assert row[key] == pytest.approx(np.percentile(np.maximum(10e9, b / 2), q),
                                         abs=99e9 * 1e-6)
    assert row["no_solution_share"] == 0 and row["evaluations"] <= 12
    assert (b / 2 < 10e9).any() and (b / 2 > 10e9).any()       # both sides of max() are tried


def test_break_even_at_most_a_year_before_the_timeline_has_no_solution():
    res = calc.load(TWO.replace("at_most: 2027 yr", "at_most: 2025 yr")).run()
    row, = solved(res)
    assert np.isnan(row["value"]) and row["no_solution_share"] == 1.0
    assert any("no value of arr_end" in c.detail for c in res.checks)


# financing (tests/test_financing.py's HAND): cash c, no revenue counted, 6 billion USD of spend a
# year, interest 10 %/yr on a negative balance: the balance is c - 6 at the end of 2025 and c - 12
# at the end of 2026 (no interest while it is positive), so cash_out <= 2026 (a balance below 0 by
# 2026) holds for c below 12 billion USD: the edge is 12e9.
FIN = HAND.replace("outputs: [", "solve: {for: cash, so_that: cash_out, at_most: 2026 yr, "
                   "between: [0 USD, 30 billion USD]}\noutputs: [")


def test_cash_out_at_most_a_year_finds_the_balance_edge():
    res = calc.load(FIN).run()
    row, = solved(res)
    assert 12e9 - 30e9 * 1e-6 <= row["value"] <= 12e9
    assert row["evaluations"] <= 12
    assert float(res.value("cash_out")) == 2026.0           # at cash 10: -2 at the end of 2026


def test_break_even_at_least_a_year_finds_the_same_edge_from_the_other_side():
    # break_even >= 2027 holds where it is not 2026: arr_end below 15 billion USD/yr (never, later
    # than any date, counts as at least 2027); the edge is 15e9, approached from below
    row, = solved(calc.load(TWO.replace("at_most: 2027 yr", "at_least: 2027 yr")).run())
    assert 15e9 - 99e9 * 1e-6 <= row["value"] <= 15e9
    assert row["evaluations"] <= 12 < solve.MAX_EVALS
    # break_even >= 2026 (the first period) holds everywhere: the bracket's end nearer the edge
    row, = solved(calc.load(TWO.replace("at_most: 2027 yr", "at_least: 2026 yr")).run())
    assert row["evaluations"] == 2 and row["no_solution_share"] == 0


def test_cash_out_at_least_a_year_finds_the_balance_edge():
    # cash_out >= 2027 holds where the balance stays >= 0 through 2026: cash of 12 billion USD
    # and more (c - 12 at the end of 2026)
    res = calc.load(FIN.replace("at_most: 2026 yr", "at_least: 2027 yr")).run()
    row, = solved(res)
    assert 12e9 <= row["value"] <= 12e9 + 30e9 * 1e-6
    assert row["evaluations"] <= 12
