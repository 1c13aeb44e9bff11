"""The deals ledger (``data/deals.yaml``): read, validated with file:line, turned into registry figures.

Each row becomes a ``Deal``. Its amount and power also become registry figures
(``deal_<id>_amount``, ``deal_<id>_power``) with the row's source and quote, and the totals per
buyer become derived figures over them (``deals_<buyer>_usd``, ``deals_<buyer>_usd_up_to``,
``deals_<buyer>_investment_usd``, ``deals_<buyer>_investment_usd_up_to``, ``deals_<buyer>_gw``,
``deals_<buyer>_gw_up_to``; ``deals_all_usd``, ``deals_all_gw``), so scenarios can name them in
``derive`` and ``checks``. A total counts each deal once: a row with ``same_deal_as`` or
``covered_by`` is never counted, and "up to" amounts are totalled apart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pint

from calc import dates
from calc.errors import CalcError
from calc.units import Q, parse_quantity

FILE = "deals.yaml"
KINDS = ("cloud-contract", "hardware", "capacity", "investment")
STATUSES = ("announced", "loi", "definitive", "reported")
KEYS = {"id", "buyer", "provider", "announced", "kind", "amount", "qualifier", "power", "power_qualifier",
        "chips", "accelerator", "term", "start", "status", "same_deal_as", "covered_by", "source", "quote",
        "gloss", "confidence", "note", "summary"}     # summary: one line standing for a long note
REQUIRED = ("id", "buyer", "provider", "announced", "kind", "status", "source", "quote", "confidence")
TOP_KEYS = {"run_rates", "capex_per_power", "rental_price_per_power", "deals"}
CONFIDENCE_ORDER = ("V-primary", "V-secondary", "V-weak")


@dataclass(frozen=True)
class Deal:
    """One report of one compute deal; quantities are central values (a range's geometric mean)."""

    id: str
    buyer: str
    provider: str
    announced: str
    kind: str
    status: str
    source: str
    quote: str
    confidence: str
    amount: pint.Quantity | None = None
    amount_range: tuple | None = None          # (low, high) when the amount is a range
    qualifier: str | None = None
    power: pint.Quantity | None = None
    power_range: tuple | None = None
    power_qualifier: str | None = None
    chips: pint.Quantity | None = None
    chips_range: tuple | None = None
    accelerator: str | None = None
    term: pint.Quantity | None = None
    start: str | None = None
    same_deal_as: str | None = None
    covered_by: str | None = None
    gloss: str | None = None
    note: str | None = None
    where: str = ""

    @property
    def counted(self) -> bool:
        """True when totals count this row: it is neither another report of a deal nor covered by one."""
        return self.same_deal_as is None and self.covered_by is None


@dataclass(frozen=True)
class Ledger:
    """Every deal, the buyers' run-rate figures and the rates that turn dollars into gigawatts."""

    deals: tuple = ()
    run_rates: dict | None = None              # buyer -> figure id
    capex_per_power: str | None = None         # figure id
    rental_price_per_power: str | None = None  # figure id (the registry default wins when there is one)

    def deal(self, did: str) -> Deal:
        for d in self.deals:
            if d.id == did:
                return d
        raise CalcError(f"unknown deal {did!r}; `calc deals` lists them")


def slug(buyer: str) -> str:
    """'OpenAI' -> 'openai', 'Amazon Web Services' -> 'amazon_web_services': the buyer part of total ids."""
    return re.sub(r"[^a-z0-9]+", "_", buyer.lower()).strip("_") or "buyer"


def load(loader, figures: dict, sources: dict, accelerators: dict, quantities: dict, make_figure,
         qualifiers) -> Ledger:
    """Read ``deals.yaml`` through the registry's loader; add deal and total figures to ``figures``.

    ``make_figure(**fields)`` builds a registry Figure and ``qualifiers`` are the registry's: both are
    passed in so that this module does not import the registry that imports it.
    """
    if not (loader.dir / FILE).exists():
        return Ledger(run_rates={})
    data = loader.read(FILE, dict)
    if not data:
        return Ledger(run_rates={})
    for key in data:
        if key not in TOP_KEYS:
            loader.problem(loader.where(FILE, data, key), f"unknown key {key!r}; allowed: {', '.join(sorted(TOP_KEYS))}")
    rates = {}
    for key, dim in (("capex_per_power", "USD/GW"), ("rental_price_per_power", "USD/GW/yr")):
        fid = data.get(key)
        if fid is not None and _figure_of(loader, data, key, fid, dim, figures):
            rates[key] = str(fid)
    run_rates = {}
    rr = data.get("run_rates") or {}
    for buyer, fid in (rr.items() if isinstance(rr, dict) else []):
        if _figure_of(loader, rr, buyer, fid, "USD/yr", figures):
            run_rates[str(buyer)] = str(fid)
    items = data.get("deals") or []
    if not isinstance(items, list):
        loader.problem(loader.where(FILE, data, "deals"), "expected a list of deals under 'deals:'")
        items = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):       # its own line: a scalar knows none
            path = loader.where(FILE, items).rsplit(":", 1)[0]
            loader.problem(f"{path}:{items.line_of(i)} (deals[{i}])",
                           f"expected a mapping (a deal with id, buyer, ...), got {item!r}"[:200])
    deals = [d for d in (_deal(loader, item, sources, accelerators, qualifiers) for item in items
                         if isinstance(item, dict)) if d is not None]
    _check_links(loader, items, deals)
    ledger = Ledger(deals=tuple(deals), run_rates=run_rates, **rates)
    if not loader.problems:
        _add_figures(ledger, figures, quantities, make_figure)
    return ledger


