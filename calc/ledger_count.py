"""Which rows of the deals ledger count at a date, column by column, and the totals per buyer.

The rules (README, "The deals ledger"), applied at a day ``at``:

- a row is on the ledger once announced; dates at coarser precision compare by the start of
  their span (``2026-H2`` is 1 July 2026), except that a ``same_deal_as`` report is never on it
  before the report it names when that one is dated inside its span (36Kr's "2025-11" report of
  NVIDIA's 18 November 2025 deal is on the ledger from 18 November);
- ``talks`` never counts; a ``stalled`` or ``cancelled`` row counts until its ``ended``;
- a row ``superseded_by`` a later report counts until that report's announced date;
- ``same_deal_as``: the report the others name counts; before its announcement, the earliest
  announced member of the group does;
- ``covered_by``: a covered row is left out of the column families (payments, power, builders,
  investment, guarantees) in which the covering deal counts at ``at``, and counts in the others;
  a covering deal superseded by then covers through the report that replaced it.

Columns per buyer, amounts [USD], power [GW]: ``payments_firm`` (purchases the buyer pays, firm
qualifiers), ``payments_up_to`` (up_to, less_than), ``payments_vague_low`` and
``payments_vague_high`` (a range's two ends), ``power_firm`` and ``power_up_to`` (purchase rows,
whoever pays, own builds included), ``builders_capex`` and ``builders_capex_up_to`` (purchases
others pay to build for the buyer, firm and 'up to'), ``investment_received_firm`` and
``investment_received_up_to``, ``guarantees`` (backstops for the buyer, firm). ``capex`` rows (a
company's own plan) and the amount of a buyer's own build (payer the buyer, payee null) are in no
column: a company's own spending is no deal total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from calc import dates
from calc.errors import CalcError
from calc.suggest import did_you_mean
from calc.ledger import PURCHASES, CONFIDENCE_ORDER, Deal, Ledger, slug
from calc.units import Q

COLUMNS = ("payments_firm", "payments_up_to", "payments_vague_low", "payments_vague_high",
           "power_firm", "power_up_to", "builders_capex", "builders_capex_up_to",
           "investment_received_firm",
           "investment_received_up_to", "guarantees")
FIRM = ("exact", "approx", "at_least", "more_than")
UP_TO = ("up_to", "less_than")
# Today's figure names, kept as aliases of the columns (README, "Migrating figure names").
ALIASES = {"usd": "payments_firm", "usd_up_to": "payments_up_to",
           "investment_usd": "investment_received_firm",
           "investment_usd_up_to": "investment_received_up_to",
           "gw": "power_firm", "gw_up_to": "power_up_to"}
_WHAT = {"payments_firm": "payments the buyer signed, firm amounts",
         "payments_up_to": "payments the buyer signed, 'up to' amounts (ceilings)",
         "payments_vague_low": "payments the buyer signed in vague words, low ends",
         "payments_vague_high": "payments the buyer signed in vague words, high ends",
         "power_firm": "power of purchase rows (firm)",
         "power_up_to": "power of purchase rows, 'up to' (ceilings)",
         "builders_capex": "capacity others pay to build for the buyer (firm amounts)",
         "builders_capex_up_to": "capacity others pay to build for the buyer, 'up to' amounts "
                                 "(ceilings)",
         "investment_received_firm": "investment received, firm amounts",
         "investment_received_up_to": "investment received, 'up to' amounts (ceilings)",
         "guarantees": "backstops others give for the buyer (firm amounts)"}


def unit(column: str) -> str:
    """The unit of a column: GW for power, USD for the rest."""
    return "GW" if column.startswith("power") else "USD"


def family(column: str) -> str:
    """payments | power | builders | investment | guarantees."""
    return column.split("_")[0]


def day(text) -> date:
    """The first day of a ledger date ('unknown' is never reached)."""
    span = dates.parse(text)
    return date.max if span is None else span.first


def on_ledger_from(d: Deal, root: Deal) -> date:
    """The first day row ``d`` is on the ledger: its announced date's first day, or, for a
    ``same_deal_as`` report dated coarser than the report it names (``root``), that report's day
    when it falls inside ``d``'s span (a report of a deal does not precede the deal)."""
    span = dates.parse(d.announced)
    if span is None:
        return date.max
    named = dates.parse(root.announced) if root is not d else None
    if named is not None and span.first < named.first <= span.last:
        return named.first
    return span.first


