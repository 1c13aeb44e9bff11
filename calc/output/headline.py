"""The headline every human format opens with: the answer first, built once as plain records.

Per variant, the rows without a period: on a timeline the whole-timeline rows (funding_need,
shortfall, cash_out, break_even, solved inputs), without one every output. Then the number of
distinct check results that hold and that do not, and of findings. With a sweep it shows each
variant's first sweep point and says how many points the tables hold. The terminal, Markdown,
HTML and the xlsx summary each render these records (``block`` gives the wide-table form).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from calc.output import compact, layout
from calc.findings import FAILING


@dataclass(frozen=True)
class Item:
    """One headline quantity: its table rows, one per variant (None where a variant lacks it)."""

    quantity: str                 # 'funding_need', 'arr_growth_per_month (solved)'
    unit: str                     # as tables show it: 'USD', '%', 'date'
    rows: tuple                   # per variant: the row dict of ``Result.rows(tables=True)``


@dataclass(frozen=True)
class Headline:
    """The headline of one result."""

    variants: tuple               # variant names, one column each
    items: tuple                  # Item
    holds: int                    # distinct check results that hold
    fails: int                    # distinct check results that do not
    findings: int                 # findings that fail --strict (impossible, unusual, ...)
    notes: int                    # the others: undefined values, notes
    timeline: bool
    point: str                    # the sweep point shown ('pue=1.2'), '' without a sweep
    points: int                   # sweep points the tables hold (1 without a sweep)
    sampled: bool


def headline(result, rows: list[dict] | None = None) -> Headline:
    """The headline records of ``result`` (``rows``: its ``rows(tables=True)``, if at hand)."""
    rows = result.rows(tables=True) if rows is None else rows
    cases = list(result.cases)
    first = [cases[i] for i in result.first_rows()]
    shown = {(c.variant, compact.point_text(c.point)) for c in first}
    variants = tuple(dict.fromkeys(c.variant for c in first))
    items: dict[str, dict[str, dict]] = {}
    units: dict[str, str] = {}
    for r in rows:
        if result.periods and r.get("period") is not None:
            continue
        if (r["variant"], compact.point_text(r["point"])) not in shown:
            continue
        name = r["quantity"] + (" (solved)" if r.get("solved") else "")
        items.setdefault(name, {})[r["variant"]] = r
        units.setdefault(name, r["unit"])
    groups = layout.check_groups(result)
    points = list(dict.fromkeys(compact.point_text(c.point) for c in cases))
    return Headline(
        variants=variants,
        items=tuple(Item(n, units[n], tuple(by.get(v) for v in variants))
                    for n, by in items.items()),
        holds=sum(1 for c, _ in groups if c.passed),
        fails=sum(1 for c, _ in groups if not c.passed),
        findings=sum(1 for f in result.findings if f.kind in FAILING),
        notes=sum(1 for f in result.findings if f.kind not in FAILING),
        timeline=bool(result.periods),
        point=compact.point_text(first[0].point) if first else "",
        points=len(points) if any(c.point for c in cases) else 1,
        sampled=result.samples > 0)


def central_text(result, row: dict | None) -> str:
    """A row's central value alone: '$450B', '2032', 'never', 'no solution'; '' for no row."""
    if row is None:
        return ""
    value = row["value"]
    if row["unit"] == "date":
        return result.axis.date_text(value)
    if value is None or not math.isfinite(value):
        return "no solution" if row.get("solved") else "-"
    return layout.value_text(value, row["unit"])


def cell_text(result, row: dict | None, brief: bool = False) -> str:
    """A headline cell: the central value, then (not ``brief``) its 5th–95th percentile range."""
    if row is None:
        return ""
    return central_text(result, row) if brief else layout.period_cell(result, row)


def caption(h: Headline, brief: bool = False, spread: bool = True) -> str:
    """'Headline: the whole timeline; central value (5th–95th percentile)' (the part after ';'
    only for a sampled run, and with ``spread`` only)."""
    what = "the whole timeline" if h.timeline else "every output"
    text = f"Headline: {what}"
    if h.point:
        text += (f", at the first sweep point ({h.point}); the tables hold {h.points} points"
                 if not brief else f", at the first sweep point ({h.point}) of {h.points} points")
    if h.sampled and spread:
        text += "; central values" if brief else "; central value (5th–95th percentile)"
    return text


def counts_text(h: Headline) -> str:
    """'Checks: 3 hold, 2 do not; 1 finding' ('Checks: none; ...' when the scenario has none);
    undefined values and notes, which are not findings that fail --strict, counted apart
    ('0 findings, 3 notes')."""
    checks = (f"{h.holds} {'holds' if h.holds == 1 else 'hold'}, {h.fails} "
              f"{'does' if h.fails == 1 else 'do'} not"
              if h.holds or h.fails else "none")
    notes = f", {h.notes} note{'' if h.notes == 1 else 's'}" if h.notes else ""
    return f"Checks: {checks}; {h.findings} finding{'' if h.findings == 1 else 's'}{notes}"


def empty_text(h: Headline) -> str:
    """What a headline without quantities says (a timeline that shows no whole-timeline row)."""
    why = ("no output has one value for the whole timeline, e.g. funding_need, break_even"
           if h.timeline else "no outputs")
    return f"Headline: none ({why})"


def block(result, h: Headline, brief: bool = False) -> compact.Block:
    """The headline as a table block: a line per quantity, a column per variant, no footnotes."""
    lines = [compact.Line([compact.label(it.quantity, it.unit)],
                          [cell_text(result, r, brief) for r in it.rows]) for it in h.items]
    return compact.Block(caption(h, brief), [["quantity"]], [[v] for v in h.variants], lines)
