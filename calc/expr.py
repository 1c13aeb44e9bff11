"""Formulas in scenarios (``derive:``, ``checks: that:``, ``formula:``): parsed, never eval'ed.

>>> parse("1 GW / chips", names={"chips"}).evaluate({"chips": Q("200k chip")}).to("W/chip")
<Quantity(5000.0, 'watt / chip')>

Loosest to tightest: ``or`` < ``and`` < ``not`` < one comparison (``< <= > >= == !=``) < ``+ -``
< ``* /`` < unary ``- +`` < ``**`` (or ``^``; right-associative) < atoms. Atoms are names,
parentheses, calls of ``min max abs sqrt log exp`` and literals: a number (``2``, ``1.5``,
``8e9``, ``200k``), optionally after ``$``, then an optional scale word and unit names joined by
``/``, ``*`` and whole-number ``**`` (``200k chip``, ``$1.25B``, ``80 USD/MWh``, ``25 %``). A name
in scope ends a literal (``1 GW / chips`` divides by ``chips``); the literal's text is read by
:func:`calc.units.parse_quantity`, exactly as an input would be. Positions in messages count from 1.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Collection, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import reduce
from typing import NamedTuple

import numpy as np
import pint

from calc.errors import CalcError
from calc.glossary import undefined_note
from calc.suggest import closest
from calc.units import MAX_EXPONENT, SCALES, Q, Quantity, format_unit, parse_quantity, ureg

MAX_LENGTH = 2000   # characters of expression text
MAX_DEPTH = 50      # nested parentheses, calls, unary signs, 'not' and '**'
MAX_UNIT_PARTS = 10  # unit names in one literal (pint's unit parser recurses once per part)
_COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
            "==": np.equal, "!=": np.not_equal}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
_VERB = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}
_PINT_ERRORS = (pint.PintError, TypeError, ValueError, ArithmeticError)

_TOKEN = re.compile(r"""(?P<space>\s+)
  | (?P<num>(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/^()<>,$%])
  | (?P<bad>.)""", re.VERBOSE | re.DOTALL)
_BAD = {".": "attribute access is not allowed ('.' only appears in numbers such as 1.5)",
        "'": "strings are not allowed", '"': "strings are not allowed",
        "[": "indexing is not allowed", "]": "indexing is not allowed",
        "=": "'=' is not allowed (compare with '=='; calls take no keyword arguments)"}
_KEYWORDS = {"and", "or", "not"}


class _Tok(NamedTuple):
    kind: str   # num, name, op, bad, end
    text: str
    pos: int    # offset of the first character
    end: int


def _tokens(text: str) -> list[_Tok]:
    toks = [_Tok(m.lastgroup, m[0], m.start(), m.end()) for m in _TOKEN.finditer(text)
            if m.lastgroup != "space"]
    return toks + [_Tok("end", "", len(text), len(text))]


class _Parser:
    """Recursive descent over the token list; builds tuples such as ``("arith", first, rest)``."""

    def __init__(self, text: str, scope: Collection[str]):
        self.text, self.not_units, self.toks = text, frozenset(scope) | _KEYWORDS, _tokens(text)
        self.i, self.depth, self.used = 0, 0, set()

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def at(self, *texts: str, i: int | None = None) -> bool:
        t = self.toks[self.i if i is None else i]
        return t.kind in ("op", "name") and t.text in texts

    def take(self) -> _Tok:
        self.i += 1
        return self.toks[self.i - 1]

    def accept(self, *texts: str) -> _Tok | None:
        return self.take() if self.at(*texts) else None

    def error(self, message: str, pos: int) -> CalcError:
        return CalcError(f"{message} at position {pos + 1} in {self.text!r}")

    def fail(self, wanted: str) -> CalcError:
        t = self.tok
        if t.kind == "bad":
            return self.error(_BAD.get(t.text, f"unexpected character {t.text!r}"), t.pos)
        if t.kind == "name" and t.text.startswith("_"):
            return self.error(f"names starting with '_' are not allowed ({t.text!r})", t.pos)
        found = repr(t.text) if t.text else "the end"
        return self.error(f"expected {wanted} but found {found}", t.pos)

    def expect(self, text: str) -> None:
        if not self.accept(text):
            raise self.fail(repr(text))

    @contextmanager
    def nested(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested more than {MAX_DEPTH} deep", self.tok.pos)
        yield
        self.depth -= 1

    def logic(self, word: str, sub):
        items = [sub()]
        while self.accept(word):
            items.append(sub())
        return (word, items) if len(items) > 1 else items[0]

    def or_(self):
        return self.logic("or", self.and_)

    def and_(self):
        return self.logic("and", self.not_)

    def not_(self):
        if not self.accept("not"):
            return self.comparison()
        with self.nested():
            return ("not", self.not_())

    def comparison(self):
        left = self.sum()
        if self.at(*_COMPARE):
            return ("compare", self.take().text, left, self.sum())
        return left

    def arith(self, sub, ops):
        first, rest = sub(), []
        while self.at(*ops):
            rest.append((self.take().text, sub()))
        return ("arith", first, rest) if rest else first

    def sum(self):
        return self.arith(self.term, ("+", "-"))

    def term(self):
        return self.arith(self.unary, ("*", "/"))

    def unary(self):
        if not (op := self.accept("-", "+")):
            return self.power()
        with self.nested():
            return ("unary", op.text, self.unary())

    def power(self):
        base = self.primary()
        if not self.accept("**", "^"):
            return base
        with self.nested():
            return ("power", base, self.unary())

    def primary(self):
        t = self.tok
        if t.kind == "num" or self.at("$"):
            return self.literal()
        if self.at("("):
            with self.nested():
                self.take()
                node = self.or_()
                self.expect(")")
            return node
        if t.kind == "name" and t.text not in _KEYWORDS and not t.text.startswith("_"):
            self.take()
            if self.at("("):
                return self.call(t)
            self.used.add(t.text)
            return ("name", t.text)
        raise self.fail("a number, a name or '('")

    def call(self, fn: _Tok):
        if fn.text not in _FUNCTIONS:
            raise self.error(f"unknown function {fn.text!r}; allowed: "
                             f"{', '.join(sorted(_FUNCTIONS))}", fn.pos)
        with self.nested():
            self.take()
            args = [self.or_()]
            while self.accept(","):
                args.append(self.or_())
            self.expect(")")
        low, high, _ = _FUNCTIONS[fn.text]
        if not low <= len(args) <= (high or len(args)):
            count = f"{low}" if low == high else f"at least {low}"
            raise self.error(f"{fn.text}() takes {count} argument(s), got {len(args)}", fn.pos)
        return ("call", fn.text, args)

    def is_unit(self, i: int) -> bool:
        """A unit name: '%' or a name that is not in scope, not a keyword and not a call."""
        t = self.toks[i]
        return self.at("%", i=i) or (t.kind == "name" and t.text not in self.not_units
                                     and not t.text.startswith("_") and not self.at("(", i=i + 1))

    def literal(self):
        start = self.tok.pos
        money = self.accept("$")
        if self.tok.kind != "num":
            raise self.fail("a number after '$'")
        num, t = self.take(), self.tok
        if t.kind == "name" and t.text in SCALES and (t.pos == num.end
                                                      or t.text not in self.not_units):
            self.take()
        if self.is_unit(self.i) or (money and self.at("/") and self.is_unit(self.i + 1)):
            self.unit()
        source = self.text[start:self.toks[self.i - 1].end]
        try:
            value = parse_quantity(source.replace("^", "**"))
        except CalcError as exc:
            raise self.error(str(exc), start) from None
        return ("literal", _floats(value))

    def unit(self) -> None:
        """Consume unit names joined by '/', '*' and whole-number '**' (as in 'm**2')."""
        if not self.is_unit(self.i):
            self.take()  # the '/' of '$80/MWh'
        self.take()
        parts = 1
        while True:
            if self.accept("**", "^"):
                self.accept("-")
                t = self.tok
                if not (t.kind == "num" and t.text.isdigit() and int(t.text) <= MAX_EXPONENT):
                    raise self.error(f"a unit power must be a whole number up to {MAX_EXPONENT}, "
                                     "as in 'm**2'; to raise a quantity write '(2 m) ** x'", t.pos)
                self.take()
            elif self.at("/", "*") and self.is_unit(self.i + 1):
                self.take()
                if (parts := parts + 1) > MAX_UNIT_PARTS:
                    raise self.error(f"a unit may have at most {MAX_UNIT_PARTS} parts",
                                     self.tok.pos)
                self.take()
            else:
                return


def parse(text: str, *, names: Collection[str] = ()) -> Expr:
    """Parse ``text``; ``names`` (quantity and figure ids in scope) end unit literals."""
    if not isinstance(text, str):
        raise CalcError(f"an expression must be text, got {text!r}")
    if len(text) > MAX_LENGTH:
        raise CalcError(f"expression of {len(text)} characters is longer than the limit of "
                        f"{MAX_LENGTH}: {text[:40]!r}...")
    parser = _Parser(text, names)
    tree = parser.or_()
    if parser.tok.kind != "end":
        raise parser.fail("an operator")
    return Expr(text, frozenset(parser.used), tree)


@dataclass(frozen=True)
class Expr:
    """A parsed expression: its ``text``, the ``names`` it references, and its tree."""

    text: str
    names: frozenset[str]
    tree: tuple = field(repr=False, compare=False)

    def evaluate(self, env: Mapping[str, pint.Quantity]):
        """The value over ``env``: a Quantity, or numpy bools for comparisons and logic."""
        name = self.text.strip()
        # a ratio the glossary lets be null
        if name in self.names and name in env and undefined_note(name):
            return env[name]
        evaluator = Evaluator(self.text, env)
        with np.errstate(all="ignore"):
            value = evaluator.eval(self.tree)
            if isinstance(value, pint.Quantity):
                return evaluator.finite(value, "the result")
            return value


# -- evaluation: arithmetic with units, comparisons, a few functions -----------------------------
# Every intermediate value must stay finite (an overflow or a NaN is a CalcError naming the
# operation); exponents and unit powers are bounded by ``MAX_EXPONENT``; units must fit each
# operation.

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
                return self.power(self.quantity(self.eval(base), "**"),
                                  self.quantity(self.eval(exponent), "**"))
            case ("compare", op, left, right):
                a, b = self.quantity(self.eval(left), op), self.quantity(self.eval(right), op)
                return _COMPARE[op](a.magnitude, self.convert(b, a, "compare"))
            case ("not", sub):
                return np.logical_not(self.boolean(self.eval(sub), "not"))
            case ("and" | "or" as word, items):
                combine = np.logical_and if word == "and" else np.logical_or
                return reduce(combine, [self.boolean(self.eval(item), word) for item in items])
            case ("call", fn, args):
                values = [self.quantity(self.eval(a), fn) for a in args]
                return self.finite(_FUNCTIONS[fn][2](self, values), fn)
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
                    raise TypeError("from another unit registry; "
                                    "build quantities with calc.units.Q")
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
            raise self.fail(f"overflow: {what} gives the unit {q.units:~}, "
                            "too large to convert") from None
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
            raise self.fail(f"raising {_show(base)} to the power {float(e):g} gives a unit power "
                            f"of {top:g}, beyond {MAX_EXPONENT}; no quantity calc uses needs one")
        if base.dimensionless:
            base = base.to(ureg.dimensionless)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                return self.finite(base ** float(e), "'**'")
        except OverflowError:   # a Python float's power overflows by raising, numpy's by inf
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