def as_of_day(value=None, where: str = "as_of") -> date:
    """The day ``value`` names (a date form, a ``datetime.date``, a ``datetime.datetime``: its
    date); today for None."""
    if value is None:
        return date.today()
    try:
        span = dates.parse(value, where)            # the one date reader (calc.dates)
    except CalcError as exc:
        raise CalcError(f"{exc}; e.g. 2025-11-30") from None
    if span is None:
        raise CalcError(f"{where} 'unknown': give the date the ledger is read at, e.g. 2025-11-30")
    return span.first


_SPAN_WORDS = {"month": "month", "quarter": "quarter", "half": "half-year", "year": "year",
               "span": "span"}


def as_of_note(value, where: str = "--as-of") -> str | None:
    """The day a date coarser than a day is read as, in words ('--as-of 2025-12 is read as
    2025-12-01, ...'); None for a day, a ``datetime.date`` or None."""
    if value is None or isinstance(value, date):
        return None
    span = dates.parse(str(value), where)
    if span is None or span.precision == "day":
        return None
    return (f"{where} {value} is read as {span.first.isoformat()}, the first day of its "
            f"{_SPAN_WORDS.get(span.precision, span.precision)}; give a day (e.g. "
            f"{span.last.isoformat()}) for another")


@dataclass(frozen=True)
class Part:
    """One row's contribution to one column [USD or GW], and the registry figure it comes from."""

    deal: Deal
    column: str
    value: float
    figure: str


def parts_of(d: Deal) -> list[Part]:
    """The columns a row would add to if it counts, before covered_by."""
    out = []
    amount = d.amount is not None
    usd = lambda q: float(q.to("USD").magnitude)  # noqa: E731
    if d.kind in PURCHASES:
        if amount and d.payer == d.buyer and d.payee is None:
            pass                     # the buyer's own build: own spending, in no column
        elif amount and d.payer == d.buyer:
            if d.qualifier in FIRM:
                out.append(Part(d, "payments_firm", usd(d.amount), f"deal_{d.id}_amount"))
            elif d.qualifier in UP_TO:
                out.append(Part(d, "payments_up_to", usd(d.amount), f"deal_{d.id}_amount"))
            elif d.amount_range is not None:
                low, high = d.amount_range
                out += [Part(d, "payments_vague_low", usd(low), f"deal_{d.id}_amount_low"),
                        Part(d, "payments_vague_high", usd(high), f"deal_{d.id}_amount_high")]
        elif amount and d.qualifier in FIRM + UP_TO:
            col = "builders_capex" if d.qualifier in FIRM else "builders_capex_up_to"
            out.append(Part(d, col, usd(d.amount), f"deal_{d.id}_amount"))
        if d.power is not None and d.power_range is None:
            col = ("power_firm" if d.power_qualifier in FIRM
                   else "power_up_to" if d.power_qualifier in UP_TO else None)
            if col:
                out.append(Part(d, col, float(d.power.to("GW").magnitude), f"deal_{d.id}_power"))
    elif d.kind == "investment" and amount and d.payee == d.buyer:
        col = ("investment_received_firm" if d.qualifier in FIRM
               else "investment_received_up_to" if d.qualifier in UP_TO else None)
        if col:
            out.append(Part(d, col, usd(d.amount), f"deal_{d.id}_amount"))
    elif d.kind == "guarantee" and amount and d.qualifier in FIRM:
        out.append(Part(d, "guarantees", usd(d.amount), f"deal_{d.id}_amount"))
    return out


