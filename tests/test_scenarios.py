"""Golden tests for the shipped scenarios (scenarios/*.yaml).

Each scenario is loaded and run at central values; its key numbers are pinned to values derived by
hand from the registry figures they rest on (the arithmetic is in the comments, with the figure ids),
each check's verdict is pinned to what the source documents lead us to expect (the findings), and
the sources a run reports are compared with the ids the file cites.

Central values: a range [lo, hi] enters at its geometric mean sqrt(lo x hi):
  pue_ai_campus [1.1, 1.4]                     -> sqrt(1.54)   = 1.2409674
  facility_capex_per_facility_watt [8, 16] USD/W -> sqrt(128) = 11.3137085 USD/W
  load_factor_assumption [0.6, 0.9]            -> sqrt(0.54)   = 0.7348469
  it_lifetime_assumption [4, 6] yr             -> sqrt(24)     = 4.8989795 yr
  facility_lifetime_assumption [15, 25] yr     -> sqrt(375)    = 19.3649167 yr
  mfu_large_bf16_training [0.35, 0.45]         -> sqrt(0.1575) = 0.3968627
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

import calc
from calc.registry import registry
from calc.yamlio import load as load_yaml
from helpers import calc_cli

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SHIPPED = ["nvidia-1gw", "rainier", "google-tpu-1gw", "anthropic-arr", "commitments", "funding"]

# The five source documents (the first block of calc/data/sources.yaml) and which each scenario must cite.
DOCS = {"de-2023-09-amazon-up-to-4b", "de-2023-10-google-2b", "de-2024-11-amazon-8b",
        "36kr-caixin-2025-11-msft-nvda", "nl-ft-amazon-new-investment"}
CITES_DOCS = {
    "nvidia-1gw": {"36kr-caixin-2025-11-msft-nvda"},
    "rainier": {"36kr-caixin-2025-11-msft-nvda", "nl-ft-amazon-new-investment"},
    "google-tpu-1gw": {"36kr-caixin-2025-11-msft-nvda"},
    "anthropic-arr": {"36kr-caixin-2025-11-msft-nvda"},
    "commitments": {"36kr-caixin-2025-11-msft-nvda"},
    "funding": DOCS,
}

# Central values shared by several scenarios (see the module docstring).
PUE = math.sqrt(1.1 * 1.4)                  # 1.2409674
FAC_CAPEX = math.sqrt(8 * 16)               # 11.3137085 USD per facility W
LOAD = math.sqrt(0.6 * 0.9)                 # 0.7348469
IT_LIFE = math.sqrt(4 * 6)                  # 4.8989795 yr
FAC_LIFE = math.sqrt(15 * 25)               # 19.3649167 yr
MFU = math.sqrt(0.35 * 0.45)                # 0.3968627
YEAR_S = 365.25 * 86400                     # 31,557,600 s (Julian year)
YEAR_H = 365.25 * 24                        # 8,766 h
PRICE = 80.6                                # us_industrial_electricity_price_2023, USD/MWh

_results: dict = {}


def run(name: str, **kw):
    """The scenario's central-value run (cached: the files do not change during a test session)."""
    key = (name, tuple(sorted(kw.items())))
    if key not in _results:
        _results[key] = calc.load(SCENARIOS / f"{name}.yaml").run(**kw)
    return _results[key]


def val(result, name, unit, variant=None, point=None) -> float:
    return float(result.value(name, variant=variant, point=point).to(unit).magnitude)


def verdicts(result) -> dict:
    """(says, variant) -> passed, after asserting that every sweep point agrees."""
    out: dict = {}
    for c in result.checks:
        key = (c.says, c.variant)
        assert out.setdefault(key, c.passed) == c.passed, f"{key} differs across sweep points"
    return out


def expect_verdicts(result, expected: dict) -> None:
    """``expected`` maps a prefix of ``says`` to {variant: passed}; every check must be covered."""
    got = verdicts(result)
    covered = set()
    for prefix, by_variant in expected.items():
        keys = [k for k in got if k[0].startswith(prefix)]
        assert keys, f"no check says {prefix!r}..."
        for (says, variant) in keys:
            assert got[(says, variant)] is by_variant[variant], (says, variant, got[(says, variant)])
            covered.add((says, variant))
    assert covered == set(got), f"checks without an expected verdict: {set(got) - covered}"


