"""Cost of a gigawatt-year: capital recovery, owner's cost (TCO), rental price, and their sources.

Every expected number below is derived by hand, the arithmetic in a comment beside it.
"""

from __future__ import annotations

import numpy as np
import pytest

from calc.registry import Registry
from calc.units import Q, format_unit


@pytest.fixture(scope="module")
def reg() -> Registry:
    return Registry.load()


# -- HSBC's model of OpenAI's contracts -----------------------------------------------------------
def test_hsbc_figures_and_their_rental_price_per_gw(reg):
    power = reg.figure("hsbc_openai_contracted_power")
    assert (power.value, power.source, power.as_of) == (Q("36 GW"), "ft-hsbc-openai-207bn", "2025-11")
    assert reg.figure("hsbc_openai_cumulative_deal_value").value.to("USD").magnitude == pytest.approx(1.8e12)
    assert reg.figure("hsbc_openai_cumulative_deal_value").qualifier == "up_to"
    assert reg.figure("hsbc_openai_rental_per_year").value.to("USD/yr").magnitude == pytest.approx(6.2e11)
    gap = reg.figure("hsbc_openai_funding_gap_2030")
    assert (gap.value.to("USD").magnitude, gap.source) == (pytest.approx(2.07e11), "register-hsbc-openai-207b")
    assert "$207 billion of new financing by 2030" in gap.quote
    # 620 billion USD/yr / 36 GW = 17.222 billion USD per GW-year
    rent = reg.figure("hsbc_openai_rental_price_per_gw")
    assert rent.quantity == "rental_price_per_power"
    assert rent.value.to("USD/GW/yr").magnitude == pytest.approx(17.22e9, rel=1e-3)
    assert reg.source("register-hsbc-openai-207b").date == "2025-11-26"


def test_hsbc_model_inputs_as_quoted(reg):
    """HSBC's late-November 2025 inputs (issue 22, item 5), each from a page read."""
    def usd(fid):
        return reg.figure(fid).value.to("USD").magnitude

    online = reg.figure("hsbc_openai_share_online_2030")
    # "only a third" read as 30-37 %: 10.8-13.3 GW of the 36 GW
    assert (online.qualifier, online.quantity) == ("range", "share")
    assert (online.low.to("").m, online.high.to("").m) == (pytest.approx(0.30), pytest.approx(0.37))
    assert "only a third of the contracted power" in online.quote
    assert usd("hsbc_openai_infrastructure_costs_2025_2030") == pytest.approx(792e9)
    assert usd("hsbc_openai_revenue_2030") == pytest.approx(213e9)
    assert reg.figure("hsbc_openai_revenue_2030").qualifier == "more_than"
    assert reg.figure("hsbc_openai_users_2030").value.to("").m == pytest.approx(3e9)
    assert reg.figure("hsbc_openai_paying_share_2030").value.to("").m == pytest.approx(0.10)
    assert reg.figure("hsbc_llm_digital_ad_share_2030").value.to("").m == pytest.approx(0.02)
    fcf = reg.figure("hsbc_openai_free_cash_flow_2025_2030")
    assert (usd(fcf.id), fcf.confidence) == (pytest.approx(282e9), "V-weak")
    assert usd("hsbc_openai_other_sources_2030") == pytest.approx(50e9)
    assert reg.source(fcf.source).date == "2025-11-23"
    # the published pieces do not close: 792 - 282 - 50 - 207 = 253 billion USD, the residual
    # the note names for a balancing assumption
    residual = (usd("hsbc_openai_infrastructure_costs_2025_2030") - usd(fcf.id)
                - usd("hsbc_openai_other_sources_2030") - usd("hsbc_openai_funding_gap_2030"))
    assert residual == pytest.approx(253e9)
    assert "253 billion USD" in fcf.note


