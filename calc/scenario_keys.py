"""The scenario file format in one place: its keys declared as data, and the reader walking them.

``BLOCKS`` maps a block (``scenario`` is the top level; ``input``, ``variant``, ``check``, ...
are the mappings inside it) to its keys, in the order the docs list them; each key is a dict:
``type`` (one of ``TYPES``), ``doc``, and where they apply ``required``, ``items`` / ``values``
(the type or block of a list's items or a mapping's values), ``keys`` (the type of a mapping's
keys), ``minimum`` / ``maximum`` / ``default``, ``enum``, ``example``. It is JSON-serialisable, so
the JSON Schema (``calc schema``) and the key tables of docs/scenario-files.md are generated from
it (``declaration()``).

``READERS`` gives each top-level key its reader (a ``Reader`` method), in the order they are read;
``Reader.read`` walks it. The reader accepts exactly the declared keys and reports an unknown key
with the declared ones. Every problem in a file is collected before anything is raised; each
message starts with where it is (``file:line: key.path:``).

The timeline keys (``timeline``, ``commitments``, ``solve``, an input's ``over_time``, a check's
``at``, the date input ``arr_as_of``) are read here too, on the period axis (``calc.periods``).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import re

import numpy as np

from calc import dates, expr, uncertainty, values
from calc.checks import Check
from calc.display import check_unit
from calc.errors import CalcError
from calc.glossary import bounds_of, glossary, typical_of, unit_of
from calc.ledger_count import Counting, as_of_day, check_any
from calc.models import FORMULAS
from calc.plan import derive_formula, find_cycle
from calc.registry import registry
from calc.registry.data import SUMMARY_MAX, Source
from calc.solve import SOLVE_FLAGS
from calc.suggest import did_you_mean
from calc import financing_keys, periods
from calc.models import commitments as spread
from calc.uncertainty import DISTS
from calc.units import Q, check_dimension, dimension_text, format_unit, parse_unit
from calc.values import MAX_CASES, MAX_SAMPLES, MAX_SEED, Axis, Value, spec_value

PATTERNS = {"slug": r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", "name": r"^[a-z][a-z0-9_]*$"}
SLUG, NAME = re.compile(PATTERNS["slug"]), re.compile(PATTERNS["name"])
STAND_IN_TIMELINE = {"start": 1900, "end": 2199, "step": "year"}    # any date is in it
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")       # a name as an expression or a key writes it

TYPES = {
    "slug": "lowercase letters and digits joined by '-' or '_', e.g. 'nvidia-1gw'",
    "name": "a snake_case quantity name, e.g. 'facility_power'",
    "text": "free text",
    "quantity": "a number with a unit as a string ('1 GW', '$1.25B', '200k chip', '25 %') or a "
                "plain number",
    "range": "[low, high]: a 90 % interval of two quantities",
    "expression": "arithmetic over quantity names, figure ids and unit literals, e.g. "
                  "'chips / facility_power'",
    "unit": "a unit, e.g. 'GW', 'USD/yr', 'EFLOP/s'",
    "integer": "a whole number",
    "figure": "a registry figure id (`calc figures` lists them)",
    "accelerator": "a catalogue id (`calc figures` lists the catalogue's figures), e.g. "
                   "'gb200-superchip'",
    "model": "the name of an alternative formula for a quantity, e.g. 'arr_projected_decaying'",
    "source": "a registry source id (`calc sources`), 'assumption' (then 'note' is required), or "
              "an inline {publisher, title, date}",
    "date": "a date: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Q3, YYYY-H1, A/B or 'unknown'",
    "enum": "one of the listed words",
    "mapping": "a mapping",
    "list": "a list",
    "fraction_or_quantity": "a fraction such as '20%' or a quantity in the unit of 'near'",
    "correlation": "[name_a, name_b, rho]: a Spearman rank correlation, -1 < rho < 1",
    "quantity_or_figure": "a quantity ('7 yr') or {figure: id} naming a registry figure",
    "quantity_or_range": "a quantity ('1 GW'), or [low, high]: a 90 % interval of two quantities",
}

_SOURCE = {"type": "source", "doc": "who said it: a source id, 'assumption' with a note, or an "
                                    "inline source (block inline_source)",
           "block": "inline_source"}
_NOTE = {"type": "text", "doc": "why this value (required with source: assumption)"}
_SUMMARY = {"type": "text",
            "doc": "the note in one line of at most 160 characters, shown in tables"}

BLOCKS: dict[str, dict[str, dict]] = {
    "scenario": {
        "name": {"type": "slug", "required": True, "doc": "the scenario's name",
                 "example": "nvidia-1gw"},
        "title": {"type": "text", "doc": "a one-line title shown above the tables"},
        "description": {"type": "text", "doc": "what the scenario asks"},
        "accelerator": {"type": "accelerator", "doc": "catalogue entry supplying per-chip defaults",
                        "example": "gb200-superchip"},
        "inputs": {"type": "mapping", "keys": "name", "values": "input",
                   "doc": "given values: a figure id or a literal with a source; a name nothing "
                          "uses is an error"},
        "outputs": {"type": "list", "items": "name", "required": True,
                    "doc": "the quantities to compute (glossary names, inputs or derive names)",
                    "example": ["chips", "capex"]},
        "variants": {"type": "mapping", "keys": "slug", "values": "variant",
                     "doc": "named overrides of accelerator, models and inputs; one column each"},
        "sweep": {"type": "mapping", "keys": "name", "values": "sweep_axis",
                  "doc": "a grid: per name a list of values or {from, to, steps}; at most "
                         f"{MAX_CASES:,} points"},
        "samples": {"type": "integer", "minimum": 0, "maximum": MAX_SAMPLES, "default": 0,
                    "doc": "Monte Carlo samples over ranges; 0 = central values only"},
        "seed": {"type": "integer", "minimum": 0, "maximum": MAX_SEED,
                 "doc": "random seed: same seed, same numbers"},
        "derive": {"type": "mapping", "keys": "name", "values": "derive_entry",
                   "doc": "the analyst's own formulas, units checked: name: expression, or "
                          "{expr, unit}"},
        "checks": {"type": "list", "items": "check",
                   "doc": "claims to test, each tied to the source that made it"},
        "models": {"type": "mapping", "keys": "name", "values": "model",
                   "doc": "alternative formulas: quantity: model name"},
        "correlations": {"type": "list", "items": "correlation",
                         "doc": "rank correlations between uncertain inputs: "
                                "[[name_a, name_b, rho], ...]"},
        "display": {"type": "mapping", "keys": "name", "values": "unit",
                    "doc": "the unit each shown quantity is displayed in, e.g. "
                           "{peak_compute: EFLOP/s}"},
        "timeline": {"type": "mapping", "values": "timeline",
                     "doc": "{start, end, step}: evaluate every quantity once per period; step is "
                            "year (default), quarter or month"},
        "commitments": {"type": "mapping", "keys": "name", "values": "commitment",
                        "doc": "with a timeline: name: commitment, each spread over the periods"},
        "solve": {"type": "mapping", "values": "solve",
                  "doc": "goal seek: the input value that makes an output meet a target"},
        "financing": {"type": "mapping", "values": "financing",
                      "doc": "with a timeline: cash, dated raises, other costs and interest; "
                             "gives cash_balance, shortfall and cash_out"},
        "ledger_as_of": {"type": "date",
                         "doc": "the date every deals_* figure (the deals ledger's totals) is read "
                                "at, e.g. 2025-11-30; default today"},
    },
    "input": {
        "figure": {"type": "figure",
                   "doc": "take the value (or range) of a registry figure, with its source"},
        "value": {"type": "quantity", "doc": "a literal value; needs a source"},
        "range": {"type": "range", "doc": "[low, high], a 90 % interval: lognormal when both ends "
                                          "are positive, else normal, truncated at the quantity's "
                                          "bounds"},
        "dist": {"type": "enum", "enum": list(DISTS),
                 "doc": "a distribution over low..high (mode for triangular and pert)"},
        "low": {"type": "quantity", "doc": "with dist: the low end"},
        "mode": {"type": "quantity", "doc": "with dist triangular or pert: the peak"},
        "high": {"type": "quantity", "doc": "with dist: the high end"},
        "source": _SOURCE,
        "note": _NOTE,
        "summary": _SUMMARY,
        "expr": {"type": "expression", "doc": "instead of value: a formula over other inputs "
                                              "and figures (series too), with unit"},
        "unit": {"type": "unit", "doc": "with expr: the formula's unit (revenue: USD/yr is a "
                                        "rate, USD an amount per period)"},
        "over_time": {"type": "mapping", "keys": "date", "values": "quantity_or_range",
                      "doc": "with a timeline, instead of value: a series {2026: 1 GW, "
                             "2028: 3 GW}; a period takes the value in force at its start; a "
                             "point may be a range [low, high] (one quantile per sample for the "
                             "whole series)"},
        "interpolate": {"type": "enum", "enum": ["step", "linear"], "default": "step",
                        "doc": "with over_time: step (the value in force at a period's start) "
                               "or linear (straight lines between points; a period takes the "
                               "average)"},
    },
    "variant": {
        "accelerator": {"type": "accelerator", "doc": "this variant's catalogue entry"},
        "models": {"type": "mapping", "keys": "name", "values": "model",
                   "doc": "this variant's formulas"},
        "inputs": {"type": "mapping", "keys": "name", "values": "input",
                   "doc": "inputs this variant overrides"},
        "description": {"type": "text", "doc": "what the variant changes"},
        "ledger_as_of": {"type": "date", "doc": "this variant's date for every deals_* figure"},
    },
    "sweep_axis": {
        "from": {"type": "quantity", "required": True,
                 "doc": "first value (a sweep can also be a list of values)"},
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
        "start": {"type": "date", "required": True,
                  "doc": "the first period, on a boundary of the step"},
        "end": {"type": "date", "required": True,
                "doc": "the last period, inclusive at its own precision"},
        "step": {"type": "enum", "enum": ["year", "quarter", "month"], "default": "year",
                 "doc": "period length"},
    },
    "commitment": {
        "amount": {"type": "mapping", "values": "input",
                   "doc": "the committed amount, as an input: {figure: id}, "
                          "{value: ..., source: ...} or {range: [low, high], source: ..., "
                          "note: ...}; or give capacity instead"},
        "capacity": {"type": "mapping", "values": "input",
                     "doc": "instead of amount: the capacity online [GW], as an input (a series "
                            "too); spend = price x the capacity's integral over the period"},
        "price": {"type": "mapping", "values": "input",
                  "doc": "with capacity: the price [USD/GW/yr]; default the input "
                         "rental_price_per_power"},
        "start": {"type": "date", "doc": "when spending starts (with capacity: default the "
                                         "timeline's start)"},
        "term": {"type": "quantity_or_figure",
                 "doc": "how long it runs, e.g. '5 yr', or {figure: id}"},
        "shape": {"type": "enum", "enum": ["flat", "ramp"], "default": "flat",
                  "doc": "flat: even per month; ramp: the spend rate rises linearly to its peak at "
                         "the end"},
        "schedule": {"type": "mapping", "keys": "date", "values": "quantity",
                     "doc": "instead of term and shape: amounts per date"},
        "note": {"type": "text", "doc": "where the terms come from"},
    },
    "solve": {
        "for": {"type": "name", "required": True,
                "doc": "the input to solve for (scalar in each case)"},
        "so_that": {"type": "expression", "required": True,
                    "doc": "the output that must meet the target"},
        "equals": {"type": "quantity", "doc": "the target value"},
        "at_most": {"type": "quantity", "doc": "an upper target"},
        "at_least": {"type": "quantity", "doc": "a lower target"},
        "between": {"type": "range", "required": True,
                    "doc": "[low, high]: the bracket searched for the input"},
        "at": {"type": "date", "doc": "the period, for an output with a value per period"},
    },
    "inline_source": {
        "publisher": {"type": "text", "required": True, "doc": "who published it"},
        "title": {"type": "text", "required": True, "doc": "the publication's title"},
        "date": {"type": "date", "required": True, "doc": "when it was published"},
        "language": {"type": "text", "doc": "language code of the quote, e.g. 'en', 'de'",
                     "default": "en"},
        "url": {"type": "text", "doc": "the publisher's own page, if known"},
        "note": {"type": "text", "doc": "anything a reader should know about the source"},
    },
}
BLOCKS.update(financing_keys.BLOCKS)        # financing, raise, from_ledger (calc.financing_keys)

TIMELINE_KEYS = ("timeline", "commitments", "solve", "financing")   # top-level keys of a timeline
DATE_INPUTS = values.DATE_INPUTS                        # inputs whose value is a date
# Choosing one of these path shapes chooses its partners too: the run-rate and revenue follow one
# path.
PAIRED = {
    "arr_projected_decaying": {"arr_at": "arr_at_decaying", "revenue": "revenue_decaying"},
    "arr_at_decaying": {"revenue": "revenue_decaying", "arr_projected": "arr_projected_decaying"},
    "revenue_decaying": {"arr_at": "arr_at_decaying", "arr_projected": "arr_projected_decaying"},
    "arr_at_logistic": {"revenue": "revenue_logistic"},
    "revenue_logistic": {"arr_at": "arr_at_logistic"},
}


def allowed(block: str) -> tuple[str, ...]:
    """The keys a block accepts, in declaration order."""
    return tuple(BLOCKS[block])


def required(block: str) -> tuple[str, ...]:
    """The keys a block must have."""
    return tuple(k for k, spec in BLOCKS[block].items() if spec.get("required"))


def declaration() -> dict:
    """A copy of the whole declaration as plain data: {"types", "patterns" (regexes of slug and
    name), "blocks"}."""
    return {"types": copy.deepcopy(TYPES), "patterns": dict(PATTERNS),
            "blocks": copy.deepcopy(BLOCKS)}


def pair_models(models: dict) -> dict:
    """``models`` with each chosen path shape's partners added (unless chosen otherwise)."""
    out = dict(models)
    for fname in list(models.values()):
        for q, partner in PAIRED.get(fname, {}).items():
            out.setdefault(q, partner)
    return out



