"""Display units: shares in %, FLOP with SI prefixes, dimensionless results reduced, the run's own choice.

Tables use every rule; JSON and CSV only the run's own choice (README, "Display units").
"""

from __future__ import annotations

import json

import pytest

import calc
from calc.cli import main
from calc.errors import CalcError
from calc.output import write
from calc.display import shown
from calc.units import parse_unit

from helpers import without_headline

SOURCED = {"source": "assumption", "note": "test"}


def scenario(**extra) -> dict:
    """1 GW, 760,000 chips at 1.2 kW IT each: IT power 912 MW, facility / IT = 1e9 / 9.12e8 = 1.0965."""
    base = {"name": "t", "accelerator": "gb200-superchip",
            "inputs": {"facility_power": {"value": "1 GW", **SOURCED},
                       "chips": {"value": "760000 chip", **SOURCED},
                       "it_power_per_chip": {"value": "1.2 kW/chip", **SOURCED}},
            "outputs": ["facility_power", "peak_compute"],
            "derive": {"ratio": "facility_power / (chips * it_power_per_chip)"}}
    base.update(extra)
    return base


def table_line(text: str, name: str) -> str:
    (line,) = [ln for ln in without_headline(text).splitlines() if ln.startswith(name + " ") or ln.startswith(name + "\t")]
    return line


def row(result, name: str) -> dict:
    return next(r for r in json.loads(write("json", result))["rows"] if r["quantity"] == name)


def test_shares_and_growth_rates_show_in_percent_multiples_stay_plain():
    res = calc.load("anthropic-arr").run(samples=0)
    text = write("table", res)
    # (5 / 1)^(1/7) - 1 = 0.25850: 25.8 % a month; (1.2585)^12 = 15.80, a multiple
    growth = [ln.split() for ln in text.splitlines() if "arr_growth_per_month" in ln]
    assert growth and all("25.8" in ln and "[%]" in ln for ln in growth)
    multiple = [ln.split() for ln in text.splitlines() if "arr_growth_per_year" in ln]
    assert multiple and all("15.8" in ln and "[%]" not in ln for ln in multiple)
    g = row(res, "arr_growth_per_month")
    assert g["unit"] == "" and g["value"] == pytest.approx(0.25850, abs=1e-5)   # JSON keeps the glossary unit


def test_flop_rates_take_an_si_prefix_in_tables_only():
    res = calc.load(scenario()).run()
    # GB200 superchip: 2 x 2,500 TFLOP/s dense BF16 = 5e15 FLOP/s; 760,000 chips -> 3.8e21 FLOP/s = 3.8 ZFLOP/s
    line = table_line(write("table", res), "peak_compute")
    assert "[ZFLOP/s]" in line and " 3.8 " in line
    j = row(res, "peak_compute")
    assert j["unit"] == "FLOP/s" and j["value"] == pytest.approx(3.8e21)


def test_flop_prefix_is_chosen_from_the_largest_value():
    s = shown("peak_compute", parse_unit("FLOP/s"), [2.5e15, 9.99e17])
    assert (s.unit, s(9.99e17)) == ("PFLOP/s", pytest.approx(999.0))
    s = shown("compute_per_year", parse_unit("FLOP/yr"), [1.5e28])        # beyond Y the prefix stays Y
    assert (s.unit, s(1.5e28)) == ("YFLOP/yr", pytest.approx(15_000.0))
    assert shown("peak_compute", parse_unit("FLOP/s"), [2.5e15], tables=False).unit == "FLOP/s"


def test_a_dimensionless_result_is_reduced_everywhere():
    res = calc.load(scenario()).run()
    assert res.unit_text("ratio") == "GW/W"             # what the arithmetic gave
    line = table_line(write("table", res), "ratio")
    assert "GW/W" not in line and "e-09" not in line and " 1.1 " in line
    j = row(res, "ratio")
    assert j["unit"] == "" and j["value"] == pytest.approx(1e9 / 9.12e8)


