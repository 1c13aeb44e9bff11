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

import re
from collections.abc import Collection, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pint

from calc.errors import CalcError
from calc.glossary import undefined_note
from calc.expr_eval import _COMPARE, _FUNCTIONS, MAX_EXPONENT, Evaluator, _floats
from calc.units import _SCALES, parse_quantity

MAX_LENGTH = 2000   # characters of expression text
MAX_DEPTH = 50      # nested parentheses, calls, unary signs, 'not' and '**'
MAX_UNIT_PARTS = 10  # unit names in one literal (pint's unit parser recurses once per part)

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
        return self.error(f"expected {wanted} but found {repr(t.text) if t.text else 'the end'}", t.pos)

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
            raise self.error(f"unknown function {fn.text!r}; allowed: {', '.join(sorted(_FUNCTIONS))}", fn.pos)
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
        if t.kind == "name" and t.text in _SCALES and (t.pos == num.end or t.text not in self.not_units):
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
                    raise self.error(f"a unit power must be a whole number up to {MAX_EXPONENT}, as in "
                                     "'m**2'; to raise a quantity write '(2 m) ** x'", t.pos)
                self.take()
            elif self.at("/", "*") and self.is_unit(self.i + 1):
                self.take()
                if (parts := parts + 1) > MAX_UNIT_PARTS:
                    raise self.error(f"a unit may have at most {MAX_UNIT_PARTS} parts", self.tok.pos)
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
        if name in self.names and name in env and undefined_note(name):   # a ratio the glossary lets be null
            return env[name]
        evaluator = Evaluator(self.text, env)
        with np.errstate(all="ignore"):
            value = evaluator.eval(self.tree)
            return evaluator.finite(value, "the result") if isinstance(value, pint.Quantity) else value