class Reader:
    """Turns a scenario's YAML mapping into a Scenario, collecting every problem; ``READERS`` gives
    the top-level keys, their readers and their order."""

    def __init__(self, path: str, scenario_type):
        self.path = path
        self.scenario_type = scenario_type      # calc.scenario.Scenario (which imports this module)
        self.tl = None                          # the timeline, once read_timeline has read it
        self.tl_refused = False                 # a timeline was given and refused
        self.problems: list[str] = []
        self.reg = registry()
        self.inline: dict[str, Source] = {}
        self.input_where: dict[str, str] = {}
        self.commitment_inputs: dict[str, str] = {}     # input name -> its commitment's key
        self.where: dict[str, str] = {}

    def at(self, node, key, keypath: str) -> str:
        """``file:line: keypath`` of ``key`` in ``node`` (a yamlio mapping or list)."""
        line = node.line_of(key) if hasattr(node, "line_of") else getattr(node, "line", 0)
        return f"{self.path}:{line}: {keypath}"

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def keys(self, node, block, keypath: str) -> None:
        """Report every key of ``node`` that the declaration of ``block`` (a block name, or the keys
        themselves) does not have."""
        names = allowed(block) if isinstance(block, str) else tuple(block)
        for key in node:
            if key not in names:
                self.problem(self.at(node, key, f"{keypath}{key}"),
                             f"unknown key{did_you_mean(key, names)}; allowed: {', '.join(names)}")

    def read(self, data):
        """The Scenario ``data`` describes; one CalcError lists every problem."""
        if data is None:
            raise CalcError(f"{self.path}: the file is empty; a scenario needs at least 'name' and "
                            "'outputs'")
        if not isinstance(data, dict):
            got = "a list" if isinstance(data, list) else f"{type(data).__name__} {data!r}"[:80]
            line = getattr(data, "line", 1)
            raise CalcError(f"{self.path}:{line}: expected a mapping of scenario keys "
                            f"({', '.join(allowed('scenario'))}), got {got}")
        self.keys(data, "scenario", "")
        sc = self.scenario_type(name="", path=self.path)
        for read in READERS.values():       # the declaration drives the reading: one reader per key
            read(self, data, sc)
        sc.inline_sources = self.inline
        sc.input_where = self.input_where
        sc.commitment_inputs = self.commitment_inputs
        sc.where = {**{k: self.at(data, k, k) for k in data if isinstance(k, str)}, **self.where}
        if self.problems:
            self.unused_inputs(data)
            raise CalcError(self.problems)
        return sc

    def unused_inputs(self, data) -> None:
        """With other problems in the file, also say now which inputs no run could use (a name not
        in the glossary that nothing in the file mentions): the run would refuse them next."""
        blocks = [(data.get("inputs"), "inputs")]
        variants = data.get("variants")
        if isinstance(variants, dict):
            blocks += [(v.get("inputs"), f"variants.{k}.inputs") for k, v in variants.items()
                       if isinstance(v, dict)]
        blocks = [(b, kp) for b, kp in blocks if isinstance(b, dict)]
        own = {id(b) for b, _ in blocks}
        said: set[str] = set()

        def walk(node) -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    if id(node) not in own:
                        said.update(WORD.findall(str(k)))
                    walk(v)
            elif isinstance(node, list):
                for x in node:
                    walk(x)
            elif isinstance(node, str):
                said.update(WORD.findall(node))

        walk(data)
        known = glossary()
        for block, kp in blocks:
            for name in block:
                if (isinstance(name, str) and NAME.match(name) and name not in known
                        and name not in said):
                    said.add(name)                  # once, though several variants give it
                    self.problem(self.input_where.get(name, self.at(block, name, f"{kp}.{name}")),
                                 f"not used by any output, derive or check"
                                 f"{did_you_mean(name, sorted(known))}; remove it or use it")

    # -- top-level keys: one reader each, listed in READERS ----------------------------------
    def read_name(self, data, sc) -> None:
        name = data.get("name")
        if not isinstance(name, str) or not SLUG.match(name):
            self.problem(self.at(data, "name", "name"),
                         f"{'missing' if name is None else repr(name) + ' is not a slug'}; "
                         "give a short slug such as 'nvidia-1gw'")
        sc.name = str(name)

    def read_title(self, data, sc) -> None:
        sc.title = str(data.get("title", "") or "")

    def read_description(self, data, sc) -> None:
        sc.description = str(data.get("description", "") or "")

    def read_accelerator(self, data, sc) -> None:
        sc.base.accelerator = self.accelerator(data, "accelerator", "accelerator")

    def read_models(self, data, sc) -> None:
        sc.base.models = self.models(data.get("models"), data, "models")

    def read_timeline(self, data, sc) -> None:
        """The period axis that inputs' over_time series, commitments and ``at`` use."""
        if data.get("timeline") is None:
            return
        try:
            self.tl = periods.Timeline.parse(data["timeline"], "timeline")
        except CalcError as exc:
            self.problems.append(self.at(data, "timeline", "") + str(exc))
            self.tl_refused = True                  # its problem is reported once

    def read_inputs(self, data, sc) -> None:
        self.formulas = {}
        sc.base.values = self.inputs(data.get("inputs"), data, "inputs")
        sc.formulas = self.formulas

    def read_commitments(self, data, sc) -> None:
        if self.tl is None and self.tl_refused and data.get("commitments") is not None:
            # the refused timeline is said once; its commitments are still read, against a wide
            # stand-in, so that their own problems are said in the same run
            self.tl = periods.Timeline.parse(STAND_IN_TIMELINE, "timeline")
            try:
                self.commitments(data, dict(sc.base.values))
            finally:
                self.tl = None
            return
        sc.timeline = self.commitments(data, sc.base.values)
        sc.base.values.update(sc.axis.period_values())      # period_start, period_end (a timeline)

    def read_derive(self, data, sc) -> None:
        sc.derive = self.derives(data.get("derive"), data, sc)

    def read_outputs(self, data, sc) -> None:
        sc.outputs = self.outputs(data, sc)

    def read_variants(self, data, sc) -> None:
        sc.variants = self.variants(data.get("variants"), data)

    def read_sweep(self, data, sc) -> None:
        sc.sweep = self.sweep(data.get("sweep"), data)

    def read_samples(self, data, sc) -> None:
        spec = BLOCKS["scenario"]["samples"]
        sc.samples = self.integer(data, "samples", spec["minimum"], spec["maximum"],
                                  spec["default"])

    def read_seed(self, data, sc) -> None:
        spec = BLOCKS["scenario"]["seed"]
        sc.seed = self.integer(data, "seed", spec["minimum"], spec["maximum"], None)

    def read_checks(self, data, sc) -> None:
        sc.checks = self.checks(data.get("checks"), data, sc)

    def read_display(self, data, sc) -> None:
        sc.display = self.display(data.get("display"), data, sc)

    def read_correlations(self, data, sc) -> None:
        sc.correlations = self.correlations(data.get("correlations"), data)

    def read_solve(self, data, sc) -> None:
        """The ``solve`` mapping, checked: {for, so_that (Expr), kind, target, between, at}."""
        node = data.get("solve")
        if node is None:
            return
        where = self.at(data, "solve", "solve")
        if not isinstance(node, dict):
            self.problem(where, "expected {for: NAME, so_that: EXPR, equals: VALUE, "
                                "between: [LO, HI]}")
            return
        self.keys(node, "solve", "solve.")
        if self.tl is None and self.tl_refused:
            node = {k: v for k, v in node.items() if k != "at"}  # the refused timeline: said once
        try:
            sc.solve = parse_solve(node, self.tl,
                                   set(glossary()) | set(sc.base.values) | set(sc.formulas)
                                   | set(sc.derive) | axis_names(sc))
        except CalcError as exc:
            self.problem(where, str(exc))

    def read_ledger_as_of(self, data, sc) -> None:
        """ledger_as_of at the top and in variants: {"base" or variant name: datetime.date}."""

        def one(node, kp):
            try:
                at = as_of_day(node["ledger_as_of"], "ledger_as_of")
                if self.reg.ledger is not None:     # as calc deals --as-of refuses it
                    check_any(Counting(self.reg.ledger, at))
                return at
            except CalcError as exc:
                self.problem(self.at(node, "ledger_as_of", kp), str(exc))
                return None
        out = {}
        if data.get("ledger_as_of") is not None:
            out["base"] = one(data, "ledger_as_of")
        variants = data.get("variants")
        for vname, spec in (variants.items() if isinstance(variants, dict) else ()):
            if isinstance(spec, dict) and spec.get("ledger_as_of") is not None:
                out[vname] = one(spec, f"variants.{vname}.ledger_as_of")
        sc.ledger_as_of = {k: v for k, v in out.items() if v is not None}

    # -- scenario, variant and sweep pieces --------------------------------------------------
    def integer(self, data, key, lo, hi, default):
        if key not in data or data[key] is None:
            return default
        v = data[key]
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            self.problem(self.at(data, key, key),
                         f"expected a whole number from {lo} to {hi:,}, got {v!r}")
            return default
        return v

    def accelerator(self, node, key, keypath):
        aid = node.get(key) if isinstance(node, dict) else None
        if aid is None:
            return None
        if not isinstance(aid, str) or aid not in self.reg.accelerators:
            self.problem(self.at(node, key, keypath), f"unknown accelerator {aid!r}"
                         f"{did_you_mean(aid, self.reg.accelerators)}; the catalogue has "
                         f"{', '.join(self.reg.accelerators)}")
            return None
        return aid

    def models(self, node, parent, keypath):
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, keypath.split(".")[-1], keypath),
                         "expected a mapping quantity: model")
            return {}
        out = {}
        for q, fname in node.items():
            f = FORMULAS.get(fname) if isinstance(fname, str) else None
            if f is None or f.output != q:
                options = [g.name for g in FORMULAS.values() if g.output == q]
                self.problem(self.at(node, q, f"{keypath}.{q}"), f"unknown model {fname!r} for {q}"
                             f"{did_you_mean(fname, options)}; choices: "
                             f"{', '.join(options) or 'none'}")
                continue
            out[q] = fname
        return out

    def outputs(self, data, sc) -> list:
        outs = data.get("outputs")
        if outs is None:
            self.problem(self.at(data, None, "outputs"),
                         "missing 'outputs': list the quantities to compute, e.g. [chips, capex]")
            return []
        if isinstance(outs, str):
            outs = [outs]
        if not isinstance(outs, list) or not outs:
            self.problem(self.at(data, "outputs", "outputs"), "expected a list of quantity names")
            return []
        known = (set(glossary()) | set(sc.derive) | set(sc.base.values) | set(sc.formulas)
                 | axis_names(sc))
        out = []
        for i, name in enumerate(outs):
            line = outs.line_of(i) if hasattr(outs, "line_of") else 0
            if not isinstance(name, str) or name not in known:
                self.problem(f"{self.path}:{line}: outputs[{i}]",
                             f"unknown quantity {name!r}{did_you_mean(name, known)}")
            elif name in out:                   # [chips, chips]: one of them is a slip
                self.problem(f"{self.path}:{line}: outputs[{i}]",
                             f"{name!r} is listed twice (also outputs[{outs.index(name)}]); "
                             "give each output once")
            else:
                out.append(name)
        return out

    def display(self, node, parent, sc) -> dict:
        """``display: {name: unit}``: the unit each shown quantity is shown in (a derive's
        ``unit:`` too)."""
        out = {n: u for n, (_, u) in sc.derive.items() if u is not None and unit_of(n) is not None}
        if node is None:
            return out
        if not isinstance(node, dict):
            self.problem(self.at(parent, "display", "display"),
                         "expected a mapping name: unit, e.g. {arr_growth_per_month: '%', "
                         "peak_compute: EFLOP/s}")
            return out
        shown = set(sc.outputs) | set(sc.derive)
        for name, unit in node.items():
            where = self.at(node, name, f"display.{name}")
            if name not in shown:
                self.problem(where, f"{name!r} is not an output or a derive of this scenario"
                                    f"{did_you_mean(str(name), shown)}; display names what the "
                                    "tables show")
                continue
            derived = sc.derive.get(name)
            try:
                out[name] = check_unit(name, unit, where,
                                       derived[1] if derived and derived[1] else None)
            except CalcError as exc:
                self.problems += exc.problems
        return out

    def variants(self, node, parent) -> dict:
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, "variants", "variants"),
                         "expected a mapping name: {overrides}")
            return {}
        out = {}
        for vname, spec in node.items():
            kp = f"variants.{vname}"
            if not isinstance(vname, str) or not SLUG.match(vname) or vname == "base":
                self.problem(self.at(node, vname, kp),
                             "variant names are slugs such as 'per-gpu' ('base' is taken)")
                continue
            if not isinstance(spec, dict):
                self.problem(self.at(node, vname, kp),
                             "expected a mapping of overrides: accelerator, models, inputs")
                continue
            self.keys(spec, "variant", kp + ".")
            acc = self.accelerator(spec, "accelerator", f"{kp}.accelerator")
            models = self.models(spec.get("models"), spec, f"{kp}.models")
            given = self.inputs(spec.get("inputs"), spec, f"{kp}.inputs")
            out[vname] = (acc, models, given)
        return out

    def sweep(self, node, parent) -> dict:
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, "sweep", "sweep"), "expected a mapping name: [values]")
            return {}
        out = {}
        for name, spec in node.items():
            kp = f"sweep.{name}"
            where = self.at(node, name, kp)
            self.where[kp] = where
            try:
                out[name] = self.sweep_axis(name, spec, kp)
            except CalcError as exc:
                self.problem(where, str(exc).lstrip(": "))
        size = math.prod(len(v) for v in out.values()) if out else 1
        if size > MAX_CASES:
            self.problem(self.at(parent, "sweep", "sweep"), f"{size:,} sweep points is more than "
                         f"calc evaluates ({MAX_CASES:,}); use fewer points")
        return out

    def sweep_axis(self, name, spec, kp) -> Axis:
        """One sweep axis: a list of values or {from, to, steps}; CalcError if it is neither."""
        def point(given):
            return values.literal(name, given, "", origin="sweep", sources=("sweep",)).central
        if isinstance(spec, dict):
            self.keys(spec, "sweep_axis", kp + ".")
            steps = spec.get("steps")
            if (not isinstance(steps, int) or isinstance(steps, bool)
                    or not 2 <= steps <= MAX_CASES):
                raise CalcError(f"steps must be a whole number from 2 to {MAX_CASES:,}, "
                                f"got {steps!r}")
            lo = point(spec.get("from"))
            hi = point(spec.get("to")).to(lo.units)
            return Axis(name, Q(np.linspace(lo.magnitude, hi.magnitude, steps), lo.units))
        if isinstance(spec, list) and spec:
            points = [point(x) for x in spec]
            unit = points[0].units
            try:
                mags = [float(q.to(unit).magnitude) for q in points]
            except Exception:
                raise CalcError("sweep values differ in dimension; give them all in one kind of "
                                "unit") from None
            return Axis(name, Q(np.array(mags), unit), tuple(spec))
        raise CalcError("expected a list of values, e.g. [1.1, 1.2, 1.3], or {from, to, steps}")

    def correlations(self, node, parent) -> dict:
        if node is None:
            return {}
        out = {}
        if not isinstance(node, list):
            self.problem(self.at(parent, "correlations", "correlations"),
                         "expected a list of [name_a, name_b, rank correlation], e.g. "
                         "[[pue, electricity_price, 0.5]]")
            return {}
        seen: dict[tuple, str] = {}
        for i, item in enumerate(node):
            where = f"{self.path}:{node.line_of(i)}: correlations[{i}]"
            if (not isinstance(item, list) or len(item) != 3
                    or not isinstance(item[2], (int, float)) or isinstance(item[2], bool)
                    or not -1 < item[2] < 1):
                self.problem(where, "expected [name_a, name_b, rho] with -1 < rho < 1")
                continue
            a, b, rho = str(item[0]), str(item[1]), float(item[2])
            if a == b:
                self.problem(where, f"{a} is correlated with itself; name two different inputs")
                continue
            pair = (a, b) if (a, b) in out or (b, a) not in out else (b, a)
            if pair in out:
                first = seen[pair]
                self.problem(where, f"the pair {a}, {b} is given twice (first in {first}, with "
                                    f"{out[pair]:g})"
                             + ("" if out[pair] == rho else f"; {rho:g} contradicts it")
                             + "; keep one")
                continue
            out[pair], seen[pair] = rho, f"correlations[{i}] on line {node.line_of(i)}"
        return out

    # -- inputs, their sources and summaries -------------------------------------------------
    def source(self, spec, keypath) -> tuple[tuple[str, ...], bool]:
        """(source ids, ok) of an input's or check's ``source``; inline mappings are registered."""
        src = spec.get("source")
        if src is None:
            self.problem(self.at(spec, None, keypath), "a literal needs a 'source': a source id "
                         "from `calc sources`, 'assumption' (with a 'note'), or "
                         "{publisher, title, date}")
            return (), False
        if src == "assumption":
            if not spec.get("note"):
                self.problem(self.at(spec, "source", f"{keypath}.source"),
                             "source: assumption needs a 'note' saying why this value")
                return (), False
            return ("assumption",), True
        if isinstance(src, dict):
            return self.inline_source(src, spec, keypath)
        if isinstance(src, list):
            self.problem(self.at(spec, "source", f"{keypath}.source"),
                         f"expected one source, got a list {src!r}; write a source id from "
                         "`calc sources`, 'assumption' (with a 'note'), or "
                         "{publisher, title, date}")
            return (), False
        if src not in self.reg.sources and src not in self.inline:
            self.problem(self.at(spec, "source", f"{keypath}.source"), f"unknown source id {src!r}"
                         f"{did_you_mean(src, self.reg.sources)}; `calc sources` lists them")
            return (), False
        return (str(src),), True

    def inline_source(self, src, spec, keypath):
        kp = f"{keypath}.source"
        self.keys(src, "inline_source", kp + ".")
        missing = [k for k in ("publisher", "title", "date") if not src.get(k)]
        if missing:
            self.problem(self.at(spec, "source", kp),
                         f"an inline source needs {', '.join(missing)}")
            return (), False
        try:
            dates.parse(src["date"], "date")
        except CalcError as exc:
            self.problem(self.at(src, "date", kp + ".date"), str(exc))
        words = f"inline {src['publisher']} {src['date']} {src['title']}".lower()
        sid = re.sub(r"[^a-z0-9]+", "-", words).strip("-")[:80]
        self.inline[sid] = Source(id=sid, publisher=str(src["publisher"]), title=str(src["title"]),
                                  date=str(src["date"]), language=str(src.get("language", "en")),
                                  url=src.get("url"), note=src.get("note"))
        return (sid,), True

    def inputs(self, node, parent, keypath) -> dict:
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, "inputs", keypath), "expected a mapping of name: "
                         "{figure: id} or {value: ..., source: ...}")
            return {}
        out = {}
        for name, spec in node.items():
            kp = f"{keypath}.{name}"
            if not isinstance(name, str) or not NAME.match(name):
                self.problem(self.at(node, name, kp),
                             "input names are snake_case words such as 'facility_power'")
                continue
            if name in periods.PERIOD_NAMES:
                self.problem(self.at(node, name, kp), periods.not_an_input(name))
                continue
            self.input_where.setdefault(name, self.at(node, name, kp))
            value = self.input(name, spec, node, kp)
            if value is not None and name == "revenue" and value.origin == "over_time" and \
                    value.central.check("[currency] / [time]"):    # a rate: times each period
                out["revenue_rate"] = value
                self.formulas[name] = (expr.parse("revenue_rate * (period_end - period_start)",
                                                  names={"revenue_rate", "period_end",
                                                         "period_start"}), "USD")
            elif value is not None:
                out[name] = value
        return out

    def input(self, name, spec, node, kp) -> Value | None:
        where = self.at(node, name, kp)
        if not isinstance(spec, dict):
            self.problem(where, f"got {spec!r}; write {{value: {spec!r}, source: <id>}} or "
                                "{figure: <id>} -- every literal needs a source")
            return None
        self.keys(spec, "input", kp + ".")
        if "expr" in spec:
            self.input_formula(name, spec, node, kp)
            return None
        if name == "arr_at" and "over_time" in spec:
            self.problem(where, "arr_at cannot be a series; give revenue as a series instead "
                                "({over_time: {2026: 12 billion USD/yr, ...}}, a rate)")
            return None
        forms = [k for k in ("figure", "value", "range", "dist", "over_time") if k in spec]
        if len(forms) != 1:
            self.problem(where, "give exactly one of 'figure', 'value', 'range' or 'dist' "
                                f"(got {', '.join(forms) or 'none'})")
            return None
        sources = ()
        if "figure" not in spec:
            sources, ok = self.source(spec, kp)
            if not ok:
                return None
        try:
            series_linear(spec)                 # interpolate: step or linear, with a series only
            if "over_time" in spec and self.tl is None and self.tl_refused:
                return self.stand_in(name, spec, sources)   # the refused timeline: said once
            if "over_time" in spec:
                value = self.series_value("revenue_rate" if name == "revenue" and rate_series(spec)
                                          else name, spec, sources)
            elif name in DATE_INPUTS:
                value = date_value(name, spec, sources)
            else:
                value = spec_value(name, spec, sources=sources, reg=self.reg)
        except CalcError as exc:
            self.problem(where, str(exc))
            return None
        summary = self.summary(spec, kp)
        return dataclasses.replace(value, summary=summary) if summary else value

    def input_formula(self, name, spec, node, kp) -> None:
        """An input given as ``{expr, unit}``: a formula over other inputs and figures, kept in
        ``self.formulas`` (read as a derive). ``revenue`` in USD/yr is a rate: a period earns it
        times its length."""
        where = self.at(node, name, kp)
        extra = [k for k in ("figure", "value", "range", "dist", "over_time") if k in spec]
        text, unit = spec["expr"], spec.get("unit")
        if extra:
            self.problem(where, f"give either expr or {', '.join(extra)}")
            return
        if not kp.startswith("inputs."):
            self.problem(where, "a formula input goes under the scenario's inputs:, not here")
            return
        if not isinstance(text, str) or unit is None:
            self.problem(where, "expected {expr: 'users * price_per_user', unit: USD/yr}")
            return
        known = set(glossary()) | set(self.reg.figures) | set(node)
        try:
            tree = expr.parse(text, names=known)
            given = parse_unit(str(unit))
        except CalcError as exc:
            self.problem(where, str(exc))
            return
        if name in tree.names:
            self.problem(where, f"expr: {text!r} names {name!r} itself; a formula cannot use its "
                                "own value")
            return
        unknown = unknown_names(tree, known)
        for n in unknown:
            self.problem(where, f"expr: unknown name {n!r} in {text!r}{did_you_mean(n, known)}")
        if unknown:
            return
        unit = str(unit)
        expected = unit_of(name)
        rate = name == "revenue" and Q(1, given).check("[currency] / [time]")
        if rate:
            if self.tl is None:
                self.problem(where, "revenue as a rate (USD/yr) needs a timeline; give it in USD")
                return
            tree = expr.parse(f"({text}) * (period_end - period_start)",
                              names=known | {"period_end", "period_start"})
            unit = "USD"
        elif expected is not None and Q(1, given).dimensionality != parse_unit(
                expected).dimensionality:
            hint = " or, for revenue, a rate such as USD/yr" if name == "revenue" else ""
            self.problem(where, f"unit: {unit} does not match {name}'s unit "
                                f"{format_unit(parse_unit(expected))}{hint}")
            return
        self.formulas[name] = (tree, unit)

    def summary(self, spec, kp) -> str | None:
        """A note's one-line ``summary`` (shown in tables; the note in full in explain)."""
        text = spec.get("summary")
        if text is None:
            return None
        if (not isinstance(text, str) or not text.strip() or "\n" in text.strip()
                or len(text) > SUMMARY_MAX):
            self.problem(self.at(spec, "summary", f"{kp}.summary"), "a summary is one line of at "
                         f"most {SUMMARY_MAX} characters standing for the note")
            return None
        return text.strip()

    # -- expressions: derive (the analyst's formulas) and checks (claims) --------------------
    def derives(self, node, parent, sc) -> dict:
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, "derive", "derive"), "expected a mapping name: expression")
            return {}
        known = (set(glossary()) | set(self.reg.figures) | set(sc.base.values) | set(sc.formulas)
                 | set(node) | axis_names(sc))
        out = {}
        for name, spec in node.items():
            kp = f"derive.{name}"
            where = self.at(node, name, kp)
            unit = None
            if isinstance(spec, dict):
                self.keys(spec, "derive_entry", kp + ".")
                unit, spec = spec.get("unit"), spec.get("expr")
            if not isinstance(name, str) or not NAME.match(name):
                self.problem(where, "derived names are snake_case words such as 'chips_per_mw'")
                continue
            self.where[kp] = where
            if name in sc.base.values:
                self.problem(where, f"{name!r} is also an input; give the derived quantity another "
                                    "name")
                continue
            if name in self.reg.figures:
                self.problem(where, f"{name!r} is a registry figure id (`calc figures` lists it); "
                                    "a derived quantity cannot take its name -- give it another "
                                    "name")
                continue
            if not isinstance(spec, str):
                self.problem(where, "expected an expression such as 'chips / facility_power', "
                                    f"got {spec!r}")
                continue
            try:
                tree = expr.parse(spec, names=known)
                if unit is not None:
                    parse_unit(str(unit))
                if unit_of(name) is not None:   # a glossary name keeps its glossary dimension
                    if unit is not None:
                        check_dimension(f"unit {unit}", Q(1, parse_unit(str(unit))), unit_of(name))
                    unit = unit_of(name) if unit is None else unit
            except CalcError as exc:
                self.problem(where, str(exc))
                continue
            unknown = unknown_names(tree, known)
            for n in unknown:
                self.problem(where, f"unknown name {n!r} in {spec!r}{did_you_mean(n, known)}")
            if not tree.names:          # a constant: evaluate it now, so its errors say where it is
                try:
                    value = tree.evaluate({})
                    if unit is not None and hasattr(value, "units"):
                        check_dimension(name, value, unit)
                except CalcError as exc:
                    self.problem(where, str(exc))
                    continue
            if not unknown:
                out[name] = (tree, None if unit is None else str(unit))
        cycle = find_cycle({n: set(t.names) for n, (t, _) in out.items()})
        if cycle:
            self.problem(self.at(node, cycle[0], f"derive.{cycle[0]}"),
                         f"cycle {' -> '.join(cycle)}; a derived name cannot depend on itself")
            for n in cycle:
                out.pop(n, None)
        return out

    def checks(self, node, parent, sc) -> list:
        if node is None:
            return []
        if not isinstance(node, list):
            self.problem(self.at(parent, "checks", "checks"), "expected a list of checks")
            return []
        known = (set(glossary()) | set(self.reg.figures) | set(sc.derive) | set(sc.base.values)
                 | set(sc.formulas) | axis_names(sc))
        out = []
        for i, spec in enumerate(node):
            kp = f"checks[{i}]"
            where = f"{self.path}:{node.line_of(i)}: {kp}"
            if not isinstance(spec, dict):
                self.problem(where, "expected a mapping with says, source, that and an expectation")
                continue
            self.keys(spec, "check", kp + ".")
            missing = [k for k in ("says", "source", "that") if not spec.get(k)]
            if missing:
                self.problem(where, f"missing {', '.join(missing)}")
                continue
            srcs, ok = self.source(spec, kp)
            kinds = [k for k in ("near", "above", "below", "between") if k in spec]
            if len(kinds) > 1:
                self.problem(where, f"give one expectation, got {', '.join(kinds)}")
                continue
            kind = kinds[0] if kinds else None
            try:
                tree = expr.parse(str(spec["that"]), names=known)
                unknown = unknown_names(tree, known)
                if unknown:
                    raise CalcError(f"unknown name {unknown[0]!r}"
                                    f"{did_you_mean(unknown[0], known)}")
                target, within = expectation(spec, kind,
                                             date=tree.text.strip() in values.DATES)
                at = self.check_at(spec)
            except CalcError as exc:
                self.problem(where, str(exc))
                continue
            variant = spec.get("variant")
            if variant is not None and (not isinstance(variant, str)        # variant: [a, b]
                                        or (variant != "base" and variant not in sc.variants)):
                names = ", ".join(["base", *sc.variants])
                self.problem(where, f"variant {variant!r} is not a variant of this scenario "
                                    f"({names}){did_you_mean(variant, ['base', *sc.variants])}")
                continue
            if ok:
                out.append(Check(variant=None if variant is None else str(variant),
                                 says=str(spec["says"]), source=srcs[0] if srcs else None,
                                 that=tree, kind=kind, target=target, within=within,
                                 note=spec.get("note"), where=where,
                                 summary=self.summary(spec, kp), at=at,
                                 at_text=None if at is None else str(spec["at"])))
        return out

    # -- the timeline's pieces: over_time series, commitments, a check's at ------------------
    def stand_in(self, name, spec, sources) -> Value:
        """A series' first point standing in for it when the timeline was refused (its problem is
        reported once; the names that use the series stay known, so nothing else is reported)."""
        first = next(iter(spec["over_time"].values()), None) if isinstance(
            spec["over_time"], dict) else None
        first = first[0] if isinstance(first, list) and first else first
        return values.value(name, first, where="over_time", sources=sources, figures=False)

    def series_value(self, name, spec, sources, window=None) -> Value:
        """An ``over_time`` input: per period the value in force at its start (step; before the
        first point the first value) or its exact average (linear); points may be ranges, one
        quantile per draw for the whole series. ``window`` (months ``a``, ``b`` per period): the
        average over those parts instead (a capacity commitment's part of each period)."""
        if self.tl is None:
            raise CalcError("over_time needs a timeline: add timeline: {start: ..., end: ..., "
                            "step: year}")
        points = spec["over_time"]
        idx, labels = self.tl.series(points, f"{name}.over_time")
        given = []
        for key, point in points.items():
            if isinstance(point, dict):
                raise CalcError(f"over_time.{key}: a series point is one value such as '1 GW' "
                                f"or a range [low, high], got {point!r}")
            given.append(values.value(name, point, where=f"over_time.{key}", sources=sources,
                                      figures=False))
        unit = given[0].central.units
        try:
            factors = [float(Q(1, v.central.units).to(unit).magnitude) for v in given]
        except Exception:
            raise CalcError(f"over_time: the points of {name} are not all in one dimension "
                            f"({', '.join(format_unit(v.central.units) for v in given)})") from None
        pts = tuple(float(v.central.magnitude) * f if v.dist is None else scaled(v.dist, f)
                    for v, f in zip(given, factors))
        linear = series_linear(spec)
        knots = np.array([periods.parse_date(k, "").first for k in points])
        if window is not None or linear:
            a, b = window if window is not None else (self.tl.starts, self.tl.ends)
            inside = b > a
            w = periods.series_average(knots, np.eye(len(pts)), np.where(inside, a, 0),
                                       np.where(inside, b, 1), linear).T
            w = np.where(inside[:, None], w, 0.0)
            labels = [*labels, "linear"] if linear else labels
        else:
            w = np.eye(len(pts))[idx]
        dist = uncertainty.SeriesDist(pts, w)
        uncertain = any(v.dist is not None for v in given)
        return Value(central=Q(dist.central, unit), dist=dist if uncertain else None,
                     sources=tuple(sources), origin="over_time",
                     note=spec.get("note") or f"a series: {', '.join(labels)}")

    @staticmethod
    def day_start(given, what: str, run) -> tuple[int, str]:
        """(first month, as written) of a commitment's ``start``; a day counts from the start of
        its month ('2025-10'), with a note in ``run.notes``."""
        span = periods.parse_date(given, "start", days=True)
        note = periods.day_note(span, what)
        if note:
            run.notes.append(note)
        return span.first, periods.month_label(span.first) if note else span.text

    def commitments(self, data, inputs: dict):
        """The ``commitments`` mapping as a calc.values.PeriodAxis (None without a
        timeline): each amount becomes the input ``<name>_commitment``."""
        node = data.get("commitments")
        if self.tl is None:
            if node is not None and data.get("timeline") is None:  # a bad timeline is said once
                self.problem(self.at(data, "commitments", "commitments"), "commitments need a "
                             "timeline: add timeline: {start: ..., end: ..., step: year}")
            return None
        run = values.PeriodAxis(self.tl)
        if node is None:
            return run
        if not isinstance(node, dict) or not node:
            self.problem(self.at(data, "commitments", "commitments"),
                         "expected a mapping name: {amount: ..., start: ..., term: ...}")
            return run
        for key, spec in node.items():
            kp = f"commitments.{key}"
            where = self.at(node, key, kp)
            name = f"{key}_commitment"
            if (not isinstance(key, str) or not key.replace("_", "a").isalnum()
                    or not key[:1].isalpha()):
                self.problem(where, "commitment names are snake_case words such as 'aws'")
                continue
            if not isinstance(spec, dict):
                self.problem(where, "expected {amount: ..., start: 2025-11, term: 7 yr} or "
                                    "{amount: ..., schedule: ...}")
                continue
            self.keys(spec, "commitment", kp + ".")
            if name in inputs or unit_of(name) is not None:
                self.problem(where, f"the amount would be named {name!r}, which is already an "
                                    "input or a quantity; rename the commitment")
                continue
            if "capacity" in spec:
                self.capacity_commitment(key, spec, kp, where, inputs, run)
                continue
            try:
                try:                            # read on when the amount fails: one run, all said
                    value = self.amount(spec, kp, where, inputs, run, name)
                except CalcError as exc:
                    self.problem(where, str(exc).lstrip(": "))
                    value = None
                if "schedule" in spec:
                    extra = [k for k in ("start", "term", "shape") if k in spec]
                    if extra:
                        raise CalcError(f"a schedule gives the dates itself; drop "
                                        f"{', '.join(extra)}")
                    shares = self.shares(spec, kp)
                    if shares is None:                  # reported under each share's own key
                        continue
                    try:
                        s = spread.spread(key, self.tl, "schedule", "", shares=shares)
                    except CalcError as exc:
                        self.problem(self.at(spec, "schedule", f"{kp}.schedule"),
                                     str(exc).removeprefix("schedule: "))
                        continue
                    label = "schedule " + ", ".join(f"{k}: {100 * v:g} %"
                                                    for k, v in shares.items())
                    term_value = None
                else:
                    read = {}                   # start and term: each one's problem is said
                    for k, parse in (("start", lambda g: self.day_start(g, f"{kp}.start", run)),
                                     ("term", self.term)):
                        try:
                            if k not in spec:
                                raise CalcError(f"{k} is missing; a commitment needs start and "
                                                "term (or a schedule)")
                            read[k] = parse(spec[k])
                        except CalcError as exc:
                            self.problem(where, str(exc).lstrip(": "))
                    if len(read) < 2:
                        continue
                    (start, written), (term_value, months) = read["start"], read["term"]
                    shape = str(spec.get("shape", "flat"))
                    s = spread.spread(key, self.tl, shape, "", start=start, term=months)
                    label = f"{shape} over {months:g} months from {written}"
            except CalcError as exc:
                self.problem(where, str(exc).lstrip(": "))
                continue
            if value is None:                   # the amount's problem is said
                continue
            if name not in run.amounts:
                inputs[name] = value
            self.owned(key, where, name)
            run.spreads[name] = s
            run.spread_text[name] = label
            if term_value is not None and term_value.figure:   # the term's source joins the lineage
                inputs[f"{name}_term"] = term_value
                run.terms[name] = f"{name}_term"
                self.owned(key, where, f"{name}_term")
        return run

    def owned(self, key: str, where: str, *names: str) -> None:
        """Note that the inputs ``names`` belong to ``commitments.<key>`` (at ``where``)."""
        for n in names:
            self.commitment_inputs[n] = key
            self.input_where.setdefault(n, where)

    def capacity_commitment(self, key, spec, kp, where, inputs, run) -> None:
        """A commitment stated as ``capacity`` (GW) x ``price`` (USD/GW/yr) over ``[start, start
        + term]`` (defaults: the timeline's start and end): the inputs ``<key>_capacity`` and
        ``<key>_price`` (without price the shared ``rental_price_per_power``)."""
        extra = [k for k in ("amount", "shape", "schedule") if k in spec]
        if extra:
            self.problem(self.at(spec, extra[0], f"{kp}.{extra[0]}"), f"{', '.join(extra)} "
                         "cannot go with capacity: a capacity commitment spends price x capacity "
                         "online; give either amount or capacity")
            return
        tl = self.tl
        try:
            start = (self.day_start(spec["start"], f"{kp}.start", run)[0] if "start" in spec
                     else int(tl.start))
            end = start + self.term(spec["term"])[1] if "term" in spec else int(tl.ends[-1])
        except CalcError as exc:
            self.problem(where, str(exc))
            return
        a, b = np.clip(tl.starts, start, end), np.clip(tl.ends, start, end)
        years = (b - a) / 12.0
        cap_name, cspec = f"{key}_capacity", spec["capacity"]
        ckp = f"{kp}.capacity"
        if not isinstance(cspec, dict):
            self.problem(self.at(spec, "capacity", ckp), f"got {cspec!r}; expected an input "
                         "such as {value: 2 GW, source: ...} or {over_time: {...}, source: ...}")
            return
        formulas = {}                           # capacity or price given as {expr: ...}
        for k, n, unit in (("capacity", cap_name, "GW"), ("price", f"{key}_price", "USD/GW/yr")):
            node = spec.get(k)
            if isinstance(node, dict) and "expr" in node:
                f = self.formula_of(n, node, f"{kp}.{k}", self.at(spec, k, f"{kp}.{k}"), inputs,
                                    unit, k)
                if f is None:
                    return
                formulas[n] = f
        cap = None if cap_name in formulas else self.input(cap_name, cspec, spec, ckp)
        price_name = "rental_price_per_power"
        price = None
        if "price" in spec:
            price_name = f"{key}_price"
        if "price" in spec and price_name not in formulas:
            price = self.input(price_name, spec["price"], spec, f"{kp}.price")
            if price is None:
                return
            if not same_dimension(price.central, "USD/GW/yr"):
                self.problem(self.at(spec, "price", f"{kp}.price"), f"got "
                             f"{format_unit(price.central.units)}; a price is money per power per "
                             "time, e.g. 17.2 billion USD/GW/yr")
                return
        if cap is None and cap_name not in formulas:
            return
        if cap is not None and not same_dimension(cap.central, "GW"):
            self.problem(self.at(spec, "capacity", ckp), f"got "
                         f"{format_unit(cap.central.units)}; capacity is a power, e.g. 2 GW")
            return
        if "over_time" in cspec:                # the series' exact average over the part inside
            try:
                series = self.series_value(cap_name, cspec, cap.sources, window=(a, b))
            except CalcError as exc:
                self.problem(self.at(spec, "capacity", ckp), str(exc))
                return
            cap = dataclasses.replace(series, note=(cap.note or "") + "; per period, its "
                                      "average over the part of the period inside the commitment")
        if cap is not None:
            inputs[cap_name] = cap
        if price is not None:
            inputs[price_name] = price
        run.amounts.update(formulas)            # a formula's value per period x the years inside
        self.owned(key, where, cap_name, *[n for n in (price_name,) if n == f"{key}_price"])
        name = f"{key}_commitment"
        span = f"[{start // 12}-{start % 12 + 1:02d}, {end // 12}-{end % 12 + 1:02d})"
        run.capacity[name] = values.CapacityCommitment(
            capacity=cap_name, price=price_name, years=years,
            text=f"{price_name} x {cap_name} x years inside {span}")

    def amount(self, spec, kp, where, inputs, run, name):
        amount = spec.get("amount")
        if not isinstance(amount, dict):
            self.problem(where, "amount: expected {figure: id}, {value: ..., source: ...} or "
                                "{range: [...], source: ...}; or capacity: ... with price: ...")
            return None
        if "expr" in amount:
            return self.amount_expr(amount, f"{kp}.amount", self.at(spec, "amount", kp + ".amount"),
                                    inputs, run, name)
        sources = ()
        if "figure" not in amount:
            sources, ok = self.source(amount, kp + ".amount")
            if not ok:
                return None
        return spec_value("commitment", amount, sources=sources, reg=self.reg)

    def amount_expr(self, amount, kp, where, inputs, run, name):
        """``amount: {expr: ...}``: the amount as a formula in USD over the scenario's inputs and
        figures (``run.amounts``); True once read, None after reporting a problem."""
        f = self.formula_of(name, amount, kp, where, inputs, "USD", "amount", ("expr", "note"))
        if f is None:
            return None
        run.amounts[name] = f
        return True

    def formula_of(self, name, node, kp, where, inputs, unit, what, keys=("expr", "unit", "note")):
        """A commitment's ``{expr: ...}`` (its ``what``: amount, capacity or price) as the formula
        of ``name`` in ``unit`` over the scenario's inputs, input formulas and figures; None after
        reporting a problem. A ``unit`` key, where allowed, must be of ``unit``'s dimension."""
        self.keys(node, keys, kp + ".")
        text = node["expr"]
        known = set(glossary()) | set(self.reg.figures) | set(inputs) | set(self.formulas)
        if not isinstance(text, str):
            self.problem(where, f"expr: expected an expression such as 'chip_count * chip_capex', "
                                f"got {text!r}")
            return None
        try:
            tree = expr.parse(text, names=known)
            given = parse_unit(str(node.get("unit", unit)))
        except CalcError as exc:
            self.problem(where, f"expr: {exc}")
            return None
        if name in tree.names:
            self.problem(where, f"expr: {text!r} names {name!r}, the {what} itself")
            return None
        unknown = unknown_names(tree, known)
        for n in unknown:
            self.problem(where, f"expr: unknown name {n!r} in {text!r}{did_you_mean(n, known)}")
        if unknown:
            return None
        if not same_dimension(Q(1, given), unit):
            self.problem(where, f"unit: {format_unit(given)} is not a unit of {what}; give it in "
                                f"{unit}")
            return None
        problem = unit_problem(tree, inputs, unit)
        if problem:
            self.problem(where, f"expr: {problem}")
            return None
        return derive_formula(name, tree, unit)

    def shares(self, spec: dict, kp: str) -> dict | None:
        """A schedule's shares by date as fractions; None after reporting each bad share at its
        key."""
        node = spec["schedule"]
        if not isinstance(node, dict):
            return node                         # spread() says what a schedule is
        out, ok = {}, True
        for k, v in node.items():
            try:
                periods.parse_date(k, "")               # a bad date is reported at its own key too
                out[k] = share(v, "")
            except CalcError as exc:
                self.problem(self.at(node, k, f"{kp}.schedule.{k}"), str(exc).lstrip(": "))
                ok = False
        return out if ok else None

    def term(self, given):
        """(Value or None, whole months) of a term written '7 yr', '84 month' or {figure: id}."""
        value = None
        if isinstance(given, dict) and "figure" in given:
            value = spec_value("commitment_term", given, reg=self.reg)
            q = value.central
        else:
            q = values.to_quantity(given, "term")
        try:
            months = float(q.to("month").magnitude)
        except Exception:
            raise CalcError(f"term: {given!r} is not a time; write e.g. 7 yr or 84 month") from None
        if months <= 0:
            raise CalcError(f"term: the term must be a positive whole number of months (e.g. 7 yr "
                            f"or 84 month), got {given!r}")
        if abs(months - round(months)) > 1e-6:
            raise CalcError(f"term: {given!r} is {months:.6g} months; a term must be a whole "
                            "number of months")
        return value, int(round(months))

    def check_at(self, spec):
        """A check's ``at`` as a period index (None without one)."""
        if "at" not in spec or (self.tl is None and self.tl_refused):
            return None         # no at, or a refused timeline (said once, not again for each at)
        if self.tl is None:
            raise CalcError("'at' names a period of a timeline; this scenario has no timeline")
        return self.tl.index_of(spec["at"], "at")