def _figure_of(loader, node, key, fid, unit: str, figures: dict) -> bool:
    at = loader.where(FILE, node, key)
    if not isinstance(fid, str) or fid not in figures:
        loader.problem(at, f"unknown figure id {fid!r}; name a figure from `calc figures`")
        return False
    if figures[fid].value.dimensionality != Q(f"1 {unit}").dimensionality:
        loader.problem(at, f"figure {fid!r} is in {figures[fid].unit}, expected {unit}")
        return False
    return True


def _deal(loader, item, sources, accelerators, qualifiers) -> Deal | None:
    label = str(item.get("id", "?")) if isinstance(item, dict) else "?"
    if not loader.check_keys(FILE, item, KEYS, REQUIRED, label):
        return None
    at = lambda key: loader.where(FILE, item, key, label)  # noqa: E731
    bad = len(loader.problems)
    did = str(item["id"])
    if not re.match(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$", did):
        loader.problem(at("id"), f"deal id {did!r} must be snake_case, e.g. 'openai_oracle_2025_09'")
    for key, allowed in (("kind", KINDS), ("status", STATUSES), ("confidence", CONFIDENCE_ORDER)):
        if item[key] not in allowed:
            loader.problem(at(key), f"{key} {item[key]!r} is not one of {', '.join(allowed)}")
    if str(item["source"]) not in sources:
        loader.problem(at("source"), f"unknown source id {item['source']!r}; add it to sources.yaml or fix the id")
    if not str(item["quote"]).strip():
        loader.problem(at("quote"), "a deal needs the verbatim sentence that says it ('quote')")
    acc = item.get("accelerator")
    if acc is not None and acc not in accelerators:
        loader.problem(at("accelerator"), f"unknown accelerator {acc!r}; the catalogue has {', '.join(accelerators)}")
    for key in ("announced", "start"):
        if item.get(key) is not None:
            try:
                dates.parse(str(item[key]), key)
            except CalcError as exc:
                loader.problem(at(key), str(exc))
    amount, amount_range = _amount(loader, item, at, "amount", "USD", item.get("qualifier"), "qualifier", qualifiers)
    power, power_range = _amount(loader, item, at, "power", "GW", item.get("power_qualifier", "exact"),
                                 "power_qualifier", qualifiers)
    chips, chips_range = _amount(loader, item, at, "chips", "chip", "range" if isinstance(item.get("chips"), list)
                                 else "exact", None, qualifiers)
    term, _ = _amount(loader, item, at, "term", "yr", "exact", None, qualifiers)
    if amount is None and power is None and chips is None:
        loader.problem(at(None), "a deal needs at least one of 'amount', 'power' or 'chips'")
    if term is not None and item.get("start") is None:
        loader.problem(at("term"), f"a term ({item['term']}) needs a 'start' (e.g. start: \"2025-11\"): "
                                   "a term without a start cannot be placed in time")
    if len(loader.problems) > bad:
        return None
    return Deal(id=did, buyer=str(item["buyer"]), provider=str(item["provider"]), announced=str(item["announced"]),
                kind=item["kind"], status=item["status"], source=str(item["source"]), quote=str(item["quote"]),
                confidence=item["confidence"], amount=amount, amount_range=amount_range,
                qualifier=item.get("qualifier") if amount is not None else None, power=power, power_range=power_range,
                power_qualifier=item.get("power_qualifier", "exact") if power is not None else None,
                chips=chips, chips_range=chips_range, accelerator=acc, term=term,
                start=None if item.get("start") is None else str(item["start"]),
                same_deal_as=item.get("same_deal_as"), covered_by=item.get("covered_by"),
                gloss=item.get("gloss"), note=item.get("note"), where=at(None))


def _quantity(value) -> pint.Quantity:
    if isinstance(value, bool) or value is None:
        raise CalcError(f"cannot read {value!r} as a quantity")
    if isinstance(value, (int, float)):
        return Q(float(value))
    return parse_quantity(str(value))


def _central(low: pint.Quantity, high: pint.Quantity) -> pint.Quantity:
    """A positive range's central value: its geometric mean (the registry's rule for figures)."""
    return Q(math.sqrt(low.magnitude * high.to(low.units).magnitude), low.units)


def _amount(loader, item, at, key, unit, qualifier, qkey, QUALIFIERS):
    """(central, (low, high) or None) for ``key``: a positive quantity in ``unit``, or a [low, high] range."""
    raw = item.get(key)
    if raw is None:
        if qkey and item.get(qkey) is not None and qkey == "qualifier":
            loader.problem(at(qkey), "a 'qualifier' qualifies the amount: give 'amount' or drop it")
        return None, None
    if qkey and qualifier is None:
        loader.problem(at(qkey), f"an {key} needs a '{qkey}': one of {', '.join(QUALIFIERS)}")
        return None, None
    if qkey and qualifier not in QUALIFIERS:
        loader.problem(at(qkey), f"{qkey} {qualifier!r} is not one of {', '.join(QUALIFIERS)}")
        return None, None
    try:
        if isinstance(raw, list):
            if len(raw) != 2:
                raise CalcError(f"a range is [low, high], got {raw!r}")
            low, high = _quantity(raw[0]), _quantity(raw[1])
        else:
            low = high = _quantity(raw)
        low, high = low.to(unit), high.to(unit)
    except (CalcError, pint.DimensionalityError) as exc:
        msg = str(exc) if isinstance(exc, CalcError) else f"expected a quantity in {unit}, e.g. {_EXAMPLES[unit]}"
        loader.problem(at(key), f"{key} {raw!r}: {msg}")
        return None, None
    if low.magnitude <= 0 or high.magnitude <= 0:
        loader.problem(at(key), f"{key} {raw!r} must be positive; write the size of the deal, e.g. {_EXAMPLES[unit]}")
        return None, None
    if low > high:
        loader.problem(at(key), f"{key} {raw!r}: low is greater than high; write [low, high]")
        return None, None
    is_range = isinstance(raw, list)
    if qkey and is_range != (qualifier == "range"):
        loader.problem(at(qkey), f"{qkey} 'range' goes with a [low, high] {key} and only with it")
        return None, None
    return (_central(low, high), (low, high)) if is_range else (low, None)


_EXAMPLES = {"USD": "'38 billion USD'", "GW": "'4.5 GW'", "chip": "'200k chip'", "yr": "'7 yr'"}


def _check_links(loader, items, deals) -> None:
    ids = [d.id for d in deals]
    seen = set()
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            continue
        label = str(item["id"])
        if label in seen:
            loader.problem(loader.where(FILE, item, "id", label), f"duplicate deal id {label!r}")
        seen.add(label)
        for key in ("same_deal_as", "covered_by"):
            target = item.get(key)
            if target is None:
                continue
            at = loader.where(FILE, item, key, label)
            if target == label:
                loader.problem(at, f"{key} names the deal itself")
            elif target not in ids:
                loader.problem(at, f"{key} {target!r} is not a deal id in {FILE}")
        if item.get("same_deal_as") is not None and item.get("covered_by") is not None:
            loader.problem(loader.where(FILE, item, "covered_by", label),
                           "give one of 'same_deal_as' or 'covered_by', not both")
    by_id = {d.id: d for d in deals}
    for d in deals:                      # links may chain (July report -> September report -> Stargate) but not loop
        seen_ids, cur = [d.id], d
        while cur is not None and not cur.counted:
            nxt = cur.same_deal_as or cur.covered_by
            if nxt in seen_ids:
                loader.problem(d.where, f"same_deal_as/covered_by links loop: {' -> '.join(seen_ids + [nxt])}; "
                                        "one of them must be the counted row (no link)")
                break
            seen_ids.append(nxt)
            cur = by_id.get(nxt)


def _add_figures(ledger: Ledger, figures: dict, quantities: dict, make_figure) -> None:
    """Per-deal amount/power figures, then the totals per buyer and overall as derived figures."""
    def add(fid, value, **kw):
        figures[fid] = make_figure(id=fid, value=value, **kw)

    for d in ledger.deals:
        for part, q, rng, qual, quantity in (
                ("amount", d.amount, d.amount_range, d.qualifier,
                 "investment" if d.kind == "investment" else "commitment"),
                ("power", d.power, d.power_range, d.power_qualifier, "facility_power")):
            if q is None:
                continue
            add(f"deal_{d.id}_{part}", q, low=rng[0] if rng else None, high=rng[1] if rng else None,
                qualifier=qual, kind="quoted", as_of=d.announced, source=d.source, quote=d.quote, gloss=d.gloss,
                quantity=quantity if quantity in quantities else None, confidence=d.confidence,
                note=f"{d.buyer} - {d.provider} ({d.kind}, {d.status}); deals ledger row {d.id}. {d.note or ''}".strip(),
                where=d.where)
    buyers = sorted({d.buyer for d in ledger.deals})
    for unit, parts in (("USD", ("usd", "usd_up_to", "investment_usd", "investment_usd_up_to")),
                        ("GW", ("gw", "gw_up_to"))):
        overall = []
        for buyer in buyers:
            for part in parts:
                terms = [d for d in ledger.deals if d.buyer == buyer and d.counted and _in_total(d, part)]
                if not terms:
                    continue
                fid = f"deals_{slug(buyer)}_{part}"
                _add_total(add, fid, terms, part, buyer, quantities)
                if part in ("usd", "gw"):
                    overall.append((fid, terms))
        if overall:
            fid = f"deals_all_{'usd' if unit == 'USD' else 'gw'}"
            terms = [t for _, ts in overall for t in ts]
            value = sum((figures[f].value for f, _ in overall), Q(0, unit))
            add(fid, value.to(figures[overall[0][0]].value.units), low=None, high=None, qualifier="approx",
                kind="derived", as_of=max(t.announced for t in terms), formula=" + ".join(f for f, _ in overall),
                gloss=f"all buyers' counted deals: the sum of the per-buyer totals ({'firm amounts' if unit == 'USD' else 'power not marked up to'})",
                quantity="commitment" if unit == "USD" else "facility_power", confidence=_weakest(terms),
                note="Each deal once; 'up to' amounts and investments are totalled apart, per buyer.", where="")


def _in_total(d: Deal, part: str) -> bool:
    if part.startswith("gw"):
        return d.power is not None and (d.power_qualifier == "up_to") == part.endswith("up_to")
    if d.amount is None or (d.kind == "investment") != part.startswith("investment"):
        return False
    return (d.qualifier == "up_to") == part.endswith("up_to")


def _add_total(add, fid, terms, part, buyer, quantities) -> None:
    key = "power" if part.startswith("gw") else "amount"
    value = terms[0].__getattribute__(key)
    for t in terms[1:]:
        value = value + getattr(t, key)
    quals = {t.power_qualifier if key == "power" else t.qualifier for t in terms}
    what = {"usd": "firm amounts of compute deals (not 'up to', not investment)",
            "usd_up_to": "'up to' amounts of compute deals (ceilings)",
            "investment_usd": "investments tied to compute received (not 'up to')",
            "investment_usd_up_to": "'up to' investments tied to compute received (ceilings)",
            "gw": "power of the deals (not 'up to')", "gw_up_to": "'up to' power of the deals (ceilings)"}[part]
    quantity = "facility_power" if key == "power" else ("investment" if "investment" in part else "commitment")
    add(fid, value, low=None, high=None, qualifier="exact" if quals == {"exact"} else "approx", kind="derived",
        as_of=max(t.announced for t in terms), formula=" + ".join(f"deal_{t.id}_{key}" for t in terms),
        gloss=f"{buyer}: {what}, each deal counted once ({len(terms)} deals)",
        quantity=quantity if quantity in quantities else None, confidence=_weakest(terms),
        note=f"Sum of {', '.join(t.id for t in terms)}. Ranges enter at their central value; qualifiers "
             f"{', '.join(sorted(q for q in quals if q))}. Rows marked same_deal_as or covered_by are left out.",
        where="")


def _weakest(terms) -> str:
    return max((t.confidence for t in terms), key=CONFIDENCE_ORDER.index)