# ---------------------------------------------------------------------------------------------
# Every shipped scenario
# ---------------------------------------------------------------------------------------------
def test_the_six_scenarios_are_shipped():
    assert set(SHIPPED) <= {p.stem for p in SCENARIOS.glob("*.yaml")}


@pytest.mark.parametrize("name", SHIPPED)
def test_scenario_loads_runs_and_says_what_it_counts(name):
    sc = calc.load(SCENARIOS / f"{name}.yaml")
    assert sc.name == name
    assert sc.title and len(sc.description) > 200
    assert sc.checks, "every shipped scenario tests the documents' claims"
    r = run(name)
    assert r.scenario == name
    for q in sc.outputs + list(sc.derive):
        assert np.all(np.isfinite(np.asarray(r.central[q], dtype=float))), q
    for c in r.checks:
        assert c.source and c.note, f"{name}: check {c.says!r} needs a source and a note"
        assert re.search(r": (holds|does not hold)( \(in \d+ % of samples\))?$", c.detail), c.detail
        assert ("does not hold" in c.detail) is (not c.passed)


def _cited_sources(name: str) -> set[str]:
    """Source ids the file cites: figures' sources, literal sources, check sources, figures in derive."""
    reg = registry()
    data = load_yaml(SCENARIOS / f"{name}.yaml")
    cited: set[str] = set()

    def from_inputs(inputs):
        for spec in (inputs or {}).values():
            if "figure" in spec:
                cited.update(reg.figure_sources(spec["figure"]))
            elif isinstance(spec.get("source"), str):
                cited.add(spec["source"])

    from_inputs(data.get("inputs"))
    for v in (data.get("variants") or {}).values():
        from_inputs(v.get("inputs"))
    for spec in (data.get("derive") or {}).values():
        text = spec["expr"] if isinstance(spec, dict) else spec
        for ident in re.findall(r"[a-z_][a-z0-9_]*", text):
            if ident in reg.figures:
                cited.update(reg.figure_sources(ident))
    for chk in data.get("checks") or []:
        cited.add(chk["source"])
    return cited - {"assumption"}


@pytest.mark.parametrize("name", SHIPPED)
def test_sources_include_every_document_the_scenario_cites(name):
    r = run(name)
    reported = set(r.source_ids())
    cited = _cited_sources(name)
    assert CITES_DOCS[name] <= cited, "the scenario cites its source documents"
    assert cited <= reported, f"cited but not reported: {cited - reported}"
    assert CITES_DOCS[name] <= set(r.sources())
    # and the reported ones resolve to publications with a date (or 'unknown')
    for sid, info in r.sources().items():
        if sid != "assumption":
            assert info["date"], sid


def test_same_seed_same_numbers_and_another_seed_differs():
    # nvidia-1gw ships with samples: 2000, seed: 1.
    sc = calc.load(SCENARIOS / "nvidia-1gw.yaml")
    assert (sc.samples, sc.seed) == (2000, 1)
    a, b = sc.run(), sc.run()
    c = sc.run(seed=2)
    for q in ("chips", "capex", "cost_per_year"):
        da, db, dc = (np.asarray(x[q].magnitude) for x in (a, b, c))
        assert da.size == 3 * 2000                    # 3 variants x 2,000 samples
        assert np.array_equal(da, db)
        assert not np.array_equal(da, dc)
        assert np.array_equal(a.table()["p50"], b.table()["p50"])
    assert [x.probability for x in a.checks] == [x.probability for x in b.checks]
    # the central column is the all-central evaluation whatever the seed
    assert np.array_equal(a.central["chips"], c.central["chips"])
    # superchip: 200,000 within 25 % of the sampled chips in about two thirds of draws
    p = next(x.probability for x in a.checks if x.variant == "base" and x.that == "chips")
    assert 0.5 < p < 0.8


