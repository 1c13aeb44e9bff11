"""Evaluating parsed expressions (``calc.expr``): arithmetic with units, comparisons, a few functions.

Every intermediate value must stay finite (an overflow or a NaN is a CalcError naming the
operation); exponents are bounded by ``MAX_EXPONENT``; units must fit each operation.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from functools import reduce

import numpy as np
import pint

from calc.errors import CalcError
from calc.suggest import closest
from calc.units import Q, Quantity, format_unit, ureg

MAX_EXPONENT = 64   # largest |exponent| of '**'
_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
            "==": np.equal, "!=": np.not_equal}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_VERB = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}
_PINT_ERRORS = (pint.PintError, TypeError, ValueError, ArithmeticError)



def _show(value) -> str:
    if isinstance(value, pint.Quantity):
        return format_unit(value.units) or "a plain number"
    return "a true/false value"



def _floats(q: pint.Quantity) -> pint.Quantity:
    """The quantity with float magnitudes (no integer wrap-around, overflow gives inf)."""
    arr = np.asarray(q.magnitude, dtype=float)
    return Quantity(arr if arr.ndim else np.float64(arr), q.units)



class Evaluator:
    """Evaluates a parsed tree over an environment of quantities, refusing what is not finite."""

    def __init__(self, text: str, env: Mapping[str, pint.Quantity]):
        self.text, self.env = text, env

    def fail(self, message: str) -> CalcError:
        return CalcError(f"{message} in {self.text!r}")

    def eval(self, node):
        match node:
            case ("literal", value):
                return value
            case ("name", name):
                return self.lookup(name)
            case ("arith", first, rest):
                acc = self.quantity(self.eval(first), rest[0][0])
                for op, sub in rest:
                    acc = self.arith(op, acc, self.quantity(self.eval(sub), op))
                return acc
            case ("unary", op, sub):
                value = self.quantity(self.eval(sub), op)
                return -value if op == "-" else value
            case ("power", base, exponent):
                return self.power(self.quantity(self.eval(base), "**"), self.quantity(self.eval(exponent), "**"))
            case ("compare", op, left, right):
                a, b = self.quantity(self.eval(left), op), self.quantity(self.eval(right), op)
                return _COMPARE[op](a.magnitude, self.convert(b, a, "compare"))
            case ("not", sub):
                return np.logical_not(self.boolean(self.eval(sub), "not"))
            case ("and" | "or" as word, items):
                combine = np.logical_and if word == "and" else np.logical_or
                return reduce(combine, [self.boolean(self.eval(item), word) for item in items])
            case ("call", fn, args):
                return self.finite(_FUNCTIONS[fn][2](self, [self.quantity(self.eval(a), fn) for a in args]), fn)
        raise AssertionError(node)  # pragma: no cover - the parser builds only the nodes above

    def lookup(self, name: str) -> pint.Quantity:
        if name not in self.env:
            close = closest(name, [k for k in self.env if isinstance(k, str)])
            hint = f"; did you mean {close!r}?" if close else ""
            raise CalcError(f"unknown name {name!r} in {self.text!r}{hint}")
        value = self.env[name]
        try:
            if isinstance(value, pint.Quantity):
                if value._REGISTRY is not ureg:
                    raise TypeError("from another unit registry; build quantities with calc.units.Q")
                return _floats(value)
            if isinstance(value, bool | np.bool_ | str | bytes):
                raise TypeError(f"not a quantity ({value!r})")
            return _floats(Q(value))
        except (TypeError, ValueError, CalcError) as exc:
            raise self.fail(f"name {name!r} is {exc}") from None

    def quantity(self, value, op: str) -> pint.Quantity:
        if not isinstance(value, pint.Quantity):
            raise self.fail(f"'{op}' needs quantities, got a true/false value")
        return value

    def boolean(self, value, word: str):
        if isinstance(value, pint.Quantity):
            raise self.fail(f"'{word}' needs true/false values such as comparisons, got a quantity "
                            f"({_show(value)})")
        return value

    def convert(self, q: pint.Quantity, like: pint.Quantity, verb: str):
        """``q``'s magnitude in ``like``'s units, or a message naming both units."""
        try:
            return q.to(like.units).magnitude
        except _PINT_ERRORS:
            raise self.fail(f"cannot {verb} {_show(like)} and {_show(q)}") from None

    def plain(self, q: pint.Quantity, fn: str):
        try:
            return q.to(ureg.dimensionless).magnitude
        except _PINT_ERRORS:
            raise self.fail(f"{fn} needs a plain number (dimensionless), got {_show(q)}") from None

    def finite(self, q: pint.Quantity, what: str) -> pint.Quantity:
        m = np.asarray(q.magnitude)
        if not np.all(np.isfinite(m)):
            raise self.fail(f"overflow: {what} is infinite" if np.any(np.isinf(m))
                            else f"not a finite number: {what} is nan")
        try:                            # kW**64 is 1e384 g**64 m**128 / s**192: no float holds it
            ureg.get_root_units(q.units)
        except OverflowError:
            raise self.fail(f"overflow: {what} gives the unit {q.units:~}, too large to convert") from None
        return q

    def arith(self, op: str, a: pint.Quantity, b: pint.Quantity) -> pint.Quantity:
        if op == "/" and np.any(np.asarray(b.magnitude) == 0):
            raise self.fail("division by zero")
        if op in "*/":  # 2 GW * 50 % is 1 GW, not 100 GW·%
            a, b = (q.to(ureg.dimensionless) if q.dimensionless else q for q in (a, b))
        try:
            return self.finite(_ARITH[op](a, b), f"'{op}'")
        except _PINT_ERRORS:
            raise self.fail(f"cannot {_VERB[op]} {_show(a)} and {_show(b)}") from None

    def power(self, base: pint.Quantity, exponent: pint.Quantity) -> pint.Quantity:
        e = self.plain(exponent, "an exponent")
        if np.ndim(e) != 0:
            raise self.fail("an exponent must be a single number, not an array")
        if not abs(float(e)) <= MAX_EXPONENT:
            raise self.fail(f"exponent {float(e):g} is too large (the limit is {MAX_EXPONENT})")
        top = max((abs(p * float(e)) for p in base._units.values()), default=0)
        if top > MAX_EXPONENT:           # ((1 kW) ** 64) ** 3 would be kW**192
            raise self.fail(f"raising {_show(base)} to the power {float(e):g} gives a unit power of {top:g}, "
                            f"beyond {MAX_EXPONENT}; no quantity calc uses needs one")
        if base.dimensionless:
            base = base.to(ureg.dimensionless)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                return self.finite(base ** float(e), "'**'")
        except OverflowError:            # a Python float's power overflows by raising, numpy's by inf
            raise self.fail("overflow: '**' is infinite") from None
        except _PINT_ERRORS:
            raise self.fail(f"cannot raise {_show(base)} to the power {float(e):g}") from None


def _extreme(name: str, combine):
    def apply(ev: Evaluator, args: list[pint.Quantity]) -> pint.Quantity:
        mags = [ev.convert(a, args[0], f"take the {name} of") for a in args]
        return Quantity(reduce(combine, mags), args[0].units)
    return apply


# name -> (fewest arguments, most arguments or None for no limit, implementation)
_FUNCTIONS = {
    "min": (1, None, _extreme("min", np.minimum)),
    "max": (1, None, _extreme("max", np.maximum)),
    "abs": (1, 1, lambda ev, a: abs(a[0])),
    "sqrt": (1, 1, lambda ev, a: a[0] ** 0.5),
    "log": (1, 1, lambda ev, a: Quantity(np.log(ev.plain(a[0], "log")), ureg.dimensionless)),
    "exp": (1, 1, lambda ev, a: Quantity(np.exp(ev.plain(a[0], "exp")), ureg.dimensionless)),
}
