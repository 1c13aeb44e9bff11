"""The scenario file format, declared once as plain data: every block, its keys, their types and docs.

``BLOCKS`` maps a block (``scenario`` is the top level; ``input``, ``variant``, ``check``, ...
are the mappings inside it) to its keys, in the order the docs list them; each key is a dict:
``type`` (one of ``TYPES``), ``doc``, and where they apply ``required``, ``items`` / ``values``
(the type or block of a list's items or a mapping's values), ``keys`` (the type of a mapping's
keys), ``minimum`` / ``maximum`` / ``default``, ``enum``, ``example``. It is JSON-serialisable, so a
JSON Schema or a reference page can be generated from it (``declaration()``), and the reader
(``calc.scenario_reader``) takes its allowed keys from it: a key declared here is a key the
reader accepts, and an unknown key is reported with the declared ones.

New keys join by declaration, not by new branches in the reader::

    declare("timeline", {"type": "mapping", "values": "...", "doc": "..."}, read=read_timeline)

where ``read(reader, data, scenario)`` reads ``data["timeline"]`` (reporting problems with
``reader.problem(reader.at(data, "timeline", "timeline"), "...")``) and returns the value kept in
``scenario.extra["timeline"]``. A new block (a mapping inside such a key) is declared with
``declare_block(name, {key: spec})``.
"""

from __future__ import annotations

import copy
import re

from calc.uncertainty import DISTS
from calc.values import MAX_CASES, MAX_SAMPLES, MAX_SEED