# ---------------------------------------------------------------------------------------------
# nvidia-1gw: "1 GW holds 200,000 GB200"
# ---------------------------------------------------------------------------------------------
def test_nvidia_1gw_numbers():
    r = run("nvidia-1gw", samples=0)
    # superchip: gb200_superchip_it_power 120,000 / 36 = 3,333.33 W x PUE 1.2409674 = 4,136.558 W
    ppc = 120e3 / 36 * PUE
    assert val(r, "power_per_chip", "W/chip", "base") == pytest.approx(4136.558, rel=1e-6)
    # chips = 1e9 W / 4,136.558 W/chip = 241,746.9
    chips = 1e9 / ppc
    assert val(r, "chips", "chip", "base") == pytest.approx(241_746.9, rel=1e-6)
    assert chips == pytest.approx(241_746.9, rel=1e-6)
    # per GPU in GB200: 1e9 / (1,666.7 x 1.2409674 = 2,068.320) = 483,484
    assert val(r, "chips", "chip", "per-gpu") == pytest.approx(1e9 / (1666.7 * PUE), rel=1e-9)
    assert val(r, "chips", "chip", "per-gpu") == pytest.approx(483_484, rel=1e-5)
    # HGX B200: 1e9 / (1,787.5 x 1.2409674 = 2,218.229) = 450,810
    assert val(r, "chips", "chip", "hgx-b200") == pytest.approx(450_810, rel=1e-5)
    # capex = chips x 83,333 USD (gb200_superchip_capex) + 1e9 W x 11.3137 USD/W
    #       = 2.014578e10 + 1.131371e10 = 3.145949e10 USD
    capex = chips * 83_333 + 1e9 * FAC_CAPEX
    assert val(r, "capex", "USD", "base") == pytest.approx(capex, rel=1e-9)
    assert capex == pytest.approx(3.14594e10, rel=1e-5)
    # per GPU: 483,484 x 41,667 + 1.131371e10 -- the same money, counted per GPU
    assert val(r, "capex", "USD", "per-gpu") == pytest.approx(val(r, "capex", "USD", "base"), rel=1e-4)
    # peak = 241,746.9 x 5,000 TFLOP/s (2 x 2,500 dense BF16) = 1.208747e21 FLOP/s; same per GPU
    assert val(r, "peak_compute", "FLOP/s", "base") == pytest.approx(chips * 5e15, rel=1e-9)
    assert val(r, "peak_compute", "FLOP/s", "per-gpu") == pytest.approx(1.208747e21, rel=1e-4)
    # compute/yr = 1.208747e21 x MFU 0.3968627 x 31,557,600 s = 1.513838e28 FLOP/yr
    assert val(r, "compute_per_year", "FLOP/yr", "base") == pytest.approx(chips * 5e15 * MFU * YEAR_S, rel=1e-9)
    # energy = 1 GW x 0.7348469 x 8,766 h = 6.441668 TWh/yr; x 80.6 USD/MWh = 5.191985e8 USD/yr
    energy_mwh = 1e3 * LOAD * YEAR_H
    assert val(r, "energy_per_year", "TWh/yr", "base") == pytest.approx(6.441668, rel=1e-6)
    assert val(r, "energy_cost_per_year", "USD/yr", "base") == pytest.approx(energy_mwh * PRICE, rel=1e-9)
    # cost/yr = 2.014578e10 / 4.8989795 + 1.131371e10 / 19.3649167 + 5.191985e8
    #         = 4.112246e9 + 5.842369e8 + 5.191985e8 = 5.215681e9 USD/yr
    cost = chips * 83_333 / IT_LIFE + 1e9 * FAC_CAPEX / FAC_LIFE + energy_mwh * PRICE
    assert val(r, "cost_per_year", "USD/yr", "base") == pytest.approx(cost, rel=1e-9)
    assert cost == pytest.approx(5.2157e9, rel=1e-3)
    # the claim: 1 GW / 200,000 = 5,000 W/chip; over 3,333.33 W IT -> PUE 1.5;
    # per GPU 5,000/1,666.7 = 2.99994
    assert val(r, "implied_power_per_chip", "W/chip", "base") == pytest.approx(5000, rel=1e-12)
    assert val(r, "implied_pue", "", "base") == pytest.approx(1.5, rel=1e-9)
    assert val(r, "implied_pue", "", "per-gpu") == pytest.approx(2.99994, rel=1e-6)
    assert val(r, "implied_pue", "", "hgx-b200") == pytest.approx(5000 / 1787.5, rel=1e-9)   # 2.797


