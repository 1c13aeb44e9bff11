"""Tests for calc.expr: literals, precedence, units, arrays, bounds and refusals."""

from __future__ import annotations

import re

import numpy as np
import pint
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc.errors import CalcError
from calc.expr import Expr, parse
from calc.units import Q, ureg

ENV = {
    "chips": Q(200_000, "chip"),
    "facility_power": Q(1, "GW"),
    "capex": Q(50e9, "USD"),
    "pue": Q(1.25),
    "chip_capex": Q(40_000, "USD/chip"),
    "arr_start": Q(1e9, "USD/yr"),
    "arr_end": Q(5e9, "USD/yr"),
    "arr_period": Q(12, "month"),
    "power": Q(np.array([1, 2, 3]), "GW"),
}


def ev(text: str, env=ENV):
    return parse(text, names=env).evaluate(env)


def approx(q, value, unit):
    assert isinstance(q, pint.Quantity)
    assert q.to(unit).magnitude == pytest.approx(value)


def refused(text: str, message: str, env=ENV):
    with pytest.raises(CalcError, match=re.escape(message)):
        ev(text, env)


# --- literals --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, unit", [
    ("200k chip", 200_000, "chip"),               # 200 x 1,000
    ("200000 chip", 200_000, "chip"),
    ("$1.25B", 1.25e9, "USD"),                     # 1.25 x 1e9
    ("1.25 billion USD", 1.25e9, "USD"),
    ("8e9 USD", 8e9, "USD"),
    ("80 USD/MWh", 80, "USD/MWh"),
    ("$80/MWh", 80, "USD/MWh"),
    ("5 kW/chip", 5000, "W/chip"),                 # 5 kW = 5,000 W
    ("989.4 TFLOP/s/chip", 989.4e12, "FLOP/s/chip"),
    ("1 GW", 1e9, "W"),
    ("25 %", 0.25, ""),                            # 25 / 100
    ("7 month", 7 / 12, "year"),                   # pint's month is a year / 12
    ("(72 chip)", 72, "chip"),
    ("5 m**2", 5, "m**2"),                         # '**' with a whole number belongs to the unit
    ("5 m^2", 5, "m**2"),
    ("2", 2, ""),
    (".5", 0.5, ""),
])
def test_literals(text, value, unit):
    approx(ev(text), value, unit)


def test_a_name_in_scope_ends_the_unit():
    # 1e9 W / 2e5 chip = 5,000 W/chip
    approx(ev("1 GW / chips"), 5000, "W/chip")
    assert parse("1 GW / chips", names={"chips"}).names == {"chips"}
    # without 'chips' in scope it is a unit (pint reads 'chips' as the plural of 'chip')
    expr = parse("1 GW / chips")
    assert expr.names == frozenset()
    approx(expr.evaluate({}), 1e9, "W/chip")


def test_money_literal_then_division_by_a_name():
    # $1.25B / 200,000 chip = 6,250 USD/chip
    approx(ev("$1.25B / chips"), 6250, "USD/chip")


# --- precedence and arithmetic ----------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("2 + 3 * 4", 14),              # 3*4 first
    ("(2 + 3) * 4", 20),
    ("-2 ** 2", -4),                # ** binds tighter than unary minus
    ("2 ** 3 ** 2", 512),           # right-associative: 2 ** 9
    ("2 ^ 3 ^ 2", 512),
    ("2 ** -1", 0.5),
    ("10 - 4 - 3", 3),              # left-associative: (10 - 4) - 3
    ("12 / 3 / 2", 2),              # (12 / 3) / 2
    ("+3 - -2", 5),
    ("1 + 25 %", 1.25),             # 1 + 0.25
])
def test_precedence(text, value):
    approx(ev(text), value, "")


def test_growth_formula_from_the_glossary():
    # (5e9 / 1e9) ** (1 month / 12 month) - 1 = 5 ** (1/12) - 1 = 0.14347
    g = ev("(arr_end / arr_start) ** (1 month / arr_period) - 1")
    approx(g, 5 ** (1 / 12) - 1, "")


def test_quantity_arithmetic():
    # 200,000 chip x 40,000 USD/chip + 1 GW x 10 USD/W = 8e9 + 1e10 = 1.8e10 USD
    approx(ev("chips * chip_capex + facility_power * 10 USD/W"), 1.8e10, "USD")
    # 1 GW x 50 % = 0.5 GW, and the percent does not linger in the unit
    assert ev("facility_power * 50 %").units == ureg.GW


def test_long_chains_do_not_recurse():
    # 999 additions of 1 to 1 = 1000
    approx(ev("+".join(["1"] * 1000)), 1000, "")


