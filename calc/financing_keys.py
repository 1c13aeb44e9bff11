"""The scenario's ``financing`` block: its keys declared as data, and its reader.

``financing`` (README, "Financing") needs a timeline. It becomes inputs of the scenario: ``cash``,
``other_costs_per_year`` or ``other_cost_share_of_revenue`` (the other 0), ``interest_rate``
(default 0), one input ``<name>_raise`` per dated raise and, with ``from_ledger``, the per-period
input ``raises_from_ledger`` (the buyer's firm investment rows from the deals ledger); the period
axis (calc.values.PeriodAxis) gets the ``raises`` formula. calc.scenario_keys declares the block
in its ``BLOCKS`` and calls ``read`` with its Reader.
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from calc import dates, periods
from calc.errors import CalcError
from calc.findings import DOUBLE_COUNT, Finding
from calc.format import precise
from calc.ledger_count import as_of_day, investments_received, received_on
from calc.suggest import did_you_mean
from calc.units import Q, format_unit
from calc.values import Value, spec_value

_INPUT = {"type": "mapping", "values": "input"}
BLOCKS = {
    "financing": {
        "cash": {**_INPUT, "required": True,
                 "doc": "cash on hand at the timeline's start, as an input: {figure: id} or "
                        "{value: 40 billion USD, source: ...}"},
        "raises": {"type": "mapping", "keys": "name", "values": "raise",
                   "doc": "dated inflows (equity, debt, grants): name: {amount, date}; each lands "
                          "in the period containing its date; those before the start are in cash"},
        "from_ledger": {"type": "mapping", "values": "from_ledger",
                        "doc": "{buyer: NAME}: the buyer's firm investment rows of the deals "
                               "ledger as of ledger_as_of, dated by start else announced"},
        "other_costs_per_year": {**_INPUT, "doc": "costs other than the commitments [USD/yr], "
                                                  "any input form, a series included"},
        "other_cost_share_of_revenue": {**_INPUT, "doc": "instead of other_costs_per_year: "
                                                         "other costs as a share of revenue"},
        "interest_rate": {**_INPUT, "doc": "per year, charged on a negative opening balance; "
                                           "default 0"},
        "note": {"type": "text", "doc": "where the financing figures come from"},
    },
    "raise": {
        "amount": {**_INPUT, "required": True,
                   "doc": "the amount raised, as an input: {figure: id} or {value: ..., "
                          "source: ...}"},
        "date": {"type": "date", "required": True,
                 "doc": "when it lands: 2026, 2026-03, 2026-Q2 or 2026-03-15"},
        "note": {"type": "text", "doc": "what the raise is"},
    },
    "from_ledger": {
        "buyer": {"type": "text", "required": True,
                  "doc": "the buyer as the deals ledger names it, e.g. OpenAI"},
    },
}
INPUTS = ("cash", "other_costs_per_year", "other_cost_share_of_revenue", "interest_rate")
DEFAULTS = {"other_costs_per_year": "USD/yr", "other_cost_share_of_revenue": "dimensionless",
            "interest_rate": "1/yr"}
OUTPUTS = ("other_costs", "net_cash_flow", "raises", "interest", "cash_balance", "shortfall",
           "cash_out")                     # the quantities only financing gives
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
DEFAULT_ORIGIN = "financing default"      # an input the financing block left out: 0, never unused


def read(reader, data, sc) -> None:
    """Read ``data["financing"]`` with ``reader`` (a calc.scenario_keys.Reader) into ``sc``: its
    inputs into ``sc.base.values``, its raises onto ``sc.timeline``; every problem collected."""
    node = data.get("financing")
    if node is None:
        outs = data.get("outputs")
        named = [o for o in (outs if isinstance(outs, list) else ()) if o in OUTPUTS]
        if named:
            reader.problem(reader.at(data, "outputs", "outputs"),
                           f"{named[0]} needs a financing block: add financing: {{cash: {{value: "
                           "10 billion USD, source: ...}} (README, \"Financing\")")
        return
    where = reader.at(data, "financing", "financing")
    if sc.timeline is None:
        if not reader.tl_refused:
            reader.problem(where, "financing needs a timeline: add timeline: {start: ..., end: "
                                  "..., step: year}")
        return
    if not isinstance(node, dict):
        reader.problem(where, "expected {cash: ..., raises: ..., other_costs_per_year: ..., "
                              "interest_rate: ...}")
        return
    reader.keys(node, "financing", "financing.")
    inputs = sc.base.values
    if "cash" not in node:
        reader.problem(where, "cash is missing: give the cash on hand at the timeline's start, "
                              "e.g. cash: {value: 40 billion USD, source: ...} (0 USD if none)")
    both = [k for k in ("other_costs_per_year", "other_cost_share_of_revenue") if k in node]
    if len(both) == 2:
        reader.problem(reader.at(node, both[1], f"financing.{both[1]}"),
                       "give other_costs_per_year or other_cost_share_of_revenue, not both")
    for name in INPUTS:
        kp = f"financing.{name}"
        if name in inputs:
            reader.problem(reader.input_where.get(name, where), f"{name} belongs in financing: "
                                                                 "move it there from inputs")
            continue
        if name not in node:
            if name in DEFAULTS:
                inputs[name] = Value(central=Q(0.0, DEFAULTS[name]), origin=DEFAULT_ORIGIN,
                                     note="not given in financing: 0")
            continue
        reader.input_where[name] = reader.at(node, name, kp)
        value = reader.input(name, node[name], node, kp)
        if value is not None and _unit_ok(reader, name, value, node, kp):
            inputs[name] = value
    hits = _raises(reader, node.get("raises"), node, inputs, sc.timeline.timeline,
                   sc.timeline.notes)
    ledger = _from_ledger(reader, node, data, sc.timeline, sc)
    if ledger is not None:
        inputs["raises_from_ledger"] = ledger
        hits["raises_from_ledger"] = np.ones(sc.timeline.count)
    sc.timeline = dataclasses.replace(sc.timeline, raises=hits)


def _unit_ok(reader, name, value, node, kp) -> bool:
    """A series' unit against the glossary (other forms are checked as they are read)."""
    unit = DEFAULTS.get(name, "USD")
    if value.central.dimensionality == Q(1, unit).dimensionality:
        return True
    reader.problem(reader.at(node, name, kp), f"{format_unit(value.central.units)} is not a unit "
                                              f"of {name}; give it in {unit}")
    return False


