"""Money between companies in the deals ledger: edges (who pays whom) and round trips.

An edge is the money from one company to another, one per payer, payee and kind, over the rows that
count at the as-of date (``calc.ledger_count``); rows without a payee (builders' capex, capex)
and guarantees are not edges, and a covered row's money is left out where its covering deal
already counts money. Amounts [USD]: ``usd_firm`` (firm qualifiers), ``usd_up_to`` (up_to,
less_than), ``usd_low`` and ``usd_high`` (a range's ends).

A round trip is where A invests in B and B pays A:
``round_trip_share = min(invested_firm + invested_up_to, paid_back + paid_back_up_to) /
(paid_back + paid_back_up_to)`` [1], what the investor put in or offered against what comes back
or may come back: "up to" counts on both sides. ``paid_back`` [USD] counts B's firm payments to A,
``paid_back_up_to`` [USD] its "up to" ones; a purchase with no price is valued as its
``implied_power_basis`` says: power x capex per GW for hardware and capacity (``capex``), power x
rental price per GW-year x term for cloud contracts (``rental``, only with a term), in
``paid_back`` for firm power and in ``paid_back_up_to`` for "up to" power. ``paid_back_basis``
names what was used ("firm", "up to", "capex", "rental", "capex up to", "rental up to", joined by
"+"). A range is no firm price and has no power-based value here: vague payments back ("tens
of billions") are their two ends, ``paid_back_vague_low`` and ``paid_back_vague_high`` [USD],
and a round trip with any is a range too: ``round_trip_share`` is null and
``round_trip_share_low`` [1] (everything back at the high end) and ``round_trip_share_high`` (at
the low end) carry it; both ends are null on the other rows, as no midpoint is a number.
"""

from __future__ import annotations

import textwrap

import numpy as np

from calc import ledger_count
from calc.deal_table import ledger_of, rates
from calc.errors import CalcError
from calc.ledger import PURCHASES
from calc.ledger_count import FIRM, UP_TO
from calc.format import money, wrap_cell
from calc.optional import need
from calc.registry import registry

EDGE_KEYS = ("payer", "payee", "kind", "usd_firm", "usd_up_to", "usd_low", "usd_high", "deals")
TRIP_KEYS = ("investor", "buyer", "invested_firm", "invested_up_to", "paid_back", "paid_back_up_to",
             "paid_back_vague_low", "paid_back_vague_high", "paid_back_basis", "round_trip_share",
             "round_trip_share_low", "round_trip_share_high")


def _money_rows(counting):
    """(row, its money counts) for the rows between two companies that count at the day: a covered
    row is left out where its covering deal counts the same thing and nothing of it remains."""
    for d in counting.ledger.deals:
        if d.payee is None or d.kind in ("guarantee", "capex") or not counting.counts(d):
            continue
        parts = counting.parts(d)
        if counting.covering(d) is not None and not parts:
            continue
        yield d, any(ledger_count.family(p.column) in ("payments", "investment") for p in parts)


def flows(as_of=None, *, reg=None) -> dict:
    """``{"as_of": "YYYY-MM-DD", "edges": [...], "round_trips": [...]}`` as of ``as_of`` (today
    when None; a coarser date is its first day), the only positional argument, as the buyer is in
    ``calc.deals``."""
    if hasattr(as_of, "ledger"):
        raise CalcError("calc.deal_flows(as_of=None, *, reg=None): the first argument is the date "
                        "(e.g. '2025-11-30'); give a registry as reg=...")
    reg = reg or registry()
    counting = ledger_count.Counting(ledger_of(reg), ledger_count.as_of_day(as_of))
    ledger_count.check_any(counting)
    edges: dict[tuple, dict] = {}
    for d, money in _money_rows(counting):
        e = edges.setdefault((d.payer, d.payee, d.kind), {
            "payer": d.payer, "payee": d.payee, "kind": d.kind, "usd_firm": 0.0, "usd_up_to": 0.0,
            "usd_low": 0.0, "usd_high": 0.0, "deals": []})
        e["deals"].append(d.id)
        if money and d.amount is not None:
            usd = float(d.amount.to("USD").magnitude)
            if d.qualifier in FIRM:
                e["usd_firm"] += usd
            elif d.qualifier in UP_TO:
                e["usd_up_to"] += usd
            elif d.amount_range is not None:
                e["usd_low"] += float(d.amount_range[0].to("USD").magnitude)
                e["usd_high"] += float(d.amount_range[1].to("USD").magnitude)
    out_edges = sorted(edges.values(), key=lambda e: (e["payer"], e["payee"], e["kind"]))
    return {"as_of": counting.at.isoformat(), "edges": out_edges,
            "round_trips": _round_trips(counting, out_edges, rates(reg))}