class Counting:
    """The ledger read at one day: which rows are on it, which count, and in which columns."""

    def __init__(self, ledger: Ledger, at: date):
        self.ledger, self.at = ledger, at
        self.by_id = {d.id: d for d in ledger.deals}
        self.order = {d.id: i for i, d in enumerate(ledger.deals)}
        self.groups: dict[str, list[Deal]] = {}
        for d in ledger.deals:
            self.groups.setdefault(self.root(d).id, []).append(d)
        self.since = {d.id: on_ledger_from(d, self.root(d)) for d in ledger.deals}

    def present(self, d: Deal) -> bool:
        return self.since[d.id] <= self.at

    def root(self, d: Deal) -> Deal:
        """The report a same_deal_as chain ends at (the one the others name)."""
        seen = {d.id}
        while d.same_deal_as and d.same_deal_as in self.by_id and d.same_deal_as not in seen:
            d = self.by_id[d.same_deal_as]
            seen.add(d.id)
        return d

    def representative(self, root: Deal) -> Deal | None:
        """The member of a same_deal_as group that stands for it at the day, or None."""
        if self.present(root):
            return root
        members = [m for m in self.groups.get(root.id, [root]) if self.present(m)]
        return min(members, key=lambda m: (self.since[m.id], self.order[m.id]), default=None)

    def stands(self, d: Deal) -> bool:
        """On the ledger at the day and in force by its status and supersession."""
        if not self.present(d) or d.status == "talks":
            return False
        if d.ended is not None and day(d.ended) <= self.at:
            return False
        later = self.by_id.get(d.superseded_by) if d.superseded_by else None
        return later is None or not self.present(later)

    def counts(self, d: Deal) -> bool:
        """The row counts in at least its uncovered columns."""
        return self.representative(self.root(d)) is d and self.stands(d)

    def covering(self, d: Deal) -> Deal | None:
        """The deal standing for the one this row's covered_by names, if it counts at the day."""
        cov = d.covered_by or self.root(d).covered_by
        if not cov or cov not in self.by_id:
            return None
        rep, seen = self.representative(self.root(self.by_id[cov])), set()
        while rep is not None and not self.counts(rep) and rep.id not in seen:
            seen.add(rep.id)         # a superseded cover: the report that replaced it covers
            later = self.by_id.get(rep.superseded_by) if rep.superseded_by else None
            rep = self.representative(self.root(later)) if later and self.present(later) else None
        return rep if rep is not None and self.counts(rep) else None

    def parts(self, d: Deal) -> list[Part]:
        """What a row adds to its buyer's columns at the day (nothing when it does not count)."""
        if not self.counts(d):
            return []
        cover = self.covering(d)
        left_out = {family(p.column) for p in parts_of(cover)} if cover is not None else set()
        return [p for p in parts_of(d) if family(p.column) not in left_out]

    def totals(self) -> dict:
        """{buyer: {column: [Part, ...]}} over the rows on the ledger at the day."""
        out: dict[str, dict[str, list]] = {}
        for d in self.ledger.deals:
            if not self.present(d):
                continue
            cols = out.setdefault(d.buyer, {c: [] for c in COLUMNS})
            for p in self.parts(d):
                cols[p.column].append(p)
        return out


DEAL_PARTS = ("amount_low", "amount_high", "amount", "power")
# in the note of a ledger figure a scenario reads at its ledger_as_of (explain shows such notes)
LEDGER_DATED = "(ledger_as_of)"


def deal_of_figure(ledger: Ledger, name: str) -> Deal | None:
    """The row a ``deal_<id>_<part>`` figure name comes from, or None."""
    for part in DEAL_PARTS:
        if name.startswith("deal_") and name.endswith(f"_{part}"):
            did = name[len("deal_"):-len(part) - 1]
            found = next((d for d in ledger.deals if d.id == did), None)
            if found is not None:
                return found
    return None


def not_in_force(counting: "Counting", d: Deal) -> str | None:
    """Why row ``d`` was not in force at the day for a reason of dates (not yet announced, ended,
    superseded), in words; None when it was (a talks row and a second report of a deal are
    reports in force: their numbers stand)."""
    at = counting.at.isoformat()
    if not counting.present(d):
        return f"announced {d.announced}, after {at}"
    if d.ended is not None and day(d.ended) <= counting.at:
        return f"{d.status} {d.ended}"
    later = counting.by_id.get(d.superseded_by) if d.superseded_by else None
    if later is not None and counting.present(later):
        return f"superseded by {later.id} ({later.announced})"
    return None


def check_any(counting: "Counting") -> None:
    """Refuse a day before the ledger's first row: every view of the ledger says so alike."""
    if not any(counting.present(d) for d in counting.ledger.deals):
        first = min(counting.ledger.deals, key=lambda d: counting.since[d.id])
        raise CalcError(f"as of {counting.at.isoformat()} the ledger has no deals; its first was "
                        f"announced {first.announced}: give a later date")


def no_buyer(counting: "Counting", buyer: str, shown: str) -> CalcError:
    """The error for a buyer with no row on the ledger at the day: not on it at all, or not yet."""
    on_day = sorted({d.buyer for d in counting.ledger.deals if counting.present(d)}, key=str.lower)
    mine = [d for d in counting.ledger.deals if d.buyer.lower() == buyer.lower()]
    if not mine:
        everyone = sorted({d.buyer for d in counting.ledger.deals}, key=str.lower)
        hint = did_you_mean(buyer, everyone) if len(buyer) <= 200 else ""
        return CalcError(f"no deals for buyer {shown}{hint}; the ledger's buyers are "
                         f"{', '.join(everyone)}")
    first = min(mine, key=lambda d: counting.since[d.id])
    return CalcError(f"no deals for buyer {mine[0].buyer!r} as of {counting.at.isoformat()}: its "
                     f"first was announced {first.announced}; the buyers as of then are "
                     f"{', '.join(on_day)}")


