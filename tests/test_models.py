"""Model functions: hand-derived numbers (arithmetic in the comments), unit errors, arrays, properties."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc import models as m
from calc.errors import CalcError
from calc.glossary import unit_of
from calc.units import Q, Quantity, parse_unit

# ---------------------------------------------------------------------------------------------
# Hand-derived cases: (function, inputs, expected value in the glossary unit of its output).
# Every function here is checked for its number, its output unit, and its array path.
# ---------------------------------------------------------------------------------------------
CASES = [
    # -- power (power.py, used by the scenarios below) --
    # 2 kW/chip IT x PUE 1.25 = 2.5 kW/chip = 2,500 W/chip
    (m.power_per_chip, {"it_power_per_chip": "2 kW/chip", "pue": 1.25}, 2_500),
    # 1 GW / 2,500 W/chip = 1e9 / 2500 = 400,000 chips
    (m.chips, {"facility_power": "1 GW", "power_per_chip": "2500 W/chip"}, 400_000),
    # 1 GW / 200,000 chips = 1e9 W / 2e5 = 5,000 W/chip
    (m.power_per_chip_from_chips, {"facility_power": "1 GW", "chips": "200k chip"}, 5_000),
    # 5,000 / 1,667 = 3 - 1/1667 = 3 - 0.00059988 = 2.99940 (a PUE of 3: the quote is not IT power)
    (m.pue_from_power_per_chip, {"power_per_chip": "5000 W/chip", "it_power_per_chip": "1667 W/chip"}, 2.9994001),
    # -- compute --
    # 400,000 chip x 2,500e12 FLOP/s/chip = 4e5 x 2.5e15 = 1e21 FLOP/s
    (m.peak_compute, {"chips": "400k chip", "peak_flops_per_chip": "2500 TFLOP/s/chip"}, 1e21),
    # 1e21 FLOP/s / 400,000 chip = 2.5e15 FLOP/s/chip
    (m.peak_flops_per_chip_from_compute, {"peak_compute": "1e21 FLOP/s", "chips": "400k chip"}, 2.5e15),
    # 1e21 x 0.4 x 365.25 d x 86,400 s/d (= 31,557,600 s) = 4e20 x 3.15576e7 = 1.262304e28 FLOP/yr
    (m.compute_per_year, {"peak_compute": "1e21 FLOP/s", "mfu": 0.4}, 1.262304e28),
    # -- money --
    # 400,000 chip x 50,000 USD/chip = 2e10 USD
    (m.it_capex, {"chips": "400k chip", "chip_capex": "$50,000/chip"}, 2e10),
    # 1e9 W x 10 USD/W = 1e10 USD
    (m.facility_capex, {"facility_power": "1 GW", "facility_capex_per_power": "10 USD/W"}, 1e10),
    # 20 + 10 = 30 billion USD
    (m.capex, {"it_capex": "$20B", "facility_capex": "$10B"}, 3e10),
    # 30 billion USD / 1 GW = 3e10 USD/GW
    (m.capex_per_power, {"capex": "$30B", "facility_power": "1 GW"}, 3e10),
    # 3e10 USD/GW x 2 GW = 6e10 USD
    (m.capex_from_capex_per_power, {"capex_per_power": "30 billion USD/GW", "facility_power": "2 GW"}, 6e10),
    # 1 GW x 0.8 x 8,766 h (365.25 x 24) = 7,012.8 GWh = 7.0128 TWh, per year
    (m.energy_per_year, {"facility_power": "1 GW", "load_factor": 0.8}, 7.0128),
    # 7.0128 TWh = 7,012,800 MWh; x 80 USD/MWh = 561,024,000 USD/yr
    (m.energy_cost_per_year, {"energy_per_year": "7.0128 TWh/yr", "electricity_price": "80 USD/MWh"}, 5.61024e8),
    # 20e9 / 5 yr + 10e9 / 20 yr = 4.0e9 + 0.5e9 = 4.5e9 USD/yr
    (m.depreciation_per_year, {"it_capex": "$20B", "it_lifetime": "5 yr",
                               "facility_capex": "$10B", "facility_lifetime": "20 yr"}, 4.5e9),
    # 4.5e9 + 0.561024e9 = 5.061024e9 USD/yr
    (m.cost_per_year, {"depreciation_per_year": "4.5 billion USD/yr", "energy_cost_per_year": "561.024 million USD/yr"},
     5.061024e9),
    # 5.061024e9 USD/yr / 1 GW = 5.061024e9 USD/yr/GW
    (m.cost_per_year_per_power, {"cost_per_year": "5.061024 billion USD/yr", "facility_power": "1 GW"}, 5.061024e9),
    # 400,000 chip x 2 USD/chip/h x 8,766 h = 8e5 x 8766 = 7.0128e9 USD/yr
    (m.rental_cost_per_year, {"chips": "400k chip", "chip_hour_price": "2 USD/chip/hour"}, 7.0128e9),
    # -- revenue: $1B -> $5B over 7 months --
    # g = 5^(1/7) - 1 = e^(ln5 / 7) - 1 = e^(1.6094379 / 7) - 1 = e^0.2299197 - 1 = 0.2584990 (25.85 %/month)
    (m.arr_growth_per_month, {"arr_start": "$1B/yr", "arr_end": "$5B/yr", "arr_period": "7 month"}, 0.2584990),
    # 1.258499^2 = 1.583820; ^4 = 2.508486; ^8 = 6.292502; ^12 = 6.292502 x 2.508486 = 15.7846
    # (= 5^(12/7): five-fold in 7 months is a 15.78x multiple in 12; not 15.75)
    (m.arr_growth_per_year, {"arr_growth_per_month": 0.2584990}, 15.78463),
    # ln 2 / ln 1.258499 = 0.6931472 / 0.2299197 = 3.014736 months
    (m.arr_doubling_time, {"arr_growth_per_month": 0.2584990}, 3.014736),
    # doubling in 3 months: 2^(1/3) - 1 = 1.2599210 - 1 = 0.2599210
    (m.arr_growth_per_month_from_doubling_time, {"arr_doubling_time": "3 month"}, 0.2599210),
    # 5e9 x 1.1^2 = 5e9 x 1.21 = 6.05e9 USD/yr
    (m.arr_projected, {"arr_end": "$5B/yr", "arr_growth_per_month": 0.1, "arr_horizon": "2 month"}, 6.05e9),
    # 5e9 x 5^(12/7) = 5e9 x 15.78463 = 78.9231e9 USD/yr (another 12 months at the same rate)
    (m.arr_projected, {"arr_end": "$5B/yr", "arr_growth_per_month": 0.2584990, "arr_horizon": "12 month"}, 78.9231e9),
    # g = 1 (doubling monthly), h = 1 month, T = 2 months: exponent ln2 x 1/ln2 x (1 - 2^-2) = 0.75;
    # 5e9 x e^0.75 = 5e9 x 2.117000 = 10.585e9 USD/yr (constant growth: 5e9 x 4 = 20e9)
    (m.arr_projected_decaying, {"arr_end": "$5B/yr", "arr_growth_per_month": 1.0, "arr_horizon": "2 month",
                                "arr_growth_half_life": "1 month"}, 10.585000e9),
    # -- commitments: $38B over 7 years --
    # 38e9 / 7 = 5.428571e9 USD/yr
    (m.commitment_per_year, {"commitment": "$38B", "commitment_term": "7 yr"}, 5.428571e9),
    # 5.428571e9 / 5e9 = 1.085714: the yearly commitment exceeds the whole ARR
    (m.commitment_share_of_arr, {"commitment_per_year": "5.428571 billion USD/yr", "arr": "$5B/yr"}, 1.085714),
    # 5.428571e9 USD/yr / 7.311570e9 USD/GW/yr (the TCO of test_tco.py) = 0.742463 GW
    (m.commitment_power_at_cost, {"commitment_per_year": "5.428571 billion USD/yr",
                                  "tco_per_year_per_power": "7.311570 billion USD/GW/yr"}, 0.742463),
    # 5.428571e9 USD/yr / 17.222e9 USD/GW/yr (HSBC's rental price) = 0.3152114 GW
    (m.commitment_power_at_rental, {"commitment_per_year": "5.428571 billion USD/yr",
                                    "rental_price_per_power": "17.222 billion USD/GW/yr"}, 0.3152114),
    # -- funding --
    # 8 / 31.2 = 0.2564103 (25.64 %)
    (m.investor_share_of_capital, {"investment": "$8B", "capital_raised": "$31.2B"}, 0.2564103),
    # 350 / 183 = 1.912568
    (m.valuation_step_up, {"valuation_before": "$183B", "valuation_after": "$350B"}, 1.912568),
    # 350e9 USD / (5e9 USD/yr x 1 yr) = 70
    (m.valuation_arr_multiple, {"valuation": "$350B", "arr": "$5B/yr"}, 70.0),
]

CASE_IDS = [f"{i:02d}-{f.__name__}" for i, (f, _, _) in enumerate(CASES)]


def _output_of(func):
    return m.FORMULAS[func.__name__].output


def _as_quantity(value):
    return Q(value) if isinstance(value, (str, int, float)) else value


@pytest.mark.parametrize(("func", "inputs", "expected"), CASES, ids=CASE_IDS)
def test_hand_derived_number_in_glossary_unit(func, inputs, expected):
    result = func(**inputs)
    unit = parse_unit(unit_of(_output_of(func)))
    assert result.units == unit, f"{func.__name__} returns {result.units}, glossary says {unit}"
    assert result.m == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(("func", "inputs", "expected"), CASES, ids=CASE_IDS)
def test_array_path_equals_scalar_path(func, inputs, expected):
    # each input becomes [x, 1.5 x]; element i of the array answer is the scalar answer for element i
    scalars = {k: _as_quantity(v) for k, v in inputs.items()}
    arrays = {k: Quantity(np.array([q.m, 1.5 * q.m]), q.units) for k, q in scalars.items()}
    result = func(**arrays)
    assert result.shape == (2,)
    for i, factor in enumerate((1.0, 1.5)):
        one = func(**{k: Quantity(q.m * factor, q.units) for k, q in scalars.items()})
        assert one.units == result.units
        assert result.m[i] == pytest.approx(one.m, rel=1e-12)


def test_docstring_examples_run():
    for name in ("power", "compute", "money", "revenue", "commitments", "funding", "timeline"):
        res = doctest.testmod(importlib.import_module(f"calc.models.{name}"))
        assert res.failed == 0, name


# ------------------------------------------------------------------------------ chains of models
def test_one_gigawatt_chain_from_pue_to_chips():
    # 1 GW at 2 kW/chip IT and PUE 1.25: 2.5 kW/chip facility; 1e9 / 2500 = 400,000 chips
    ppc = m.power_per_chip(it_power_per_chip="2 kW/chip", pue=1.25)
    assert m.chips(facility_power="1 GW", power_per_chip=ppc).m == pytest.approx(400_000)


def test_implied_pue_of_200k_chips_per_gigawatt():
    # 1 GW / 200,000 = 5,000 W/chip; over 1,667 W/chip IT: 5000/1667 = 2.999
    ppc = m.power_per_chip_from_chips(facility_power="1 GW", chips="200k chip")
    assert ppc.to("W/chip").m == pytest.approx(5_000)
    assert m.pue_from_power_per_chip(power_per_chip=ppc, it_power_per_chip="1667 W/chip").m == pytest.approx(2.999, rel=1e-3)


def test_revenue_1b_to_5b_in_7_months():
    # g = 5^(1/7) - 1 = 0.258499; doubling ln2/ln1.258499 = 3.0147 months; multiple 5^(12/7) = 15.785
    g = m.arr_growth_per_month(arr_start="$1B/yr", arr_end="$5B/yr", arr_period="7 month")
    assert g.m == pytest.approx(0.258499, rel=1e-5)
    assert m.arr_doubling_time(arr_growth_per_month=g).to("month").m == pytest.approx(3.0147, rel=1e-4)
    assert m.arr_growth_per_year(arr_growth_per_month=g).m == pytest.approx(15.785, rel=1e-4)


def test_arr_growth_per_year_is_a_multiple_not_a_rate():
    # 0 % a month is a multiple of 1 (not 0); 100 % a month is 2^12 = 4096
    assert m.arr_growth_per_year(arr_growth_per_month=0.0).m == pytest.approx(1.0)
    assert m.arr_growth_per_year(arr_growth_per_month="100 %").m == pytest.approx(4096.0)
    text = m.FORMULAS["arr_growth_per_year"].text + (m.arr_growth_per_year.__doc__ or "")
    assert "multiple" in text.lower()


def test_commitment_38b_over_7_years_against_arr_and_power():
    # 38e9 / 7 = 5.4286e9 USD/yr; / 5e9 USD/yr = 1.0857; / 5.061024e9 USD/yr/GW = 1.0726 GW
    cpy = m.commitment_per_year(commitment="$38B", commitment_term="7 yr")
    assert cpy.to("USD/yr").m / 1e9 == pytest.approx(5.4286, rel=1e-4)
    assert m.commitment_share_of_arr(commitment_per_year=cpy, arr="$5B/yr").m == pytest.approx(1.0857, rel=1e-4)
    # the yearly cost of 1 GW, built from its parts (see CASES): 20e9/5 + 10e9/20 + 7.0128 TWh x 80 USD/MWh
    it = m.it_capex(chips="400k chip", chip_capex="$50,000/chip")
    fac = m.facility_capex(facility_power="1 GW", facility_capex_per_power="10 USD/W")
    dep = m.depreciation_per_year(it_capex=it, it_lifetime="5 yr", facility_capex=fac, facility_lifetime="20 yr")
    energy = m.energy_cost_per_year(energy_per_year=m.energy_per_year(facility_power="1 GW", load_factor=0.8),
                                    electricity_price="80 USD/MWh")
    per_gw = m.cost_per_year_per_power(cost_per_year=m.cost_per_year(depreciation_per_year=dep, energy_cost_per_year=energy),
                                       facility_power="1 GW")
    assert per_gw.m == pytest.approx(5.061024e9, rel=1e-9)
    # the straight-line reading: 5.428571e9 / 5.061024e9 = 1.0726 GW (what commitment_power_equivalent
    # gave before issue 14; it is now an alias of commitment_power_at_cost)
    assert (cpy / per_gw).to("GW").m == pytest.approx(1.0726, rel=1e-4)
    assert m.commitment_power_equivalent(commitment_power_at_cost="1.0726 GW").m == pytest.approx(1.0726, rel=1e-12)


def test_capex_both_ways_agree():
    # 20e9 + 10e9 = 30e9 USD; 30e9 / 1 GW = 3e10 USD/GW; back: 3e10 USD/GW x 1 GW = 30e9 USD
    total_capex = m.capex(it_capex="$20B", facility_capex="$10B")
    per_power = m.capex_per_power(capex=total_capex, facility_power="1 GW")
    assert m.capex_from_capex_per_power(capex_per_power=per_power, facility_power="1000 MW").m == pytest.approx(3e10)


def test_decaying_growth_tends_to_constant_and_stays_below():
    args = {"arr_end": "$5B/yr", "arr_growth_per_month": 0.2584990, "arr_horizon": "12 month"}
    constant = m.arr_projected(**args)
    huge_h = m.arr_projected_decaying(**args, arr_growth_half_life=Q(1e12, "month"))
    assert huge_h.m == pytest.approx(constant.m, rel=1e-9)
    halves = Q(np.array([1.0, 6.0, 24.0, 120.0]), "month")
    decaying = m.arr_projected_decaying(**args, arr_growth_half_life=halves)
    assert np.all(decaying.m < constant.m)
    assert np.all(np.diff(decaying.m) > 0)  # a longer half-life keeps more of the growth


def test_funding_amazon_and_valuations():
    # 4e9 (2023) + 4e9 (2024) = 8e9 USD; 8 / 31.2 = 0.2564 (25.64 %)
    amazon = m.total("$4B", "4 billion USD")
    assert amazon.to("USD").m == pytest.approx(8e9)
    assert m.investor_share_of_capital(investment=amazon, capital_raised="$31.2B").to("percent").m == pytest.approx(25.64, rel=1e-3)


def test_total_sums_arrays_and_keeps_the_first_unit():
    # [1, 2] GW + 500 MW = [1.5, 2.5] GW
    out = m.total(Q(np.array([1.0, 2.0]), "GW"), "500 MW")
    assert str(out.units) == str(Q("1 GW").units)
    np.testing.assert_allclose(out.m, [1.5, 2.5])


# ----------------------------------------------------------------------------------- unit errors
@pytest.mark.parametrize(("call", "pattern"), [
    (lambda: m.peak_compute(chips="1 GW", peak_flops_per_chip="1 TFLOP/s/chip"),
     r"peak_compute\(chips=\.\.\.\): expected chip \[chip\], got power \[GW\]$"),
    (lambda: m.compute_per_year(peak_compute="1e21 FLOP", mfu=0.4),
     r"compute_per_year\(peak_compute=\.\.\.\): expected FLOP per time \[FLOP/s\], got FLOP \[FLOP\]$"),
    (lambda: m.energy_cost_per_year(energy_per_year="1 TWh/yr", electricity_price="80 USD/MW"),
     r"energy_cost_per_year\(electricity_price=\.\.\.\): expected money per energy \[USD/MWh\], got money per power \[USD/MW\]$"),
    (lambda: m.depreciation_per_year(it_capex="$1B", it_lifetime="5 GW", facility_capex="$1B", facility_lifetime="20 yr"),
     r"depreciation_per_year\(it_lifetime=\.\.\.\): expected time \[yr\], got power \[GW\]$"),
    (lambda: m.arr_growth_per_month(arr_start="$1B", arr_end="$5B/yr", arr_period="7 month"),
     r"arr_growth_per_month\(arr_start=\.\.\.\): expected money per time \[USD/yr\], got money \[USD\]$"),
    (lambda: m.arr_projected(arr_end="$5B/yr", arr_growth_per_month="1 month", arr_horizon="2 month"),
     r"arr_projected\(arr_growth_per_month=\.\.\.\): expected a plain number, got time \[month\]$"),
    (lambda: m.commitment_per_year(commitment="$38B", commitment_term=7),
     r"commitment_per_year\(commitment_term=\.\.\.\): expected time \[yr\], got a plain number$"),
    (lambda: m.valuation_arr_multiple(valuation="$350B", arr="$5B"),
     r"valuation_arr_multiple\(arr=\.\.\.\): expected money per time \[USD/yr\], got money \[USD\]$"),
    (lambda: m.total("$4B", "1 GW"),
     r"total\(argument 2='1 GW'\): expected money \[USD\], got power \[GW\]$"),
    (lambda: m.total(),
     r"total\(\): expected at least one amount"),
])
def test_wrong_units_name_function_argument_expected_and_given(call, pattern):
    with pytest.raises(CalcError, match=pattern):
        call()


# ------------------------------------------------------------------------------------ registry
def test_formulas_are_registered_with_glossary_names():
    for f in m.FORMULAS.values():
        assert unit_of(f.output) is not None, f.name
        assert all(unit_of(i) is not None for i in f.inputs), f.name
    decaying = m.FORMULAS["arr_projected_decaying"]
    assert decaying.output == "arr_projected" and decaying.default is False
    assert m.FORMULAS["arr_projected"].default is True
    assert "total" not in m.FORMULAS
    assert {f.name for f in m.formulas_for("capex")} == {"capex", "capex_from_capex_per_power"}


def test_string_and_quantity_arguments_agree():
    a = m.rental_cost_per_year(chips="400k chip", chip_hour_price="$2/chip/hour")
    b = m.rental_cost_per_year(chips=Q(4e5, "chip"), chip_hour_price=Q(2, "USD/chip/hour"))
    assert a.m == pytest.approx(b.m)


def test_numpy_arrays_elementwise():
    # [1, 2] GW / 2.5 kW/chip = [400,000, 800,000] chips
    out = m.chips(facility_power=Q(np.array([1, 2]), "GW"), power_per_chip="2.5 kW/chip")
    np.testing.assert_allclose(out.m, [400_000, 800_000])


# ------------------------------------------------------------------------------- property tests
powers = st.floats(min_value=1e-3, max_value=1e3)           # GW
per_chip = st.floats(min_value=100.0, max_value=1e5)         # W/chip
rates = st.floats(min_value=1e-4, max_value=10.0)            # monthly growth


@given(powers, per_chip)
def test_doubling_facility_power_doubles_chips(gw, w):
    one = m.chips(facility_power=Q(gw, "GW"), power_per_chip=Q(w, "W/chip"))
    two = m.chips(facility_power=Q(2 * gw, "GW"), power_per_chip=Q(w, "W/chip"))
    assert two.m == pytest.approx(2 * one.m, rel=1e-12)


@given(powers, per_chip)
def test_gw_and_mw_give_the_same_chips(gw, w):
    in_gw = m.chips(facility_power=Q(gw, "GW"), power_per_chip=Q(w, "W/chip"))
    in_mw = m.chips(facility_power=Q(gw * 1000, "MW"), power_per_chip=Q(w / 1000, "kW/chip"))
    assert in_mw.m == pytest.approx(in_gw.m, rel=1e-12)


@given(rates)
def test_growth_doubling_time_round_trip(g):
    t = m.arr_doubling_time(arr_growth_per_month=g)
    back = m.arr_growth_per_month_from_doubling_time(arr_doubling_time=t)
    assert back.m == pytest.approx(g, rel=1e-9)


@settings(max_examples=50)
@given(st.lists(st.tuples(st.floats(1e6, 1e12), st.floats(-0.5, 2.0), st.floats(0.0, 60.0)), min_size=1, max_size=8))
def test_arr_projected_array_path_equals_scalar_path(rows):
    end, g, horizon = (np.array(col) for col in zip(*rows))
    together = m.arr_projected(arr_end=Q(end, "USD/yr"), arr_growth_per_month=g, arr_horizon=Q(horizon, "month"))
    for i in range(len(rows)):
        one = m.arr_projected(arr_end=Q(end[i], "USD/yr"), arr_growth_per_month=g[i], arr_horizon=Q(horizon[i], "month"))
        assert together.m[i] == pytest.approx(one.m, rel=1e-12)


@given(st.floats(1e-3, 2.0), st.floats(0.5, 60.0), st.floats(0.1, 120.0))
def test_decaying_growth_never_exceeds_constant(g, horizon, half_life):
    args = {"arr_end": "$5B/yr", "arr_growth_per_month": g, "arr_horizon": Q(horizon, "month")}
    assert m.arr_projected_decaying(**args, arr_growth_half_life=Q(half_life, "month")).m <= m.arr_projected(**args).m
