"""calc.values: the one constructor, bounds from the glossary, the range rule, truncation, run limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

import calc
from calc import engine, values
from calc.errors import CalcError
from calc.glossary import bounds_of
from calc.units import Q

from helpers import BASE

CHIPS = {"facility_power": "1 GW", "pue": 1.25, "it_power_per_chip": "2 kW/chip"}   # 400,000 chips


# -- one constructor, every form -----------------------------------------------------------------
@pytest.mark.parametrize("given, expected", [
    ("1 GW", Q(1, "GW")), (Q(1e9, "W"), Q(1e9, "W")), ("anthropic_nvidia_compute_commitment", Q(1, "GW")),
    ({"value": "2 GW"}, Q(2, "GW")), ({"figure": "anthropic_nvidia_compute_commitment"}, Q(1, "GW")),
])
def test_the_constructor_takes_every_form(given, expected):
    v = values.value("facility_power", given)
    assert v.central.to("GW").magnitude == pytest.approx(expected.to("GW").magnitude)


def test_a_range_is_a_90_percent_interval_with_the_geometric_mean_as_central():
    # [1.1, 1.4]: both ends positive -> lognormal, central sqrt(1.1 x 1.4) = 1.24097
    v = values.value("pue", [1.1, 1.4])
    assert v.dist.kind == "lognormal" and v.central.magnitude == pytest.approx(math.sqrt(1.54))
    # a signed quantity reaching zero is normal, central the midpoint: (-0.1 + 0.3) / 2 = 0.1
    g = values.value("arr_growth_per_month", [-0.1, 0.3])
    assert g.dist.kind == "normal" and g.central.magnitude == pytest.approx(0.1)


@pytest.mark.parametrize("name, given, message", [
    ("pue", -1.25, "pue = -1.25 is out of bounds: pue is at least 1"),
    ("pue", 0, "pue = 0 is out of bounds: pue is at least 1"),
    ("mfu", "120 %", "mfu = 120 % is out of bounds: mfu is between 0 and 1"),
    ("load_factor", 1.5, "load_factor = 1.5 is out of bounds: load_factor is between 0 and 1"),
    ("facility_power", "-2 GW", "facility_power = -2 GW is out of bounds: facility_power is at least 0 GW"),
    ("arr_growth_per_month", -1.5, "arr_growth_per_month = -1.5 is out of bounds: arr_growth_per_month is at least -1"),
    ("commitment_term", "0 yr", "commitment_term = 0 yr is out of bounds: commitment_term is above 0 yr"),
    ("pue", float("nan"), "nan is not a finite number"),
    ("pue", float("inf"), "inf is not a finite number"),
    ("facility_power", "1e308 TW", "facility_power is too large to compute with in GW"),
    ("pue", None, "expected a quantity like '1 GW' or a number, got None"),
    ("pue", True, "expected a quantity like '1 GW' or a number, got True"),
    ("pue", [0.9, 1.4], "pue = 0.9 is out of bounds: pue is at least 1"),
    ("mfu", {"dist": "normal", "low": 0.2, "high": 1.2}, "mfu = 1.2 is out of bounds: mfu is between 0 and 1"),
    ("facility_power", "anthropic_nvidia_compute_commitmnt", "cannot read 'anthropic_nvidia_compute_commitmnt': not "
     "a quantity and not a figure id (did you mean 'anthropic_nvidia_compute_commitment'?)"),
    ("facility_power", "lots", "cannot read 'lots' as a quantity"),
])
def test_the_constructor_refuses_with_quantity_value_and_bound(name, given, message):
    with pytest.raises(CalcError) as info:
        values.value(name, given, where=f"inputs.{name}")
    assert str(info.value) == f"inputs.{name}: {message}" or str(info.value).startswith(f"inputs.{name}: {message}")


def test_bounds_come_from_the_glossary():
    assert (bounds_of("pue").low, bounds_of("pue").high) == (1, math.inf)
    assert (bounds_of("mfu").low, bounds_of("mfu").high) == (0, 1)
    assert bounds_of("it_power_per_chip").open and bounds_of("it_power_per_chip").low == 0
    assert bounds_of("chips").low == 0 and not bounds_of("chips").open          # the default: at least 0
    assert bounds_of("a_name_of_my_own").unbounded


# -- ranges never leave their bounds ---------------------------------------------------------------
def test_draws_beyond_a_bound_are_redrawn_and_the_central_value_stays():
    # pue [1.01, 2.0] lognormal: ln-sd = ln(2/1.01)/3.29 = 0.2077, ln 1 sits 1.67 sd below the centre,
    # so about 4.7 % of plain lognormal draws fall below 1; truncated, none do
    res = calc.evaluate(outputs=["chips"], inputs={**CHIPS, "pue": [1.01, 2.0]}, samples=20_000, seed=3)
    pue = res["pue"].magnitude
    assert pue.min() >= 1.0
    assert res.value("pue").magnitude == pytest.approx(math.sqrt(1.01 * 2.0))      # central unmoved
    dist = values.value("pue", [1.01, 2.0]).dist
    z = np.random.default_rng(3).standard_normal(20_000)
    plain = dist._transform(z)
    assert 0.035 < np.mean(plain < 1) < 0.06
    kept = plain >= 1
    assert np.array_equal(dist.from_normal(z)[kept], plain[kept])     # draws inside are untouched


def test_a_normal_range_on_a_fraction_stays_between_0_and_1():
    mfu = values.value("mfu", {"dist": "normal", "low": 0.05, "high": 0.95}).dist
    x = mfu.from_normal(np.random.default_rng(1).standard_normal(100_000))
    assert 0 <= x.min() and x.max() <= 1
    # the 90 % interval [0.05, 0.95] has sd 0.9 / 3.29 = 0.2736; P(x < 0) = Phi(-1.8275) = 0.0338 at each
    # end. Truncated to [0, 1]: P(x < 0.05) = (0.05 - 0.0338) / (1 - 2 x 0.0338) = 0.0174
    assert np.mean(x < 0.05) == pytest.approx(0.0174, abs=0.002)


# -- the library speaks CalcError ----------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, message", [
    ({"outputs": None}, "outputs: expected a quantity name or a list of them, e.g. ['chips'], got None"),
    ({"outputs": ["chips"], "inputs": ["facility_power"]},
     "inputs: expected a mapping name -> value, e.g. {'facility_power': '1 GW'}, got list"),
    ({"outputs": ["chips"], "samples": -5}, "samples: expected a whole number from 0 to 2,000,000, got -5"),
    ({"outputs": ["chips"], "samples": "10"}, "samples: expected a whole number from 0 to 2,000,000, got '10'"),
    ({"outputs": ["chips"], "samples": 10**8}, "samples: expected a whole number from 0 to 2,000,000, got 100000000"),
    ({"outputs": ["chips"], "samples": 10**12}, "samples: expected a whole number from 0 to 2,000,000, got 1000000000000"),
    ({"outputs": ["chips"], "seed": -1}, "seed: expected a whole number from 0 to 9,223,372,036,854,775,807, got -1"),
    ({"outputs": ["chips"], "inputs": {"pue": None}}, "inputs.pue: expected a quantity like '1 GW' or a number, got None"),
    ({"outputs": ["chips"], "inputs": {"pue": object()}}, "inputs.pue: expected a quantity like '1 GW' or a number"),
    ({"outputs": ["chips"], "inputs": {**CHIPS, "pue": -1.25}}, "inputs.pue: pue = -1.25 is out of bounds: pue is at least 1"),
    ({"outputs": ["chips"], "inputs": {**CHIPS, "pue": 0}}, "inputs.pue: pue = 0 is out of bounds: pue is at least 1"),
    ({"outputs": ["chips"], "inputs": {**CHIPS, "pue": {"dist": "normal", "low": 0.05, "high": 3}}},
     "inputs.pue: pue = 0.05 is out of bounds: pue is at least 1"),
    ({"outputs": ["chips"], "inputs": {**CHIPS, "facility_power": "1e308 GW"}},
     "chips = facility_power / power_per_chip is infinite (too large to compute, or a division by zero) from "
     "finite inputs: facility_power = 1e+308 GW, power_per_chip = 2500 W/chip"),
    ({"outputs": ["chips"], "accelerator": 3}, "accelerator: expected a catalogue id such as 'gb200-superchip', got 3"),
])
def test_every_bad_call_to_evaluate_is_a_calc_error(kwargs, message):
    with pytest.raises(CalcError) as info:
        calc.evaluate(**kwargs)
    assert str(info.value).startswith(message)


def test_bad_calls_to_load_and_run_are_calc_errors(tmp_path):
    with pytest.raises(CalcError, match=r"^nope\.yaml: no such file"):
        calc.load("nope.yaml")
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    sc = calc.load(path)
    for kwargs, message in [({"samples": -1}, "samples: expected a whole number from 0 to 2,000,000, got -1"),
                            ({"samples": 10**8}, "samples: expected a whole number"),
                            ({"seed": "x"}, "seed: expected a whole number from 0"),
                            ({"sets": ["pue"]}, "sets: expected a mapping name -> value"),
                            ({"sets": {"pue": 0.5}}, "sets={'pue': ...}: pue = 0.5 is out of bounds: pue is at least 1")]:
        with pytest.raises(CalcError) as info:
            sc.run(**kwargs)
        assert message in str(info.value)


# -- chunks ----------------------------------------------------------------------------------------
def test_several_chunks_give_the_statistics_of_one(tmp_path, monkeypatch):
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace("{value: 1.25, source: assumption, note: test}",
                                 "{range: [1.1, 1.5], source: assumption, note: test}")
                    + "sweep:\n  facility_power: {from: 0.5 GW, to: 2 GW, steps: 40}\n")
    sc = calc.load(path)
    one = sc.run(samples=500, seed=7)
    calls = []
    original = engine.evaluate
    monkeypatch.setattr(engine, "MAX_CHUNK_ELEMENTS", 3 * 501)        # 3 rows of 1 + 500 draws per chunk
    monkeypatch.setattr(engine, "evaluate", lambda *a, **k: calls.append(1) or original(*a, **k))
    many = sc.run(samples=500, seed=7)
    assert len(calls) == 14                                           # ceil(40 rows / 3)
    for stat in ("p05", "p50", "p95", "mean"):
        assert np.allclose(many.stats["chips"][stat], one.stats["chips"][stat], rtol=1e-12)
    assert np.array_equal(many.central["chips"], one.central["chips"])