# Each top-level key's reader, in the order they are read: later keys refer to earlier ones
# (inputs' over_time to the timeline, outputs to derives, checks to inputs and variants).
READERS = {
    "name": Reader.read_name, "title": Reader.read_title,
    "description": Reader.read_description, "accelerator": Reader.read_accelerator,
    "models": Reader.read_models, "timeline": Reader.read_timeline,
    "inputs": Reader.read_inputs, "commitments": Reader.read_commitments,
    "financing": financing_keys.read,
    "derive": Reader.read_derive, "outputs": Reader.read_outputs,
    "variants": Reader.read_variants, "sweep": Reader.read_sweep,
    "samples": Reader.read_samples, "seed": Reader.read_seed, "checks": Reader.read_checks,
    "display": Reader.read_display, "correlations": Reader.read_correlations,
    "solve": Reader.read_solve, "ledger_as_of": Reader.read_ledger_as_of,
}


def unknown_names(tree: expr.Expr, known) -> list[str]:
    """The names of ``tree`` not in ``known``, in the order the expression first uses them (so a
    message names the same one on every run)."""
    text = tree.text

    def first_use(name):
        found = re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text)
        return (found.start() if found else len(text), name)
    return sorted((n for n in tree.names if n not in known), key=first_use)


def unit_problem(tree, known: dict, unit: str) -> str | None:
    """What is wrong with the unit of formula ``tree`` at the central values of the inputs in
    ``known`` (checked only when it names nothing else); None when it gives ``unit``."""
    if not set(tree.names) <= set(known):
        return None                                 # a figure or quantity: checked when it runs
    try:
        out = tree.evaluate({n: known[n].central for n in tree.names})
        check_dimension(repr(tree.text), out, unit)
    except CalcError as exc:
        return str(exc)
    return None


