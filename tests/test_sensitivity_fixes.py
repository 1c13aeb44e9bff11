"""Sensitivity QA fixes: a date that never comes is ranked (as the timeline's end, shown 'never'),
every sweep point is listed, and cells read as the result table's do."""

from __future__ import annotations

import re

import numpy as np
import pytest

import calc
from calc.sensitivity import _spearman

from helpers import calc_cli

# 3 yearly periods 2026-2028 (the timeline ends 2029.0). Spend: a 10/yr over 2026-2028, b 5/yr over
# 2026-2027, c 5 in 2026: 20, 15, 10 billion USD. Revenue at no growth from 2026-01 is arr_end a
# year, x compute_share_of_revenue (swept 1 then 0.5); arr_end 9-21 billion USD/yr (a range: p05 9,
# p95 21, central sqrt(9 x 21) = 13.75).
TEXT = """\
name: sens-hand
timeline: {start: 2026, end: 2028, step: year}
commitments:
  a: {amount: {value: 30 billion USD, source: assumption, note: t}, start: 2026, term: 3 yr}
  b: {amount: {value: 10 billion USD, source: assumption, note: t}, start: 2026, term: 2 yr}
  c: {amount: {value: 5 billion USD, source: assumption, note: t}, start: 2026, term: 1 yr}
inputs:
  arr_end: {range: [9 billion USD/yr, 21 billion USD/yr], source: assumption, note: t}
  arr_as_of: {value: 2026-01, source: assumption, note: t}
  arr_growth_per_month: {value: 0, source: assumption, note: t}
outputs: [commitment_spend, coverage, funding_need, break_even]
sweep:
  compute_share_of_revenue: [1, 0.5]
samples: 0
"""


def _write(tmp_path, text=TEXT):
    path = tmp_path / "sens-hand.yaml"
    path.write_text(text)
    return str(path)


def _row(frame, point, quantity):
    rows = frame[(frame["point"] == point) & (frame["quantity"] == quantity)
                 & (frame["input"] == "arr_end")]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def _table(out: str, heading: str) -> list[str]:
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(heading))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].strip()
               or lines[i].startswith("Sources"))
    return lines[start:end]


def test_break_even_never_ranks_as_the_timelines_end():
    frame = calc.load(TEXT).run().sensitivity()
    # share 1: coverage at arr_end 9 is 45, 60, 90 % -> never -> 2029.0; at 21: 105 % in 2026 ->
    # 2026.0; central 13.75: 69, 92, 138 % -> 2028.0. Swing 2029 - 2026 = 3 years.
    be = _row(frame, "compute_share_of_revenue=1", "break_even")
    assert be[["value", "at_input_p05", "at_input_p95", "swing"]].tolist() == \
        [2028.0, 2029.0, 2026.0, 3.0]
    # share 0.5: 4.5 -> never; 10.5: 52.5, 70, 105 % -> 2028; central 6.875 -> never; swing 1
    be = _row(frame, "compute_share_of_revenue=0.5", "break_even")
    assert be[["value", "at_input_p05", "at_input_p95", "swing"]].tolist() == \
        [2029.0, 2029.0, 2028.0, 1.0]
    assert not frame[["value", "at_input_p05", "at_input_p95", "swing"]].isna().any().any()


def test_at_a_period_keeps_break_even_ranked():
    frame = calc.load(TEXT).run().sensitivity(at="2027")
    be = _row(frame, "compute_share_of_revenue=1", "break_even")
    assert be["swing"] == 3.0
    # coverage (2027) at share 1: 9 / 15 = 60 %, 21 / 15 = 140 %
    cov = _row(frame, "compute_share_of_revenue=1", "coverage (2027)")
    assert cov[["at_input_p05", "at_input_p95"]].tolist() == pytest.approx([0.6, 1.4])


