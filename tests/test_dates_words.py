"""Dates and ranges in words (issue 23, item 6): dates print as dates in every human format, date
targets and brackets take dates, ``Result.value`` of a date reads as one, and ranges in explain and
sensitivity use the display unit and money format. JSON keeps the decimal year."""

from __future__ import annotations

import datetime
import json
import math
import textwrap

import pytest

import calc
from calc.dates import Date, year_text

from helpers import HAND_QUARTERS as QUARTERS, HAND_TIMELINE as HAND, calc_cli, without_headline

# QUARTERS (tests/helpers.py): $1B of spend a quarter against Q1 0.579B, Q2 0.770B, Q3 1.025B,
# Q4 1.364B of revenue -> break-even 2026-Q3, decimal year 2026.5.


def _write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_year_text_writes_a_decimal_year_as_a_date():
    # 2028.25 is 1 April 2028: a quarter's start on a quarterly timeline, a month elsewhere;
    # 2025 + (7 + 14/31) / 12 is 15 August 2025 (arr_as_of: 2025-08-15)
    assert year_text(2028.0) == "2028"
    assert year_text(2028.25, 3) == "2028-Q2"
    assert year_text(2028.25) == "2028-04"
    assert year_text(2028.0, 1) == "2028-01"
    assert year_text(2025 + (7 + 14 / 31) / 12) == "2025-08-15"
    assert year_text(float("nan")) == "never" and year_text(None) == "never"


def test_a_quarterly_break_even_prints_as_its_quarter_and_json_keeps_the_decimal_year(tmp_path):
    path = _write(tmp_path, QUARTERS)
    table = calc_cli("run", str(path))
    assert table.returncode == 0, table.stderr
    line = next(t for t in without_headline(table.stdout).splitlines() if "break_even" in t)
    assert line.split()[-2:] == ["2026-Q3", "[1]"]
    head = next(t for t in table.stdout.splitlines() if "break_even" in t)   # the headline's
    assert head.split()[-1] == "2026-Q3"
    md = calc_cli("run", str(path), "--format", "markdown").stdout
    assert "| break_even [date] |  |  |  |  | 2026-Q3 |" in md
    html = calc_cli("run", str(path), "--format", "html").stdout
    assert '<td class="num">2026-Q3</td>' in html
    rows = json.loads(calc_cli("run", str(path), "--format", "json").stdout)["rows"]
    (be,) = [r for r in rows if r["quantity"] == "break_even"]
    assert (be["value"], be["unit"]) == (2026.5, "date")
    explained = calc_cli("explain", str(path), "break_even").stdout.splitlines()
    assert explained[1].endswith("= 2026-Q3")
    # an input date as a date (2026-01 is 1 January 2026), the timeline's own as its labels
    assert "│  │  ├─ arr_as_of = 2026  (input) [1]" in explained
    assert "│  │  ├─ period_start = 2026-Q3  (timeline) " in explained


def test_value_of_a_date_reads_as_a_date():
    res = calc.load(QUARTERS).run()
    when = res.value("break_even")
    assert isinstance(when, Date) and isinstance(when, float)
    assert when == "2026-Q3" and repr(when) == "Date('2026-Q3')" and str(when) == "2026-Q3"
    # a number too: it compares, computes and formats as the decimal year
    assert when == 2026.5 and 2026 < when <= 2027 and when + 0.25 == 2026.75
    assert f"{when}|{when:.1f}" == "2026-Q3|2026.5" and round(when) == 2026
    assert when.decimal_year == 2026.5 and float(when) == 2026.5
    assert when.first_day == datetime.date(2026, 7, 1)
    assert res.value("arr_as_of") == "2026"            # 2026-01 is 1 January 2026
    # HAND never breaks even (coverage 1, 0.727, 0.471): None, as JSON's null
    assert calc.load(HAND).run().value("break_even") is None


def test_solve_takes_a_date_target_and_writes_it_as_one(tmp_path):
    # at most 2026-08 (decimal 2026.583): break-even 2026-Q3 (2026.5) holds at 10 %/month.
    # From 0 to 1 %/month revenue stays under $0.52B a quarter against $1B: never, so no solution.
    path = _write(tmp_path, QUARTERS)
    out = calc_cli("solve", str(path), "--for", "arr_growth_per_month", "--so-that", "break_even",
                   "--at-most", "2026-08", "--between", "0", "0.01")
    assert out.returncode == 0, out.stderr
    assert ("finding (base): no value of arr_growth_per_month in [0 %, 1 %] makes break_even at "
            "most 2026-08 (at the central values)") in out.stdout.splitlines()
    ok = calc_cli("solve", str(path), "--for", "arr_growth_per_month", "--so-that", "break_even",
                  "--at-most", "2026-Q3", "--between", "0", "0.5", "--format", "json")
    (row,) = json.loads(ok.stdout)["rows"]

    def q3(g):      # Q3 revenue [USD]: 2e9/12 x ((1+g)^9 - (1+g)^6) / ln(1+g); Q4 is larger
        return 2e9 / 12 * ((1 + g) ** 9 - (1 + g) ** 6) / math.log(1 + g)
    lo, hi = 0.05, 0.1                  # the edge: Q3 earns exactly the $1B it spends
    for _ in range(60):
        lo, hi = ((lo + hi) / 2, hi) if q3((lo + hi) / 2) < 1e9 else (lo, (lo + hi) / 2)
    assert row["value"] == pytest.approx(hi, abs=1e-5)          # 0.0963


