"""QA regressions on timelines, solve and the deals ledger, found by using the shipped scenarios
as an analyst would. Each test asserts a number or a message; the arithmetic is in the comments."""

from __future__ import annotations

import json
import textwrap

import pytest

import calc

from helpers import calc_cli

HAND = textwrap.dedent("""\
    name: hand
    timeline: {start: 2026, end: 2028, step: year}
    commitments:
      base_deal: {amount: {value: 36 billion USD, source: assumption, note: t}, start: 2026, term: 3 yr}
      later: {amount: {value: 18 billion USD, source: assumption, note: t}, start: 2027, term: 24 month, shape: ramp}
    inputs:
      arr_end: {value: 12 billion USD/yr, source: assumption, note: t}
      arr_as_of: {value: 2026-01, source: assumption, note: t}
      arr_growth_per_month: {value: 0, source: assumption, note: t}
    outputs: [revenue, commitment_spend, coverage, cumulative_gap, funding_need, break_even]
    """)


def _write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_anthropic_break_even_is_not_a_year_without_spend():
    # Commitments start in 2026 (azure, nvidia, google_tpu: start 2026), so 2025 has no spend and
    # coverage null. Base, central: revenue 2026 = 30/12 x (1.06^9 - 1.06^-3)/ln 1.06 = 36.5B
    # against 16.9B of spend (coverage 2.15), rising after: the break-even year is 2026, not 2025.
    res = calc.load("anthropic-commitments").run(samples=0)
    rows = {(r["variant"], r["quantity"]): r for r in res.rows() if r["period"] is None}
    assert rows[("base", "break_even")]["value"] == 2026.0
    assert rows[("decaying", "break_even")]["value"] == 2026.0


def test_an_undefined_coverage_names_its_period(tmp_path):
    # HAND with the first deal starting in 2027: 2026 has no spend, so coverage 2026 is null
    # (12B of revenue over 0 USD); 2027 spend = 36 x 12/36 + 18 x 12^2/24^2 = 12 + 4.5 = 16.5B.
    text = HAND.replace("start: 2026, term: 3 yr}", "start: 2027, term: 3 yr}")
    res = calc.load(text).run()
    (f,) = res.findings
    assert f.periods == ("2026",)
    assert f.detail == "coverage is undefined (null) in 2026: no commitment spend in this period"
    out = calc_cli("run", str(_write(tmp_path, text)), "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["findings"][0]["periods"] == ["2026"]
    assert [r["value"] for r in doc["rows"] if r["quantity"] == "commitment_spend"][1] == pytest.approx(16.5e9)