def _raises(reader, node, parent, inputs, tl, notes: list) -> dict:
    """{input name: (periods,) 1 in the period that holds the raise's date} of ``raises``; each
    amount becomes the input ``<name>_raise``; a date with a day adds its note to ``notes``."""
    hits: dict = {}
    if node is None:
        return hits
    if not isinstance(node, dict):
        reader.problem(reader.at(parent, "raises", "financing.raises"),
                       "expected name: {amount: ..., date: 2026-03}")
        return hits
    for key, spec in node.items():
        kp = f"financing.raises.{key}"
        where = reader.at(node, key, kp)
        name = f"{key}_raise"
        if not isinstance(key, str) or not NAME.match(key):
            reader.problem(where, "raise names are snake_case words such as 'series_f'")
            continue
        if not isinstance(spec, dict):
            reader.problem(where, "expected {amount: {value: ..., source: ...}, date: 2026-03}")
            continue
        reader.keys(spec, "raise", kp + ".")
        if "date" not in spec:
            reader.problem(where, "date is missing: when the money lands, e.g. date: 2026-03")
            continue
        try:
            span = periods.parse_date(spec["date"], "date", days=True)
        except CalcError as exc:
            reader.problem(reader.at(spec, "date", f"{kp}.date"), str(exc).removeprefix("date: "))
            continue
        if not isinstance(spec.get("amount"), dict):
            reader.problem(where, "amount: expected {figure: id} or {value: ..., source: ...}")
            continue
        sources, ok = (), True
        if "figure" not in spec["amount"]:
            sources, ok = reader.source(spec["amount"], kp + ".amount")
        if not ok:
            continue
        try:
            value = spec_value("raises", spec["amount"], sources=sources, reg=reader.reg)
        except CalcError as exc:
            reader.problem(reader.at(spec, "amount", f"{kp}.amount"), str(exc))
            continue
        inputs[name] = dataclasses.replace(value, note=value.note or f"a raise dated {span.text}")
        note = periods.day_note(span, f"{kp}.date")
        if note:
            notes.append(note)
        hits[name] = _in_period(tl, span.first)
        if not hits[name].any():
            notes.append(_outside_note(f"{kp}.date {span.text}", span.first, tl))
    return hits


def _outside_note(what: str, month: int, tl) -> str:
    """The note for a raise dated outside the timeline (``what``: its key and date): before the
    start it is not added (``cash`` is what is on hand at the start), after the end left out."""
    if month < tl.starts[0]:
        return (f"{what} is before the timeline starts ({tl.labels[0]}): the raise is not added, "
                "as cash is what is on hand at the start; if cash leaves it out, add it to cash")
    return f"{what} is after the timeline ends ({tl.labels[-1]}): the raise is left out"


