"""Errors that lead with the fix (issue 23, item 7): a misspelt input's did-you-mean comes first,
once, at its line; a missing input names the fewest inputs that would complete the output; derive
units read as literals do; a shipped scenario's path typed elsewhere names the shipped name; a
commitment's start may be a day."""

from __future__ import annotations

import json
import textwrap

import numpy as np

import calc

from helpers import HAND_TIMELINE as HAND, calc_cli

TYPO = textwrap.dedent("""\
    name: typo
    timeline: {start: 2025, end: 2030, step: year}
    commitments:
      azure: {amount: {value: 30 billion USD, source: assumption, note: t}, start: 2026, term: 5 yr}
    inputs:
      arr_end: {value: 5 billion USD/yr, source: assumption, note: t}
      arr_as_of: {value: 2025-08, source: assumption, note: t}
      arr_growht_per_month: {value: 0.05, source: assumption, note: t}
    outputs: [revenue, coverage, funding_need, break_even]
    """)

COMMITMENT_ONLY = textwrap.dedent("""\
    name: cpc
    inputs:
      commitment: {value: 30 billion USD, source: assumption, note: t}
      commitment_term: {value: 5 yr, source: assumption, note: t}
    outputs: [commitment_power_at_cost]
    """)


def _write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_misspelt_input_gives_its_did_you_mean_first_once_with_its_line(tmp_path):
    # four outputs need arr_growth_per_month; one message, at line 8 where the typo is
    out = calc_cli("run", str(_write(tmp_path, TYPO)))
    assert out.returncode == 2
    assert out.stderr == (
        f"calc: {tmp_path / 's.yaml'}:8: inputs.arr_growht_per_month: did you mean "
        "'arr_growth_per_month'? 'arr_growht_per_month' is not a quantity calc knows, and without "
        "arr_growth_per_month calc cannot compute revenue, coverage, funding_need and break_even\n")
    assert "arr_doubling_time" not in out.stderr


def test_a_missing_input_names_the_fewest_real_inputs(tmp_path):
    # commitment_power_at_cost = commitment_per_year / tco_per_year_per_power; the owner's cost
    # per GW-year needs a facility's power and the chips' price and power: facility_power and
    # an accelerator, not the intermediates tco_per_year or it_power
    out = calc_cli("run", str(_write(tmp_path, COMMITMENT_ONLY)))
    assert out.returncode == 2
    assert out.stderr.startswith(
        f"calc: {tmp_path / 's.yaml'}: cannot compute 'commitment_power_at_cost': give "
        "facility_power and an accelerator (e.g. accelerator: h100-sxm; "
        "calc/data/accelerators.yaml lists them) -- the fewest inputs that would do -- or "
        "commitment_power_at_cost itself; its "
        "formulas: commitment_per_year / tco_per_year_per_power (missing tco_per_year_per_power)\n")
    assert "tco_per_year," not in out.stderr and "it_power" not in out.stderr
    # the advice is enough: with those two the output is computed
    fixed = COMMITMENT_ONLY.replace("inputs:\n", "accelerator: h100-sxm\ninputs:\n  facility_power: "
                                    "{value: 1 GW, source: assumption, note: t}\n")
    res = calc.load(fixed).run()
    assert res.value("commitment_power_at_cost").to("GW").magnitude > 0


def test_a_missing_catalogue_figure_is_named_when_an_accelerator_is_given():
    # trainium2 has no chip_capex: with an accelerator given, the missing name is that figure
    try:
        calc.evaluate(outputs=["capex"], inputs={"facility_power": "1 GW"}, accelerator="trainium2")
    except calc.CalcError as exc:
        assert str(exc).startswith("cannot compute 'capex': give chip_capex -- the fewest inputs "
                                   "that would do -- or capex itself; its formulas: ")
    else:
        raise AssertionError("capex computed without chip_capex")