def test_solve_brackets_take_dates_for_a_date_input(tmp_path):
    # Solve for arr_as_of: a later report date of the same $2B/yr means less revenue in 2026.
    # Break-even 2026-Q3 needs Q3 >= $1B: 1.0253B x 1.1^-s >= 1B, s <= ln 1.0253 / ln 1.1 = 0.262
    # months after 2026-01-01: 0.262 x 31 = 8.1 days, so the edge is 2026-01-09.
    path = _write(tmp_path, QUARTERS)
    out = calc_cli("solve", str(path), "--for", "arr_as_of", "--so-that", "break_even",
                   "--at-most", "2026-Q3", "--between", "2025-06", "2026-Q2")
    assert out.returncode == 0, out.stderr
    assert "arr_as_of [date] (base) = 2026-01-09" in out.stdout.splitlines()
    rows = json.loads(calc_cli("solve", str(path), "--for", "arr_as_of", "--so-that", "break_even",
                               "--at-most", "2026-Q3", "--between", "2025-06", "2026-Q2",
                               "--format", "json").stdout)["rows"]
    shift = math.log(1.1 ** 6 * (1.1 ** 3 - 1) / math.log(1.1) * 2e9 / 12 / 1e9) / math.log(1.1)
    assert rows[0]["unit"] == "date"
    assert rows[0]["value"] == pytest.approx(2026 + shift / 12, abs=1e-5)


def test_a_missing_bracket_says_it_is_missing(tmp_path):
    out = calc_cli("solve", str(_write(tmp_path, QUARTERS)), "--for", "arr_growth_per_month",
                   "--so-that", "break_even", "--at-most", "2026-Q3")
    assert out.returncode == 2
    assert out.stderr == (
        "calc: --between is missing: give the bracket to search, [low, high] in the unit "
        "of arr_growth_per_month, e.g. --between 0 0.3\n")
    assert "None" not in out.stderr


def test_checks_on_a_date_take_dates(tmp_path):
    # HAND at 5 %/month breaks even in 2026 (tests/test_qa_timelines.py)
    text = HAND.replace("{value: 0, source", "{value: 0.05, source") + textwrap.dedent("""\
        checks:
          - {says: x, source: assumption, note: t, that: break_even, between: [2026, 2027-06]}
          - {says: y, source: assumption, note: t, that: break_even, below: 2026-Q2}
        """)
    first, second = calc.load(text).run().checks
    assert first.detail == "break_even = 2026; expected between 2026 and 2027-06: holds"
    assert second.detail == "break_even = 2026; expected below 2026-04: holds"


def test_ranges_in_explain_and_sensitivity_use_the_display_unit_and_money(tmp_path):
    # arr_growth_per_month 3-12 % a month is shown in % (its glossary display); a money range in $B
    text = QUARTERS.replace("arr_growth_per_month: {value: 0.1,", "arr_growth_per_month: {range: [0.03, 0.12],") \
        .replace("{value: 4 billion USD,", "{range: [3 billion USD, 5 billion USD],")
    path = _write(tmp_path, text)
    lines = calc_cli("explain", str(path), "revenue", "--at", "2026-Q2").stdout.splitlines()
    assert "├─ arr_growth_per_month = 6 %  (input, range [3 %, 12 %]) [1]" in [t.lstrip("│ ") for t in lines]
    spend = calc_cli("explain", str(path), "commitment_spend", "--at", "2026-Q2").stdout
    assert "deal_commitment = $3.87B  (input, range [$3.00B, $5.00B]) [1]" in spend
    table = calc.load(text).run(samples=200, seed=1).sensitivity()
    ranges = dict(zip(table["input"], table["input_range"]))
    assert {n: ranges[n] for n in ("arr_growth_per_month", "deal_commitment", "arr_end",
                                   "arr_as_of", "compute_share_of_revenue")} == {
        "arr_growth_per_month": "[3 %, 12 %]", "deal_commitment": "[$3.00B, $5.00B]",
        "arr_end": "$2.00B/yr", "arr_as_of": "2026", "compute_share_of_revenue": "100 %"}
    shown = calc_cli("run", str(path), "--sensitivity", "--samples", "200").stdout
    assert "[3 %, 12 %]" in shown and "[3e+09, 5e+09] USD" not in shown
