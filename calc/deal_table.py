"""The deals ledger as a table: ``calc.deals()`` and ``calc.deal_totals()``, with derived columns.

Units of the numeric columns: ``amount`` [USD], ``power`` [GW], ``term`` [yr], ``chips`` and
``implied_chips`` [chip], ``usd_per_year`` [USD/yr], ``usd_per_gw`` [USD/GW], ``implied_power``
[GW], ``share_of_run_rate`` [1].

Derived columns, evaluated over whole columns at once:

- ``usd_per_year = amount / term``; ``usd_per_gw = amount / power``.
- A vague amount (``qualifier: range``) has no central number here: ``amount`` is null and
  ``amount_low``, ``amount_high`` carry it; its ``usd_per_year``, ``usd_per_gw`` and
  ``implied_power`` are null too, and their ends are ``<column>_low`` and ``<column>_high``
  (null on other rows), so no derived number comes from a midpoint. ``share_of_run_rate`` is
  null for a range.
- A chip count stored as a range (``[100k, 1M]``, "hundreds of thousands") has no central number
  either: ``chips`` is null and ``chips_low``, ``chips_high`` carry its ends;
  ``chips_qualifier`` says how the count reads (exact, up_to, approx..., range).
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
- ``counted``: the row counts in at least one total at the as-of date (``calc.ledger_count``).
- ``as_of``: the day the ledger is read at (YYYY-MM-DD; a coarser ``as_of`` is its first day).

``as_of`` (a date form such as ``"2025-11-30"``, or a ``datetime.date``; today when None) shows the
ledger as it stood then: rows announced by that day, counted by the rules of that day, with the
status, ``ended`` and ``superseded_by`` of that day (no later event shows, and a ``note`` that
tells of one is left out, saying so).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from calc import ledger_count
from calc.errors import CalcError
from calc.ledger import PURCHASES, Ledger
from calc.registry import registry

# The fields of `calc deals --format json` (README, "The deals ledger"), in order; the frame has a
# few more.
CONTRACT = ("id", "buyer", "provider", "payer", "payee", "announced", "kind", "amount",
            "amount_low", "amount_high", "qualifier", "power", "chips", "accelerator",
            "chip_counts", "term", "start", "status", "ended", "superseded_by", "same_deal_as",
            "covered_by", "source", "quote", "gloss", "usd_per_year", "usd_per_gw",
            "implied_chips", "implied_power", "implied_power_basis", "chips_low", "chips_high",
            "chips_qualifier")
# the two ends of the derived columns of a vague amount (qualifier: range), null on other rows
DERIVED = ("usd_per_year", "usd_per_gw", "implied_power")
ENDS = tuple(f"{c}_{end}" for c in DERIVED for end in ("low", "high"))
EXTRA = ("power_qualifier", "confidence", "counted", "implied_power_figure", "share_of_run_rate",
         "note", *ENDS, "as_of")
TOTAL_PARTS = ledger_count.COLUMNS


def ledger_of(reg) -> Ledger:
    """The deals ledger of registry ``reg``; a CalcError when it has none."""
    ledger = getattr(reg, "ledger", None)
    if ledger is None:
        raise CalcError("this registry has no deals ledger (calc/data/deals.yaml)")
    return ledger


def _num(q, unit: str) -> float:
    return np.nan if q is None else float(q.to(unit).magnitude)


def _base(reg, counting) -> pd.DataFrame:
    rows, ledger = [], counting.ledger
    for d in ledger.deals:
        if not counting.present(d):
            continue
        acc = reg.accelerators.get(d.accelerator) if d.accelerator else None
        rows.append({
            "id": d.id, "buyer": d.buyer, "provider": d.provider, "payer": d.payer,
            "payee": d.payee, "announced": d.announced, "kind": d.kind,
            **_as_it_stood(counting, d),
            "amount": _num(d.amount, "USD"), "qualifier": d.qualifier, "power": _num(d.power, "GW"),
            "chips": np.nan if d.chips_range else _num(d.chips, "chip"),
            "chips_low": _num(d.chips_range[0], "chip") if d.chips_range else np.nan,
            "chips_high": _num(d.chips_range[1], "chip") if d.chips_range else np.nan,
            "chips_qualifier": d.chips_qualifier, "accelerator": d.accelerator,
            "chip_counts": acc.counts if acc else None, "term": _num(d.term, "yr"),
            "start": d.start,
            "same_deal_as": d.same_deal_as, "covered_by": d.covered_by,
            "source": d.source, "quote": d.quote, "gloss": d.gloss,
            "amount_low": _num(d.amount_range[0], "USD") if d.amount_range else np.nan,
            "amount_high": _num(d.amount_range[1], "USD") if d.amount_range else np.nan,
            "power_qualifier": d.power_qualifier, "confidence": d.confidence,
            "counted": bool(counting.parts(d)), "note": _note_then(counting, d),
            "as_of": counting.at.isoformat(),
            "_it_power": _per_chip(reg, acc), "_run_rate": _run_rate(reg, ledger, d.buyer),
        })
    return pd.DataFrame(rows)


def _as_it_stood(counting, d) -> dict:
    """status, ended and superseded_by as they stood at the day: a row that stalled or was
    cancelled later shows its earlier status (``status_before``, else announced) and no end; a
    report superseded later shows no successor."""
    later = counting.by_id.get(d.superseded_by) if d.superseded_by else None
    out = {"status": d.status, "ended": d.ended,
           "superseded_by": d.superseded_by if later is None or counting.present(later) else None}
    if d.ended is not None and ledger_count.day(d.ended) > counting.at:
        out.update(status=d.status_before or "announced", ended=None)
    return out


def _note_then(counting, d) -> str | None:
    """The row's note, unless it tells what happened after the day (a stall, a cancellation or a
    superseding report still to come): then a line saying it is left out."""
    later = counting.by_id.get(d.superseded_by) if d.superseded_by else None
    if d.note and ((d.ended is not None and ledger_count.day(d.ended) > counting.at)
                   or (later is not None and not counting.present(later))):
        return (f"(note left out as of {counting.at.isoformat()}: it tells what happened later; "
                "the view without as_of gives it)")
    return d.note


def _per_chip(reg, acc) -> float:
    """IT power per chip [W/chip] of a catalogue entry, NaN where the catalogue has none."""
    fid = acc.figure_id("it_power_per_chip") if acc else None
    return float(reg.figure(fid).value.to("W/chip").magnitude) if fid else np.nan


def _run_rate(reg, ledger: Ledger, buyer: str) -> float:
    fid = (ledger.run_rates or {}).get(buyer)
    return float(reg.figure(fid).value.to("USD/yr").magnitude) if fid else np.nan


def rates(reg=None) -> dict:
    """The figures behind the derived columns: {name: (figure id, central value in the column's
    unit)}."""
    reg = reg or registry()
    ledger = ledger_of(reg)
    out = {}
    pue = reg.defaults.get("pue")
    if pue:
        out["pue"] = (pue, float(reg.figure(pue).value.to("").magnitude))
    if ledger.capex_per_power:
        out["capex_per_power"] = (
            ledger.capex_per_power,
            float(reg.figure(ledger.capex_per_power).value.to("USD/GW").magnitude))
    rental = reg.defaults.get("rental_price_per_power") or ledger.rental_price_per_power
    if rental:
        out["rental_price_per_power"] = (rental,
                                         float(reg.figure(rental).value.to("USD/GW/yr").magnitude))
    return out


def _check_buyer(buyer) -> None:
    """Refuse a ``buyer`` that is not None or a name (text)."""
    if buyer is not None and not isinstance(buyer, str):
        raise CalcError(f"buyer: expected a buyer's name such as 'OpenAI', got {buyer!r}"[:200])


def _short(text: str) -> str:
    """``text`` quoted for a message, cut at 200 characters."""
    return repr(text) if len(text) <= 200 else f"{text[:200]!r}... ({len(text):,} characters)"


def _no_buyer(counting, buyer: str) -> CalcError:
    """No row for ``buyer`` on the ledger at the day (ledger_count.no_buyer), with the date hint."""
    return CalcError(f"{ledger_count.no_buyer(counting, buyer, _short(buyer))}{_date_hint(buyer)}")


def _date_hint(buyer: str) -> str:
    """A hint where the buyer given reads as a date: the date goes in ``as_of=``."""
    try:
        ledger_count.as_of_day(buyer)
    except CalcError:
        return ""
    return (f"; {_short(buyer)} reads as a date: the first argument is the buyer, give the date "
            f"as as_of={_short(buyer)}")


def deals(buyer: str | None = None, *, as_of=None, reg=None) -> pd.DataFrame:
    """Every deal of the ledger (or one buyer's) as of ``as_of``, with its derived columns; numbers
    in the units above. The buyer is the only positional argument, as in ``deal_totals``."""
    _check_buyer(buyer)
    reg = reg or registry()
    ledger = ledger_of(reg)
    counting = ledger_count.Counting(ledger, ledger_count.as_of_day(as_of))
    ledger_count.check_any(counting)
    df = _base(reg, counting)
    r = rates(reg)
    pue = r.get("pue", (None, np.nan))[1]
    capex_id, capex = r.get("capex_per_power", (None, np.nan))
    rental_id, rental = r.get("rental_price_per_power", (None, np.nan))
    is_cloud = (df["kind"] == "cloud-contract").to_numpy()
    is_capex = df["kind"].isin(["hardware", "capacity"]).to_numpy()

    def derived(amount: pd.Series) -> dict:
        """usd_per_year [USD/yr], usd_per_gw [USD/GW], implied_power [GW] of ``amount`` [USD]."""
        per_year = amount / df["term"]
        return {"usd_per_year": per_year, "usd_per_gw": amount / df["power"],
                "implied_power": np.where(is_capex, amount / capex,
                                          np.where(is_cloud, per_year / rental, np.nan))}

    # a range's central value (its geometric mean) is no published number: only its ends show
    df.loc[df["qualifier"] == "range", "amount"] = np.nan
    for end in ("low", "high"):
        for col, v in derived(df[f"amount_{end}"]).items():
            df[f"{col}_{end}"] = v
    for col, v in derived(df["amount"]).items():
        df[col] = v
    df["implied_chips"] = df["power"] * 1e9 / (df.pop("_it_power") * pue)
    # the basis is named only where a number (or a range's two ends) was computed
    known = (df["implied_power"].notna() | df["implied_power_low"].notna()).to_numpy()
    df["implied_power_basis"] = pd.Series(np.where(known & is_capex, "capex",
                                                   np.where(known & is_cloud, "rental", "")),
                                          dtype=object).replace("", None)
    df["implied_power_figure"] = pd.Series(np.where(known & is_capex, capex_id or "", np.where(
        known & is_cloud, rental_id or "", "")), dtype=object).replace("", None)
    spends = df["kind"].isin(PURCHASES).to_numpy()
    df["share_of_run_rate"] = np.where(spends, df["usd_per_year"] / df.pop("_run_rate"), np.nan)
    df = df[list(CONTRACT) + list(EXTRA)]
    # text columns: None where the sources do not say
    for col in df.columns[df.dtypes == object]:
        df[col] = df[col].where(df[col].notna(), None)
    if buyer is not None:
        df = df[df["buyer"].str.lower() == buyer.lower()]
        if df.empty:
            raise _no_buyer(counting, buyer)
    return df.reset_index(drop=True)


def deal_totals(buyer: str | None = None, *, as_of=None, reg=None) -> pd.DataFrame:
    """Per-buyer totals as of ``as_of`` (today when None), each deal counted once, in columns that
    never add unlike things (``calc.ledger_count``): ``buyer``, ``deals`` (rows counting in some
    column), ``reports`` (rows on the ledger), then ``TOTAL_PARTS`` [USD; power columns in GW];
    ``.attrs["as_of"]`` is the day read (YYYY-MM-DD; ``calc deals --totals`` writes it as a last
    column).
    There is no all-buyers row: one company's purchase is another's sale. A buyer none of whose
    rows counts in a column (Oracle: chips without a price and its own capex plan) has a row only
    when ``buyer`` names it. Each number is also the figure ``deals_<buyer>_<column>`` (with
    ``ledger_as_of`` in a scenario for another date). The buyer is the only positional argument,
    as in ``deals``.
    """
    _check_buyer(buyer)
    reg = reg or registry()
    ledger = ledger_of(reg)
    counting = ledger_count.Counting(ledger, ledger_count.as_of_day(as_of))
    ledger_count.check_any(counting)
    totals = counting.totals()
    buyers = sorted(totals, key=str.lower)
    if buyer is not None:
        buyers = [b for b in buyers if b.lower() == buyer.lower()]
        if not buyers:
            raise _no_buyer(counting, buyer)
    else:                                    # a row of zeros only when asked for by name
        buyers = [b for b in buyers if any(totals[b][c] for c in TOTAL_PARTS)]
    rows = []
    for b in buyers:
        mine = [d for d in ledger.deals if d.buyer == b and counting.present(d)]
        row = {"buyer": b, "deals": sum(bool(counting.parts(d)) for d in mine),
               "reports": len(mine)}
        for col in TOTAL_PARTS:
            row[col] = float(sum(p.value for p in totals[b][col]))
        rows.append(row)
    out = pd.DataFrame(rows, columns=["buyer", "deals", "reports", *TOTAL_PARTS])
    out.attrs["as_of"] = counting.at.isoformat()
    return out


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN and None become null."""
    out = []
    for rec in frame.to_dict(orient="records"):
        out.append({k: (None if (isinstance(v, float) and np.isnan(v)) else
                        (v.item() if isinstance(v, np.generic) else v)) for k, v in rec.items()})
    return out
