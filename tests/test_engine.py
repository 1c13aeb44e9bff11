"""The engine: resolution of any side of a relation, ambiguity, lineage, arrays, explain."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import calc
from calc.plan import find_cycle, resolve
from calc.run import run
from calc.values import Axis, Case, Value
from calc.errors import CalcError
from calc.models import FORMULAS
from calc.units import Q

BASE = {"facility_power": "1 GW", "pue": 1.25, "it_power_per_chip": "2 kW/chip"}


def test_chips_from_power_pue_and_it_power():
    # 1 GW / (2 kW/chip x 1.25) = 1e9 W / 2,500 W/chip = 400,000 chips
    res = calc.evaluate(outputs=["chips"], inputs=BASE)
    assert res["chips"].to("chip").magnitude == pytest.approx(400_000)


def test_implied_power_per_chip_from_a_quote():
    # "1 GW holds 200,000 GB200": 1e9 W / 2e5 chip = 5,000 W/chip
    res = calc.evaluate(outputs=["power_per_chip"], inputs={"facility_power": "1 GW", "chips": "200k chip"})
    assert res["power_per_chip"].to("W/chip").magnitude == pytest.approx(5000)


def test_implied_pue_that_would_make_the_quote_true():
    # 5,000 W/chip facility over the catalogue's GB200 superchip IT power (120 kW rack / 36) = 3,333.3 W/chip
    # -> PUE 5000 / 3333.3 = 1.5; per B200 GPU (120 kW / 72 = 1,666.7 W/chip) it would need PUE 3.0
    sup = calc.evaluate(outputs=["pue"], inputs={"facility_power": "1 GW", "chips": "200k chip"},
                        accelerator="gb200-superchip")
    gpu = calc.evaluate(outputs=["pue"], inputs={"facility_power": "1 GW", "chips": "200k chip"},
                        accelerator="b200-in-gb200")
    it_sup = calc.figure("gb200_superchip_it_power").value.to("W/chip").magnitude
    it_gpu = calc.figure("b200_in_gb200_it_power_per_chip").value.to("W/chip").magnitude
    assert sup["pue"].magnitude == pytest.approx(5000 / it_sup)
    assert gpu["pue"].magnitude == pytest.approx(5000 / it_gpu)
    assert sup["pue"].magnitude == pytest.approx(1.5, rel=0.01)
    assert gpu["pue"].magnitude == pytest.approx(3.0, rel=0.01)


def test_given_inputs_win_over_catalogue_and_defaults():
    # chips given -> power_per_chip comes from facility_power / chips even though the catalogue and the
    # default PUE could also give it; no ambiguity because those arrive in later stages
    res = calc.evaluate(outputs=["power_per_chip"], inputs={"facility_power": "1 GW", "chips": "200k chip"},
                        accelerator="gb200-superchip")
    assert res["power_per_chip"].magnitude == pytest.approx(5000)
    lin = res.lineage(0, "power_per_chip")
    assert lin["inputs"] == ["facility_power", "chips"]


def test_over_determined_inputs_are_reported_not_resolved():
    with pytest.raises(CalcError, match=r"ambiguous 'power_per_chip'.*it_power_per_chip x pue gives 2500 W/chip.*"
                                        r"facility_power / chips gives 5000 W/chip"):
        calc.evaluate(outputs=["power_per_chip"],
                      inputs={**BASE, "chips": "200k chip"})


def test_consistent_over_determination_is_fine():
    # 1 GW / 400,000 chips = 2,500 W/chip = 2 kW/chip x 1.25: both formulas agree
    res = calc.evaluate(outputs=["power_per_chip"], inputs={**BASE, "chips": "400k chip"})
    assert res["power_per_chip"].magnitude == pytest.approx(2500)


def test_missing_inputs_are_named():
    with pytest.raises(CalcError, match=r"cannot compute 'chips'.*facility_power / power_per_chip "
                                        r"\(missing facility_power\)"):
        calc.evaluate(outputs=["chips"], inputs={"pue": 1.2, "it_power_per_chip": "2 kW/chip"})


def test_unknown_output_gets_a_suggestion():
    with pytest.raises(CalcError, match=r"cannot compute 'chipz'.*did you mean 'chips'"):
        calc.evaluate(outputs=["chipz"], inputs=BASE)


def test_wrong_dimension_names_input_expected_and_given():
    with pytest.raises(CalcError, match=r"inputs\.facility_power: facility_power: expected power \[GW\], "
                                        r"got money \[USD\]$"):
        calc.evaluate(outputs=["chips"], inputs={**BASE, "facility_power": "5 billion USD"})


def test_defaults_are_used_and_said_so():
    res = calc.evaluate(outputs=["chips"], inputs={"facility_power": "1 GW"}, accelerator="gb200-superchip")
    lin = res.lineage(0, "chips")
    assert "pue (default)" in lin["defaults"]
    assert "it_power_per_chip (accelerator gb200-superchip)" in lin["defaults"]
    assert "assumption" in lin["sources"]           # the default PUE is an assumption


def test_capex_chain_by_hand():
    # 400,000 chips x $50,000 = $20B IT; 1 GW x $10/W = $10B facility; total $30B, i.e. $30B per GW
    res = calc.evaluate(outputs=["capex", "capex_per_power"],
                        inputs={**BASE, "chip_capex": "50000 USD/chip", "facility_capex_per_power": "10 USD/W"})
    assert res["capex"].to("USD").magnitude == pytest.approx(30e9)
    assert res["capex_per_power"].to("USD/GW").magnitude == pytest.approx(30e9)


def test_any_side_capex_from_capex_per_power():
    # $35B per GW x 2.2 GW = $77B
    res = calc.evaluate(outputs=["capex"], inputs={"facility_power": "2.2 GW", "capex_per_power": "35 billion USD/GW"})
    assert res["capex"].to("USD").magnitude == pytest.approx(77e9)


def test_revenue_numbers_from_the_brief():
    # $1B -> $5B over 7 months: g = 5^(1/7) - 1 = 0.258499; doubling ln2/ln(1.258499) = 3.0147 months
    res = calc.evaluate(outputs=["arr_growth_per_month", "arr_doubling_time"],
                        inputs={"arr_start": "1 billion USD/yr", "arr_end": "5 billion USD/yr", "arr_period": "7 month"})
    assert res["arr_growth_per_month"].magnitude == pytest.approx(0.258499, rel=1e-5)
    assert res["arr_doubling_time"].to("month").magnitude == pytest.approx(3.0147, rel=1e-4)


def test_commitment_per_year_from_the_brief():
    # $38B over 7 years = $5.4286B a year
    res = calc.evaluate(outputs=["commitment_per_year"], inputs={"commitment": "38 billion USD", "commitment_term": "7 yr"})
    assert res["commitment_per_year"].to("USD/yr").magnitude == pytest.approx(38e9 / 7)


def test_alternative_model_is_chosen_by_name():
    ins = {"arr_end": "5 billion USD/yr", "arr_growth_per_month": 0.1, "arr_horizon": "12 month",
           "arr_growth_half_life": "6 month"}
    const = calc.evaluate(outputs=["arr_projected"], inputs={k: v for k, v in ins.items() if k != "arr_growth_half_life"})
    decay = calc.evaluate(outputs=["arr_projected"], inputs=ins, models={"arr_projected": "arr_projected_decaying"})
    # constant: 5e9 x 1.1^12 = 1.5692e10; decaying: 5e9 x exp(ln1.1 x 6/ln2 x (1 - 2^-2)) = 5e9 x 1.8583 = 9.2914e9
    assert const["arr_projected"].magnitude == pytest.approx(5e9 * 1.1 ** 12)
    assert decay["arr_projected"].magnitude == pytest.approx(5e9 * np.exp(np.log(1.1) * 6 / np.log(2) * 0.75))
    with pytest.raises(CalcError, match=r"models.arr_projected: unknown model 'nope'; arr_projected can use "
                                        r"arr_projected, arr_projected_decaying"):
        calc.evaluate(outputs=["arr_projected"], inputs=ins, models={"arr_projected": "nope"})


def test_explain_chips_and_capex_lead_back_to_sources():
    sc_inputs = {"facility_power": calc.figure("anthropic_nvidia_compute_commitment")}
    res = calc.evaluate(outputs=["chips", "capex"], inputs=sc_inputs, accelerator="gb200-superchip")
    text = res.explain("chips")
    assert "chips = facility_power / power_per_chip" in text
    assert "power_per_chip = it_power_per_chip x pue" in text
    assert "figure anthropic_nvidia_compute_commitment" in text
    assert "36kr-caixin-2025-11-msft-nvda: 36Kr" in text
    assert "mindestens 1 GW" in text                         # the verbatim quote
    assert "accelerator gb200-superchip, figure gb200_superchip_it_power" in text
    cap = res.explain("capex")
    assert "capex = it_capex + facility_capex" in cap
    assert "figure gb200_superchip_capex" in cap
    assert "facility_capex_per_power" in cap and "(default, figure facility_capex_per_facility_watt" in cap


def test_cycle_finder():
    assert find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_a_sweep_is_one_array_pass_and_matches_scalar_runs():
    # a sweep over facility power in one run equals three scalar runs: 0.5, 1, 2 GW at 2.5 kW/chip facility
    # (0.5e9 W / 2500 W/chip = 200,000 chips)
    axis = Axis("facility_power", Q(np.array([0.5, 1.0, 2.0]), "GW"), ("0.5 GW", "1 GW", "2 GW"))
    fixed = {"pue": Value(Q(1.25)), "it_power_per_chip": Value(Q(2, "kW/chip"))}
    swept = run([Case(values={**fixed, "facility_power": Value(axis.values, origin="sweep")}, axes=(axis,)),
                 Case(variant="hot", values={**fixed, "pue": Value(Q(2.5)), "facility_power": Value(axis.values)},
                      axes=(axis,))], ["chips"])
    assert len(swept.cases) == 6
    assert [r.variant for r in swept.cases] == ["base"] * 3 + ["hot"] * 3
    assert swept.cases[4].point == {"facility_power": "1 GW"}
    for i, x in enumerate([0.5, 1.0, 2.0]):
        single = run([Case(values={**fixed, "facility_power": Value(Q(x, "GW"))})], ["chips"])
        assert swept.central["chips"][i] == pytest.approx(single.central["chips"][0])
    # hot: PUE 2.5 -> 5 kW/chip facility: 0.5e9 / 5000 = 100,000; 200,000; 400,000
    assert swept.central["chips"].tolist() == pytest.approx([200_000, 400_000, 800_000, 100_000, 200_000, 400_000])
    assert swept.leaf_values(4)["facility_power"].central.magnitude == pytest.approx(1.0)


def test_a_two_axis_sweep_runs_row_major_with_the_last_axis_fastest(tmp_path):
    # rows: (0.5 GW, PUE 1.0), (0.5, 2.0), (1, 1.0), (1, 2.0), (2, 1.0), (2, 2.0) at 2 kW/chip of IT power:
    # 0.5e9 / (2000 x 1.0) = 250,000; 0.5e9 / (2000 x 2.0) = 125,000; then x2 and x4 for 1 and 2 GW
    path = tmp_path / "grid.yaml"
    path.write_text("""name: grid