# -- the capital recovery factor ------------------------------------------------------------------
def test_crf_10_percent_5_and_20_years():
    from calc.models import capital_recovery_factor as crf
    # 1.1^5 = 1.61051; 1 - 1/1.61051 = 0.3790787; 0.1 / 0.3790787 = 0.2637975
    assert crf(Q("10 %/yr"), Q("5 yr")).to("1/yr").m == pytest.approx(0.263797, abs=5e-7)
    # 1.1^20 = 6.7275; 1 - 1/6.7275 = 0.8513564; 0.1 / 0.8513564 = 0.1174596
    assert crf(Q("0.1/yr"), Q("20 yr")).to("1/yr").m == pytest.approx(0.117460, abs=5e-7)
    # vectorised: both at once, and r = 0 gives 1/N = 0.2 and 0.05
    out = crf(Q(np.array([0.1, 0.1, 0.0, 0.0]), "1/yr"), Q(np.array([5, 20, 5, 20]), "yr")).to("1/yr").m
    assert out == pytest.approx([0.2637975, 0.1174596, 0.2, 0.05], abs=5e-8)
    # continuous at r = 0: to first order crf = 1/N + r (N + 1) / (2N); at r = 1e-9, N = 5:
    # 0.2 + 1e-9 x 6 / 10 = 0.2 + 6e-10 (no cancellation error)
    assert crf(Q(1e-9, "1/yr"), Q("5 yr")).m == pytest.approx(0.2 + 6e-10, rel=1e-12)


def test_capital_charge_at_zero_rate_is_straight_line_depreciation():
    import calc.models as m
    args = dict(it_capex="$20B", it_lifetime="5 yr", facility_capex="$10B", facility_lifetime="20 yr")
    # 20e9 / 5 + 10e9 / 20 = 4.0e9 + 0.5e9 = 4.5e9 USD/yr
    zero = m.capital_charge_per_year(**args, cost_of_capital="0 %/yr")
    assert zero.to("USD/yr").m == pytest.approx(4.5e9, rel=1e-12)
    assert zero.to("USD/yr").m == pytest.approx(m.depreciation_per_year(**args).to("USD/yr").m, rel=1e-12)
    # at 10 %/yr: 20e9 x 0.2637975 + 10e9 x 0.1174596 = 5.275950e9 + 1.174596e9 = 6.450546e9 USD/yr
    ten = m.capital_charge_per_year(**args, cost_of_capital="10 %/yr")
    assert ten.to("USD/yr").m == pytest.approx(6.450546e9, rel=1e-6)


def _tco_of_one_gw():
    """A 1 GW site: 400k chips x $50k = $20B IT over 5 yr, $10/W x 1 GW = $10B facility over 20 yr,
    10 %/yr cost of capital, 1 %/yr opex, load factor 0.8 at 80 USD/MWh."""
    import calc.models as m
    it = m.it_capex(chips="400k chip", chip_capex="$50,000/chip")
    fac = m.facility_capex(facility_power="1 GW", facility_capex_per_power="10 USD/W")
    charge = m.capital_charge_per_year(it_capex=it, it_lifetime="5 yr", facility_capex=fac,
                                       facility_lifetime="20 yr", cost_of_capital="10 %/yr")
    opex = m.opex_per_year(capex=m.capex(it_capex=it, facility_capex=fac), opex_rate="1 %/yr")
    energy = m.energy_cost_per_year(energy_per_year=m.energy_per_year(facility_power="1 GW", load_factor=0.8),
                                    electricity_price="80 USD/MWh")
    tco = m.tco_per_year(capital_charge_per_year=charge, opex_per_year=opex, energy_cost_per_year=energy)
    return m.tco_per_year_per_power(tco_per_year=tco, facility_power="1 GW"), opex, energy