def rate_series(spec) -> bool:
    """True when a series' first point is money per time (``revenue`` given as a rate)."""
    points = spec.get("over_time")
    if not isinstance(points, dict) or not points:
        return False
    first = next(iter(points.values()))
    first = first[0] if isinstance(first, list) and first else first
    try:
        return bool(values.to_quantity(first).check("[currency] / [time]"))
    except CalcError:
        return False


def scaled(dist, factor: float):
    """A Dist with its magnitudes times ``factor`` (a series point in the series' unit)."""
    if factor == 1.0:
        return dist
    return dataclasses.replace(dist, low=dist.low * factor, high=dist.high * factor,
                               mode=None if dist.mode is None else dist.mode * factor,
                               lower=dist.lower * factor, upper=dist.upper * factor)


def axis_names(sc) -> set:
    """The names a timeline's commitments compute (a capacity commitment's total, an amount,
    capacity or price given as a formula): known to outputs, derives, checks and solves."""
    return set(sc.axis.capacity) | set(sc.axis.amounts)


def same_dimension(q, unit: str) -> bool:
    """True when quantity ``q`` has the dimension of ``unit``."""
    return q.dimensionality == parse_unit(unit).dimensionality


def series_linear(spec: dict) -> bool:
    """True for a series with ``interpolate: linear``; a CalcError for a value other than step or
    linear, or interpolate without over_time."""
    how = spec.get("interpolate", "step")
    if how not in periods.INTERPOLATIONS:
        raise CalcError(f"interpolate: got {how!r}; use step (the value in force at a period's "
                        "start) or linear (straight lines between points)")
    if "interpolate" in spec and "over_time" not in spec:
        raise CalcError("interpolate applies to a series; give over_time: {date: value, ...} or "
                        "drop interpolate")
    return how == "linear"


