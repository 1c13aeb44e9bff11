"""Timelines and solve through scenarios and the command line: numbers derived by hand, the
output shapes the README documents ("Timelines", "Goal seek"), and every bad-input case (exit 2, file:line)."""

from __future__ import annotations

import json
import math
import textwrap

import numpy as np
import pytest

import calc
from calc import solve
from calc.errors import CalcError

from helpers import HAND_QUARTERS, HAND_TIMELINE as HAND, calc_cli, without_headline



def calc_cli_text(text: str, fmt: str) -> str:
    """stdout of ``calc run`` on scenario ``text`` (written to a temporary file) in format ``fmt``."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.yaml"
        path.write_text(text)
        out = calc_cli("run", str(path), "--format", fmt)
        assert out.returncode == 0, out.stderr
        return out.stdout


def _write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_hand_derived_timeline():
    res = calc.load(HAND).run()
    assert res.periods == ("2026", "2027", "2028")
    assert np.allclose(res["revenue"].m_as("USD"), [12e9, 12e9, 12e9])
    assert np.allclose(res["commitment_spend"].m_as("USD"), [12e9, 16.5e9, 25.5e9])
    assert np.allclose(res["coverage"].m, [1.0, 12 / 16.5, 12 / 25.5])
    assert np.allclose(res["cumulative_gap"].m_as("USD"), [0, 4.5e9, 18e9], atol=1)
    assert res["funding_need"].m_as("USD") == pytest.approx(18e9)
    assert math.isnan(res["break_even"].m)
    assert res.value("cumulative_gap", at="2027").m_as("USD") == pytest.approx(4.5e9)


def test_rows_are_long_with_a_period_and_break_even_is_a_date(tmp_path):
    # with growth, 2026 earns 1e9 x (1.05^12 - 1)/ln 1.05 = 16.31B > 12B; later years more: breaks even 2026
    text = HAND.replace("arr_growth_per_month: {value: 0,", "arr_growth_per_month: {value: 0.05,")
    out = calc_cli("run", str(_write(tmp_path, text)), "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    rev = [r for r in doc["rows"] if r["quantity"] == "revenue"]
    assert [r["period"] for r in rev] == ["2026", "2027", "2028"]
    assert rev[0]["value"] == pytest.approx(12e9 / 12 * (1.05 ** 12 - 1) / math.log(1.05))
    be = [r for r in doc["rows"] if r["quantity"] == "break_even"][0]
    assert be["period"] is None and be["unit"] == "date"
    # coverage 2028: revenue 16.31 x 1.05^24 = 52.54B over 25.5B spend >= 1; 2027: 16.31 x 1.05^12 = 29.3 / 16.5 >= 1
    assert be["value"] == 2026.0
    fn = [r for r in doc["rows"] if r["quantity"] == "funding_need"][0]
    assert fn["period"] is None and fn["value"] == 0.0
    csv = calc_cli("run", str(_write(tmp_path, text)), "--format", "csv").stdout
    assert csv.splitlines()[0].startswith("variant,point,period,quantity,value,unit")


def test_break_even_quantiles_are_period_starts_and_never_share():
    # growth sampled over [0, 0.1]: the central 0.05 breaks even in 2026; low draws never do
    text = HAND.replace("arr_growth_per_month: {value: 0, source: assumption, note: t}",
                        "arr_growth_per_month: {range: [0.0, 0.1], source: assumption, note: t}")
    res = calc.load(text).run(samples=2000, seed=3)
    row = [r for r in res.rows() if r["quantity"] == "break_even"][0]
    assert 0 < row["never_share"] < 1
    for k in ("p05", "p50", "p95"):
        assert row[k] in (2026.0, 2027.0, 2028.0)          # a period's start, not interpolated


def test_table_has_periods_as_columns(tmp_path):
    out = calc_cli("run", str(_write(tmp_path, HAND)), "--format", "markdown")
    head = without_headline(out.stdout).splitlines()[2]
    assert "| 2026 | 2027 | 2028 | whole timeline |" in head
    assert "never" in out.stdout                            # break_even
    assert "| funding_need [USD] |" in out.stdout and "$18.0B" in out.stdout


def test_spend_outside_the_timeline_is_a_note():
    text = HAND.replace("start: 2027, term: 24 month", "start: 2028, term: 24 month")
    res = calc.load(text).run()
    # ramp from 2028 over 24 months: 2028 holds 12^2/24^2 = 25 %, 75 % falls after the timeline
    assert res["commitment_spend"].m_as("USD")[-1] == pytest.approx(12e9 + 4.5e9)
    assert any("later_commitment: 75 % of the amount ($13.5B" in n for n in res.notes)
    for fmt in ("table", "markdown", "html", "json"):      # every format shows the note
        assert "later_commitment: 75 % of the amount" in calc_cli_text(text, fmt)


def test_series_takes_the_value_in_force_at_period_start():
    line = "  arr_growth_per_month: {value: 0, source: assumption, note: t}\n"
    series = "  compute_share_of_revenue: {over_time: {2027: 0.5, 2028: 0.25}, source: assumption, note: t}\n"
    text = HAND.replace(line, line + series).replace("outputs: [", "outputs: [compute_share_of_revenue, ")
    res = calc.load(text).run()
    # before the first point the first value holds: 0.5, 0.5, 0.25
    assert res["compute_share_of_revenue"].m.tolist() == [0.5, 0.5, 0.25]
    # coverage 0.5 x 12 / 12, 0.5 x 12 / 16.5, 0.25 x 12 / 25.5
    assert np.allclose(res["coverage"].m, [0.5, 6 / 16.5, 3 / 25.5])


def test_solve_with_a_closed_form_answer(tmp_path):
    # revenue in 2026 from $12B/yr as of 2026-01 at g: 1e9 x ((1+g)^12 - 1)/ln(1+g); at g = 0.05 it is 16.3118B
    target = 12e9 / 12 * (1.05 ** 12 - 1) / math.log(1.05)
    path = _write(tmp_path, HAND)
    out = calc_cli("solve", str(path), "--for", "arr_growth_per_month", "--so-that", "revenue",
                   "--equals", f"{target} USD", "--between", "0", "0.5", "--at", "2026", "--format", "json")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)["rows"][0]
    assert row["solved"] is True and row["period"] is None and row["quantity"] == "arr_growth_per_month"
    assert row["value"] == pytest.approx(0.05, rel=1e-9)
    assert row["evaluations"] <= 12         # smooth in g: the bracket ends and a few passes


def test_solve_on_a_single_period_scenario():
    # which PUE makes 1 GW hold 200,000 chips at 4 kW/chip IT? 1e9 / (4000 x pue) = 2e5 -> pue = 1.25
    text = textwrap.dedent("""\
        name: pue-solve
        inputs:
          facility_power: {value: 1 GW, source: assumption, note: t}
          it_power_per_chip: {value: 4 kW/chip, source: assumption, note: t}
          pue: {range: [1.1, 1.4], source: assumption, note: t}
        outputs: [chips]
        solve: {for: pue, so_that: chips, equals: 200000 chip, between: [1.0, 2.0]}
        """)
    res = calc.load(text).run(samples=500, seed=1)
    row = [r for r in res.rows() if r.get("solved")][0]
    assert row["value"] == pytest.approx(1.25, rel=1e-9)
    assert row["p05"] == pytest.approx(1.25) and row["no_solution_share"] == 0.0


def test_no_solution_is_a_finding_not_an_error(tmp_path):
    # at most 0.1 %/month, revenue stays near 12B a year against 16.5B and 25.5B of spend: a gap remains
    out = calc_cli("solve", str(_write(tmp_path, HAND)), "--for", "arr_growth_per_month", "--so-that",
                   "funding_need", "--at-most", "0 USD", "--between", "0", "0.001")
    assert out.returncode == 0, out.stderr
    assert "arr_growth_per_month [%] (base) = no solution" in out.stdout
    assert ("finding (base): no value of arr_growth_per_month in [0 %, 0.1 %] makes funding_need at most $0.00"
            in out.stdout)


def test_median_of_monte_carlo_matches_output_at_median_input():
    # revenue is monotone in g: its median over samples is revenue at g's median (the central value)
    text = HAND.replace("arr_growth_per_month: {value: 0, source: assumption, note: t}",
                        "arr_growth_per_month: {range: [0.02, 0.08], source: assumption, note: t}")
    res = calc.load(text).run(samples=20000, seed=7)
    rows = [r for r in res.rows() if r["quantity"] == "revenue"]
    for r in rows:
        assert r["p50"] == pytest.approx(r["value"], rel=0.01)


def test_explain_one_period(tmp_path):
    out = calc_cli("explain", str(_write(tmp_path, HAND)), "revenue", "--at", "2027")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("revenue (variant base, period 2027)")
    assert "period_start = 2027  (timeline)" in out.stdout and "= $12.0B" in out.stdout


BAD = [
    ("timeline: {start: 2026, end: 2028, step: year}", "timeline: {start: 2030, end: 2028, step: year}",
     r"s.yaml:2: timeline: end 2028 is before start 2030"),
    ("timeline: {start: 2026, end: 2028, step: year}", "timeline: {start: 2026, end: 2028, step: week}",
     r"s.yaml:2: timeline.step: unknown step 'week'; use year, quarter or month"),
    ("timeline: {start: 2026, end: 2028, step: year}", "timeline: {start: 2026-03, end: 2028, step: quarter}",
     r"s.yaml:2: timeline.start: 2026-03 is not on a period boundary of a quarter step"),
    ("start: 2026, term: 3 yr}", "start: 2026, term: 0 yr}", r"s.yaml:4: commitments.base_deal: term: the term must be a positive"),
    ("start: 2026, term: 3 yr}", "start: 2026, term: 2.5 month}", r"s.yaml:4: commitments.base_deal: term: .* whole number of months"),
    ("start: 2026, term: 3 yr}", "schedule: {2026: 50%, 2027: 40%}}", r"s.yaml:4: commitments.base_deal.schedule: "
     r"the shares sum to 0.9 \(90 %\), not 100 %"),
    ("arr_growth_per_month: {value: 0, source: assumption, note: t}",
     "arr_growth_per_month: {over_time: {2027: 0.1, 2026: 0.2}, source: assumption, note: t}",
     r"s.yaml:\d+: inputs.arr_growth_per_month: .*2026 comes after 2027; list the dates in order"),
]


@pytest.mark.parametrize("old, new, message", BAD)
def test_bad_timeline_input_is_exit_2_with_file_and_line(tmp_path, old, new, message):
    assert old in HAND
    out = calc_cli("run", str(_write(tmp_path, HAND.replace(old, new))))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    import re
    assert re.search(message, out.stderr), out.stderr


@pytest.mark.parametrize("args, message", [
    (["--for", "chips_", "--so-that", "revenue", "--equals", "1 USD", "--between", "0", "1", "--at", "2026"],
     "--for 'chips_' is not an input of this scenario"),
    (["--for", "arr_growth_per_month", "--so-that", "revenue", "--equals", "1 USD", "--at", "2026"],
     "calc: --between is missing: give the bracket to search, [low, high] in the unit of "
     "arr_growth_per_month"),
    (["--for", "arr_end", "--so-that", "revenue", "--equals", "1 USD", "--between", "1 GW", "2 GW", "--at", "2026"],
     "calc: --between '1 GW'"),
    (["--for", "arr_growth_per_month", "--so-that", "revenue", "--equals", "1 USD", "--between", "-3", "0.5",
      "--at", "2026"], "calc: --between '-3'"),
    (["--for", "arr_growth_per_month", "--so-that", "revenue", "--equals", "1 USD", "--between", "0", "0.5",
      "--at", "2031"], "the timeline runs 2026 .. 2028"),
])
def test_bad_solve_requests(tmp_path, args, message):
    out = calc_cli("solve", str(_write(tmp_path, HAND)), *args)
    assert out.returncode == 2 and message in out.stderr, out.stderr


def test_too_many_periods_times_samples_is_refused_before_any_work(tmp_path):
    text = HAND.replace("timeline: {start: 2026, end: 2028, step: year}", "timeline: {start: 2000, end: 2099, step: month}")
    out = calc_cli("run", str(_write(tmp_path, text)), "--samples", "1000000")
    assert out.returncode == 2 and "1,200 periods x 1,000,000 samples" in out.stderr


def test_a_check_can_name_a_period_and_must_when_the_value_is_per_period():
    text = HAND + textwrap.dedent("""\
        checks:
          - {says: "gap by 2027", source: assumption, note: t, that: cumulative_gap, near: 4.5 billion USD, within: 1%, at: 2027}
        """)
    res = calc.load(text).run()
    assert res.checks[0].passed and "cumulative_gap at 2027 = $4.50B" in res.checks[0].detail
    with pytest.raises(CalcError, match="cumulative_gap has a value per period; say which with at:"):
        calc.load(text.replace(", at: 2027", "")).run()
    # an input without a time pattern is the same in every period: no 'at' needed
    constant = HAND + textwrap.dedent("""\
        checks:
          - {says: "12B run-rate", source: assumption, note: t, that: arr_end, near: 12 billion USD/yr, within: 1%}
        """)
    assert calc.load(constant).run().checks[0].passed


def test_plot_html_and_xlsx_of_a_timeline(tmp_path):
    pytest.importorskip("matplotlib")
    openpyxl = pytest.importorskip("openpyxl")
    path = _write(tmp_path, HAND)
    png = tmp_path / "fan.png"
    out = calc_cli("run", str(path), "--samples", "200", "--plot", str(png), "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = calc_cli("run", str(path), "--format", "html").stdout
    assert '<th class="num">2027</th>' in html
    xlsx = tmp_path / "t.xlsx"
    assert calc_cli("run", str(path), "--format", "xlsx", "--output", str(xlsx)).returncode == 0
    ws = openpyxl.load_workbook(xlsx)["periods"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][4:8] == (2026, 2027, 2028, "whole timeline")          # years as numbers
    spend = [r for r in rows if r[2] == "commitment_spend"][0]
    assert spend[4:7] == pytest.approx((12e9, 16.5e9, 25.5e9))          # 12, 12 + 4.5, 12 + 13.5
    need = [r for r in rows if r[2] == "funding_need"][0]
    assert need[7] == pytest.approx(18e9)


def test_shipped_timeline_scenarios_run_and_answer():
    ant = calc.load("anthropic-commitments").run(samples=200, seed=1)
    assert ant.periods == ("2025", "2026", "2027", "2028", "2029", "2030")
    # 2025 has no commitment spend (every commitment starts in 2026): coverage is null there
    assert math.isnan(ant.value("coverage", at="2025").m)
    assert any(r.get("solved") for r in ant.rows())
    oai = calc.load("openai-commitments").run(samples=0)
    # the three named contracts and the rest add up to the 1.4 trillion headline, all inside 2025-2033
    assert oai.value("commitment_spend_cumulative", at="2033").m_as("USD") == pytest.approx(1.4e12, rel=1e-9)
    got = {c.says.split()[2]: c for c in oai.checks if c.variant in (None, "base")}
    # like with like: OpenAI's 30 GW at HSBC's 17.222 billion USD per GW-year (620 / 36, stored
    # rounded) = 516.7 billion a year, within 25 % of HSBC's 620 at full capacity: holds
    assert got["centre"].value == pytest.approx(30 * 17.222e9, rel=1e-9) and got["centre"].passed
    # costs through 2030 (flat spreads of AWS 38/7 yr from 2025-11, Oracle 300/5 yr from 2027,
    # Azure 250/7 yr from 2026, and the rest 812 ramped over 8 yr from 2026): 764 billion, within
    # 10 % of HSBC's 792
    assert got["model"].value == pytest.approx(764e9, rel=2e-3) and got["model"].passed
    # 2030: capacity online averages (5/6 + 1)/2 x sqrt(10.8 x 13.32) = 10.99 GW over the year;
    # x 17.222 = 189.3 billion; calc's 2030 spend 215.2 billion: ratio 1.137
    spend_2030 = oai.value("commitment_spend", at="2030").m_as("USD")
    bill = 11 / 12 * (10.8 * 13.32) ** 0.5 * 17.222e9
    assert got["third"].value == pytest.approx(spend_2030 / bill, rel=1e-6) and got["third"].passed


def test_every_model_works_per_period_and_the_tornado_reads_the_last_period():
    text = textwrap.dedent("""\
        name: chips-over-time
        timeline: {start: 2026, end: 2029, step: year}
        inputs:
          facility_power: {over_time: {2026: 1 GW, 2028: 3 GW}, source: assumption, note: t}
          pue: {range: [1.1, 1.4], source: assumption, note: t}
          it_power_per_chip: {value: 2 kW/chip, source: assumption, note: t}
        outputs: [chips]
        """)
    res = calc.load(text).run(samples=200, seed=1, sensitivity=True)
    # chips = facility_power / (2,000 W/chip x pue); central pue sqrt(1.1 x 1.4) = 1.24097
    central = 1e9 / (2000 * math.sqrt(1.1 * 1.4))
    assert np.allclose(res.value("chips").m, [central, central, 3 * central, 3 * central])
    row = res.sensitivity().iloc[0]
    # in 2029 (3 GW): pue at its p05 1.1 -> 3e9 / 2,200 = 1,363,636; at p95 1.4 -> 3e9 / 2,800 = 1,071,429
    assert row["quantity"] == "chips (2029)" and row["input"] == "pue"
    assert row["at_input_p05"] == pytest.approx(3e9 / 2200) and row["at_input_p95"] == pytest.approx(3e9 / 2800)


def test_quarterly_break_even_is_the_decimal_year_of_its_period_start(tmp_path):
    # HAND_QUARTERS (tests/helpers.py): Q1 = 2e9/12 x (1.1^3 - 1)/ln 1.1 = 0.579B; Q3 = Q1 x 1.1^6
    path = _write(tmp_path, HAND_QUARTERS)
    doc = json.loads(calc_cli("run", str(path), "--format", "json").stdout)
    rev = [r["value"] for r in doc["rows"] if r["quantity"] == "revenue"]
    assert rev[0] == pytest.approx(2e9 / 12 * (1.1 ** 3 - 1) / math.log(1.1))
    assert rev[2] == pytest.approx(rev[0] * 1.1 ** 6)
    be = [r for r in doc["rows"] if r["quantity"] == "break_even"][0]
    assert be["value"] == 2026.5 and be["unit"] == "date"
    assert "2026-Q3" in calc_cli("run", str(path)).stdout


@pytest.mark.parametrize("name, width, most", [("anthropic-commitments", 0.5, 12),
                                               ("openai-commitments", 0.3, 10)])
def test_shipped_solves_match_the_sixty_pass_answers_in_at_most_12_evaluations(monkeypatch, name,
                                                                              width, most):
    # the answer stops within 1e-6 of the bracket [0, 0.5] / [0, 0.3] (5e-7 / 3e-7 wide); the
    # reference runs to 1e-15 of it (up to 60 evaluations, as the old bisection did).
    # anthropic solves break_even at most 2027: a step in g, searched on the coverage margin
    # behind it (smooth in g; on the step itself it took 20 passes + n0 = 2 + 2 ends = 24);
    # openai cumulative_gap (smooth in g): 8 passes + 2 ends.
    def solved(rtol, max_evals):
        monkeypatch.setattr(solve, "RTOL", rtol)
        monkeypatch.setattr(solve, "MAX_EVALS", max_evals)
        res = calc.load(name).run(samples=300, seed=3)
        return [r for r in res.rows() if r.get("solved")]
    fast, ref = solved(1e-6, solve.MAX_EVALS), solved(1e-15, 60)
    assert len(fast) == len(ref) >= 2
    for f, r in zip(fast, ref):
        assert f["evaluations"] <= min(most, r["evaluations"])
        for key in ("value", "p05", "p50", "p95"):
            assert abs(f[key] - r[key]) <= 1e-6 * width, (name, f["variant"], key)


def test_a_solve_too_large_is_refused_before_any_work():
    # openai-commitments: 2 cases x (1 + 2,000,000) draws x 9 yearly periods (2025..2033)
    # = 36,000,018 values per solve pass, over the 2,000,000 calc solves; the largest sample
    # count that fits is 2,000,000 // (2 x 9) - 1 = 111,110.
    done = calc_cli("run", "openai-commitments", "--samples", "2000000", "--format", "json")
    assert done.returncode == 2 and done.stdout == ""
    assert "openai-commitments.yaml:" in done.stderr and ": solve: 2 cases x 2,000,001 draws x 9 periods" in done.stderr
    assert "use at most 111,110 samples" in done.stderr