def test_tco_with_energy():
    per_gw, opex, energy = _tco_of_one_gw()
    # opex: 30e9 USD x 0.01/yr = 3.0e8 USD/yr
    assert opex.to("USD/yr").m == pytest.approx(3.0e8, rel=1e-12)
    # energy: 1 GW x 0.8 x 8,766 h = 7.0128 TWh; x 80 USD/MWh = 5.61024e8 USD/yr
    assert energy.to("USD/yr").m == pytest.approx(5.61024e8, rel=1e-12)
    # TCO: 6.450546e9 + 3.0e8 + 5.61024e8 = 7.311570e9 USD/yr, over 1 GW
    assert per_gw.to("USD/GW/yr").m == pytest.approx(7.311570e9, rel=1e-6)
    assert format_unit(per_gw.units) == "USD/GW/yr"


def test_rental_against_tco_for_the_aws_openai_deal():
    import calc.models as m
    per_gw, _, _ = _tco_of_one_gw()
    cpy = m.commitment_per_year(commitment="$38B", commitment_term="7 yr")      # 5.428571e9 USD/yr
    rent = Q(620e9 / 36, "USD/GW/yr")                                            # HSBC: 17.2222e9
    at_cost = m.commitment_power_at_cost(commitment_per_year=cpy, tco_per_year_per_power=per_gw)
    at_rent = m.commitment_power_at_rental(commitment_per_year=cpy, rental_price_per_power=rent)
    # 5.428571e9 / 7.311570e9 = 0.742463 GW at owner's cost; / 17.2222e9 = 0.315207 GW at rental
    assert at_cost.to("GW").m == pytest.approx(0.742463, rel=1e-5)
    assert at_rent.to("GW").m == pytest.approx(0.315207, rel=1e-5)
    # the rental reading buys 7.311570 / 17.2222 = 0.42454 of the owner's-cost reading
    assert (at_rent / at_cost).to("").m == pytest.approx(0.42454, rel=1e-4)
    # rental_price_per_power from a chip-hour price: 400k x 2 USD/h x 8,766 h = 7.0128e9 per GW-year
    r = m.rental_price_per_power(rental_cost_per_year=m.rental_cost_per_year(chips="400k chip",
                                                                             chip_hour_price="2 USD/chip/hour"),
                                 facility_power="1 GW")
    assert r.to("USD/GW/yr").m == pytest.approx(7.0128e9, rel=1e-12)


# -- bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "message"), [
    (("-1 %/yr", "5 yr"), "cost_of_capital = -1 %/yr is out of bounds: cost_of_capital is between 0 and 1/yr"),
    (("150 %/yr", "5 yr"), "cost_of_capital = 150 %/yr is out of bounds: cost_of_capital is between 0 and 1/yr"),
    (("10 %/yr", "0 yr"), "it_lifetime = 0 yr is out of bounds: it_lifetime is above 0 yr"),
    (("10 %/yr", "5 GW"), "capital_recovery_factor(it_lifetime=...): expected time [yr], got power [GW]"),
])
def test_crf_refuses_bad_input(args, message):
    from calc.errors import CalcError
    from calc.models import capital_recovery_factor as crf
    with pytest.raises(CalcError) as err:
        crf(Q(args[0]), Q(args[1]))
    assert message in str(err.value)


@pytest.mark.parametrize(("line", "message"), [
    ('  cost_of_capital: {value: "-1 %/yr", source: assumption, note: t}',
     "inputs.cost_of_capital: cost_of_capital = -1 %/yr is out of bounds: cost_of_capital is between 0 and 1/yr"),
    ('  cost_of_capital: {value: "150 %/yr", source: assumption, note: t}',
     "inputs.cost_of_capital: cost_of_capital = 150 %/yr is out of bounds: cost_of_capital is between 0 and 1/yr"),
    ("  facility_lifetime: {value: 0 yr, source: assumption, note: t}",
     "inputs.facility_lifetime: facility_lifetime = 0 yr is out of bounds: facility_lifetime is above 0 yr"),
])
def test_scenario_with_bad_cost_of_capital_or_lifetime_exits_2(tmp_path, line, message):
    from helpers import calc_cli
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\naccelerator: gb200-superchip\ninputs:\n"
                    "  facility_power: {value: 1 GW, source: assumption, note: t}\n"
                    f"{line}\noutputs: [tco_per_year_per_power]\n")
    r = calc_cli("run", str(path))
    assert r.returncode == 2
    assert f"{path}:5: {message}" in r.stderr
    assert "Traceback" not in r.stderr