def _in_period(tl, month: int) -> np.ndarray:
    """(periods,) with 1 in the period holding month index ``month`` (all 0 outside)."""
    return ((tl.starts <= month) & (month < tl.ends)).astype(float)


def _from_ledger(reader, node, data, axis, sc) -> Value | None:
    """The buyer's firm investment rows as a per-period input [USD], or None."""
    spec = node.get("from_ledger")
    if spec is None:
        return None
    where = reader.at(node, "from_ledger", "financing.from_ledger")
    if not isinstance(spec, dict) or not isinstance(spec.get("buyer"), str):
        reader.problem(where, "expected {buyer: NAME}, e.g. {buyer: OpenAI}")
        return None
    reader.keys(spec, "from_ledger", "financing.from_ledger.")
    buyer, ledger = spec["buyer"], reader.reg.ledger
    buyers = list(dict.fromkeys(d.buyer for d in ledger.deals))
    buyer = next((b for b in buyers if b.lower() == buyer.lower()), buyer)   # as --buyer: any case
    if buyer not in buyers:
        reader.problem(reader.at(spec, "buyer", "financing.from_ledger.buyer"),
                       f"the deals ledger has no buyer {buyer!r}{did_you_mean(buyer, buyers)}; "
                       f"its buyers: {', '.join(buyers)}")
        return None
    try:
        at = as_of_day(data.get("ledger_as_of"), "ledger_as_of")
    except CalcError:
        return None                                 # read_ledger_as_of says what is wrong
    sc.from_ledger = buyer                          # a variant's own ledger_as_of reads it again
    return ledger_raises(ledger, buyer, at, axis, axis.notes)


def ledger_raises(ledger, buyer: str, at, axis, notes: list | None = None) -> Value:
    """``raises_from_ledger``: ``buyer``'s firm investment rows of ``ledger`` as of the day ``at``
    (a ``datetime.date``), per period of ``axis`` (a timeline's PeriodAxis) [USD]; the rows
    dated outside the timeline are named in a note added to ``notes``."""
    tl, out, used, sources = axis.timeline, np.zeros(axis.count), [], []
    before, after = [], []
    for part in investments_received(ledger, buyer, at):
        month = dates.parse(received_on(part)).first_month
        hit = _in_period(tl, month)
        row = f"{part.deal.id} ({received_on(part)})"
        if hit.any():
            out += part.value * hit
            used.append(row)
            sources.append(part.deal.source)
        else:
            (before if month < tl.starts[0] else after).append(row)
    if notes is not None and before:
        notes.append(f"financing.from_ledger: {buyer}'s rows {', '.join(before)} are before the "
                     f"timeline starts ({tl.labels[0]}): they are not added, as cash is what is "
                     "on hand at the start; if cash leaves them out, add them to cash")
    if notes is not None and after:
        notes.append(f"financing.from_ledger: {buyer}'s rows {', '.join(after)} are after the "
                     f"timeline ends ({tl.labels[-1]}): they are left out")
    return Value(central=Q(out, "USD"), sources=tuple(dict.fromkeys(sources)), origin="timeline",
                 note=f"{buyer}'s firm investment rows of the deals ledger as of {at}, inside the "
                      f"timeline: {', '.join(used) or 'none'}")


def double_count_findings(result, cases) -> list[Finding]:
    """A ``double-count`` finding per variant that gives other costs with a
    compute_share_of_revenue below 1 (in its central value or any sample): net_cash_flow then
    counts the costs other than compute twice (README, "Financing")."""
    out = []
    share = "compute_share_of_revenue"
    for c, case in enumerate(cases):
        costs = [n for n in DEFAULTS if n != "interest_rate" and n in case.values
                 and case.values[n].origin != DEFAULT_ORIGIN]
        if not costs or share not in result.central:
            continue
        rows = slice(int(result.cases.offsets[c]), int(result.cases.offsets[c + 1]))
        low = float(np.nanmin(result.central[share][rows]))
        if share in result.draws:
            low = min(low, float(np.nanmin(result.draws[share][rows])))
        if low >= 1:
            continue
        shown = f"{precise(100 * low)} %"
        out.append(Finding(
            DOUBLE_COUNT, share, case.variant, value=low,
            text=f"compute_share_of_revenue is below 1 (lowest {shown}) and {costs[0]} is given: "
                 f"costs other than compute are counted twice in net_cash_flow (once as the "
                 f"revenue share left out, once as other_costs); with other costs leave "
                 f"compute_share_of_revenue at 1, or drop {costs[0]}"))
    return out
