"""Display units: the unit each quantity is shown in, and the factor that takes its values there.

Who decides, first match wins:

1. the run: a scenario's ``display:`` mapping, ``--display NAME=UNIT``, a derive's ``unit:``;
2. the glossary's ``display:`` default (shares and growth rates in %) -- tables only;
3. automatic rules:
   - a dimensionless unit is reduced to a plain number (1.09e-09 GW/W is shown as 1.09);
   - FLOP takes the SI prefix that keeps the largest value under 1,000 (1.21e21 FLOP/s is shown as
     1.21 ZFLOP/s) -- tables only.

Tables use every rule. JSON and CSV use only 1 and the reduction of 3 (the README, "Display units"):
a number someone reads into a program keeps the glossary unit unless the run asked otherwise.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from calc.errors import CalcError
from calc.dates import Date
from calc.format import quantity
from calc.glossary import glossary
from calc.units import Q, described, dimension_text, format_unit, parse_unit, ureg

# 1 to 1e24; beyond, Y with big numbers
FLOP_PREFIXES = ("", "k", "M", "G", "T", "P", "E", "Z", "Y")
_FLOP = re.compile(r"(?<![A-Za-z])([kMGTPEZY]?)FLOP(?![A-Za-z])")


@dataclass(frozen=True)
class Shown:
    """A display unit: its text as headers show it, and display value = ``factor`` x stored
    value."""

    unit: str
    factor: float = 1.0

    def __call__(self, x):
        """``x`` (a number, an array or None) in the display unit."""
        if x is None:
            return None
        return x * self.factor if self.factor != 1.0 else x


def default_unit(name: str) -> str | None:
    """The glossary's display default for ``name`` ('%' for shares and rates), or None."""
    entry = glossary().get(name)
    return None if entry is None else entry.get("display")


def check_unit(name: str, text, where: str, unit=None) -> str:
    """``text`` as a display unit for ``name`` (``%`` and ``percent`` alike), checked against
    ``unit`` (the quantity's own unit; default: its glossary unit, when it has one). Returns the
    unit text."""
    if not isinstance(text, str) or not text.strip():
        raise CalcError(f"{where}: expected a unit such as '%', 'EFLOP/s' or "
                        f"'billion USD', got {text!r}")
    try:
        target = parse_unit(text.strip())
    except CalcError as exc:
        raise CalcError(f"{where}: {exc}") from None
    if unit is None:
        gloss = glossary().get(name)
        unit = gloss["unit"] if gloss else None
    if unit is not None:
        unit = parse_unit(unit) if isinstance(unit, str) else unit
        if Q(1, target).dimensionality != Q(1, unit).dimensionality:
            raise CalcError(f"{where}: {text!r} is {_kind(target)}, but {name} is "
                            f"{_kind(unit, own=True)}; "
                            f"give a unit of the same kind{_example(unit)}")
    return text.strip()


def _kind(unit, own: bool = False) -> str:
    """'a plain number', 'power' or (``own``) 'power [GW]': what a unit measures, in words."""
    if Q(1, unit).dimensionless:
        return "a plain number"
    return described(unit) if own else dimension_text(unit)


def _example(unit) -> str:
    """', e.g. '%'' for a plain number, ', e.g. 'MW'' for power: a hint for a wrong display unit."""
    own = format_unit(unit)
    if Q(1, unit).dimensionless:
        return ", e.g. '%' or 'percent'"
    if "FLOP" in own:
        return f", e.g. '{_FLOP.sub('EFLOP', own, count=1)}'"
    return f", e.g. '{own}'"


