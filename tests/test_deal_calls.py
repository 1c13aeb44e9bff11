"""``calc.deals``, ``calc.deal_totals`` and ``calc.deal_flows`` are called alike: one argument by
position (the buyer; for the flows, the date), the rest by name, and a CalcError that says so."""

from __future__ import annotations

import pytest

import calc
from calc.errors import CalcError
from calc.registry import registry


def test_deal_flows_takes_the_date_by_position():
    by_position, by_name = calc.deal_flows("2025-11-30"), calc.deal_flows(as_of="2025-11-30")
    assert by_position == by_name
    # 30 Nov 2025: Microsoft's 10 B in OpenAI against the 250 B Azure contract, 4.0 %
    trip = next(t for t in by_position["round_trips"]
                if (t["investor"], t["buyer"]) == ("Microsoft", "OpenAI"))
    assert trip["round_trip_share"] == pytest.approx(10 / 250)


def test_deals_and_totals_take_the_buyer_by_position():
    assert set(calc.deals("OpenAI", as_of="2025-11-30")["buyer"]) == {"OpenAI"}
    assert list(calc.deal_totals("openai", as_of="2025-11-30")["buyer"]) == ["OpenAI"]


@pytest.mark.parametrize("call, message", [
    (lambda: calc.deals("OpenAI", "2025-11-30"),
     "calc.deals(buyer=None, *, as_of=None, reg=None): one positional argument, then names: "
     "got 1 more ('2025-11-30'); give them as as_of=... or reg=..."),
    (lambda: calc.deal_totals("OpenAI", registry()),
     "calc.deal_totals(buyer=None, *, as_of=None, reg=None): one positional argument, then "
     "names: got 1 more (Registry)"),
    (lambda: calc.deal_flows("2025-11-30", registry()),
     "calc.deal_flows(as_of=None, *, reg=None): one positional argument, then names: got 1 more "
     "(Registry)"),
    (lambda: calc.deal_flows(registry()),
     "calc.deal_flows(as_of=None, *, reg=None): the first argument is the date (e.g. "
     "'2025-11-30'); give a registry as reg=..."),
    (lambda: calc.deals("2025-11-30"),
     "'2025-11-30' reads as a date: the first argument is the buyer, give the date as "
     "as_of='2025-11-30'"),
    (lambda: calc.deal_totals("2025-11"),
     "'2025-11' reads as a date: the first argument is the buyer, give the date as "
     "as_of='2025-11'"),
])
def test_a_misplaced_argument_is_a_clear_error(call, message):
    with pytest.raises(CalcError) as err:
        call()
    assert message in str(err.value)


def test_a_buyer_that_is_no_date_gets_no_date_hint():
    with pytest.raises(CalcError) as err:
        calc.deals("Nobody")
    assert "reads as a date" not in str(err.value) and "the ledger's buyers are" in str(err.value)
