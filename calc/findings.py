"""Findings: computed figures a run shows to be impossible, reported like checks that do not hold.

An input outside its bounds is refused when it is read (``calc.values``). A *computed* figure --
an output, or a figure a claim implies, such as the PUE that would make "1 GW holds 1,000,000
chips" true -- is not an error when it leaves its bounds: it is a finding ("physically
impossible: pue = 0.99, below 1"), with the share of samples affected when the run is sampled.
A ratio the glossary lets be undefined over a zero denominator is a finding of kind
``undefined``: its value is null and the note says why. An input outside the range its quantity
usually lies in is ``unusual`` (a range reaching outside it, a ``note``; calc.plausible).
Other costs given with a compute_share_of_revenue below 1 count twice: ``double-count``.
``--strict`` exits 1 on the kinds in ``FAILING``: impossible, unusual, precision and
double-count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from calc.glossary import bounds_of, undefined_note, unit_of
from calc.format import precise
from calc.format import share as share_text
from calc.units import Q, format_unit, parse_unit

IMPOSSIBLE, UNUSUAL, PRECISION = "impossible", "unusual", "precision"
UNDEFINED, NOTE = "undefined", "note"
DOUBLE_COUNT = "double-count"   # other costs with a compute share below 1 (calc.financing_keys)
# --strict exits 1 on these (not undefined, note)
FAILING = (IMPOSSIBLE, UNUSUAL, PRECISION, DOUBLE_COUNT)
EXPECTED = {IMPOSSIBLE: "within its bounds", UNDEFINED: "defined",
            UNUSUAL: "within its typical range", NOTE: "within its typical range",
            PRECISION: "one precision", DOUBLE_COUNT: "each cost counted once"}


@dataclass(frozen=True)
class Finding:
    """One computed quantity outside its bounds (or undefined) in one variant.

    ``point`` is the sweep point shown (the one furthest outside); ``points`` how many of the
    variant's sweep points are affected; ``share`` the share of that point's samples outside the
    bounds (None without samples).
    """

    kind: str                     # impossible | unusual | precision | double-count | undefined
    #                               | note
    quantity: str
    variant: str
    point: dict = field(default_factory=dict)
    value: float | None = None    # central value, in ``unit``; None when undefined
    unit: str = ""
    bound: str = ""               # 'below 1', 'above 1', 'not above 0 W/chip'
    share: float | None = None
    points: int = 1
    of: int = 1                   # sweep points in the variant
    note: str | None = None
    periods: tuple = ()           # on a timeline: the labels of the periods concerned (shown row)
    text: str = ""                # the words, where the finding's maker gives them (unusual, note)

    @property
    def fails(self) -> bool:
        """Does it fail ``--strict`` (impossible, unusual, precision)?"""
        return self.kind in FAILING

    @property
    def labelled(self) -> str:
        """``detail``, led by the kind where the words do not already say it ('unusual: ...')."""
        said = self.kind in (IMPOSSIBLE, UNDEFINED)
        return self.detail if said else f"{self.kind}: {self.detail}"

    @property
    def detail(self) -> str:
        """'physically impossible: pue = 0.99, below 1 (in 100 % of samples)'."""
        when = f" in {_periods_text(self.periods)}" if self.periods else ""
        if self.text:
            text = self.text
        elif self.kind == UNDEFINED:
            text = f"{self.quantity} is undefined (null){when}: {self.note}"
        else:
            text = (f"physically impossible: {self.quantity} = "
                    f"{precise(self.value, self.unit)}, {self.bound}{when}")
            if self.share is not None:
                text += f" (in {share_text(self.share)} of samples)"
        if self.of > 1:
            text += f"; at {self.points} of {self.of} sweep points"
        return text

    def to_json(self) -> dict:
        return {"kind": self.kind, "quantity": self.quantity, "variant": self.variant,
                "point": dict(self.point),
                "value": self.value, "unit": self.unit, "bound": self.bound, "share": self.share,
                "points": self.points, "detail": self.detail,
                **({"periods": list(self.periods)} if self.periods else {})}

    def as_check(self) -> dict:
        """The finding in the shape of a check result (``CheckResult.to_json``), for check
        tables."""
        return {"says": self.labelled, "source": None, "that": self.quantity,
                "variant": self.variant, "point": dict(self.point), "passed": False,
                "value": self.value, "unit": self.unit,
                "expected": EXPECTED.get(self.kind, ""), "detail": self.detail,
                "probability": None if self.share is None else 1 - self.share, "note": self.note}


def _periods_text(labels: tuple) -> str:
    """'2025', '2025, 2026' or '2025 .. 2029 (5 periods)'."""
    if len(labels) <= 3:
        return ", ".join(labels)
    return f"{labels[0]} .. {labels[-1]} ({len(labels)} periods)"


def _periods_of(central, labels, row: int, undefined: bool, b, factor: float) -> tuple:
    """The labels of the periods where row ``row`` of a (rows, periods) array is undefined (NaN) or,
    with ``undefined`` False, outside the bounds ``b``; () for a value without periods."""
    if central is None or np.ndim(central) != 2 or not labels:
        return ()
    v = np.asarray(central, dtype=float)[row] * factor
    with np.errstate(invalid="ignore"):
        mask = np.isnan(v) if undefined else b.outside(v)
    return tuple(labels[i] for i in np.flatnonzero(mask) if i < len(labels))


def _bound_text(b, x: float, unit: str) -> str:
    u = f" {unit}" if unit else ""
    if x > b.high:
        return f"above {b.high:g}{u}"
    return f"{'not above' if b.open else 'below'} {b.low:g}{u}"


def find(plans: dict, rows, flagged: dict, units: dict, outside: dict, samples: int,
         central: dict | None = None, labels: tuple = ()) -> list[Finding]:
    """One Finding per variant and computed name whose central value left its bounds (or is
    undefined).

    ``plans``: case index -> Plan; ``rows``: the run's Rows; ``flagged``: name -> [(rows, central
    values)] outside the bounds (``engine.Arrays``); ``units``: name -> the unit of those values;
    ``outside``: name -> draws outside the bounds, per row. On a timeline, ``central`` (name ->
    (rows, periods) values) and the period ``labels`` let each finding name its periods.
    """
    # (case, place in the plan, Finding): sorted by variant, then evaluation order
    out = []
    for name, parts in flagged.items():
        at = np.concatenate([r for r, _ in parts])
        values = np.concatenate([v for _, v in parts])
        glossary_unit = parse_unit(unit_of(name))
        factor = float(Q(1, units[name]).to(glossary_unit).magnitude)
        values = values * factor
        shown = format_unit(glossary_unit)
        series = None if central is None else central.get(name)
        b = bounds_of(name)
        for c in plans:
            lo, hi = int(rows.offsets[c]), int(rows.offsets[c + 1])
            mine = (at >= lo) & (at < hi)
            if not mine.any():
                continue
            case, ks, mags = rows.cases[c], at[mine] - lo, values[mine]
            undefined = np.isnan(mags)
            if undefined.any():
                k0 = int(ks[undefined][0])
                out.append((c, plans[c].order.index(name), Finding(
                    UNDEFINED, name, case.variant, case.point(k0), None, shown,
                    points=int(undefined.sum()), of=hi - lo, note=undefined_note(name),
                    periods=_periods_of(series, labels, lo + k0, True, b, factor))))
                ks, mags = ks[~undefined], mags[~undefined]
                if not len(ks):
                    continue
            distance = np.maximum(b.low - mags, mags - b.high)
            j = int(np.argmax(distance))
            k, x = int(ks[j]), float(mags[j])
            share = float(outside[name][lo + k] / samples) if samples and name in outside else None
            out.append((c, plans[c].order.index(name), Finding(
                IMPOSSIBLE, name, case.variant, case.point(k), x, shown, _bound_text(b, x, shown),
                share, len(ks),
                hi - lo, periods=_periods_of(series, labels, lo + k, False, b, factor))))
    return [f for _, _, f in sorted(out, key=lambda t: t[:2])]