inputs:
  facility_power: {value: 1 GW, source: assumption, note: test}
  pue: {value: 1.25, source: assumption, note: test}
  it_power_per_chip: {value: 2 kW/chip, source: assumption, note: test}
outputs: [chips]
sweep:
  facility_power: [0.5 GW, 1 GW, 2 GW]
  pue: [1.0, 2.0]
""")
    scenario = calc.load(path)
    res = scenario.run()
    assert res.central["chips"].tolist() == pytest.approx([250_000, 125_000, 500_000, 250_000, 1_000_000, 500_000])
    assert res.cases[3].point == {"facility_power": "1 GW", "pue": 2.0}
    # one axis: the case holds the axis's own array, not a copy of it
    alone = scenario.cases({"pue": Value(Q(1.25))})[0]
    assert np.shares_memory(alone.values["facility_power"].central.magnitude,
                            scenario.sweep["facility_power"].values.magnitude)


@settings(max_examples=40, deadline=None)
@given(power=st.floats(0.01, 100), pue=st.floats(1.0, 3.0), it=st.floats(100, 10_000))
def test_doubling_power_doubles_chips(power, pue, it):
    one = calc.evaluate(outputs=["chips"], inputs={"facility_power": Q(power, "GW"), "pue": pue,
                                                   "it_power_per_chip": Q(it, "W/chip")})["chips"]
    two = calc.evaluate(outputs=["chips"], inputs={"facility_power": Q(2 * power, "GW"), "pue": pue,
                                                   "it_power_per_chip": Q(it, "W/chip")})["chips"]
    assert two.magnitude == pytest.approx(2 * one.magnitude, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(power=st.floats(0.01, 100))
def test_gw_and_mw_give_the_same_answer(power):
    gw = calc.evaluate(outputs=["chips"], inputs={**BASE, "facility_power": Q(power, "GW")})["chips"]
    mw = calc.evaluate(outputs=["chips"], inputs={**BASE, "facility_power": Q(power * 1000, "MW")})["chips"]
    assert gw.magnitude == pytest.approx(mw.magnitude, rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(start=st.floats(0.1, 10), ratio=st.floats(1.01, 20), months=st.floats(1, 36))
def test_growth_and_doubling_time_round_trip(start, ratio, months):
    res = calc.evaluate(outputs=["arr_growth_per_month", "arr_doubling_time"],
                        inputs={"arr_start": Q(start * 1e9, "USD/yr"), "arr_end": Q(start * ratio * 1e9, "USD/yr"),
                                "arr_period": Q(months, "month")})
    back = calc.evaluate(outputs=["arr_growth_per_month"], inputs={"arr_doubling_time": res["arr_doubling_time"]})
    assert back["arr_growth_per_month"].magnitude == pytest.approx(res["arr_growth_per_month"].magnitude, rel=1e-9)


def test_every_formula_names_glossary_quantities():
    from calc.glossary import glossary
    names = set(glossary())
    for f in FORMULAS.values():
        assert f.output in names, f.name
        assert set(f.inputs) <= names, f.name


def test_resolve_is_staged():
    # stage 0 gives facility_power and chips, stage 2 gives pue: power_per_chip comes from stage 0
    plan = resolve(["power_per_chip"], [{"facility_power", "chips"}, set(), {"pue", "it_power_per_chip"}, set()],
                   [f for f in FORMULAS.values() if f.default])
    assert plan.steps["power_per_chip"].formula.name == "power_per_chip_from_chips"


def test_missing_message_names_the_input_to_add():
    # Trainium2 has no published chip price: capex needs chip_capex (chips come from power and the catalogue)
    with pytest.raises(CalcError, match=r"^cannot compute 'capex': give chip_capex -- the fewest inputs that would do -- "):
        calc.evaluate(outputs=["capex"], inputs={"facility_power": "1 GW"}, accelerator="trainium2")
