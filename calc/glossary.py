"""The quantity glossary (``data/quantities.yaml``): each name's display unit, meaning and bounds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from calc import yamlio
from calc.cache import cached

GLOSSARY_FILE = Path(__file__).with_name("data") / "quantities.yaml"
KEYS = ("unit", "meaning", "min", "max", "above", "signed", "undefined", "display", "label")


@dataclass(frozen=True)
class Bounds:
    """What a quantity can physically be, in its display unit: ``low`` (``open``: excluded) to ``high``."""

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
    "display": the unit tables show it in (``calc.output.display``), or None}."""
    return cached("glossary", [GLOSSARY_FILE.read_bytes()], _read, dict)


def _read() -> dict[str, dict]:
    data = yamlio.load(GLOSSARY_FILE) or {}
    return {name: {"unit": str(spec["unit"]), "meaning": spec.get("meaning", ""), "bounds": _bounds(spec),
                   "undefined": spec.get("undefined"),
                   "display": None if spec.get("display") is None else str(spec["display"]),
                   "label": None if spec.get("label") is None else str(spec["label"])}
            for name, spec in data.items()}


def unit_of(name: str) -> str | None:
    """The display unit of a glossary quantity, or None for a name the glossary does not have."""
    entry = glossary().get(name)
    return None if entry is None else entry["unit"]


def bounds_of(name: str) -> Bounds:
    """The bounds of a glossary quantity (in its display unit); a name of the scenario's own has none."""
    entry = glossary().get(name)
    return NO_BOUNDS if entry is None else entry["bounds"]


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
    from calc.output.format import precise
    from calc.units import format_unit, parse_unit

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