def total_values(ledger: Ledger, at: date) -> dict:
    """{figure id: (value as a Quantity, [Part, ...])} for every buyer and column at the day, the
    aliases included; zero where nothing counts."""
    out = {}
    totals = Counting(ledger, at).totals()
    for buyer in dict.fromkeys(d.buyer for d in ledger.deals):   # a buyer with no row yet: zeros
        cols = totals.get(buyer) or {c: [] for c in COLUMNS}
        for col, parts in cols.items():
            q = Q(sum(p.value for p in parts), unit(col))
            out[f"deals_{slug(buyer)}_{col}"] = (q, parts)
        for alias, col in ALIASES.items():
            out[f"deals_{slug(buyer)}_{alias}"] = out[f"deals_{slug(buyer)}_{col}"]
    return out


def add_total_figures(ledger: Ledger, figures: dict, quantities: dict, make_figure) -> None:
    """Every buyer's columns as of today as derived figures ``deals_<buyer>_<column>`` (a column
    no row counts in is 0, so that a scenario can name it with any ``ledger_as_of``), and today's
    names (``deals_<buyer>_usd``, ...) as aliases of them."""
    at = date.today()
    columns = Counting(ledger, at).totals()
    for buyer in dict.fromkeys(d.buyer for d in ledger.deals):   # a buyer with no row yet: zeros
        cols = columns.get(buyer) or {c: [] for c in COLUMNS}
        for col, parts in cols.items():
            fid = f"deals_{slug(buyer)}_{col}"
            figures[fid] = _total_figure(fid, buyer, col, parts, at, quantities, make_figure)
        for alias, col in ALIASES.items():
            target = f"deals_{slug(buyer)}_{col}"
            t = figures[target]
            figures[f"deals_{slug(buyer)}_{alias}"] = make_figure(
                id=f"deals_{slug(buyer)}_{alias}", value=t.value, low=None, high=None,
                qualifier=t.qualifier, kind="derived", as_of=t.as_of, formula=target,
                gloss=t.gloss, quantity=t.quantity, confidence=t.confidence,
                note=f"Today's name for {target} (README, 'Migrating figure names').", where="")


def _total_figure(fid: str, buyer: str, col: str, parts: list, at: date, quantities: dict,
                  make_figure):
    """The figure of one buyer's column: the sum of its rows' figures, or 0 when none counts."""
    quantity = ("facility_power" if family(col) == "power"
                else "investment" if family(col) == "investment" else "commitment")
    rules = ("(README, 'The deals ledger': statuses, supersession, same_deal_as and covered_by "
             "column by column).")
    common = dict(id=fid, low=None, high=None, kind="derived",
                  quantity=quantity if quantity in quantities else None, where="")
    if not parts:
        return make_figure(
            value=Q(0.0, unit(col)), qualifier="exact", as_of=at.isoformat(), formula="0",
            gloss=f"{buyer}: {_WHAT[col]}: none", confidence=None,
            note=f"No row of {buyer} counts in this column on the day the ledger is loaded "
                 f"{rules} A scenario's ledger_as_of reads it at another date.", **common)
    quals = {p.deal.power_qualifier if family(col) == "power" else p.deal.qualifier
             for p in parts}
    return make_figure(
        value=Q(sum(p.value for p in parts), unit(col)),
        qualifier="up_to" if col.endswith("up_to") else ("exact" if quals == {"exact"}
                                                         else "approx"),
        as_of=max((p.deal.announced for p in parts), key=day),
        formula=" + ".join(p.figure for p in parts),
        gloss=f"{buyer}: {_WHAT[col]}, each deal counted once ({len(parts)} rows)",
        confidence=max((p.deal.confidence for p in parts), key=CONFIDENCE_ORDER.index),
        note=f"Rows {', '.join(p.deal.id for p in parts)}, counted as the ledger stands on the day "
             f"it is loaded {rules}", **common)


def investments_received(ledger: Ledger, buyer: str, at: date) -> list[Part]:
    """The firm investment rows ``buyer`` has received that count at the day ``at`` (qualifiers
    exact, approx, at_least, more_than; each deal counted once, as in the totals)."""
    counting = Counting(ledger, at)
    return [p for d in ledger.deals if d.buyer == buyer and counting.present(d)
            for p in counting.parts(d) if p.column == "investment_received_firm"]


def received_on(part: Part) -> str:
    """The date an investment row lands on: its ``start``, else its ``announced`` (as written)."""
    return part.deal.start or part.deal.announced
