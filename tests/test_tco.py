"""Cost of a gigawatt-year: capital recovery, owner's cost (TCO), rental price, and their sources.

Every expected number below is derived by hand, the arithmetic in a comment beside it.
"""

from __future__ import annotations

import pytest

from calc.registry import Registry
from calc.units import Q


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