def test_every_sweep_point_in_run_order_with_cells_as_the_table_shows_them(tmp_path):
    out = calc_cli("run", _write(tmp_path), "--sensitivity")
    assert out.returncode == 0, out.stderr
    rows = [re.split(r"\s{2,}", ln.strip()) for ln in _table(out.stdout, "Sensitivity")[3:]]
    # columns: case, quantity [unit], input, input 90 % range, at p05, at p95, swing, rank corr.
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in rows] == [
        ("base compute_share_of_revenue=1", "break_even [date]", "never", "2026", "≥ 3 yr"),
        # coverage (2028) under [%]: 9 / 10 = 90, 21 / 10 = 210, swing 120 (as the table: '137')
        ("base compute_share_of_revenue=1", "coverage (2028) [%]", "90", "210", "120"),
        # funding need: gaps 11, 6, 1 -> 18; 21 covers every year -> 0
        ("base compute_share_of_revenue=1", "funding_need [USD]", "$18.0B", "$0.00", "$18.0B"),
        ("base compute_share_of_revenue=0.5", "break_even [date]", "never", "2028", "≥ 1 yr"),
        ("base compute_share_of_revenue=0.5", "coverage (2028) [%]", "45", "105", "60"),
        # 4.5 a year: 15.5 + 10.5 + 5.5 = 31.5; 10.5 a year: 9.5 + 4.5 = 14
        ("base compute_share_of_revenue=0.5", "funding_need [USD]", "$31.5B", "$14.0B",
         "$17.5B")]
    assert "coverage [%]              68.7    91.7     137" in out.stdout     # the result table


def test_markdown_lists_every_sweep_point_and_never(tmp_path):
    out = calc_cli("run", _write(tmp_path), "--sensitivity", "--format", "markdown")
    assert out.returncode == 0, out.stderr
    rows = [ln for ln in out.stdout.splitlines() if ln.startswith("| base compute_share")]
    assert rows[0] == ("| base compute_share_of_revenue=1 | break_even [date] | arr_end | "
                       "[\\$9.00B/yr, \\$21.0B/yr] | never | 2026 | ≥ 3 yr | - |")
    assert rows[4] == ("| base compute_share_of_revenue=0.5 | coverage (2028) [%] | arr_end | "
                       "[\\$9.00B/yr, \\$21.0B/yr] | 45 | 105 | 60 | - |")
    assert len(rows) == 6


def test_never_on_both_ends_is_not_listed_and_ranks_no_swing(tmp_path):
    # arr_end 4-9: coverage at most 90 % in 2028 -> never at both ends, swing 0
    text = TEXT.replace("[9 billion USD/yr, 21 billion USD/yr]", "[4 billion USD/yr, 9 billion USD/yr]")
    frame = calc.load(text).run().sensitivity()
    be = _row(frame, "compute_share_of_revenue=1", "break_even")
    assert be[["value", "at_input_p05", "at_input_p95", "swing"]].tolist() == [2029.0] * 3 + [0.0]
    out = calc_cli("run", _write(tmp_path, text), "--sensitivity").stdout
    assert not [ln for ln in _table(out, "Sensitivity") if "break_even" in ln]


def test_rank_correlation_ranks_ties_at_their_mean():
    # ranks of x 1, 2, 3, 4; of y (never = 2029 twice) 3.5, 3.5, 2, 1. Centred: x -1.5, -0.5, 0.5,
    # 1.5; y 1, 1, -0.5, -1.5; sum of products -4.5; rho = -4.5 / sqrt(5 x 4.5) = -0.94868
    x = np.array([[1.0, 2.0, 3.0, 4.0]])
    y = np.array([[2029.0, 2029.0, 2027.0, 2026.0]])
    assert _spearman(x, y)[0] == pytest.approx(-4.5 / np.sqrt(22.5))


def test_tornado_of_break_even_has_a_date_axis_ending_at_never(tmp_path):
    from calc.output.plots import tornado_chart

    res = calc.load(TEXT).run()
    fig = tornado_chart(res, "break_even")
    axis = fig.axes[0]
    labels = [t.get_text() for t in axis.get_xticklabels()]
    assert labels == ["2026", "2027", "2028", "never"]
    low, high = axis.get_xlim()
    assert 2025 < low < 2026 and 2029 < high < 2030          # not 1925-2125
    assert "central 2028" in axis.get_title("left")
    # share 0.5: central never, the title says so; the bar runs from never to 2028
    fig = tornado_chart(res, "break_even", point={"compute_share_of_revenue": 0.5})
    assert "central never" in fig.axes[0].get_title("left")
    widths = [p.get_width() for p in fig.axes[0].patches]
    assert sorted(widths) == [-1.0, 0.0]