def _round_trips(counting, edges: list, rate: dict) -> list:
    capex = rate.get("capex_per_power", (None, np.nan))[1]
    rental = rate.get("rental_price_per_power", (None, np.nan))[1]
    by_id = counting.by_id
    trips = []
    for inv in (e for e in edges if e["kind"] == "investment"):
        investor, buyer = inv["payer"], inv["payee"]
        back = [e for e in edges if e["payer"] == buyer and e["payee"] == investor
                and e["kind"] in PURCHASES]
        if not back:
            continue
        paid, basis = {"firm": 0.0, "up to": 0.0, "vague low": 0.0, "vague high": 0.0}, []
        for e in back:
            for how, usd in (("firm", e["usd_firm"]), ("up to", e["usd_up_to"]),
                             ("vague low", e["usd_low"]), ("vague high", e["usd_high"])):
                if usd:
                    paid[how] += usd
                    basis.append(how)
            for did in e["deals"]:
                d = by_id[did]
                how = ("firm" if d.power_qualifier in FIRM else
                       "up to" if d.power_qualifier in UP_TO else None)
                if d.amount is not None or d.power is None or how is None:
                    continue
                gw, tag = float(d.power.to("GW").magnitude), "" if how == "firm" else " up to"
                if d.kind in ("hardware", "capacity") and np.isfinite(capex):
                    paid[how] += gw * capex
                    basis.append("capex" + tag)
                elif d.kind == "cloud-contract" and d.term is not None and np.isfinite(rental):
                    paid[how] += gw * rental * float(d.term.to("yr").magnitude)
                    basis.append("rental" + tag)
        offered, back_all = inv["usd_firm"] + inv["usd_up_to"], paid["firm"] + paid["up to"]
        vague = paid["vague high"] > 0
        share = lambda back: min(offered, back) / back if back > 0 else None  # noqa: E731
        trips.append({"investor": investor, "buyer": buyer, "invested_firm": inv["usd_firm"],
                      "invested_up_to": inv["usd_up_to"], "paid_back": paid["firm"],
                      "paid_back_up_to": paid["up to"],
                      "paid_back_vague_low": paid["vague low"] if vague else None,
                      "paid_back_vague_high": paid["vague high"] if vague else None,
                      "paid_back_basis": "+".join(dict.fromkeys(
                          "vague" if b.startswith("vague") else b for b in basis)) or None,
                      "round_trip_share": None if vague else share(back_all),
                      "round_trip_share_low": share(back_all + paid["vague high"]) if vague
                      else None,
                      "round_trip_share_high": share(back_all + paid["vague low"]) if vague
                      else None})
    return sorted(trips, key=lambda t: (t["investor"], t["buyer"]))


# the round trips as the reading formats show them: a range's two ends in one cell
SHOWN_TRIP_KEYS = ("investor", "buyer", "invested_firm", "invested_up_to", "paid_back",
                   "paid_back_up_to", "paid_back_vague", "paid_back_basis", "round_trip_share")
VAGUE_NOTE = ("Vague payments back (\"tens of billions\") count as their two ends: the share is "
              "then a range, low with everything back at the high end; no midpoint is used.")


def _shown_trips(trips: list) -> list:
    """Round trips for the reading formats: ``paid_back_vague`` '$20.0B–$100B' and a share range
    '2.0%–10.0%' where payments back are vague."""
    out = []
    for t in trips:
        row = {k: t.get(k) for k in SHOWN_TRIP_KEYS}
        if t.get("paid_back_vague_high"):
            row["paid_back_vague"] = (f"{money(t['paid_back_vague_low'])}–"
                                      f"{money(t['paid_back_vague_high'])}")
            low, high = t["round_trip_share_low"], t["round_trip_share_high"]
            row["round_trip_share"] = (f"{low:.1%}–{high:.1%}" if high is not None else None)
        out.append(row)
    return out