def test_nvidia_1gw_checks_superchip_holds_per_gpu_does_not():
    expect_verdicts(run("nvidia-1gw", samples=0), {
        "A 1 GW compute cluster can hold 200,000": {"base": True, "per-gpu": False, "hgx-b200": False},
        "1 GW / 200,000 GB200 = 5 kW": {"base": True, "per-gpu": False, "hgx-b200": False},
    })
    r = run("nvidia-1gw", samples=0)
    base = next(c for c in r.checks if c.variant == "base" and c.that == "chips")
    assert base.expected == "near 200,000 chip (within 25 %)"
    assert base.value == pytest.approx(241_746.9, rel=1e-6)


def test_nvidia_1gw_explain_names_the_figures():
    text = run("nvidia-1gw", samples=0).explain("chips")
    assert "facility_power / power_per_chip" in text
    assert "anthropic_nvidia_compute_commitment" in text
    assert "gb200_superchip_it_power" in text
    assert "241,747" in text


# ---------------------------------------------------------------------------------------------
# rainier: 2.2 GW vs "hundreds of thousands" of Trainium2
# ---------------------------------------------------------------------------------------------
def test_rainier_numbers():
    r = run("rainier")
    # trainium2_power_per_chip_all_in 1,070 W x 1.2409674 = 1,327.835 W; 2.2e9 / 1,327.835 = 1,656,832 chips
    assert val(r, "power_per_chip", "W/chip", "base") == pytest.approx(1070 * PUE, rel=1e-9)
    assert val(r, "chips", "chip", "base") == pytest.approx(1_656_832, rel=1e-6)
    # no PUE on top: 2.2e9 / 1,070 = 2,056,075 chips
    assert val(r, "chips", "chip", "no-pue") == pytest.approx(2.2e9 / 1070, rel=1e-9)
    assert val(r, "chips", "chip", "no-pue") == pytest.approx(2_056_075, rel=1e-6)
    # peak = 1,656,832 x 667e12 = 1.105107e21 FLOP/s (dense BF16; 667 per the current AWS Neuron docs,
    # corrected from the superseded 655, which gave 1.085225e21)
    assert val(r, "peak_compute", "FLOP/s", "base") == pytest.approx(1.105107e21, rel=1e-6)
    # capex = 2.2 GW x 29e9 USD/GW (Epoch) = 6.38e10; Bernstein 2.2 x 35e9 = 7.7e10
    assert val(r, "capex", "USD", "base") == pytest.approx(6.38e10, rel=1e-12)
    assert val(r, "capex", "USD", "bernstein-capex") == pytest.approx(7.7e10, rel=1e-12)
    # the claim's chips at the geometric mean of [200k, 1M] = 447,213.6: 2.2e9 / 447,213.6 = 4,919.35 W/chip
    assert val(r, "implied_power_per_chip", "W/chip", "base") == pytest.approx(2.2e9 / math.sqrt(2e11), rel=1e-9)
    assert val(r, "implied_power_per_chip", "kW/chip", "base") == pytest.approx(4.91935, rel=1e-5)
    # they would need only 447,213.6 x 1,327.835 W = 0.5938 GW; AWS's 1M target 1.3278 GW
    assert val(r, "power_for_claimed_chips", "GW", "base") == pytest.approx(0.593826, rel=1e-5)
    assert val(r, "power_for_1m_chip_target", "GW", "base") == pytest.approx(1.327835, rel=1e-6)
    # $11B / 2.2 GW = 5 USD/W
    assert val(r, "campus_investment_per_power", "USD/W", "base") == pytest.approx(5.0, rel=1e-12)


def test_rainier_checks_2_2_gw_is_the_campus_not_the_cluster():
    expect_verdicts(run("rainier"), {
        "Project Rainier: a compute cluster with hundreds of thousands":
            {"base": False, "no-pue": False, "bernstein-capex": False},
        "a data-centre project in Indiana that accounts for 2.2 gigawatts":
            {"base": False, "no-pue": False, "bernstein-capex": False},
        "AWS expects Anthropic on more than 1 million Trainium2":
            {"base": True, "no-pue": True, "bernstein-capex": True},
        "AWS's $11bn Indiana data centre":
            {"base": False, "no-pue": False, "bernstein-capex": False},
    })