# --- functions --------------------------------------------------------------------------------

def test_functions():
    approx(ev("min(2 GW, 500 MW, facility_power)"), 0.5, "GW")
    approx(ev("max(500 MW, facility_power)"), 1, "GW")   # converted to the first one's unit: 1000 MW
    assert ev("max(500 MW, facility_power)").units == ureg.MW
    approx(ev("abs(-3 GW)"), 3, "GW")
    approx(ev("sqrt(16 m**2)"), 4, "m")
    approx(ev("log(exp(2))"), 2, "")
    approx(ev("exp(0)"), 1, "")
    approx(ev("log(250 %)"), np.log(2.5), "")        # percent becomes 2.5 first


def test_min_max_over_arrays():
    m = ev("min(power, 1500 MW)")                     # [1, 2, 3] GW capped at 1.5 GW
    np.testing.assert_allclose(m.to("GW").magnitude, [1, 1.5, 1.5])
    m = ev("max(1500 MW, power)")                     # in MW: [1500, 2000, 3000]
    np.testing.assert_allclose(m.to("MW").magnitude, [1500, 2000, 3000])


# --- comparisons, logic, arrays ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("1 GW > 500 MW", True),        # 1000 MW > 500 MW
    ("1 GW == 1000 MW", True),
    ("1 GW != 1000 MW", False),
    ("chips <= 200k chip", True),
    ("chips < 200k chip", False),
    ("50 % >= 0.5", True),
    ("1 > 2 or 2 > 1", True),
    ("1 < 2 and 2 > 3", False),
    ("not 1 > 2", True),            # not binds looser than the comparison
    ("not 1 < 2 or 1 < 2 and 1 < 2", True),   # (not a) or (b and c)
])
def test_comparisons_and_logic(text, expected):
    result = ev(text)
    assert isinstance(result, np.bool_)
    assert result == expected


def test_arrays_broadcast():
    # [1, 2, 3] GW / 200,000 chip = [5, 10, 15] kW/chip
    np.testing.assert_allclose(ev("power / chips").to("kW/chip").magnitude, [5, 10, 15])
    result = ev("power > 1500 MW and not power > 2.5 GW")
    assert result.dtype == bool and result.tolist() == [False, True, False]
    samples = {"x": Q(np.ones((2, 3)), "GW"), "y": Q(np.array([1.0, 2.0, 3.0]), "MW")}
    assert ev("x / y", samples).to("").magnitude.shape == (2, 3)


def test_names_property():
    expr = parse("min(facility_power, it_power * pue) / chips + 5 kW/chip", names={"chips"})
    assert isinstance(expr, Expr)
    assert expr.names == {"facility_power", "it_power", "pue", "chips"}   # not min, kW, chip
    assert expr.text == "min(facility_power, it_power * pue) / chips + 5 kW/chip"


# --- refusals ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message", [
    ("__import__('os')", "names starting with '_' are not allowed ('__import__') at position 1"),
    ("a.__class__", "attribute access is not allowed"),
    ("open('x')", "unknown function 'open'; allowed: abs, exp, log, max, min, sqrt at position 1"),
    ("chips['x']", "indexing is not allowed at position 6"),
    ("'text'", "strings are not allowed at position 1"),
    ("min(a=1)", "'=' is not allowed"),
    ("(a + b * c", "expected ')' but found the end at position 11 in '(a + b * c'"),
    ("a + b)", "expected an operator but found ')' at position 6"),
    ("2 pue", "expected an operator but found 'pue' at position 3"),
    ("1 < 2 < 3", "expected an operator but found '<' at position 7"),
    ("", "expected a number, a name or '(' but found the end at position 1"),
    ("$ chips", "expected a number after '$'"),
    ("abs(1, 2)", "abs() takes 1 argument(s), got 2"),
    ("2 m ** x", "a unit power must be a whole number up to 64"),
    ("5 flops", "cannot read '5 flops' as a quantity: 'flops' is ambiguous"),  # calc.units' message
    ("5 GB", "'GB' is a data size"),
    ("2 B chip", "'B' means billion/trillion only beside a currency"),
    ("1 GW @ 2", "unexpected character '@' at position 6"),
])
def test_syntax_refusals(text, message):
    with pytest.raises(CalcError, match=re.escape(message)):
        parse(text, names=ENV)


def test_literal_errors_say_where():
    with pytest.raises(CalcError, match=re.escape("at position 7 in 'chips*5 flops'")):
        parse("chips*5 flops", names=ENV)


