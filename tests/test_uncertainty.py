"""Ranges as distributions: known answers, closed forms, seeds, correlation, sensitivity."""

import math

import numpy as np
import pytest

import calc
from calc.errors import CalcError
from calc.uncertainty import Dist, Z95, rank_to_pearson

N = 20_000
# Tolerance: at 20,000 samples the standard error of a 5th/95th percentile of a normal is
# sqrt(0.05 x 0.95 / 20000) / phi(1.645) = 0.0015 / 0.1031 = 0.0149 in z units; for a lognormal over
# [1, 4] (sigma = ln4 / 3.29 = 0.4214) that is 0.63 % of the value. 3 % is more than four standard errors.
TOL = 0.03


def test_lognormal_90_percent_interval():
    # an input lognormal over [1, 4]: p05 = 1, p50 = sqrt(1 x 4) = 2, p95 = 4
    res = calc.evaluate(outputs=["chips"], inputs={"chips": ["1 chip", "4 chip"]}, samples=N, seed=7)
    s = res.stats["chips"]
    assert s["p05"][0] == pytest.approx(1, rel=TOL)
    assert s["p50"][0] == pytest.approx(2, rel=TOL)
    assert s["p95"][0] == pytest.approx(4, rel=TOL)
    assert res.central["chips"][0] == pytest.approx(2)      # central = geometric mean


def test_product_of_two_lognormals_matches_the_closed_form():
    # X ~ [1, 4] chip, Y ~ [2, 8] USD/chip: ln X ~ N(ln 2, s), ln Y ~ N(ln 4, s), s = ln 4 / (2 x 1.6449) = 0.42141
    # XY ~ lognormal(ln 8, s x sqrt 2 = 0.59597): p05 = 8 exp(-1.6449 x 0.59597) = 3.0017, p95 = 21.322
    res = calc.evaluate(outputs=["it_capex"], inputs={"chips": ["1 chip", "4 chip"],
                                                     "chip_capex": ["2 USD/chip", "8 USD/chip"]},
                        samples=N, seed=3)
    s = res.stats["it_capex"]
    sigma = math.log(4) / (2 * Z95) * math.sqrt(2)
    assert s["p05"][0] == pytest.approx(8 * math.exp(-Z95 * sigma), rel=TOL)
    assert s["p50"][0] == pytest.approx(8, rel=TOL)
    assert s["p95"][0] == pytest.approx(8 * math.exp(Z95 * sigma), rel=TOL)
    assert s["mean"][0] == pytest.approx(8 * math.exp(sigma ** 2 / 2), rel=TOL)


def test_samples_and_central_runs_agree_on_value():
    ins = {"facility_power": "1 GW", "pue": [1.1, 1.4], "it_power_per_chip": "2 kW/chip"}
    central = calc.evaluate(outputs=["chips"], inputs=ins)
    sampled = calc.evaluate(outputs=["chips"], inputs=ins, samples=1000, seed=1)
    # central pue = sqrt(1.1 x 1.4) = 1.24097; chips = 1e9 / (2000 x 1.24097) = 402,911
    assert central.central["chips"][0] == pytest.approx(1e9 / (2000 * math.sqrt(1.1 * 1.4)))
    assert sampled.central["chips"][0] == central.central["chips"][0]


def test_same_seed_same_numbers_different_seed_different():
    ins = {"facility_power": "1 GW", "pue": [1.1, 1.4], "it_power_per_chip": ["1.6 kW/chip", "2.4 kW/chip"]}
    a = calc.evaluate(outputs=["chips"], inputs=ins, samples=500, seed=11)
    b = calc.evaluate(outputs=["chips"], inputs=ins, samples=500, seed=11)
    c = calc.evaluate(outputs=["chips"], inputs=ins, samples=500, seed=12)
    assert np.array_equal(a.draws["chips"], b.draws["chips"])
    assert not np.array_equal(a.draws["chips"], c.draws["chips"])


@pytest.mark.parametrize("kind, low, mode, high, mean", [
    ("uniform", 1.0, None, 3.0, 2.0),                 # (1 + 3) / 2
    ("triangular", 0.0, 1.0, 4.0, 5 / 3),             # (0 + 1 + 4) / 3
    ("pert", 0.0, 2.0, 10.0, 3.0),                    # (0 + 4 x 2 + 10) / 6
    ("normal", 1.0, None, 3.0, 2.0),
])
def test_explicit_distributions_have_the_right_mean(kind, low, mode, high, mean):
    z = np.random.default_rng(0).standard_normal(200_000)
    draws = Dist(kind, low, high, mode).from_normal(z)
    assert draws.mean() == pytest.approx(mean, rel=0.01)
    if kind != "normal":
        assert draws.min() >= low and draws.max() <= high


def test_distribution_errors():
    with pytest.raises(CalcError, match="a lognormal range needs positive ends"):
        Dist("lognormal", 0, 1)
    with pytest.raises(CalcError, match="needs a mode between low and high"):
        Dist("pert", 0, 1, 2)
    with pytest.raises(CalcError, match="unknown distribution 'beta'"):
        Dist("beta", 0, 1)


