"""The `hsbc-openai` scenario (README scenario table): HSBC's November 2025 model of OpenAI
restated from its published inputs, pinned to numbers derived by hand (arithmetic in comments).

Inputs (calc/data/reference.yaml):
  hsbc_openai_rental_price_per_gw  = 17.222 billion USD/GW/yr (620 / 36, stored rounded)
  capacity at the end of 2030 (2031-01): 36 GW x [30 %, 37 %] = [10.8, 13.32] GW, a range; its
    central value is the geometric mean sqrt(10.8 x 13.32) = 11.99400 GW
  openai_arr_2025_end = 20 billion USD/yr (A); hsbc_openai_revenue_2030 = 213 billion USD (R)
  compute_share_of_revenue = 282 / 699 = 0.4034 (the scenario's labelled assumption)
  cash = 792 - 282 - 50 - 207 = 253 billion USD (the balancing assumption); raise 50 in 2028
"""

from __future__ import annotations

import math

import pytest

import calc

PRICE = 17.222                              # billion USD/GW/yr, as stored (620 / 36 = 17.2222)
CAP = math.sqrt(10.8 * 13.32)               # 11.99400 GW at the end of 2030, central
SHARE = 0.4034


@pytest.fixture(scope="module")
def res():
    return calc.load("hsbc-openai").run(samples=0)


def bn(res, name, period=None):
    return float(res.value(name, at=period).to("USD").magnitude) / 1e9


def test_rental_spend_is_the_integral_of_a_linear_ramp(res):
    # capacity rises linearly 0 -> CAP over 2025-01..2031-01 (6 years); year k (0..5) averages
    # CAP x (k + 0.5) / 6:  2027 = 17.222 x 11.994 x 2.5 / 6 = 86.067 billion USD
    assert bn(res, "commitment_spend", "2027") == pytest.approx(PRICE * CAP * 2.5 / 6, rel=1e-6)
    # summed 2025-2030: PRICE x CAP x 6 / 2 = 17.222 x 11.994 x 3 = 619.68 (HSBC: 792)
    assert bn(res, "commitment_spend_cumulative", "2030") == pytest.approx(PRICE * CAP * 3,
                                                                          rel=1e-6)
    assert bn(res, "commitment_spend_cumulative", "2030") == pytest.approx(619.68, abs=0.01)


def test_revenue_path_reaches_hsbc_2030_revenue(res):
    # rate 20 through 2025, then linear 20 -> 213 over 2026..2030, held in 2030:
    # 2026 averages 20 + 193 x 0.125 = 44.125; 2029: 20 + 193 x 0.875 = 188.875; 2030: 213
    assert bn(res, "revenue", "2025") == pytest.approx(20.0)
    assert bn(res, "revenue", "2026") == pytest.approx(44.125)
    assert bn(res, "revenue", "2029") == pytest.approx(188.875)
    assert bn(res, "revenue", "2030") == pytest.approx(213.0)
    # summed: 3 x 20 + 3 x 213 = 699; x 0.4034 = 281.98, HSBC's free cash flow of ~282
    assert bn(res, "revenue_cumulative", "2030") == pytest.approx(699.0)


def test_cash_balance_shortfall_and_cash_out(res):
    # end of 2030: 253 + 0.4034 x 699 + 50 - 619.68 = 253 + 281.98 + 50 - 619.68 = -34.71
    end = 253 + SHARE * 699 + 50 - PRICE * CAP * 3
    assert end == pytest.approx(-34.71, abs=0.01)
    assert bn(res, "cash_balance", "2030") == pytest.approx(end, rel=1e-6)
    # 2025: 253 + 0.4034 x 20 - 17.222 x 11.994 x 0.5 / 6 = 253 + 8.068 - 17.213 = 243.85
    assert bn(res, "cash_balance", "2025") == pytest.approx(253 + SHARE * 20 - PRICE * CAP / 12,
                                                            rel=1e-6)
    # the only negative balance is 2030's: shortfall 34.71 (HSBC: 207), cash_out 2030
    assert bn(res, "shortfall") == pytest.approx(-end, rel=1e-6)
    assert float(res.central["cash_out"][0][0]) == 2030.0


def test_checks_report_what_holds_and_the_residual(res):
    got = {c.says.split()[0]: c for c in res.checks}
    assert not got["HSBC"].passed and "$620B" in got["HSBC"].detail      # 620 against 792
    assert not got["(HSBC"].passed and "$34.7B" in got["(HSBC"].detail   # 34.7 against 207
    # 792 - 282 - 50 - 207 = 253: the published components do not close
    assert not got["the"].passed and "$253B" in got["the"].detail
    assert got["projected"].passed and got["Free"].passed


def test_shortfall_distribution_over_the_capacity_range():
    r = calc.load("hsbc-openai").run(samples=2000, seed=1)
    row = r.table().query("quantity == 'shortfall'").iloc[0]
    # p05: 10.8 GW gives 17.222 x 10.8 x 3 = 558.0 of rent against 584.98 of cash: never short
    assert float(row["p05"]) == 0.0
    # p95: 13.32 GW gives 17.222 x 13.32 x 3 = 688.2 of rent: short by 688.2 - 584.98 = 103.2
    assert float(row["p95"]) / 1e9 == pytest.approx(PRICE * 13.32 * 3 - (253 + SHARE * 699 + 50),
                                                    rel=0.05)


def test_market_price_variant_rents_the_same_capacity_at_the_range_of_prices():
    # rental_price_per_gw_range: 12-20 billion USD/GW/yr, central sqrt(12 x 20) = 15.492;
    # summed 2025-2030: 15.492 x 11.994 x 3 = 557.44; end of 2030: 253 + 281.98 + 50 - 557.44
    # = +27.54, so the central case needs nothing (shortfall 0, never runs out)
    res = calc.load("hsbc-openai").run(samples=0)
    spend = res.value("commitment_spend_cumulative", at="2030", variant="market-price")
    assert spend.m_as("USD") / 1e9 == pytest.approx(math.sqrt(12 * 20) * CAP * 3, rel=1e-6)
    assert res.value("shortfall", variant="market-price").m_as("USD") == 0
    balance = res.value("cash_balance", at="2030", variant="market-price").m_as("USD") / 1e9
    assert balance == pytest.approx(253 + SHARE * 699 + 50 - math.sqrt(240) * CAP * 3, rel=1e-6)