def shown(name: str, unit, values=None, chosen: dict | None = None, tables: bool = True) -> Shown:
    """How ``name`` (stored in pint ``unit``, with ``values`` in that unit) is shown.

    ``chosen``: the run's own display units (name -> unit text); ``tables``: apply the glossary's
    defaults and the FLOP prefixes too (False for JSON and CSV).
    """
    target = (chosen or {}).get(name)
    if target is None and tables:
        target = default_unit(name)
    if target is not None:
        tu = parse_unit(target)
        try:
            factor = float(Q(1.0, unit).to(tu).magnitude)
        # a pint DimensionalityError: the unit was checked by name, not value
        except Exception:  # noqa: BLE001
            raise CalcError(f"display.{name}: {target!r} cannot show {name} "
                            f"[{format_unit(unit) or 'plain number'}]; give a unit of the "
                            "same dimension") from None
        return Shown(format_unit(tu) if tu != ureg.dimensionless else "", factor)
    one = Q(1.0, unit)
    if one.dimensionless and unit != ureg.dimensionless and format_unit(unit) != "%":
        return Shown("", float(one.to(ureg.dimensionless).magnitude))
    text = format_unit(unit)
    if tables and values is not None and len(_FLOP.findall(text.split("/")[0])) == 1:
        return _flop_prefix(text, values)
    return Shown(text)


def _flop_prefix(text: str, values) -> Shown:
    """FLOP with the SI prefix that puts the largest finite value in [1, 1000)."""
    base = _FLOP.sub("FLOP", text, count=1)
    to_base = float(Q(1.0, parse_unit(text)).to(parse_unit(base)).magnitude)
    mags = np.abs(np.asarray(values, dtype=float)) * to_base
    mags = mags[np.isfinite(mags) & (mags > 0)]
    if mags.size == 0:
        return Shown(text)
    k = min(len(FLOP_PREFIXES) - 1, max(0, int(math.floor(math.log10(float(mags.max())) / 3))))
    unit = _FLOP.sub(FLOP_PREFIXES[k] + "FLOP", base, count=1)
    return Shown(unit, to_base / 10 ** (3 * k))


class ShownText(str):
    """Text that prints and displays as itself, without quotes: ``calc.show``'s answer."""

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p, cycle) -> None:      # IPython and Jupyter: no quotes either
        p.text(str(self))


SHOW_MAX = 6             # values of an array shown before '…'


def show(value, name: str | None = None, unit: str | None = None) -> ShownText:
    """``value`` (a quantity, a number or text such as '71 billion USD') as calc's tables show it:
    '$71.0B', '2.2 GW', '1.21 ZFLOP/s', '25 %'; an array as '[$1.00B, $2.00B]'.

    ``name``: the quantity it is, whose display default applies ('%' for shares, from the
    glossary); ``unit``: the unit to show it in. The answer is a ``str`` that prints without
    quotes (``calc.show(q)`` at a prompt reads ``$71.0B``).
    """
    if isinstance(value, Date):                     # as the tables write it: '2030', '2028-Q2'
        return ShownText(str(value))
    q = Q(value)
    if unit is not None:
        target = parse_unit(check_unit(name or "value", unit, "calc.show(unit=...)", q.units))
        conv = Shown(format_unit(target), float(Q(1.0, q.units).to(target).magnitude))
    else:
        conv = shown(name or "", q.units, q.magnitude)
    values = np.asarray(conv(np.asarray(q.magnitude, dtype=float)), dtype=float)
    if values.ndim == 0:
        return ShownText(quantity(float(values), conv.unit))
    flat = values.ravel()
    texts = [quantity(float(x), conv.unit) for x in flat[:SHOW_MAX]]
    more = f", … ({flat.size:,} values)" if flat.size > SHOW_MAX else ""
    return ShownText(f"[{', '.join(texts)}{more}]")


def range_text(name: str, value, chosen: dict | None = None) -> str:
    """A ``values.Value``'s range as tables show ``name``: '[3 %, 12 %]', '[$20.0B, $100B]'; its
    value where it has no range ('$2.00B/yr') (``chosen``: the run's display units)."""
    if value.dist is None:
        x = float(value.central.magnitude)
        conv = shown(name, value.central.units, np.array([x]), chosen)
        return quantity(float(conv(x)), conv.unit)
    ends = np.array([value.dist.low, value.dist.high], dtype=float)
    conv = shown(name, value.central.units, ends, chosen)
    low, high = (quantity(float(conv(x)), conv.unit) for x in ends)
    return f"[{low}, {high}]"
