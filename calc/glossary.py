"""The quantity glossary (``data/quantities.yaml``): each name's display unit, meaning, bounds and
typical range (where it usually lies: outside it an input is a finding, ``calc.plausible``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from calc import yamlio
from calc.cache import cached
from calc.errors import CalcError
from calc.format import precise
from calc.units import Q, format_unit, parse_quantity, parse_unit

GLOSSARY_FILE = Path(__file__).with_name("data") / "quantities.yaml"
KEYS = ("unit", "meaning", "min", "max", "above", "signed", "undefined", "display", "label", "per",
        "typical", "typical_note")


@dataclass(frozen=True)
class Bounds:
    """What a quantity can physically be, in its display unit: ``low`` (``open``: excluded) to
    ``high``."""

    low: float = -math.inf
    high: float = math.inf
    open: bool = False            # True: ``low`` itself is excluded ("above 0")

    @property
    def unbounded(self) -> bool:
        return self.low == -math.inf and self.high == math.inf

    def text(self, unit: str = "") -> str:
        """'at least 1', 'above 0 W/chip', 'between 0 and 1', 'at most 1'."""
        u = f" {unit}" if unit else ""
        if unit.startswith("1/"):
            u = unit[1:]            # a rate: 'between 0 and 1/yr', not '1 1/yr'
        if self.low > -math.inf and self.high < math.inf:
            return f"between {self.low:g} and {self.high:g}{u}"
        if self.low > -math.inf:
            return f"{'above' if self.open else 'at least'} {self.low:g}{u}"
        if self.high < math.inf:
            return f"at most {self.high:g}{u}"
        return "any number"

    def below(self, mag) -> np.ndarray:
        """Elementwise: is ``mag`` under the lower bound?"""
        mag = np.asarray(mag, dtype=float)
        return mag <= self.low if self.open else mag < self.low

    def above(self, mag) -> np.ndarray:
        """Elementwise: is ``mag`` over the upper bound?"""
        return np.asarray(mag, dtype=float) > self.high

    def outside(self, mag) -> np.ndarray:
        return self.below(mag) | self.above(mag)


NO_BOUNDS = Bounds()


@dataclass(frozen=True)
class Typical:
    """Where a quantity usually lies [glossary unit]: ``low`` to ``high``; ``note`` says why."""

    low: float
    high: float
    note: str

    def outside(self, mag) -> np.ndarray:
        """Elementwise: is ``mag`` [glossary unit] outside ``low`` to ``high``?"""
        mag = np.asarray(mag, dtype=float)
        return (mag < self.low) | (mag > self.high)

    def far(self, mag) -> np.ndarray:
        """Elementwise: is ``mag`` more than 10x beyond the range -- above 10 x a positive high,
        below a tenth of a positive low (10 x a negative one); an end at 0 by 10 x the range's
        width? Solve brackets are held to it."""
        mag = np.asarray(mag, dtype=float)
        width = 10 * (self.high - self.low)
        high = self.high * 10 if self.high > 0 else self.high / 10 if self.high < 0 else width
        low = self.low / 10 if self.low > 0 else self.low * 10 if self.low < 0 else -width
        return (mag > high) | (mag < low)


def read_typical(spec: dict) -> Typical | None:
    """``spec``'s ``typical: [low, high]`` (numbers in its unit, or quantities), ``typical_note``
    checked: both ends in the quantity's dimension, low below high, inside its bounds. Raises a
    CalcError without a location (callers add file:line)."""
    if "typical" not in spec:
        if "typical_note" in spec:
            raise CalcError("typical_note without typical; add typical: [low, high] or drop it")
        return None
    given, unit = spec["typical"], str(spec["unit"])
    if not isinstance(given, list) or len(given) != 2:
        raise CalcError(f"typical: expected [low, high] in {unit}, got {given!r}"[:200])
    ends = []
    for end in given:
        if isinstance(end, bool) or not isinstance(end, (int, float, str)):
            raise CalcError(f"typical: expected a number in {unit} or a quantity, "
                            f"got {end!r}"[:150])
        q = parse_quantity(end) if isinstance(end, str) else Q(float(end), parse_unit(unit))
        try:
            ends.append(float(q.to(parse_unit(unit)).magnitude))
        except Exception:
            raise CalcError(f"typical: {end!r} does not fit unit {unit!r}") from None
    low, high = ends
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise CalcError(f"typical: low must be below high, got {given!r}")
    bounds = _bounds(spec)
    if bool(bounds.outside(low)) or bool(bounds.outside(high)):
        shown = "" if unit == "dimensionless" else unit
        raise CalcError(f"typical: {given!r} reaches outside the bounds ({bounds.text(shown)})")
    note = spec.get("typical_note")
    if not isinstance(note, str) or not note.strip():
        raise CalcError("typical needs typical_note: why the range (a figure or source id, or "
                        "'Assumption: ...' with the reason)")
    return Typical(low, high, note.strip())


def _bounds(spec: dict) -> Bounds:
    if spec.get("signed"):
        low, is_open = -math.inf, False
    elif "above" in spec:
        low, is_open = float(spec["above"]), True
    else:
        low, is_open = float(spec.get("min", 0.0)), False
    return Bounds(low, float(spec.get("max", math.inf)), is_open)


@lru_cache(maxsize=1)
def glossary() -> dict[str, dict]:
    """name -> {"unit": unit, "meaning": text, "bounds": Bounds, "undefined": note or None,
    "display": the unit tables show it in (``calc.display``), or None, "label", "per": the
    period a plain-fraction rate is per, or None, "typical": Typical or None}."""
    return cached("glossary", [GLOSSARY_FILE.read_bytes()], _read, dict)


def _read(path: Path = GLOSSARY_FILE) -> dict[str, dict]:
    data = yamlio.load(path) or {}
    return {name: {"unit": str(spec["unit"]), "meaning": spec.get("meaning", ""),
                   "bounds": _bounds(spec),
                   "undefined": spec.get("undefined"),
                   "display": None if spec.get("display") is None else str(spec["display"]),
                   "label": None if spec.get("label") is None else str(spec["label"]),
                   "per": None if spec.get("per") is None else str(spec["per"]),
                   "typical": _typical(path, name, spec)}
            for name, spec in data.items()}


def _typical(path: Path, name: str, spec) -> Typical | None:
    """``read_typical`` with the file, line and key in its message."""
    try:
        return read_typical(spec)
    except CalcError as exc:
        line = spec.line_of("typical") if hasattr(spec, "line_of") else 0
        text = str(exc).removeprefix("typical: ")
        raise CalcError(f"{path}:{line}: {name}.typical: {text}") from None


def unit_of(name: str) -> str | None:
    """The display unit of a glossary quantity, or None for a name the glossary does not have."""
    entry = glossary().get(name)
    return None if entry is None else entry["unit"]


def bounds_of(name: str) -> Bounds:
    """The bounds of a glossary quantity (in its display unit); a name of the scenario's own has
    none."""
    entry = glossary().get(name)
    return NO_BOUNDS if entry is None else entry["bounds"]


def typical_of(name: str) -> Typical | None:
    """Where ``name`` usually lies (``typical`` in the glossary), or None."""
    entry = glossary().get(name)
    return None if entry is None else entry.get("typical")


def shown_unit(name: str) -> str:
    """The unit a finding writes ``name`` in: its display unit ('%', '%/yr') or its unit, with
    ``per`` for a rate kept as a plain fraction ('%/month' for arr_growth_per_month)."""
    entry = glossary()[name]
    unit = entry["display"] or ("" if entry["unit"] == "dimensionless" else entry["unit"])
    return f"{unit}/{entry['per']}" if entry.get("per") else unit


def undefined_note(name: str) -> str | None:
    """For a ratio the glossary lets be null over a zero denominator: the note saying why."""
    entry = glossary().get(name)
    return None if entry is None else entry["undefined"]


def bound_problem(name: str, quantity) -> str | None:
    """'pue = 0.99 is out of bounds: pue is at least 1' for the first value of ``quantity`` (a pint
    quantity, scalar or array) outside ``name``'s bounds; None when all lie inside."""
    bounds = bounds_of(name)
    if bounds.unbounded:
        return None
    unit = parse_unit(unit_of(name))
    with np.errstate(all="ignore"):
        mag = np.asarray(quantity.to(unit).magnitude, dtype=float)
    bad = bounds.outside(mag)
    if not np.any(bad):
        return None
    shown = np.asarray(quantity.magnitude, dtype=float)
    first = float(np.broadcast_to(shown, bad.shape)[bad].flat[0]) if np.ndim(bad) else float(shown)
    return (f"{name} = {precise(first, format_unit(quantity.units))} is out of bounds: "
            f"{name} is {bounds.text(format_unit(unit))}")
