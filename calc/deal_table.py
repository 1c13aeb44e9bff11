"""The deals ledger as a table: ``calc.deals()`` and ``calc.deal_totals()``, with derived columns.

Units of the numeric columns: ``amount`` [USD], ``power`` [GW], ``term`` [yr], ``chips`` and
``implied_chips`` [chip], ``usd_per_year`` [USD/yr], ``usd_per_gw`` [USD/GW], ``implied_power``
[GW], ``share_of_run_rate`` [1].

Derived columns, evaluated over whole columns at once:

- ``usd_per_year = amount / term``; ``usd_per_gw = amount / power``.
- ``implied_chips = power / (it_power_per_chip x pue)``: chips of the named accelerator that the
  deal's power (read as facility power) holds, at the catalogue's IT power per chip and the
  registry's default PUE (central value). ``chip_counts`` says what one chip is (gpu, superchip,
  tpu_chip, trainium_chip); a Vera Rubin "chip" is a two-die package.
- ``implied_power``: the GW the money buys. Hardware and capacity deals convert at capex per GW
  (``implied_power_basis = "capex"``: amount / capex_per_power); cloud contracts at the rental
  price per GW-year (``"rental"``: usd_per_year / rental_price_per_power). ``implied_power_figure``
  names the rate's figure. Investments buy no power here (null).
- ``share_of_run_rate = usd_per_year / the buyer's latest run-rate revenue`` (figure in
  ``deals.yaml: run_rates``); null for investments and for buyers without a run-rate figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calc.errors import CalcError
from calc.ledger import Ledger, slug

# The fields of `calc deals --format json` (README, "The deals ledger"), in order; the frame has a few more.
CONTRACT = ("id", "buyer", "provider", "announced", "kind", "amount", "qualifier", "power", "chips", "accelerator",
            "chip_counts", "term", "start", "status", "same_deal_as", "covered_by", "source", "quote", "gloss",
            "usd_per_year", "usd_per_gw", "implied_chips", "implied_power", "implied_power_basis")
EXTRA = ("amount_low", "amount_high", "power_qualifier", "confidence", "counted", "implied_power_figure",
         "share_of_run_rate", "note")
TOTAL_PARTS = ("usd", "usd_up_to", "investment_usd", "investment_usd_up_to", "gw", "gw_up_to")


def _ledger(reg) -> Ledger:
    ledger = getattr(reg, "ledger", None)
    if ledger is None:
        raise CalcError("this registry has no deals ledger (calc/data/deals.yaml)")
    return ledger


def _num(q, unit: str) -> float:
    return np.nan if q is None else float(q.to(unit).magnitude)


def _base(reg, ledger: Ledger) -> pd.DataFrame:
    rows = []
    for d in ledger.deals:
        acc = reg.accelerators.get(d.accelerator) if d.accelerator else None
        rows.append({
            "id": d.id, "buyer": d.buyer, "provider": d.provider, "announced": d.announced, "kind": d.kind,
            "amount": _num(d.amount, "USD"), "qualifier": d.qualifier, "power": _num(d.power, "GW"),
            "chips": _num(d.chips, "chip"), "accelerator": d.accelerator,
            "chip_counts": acc.counts if acc else None, "term": _num(d.term, "yr"), "start": d.start,
            "status": d.status, "same_deal_as": d.same_deal_as, "covered_by": d.covered_by, "source": d.source,
            "quote": d.quote, "gloss": d.gloss,
            "amount_low": _num(d.amount_range[0], "USD") if d.amount_range else np.nan,
            "amount_high": _num(d.amount_range[1], "USD") if d.amount_range else np.nan,
            "power_qualifier": d.power_qualifier, "confidence": d.confidence, "counted": d.counted, "note": d.note,
            "_it_power": _per_chip(reg, acc), "_run_rate": _run_rate(reg, ledger, d.buyer),
        })
    return pd.DataFrame(rows)


def _per_chip(reg, acc) -> float:
    """IT power per chip [W/chip] of a catalogue entry, NaN where the catalogue has none."""
    fid = acc.figure_id("it_power_per_chip") if acc else None
    return float(reg.figure(fid).value.to("W/chip").magnitude) if fid else np.nan


def _run_rate(reg, ledger: Ledger, buyer: str) -> float:
    fid = (ledger.run_rates or {}).get(buyer)
    return float(reg.figure(fid).value.to("USD/yr").magnitude) if fid else np.nan


def rates(reg=None) -> dict:
    """The figures behind the derived columns: {name: (figure id, central value in the column's unit)}."""
    from calc.registry import registry

    reg = reg or registry()
    ledger = _ledger(reg)
    out = {}
    pue = reg.defaults.get("pue")
    if pue:
        out["pue"] = (pue, float(reg.figure(pue).value.to("").magnitude))
    if ledger.capex_per_power:
        out["capex_per_power"] = (ledger.capex_per_power,
                                  float(reg.figure(ledger.capex_per_power).value.to("USD/GW").magnitude))
    rental = reg.defaults.get("rental_price_per_power") or ledger.rental_price_per_power
    if rental:
        out["rental_price_per_power"] = (rental, float(reg.figure(rental).value.to("USD/GW/yr").magnitude))
    return out


def _check_buyer(buyer) -> None:
    """Refuse a ``buyer`` that is not None or a name (text)."""
    if buyer is not None and not isinstance(buyer, str):
        raise CalcError(f"buyer: expected a buyer's name such as 'OpenAI', got {buyer!r}"[:200])


def _short(text: str) -> str:
    """``text`` quoted for a message, cut at 200 characters."""
    return repr(text) if len(text) <= 200 else f"{text[:200]!r}... ({len(text):,} characters)"


def deals(buyer: str | None = None, reg=None) -> pd.DataFrame:
    """Every deal of the ledger (or one buyer's) with its derived columns; numbers in the units above."""
    from calc.registry import registry

    _check_buyer(buyer)
    reg = reg or registry()
    ledger = _ledger(reg)
    df = _base(reg, ledger)
    r = rates(reg)
    pue = r.get("pue", (None, np.nan))[1]
    capex_id, capex = r.get("capex_per_power", (None, np.nan))
    rental_id, rental = r.get("rental_price_per_power", (None, np.nan))
    df["usd_per_year"] = df["amount"] / df["term"]
    df["usd_per_gw"] = df["amount"] / df["power"]
    df["implied_chips"] = df["power"] * 1e9 / (df.pop("_it_power") * pue)
    is_cloud = (df["kind"] == "cloud-contract").to_numpy()
    is_capex = df["kind"].isin(["hardware", "capacity"]).to_numpy()
    df["implied_power"] = np.where(is_capex, df["amount"] / capex,
                                   np.where(is_cloud, df["usd_per_year"] / rental, np.nan))
    known = df["implied_power"].notna().to_numpy()       # the basis is named only where a number was computed
    df["implied_power_basis"] = pd.Series(np.where(known & is_capex, "capex", np.where(known & is_cloud, "rental", "")),
                                          dtype=object).replace("", None)
    df["implied_power_figure"] = pd.Series(np.where(known & is_capex, capex_id or "", np.where(
        known & is_cloud, rental_id or "", "")), dtype=object).replace("", None)
    spends = (df["kind"] != "investment").to_numpy()
    df["share_of_run_rate"] = np.where(spends, df["usd_per_year"] / df.pop("_run_rate"), np.nan)
    df = df[list(CONTRACT) + list(EXTRA)]
    for col in df.columns[df.dtypes == object]:          # text columns: None where the sources do not say
        df[col] = df[col].where(df[col].notna(), None)
    if buyer is not None:
        df = df[df["buyer"].str.lower() == buyer.lower()]
        if df.empty:
            buyers = sorted({d.buyer for d in ledger.deals})
            raise CalcError(f"no deals for buyer {_short(buyer)}; the ledger's buyers are {', '.join(buyers)}")
    return df.reset_index(drop=True)


def deal_totals(buyer: str | None = None, reg=None) -> pd.DataFrame:
    """Per-buyer totals, each deal counted once; 'up to' amounts and investments in their own columns.

    Every number is a registry figure (column ``<part>_figure`` names it), so scenarios can use it.
    Columns: ``buyer``, ``deals`` (counted rows), ``reports`` (all rows), ``usd``, ``usd_up_to``,
    ``investment_usd``, ``investment_usd_up_to`` [USD], ``gw``, ``gw_up_to`` [GW].
    """
    from calc.registry import registry

    _check_buyer(buyer)
    reg = reg or registry()
    ledger = _ledger(reg)
    buyers = sorted({d.buyer for d in ledger.deals})
    if buyer is not None:
        match = [b for b in buyers if b.lower() == buyer.lower()]
        if not match:
            raise CalcError(f"no deals for buyer {_short(buyer)}; the ledger's buyers are {', '.join(buyers)}")
        buyers = match
    rows = []
    for b in buyers:
        mine = [d for d in ledger.deals if d.buyer == b]
        row = {"buyer": b, "deals": sum(d.counted for d in mine), "reports": len(mine)}
        for part in TOTAL_PARTS:
            fid = f"deals_{slug(b)}_{part}"
            fig = reg.figures.get(fid)
            row[part] = float(fig.value.to("GW" if part.startswith("gw") else "USD").magnitude) if fig else 0.0
            row[f"{part}_figure"] = fid if fig else None
        rows.append(row)
    if buyer is None:                     # the sum over buyers; deals_all_usd and deals_all_gw are figures too
        row = {"buyer": "all", "deals": sum(r["deals"] for r in rows), "reports": sum(r["reports"] for r in rows)}
        for part in TOTAL_PARTS:
            row[part] = sum(r[part] for r in rows)
            row[f"{part}_figure"] = f"deals_all_{part}" if f"deals_all_{part}" in reg.figures else None
        rows.append(row)
    columns = ["buyer", "deals", "reports", *TOTAL_PARTS, *(f"{p}_figure" for p in TOTAL_PARTS)]
    return pd.DataFrame(rows, columns=columns)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN and None become null."""
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({k: (None if (isinstance(v, float) and np.isnan(v)) else
                        (v.item() if isinstance(v, np.generic) else v)) for k, v in rec.items()})
    return out