def text(data: dict, width: int | None = None) -> str:
    """The edges, then the round trips, as aligned text (money as $38.0B), fitted to ``width``
    characters [COLUMNS] when given: the last column (the deals of an edge) wraps; where even
    then a table is too wide, it goes one record a block, 'key: value' a line."""

    def table(rows, keys):
        cells = [[_cell(r[k], money) for k in keys] for r in rows]
        widths = [max([len(k)] + [len(c[i]) for c in cells]) for i, k in enumerate(keys)]
        if width is not None and sum(widths) + 2 * (len(widths) - 1) > width:
            room = width - sum(widths[:-1]) - 2 * (len(widths) - 1)   # for the last column
            longest = max([len(w) for c in cells for w in c[-1].split(" ")] + [len(keys[-1])])
            if room < longest:                # the last column wraps between whole words
                return _blocks(keys, cells, width)
            widths[-1] = room
        line = lambda cs: "  ".join(c.ljust(w) for c, w in zip(cs, widths)).rstrip()  # noqa: E731
        out = [line(keys), line(["-" * w for w in widths])]
        for c in cells:                          # the last column (deals) wraps in its width
            last = wrap_cell(c[-1], widths[-1])
            out += [line([*c[:-1], last[0]]),
                    *(line(["" for _ in c[:-1]] + [more]) for more in last[1:])]
        return out

    trips = data["round_trips"]
    head = lambda t: textwrap.wrap(t, width) if width else [t]  # noqa: E731
    out = [*_dated(data), *head("Edges (money from payer to payee, per kind):"),
           *table(data["edges"], EDGE_KEYS), "",
           *head("Round trips (A invests in B, B pays A):"),
           *table(_shown_trips(trips), SHOWN_TRIP_KEYS)]
    if any(t.get("paid_back_vague_high") for t in trips):
        out += ["", *(textwrap.wrap(VAGUE_NOTE, width) if width else [VAGUE_NOTE])]
    return "\n".join(out) + "\n"


def _blocks(keys, cells: list, width: int) -> list[str]:
    """Rows as blocks of 'key: value' lines, each at most ``width`` characters (long values wrap
    under their key), a blank line between blocks."""
    pad = max(len(k) for k in keys) + 2
    out = []
    for row in cells:
        for k, c in zip(keys, row):
            lines = textwrap.wrap(c, max(width - pad, 10)) or [""]
            out += [f"{k + ':':<{pad}}{lines[0]}".rstrip(), *(" " * pad + ln for ln in lines[1:])]
        out.append("")
    return out[:-1]


def markdown(data: dict) -> str:
    """The edges, then the round trips, as two Markdown tables (money as $38.0B)."""

    def table(rows, keys):
        cell = lambda r, k: _cell(r[k], money).replace("|", "\\|")  # noqa: E731
        return ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys),
                *("| " + " | ".join(cell(r, k) for k in keys) + " |" for r in rows)]

    out = [*_dated(data), "Edges (money from payer to payee, per kind):", "",
           *table(data["edges"], EDGE_KEYS),
           "", "Round trips (A invests in B, B pays A):", "",
           *table(_shown_trips(data["round_trips"]), SHOWN_TRIP_KEYS)]
    if any(t.get("paid_back_vague_high") for t in data["round_trips"]):
        out += ["", VAGUE_NOTE]
    return "\n".join(out) + "\n"


def csv_text(data: dict) -> str:
    """Two CSV tables, edges then round trips, separated by a blank line; deals joined by ';';
    each row ends with the day read (``as_of``)."""
    pd = need("pandas")
    day = {"as_of": data["as_of"]} if data.get("as_of") else {}
    edges = pd.DataFrame([{**e, "deals": ";".join(e["deals"]), **day} for e in data["edges"]],
                         columns=[*EDGE_KEYS, *day])
    trips = pd.DataFrame([{**t, **day} for t in data["round_trips"]], columns=[*TRIP_KEYS, *day])
    return edges.to_csv(index=False) + "\n" + trips.to_csv(index=False)


def _dated(data: dict) -> list[str]:
    """The first lines of a printed view: the day the ledger is read at."""
    return [f"The deals ledger as of {data['as_of']}.", ""] if data.get("as_of") else []


def _cell(v, money) -> str:
    if v is None or (isinstance(v, float) and v == 0):
        return "-"
    if isinstance(v, list):
        return ", ".join(v)
    if isinstance(v, float):
        return money(v) if v > 1e3 else (f"{v:.1%}" if v <= 1 else f"{v:g}")
    return str(v)