def test_rank_correlation_is_induced():
    from calc.engine import normal_draws
    rng = np.random.default_rng(5)
    z = normal_draws(["a", "b"], 50_000, rng, {("a", "b"): 0.7})
    ra = np.argsort(np.argsort(z["a"]))
    rb = np.argsort(np.argsort(z["b"]))
    assert np.corrcoef(ra, rb)[0, 1] == pytest.approx(0.7, abs=0.01)
    assert rank_to_pearson(0.7) == pytest.approx(2 * math.sin(math.pi * 0.7 / 6))
    with pytest.raises(CalcError, match="not mutually consistent"):
        normal_draws(["a", "b", "c"], 10, rng, {("a", "b"): 0.95, ("b", "c"): 0.95, ("a", "c"): -0.95})


def test_sensitivity_ranks_inputs_and_a_fixed_input_has_no_effect():
    # capex = chips x chip_capex + facility_power x facility_capex_per_power, chips = 1 GW / (2 kW/chip x pue)
    # facility_capex_per_power over [5, 15] USD/W moves capex by 1 GW x 10 USD/W = $10B;
    # pue over [1.1, 1.4] moves it by 1e9/2000 x (1/1.1 - 1/1.4) x $50k = 500,000 x 0.19481 x 5e4 = $4.87B;
    # chip_capex and facility_power are fixed: zero swing.
    res = calc.evaluate(outputs=["capex"], inputs={"facility_power": "1 GW", "pue": [1.1, 1.4],
                                                  "it_power_per_chip": "2 kW/chip", "chip_capex": "50000 USD/chip",
                                                  "facility_capex_per_power": ["5 USD/W", "15 USD/W"]},
                        samples=2000, seed=1)
    table = res.sensitivity()
    order = table["input"].tolist()
    assert order[:2] == ["facility_capex_per_power", "pue"]
    swing = dict(zip(table["input"], table["swing"]))
    assert swing["facility_capex_per_power"] == pytest.approx(10e9)
    assert swing["pue"] == pytest.approx(1e9 / 2000 * (1 / 1.1 - 1 / 1.4) * 5e4)
    assert swing["chip_capex"] == 0 and swing["facility_power"] == 0
    rho = dict(zip(table["input"], table["rank_corr"]))
    assert rho["facility_capex_per_power"] > 0.7 and rho["pue"] < -0.3 and rho["chip_capex"] == 0


def test_nvidia_1gw_sensitivity_matches_hand_reasoning():
    # capex = chips x chip_capex + 1 GW x facility_capex_per_power, chips = 1 GW / (it_power_per_chip x pue).
    # facility_capex_per_power over [8, 16] USD/W swings capex by 1 GW x 8 USD/W = $8.0B;
    # pue over [1.1, 1.4] swings it by 1e9 / 3333.33 x (1/1.1 - 1/1.4) x $83,333 = 300,000 x 0.194805 x 83,333 = $4.87B;
    # the facility power (a point figure: "at least 1 GW") has no effect.
    res = calc.load("scenarios/nvidia-1gw.yaml").run(samples=1000, seed=1)
    frame = res.sensitivity()
    capex = frame[(frame.variant == "base") & (frame.quantity == "capex")]
    assert capex["input"].tolist()[:2] == ["facility_capex_per_power", "pue"]
    swing = dict(zip(capex["input"], capex["swing"]))
    assert swing["facility_capex_per_power"] == pytest.approx(8e9, rel=1e-6)
    it = calc.figure("gb200_superchip_it_power").value.to("W/chip").magnitude
    cap = calc.figure("gb200_superchip_capex").value.to("USD/chip").magnitude
    assert swing["pue"] == pytest.approx(1e9 / it * (1 / 1.1 - 1 / 1.4) * cap, rel=1e-6)
    assert swing["facility_power"] == 0
    chips = frame[(frame.variant == "base") & (frame.quantity == "chips")]
    assert chips.iloc[0]["input"] == "pue" and chips.iloc[0]["rank_corr"] == pytest.approx(-1.0)


def test_sensitivity_is_rendered_in_every_text_format():
    from calc.output import write
    res = calc.load("scenarios/nvidia-1gw.yaml").run(samples=300, seed=2)
    res = res.with_sensitivity()
    text = write("table", res)
    assert "Sensitivity: each uncertain input at its 5th and 95th percentile" in text
    assert "facility_capex_per_power" in text.split("Sensitivity")[1]
    assert "**Sensitivity**" in write("markdown", res)
    import json
    doc = json.loads(write("json", res))
    assert {"input", "swing", "rank_corr"} <= set(doc["sensitivity"][0])


def test_same_seed_gives_identical_json_through_the_cli():
    from helpers import calc_cli
    run = lambda seed: calc_cli("run", "scenarios/nvidia-1gw.yaml", "--samples", "500", "--seed", str(seed),  # noqa: E731
                                "--format", "json").stdout
    a, b, c = run(5), run(5), run(6)
    assert a == b
    assert a != c
    assert '"seed": 5' in a