# ---------------------------------------------------------------------------------------------
# google-tpu-1gw: "hundreds of billions" for 1 GW
# ---------------------------------------------------------------------------------------------
def test_google_tpu_1gw_numbers():
    r = run("google-tpu-1gw")
    # tpu_v7_it_power_per_chip 1,085 W x 1.2409674 = 1,346.450 W; 1e9 / 1,346.450 = 742,694 chips
    chips = 1e9 / (1085 * PUE)
    assert val(r, "chips", "chip") == pytest.approx(chips, rel=1e-9)
    assert chips == pytest.approx(742_694, rel=1e-6)
    # peak = 742,694 x 2,307e12 = 1.713395e21 FLOP/s (dense BF16)
    assert val(r, "peak_compute", "FLOP/s") == pytest.approx(1.713395e21, rel=1e-6)
    # capex = 742,694 x sqrt(15,000 x 40,000) = 24,494.9 USD (assumption) + 1e9 x 11.3137
    #       = 1.819215e10 + 1.131371e10 = 2.950586e10 USD, i.e. 29.5 billion per GW
    capex = chips * math.sqrt(15_000 * 40_000) + 1e9 * FAC_CAPEX
    assert val(r, "capex", "USD") == pytest.approx(capex, rel=1e-9)
    assert val(r, "capex_per_power", "USD/GW") == pytest.approx(2.9506e10, rel=1e-4)
    # the claim: sqrt(200e9 x 1e12) = 4.472136e11 USD per GW; / 29e9 = 15.42; / 35e9 = 12.78; / 50e9 = 8.944
    assert val(r, "claim_value_per_power", "USD/GW") == pytest.approx(math.sqrt(2e23), rel=1e-9)
    assert val(r, "claim_vs_epoch", "") == pytest.approx(4.472136e11 / 29e9, rel=1e-6)
    assert val(r, "claim_vs_bernstein", "") == pytest.approx(12.7775, rel=1e-4)
    assert val(r, "claim_vs_nvidia", "") == pytest.approx(8.944272, rel=1e-6)
    # 4.472136e11 / 2.950586e10 USD/GW = 15.16 GW
    assert val(r, "claim_gw_equivalent", "GW") == pytest.approx(4.472136e11 / capex, rel=1e-6)


def test_google_tpu_1gw_checks_hundreds_of_billions_does_not_fit():
    expect_verdicts(run("google-tpu-1gw"), {
        "Hundreds of billions of US dollars in 1 GW": {"base": False},
        "Even the highest published cost per GW": {"base": False},
        "Google, Anthropic agree to cloud deal worth tens of billions": {"base": True},
        "AI data centers require typically $29B": {"base": True},
        "all-in AI datacenter capex of $35B": {"base": True},
        "a 1 GW data center needs about $35B of NVIDIA hardware": {"base": False},
    })
    claim = next(c for c in run("google-tpu-1gw").checks if c.says.startswith("Hundreds"))
    assert claim.value == pytest.approx(15.157, rel=1e-3)     # 4.472e11 / 2.951e10