PATTERNS = {"slug": r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", "name": r"^[a-z][a-z0-9_]*$"}
SLUG, NAME = re.compile(PATTERNS["slug"]), re.compile(PATTERNS["name"])

TYPES = {
    "slug": "lowercase letters and digits joined by '-' or '_', e.g. 'nvidia-1gw'",
    "name": "a snake_case quantity name, e.g. 'facility_power'",
    "text": "free text",
    "quantity": "a number with a unit as a string ('1 GW', '$1.25B', '200k chip', '25 %') or a plain number",
    "range": "[low, high]: a 90 % interval of two quantities",
    "expression": "arithmetic over quantity names, figure ids and unit literals, e.g. 'chips / facility_power'",
    "unit": "a unit, e.g. 'GW', 'USD/yr', 'EFLOP/s'",
    "integer": "a whole number",
    "figure": "a registry figure id (`calc figures` lists them)",
    "accelerator": "a catalogue id (`calc figures` lists the catalogue's figures), e.g. 'gb200-superchip'",
    "model": "the name of an alternative formula for a quantity, e.g. 'arr_projected_decaying'",
    "source": "a registry source id (`calc sources`), 'assumption' (then 'note' is required), or an inline "
              "{publisher, title, date}",
    "date": "a date: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Q3, YYYY-H1, A/B or 'unknown'",
    "enum": "one of the listed words",
    "mapping": "a mapping",
    "list": "a list",
    "fraction_or_quantity": "a fraction such as '20%' or a quantity in the unit of 'near'",
    "correlation": "[name_a, name_b, rho]: a Spearman rank correlation, -1 < rho < 1",
    "quantity_or_figure": "a quantity ('7 yr') or {figure: id} naming a registry figure",
}

_SOURCE = {"type": "source", "doc": "who said it: a source id, 'assumption' with a note, or an inline source "
                                    "(block inline_source)", "block": "inline_source"}
_NOTE = {"type": "text", "doc": "why this value (required with source: assumption)"}
_SUMMARY = {"type": "text", "doc": "the note in one line of at most 160 characters, shown in tables"}

BLOCKS: dict[str, dict[str, dict]] = {
    "scenario": {
        "name": {"type": "slug", "required": True, "doc": "the scenario's name", "example": "nvidia-1gw"},
        "title": {"type": "text", "doc": "a one-line title shown above the tables"},
        "description": {"type": "text", "doc": "what the scenario asks"},
        "accelerator": {"type": "accelerator", "doc": "catalogue entry supplying per-chip defaults",
                        "example": "gb200-superchip"},
        "inputs": {"type": "mapping", "keys": "name", "values": "input",
                   "doc": "given values: a figure id or a literal with a source; a name nothing uses is an error"},
        "outputs": {"type": "list", "items": "name", "required": True,
                    "doc": "the quantities to compute (glossary names, inputs or derive names)",
                    "example": ["chips", "capex"]},
        "variants": {"type": "mapping", "keys": "slug", "values": "variant",
                     "doc": "named overrides of accelerator, models and inputs; one column each"},
        "sweep": {"type": "mapping", "keys": "name", "values": "sweep_axis",
                  "doc": f"a grid: per name a list of values or {{from, to, steps}}; at most {MAX_CASES:,} points"},
        "samples": {"type": "integer", "minimum": 0, "maximum": MAX_SAMPLES, "default": 0,
                    "doc": "Monte Carlo samples over ranges; 0 = central values only"},
        "seed": {"type": "integer", "minimum": 0, "maximum": MAX_SEED, "doc": "random seed: same seed, same numbers"},
        "derive": {"type": "mapping", "keys": "name", "values": "derive_entry",
                   "doc": "the analyst's own formulas, units checked: name: expression, or {expr, unit}"},
        "checks": {"type": "list", "items": "check", "doc": "claims to test, each tied to the source that made it"},
        "models": {"type": "mapping", "keys": "name", "values": "model",
                   "doc": "alternative formulas: quantity: model name"},
        "correlations": {"type": "list", "items": "correlation",
                         "doc": "rank correlations between uncertain inputs: [[name_a, name_b, rho], ...]"},
        "display": {"type": "mapping", "keys": "name", "values": "unit",
                    "doc": "the unit each shown quantity is displayed in, e.g. {peak_compute: EFLOP/s}"},
        "timeline": {"type": "mapping", "values": "timeline",
                     "doc": "{start, end, step}: evaluate every quantity once per period; step is year "
                            "(default), quarter or month"},
        "commitments": {"type": "mapping", "keys": "name", "values": "commitment",
                        "doc": "with a timeline: name: commitment, each spread over the periods"},
        "solve": {"type": "mapping", "values": "solve",
                  "doc": "goal seek: the input value that makes an output meet a target"},
        "ledger_as_of": {"type": "date",
                         "doc": "the date every deals_* figure (the deals ledger's totals) is read "
                                "at, e.g. 2025-11-30; default today"},
    },
    "input": {
        "figure": {"type": "figure", "doc": "take the value (or range) of a registry figure, with its source"},
        "value": {"type": "quantity", "doc": "a literal value; needs a source"},
        "range": {"type": "range", "doc": "[low, high], a 90 % interval: lognormal when both ends are positive, "
                                          "else normal, truncated at the quantity's bounds"},
        "dist": {"type": "enum", "enum": list(DISTS), "doc": "a distribution over low..high (mode for "
                                                            "triangular and pert)"},
        "low": {"type": "quantity", "doc": "with dist: the low end"},
        "mode": {"type": "quantity", "doc": "with dist triangular or pert: the peak"},
        "high": {"type": "quantity", "doc": "with dist: the high end"},
        "source": _SOURCE,
        "note": _NOTE,
        "summary": _SUMMARY,
        "over_time": {"type": "mapping", "keys": "date", "values": "quantity",
                      "doc": "with a timeline, instead of value: a series {2026: 1 GW, 2028: 3 GW}; a period "
                             "takes the value in force at its start"},
    },
    "variant": {
        "accelerator": {"type": "accelerator", "doc": "this variant's catalogue entry"},
        "models": {"type": "mapping", "keys": "name", "values": "model", "doc": "this variant's formulas"},
        "inputs": {"type": "mapping", "keys": "name", "values": "input", "doc": "inputs this variant overrides"},
        "description": {"type": "text", "doc": "what the variant changes"},
        "ledger_as_of": {"type": "date", "doc": "this variant's date for every deals_* figure"},
    },
    "sweep_axis": {
        "from": {"type": "quantity", "required": True, "doc": "first value (a sweep can also be a list of values)"},
        "to": {"type": "quantity", "required": True, "doc": "last value"},
        "steps": {"type": "integer", "minimum": 2, "maximum": MAX_CASES, "required": True,
                  "doc": "number of evenly spaced values"},
    },
    "derive_entry": {
        "expr": {"type": "expression", "required": True, "doc": "the formula"},
        "unit": {"type": "unit", "doc": "the unit to show it in (checked against the result)"},
    },
    "check": {
        "says": {"type": "text", "required": True, "doc": "the claim, as its source made it"},
        "source": {**_SOURCE, "required": True},
        "that": {"type": "expression", "required": True,
                 "doc": "an expression over quantities and figure ids, or a comparison"},
        "near": {"type": "quantity", "doc": "the expected value; needs within"},
        "within": {"type": "fraction_or_quantity", "doc": "tolerance for near, e.g. 20%"},
        "above": {"type": "quantity", "doc": "the value must exceed this"},
        "below": {"type": "quantity", "doc": "the value must stay under this"},
        "between": {"type": "range", "doc": "[low, high], both ends included"},
        "note": {"type": "text", "doc": "the analyst's comment"},
        "summary": _SUMMARY,
        "at": {"type": "date", "doc": "on a timeline: the period the check is about, e.g. 2030"},
        "variant": {"type": "slug", "doc": "the variant the check applies in (base or a variant's "
                                           "name); every variant when not given"},
    },
    "timeline": {
        "start": {"type": "date", "required": True, "doc": "the first period, on a boundary of the step"},
        "end": {"type": "date", "required": True, "doc": "the last period, inclusive at its own precision"},
        "step": {"type": "enum", "enum": ["year", "quarter", "month"], "default": "year", "doc": "period length"},
    },
    "commitment": {
        "amount": {"type": "mapping", "values": "input", "required": True,
                   "doc": "the committed amount, as an input: {figure: id}, {value: ..., source: ...} or "
                          "{range: [low, high], source: ..., note: ...}"},
        "start": {"type": "date", "required": True, "doc": "when spending starts"},
        "term": {"type": "quantity_or_figure", "doc": "how long it runs, e.g. '5 yr', or {figure: id}"},
        "shape": {"type": "enum", "enum": ["flat", "ramp"], "default": "flat",
                  "doc": "flat: even per month; ramp: the spend rate rises linearly to its peak at the end"},
        "schedule": {"type": "mapping", "keys": "date", "values": "quantity",
                     "doc": "instead of term and shape: amounts per date"},
        "note": {"type": "text", "doc": "where the terms come from"},
    },
    "solve": {
        "for": {"type": "name", "required": True, "doc": "the input to solve for (scalar in each case)"},
        "so_that": {"type": "expression", "required": True, "doc": "the output that must meet the target"},
        "equals": {"type": "quantity", "doc": "the target value"},
        "at_most": {"type": "quantity", "doc": "an upper target"},
        "at_least": {"type": "quantity", "doc": "a lower target"},
        "between": {"type": "range", "required": True, "doc": "[low, high]: the bracket searched for the input"},
        "at": {"type": "date", "doc": "the period, for an output with a value per period"},
    },
    "inline_source": {
        "publisher": {"type": "text", "required": True, "doc": "who published it"},
        "title": {"type": "text", "required": True, "doc": "the publication's title"},
        "date": {"type": "date", "required": True, "doc": "when it was published"},
        "language": {"type": "text", "doc": "language code of the quote, e.g. 'en', 'de'", "default": "en"},
        "url": {"type": "text", "doc": "the publisher's own page, if known"},
        "note": {"type": "text", "doc": "anything a reader should know about the source"},
    },
}

# Top-level keys are read in this order (later keys may refer to earlier ones: outputs name
# derives, checks name inputs); keys declared later are read after these, in declaration order.
READ_ORDER = ("name", "title", "description", "accelerator", "models", "timeline", "inputs", "commitments",
              "derive", "outputs", "variants", "sweep", "samples", "seed", "checks", "display", "correlations",
              "solve")
EXTRA_READERS: dict = {}          # key -> read(reader, data, scenario), for declared keys


def allowed(block: str) -> tuple[str, ...]:
    """The keys a block accepts, in declaration order."""
    return tuple(BLOCKS[block])


def required(block: str) -> tuple[str, ...]:
    """The keys a block must have."""
    return tuple(k for k, spec in BLOCKS[block].items() if spec.get("required"))


def declaration() -> dict:
    """A copy of the whole declaration as plain data: {"types", "patterns" (regexes of slug and
    name), "blocks"}."""
    return {"types": copy.deepcopy(TYPES), "patterns": dict(PATTERNS), "blocks": copy.deepcopy(BLOCKS)}


def read_order() -> tuple[str, ...]:
    """Top-level keys in the order the reader reads them."""
    return READ_ORDER + tuple(k for k in BLOCKS["scenario"] if k not in READ_ORDER)


def declare(key: str, spec: dict, read, block: str = "scenario") -> None:
    """Add a key to a block; for a top-level key, ``read(reader, data, scenario)`` reads it and its
    value is kept in ``scenario.extra[key]``."""
    if key in BLOCKS[block]:
        raise ValueError(f"{block}.{key} is already declared")
    BLOCKS[block][key] = dict(spec)
    if block == "scenario":
        EXTRA_READERS[key] = read


def declare_block(name: str, keys: dict[str, dict]) -> None:
    """Add a block (the keys of a mapping inside a declared key)."""
    if name in BLOCKS:
        raise ValueError(f"block {name!r} is already declared")
    BLOCKS[name] = {k: dict(v) for k, v in keys.items()}