DATE_INPUT_YEARS = (1950, 2150)     # a date input outside these years is a typo, not a figure


def plausible_date(span, where: str) -> None:
    """Refuse a date input (arr_as_of) far outside the years any figure could be measured in:
    ``1000-12`` compounds a growth rate over a thousand years ($1e168 of revenue)."""
    lo, hi = DATE_INPUT_YEARS
    year = span.first // 12
    if not lo <= year < hi:
        raise CalcError(f"{where}: {year} is far outside the years a run-rate is "
                        f"measured in ({lo}-{hi - 1}); give the date of the figure, e.g. 2025-08")


def date_value(name, spec, sources) -> Value:
    """A date input (``arr_as_of: {value: 2025-08, source: ...}``) as a decimal year [yr]."""
    if "value" not in spec or len([k for k in ("figure", "range", "dist") if k in spec]):
        raise CalcError(f"{name} is a date: write {{value: 2025-08, source: <id>}}")
    span = periods.parse_date(spec["value"], f"{name}.value", days=True)
    plausible_date(span, f"{name}.value")
    return Value(central=Q(span.decimal_year, "yr"), sources=tuple(sources), origin="input",
                 note=spec.get("note"))


def check_set_units(base: dict, set_values: dict, labels: dict) -> None:
    """Refuse an override whose dimension is not that of the input it replaces (``--set
    aws_commitment=38``: a plain number for money), naming the override and the unit expected,
    before a formula far away says its units do not fit."""
    wrong = []
    for name, value in set_values.items():
        was = base.get(name)
        if was is None or value.central.dimensionality == was.central.dimensionality:
            continue
        unit, got = format_unit(was.central.units) or "1", format_unit(value.central.units)
        shown = f"a value in {got} ({dimension_text(value.central.units)})" if got \
            else "a plain number"
        wrong.append(f"{labels[name]}: got {shown}; {name} is "
                     f"{dimension_text(was.central.units)} [{unit}] -- give its unit, e.g. "
                     f"--set '{name}=<number> {unit}'")
    if wrong:
        raise CalcError(wrong)