def test_derive_units_read_scale_words_as_literals_do(tmp_path):
    # commitment_per_year = 30e9 / 5 = 6e9 USD/yr; in billion USD a year's worth is 6
    text = COMMITMENT_ONLY.replace("outputs: [commitment_power_at_cost]\n", textwrap.dedent("""\
        derive:
          yearly_b: {expr: "commitment_per_year * 1 yr", unit: billion USD}
        outputs: [commitment_per_year]
        """))
    path = _write(tmp_path, text)
    rows = json.loads(calc_cli("run", str(path), "--format", "json").stdout)["rows"]
    (row,) = [r for r in rows if r["quantity"] == "yearly_b"]
    assert row["unit"] == "billion USD" and row["value"] == 6.0
    table = calc_cli("run", str(path)).stdout
    assert any(t.split()[:3] == ["yearly_b", "[billion", "USD]"] and t.split()[3] == "6"
               for t in table.splitlines())
    shown = calc_cli("run", str(path), "--display", "commitment_per_year=billion USD/yr").stdout
    assert any(t.split()[:4] == ["commitment_per_year", "[billion", "USD/yr]", "6"]
               for t in shown.splitlines())
    wrong = calc_cli("run", str(_write(tmp_path, text.replace("unit: billion USD}",
                                                                "unit: billion USD/yr}"))))
    assert wrong.returncode == 2
    assert wrong.stderr.endswith("derive.yearly_b: expected money per time [billion USD/yr], got "
                                 "money [USD]\n")


def test_a_shipped_scenarios_path_typed_elsewhere_names_the_shipped_name(tmp_path):
    out = calc_cli("run", "scenarios/rainier.yaml", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr == (f"calc: scenarios/rainier.yaml: no such file in {tmp_path}; to use the "
                          "shipped scenario of that name, give the name alone, e.g. calc run "
                          "rainier (calc.load('rainier') in Python)\n")
    assert calc_cli("run", "rainier", cwd=tmp_path).returncode == 0


def test_a_commitment_start_with_a_day_counts_from_its_month_with_a_note(tmp_path):
    # 2025-10-14 counts from 2025-10: $30B flat over 60 months ($0.5B a month) -> 3 months in
    # 2025 ($1.5B), $6B a year 2026-2029, 9 months in 2030 ($4.5B); the same as start: 2025-10
    day = TYPO.replace("arr_growht", "arr_growth").replace("start: 2026, term: 5 yr",
                                                          "start: 2025-10-14, term: 5 yr")
    month = day.replace("2025-10-14", "2025-10")
    a, b = calc.load(day).run(), calc.load(month).run()
    assert np.allclose(a.value("commitment_spend").to("USD").magnitude,
                       [1.5e9, 6e9, 6e9, 6e9, 6e9, 4.5e9])
    assert np.array_equal(a.value("commitment_spend").magnitude,
                          b.value("commitment_spend").magnitude)
    note = ("commitments.azure.start 2025-10-14 is a day: it counts from the start of its month, "
            "2025-10 (time on a timeline is counted in whole months)")
    assert note in a.notes and not any("is a day" in n for n in b.notes)
    out = calc_cli("run", str(_write(tmp_path, day)))
    assert out.returncode == 0 and "2025-10-14 is a day: it counts from the start of its month" \
        in " ".join(out.stdout.split())


def test_a_raise_dated_to_the_day_lands_in_its_period_with_the_same_note():
    # HAND's timeline (2026-2028, yearly) with $5B raised on 15 March 2027: the 2027 period
    text = HAND.replace("outputs: [revenue, commitment_spend, coverage, cumulative_gap, funding_need, "
                        "break_even]", textwrap.dedent("""\
        financing:
          cash: {value: 0 USD, source: assumption, note: t}
          raises:
            series_x: {amount: {value: 5 billion USD, source: assumption, note: t}, date: 2027-03-15}
        outputs: [raises, cash_balance]"""))
    res = calc.load(text).run()
    assert res.value("raises").to("USD").magnitude.tolist() == [0.0, 5e9, 0.0]
    assert ("financing.raises.series_x.date 2027-03-15 is a day: it counts from the start of its "
            "month, 2027-03 (time on a timeline is counted in whole months)") in res.notes
