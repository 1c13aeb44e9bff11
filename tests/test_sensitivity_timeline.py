"""The tornado on a timeline: whole-timeline quantities and a chosen period (issue 22, item 4)."""

from __future__ import annotations

import pytest

import calc

from helpers import calc_cli

# 3 yearly periods; one commitment of 20-45 billion USD (central sqrt(20 x 45) = 30) flat over
# 2026-2028: 10 a year (20 -> 6.667, 45 -> 15); revenue at no growth from 2026-01 is arr_end a
# year, arr_end 4-16 billion USD/yr (central sqrt(4 x 16) = 8). A range's p05 and p95 are its ends.
TEXT = """\
name: tornado-over-time
timeline: {start: 2026, end: 2028, step: year}
commitments:
  cloud: {amount: {range: [20 billion USD, 45 billion USD], source: assumption, note: t},
          start: 2026, term: 3 yr}
inputs:
  arr_end: {range: [4 billion USD/yr, 16 billion USD/yr], source: assumption, note: t}
  arr_as_of: {value: 2026-01, source: assumption, note: t}
  arr_growth_per_month: {value: 0, source: assumption, note: t}
outputs: [cumulative_gap, funding_need, break_even]
samples: 0
"""


def _rows(frame, quantity):
    moved = frame["input"].isin(["arr_end", "cloud_commitment"])
    rows = frame[(frame["quantity"] == quantity) & moved]
    return {r["input"]: r for _, r in rows.iterrows()}, list(rows["input"])


def test_tornado_in_a_chosen_period_and_for_whole_timeline_quantities():
    frame = calc.load(TEXT).run().sensitivity(at="2027")
    # cumulative gap at 2027 = 2 x (spend - revenue a year); central 2 x (10 - 8) = 4
    gap, order = _rows(frame, "cumulative_gap (2027)")
    assert gap["arr_end"]["value"] == pytest.approx(4e9)
    # arr_end 4: 2 x (10 - 4) = 12; 16: 2 x (10 - 16) = -12; swing 24
    assert gap["arr_end"][["at_input_p05", "at_input_p95"]].tolist() == pytest.approx([12e9, -12e9])
    # amount 20: 2 x (6.667 - 8) = -2.667; 45: 2 x (15 - 8) = 14; swing 16.667
    assert gap["cloud_commitment"][["at_input_p05", "at_input_p95"]].tolist() == pytest.approx(
        [-8e9 / 3, 14e9])
    assert order == ["arr_end", "cloud_commitment"]                 # 24 > 16.667
    # funding_need, one value: the largest cumulative gap, 0 if never positive; central 3 x 2 = 6
    need, order = _rows(frame, "funding_need")
    # amount 20: gap never positive -> 0; 45: 3 x (15 - 8) = 21; swing 21
    assert need["cloud_commitment"][["at_input_p05", "at_input_p95", "swing"]].tolist() == \
        pytest.approx([0.0, 21e9, 21e9])
    # arr_end 4: 3 x 6 = 18; 16: never positive -> 0; swing 18
    assert need["arr_end"][["at_input_p05", "at_input_p95", "swing"]].tolist() == \
        pytest.approx([18e9, 0.0, 18e9])
    assert order == ["cloud_commitment", "arr_end"]                 # 21 > 18: the other order
    # break_even as a decimal year: central coverage 8 / 10 < 1, never, ranked as the timeline's
    # end 2029.0 (the end of 2028); arr_end 16 covers 16 / 10 from 2026 on; amount 20 -> 8 / 6.667
    # = 1.2 from 2026 on; both swings 2029 - 2026 = 3 years
    be, _ = _rows(frame, "break_even")
    assert be["arr_end"]["value"] == 2029.0 and be["arr_end"]["at_input_p95"] == 2026.0
    assert be["cloud_commitment"]["at_input_p05"] == 2026.0
    assert be["cloud_commitment"]["at_input_p95"] == 2029.0
    assert be["arr_end"]["swing"] == be["cloud_commitment"]["swing"] == 3.0


def test_tornado_defaults_to_the_last_period():
    frame = calc.load(TEXT).run().sensitivity()
    gap, _ = _rows(frame, "cumulative_gap (2028)")
    # 3 x (10 - 4) = 18 and 3 x (10 - 16) = -18
    assert gap["arr_end"][["at_input_p05", "at_input_p95"]].tolist() == pytest.approx([18e9, -18e9])


def test_cli_at_ranks_in_that_period_and_refuses_bad_periods(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(TEXT)
    out = calc_cli("run", str(path), "--sensitivity", "--at", "2027", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert "cumulative_gap (2027)" in out.stdout and "cumulative_gap (2028)" not in out.stdout
    bad = calc_cli("run", str(path), "--sensitivity", "--at", "2031")
    assert bad.returncode == 2 and bad.stdout == ""
    assert "2031 is not a period of the timeline; the timeline runs 2026 .. 2028" in bad.stderr
    alone = calc_cli("run", str(path), "--at", "2027")
    assert alone.returncode == 2 and "add --sensitivity" in alone.stderr


def test_the_period_axis_is_not_ranked_as_an_input():
    # hsbc-openai's revenue and other costs read period_start/period_end (the axis, not an input):
    # the tornado of shortfall lists the scenario's inputs only, the capacity range first
    s = calc.load("hsbc-openai").run(samples=200, seed=1).sensitivity()
    inputs = s[s["quantity"] == "shortfall"]["input"].tolist()
    assert inputs[0] == "rental_capacity" and "period_start" not in inputs
    assert "period_end" not in set(s["input"])