def set_date(name: str, given, where: str) -> Value:
    """An override (``where``: its label, ``--set arr_as_of``) of a date input
    (``arr_as_of=2025-08``) as a decimal year [yr]."""
    number = isinstance(given, (int, float)) and not isinstance(given, bool)
    span = periods.parse_date(f"{given:g}" if number else str(given)[:200], where,
                              days=True)
    plausible_date(span, where)
    return Value(central=Q(span.decimal_year, "yr"), origin="set on the command line")


def expectation(spec, kind, date: bool = False):
    """(target, within) of a check's expectation ``kind`` (near, above, below, between or None);
    with ``date`` (``that`` is a date, such as break_even) a target may be written as a date:
    2028, 2028-06, 2028-Q2."""
    def lit(x):
        when = periods.date_year(x, kind) if date else None
        return values.literal("", x, "").central if when is None else Q(when, "yr")
    if kind is None:
        if "within" in spec:
            raise CalcError("'within' goes with 'near'")
        return None, None
    if kind == "between":
        b = spec["between"]
        if not isinstance(b, list) or len(b) != 2:
            raise CalcError(f"between takes [low, high], got {b!r}")
        lo, hi = lit(b[0]), lit(b[1])
        if lo.dimensionality != hi.dimensionality or lo > hi:
            raise CalcError(f"between [{b[0]}, {b[1]}]: low must not exceed high, in one unit")
        return (lo, hi), None
    target = lit(spec[kind])
    if kind != "near":
        if "within" in spec:
            raise CalcError("'within' goes with 'near'")
        return target, None
    if "within" not in spec:
        raise CalcError("'near' needs 'within', e.g. within: 20%")
    w = values.literal("", spec["within"], "").central
    if date and w.dimensionless:
        raise CalcError(f"within: {spec['within']!r} is a share, but near is a date; give a time, "
                        "e.g. within: 1 yr or within: 6 month")
    if w.dimensionless and not re.search(r"%|percent", str(spec["within"])):
        raw, unit = spec["within"], format_unit(target.units)
        raise CalcError(f"within: {raw!r} has no unit, so it would mean {float(w.magnitude):.0%} "
                        f"of near; write a share with '%' (within: {raw}%)"
                        + (f" or a quantity in near's unit (within: {raw} {unit})" if unit else ""))
    if w.dimensionless:
        w = float(w.to("dimensionless").magnitude)
        if not 0 <= w:
            raise CalcError("within must not be negative")
    elif w.dimensionality != target.dimensionality:
        raise CalcError(f"within is in {format_unit(w.units)} but near is in "
                        f"{format_unit(target.units)}")
    return target, w


