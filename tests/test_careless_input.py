"""Hostile and careless input in the library and the command line (QA report of 7 December):
dates given as datetimes, quantities that are not numbers, a target year 0, a chart written over
by its own table, raises outside the timeline, hints that must work as given."""

from __future__ import annotations

from datetime import date, datetime

import pytest

import calc
from calc.errors import CalcError


# -- 1: every as_of / at given as a datetime, a date or a string goes through one date reader ------
def test_a_datetime_as_of_is_its_date_in_deals_totals_and_flows():
    # was TypeError: can't compare datetime.datetime to datetime.date
    noon = datetime(2025, 11, 30, 12)
    assert calc.deals(as_of=noon).equals(calc.deals(as_of="2025-11-30"))
    assert calc.deal_totals(as_of=noon).equals(calc.deal_totals(as_of=date(2025, 11, 30)))
    assert calc.deal_flows(as_of=noon) == calc.deal_flows(as_of="2025-11-30")


def test_a_bad_as_of_is_refused_with_the_forms():
    with pytest.raises(CalcError) as info:
        calc.deals(as_of=2025.5)
    assert str(info.value).startswith("as_of '2025.5' is not a date form calc reads: 'YYYY-MM-DD'")
    with pytest.raises(CalcError) as info:
        calc.deal_totals(as_of="2025-02-30")
    assert str(info.value) == ("as_of '2025-02-30' is not a real date: February 2025 has 28 days; "
                               "e.g. 2025-11-30")


def test_a_datetime_at_names_its_day_which_is_no_period():
    res = calc.load("openai-commitments").run(samples=0)
    with pytest.raises(CalcError) as info:
        res.value("revenue", at=datetime(2027, 1, 1, 12))
    assert str(info.value) == ("at: '2027-01-01' is a day; here write '2025' (a year), '2025-07' "
                               "(a month) or '2025-Q3' (a quarter)")
    assert res.value("revenue", at=2027) == res.value("revenue", at="2027")
