"""The deals ledger (``data/deals.yaml``): read and validated with file:line; its figures added.

Each row becomes a ``Deal``. Its amount and power also become registry figures
(``deal_<id>_amount``, ``deal_<id>_power``; a range's ends ``deal_<id>_amount_low`` and
``_high``) with the row's source and quote. ``calc.ledger_count`` decides which rows count at a
date; the registry loader has it add the per-buyer totals (``deals_<buyer>_<column>``).
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
PURCHASES = ("cloud-contract", "hardware", "capacity")
KINDS = (*PURCHASES, "investment", "guarantee", "capex")
STATUSES = ("announced", "loi", "definitive", "reported", "talks", "stalled", "cancelled")
ENDS = ("stalled", "cancelled")            # statuses that carry 'ended'
LIVE = ("announced", "loi", "definitive", "reported")    # what status_before may say
KEYS = {"id", "buyer", "provider", "payer", "payee", "announced", "kind", "amount", "amount_low",
        "amount_high", "qualifier", "power", "power_qualifier", "chips", "chips_qualifier",
        "accelerator", "term",
        "start", "status", "status_before", "ended", "superseded_by", "same_deal_as", "covered_by",
        "source", "quote", "gloss", "confidence", "note",
        "summary"}                                # summary: one line standing for a long note
REQUIRED = ("id", "buyer", "provider", "payer", "announced", "kind", "status", "source", "quote",
            "confidence")
LINKS = ("same_deal_as", "covered_by", "superseded_by")
TOP_KEYS = {"companies", "run_rates", "capex_per_power", "rental_price_per_power", "deals"}
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
    payer: str = ""
    payee: str | None = None
    amount: pint.Quantity | None = None
    amount_range: tuple | None = None          # (low, high) when the amount is a range
    qualifier: str | None = None
    power: pint.Quantity | None = None
    power_range: tuple | None = None
    power_qualifier: str | None = None
    chips: pint.Quantity | None = None
    chips_range: tuple | None = None
    chips_qualifier: str | None = None         # exact, up_to, approx...; range for [low, high]
    accelerator: str | None = None
    term: pint.Quantity | None = None
    start: str | None = None
    ended: str | None = None
    status_before: str | None = None           # the status until 'ended' (announced when None)
    superseded_by: str | None = None
    same_deal_as: str | None = None
    covered_by: str | None = None
    gloss: str | None = None
    note: str | None = None
    where: str = ""


@dataclass(frozen=True)
class Ledger:
    """Every deal, the companies payers and payees name, the buyers' run-rate figures and the rates
    that turn dollars into gigawatts."""

    deals: tuple = ()
    run_rates: dict | None = None              # buyer -> figure id
    capex_per_power: str | None = None         # figure id
    rental_price_per_power: str | None = None  # figure id (the registry default wins)
    companies: tuple = ()

    def deal(self, did: str) -> Deal:
        for d in self.deals:
            if d.id == did:
                return d
        raise CalcError(f"unknown deal {did!r}; `calc deals` lists them")


def slug(buyer: str) -> str:
    """'OpenAI' -> 'openai', 'Amazon Web Services' -> 'amazon_web_services'."""
    return re.sub(r"[^a-z0-9]+", "_", buyer.lower()).strip("_") or "buyer"


def load(loader, figures: dict, sources: dict, accelerators: dict, quantities: dict, make_figure,
         qualifiers) -> Ledger:
    """Read ``deals.yaml`` through the registry's loader; add deal and total figures to ``figures``.

    ``make_figure(**fields)`` builds a registry Figure and ``qualifiers`` are the registry's: both
    are passed in so that this module does not import the registry that imports it.
    """
    if not (loader.dir / FILE).exists():
        return Ledger(run_rates={})
    data = loader.read(FILE, dict)
    if not data:
        return Ledger(run_rates={})
    for key in data:
        if key not in TOP_KEYS:
            loader.problem(loader.where(FILE, data, key),
                           f"unknown key {key!r}; allowed: {', '.join(sorted(TOP_KEYS))}")
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
    companies = _companies(loader, data)
    items = data.get("deals") or []
    if not isinstance(items, list):
        loader.problem(loader.where(FILE, data, "deals"), "expected a list of deals under 'deals:'")
        items = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):       # its own line: a scalar knows none
            path = loader.where(FILE, items).rsplit(":", 1)[0]
            loader.problem(f"{path}:{items.line_of(i)} (deals[{i}])",
                           f"expected a mapping (a deal with id, buyer, ...), got {item!r}"[:200])
    deals = [d for d in (_deal(loader, item, sources, accelerators, qualifiers, companies)
                         for item in items if isinstance(item, dict)) if d is not None]
    _check_links(loader, items, deals)
    ledger = Ledger(deals=tuple(deals), run_rates=run_rates, companies=companies, **rates)
    if not loader.problems:
        _add_figures(ledger, figures, quantities, make_figure)
    return ledger


def _companies(loader, data) -> tuple:
    node = data.get("companies")
    if node is None:
        return ()
    if not isinstance(node, list) or not all(isinstance(c, str) and c.strip() for c in node):
        loader.problem(loader.where(FILE, data, "companies"),
                       "expected a list of company names, e.g. [Amazon, Google, Microsoft]")
        return ()
    dup = sorted({c for c in node if node.count(c) > 1})
    if dup:
        loader.problem(loader.where(FILE, data, "companies"),
                       f"company {dup[0]!r} is listed twice; list each company once")
    return tuple(node)


def _figure_of(loader, node, key, fid, unit: str, figures: dict) -> bool:
    at = loader.where(FILE, node, key)
    if not isinstance(fid, str) or fid not in figures:
        loader.problem(at, f"unknown figure id {fid!r}; name a figure from `calc figures`")
        return False
    if figures[fid].value.dimensionality != Q(f"1 {unit}").dimensionality:
        loader.problem(at, f"figure {fid!r} is in {figures[fid].unit}, expected {unit}")
        return False
    return True


def _deal(loader, item, sources, accelerators, qualifiers, companies) -> Deal | None:
    label = str(item.get("id", "?")) if isinstance(item, dict) else "?"
    if not loader.check_keys(FILE, item, KEYS, REQUIRED, label):
        return None
    at = lambda key: loader.where(FILE, item, key, label)  # noqa: E731
    bad = len(loader.problems)
    did = str(item["id"])
    if not re.match(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$", did):
        loader.problem(at("id"), f"deal id {did!r} must be snake_case, "
                                 "e.g. 'openai_oracle_2025_09'")
    for key, allowed in (("kind", KINDS), ("status", STATUSES), ("confidence", CONFIDENCE_ORDER)):
        if item[key] not in allowed:
            loader.problem(at(key), f"{key} {item[key]!r} is not one of {', '.join(allowed)}")
    if str(item["source"]) not in sources:
        loader.problem(at("source"), f"unknown source id {item['source']!r}; add it to "
                                     "sources.yaml or fix the id")
    if not str(item["quote"]).strip():
        loader.problem(at("quote"), "a deal needs the verbatim sentence that says it ('quote')")
    acc = item.get("accelerator")
    if acc is not None and acc not in accelerators:
        loader.problem(at("accelerator"),
                       f"unknown accelerator {acc!r}; the catalogue has {', '.join(accelerators)}")
    for key in ("announced", "start", "ended"):
        if item.get(key) is not None:
            try:
                dates.parse(str(item[key]), key)
            except CalcError as exc:
                loader.problem(at(key), str(exc))
    _check_parties(loader, item, at, companies)
    _check_status(loader, item, at)
    amount, amount_range = _amount_of(loader, item, at, qualifiers)
    power, power_range = _amount(loader, item, at, "power", "GW",
                                 item.get("power_qualifier", "exact"), "power_qualifier",
                                 qualifiers)
    chips_q = item.get("chips_qualifier",
                       "range" if isinstance(item.get("chips"), list) else "exact")
    chips, chips_range = _amount(loader, item, at, "chips", "chip", chips_q, "chips_qualifier",
                                 qualifiers)
    term, _ = _amount(loader, item, at, "term", "yr", "exact", None, qualifiers)
    if amount is None and power is None and chips is None:
        loader.problem(at(None), "a deal needs at least one of 'amount', 'power' or 'chips'")
    if term is not None and item.get("start") is None:
        loader.problem(at("term"), f"a term ({item['term']}) needs a 'start' "
                                   "(e.g. start: \"2025-11\"): a term without a start cannot be "
                                   "placed in time")
    if len(loader.problems) > bad:
        return None
    text = lambda key: None if item.get(key) is None else str(item[key])  # noqa: E731
    return Deal(id=did, buyer=str(item["buyer"]), provider=str(item["provider"]),
                announced=str(item["announced"]), kind=item["kind"], status=item["status"],
                source=str(item["source"]), quote=str(item["quote"]), confidence=item["confidence"],
                payer=str(item["payer"]), payee=text("payee"), amount=amount,
                amount_range=amount_range,
                qualifier=item.get("qualifier") if amount is not None else None,
                power=power, power_range=power_range,
                power_qualifier=item.get("power_qualifier", "exact") if power is not None else None,
                chips=chips, chips_range=chips_range,
                chips_qualifier=chips_q if chips is not None else None, accelerator=acc, term=term,
                start=text("start"), ended=text("ended"), status_before=text("status_before"),
                superseded_by=text("superseded_by"),
                same_deal_as=text("same_deal_as"), covered_by=text("covered_by"),
                gloss=item.get("gloss"), note=item.get("note"), where=at(None))


def _check_parties(loader, item, at, companies) -> None:
    """payer and payee: on the company list, never the same; a payee for money or a backstop."""
    if "payee" not in item:
        loader.problem(at("payee"), "missing required key 'payee' (who is paid; null for builders' "
                                    "capex and a company's own capex)")
    payer, payee = item.get("payer"), item.get("payee")
    for key, name in (("payer", payer), ("payee", payee)):
        if name is not None and companies and name not in companies:
            loader.problem(at(key), f"{key} {name!r} is not on the ledger's company list "
                                    f"(deals.yaml: companies): name the company as listed (Amazon, "
                                    f"not AWS) or add it to the list")
    if payer is not None and payer == payee:
        loader.problem(at("payee"), f"payer and payee are both {payer!r}; a company does not pay "
                                    "itself (own spending has payee: null)")
    kind = item.get("kind")
    if kind in ("investment", "guarantee") and payee is None and "payee" in item:
        loader.problem(at("payee"), f"a {kind} needs a payee (the company the money or the "
                                    "backstop goes to)")


def _check_status(loader, item, at) -> None:
    status, ended = item.get("status"), item.get("ended")
    if status in ENDS and ended is None:
        loader.problem(at("status"), f"a {status} deal needs 'ended': the date its {status} "
                                     "state was reported (it counts from announced until then)")
    if ended is not None and status not in ENDS:
        loader.problem(at("ended"), f"'ended' goes with status stalled or cancelled, not "
                                    f"{status!r}; a report replaced by a later one says "
                                    "superseded_by")
    before = item.get("status_before")
    if before is not None and (ended is None or before not in LIVE):
        loader.problem(at("status_before"), f"status_before {before!r}: the status a stalled or "
                                            f"cancelled row had until 'ended', one of "
                                            f"{', '.join(LIVE)}")
    if ended is not None and item.get("announced") is not None \
            and dates.is_date(ended) and dates.is_date(item["announced"]):
        a, e = dates.parse(str(item["announced"])), dates.parse(str(ended))
        if a is not None and e is not None and e.first < a.first:
            loader.problem(at("ended"), f"ended {ended!r} is before announced "
                                        f"{item['announced']!r}")


def _amount_of(loader, item, at, qualifiers):
    """The amount: 'amount' (a quantity, or [low, high] with qualifier range), or 'amount_low' and
    'amount_high' with qualifier range."""
    has_ends = "amount_low" in item or "amount_high" in item
    if not has_ends:
        return _amount(loader, item, at, "amount", "USD", item.get("qualifier"), "qualifier",
                       qualifiers)
    if "amount" in item:
        loader.problem(at("amount"), "give 'amount' or 'amount_low' and 'amount_high', not both")
        return None, None
    if item.get("qualifier") != "range":
        loader.problem(at("qualifier"), f"amount_low and amount_high go with qualifier: range, got "
                                        f"{item.get('qualifier')!r}")
        return None, None
    ends = []
    for key in ("amount_low", "amount_high"):
        if item.get(key) is None:
            loader.problem(at(key), f"a range needs both amount_low and amount_high; {key} is "
                                    "missing")
            return None, None
        q, rng = _amount(loader, item, at, key, "USD", "exact", None, qualifiers)
        if rng is not None:
            loader.problem(at(key), f"{key} is one amount, e.g. '20 billion USD', not a list")
        if q is None or rng is not None:
            return None, None
        ends.append(q)
    low, high = ends
    if low > high:
        loader.problem(at("amount_low"), f"amount_low {item['amount_low']!r} is above amount_high "
                                         f"{item['amount_high']!r}; the low end comes first")
        return None, None
    return _central(low, high), (low, high)


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
    """(central, (low, high) or None) for ``key``: a positive quantity in ``unit``, or a [low, high]
    range."""
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
        msg = (str(exc) if isinstance(exc, CalcError)
               else f"expected a quantity in {unit}, e.g. {_EXAMPLES[unit]}")
        loader.problem(at(key), f"{key} {raw!r}: {msg}")
        return None, None
    if low.magnitude <= 0 or high.magnitude <= 0:
        loader.problem(at(key), f"{key} {raw!r} must be positive; write the size of the deal, "
                                f"e.g. {_EXAMPLES[unit]}")
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
    known = {str(i["id"]) for i in items if isinstance(i, dict) and "id" in i}
    seen = set()
    for item in items:
        if not isinstance(item, dict) or "id" not in item:
            continue
        label = str(item["id"])
        if label in seen:
            loader.problem(loader.where(FILE, item, "id", label), f"duplicate deal id {label!r}")
        seen.add(label)
        for key in LINKS:
            target = item.get(key)
            if target is None:
                continue
            at = loader.where(FILE, item, key, label)
            if target == label:
                loader.problem(at, f"{key} names the deal itself")
            elif target not in known:
                loader.problem(at, f"{key} {target!r} names no row of {FILE}; give the id of "
                                   "another deal (`calc deals` lists them)")
        if item.get("same_deal_as") is not None and item.get("covered_by") is not None:
            loader.problem(loader.where(FILE, item, "covered_by", label),
                           "give one of 'same_deal_as' or 'covered_by', not both")
    by_id = {d.id: d for d in deals}
    for keys, what in ((("same_deal_as", "covered_by"), "same_deal_as/covered_by links"),
                       (("superseded_by",), "superseded_by links")):
        for d in deals:          # links may chain (July report -> September report -> Stargate)
            path, cur = [d.id], d
            while cur is not None:
                nxt = next((getattr(cur, k) for k in keys if getattr(cur, k)), None)
                if nxt is None:
                    break
                if nxt in path:
                    loader.problem(d.where, f"{what} loop: {' -> '.join(path + [nxt])}; one of "
                                            "them must end the chain (no link)")
                    break
                path.append(nxt)
                cur = by_id.get(nxt)
    for d in deals:
        s = by_id.get(d.superseded_by) if d.superseded_by else None
        if s is not None and dates.parse(s.announced).first < dates.parse(d.announced).first:
            loader.problem(d.where + ".superseded_by",
                           f"{s.id!r} (announced {s.announced}) is older than this report "
                           f"({d.announced}); the later report supersedes the earlier")


def _add_figures(ledger: Ledger, figures: dict, quantities: dict, make_figure) -> None:
    """Per-deal amount and power figures (and a range's two ends)."""
    def add(fid, value, **kw):
        figures[fid] = make_figure(id=fid, value=value, **kw)

    for d in ledger.deals:
        money = "investment" if d.kind == "investment" else "commitment"
        for part, q, rng, qual, quantity in (
                ("amount", d.amount, d.amount_range, d.qualifier, money),
                ("power", d.power, d.power_range, d.power_qualifier, "facility_power")):
            if q is None:
                continue
            common = dict(kind="quoted", as_of=d.announced, source=d.source, quote=d.quote,
                          gloss=d.gloss, quantity=quantity if quantity in quantities else None,
                          confidence=d.confidence, where=d.where)
            note = (f"{d.buyer} - {d.provider} ({d.kind}, {d.status}; {d.payer} pays "
                    f"{d.payee or 'nobody: own or builders capex'}); deals ledger row {d.id}. "
                    f"{d.note or ''}").strip()
            add(f"deal_{d.id}_{part}", q, low=rng[0] if rng else None, high=rng[1] if rng else None,
                qualifier=qual, note=note, **common)
            if rng is not None and part == "amount":
                for end, v in (("low", rng[0]), ("high", rng[1])):
                    add(f"deal_{d.id}_amount_{end}", v, low=None, high=None, qualifier="range",
                        note=f"The {end} end of deal_{d.id}_amount. {note}", **common)
