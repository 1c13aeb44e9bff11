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

import textwrap

import numpy as np

from calc import ledger_count
from calc.deal_table import ledger_of, rates
from calc.ledger import PURCHASES
from calc.ledger_count import FIRM, UP_TO
from calc.format import money
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


def flows(reg=None, as_of=None) -> dict:
    """``{"edges": [...], "round_trips": [...]}`` as of ``as_of`` (today when None)."""
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


def plot(data: dict, reg=None, title: str = "Who pays whom in the deals ledger"):
    """A matplotlib Figure: one arrow per edge from payer to payee (companies on a circle, payers
    of the most money first), labelled with its amount a third of the way from the payer; the kinds
    in a legend, the round trips under the drawing, the sources in the footnote."""
    from matplotlib.lines import Line2D

    from calc.output.chart import _axes, _finish

    money_of = {}
    for e in data["edges"]:
        for n in (e["payer"], e["payee"]):
            money_of[n] = money_of.get(n, 0.0) + e["usd_firm"] + e["usd_up_to"] + e["usd_high"]
    names = sorted(money_of, key=lambda n: (-money_of[n], n))
    angle = np.linspace(np.pi / 2, np.pi / 2 - 2 * np.pi, len(names), endpoint=False)
    pos = {n: (np.cos(a), np.sin(a)) for n, a in zip(names, angle)}
    fig, (ax,) = _axes(None)
    fig.set_size_inches(11, 9)
    colors = {"investment": "#2a9d8f", "cloud-contract": "#1f5fa8", "hardware": "#d1495b",
              "capacity": "#e9a23b"}
    for e in data["edges"]:
        (x0, y0), (x1, y1) = pos[e["payer"]], pos[e["payee"]]
        color = colors.get(e["kind"], "#5b6770")
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "->", "color": color, "lw": 0.9,
                                "connectionstyle": "arc3,rad=0.12", "shrinkA": 12, "shrinkB": 12})
        amount = e["usd_firm"] or e["usd_up_to"] or e["usd_high"]
        if amount:
            word = "" if e["usd_firm"] else (" up to" if e["usd_up_to"] else " (range top)")
            ax.text(x0 + (x1 - x0) / 3, y0 + (y1 - y0) / 3, money(amount) + word, fontsize=6,
                    color=color, ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    for n, (x, y) in pos.items():
        ax.text(x * 1.1, y * 1.1, n, ha="center", va="center", fontsize=8, weight="bold")
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.25, 1.25)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.legend([Line2D([0], [0], color=c) for c in colors.values()], list(colors),
              loc="upper left", fontsize=7, frameon=False)
    trips = [f"{t['investor']} -> {t['buyer']} -> {t['investor']}: "
             + ("n/a" if t["round_trip_share"] is None else f"{t['round_trip_share']:.0%}")
             for t in data["round_trips"]]
    note = "Round trips (invested or offered / paid back): " + ("; ".join(trips) or "none")
    ax.text(-1.35, -1.25, textwrap.fill(note, 150), fontsize=7, va="top")
    reg = reg or registry()
    by_id = {d.id: d for d in reg.ledger.deals}
    sids = dict.fromkeys(by_id[i].source for e in data["edges"] for i in e["deals"])
    cites = [f"{reg.source(s).publisher} ({reg.source(s).date})" for s in sids]
    _finish(fig, title, cites, own=True)
    return fig


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


def csv_text(data: dict) -> str:
    """Two CSV tables, edges then round trips, separated by a blank line; deals joined by ';'."""
    import pandas as pd

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