# ---------------------------------------------------------------------------------------------
# anthropic-arr: $1B (Jan) -> $5B (Aug 2025)
# ---------------------------------------------------------------------------------------------
def test_anthropic_arr_numbers():
    r = run("anthropic-arr")
    pt = {"arr_horizon": "4 month"}
    # g = 5^(1/7) - 1 = 0.2584990 per month
    g = 5 ** (1 / 7) - 1
    assert val(r, "arr_growth_per_month", "", "base", pt) == pytest.approx(0.2584990, rel=1e-6)
    # annual multiple (1 + g)^12 = 5^(12/7) = 15.78463
    assert val(r, "arr_growth_per_year", "", "base", pt) == pytest.approx(15.78463, rel=1e-6)
    # doubling = ln 2 / ln(1 + g) = 7 ln 2 / ln 5 = 3.014736 month
    assert val(r, "arr_doubling_time", "month", "base", pt) == pytest.approx(7 * math.log(2) / math.log(5), rel=1e-9)
    assert val(r, "arr_doubling_time", "month", "base", pt) == pytest.approx(3.014736, rel=1e-6)
    # constant growth: 5e9 x 5^(T/7): T = 4 -> 1.254242e10; 10 -> 4.983088e10; 16 -> 1.979775e11 USD/yr
    for months, expected in ((4, 1.254242e10), (10, 4.983088e10), (16, 1.979775e11)):
        got = val(r, "arr_projected", "USD/yr", "base", {"arr_horizon": f"{months} month"})
        assert got == pytest.approx(5e9 * 5 ** (months / 7), rel=1e-9)
        assert got == pytest.approx(expected, rel=1e-6)
    # decaying, half-life h = sqrt(6 x 18) = 10.3923 month:
    # 5e9 x exp(ln5/7 x h/ln2 x (1 - 2^(-T/h))); T = 16: exp(0.229920 x 9.83734) = 9.6065 -> 4.798e10
    h = math.sqrt(6 * 18)
    for months in (4, 10, 16):
        expected = 5e9 * math.exp(math.log(5) / 7 * h / math.log(2) * (1 - 2 ** (-months / h)))
        got = val(r, "arr_projected", "USD/yr", "decaying", {"arr_horizon": f"{months} month"})
        assert got == pytest.approx(expected, rel=1e-9)
        assert got < 5e9 * 5 ** (months / 7)          # below constant growth
    assert val(r, "arr_projected", "USD/yr", "decaying", {"arr_horizon": "16 month"}) == pytest.approx(4.7983e10, rel=1e-4)
    # October 2025 at constant growth: 5e9 x 5^(2/7) = 7.919098e9; December 2026: 5e9 x 5^(16/7)
    assert val(r, "arr_2025_10_constant_growth", "USD/yr", "base", pt) == pytest.approx(5e9 * (1 + g) ** 2, rel=1e-9)
    assert val(r, "arr_2025_10_constant_growth", "USD/yr", "base", pt) == pytest.approx(7.919098e9, rel=1e-6)
    # growth to the 2026 target: (sqrt(20 x 26) / 5)^(1/16) - 1 = (22.8035 / 5)^(1/16) - 1 = 0.0994854
    assert val(r, "growth_to_2026_target", "", "base", pt) == pytest.approx((math.sqrt(520) / 5) ** (1 / 16) - 1, rel=1e-9)
    assert val(r, "growth_to_2026_target", "", "base", pt) == pytest.approx(0.0994854, rel=1e-5)


def test_anthropic_arr_checks():
    r = run("anthropic-arr")
    expect_verdicts(r, {
        "5 billion in August, an increase of 400 %": {"base": True, "decaying": True},
        "a 7 billion USD revenue run rate": {"base": True, "decaying": True},
        "targeting 20 to 26 billion USD in 2026": {"base": False, "decaying": False},
    })
    c = next(c for c in r.checks if c.says.startswith("5 billion"))
    assert c.value == pytest.approx(4.0, rel=1e-12)            # 5 / 1 - 1
    assert len(r.checks) == 3 * 2 * 3                           # checks x variants x sweep points


