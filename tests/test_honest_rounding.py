"""Shares of samples shown as percentages never round to 100 % or 0 % unless they are exactly all
or none (issue 23, item 4): 'never in 100 %' beside never_share 0.997 in JSON was a lie."""

from __future__ import annotations

import math

import pytest

import calc
from calc.format import share
from calc.output.layout import period_cell


@pytest.mark.parametrize("x, text", [
    (1.0, "100 %"), (0.0, "0 %"), (0.997, "99.7 %"), (0.9999, "99.99 %"), (0.995, "99.5 %"),
    (0.5, "50 %"), (0.123, "12 %"), (0.004, "0.4 %"), (0.0001, "0.01 %"),
    (0.999999, ">99.99 %"), (0.000001, "<0.01 %"), (math.nan, "-"),
])
def test_a_share_is_100_or_0_percent_only_when_it_is_all_or_none(x, text):
    assert share(x) == text


@pytest.fixture(scope="module")
def timeline_result():
    return calc.load("openai-commitments").run(samples=0)


def _never(res, never_share):
    nan = float("nan")
    return period_cell(res, {"unit": "date", "value": nan, "p05": nan, "p95": nan,
                             "never_share": never_share})


def test_break_even_never_share_keeps_its_decimal(timeline_result):
    assert _never(timeline_result, 0.997) == "never, never in 99.7 %"      # was 'never in 100 %'
    assert _never(timeline_result, 0.9999) == "never, never in 99.99 %"
    assert _never(timeline_result, 1.0) == "never"                         # all: said once
    row = {"unit": "date", "value": 2028.0, "p05": 2027.0, "p95": 2030.0, "never_share": 0.004}
    assert period_cell(timeline_result, row) == "2028 (2027–2030), never in 0.4 %"   # not '0 %'


def test_solve_no_solution_share_keeps_its_decimal():
    res = calc.load("openai-commitments").run(samples=20, seed=1)
    row = {"unit": "1", "value": float("nan"), "solved": True, "no_solution_share": 0.997}
    assert period_cell(res, row) == "no solution, none in 99.7 %"
    row["no_solution_share"] = 1.0
    assert period_cell(res, row) == "no solution, none in 100 %"


def test_a_range_with_a_negative_end_reads_with_to_not_a_dash_beside_a_minus():
    from calc.output.layout import cell_text, span
    assert span("$1.00B", "$2.00B") == "$1.00B–$2.00B"
    assert span("-$17.3B", "-$14.4B") == "-$17.3B to -$14.4B"
    assert span("-$1.00B", "$2.00B") == "-$1.00B to $2.00B"
    row = {"unit": "USD", "value": -16.1e9, "p05": -17.3e9, "p50": -16.1e9, "p95": -14.4e9}
    assert cell_text(row) == "-$16.1B (-$17.3B to -$14.4B)"


def test_no_solution_with_a_range_says_the_range_is_where_one_exists():
    res = calc.load("anthropic-commitments").run(samples=20, seed=1)      # a sampled run
    row = {"unit": "%", "value": float("nan"), "p05": 2.8, "p95": 139.0, "p50": float("nan"),
           "solved": True, "no_solution_share": 0.96}
    assert period_cell(res, row) == "no solution (where one exists: 2.8–139), none in 96 %"
    # a date whose sampled range is one period reads it once
    date = {"unit": "date", "value": float("nan"), "p05": 2028.0, "p95": 2028.0, "p50": 2028.0,
            "never_share": 0.9}
    assert period_cell(res, date) == "never (2028), never in 90 %"