def share(given, where) -> float:
    """A share written '40 %' or 0.4; a plain number above 1 (40) is refused: it meant 40 %."""
    q = values.to_quantity(given, where)
    if not q.dimensionless:
        raise CalcError(f"{where}: a share is a fraction or a percentage ('20%'), got {given!r}")
    plain = values.plain_number(given)
    if plain is not None and plain > 1:
        raise CalcError(f"{where}: {plain:g} is read as {100 * plain:g} %; write {plain:g} % "
                        f"(a share is a percentage, {plain:g} %, or a fraction, {plain / 100:g})")
    return float(q.to("dimensionless").magnitude)


def parse_solve(node: dict, tl, known, flags: bool = False) -> dict:
    """A solve request from the scenario key or, with ``flags``, the command line (messages then
    name the flag, ``--between``); ``tl``: the timeline or None. CalcError on anything wrong."""
    k = (lambda key: SOLVE_FLAGS[key]) if flags else (lambda key: key)
    name = node.get("for")
    if not isinstance(name, str) or not name:
        raise CalcError(f"{k('for')} names the input to solve for, e.g. "
                        f"{k('for')}{' ' if flags else ': '}arr_growth_per_month")
    if name not in known:
        raise CalcError(f"{k('for')} {name!r} is not an input of this scenario"
                        f"{did_you_mean(name, known)}")
    if not node.get("so_that"):
        raise CalcError(f"{k('so_that')} is missing: the output (or expression) to reach, e.g. "
                        f"{k('so_that')}{' ' if flags else ': '}cumulative_gap")
    tree = expr.parse(str(node["so_that"]), names=known)
    unknown = unknown_names(tree, known)
    if unknown:
        raise CalcError(f"{k('so_that')}: unknown name {unknown[0]!r}"
                        f"{did_you_mean(unknown[0], known)}")
    kinds = [kk for kk in ("equals", "at_most", "at_least") if node.get(kk) is not None]
    if len(kinds) != 1:
        raise CalcError(f"give one of {k('equals')}, {k('at_most')} or {k('at_least')} "
                        "(the target)")
    kind = kinds[0]
    when = periods.date_year(node[kind], k(kind)) if tree.text.strip() in values.DATES else None
    target = values.to_quantity(node[kind], k(kind)) if when is None else Q(when, "yr")
    out_unit = unit_of(tree.text.strip()) if tree.text.strip() in tree.names else None
    if (out_unit is not None and target.dimensionless
            and not Q(1, parse_unit(out_unit)).dimensionless):
        target = Q(float(target.magnitude), out_unit)    # a bare number is in the output's unit
    between = node.get("between")
    if between is None:
        lo, hi = bracket_example(name)
        arg = (lambda t: f"'{t}'" if " " in t else t)                   # noqa: E731
        raise CalcError(f"{k('between')} is missing: give the bracket to search, [low, high] in "
                        f"the unit of {name}, e.g. "
                        + (f"--between {arg(lo)} {arg(hi)}" if flags else
                           f"between: [{lo}, {hi}] (--between {arg(lo)} {arg(hi)} on the "
                           "command line)"))
    if not isinstance(between, (list, tuple)) or len(between) != 2:
        raise CalcError(f"{k('between')}: the bracket to search is required, [low, high] in the "
                        f"unit of {name}, got {between!r}")
    unit = unit_of(name)
    ends = []
    for given in between:
        when = periods.date_year(given, k("between")) if name in values.DATE_INPUTS else None
        q = values.to_quantity(given, k("between")) if when is None else Q(when, "yr")
        if unit is not None:
            if q.dimensionless and not Q(1, parse_unit(unit)).dimensionless:
                q = Q(float(q.magnitude), unit)             # a bare number is in the glossary unit
            q = values.checked(name, q, f"{k('between')} {given!r}")
            q = q.to(unit)
        ends.append(q)
    lo, hi = ends
    if float(lo.magnitude) >= float(hi.to(lo.units).magnitude):
        raise CalcError(f"{k('between')}: low must be below high, got {between!r}")
    at = None
    if node.get("at") is not None:
        if tl is None:
            raise CalcError(f"{k('at')} names a period of a timeline; this scenario has no "
                            "timeline")
        at = tl.index_of(node["at"], k("at"))
    return {"for": name, "so_that": tree, "kind": kind, "target": target, "between": (lo, hi),
            "at": at, "flags": flags,            # from the command line: messages name flags
            "text": {"between": [str(b) for b in between], "target": str(node[kind]),
                     "at": None if node.get("at") is None else str(node["at"])}}


def bracket_example(name: str) -> tuple[str, str]:
    """A bracket to suggest for solving ``name``: where it usually lies (glossary ``typical``),
    else inside its bounds (pue: [1, 2], not [0, 0.5]), as texts in its glossary unit."""
    if name in values.DATE_INPUTS:
        return "2025-01", "2030-12"
    typical, bounds = typical_of(name), bounds_of(name)
    if typical is not None:
        lo, hi = typical.low, typical.high
    else:
        lo = bounds.low if math.isfinite(bounds.low) else 0.0
        hi = bounds.high if math.isfinite(bounds.high) else (2 * lo if lo > 0 else lo + 1)
    unit = unit_of(name)
    unit = "" if unit in (None, "dimensionless", "") else f" {unit}"
    return f"{lo:g}{unit}", f"{hi:g}{unit}"