# ---------------------------------------------------------------------------------------------
# commitments: $38B over 7 years, and the gigawatt deals in the same units
# ---------------------------------------------------------------------------------------------
def test_commitments_numbers():
    r = run("commitments")
    # 38e9 USD / 7 yr = 5.428571e9 USD/yr; / 20e9 USD/yr (OpenAI end-2025 run-rate) = 0.2714286
    assert val(r, "commitment_per_year", "USD/yr") == pytest.approx(38e9 / 7, rel=1e-12)
    assert val(r, "commitment_per_year", "USD/yr") == pytest.approx(5.428571e9, rel=1e-6)
    assert val(r, "commitment_share_of_arr", "") == pytest.approx(38 / 7 / 20, rel=1e-12)
    # a reference GW of GB200 superchips: the same chain as nvidia-1gw's base
    chips = 1e9 / (120e3 / 36 * PUE)
    capex = chips * 83_333 + 1e9 * FAC_CAPEX                                  # 3.145949e10 USD
    cost = chips * 83_333 / IT_LIFE + 1e9 * FAC_CAPEX / FAC_LIFE + 1e3 * LOAD * YEAR_H * PRICE
    assert val(r, "capex_per_power", "USD/GW") == pytest.approx(capex, rel=1e-9)
    assert val(r, "cost_per_year_per_power", "USD/yr/GW") == pytest.approx(cost, rel=1e-9)
    # straight-line reading (before issue 14): 5.428571e9 / 5.2157e9 per GW = 1.0408 GW
    assert val(r, "aws_openai_gw_at_straight_line_cost", "GW") == pytest.approx(38e9 / 7 / cost, rel=1e-9)
    assert val(r, "aws_openai_gw_at_straight_line_cost", "GW") == pytest.approx(1.0408, rel=1e-4)
    # owner's cost: capital charge at 9.874 %/yr (sqrt(6.5 x 15) %), opex 0.7416 %/yr (sqrt(0.5 x 1.1) %)
    rate, opex = math.sqrt(0.065 * 0.15), math.sqrt(0.005 * 0.011)
    crf = lambda n: rate / (1 - (1 + rate) ** -n)                               # noqa: E731
    energy = 1e3 * LOAD * YEAR_H * PRICE                                       # 5.1916e8 USD/yr
    tco = chips * 83_333 * crf(IT_LIFE) + 1e9 * FAC_CAPEX * crf(FAC_LIFE) + capex * opex + energy
    assert val(r, "tco_per_year_per_power", "USD/GW/yr") == pytest.approx(tco, rel=1e-9)
    assert val(r, "tco_per_year_per_power", "USD/GW/yr") == pytest.approx(7.47e9, rel=2e-3)
    assert val(r, "opex_per_year", "USD/yr") == pytest.approx(capex * opex, rel=1e-9)    # 2.333e8
    # $38B over 7 years: 5.428571e9 / 7.47e9 = 0.727 GW at owner's cost; / 15.49e9 (sqrt(12 x 20)
    # billion, rental_price_per_gw_range) = 0.3505 GW at rental; / 17.22e9 (HSBC) = 0.3152 GW
    assert val(r, "commitment_power_at_cost", "GW") == pytest.approx(38e9 / 7 / tco, rel=1e-9)
    assert val(r, "commitment_power_at_rental", "GW") == pytest.approx(38e9 / 7 / math.sqrt(240e18), rel=1e-9)
    assert val(r, "aws_openai_gw_at_hsbc_rental_price", "GW") == pytest.approx(38e9 / 7 / (620e9 / 36), rel=1e-4)
    # Epoch: 8.5e6 USD per IT MW-year x 1000 MW/GW / PUE 1.2409674 = 6.8495e9 USD per facility GW-year
    assert val(r, "epoch_tco_per_facility_gw", "USD/GW/yr") == pytest.approx(8.5e9 / PUE, rel=1e-9)
    # vs Anthropic's August run-rate: 5.428571 / 5 = 1.085714
    assert val(r, "aws_openai_per_year_vs_anthropic_arr_2025_08", "") == pytest.approx(1.085714, rel=1e-6)
    # NVIDIA: at least 1 GW x 3.1459e10 USD/GW
    assert val(r, "nvidia_deal_capex", "USD") == pytest.approx(capex, rel=1e-9)
    # Google claim: 4.472136e11 / 3.145949e10 = 14.2156 GW; CNBC 4.472136e10 / ... = 1.42156 GW
    assert val(r, "google_tpu_claim_gw_equivalent", "GW") == pytest.approx(math.sqrt(2e23) / capex, rel=1e-9)
    assert val(r, "google_tpu_cnbc_gw_equivalent", "GW") == pytest.approx(1.42156, rel=1e-4)
    # OpenAI pledges: 600e9 / 3.145949e10 = 19.072 GW; at 1.4e12 / 30 GW = 46.67e9: 600 / 46.67 = 12.857 GW
    assert val(r, "openai_pledges_gw_equivalent", "GW") == pytest.approx(600e9 / capex, rel=1e-9)
    assert val(r, "openai_pledges_gw_at_openai_rate", "GW") == pytest.approx(12.857, rel=1e-3)
    # 600e9 / 8 yr / 20e9 per yr = 3.75
    assert val(r, "openai_pledges_per_year_share_of_arr", "") == pytest.approx(3.75, rel=1e-12)


def test_commitments_checks():
    every = lambda v: {"base": v, "hyperscale": v, "neocloud": v}        # noqa: E731
    expect_verdicts(run("commitments"), {
        "AWS-OpenAI: a minimum value of 38 billion": every(True),
        "almost 600 billion (in) compute pledges (OpenAI)": every(False),
        "OpenAI aims to invest as much as $1.4 trillion": every(True),
        "almost 600 billion (in) compute pledges, within": every(True),
        "Hundreds of billions of US dollars in 1 GW": every(False),
        "The updated annual total cost of ownership is $8.5 million/MW": every(True),
        "OpenAI is heading for a data centre rental bill": every(True),
    })