@pytest.mark.parametrize("unit", ["percent", "%"])
def test_a_derive_in_percent_keeps_its_unit_even_for_a_glossary_name(unit):
    sc = scenario(derive={"mfu": {"expr": "chips * it_power_per_chip / facility_power", "unit": unit}})
    res = calc.load(sc).run()
    line = table_line(write("table", res), "mfu")
    assert "[%]" in line and "91.2" in line               # 760,000 x 1.2 kW / 1 GW = 0.912
    assert row(res, "mfu")["unit"] == "%" and row(res, "mfu")["value"] == pytest.approx(91.2)


def test_display_in_a_scenario_sets_the_unit_in_every_format():
    res = calc.load(scenario(display={"peak_compute": "EFLOP/s", "facility_power": "MW"})).run()
    text = write("table", res)
    assert "[EFLOP/s]" in table_line(text, "peak_compute") and "3,800" in table_line(text, "peak_compute")
    assert "[MW]" in table_line(text, "facility_power") and "1,000" in table_line(text, "facility_power")
    j = row(res, "peak_compute")
    assert j["unit"] == "EFLOP/s" and j["value"] == pytest.approx(3800.0)
    csv = write("csv", res)
    assert ",facility_power,1000.0,MW," in csv


def test_display_option_on_the_command_line(capsys):
    assert main(["run", "anthropic-arr", "--samples", "0", "--display", "arr_doubling_time=yr",
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    t = next(r for r in rows if r["quantity"] == "arr_doubling_time")
    # ln 2 / ln 1.25850 = 0.69315 / 0.22993 = 3.0146 month = 0.25122 yr
    assert t["unit"] == "yr" and t["value"] == pytest.approx(3.0146 / 12, rel=1e-3)
    assert main(["run", "anthropic-arr", "--samples", "0", "--display", "arr_doubling_time=day",
                 "--format", "markdown"]) == 0
    assert "91.8" in capsys.readouterr().out             # 3.0146 month x 30.44 day = 91.76 day


@pytest.mark.parametrize("display, message", [
    ({"facility_power": "%"}, "display.facility_power: '%' is a plain number, but facility_power is power [GW]"),
    ({"peak_compute": "GW"}, "e.g. 'EFLOP/s'"),
    ({"facility_pwer": "MW"}, "'facility_pwer' is not an output or a derive of this scenario (did you "
                              "mean 'facility_power'?)"),
    ({"ratio": "W"}, "display.ratio: 'W' is power, but ratio is a plain number; give a unit of the same kind, "
                     "e.g. '%' or 'percent'"),
    ({"facility_power": "gigafoos"}, "display.facility_power: cannot read 'gigafoos' as a quantity: unknown unit"),
])
def test_a_wrong_display_unit_is_refused_with_where_and_why(display, message):
    with pytest.raises(CalcError) as err:
        calc.load(scenario(display=display)).run()
    assert message in str(err.value)


def test_a_bad_display_option_exits_2_naming_it(capsys):
    assert main(["run", "anthropic-arr", "--display", "arr_doubling_time"]) == 2
    assert "--display 'arr_doubling_time': expected NAME=UNIT" in capsys.readouterr().err
    assert main(["run", "anthropic-arr", "--display", "arr_doubling=yr"]) == 2
    err = capsys.readouterr().err
    assert "--display arr_doubling: no quantity 'arr_doubling'" in err and "arr_doubling_time" in err


def test_a_check_shows_its_value_in_the_unit_of_its_expectation():
    res = calc.load("anthropic-arr").run(samples=0)
    chk = next(c for c in res.checks if c.that == "arr_end / arr_start - 1")
    assert chk.detail.startswith("arr_end / arr_start - 1 = 400 %; expected near 400 % (within 1 %)")  # 5/1 - 1 = 4
    assert (chk.value, chk.unit) == (pytest.approx(4.0), "")      # JSON keeps the computed number