def test_rate_written_as_in_design():
    # cost_of_capital written '0.1/yr' or '10 %/yr': both read as 0.1 per year
    assert Q("0.1/yr").to("1/yr").m == pytest.approx(0.1)
    assert Q("10 %/yr").to("1/yr").m == pytest.approx(0.1)


# -- defaults and the published checks ------------------------------------------------------------
def test_defaults_are_the_sourced_ranges(reg):
    assert reg.defaults["cost_of_capital"] == "cost_of_capital_ai_builders"
    c = reg.figure("cost_of_capital_ai_builders")
    assert (c.low.to("1/yr").m, c.high.to("1/yr").m) == (pytest.approx(0.065), pytest.approx(0.15))
    # central: sqrt(6.5 x 15) = 9.8742 %/yr
    assert c.value.to("1/yr").m == pytest.approx(0.098742, rel=1e-4)
    # the two ends' evidence: Hyperion's debt at 6.58 %, GPU loans at 10-17 %
    assert reg.figure("meta_hyperion_debt_yield").value.to("1/yr").m == pytest.approx(0.0658)
    g = reg.figure("gpu_financing_rate_range")
    assert (g.low.to("1/yr").m, g.high.to("1/yr").m, g.confidence) == (pytest.approx(0.10), pytest.approx(0.17), "V-weak")
    # opex: Epoch's (0.9 - 0.6) / 38 = 0.7895 %/yr, the default range 0.5-1.1 %/yr around it
    assert reg.figure("epoch_opex_rate_non_energy").value.to("1/yr").m == pytest.approx(0.3 / 38, rel=1e-3)
    assert reg.defaults["opex_rate"] == "opex_rate_assumption"
    # rental: 2.35 USD/h / 1.5 kW x 1e6 kW/GW x 8,766 h = 13.733e9 USD/GW/yr; the default 12-20 billion
    h = reg.figure("h100_rental_price_per_gw")
    assert h.value.to("USD/GW/yr").m == pytest.approx(2.35 / 1.5 * 1e6 * 8766, rel=1e-3)
    assert reg.defaults["rental_price_per_power"] == "rental_price_per_gw_range"
    # Epoch per facility GW: 8.5e9 / sqrt(1.1 x 1.4) = 8.5e9 / 1.2409674 = 6.8495e9 USD/GW/yr
    assert reg.figure("epoch_tco_per_facility_gw_year").value.to("USD/GW/yr").m == pytest.approx(6.8495e9, rel=1e-3)
    assert reg.source("epoch-ai-dc-cost-breakdown").date == "2026-05-14"


def test_explain_tco_per_gw_shows_capital_opex_and_energy_with_sources():
    from helpers import calc_cli
    r = calc_cli("explain", "commitments", "tco_per_year_per_power")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "tco_per_year = capital_charge_per_year + opex_per_year + energy_cost_per_year = $7.47B/yr" in out
    assert "capital_charge_per_year = it_capex x crf(cost_of_capital, it_lifetime)" in out
    assert "cost_of_capital = 9.874 %/yr  (default, figure cost_of_capital_ai_builders" in out
    assert "opex_per_year = capex x opex_rate = $233M/yr" in out
    assert "opex_rate = 0.7416 %/yr  (default, figure opex_rate_assumption" in out
    assert "electricity_price = $80.60/MWh  (default, figure us_industrial_electricity_price_2023)" in out
    assert "statista-eia-industrial-2023: Statista" in out          # energy's source, quoted
    assert "cost_of_capital_ai_builders: Our assumption. Its two anchors are debt yields" in out