def test_length_and_depth_bounds():
    with pytest.raises(CalcError, match="3000 characters is longer than the limit of 2000"):
        parse("1+" * 1499 + "12")
    with pytest.raises(CalcError, match="nested more than 50 deep at position 51"):
        parse("(" * 60 + "1" + ")" * 60)
    with pytest.raises(CalcError, match="nested more than 50 deep"):
        parse("-" * 60 + "1")
    assert ev("(" * 50 + "1" + ")" * 50) == Q(1)       # 50 is allowed
    with pytest.raises(CalcError, match="a unit may have at most 10 parts at position 23"):
        parse("1 m" + "*m" * 990)                      # pint's unit parser would recurse 990 deep
    approx(ev("1 m" + "*m" * 9), 1, "m**10")


@pytest.mark.parametrize("text, message", [
    ("10 ** 10 ** 10", "exponent 1e+10 is too large (the limit is 64) in '10 ** 10 ** 10'"),
    ("2 ** 65", "exponent 65 is too large"),
    ("2 ** power", "an exponent needs a plain number (dimensionless), got GW"),
    ("2 ** (power / 1 GW)", "an exponent must be a single number, not an array"),
    ("1e300 * 1e300", "overflow: '*' is infinite in '1e300 * 1e300'"),
    ("exp(1000)", "overflow: exp is infinite"),
    ("sqrt(-1)", "not a finite number: sqrt is nan in 'sqrt(-1)'"),
    ("1 GW / (1 - 1)", "division by zero in '1 GW / (1 - 1)'"),
    ("facility_power + capex", "cannot add GW and USD in 'facility_power + capex'"),
    ("capex - chips", "cannot subtract USD and chip"),
    ("chips > capex", "cannot compare chip and USD in 'chips > capex'"),
    ("chips > 5", "cannot compare chip and a plain number"),
    ("log(facility_power)", "log needs a plain number (dimensionless), got GW"),
    ("min(chips, capex)", "cannot take the min of chip and USD"),
    ("chips and pue", "'and' needs true/false values such as comparisons, got a quantity (chip)"),
    ("(1 < 2) * 3", "'*' needs quantities, got a true/false value"),
    ("chips * pue_", "unknown name 'pue_' in 'chips * pue_'; did you mean 'pue'?"),
    ("zzz + 1", "unknown name 'zzz' in 'zzz + 1'"),
])
def test_evaluation_refusals(text, message):
    refused(text, message)


def test_bad_environment_values():
    refused("x + 1", "name 'x' is not a quantity ('GW')", {"x": "GW"})
    other = pint.UnitRegistry().Quantity(1, "m")
    refused("x + 1", "name 'x' is from another unit registry", {"x": other})
    refused("x", "not a finite number: the result is nan in 'x'", {"x": Q(float("nan"), "GW")})
    approx(ev("x * 2", {"x": 3}), 6, "")                # plain numbers are dimensionless


# --- properties -------------------------------------------------------------------------------

SMALL_ENV = {"a": Q(2.0, "GW"), "b": Q(np.array([1.0, 2.0, 3.0]), "MW"), "n": Q(3.0),
             "c": Q(200_000, "chip"), "usd": Q(5.0, "USD")}
TOKENS = ["1", "2", "0", "10", "64", "1e308", ".5", "200k", "$", "1.25B", "$80", "a", "b", "n", "c",
          "usd", "zz", "_x", "GW", "MW", "chip", "USD", "billion", "k", "%", "m", "s", "flops", "+",
          "-", "*", "/", "**", "^", "(", ")", ",", "<", "<=", "==", "!=", ">", "and", "or", "not",
          "min", "max", "abs", "sqrt", "log", "exp", "open", ".", "'", "[", "=", " "]


def _check(text: str) -> None:
    try:
        result = parse(text, names=SMALL_ENV).evaluate(SMALL_ENV)
    except CalcError:
        return
    assert isinstance(result, pint.Quantity | np.bool_ | np.ndarray)


@settings(max_examples=300, deadline=1000)
@given(st.text(max_size=80))
def test_any_text_gives_a_result_or_a_calc_error(text):
    _check(text)


@settings(max_examples=500, deadline=1000)
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from([" ", ""]))
def test_any_token_soup_gives_a_result_or_a_calc_error(tokens, sep):
    _check(sep.join(tokens))


@settings(max_examples=100, deadline=1000)
@given(st.floats(0.001, 1000), st.sampled_from(["GW", "MW", "kW"]))
def test_the_unit_of_an_input_does_not_change_the_answer(value, unit):
    # the same power in GW, MW or kW gives the same power per chip
    env = {"p": Q(value, unit), "chips": Q(1000, "chip")}
    per_chip = parse("p / chips + 1 W/chip", names=env).evaluate(env)
    approx(per_chip, Q(value, unit).to("W").magnitude / 1000 + 1, "W/chip")
