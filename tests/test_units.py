"""The unit registry and the quantity parser, including every pint pitfall we know of."""

import numpy as np
import pint
import pytest

from calc.errors import CalcError
from calc.units import Q, check_dimension, format_unit, parse_quantity, ureg


@pytest.mark.parametrize("text, magnitude, unit", [
    ("2.2 GW", 2.2, "GW"),
    ("500 MW", 500, "MW"),
    ("$1.25B", 1.25e9, "USD"),            # $ + B beside a currency = billion
    ("1.25 billion USD", 1.25e9, "USD"),
    ("8e9 USD", 8e9, "USD"),
    ("200k chip", 200_000, "chip"),
    ("200,000 chip", 200_000, "chip"),
    ("80 USD/MWh", 80, "USD/MWh"),
    ("$80/MWh", 80, "USD/MWh"),
    ("25 %", 25, "percent"),
    ("7 month", 7, "month"),
    ("$38bn", 38e9, "USD"),
    ("US$ 5 billion", 5e9, "USD"),
    ("1.4 trillion USD", 1.4e12, "USD"),
    ("989.4 TFLOP/s/chip", 989.4, "TFLOP/s/chip"),
    ("2.35 USD/chip/hour", 2.35, "USD/chip/hour"),
    ("80 USD per MWh", 80, "USD/MWh"),
])
def test_parses_what_people_write(text, magnitude, unit):
    q = parse_quantity(text)
    assert q.magnitude == pytest.approx(magnitude)
    assert q.units == ureg.parse_units(unit)


def test_dollar_sign_keeps_its_currency():
    # plain pint reads "$5" as 5 dimensionless; calc must keep the currency
    assert ureg("$5").dimensionless                      # the pitfall itself
    q = Q("$5")
    assert q.dimensionality == ureg.USD.dimensionality
    assert q.magnitude == 5


def test_gigabytes_are_not_money():
    with pytest.raises(CalcError, match=r"'GB' is a data size .* '\$5B' or '5 billion USD'"):
        Q("5 GB")


def test_b_means_billion_only_beside_a_currency():
    with pytest.raises(CalcError, match="'B' means billion/trillion only beside a currency"):
        Q("5B chip")
    assert Q("5B USD").magnitude == 5e9


@pytest.mark.parametrize("text", ["5 flops", "5 FLOPs", "1 TFLOPS", "3 PFLOPs/chip"])
def test_ambiguous_flop_spellings_are_refused_with_a_hint(text):
    with pytest.raises(CalcError, match=r"ambiguous .* write 'FLOP' for operations and 'FLOP/s' for a rate"):
        Q(text)


def test_flop_rates_have_their_own_dimension():
    rate = Q("989.4 TFLOP/s/chip") * Q("1000 chip")
    assert rate.to("PFLOP/s").magnitude == pytest.approx(989.4)
    assert not rate.dimensionless


def test_chips_are_their_own_dimension_not_a_count():
    assert Q("200k chip").dimensionality != ureg.count.dimensionality
    with pytest.raises(pint.errors.DimensionalityError):
        Q("200k chip") + Q(5)


def test_year_and_month_are_julian_and_display_as_yr():
    assert Q("1 yr").to("day").magnitude == pytest.approx(365.25)
    assert Q("12 month").to("yr").magnitude == pytest.approx(1.0)
    assert format_unit(Q("1 billion USD/yr").units) == "USD/yr"


def test_percent_is_a_fraction():
    assert Q("25 %").to("dimensionless").magnitude == pytest.approx(0.25)


@pytest.mark.parametrize("text, message", [
    ("nan GW", "not a finite number"),
    ("inf W", "not a finite number"),
    ("$5 USD", "currency is given twice"),
    ("abc", "expected a number and a unit"),
    ("5 zorks", "unknown unit 'zorks'"),
])
def test_refusals_say_what_was_wrong(text, message):
    with pytest.raises(CalcError, match=message):
        Q(text)


def test_one_registry_everywhere():
    # quantities from calc's registry combine; a second registry would fail here
    assert (Q("1 GW") / Q("5 kW/chip")).to("chip").magnitude == pytest.approx(200_000)
    assert Q(2.0, "GW")._REGISTRY is ureg


def test_check_dimension_names_the_argument_expected_and_given():
    with pytest.raises(CalcError, match=r"^facility_power: expected power \[GW\], got money \[USD\]$"):
        check_dimension("facility_power", Q("5 billion USD"), "GW")
    assert check_dimension("facility_power", Q("500 MW"), "GW").to("GW").magnitude == pytest.approx(0.5)


def test_arrays_keep_units():
    q = Q(np.array([1.0, 2.0]), "GW")
    assert (q / Q("5 kW/chip")).to("chip").magnitude.tolist() == pytest.approx([200_000, 400_000])
