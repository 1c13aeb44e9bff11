"""Money between companies in the deals ledger: edges (who pays whom) and round trips.

An edge is the money from one company to another, one per payer, payee and kind, over the rows that
count at the as-of date (``calc.ledger_count``); rows without a payee (builders' capex, capex)
and guarantees are not edges, and a covered row's money is left out where its covering deal
already counts money. Amounts [USD]: ``usd_firm`` (firm qualifiers), ``usd_up_to`` (up_to,
less_than), ``usd_low`` and ``usd_high`` (a range's ends).

A round trip is where A invests in B and B pays A:
``round_trip_share = min(invested_firm + invested_up_to, paid_back) / paid_back`` [1], what the
investor put in or offered against what comes back. ``paid_back`` [USD] counts B's firm payments
to A; a purchase with no price is valued as its ``implied_power_basis`` says: power x capex per
GW for hardware and capacity (``capex``), power x rental price per GW-year x term for cloud
contracts (``rental``, only with a term). ``paid_back_basis`` names what was used ("firm",
"capex", "rental", joined by "+"). A range is no firm price and has no power-based value here.
"""

from __future__ import annotations

import numpy as np

from calc import ledger_count
from calc.deal_table import by_name, ledger_of, rates
from calc.errors import CalcError
from calc.ledger import PURCHASES
from calc.ledger_count import FIRM, UP_TO
from calc.format import money
from calc.optional import need
from calc.registry import registry

EDGE_KEYS = ("payer", "payee", "kind", "usd_firm", "usd_up_to", "usd_low", "usd_high", "deals")
TRIP_KEYS = ("investor", "buyer", "invested_firm", "invested_up_to", "paid_back", "paid_back_basis",
             "round_trip_share")


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


def flows(as_of=None, *extra, reg=None) -> dict:
    """``{"edges": [...], "round_trips": [...]}`` as of ``as_of`` (today when None), the only
    positional argument, as the buyer is in ``calc.deals``."""
    by_name("calc.deal_flows(as_of=None, *, reg=None)", extra)
    if hasattr(as_of, "ledger"):
        raise CalcError("calc.deal_flows(as_of=None, *, reg=None): the first argument is the date "
                        "(e.g. '2025-11-30'); give a registry as reg=...")
    reg = reg or registry()
    counting = ledger_count.Counting(ledger_of(reg), ledger_count.as_of_day(as_of))
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
    return {"edges": out_edges, "round_trips": _round_trips(counting, out_edges, rates(reg))}


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
        paid, basis = 0.0, []
        for e in back:
            if e["usd_firm"]:
                paid += e["usd_firm"]
                basis.append("firm")
            for did in e["deals"]:
                d = by_id[did]
                if d.amount is not None or d.power is None or d.power_qualifier not in FIRM:
                    continue
                gw = float(d.power.to("GW").magnitude)
                if d.kind in ("hardware", "capacity") and np.isfinite(capex):
                    paid += gw * capex
                    basis.append("capex")
                elif d.kind == "cloud-contract" and d.term is not None and np.isfinite(rental):
                    paid += gw * rental * float(d.term.to("yr").magnitude)
                    basis.append("rental")
        offered = inv["usd_firm"] + inv["usd_up_to"]
        trips.append({"investor": investor, "buyer": buyer, "invested_firm": inv["usd_firm"],
                      "invested_up_to": inv["usd_up_to"], "paid_back": paid,
                      "paid_back_basis": "+".join(dict.fromkeys(basis)) or None,
                      "round_trip_share": min(offered, paid) / paid if paid > 0 else None})
    return sorted(trips, key=lambda t: (t["investor"], t["buyer"]))


def text(data: dict) -> str:
    """The edges, then the round trips, as aligned text (money as $38.0B)."""

    def table(rows, keys):
        cells = [[_cell(r[k], money) for k in keys] for r in rows]
        widths = [max([len(k)] + [len(c[i]) for c in cells]) for i, k in enumerate(keys)]
        line = lambda cs: "  ".join(c.ljust(w) for c, w in zip(cs, widths)).rstrip()  # noqa: E731
        return [line(keys), line(["-" * w for w in widths]), *(line(c) for c in cells)]

    out = ["Edges (money from payer to payee, per kind):", *table(data["edges"], EDGE_KEYS), "",
           "Round trips (A invests in B, B pays A):", *table(data["round_trips"], TRIP_KEYS)]
    return "\n".join(out) + "\n"


def markdown(data: dict) -> str:
    """The edges, then the round trips, as two Markdown tables (money as $38.0B)."""

    def table(rows, keys):
        cell = lambda r, k: _cell(r[k], money).replace("|", "\\|")  # noqa: E731
        return ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys),
                *("| " + " | ".join(cell(r, k) for k in keys) + " |" for r in rows)]

    out = ["Edges (money from payer to payee, per kind):", "", *table(data["edges"], EDGE_KEYS),
           "", "Round trips (A invests in B, B pays A):", "",
           *table(data["round_trips"], TRIP_KEYS)]
    return "\n".join(out) + "\n"


def csv_text(data: dict) -> str:
    """Two CSV tables, edges then round trips, separated by a blank line; deals joined by ';'."""
    pd = need("pandas")
    edges = pd.DataFrame([{**e, "deals": ";".join(e["deals"])} for e in data["edges"]],
                         columns=list(EDGE_KEYS))
    trips = pd.DataFrame(data["round_trips"], columns=list(TRIP_KEYS))
    return edges.to_csv(index=False) + "\n" + trips.to_csv(index=False)


def _cell(v, money) -> str:
    if v is None or (isinstance(v, float) and v == 0):
        return "-"
    if isinstance(v, list):
        return ", ".join(v)
    if isinstance(v, float):
        return money(v) if v > 1e3 else (f"{v:.1%}" if v <= 1 else f"{v:g}")
    return str(v)