def test_commitments_variants_take_either_end_of_the_cost_of_capital():
    r = run("commitments")
    chips = 1e9 / (120e3 / 36 * PUE)
    it, fac = chips * 83_333, 1e9 * FAC_CAPEX
    other = (it + fac) * math.sqrt(0.005 * 0.011) + 1e3 * LOAD * YEAR_H * PRICE     # opex + energy
    for variant, rate in (("hyperscale", 0.0658), ("neocloud", math.sqrt(0.10 * 0.17))):   # 6.58 %, 13.04 %
        crf = lambda n: rate / (1 - (1 + rate) ** -n)                              # noqa: E731
        tco = it * crf(IT_LIFE) + fac * crf(FAC_LIFE) + other
        assert val(r, "tco_per_year_per_power", "USD/GW/yr", variant) == pytest.approx(tco, rel=1e-9)
    # hyperscale 6.75e9 is 0.985x Epoch's 6.85e9 per facility GW; neocloud 8.20e9 is 1.197x
    assert val(r, "tco_per_year_per_power", "USD/GW/yr", "hyperscale") == pytest.approx(6.75e9, rel=2e-3)
    assert val(r, "tco_per_year_per_power", "USD/GW/yr", "neocloud") == pytest.approx(8.20e9, rel=2e-3)


# ---------------------------------------------------------------------------------------------
# funding: the ledger
# ---------------------------------------------------------------------------------------------
def test_funding_numbers():
    r = run("funding")
    # Amazon 8 / capital raised 31.2 = 0.2564103
    assert val(r, "investor_share_of_capital", "") == pytest.approx(8 / 31.2, rel=1e-12)
    assert val(r, "investor_share_of_capital", "") == pytest.approx(0.2564103, rel=1e-6)
    # valuation 350 / 183 = 1.912568
    assert val(r, "valuation_step_up", "") == pytest.approx(1.912568, rel=1e-6)
    # 4 + 4 = 8; 1.25 + 2.75 = 4; 0.5 + 1.5 = 2; 10 + 5 = 15 billion USD
    assert val(r, "amazon_total", "USD") == pytest.approx(8e9, rel=1e-12)
    assert val(r, "amazon_2023_up_to", "USD") == pytest.approx(4e9, rel=1e-12)
    assert val(r, "google_2023_total", "USD") == pytest.approx(2e9, rel=1e-12)
    assert val(r, "nvidia_microsoft_pledges", "USD") == pytest.approx(15e9, rel=1e-12)
    # 8 / 25 % = 32 billion: "more than 25 %" needs capital raised below 32 billion
    assert val(r, "capital_raised_for_25_percent", "USD") == pytest.approx(32e9, rel=1e-12)
    # one third (0.333333) x 31.2 - 8 = 10.39999 - 8 = 2.39999 billion
    assert val(r, "amazon_room_under_one_third", "USD") == pytest.approx(0.333333 * 31.2e9 - 8e9, rel=1e-9)
    # 350 / 5 = 70x since May 2023; 350 / (5 per yr x 1 yr) = 70x the August run-rate
    assert val(r, "valuation_multiple_since_2023_05", "") == pytest.approx(70, rel=1e-12)
    assert val(r, "valuation_after_per_arr_2025_08", "") == pytest.approx(70, rel=1e-12)


def test_funding_checks():
    r = run("funding")
    expect_verdicts(r, {
        "Amazon holds more than 25 %": {"base": True},
        "Amazon may invest more without going above the limit of one-third": {"base": True},
        "Amazon: up to four billion dollars": {"base": True},
        "Amazon invested 4 billion US dollars in September 2023": {"base": False},
        "This raises Amazon's total investment to eight billion": {"base": True},
        "Google invested 2 billion": {"base": True},
        "Google, which invested more than 3 billion": {"base": True},
        "Investment pledges of 15 billion": {"base": True},
    })
    first = next(c for c in r.checks if c.says.startswith("Amazon invested 4 billion"))
    assert first.value == pytest.approx(0.3125, rel=1e-12)     # 1.25 / 4
    share = next(c for c in r.checks if c.says.startswith("Amazon holds"))
    assert share.expected == "above 25 %"


def test_anthropic_arr_shows_the_growth_to_target_as_a_monthly_rate():
    # 0.0994854 a month, shown as the growth inputs are: 9.95 %
    out = calc_cli("run", "anthropic-arr", "--samples", "0").stdout
    assert any(ln.startswith("growth_to_2026_target [%]") and ln.split()[2] == "9.95"
               for ln in out.splitlines())
