"""Scenario files: a YAML description of inputs, outputs, variants, sweeps, derives and checks.

Loading is strict and collects every problem in a file before raising; each message starts with
``file:line: key.path:``. YAML is read safely and bounded in size (calc.yamlio). The keys are the
contract (docs/scenario-files.md); ``models`` (alternative model shapes) and ``correlations`` are additions.
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from calc import dates, expr, shipped, values
from calc.checks import Check
from calc.plan import find_cycle
from calc.run import run
from calc.errors import CalcError
from calc.suggest import did_you_mean
from calc.timeline import read as tl_read
from calc.glossary import glossary, unit_of
from calc.registry import SUMMARY_MAX, Registry, Source, registry
from calc.units import Q, check_dimension, format_unit, parse_unit
from calc.values import MAX_CASES, MAX_SAMPLES, Axis, Case, Value

TOP_KEYS = ("name", "title", "description", "accelerator", "inputs", "outputs", "variants", "sweep",
            "samples", "seed", "derive", "checks", "models", "correlations", "display", "timeline", "commitments",
            "solve")
INPUT_KEYS = ("figure", "value", "range", "dist", "low", "mode", "high", "source", "note", "summary", "over_time")
VARIANT_KEYS = ("accelerator", "models", "inputs", "description")
CHECK_KEYS = ("says", "source", "that", "near", "within", "above", "below", "between", "note", "summary", "at")
INLINE_SOURCE_KEYS = ("publisher", "title", "date", "language", "url", "note")
SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
@dataclass
class Scenario:
    """A loaded scenario: ``run()`` evaluates it, ``cases()`` lists variants x sweep points."""

    name: str
    path: str
    title: str = ""
    description: str = ""
    outputs: list = field(default_factory=list)
    base: Case = field(default_factory=Case)
    variants: dict = field(default_factory=dict)       # name -> (accelerator, models, {input: Value})
    sweep: dict = field(default_factory=dict)          # name -> engine.Axis
    derive: dict = field(default_factory=dict)         # name -> (Expr, unit | None)
    checks: list = field(default_factory=list)
    samples: int = 0
    seed: int | None = None
    correlations: dict = field(default_factory=dict)
    inline_sources: dict = field(default_factory=dict)
    input_where: dict = field(default_factory=dict)    # input name -> "file:line: key.path" of its first mention
    display: dict = field(default_factory=dict)        # name -> display unit (display:, a derive's unit:)
    where: dict = field(default_factory=dict)          # key path (sweep, derive.x, ...) -> "file:line: key.path"

    def locate(self, problem: str) -> str:
        """``problem`` ("derive.x: ...") prefixed with the file and line of the key it names."""
        key = problem.split(":", 1)[0]
        return f"{self.where[key]}{problem[len(key):]}" if key in self.where else f"{self.path}: {problem}"
    timeline: object = None                            # calc.timeline.plan.TimelineRun, or None
    solve: dict | None = None                          # calc.timeline.read.parse_solve's request

    def cases(self, sets: dict | None = None) -> list[Case]:
        """One Case per variant (base first); each holds the whole sweep grid as array inputs.

        ``sets`` override inputs (a set sweep name drops that axis).
        """
        sets = sets or {}
        axes = tuple(a for n, a in self.sweep.items() if n not in sets)
        grid = np.indices(tuple(len(a) for a in axes)).reshape(len(axes), -1) if axes else None
        swept = {a.name: Value(central=a.values[grid[j]], sources=("sweep",), origin="sweep")
                 for j, a in enumerate(axes)}
        variants = [("base", self.base.accelerator, self.base.models, {})]
        variants += [(n, acc, models, vals) for n, (acc, models, vals) in self.variants.items()]
        return [Case(variant=vname, values={**self.base.values, **overrides, **swept, **sets},
                     accelerator=acc if acc is not None else self.base.accelerator,
                     models=tl_read.pair_models({**self.base.models, **models}), axes=axes)
                for vname, acc, models, overrides in variants]

    def run(self, samples: int | None = None, seed: int | None = None, sets: dict | None = None,
            progress=None, sensitivity: bool = False, solve_request: dict | None = None):
        """Evaluate the scenario (``calc.run``): a frozen Result.

        ``samples``/``seed`` override the file's; ``sets`` maps name -> literal; ``sensitivity`` adds
        the tornado table; ``solve_request`` (calc.timeline.read.parse_solve) replaces the file's ``solve``.
        """
        samples = values.samples_count(self.samples if samples is None else samples, f"{self.path}: samples")
        seed = values.seed_number(self.seed if seed is None else seed, f"{self.path}: seed")
        if sets is not None and not isinstance(sets, dict):
            raise CalcError(f"sets: expected a mapping name -> value, e.g. {{'pue': 1.3}}, got {type(sets).__name__}")
        set_values = {}
        for name, text in (sets or {}).items():
            set_values[name] = values.value(str(name), text, where=f"--set {name}", origin="set on the command line")
        # Count the cases before building them: a refused run must not build a million first.
        n_cases = (1 + len(self.variants)) * math.prod(len(v) for v in self.sweep.values())
        values.run_size(n_cases, samples, self.where.get("sweep") or self.where.get("variants")
                        or f"{self.path}: samples")
        if self.timeline is not None:
            from calc.timeline.plan import run_size
            run_size(self.timeline, n_cases, samples, self.path)
        cases = self.cases(set_values)
        notes = ()
        if self.timeline is not None:
            notes = tuple(self.timeline.outside_notes(
                {n: float(v.central.m_as("USD")) for n, v in self.base.values.items() if n in self.timeline.spreads}))
        try:
            return run(cases, self.outputs, derive=self.derive, checks=self.checks,
                       shown=list(dict.fromkeys(self.outputs + list(self.derive))), scenario=self.name,
                       title=self.title, samples=samples, seed=seed, correlations=self.correlations,
                       reg=_registry_with(self.inline_sources), sensitivity=sensitivity, progress=progress,
                       check_plans=lambda plans: self._check_unused(plans, set_values),
                       timeline=self.timeline, solve=solve_request or self.solve, notes=notes
                       ).with_display(self.display, where=f"{self.path}: display.")
        except CalcError as exc:        # every message says where: the file, or the --set that caused it
            raise CalcError([p if p.startswith((self.path, "--set ")) else self.locate(p)
                             for p in exc.problems]) from None

    def _check_unused(self, plans: dict, sets: dict) -> None:
        """Refuse inputs, sweep names and --set names no plan uses, before anything is evaluated:
        a typo in a huge sweep never waits for it."""
        used = set().union(*(set(p.leaves()) for p in set(plans.values())))
        unused = [n for n in self.base.values if n not in used and self.base.values[n].origin != "timeline"]
        for _, _, vals in self.variants.values():
            unused += [n for n in vals if n not in used and n not in unused]
        unused += [n for n in sets if n not in used and n not in unused]     # --set pue_=1.3 is a typo too
        unused += [n for n in self.sweep if n not in used and n not in unused and n not in sets]  # sweep: facility_pwer
        if unused:
            known = sorted(set(glossary()) | used)
            where = {**{n: f"{self.path}: inputs.{n}" for n in unused}, **self.input_where,
                     **{n: self.where[f"sweep.{n}"] for n in self.sweep if f"sweep.{n}" in self.where
                        and n not in self.input_where},
                     **{n: f"--set {n}" for n in sets if n not in self.input_where}}
            raise CalcError([f"{where[n]}: not used by any output, derive or check"
                             f"{did_you_mean(n, [k for k in known if k != n])}; remove it or use it"
                             for n in unused])


def _registry_with(inline: dict) -> Registry:
    reg = registry()
    if not inline:
        return reg
    return Registry(reg.quantities, {**reg.sources, **inline}, reg.figures, reg.accelerators, reg.defaults)


def load(spec: str | Path | dict) -> Scenario:
    """Load and validate a scenario; one CalcError lists every problem.

    ``spec`` is a file path, a shipped scenario's name (``"nvidia-1gw"``, found from any working
    directory), YAML text (a string with a newline) or a dict of the same keys.
    """
    data, where = shipped.read(spec)
    return _Reader(where).read(data)


def _literal_value(name: str, text, where: str = "", origin: str = "input", sources=("assumption",),
                   note: str | None = None) -> Value:
    """A literal (a string with a unit, or a bare number) as a point Value (``values.value``)."""
    if isinstance(text, (list, tuple, dict)):
        raise CalcError(f"{where + ': ' if where else ''}expected a quantity like '1 GW' or a number, got {text!r}"[:200])
    return values.value(name, text, where=where, origin=origin, sources=sources, note=note, figures=False)


class _Reader:
    """Turns the YAML mapping into a Scenario, collecting every problem."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[str] = []
        self.reg = registry()
        self.inline: dict[str, Source] = {}
        self.input_where: dict[str, str] = {}
        self.where: dict[str, str] = {}

    def at(self, node, key, keypath: str) -> str:
        line = node.line_of(key) if hasattr(node, "line_of") else getattr(node, "line", 0)
        return f"{self.path}:{line}: {keypath}"

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def keys(self, node, allowed, keypath: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(self.at(node, key, f"{keypath}{key}"),
                             f"unknown key{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}")

    def read(self, data) -> Scenario:
        if data is None:
            raise CalcError(f"{self.path}: the file is empty; a scenario needs at least 'name' and 'outputs'")
        if not isinstance(data, dict):
            got = "a list" if isinstance(data, list) else f"{type(data).__name__} {data!r}"[:80]
            raise CalcError(f"{self.path}:{getattr(data, 'line', 1)}: expected a mapping of scenario keys "
                            f"({', '.join(TOP_KEYS)}), got {got}")
        self.keys(data, TOP_KEYS, "")
        name = data.get("name")
        if not isinstance(name, str) or not SLUG.match(name):
            self.problem(self.at(data, "name", "name"),
                         f"{'missing' if name is None else repr(name) + ' is not a slug'}; "
                         "give a short slug such as 'nvidia-1gw'")
        sc = Scenario(name=str(name), path=self.path, title=str(data.get("title", "") or ""),
                      description=str(data.get("description", "") or ""))
        sc.base.accelerator = self.accelerator(data, "accelerator", "accelerator")
        sc.base.models = self.models(data.get("models"), data, "models")
        self.tl = tl_read.timeline(self, data)
        sc.base.values = self.inputs(data.get("inputs"), data, "inputs")
        sc.timeline = tl_read.commitments(self, data, self.tl, sc.base.values)
        if sc.timeline is not None:
            sc.base.values.update(sc.timeline.leaves(Value))
        sc.derive = self.derives(data.get("derive"), data, sc)
        sc.outputs = self.outputs(data, sc)
        sc.variants = self.variants(data.get("variants"), data)
        sc.sweep = self.sweep(data.get("sweep"), data)
        sc.samples = self.integer(data, "samples", 0, MAX_SAMPLES, 0)
        sc.seed = self.integer(data, "seed", 0, 2**63 - 1, None)
        sc.checks = self.checks(data.get("checks"), data, sc)
        sc.display = self.display(data.get("display"), data, sc)
        sc.correlations = self.correlations(data.get("correlations"), data)
        sc.solve = tl_read.solve_spec(self, data, self.tl, set(glossary()) | set(sc.base.values) | set(sc.derive))
        sc.inline_sources = self.inline
        sc.input_where = self.input_where
        sc.where = {**{k: self.at(data, k, k) for k in data if isinstance(k, str)}, **self.where}
        if self.problems:
            raise CalcError(self.problems)
        return sc

    # -- pieces ---------------------------------------------------------------------------------
    def integer(self, data, key, lo, hi, default):
        if key not in data or data[key] is None:
            return default
        v = data[key]
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            self.problem(self.at(data, key, key), f"expected a whole number from {lo} to {hi:,}, got {v!r}")
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
            self.problem(self.at(parent, keypath.split(".")[-1], keypath), "expected a mapping quantity: model")
            return {}
        from calc.models import FORMULAS
        out = {}
        for q, fname in node.items():
            f = FORMULAS.get(fname) if isinstance(fname, str) else None
            if f is None or f.output != q:
                options = [g.name for g in FORMULAS.values() if g.output == q]
                self.problem(self.at(node, q, f"{keypath}.{q}"), f"unknown model {fname!r} for {q}"
                             f"{did_you_mean(fname, options)}; choices: {', '.join(options) or 'none'}")
                continue
            out[q] = fname
        return out

    def source(self, spec, keypath) -> tuple[tuple[str, ...], bool]:
        """(source ids, ok) of an input's or check's ``source``; inline mappings are registered."""
        src = spec.get("source")
        if src is None:
            self.problem(self.at(spec, None, keypath), "a literal needs a 'source': a source id from "
                         "`calc sources`, 'assumption' (with a 'note'), or {publisher, title, date}")
            return (), False
        if src == "assumption":
            if not spec.get("note"):
                self.problem(self.at(spec, "source", f"{keypath}.source"),
                             "source: assumption needs a 'note' saying why this value")
                return (), False
            return ("assumption",), True
        if isinstance(src, dict):
            return self.inline_source(src, spec, keypath)
        if src not in self.reg.sources and src not in self.inline:
            self.problem(self.at(spec, "source", f"{keypath}.source"), f"unknown source id {src!r}"
                         f"{did_you_mean(src, self.reg.sources)}; `calc sources` lists them")
            return (), False
        return (str(src),), True

    def inline_source(self, src, spec, keypath):
        kp = f"{keypath}.source"
        self.keys(src, INLINE_SOURCE_KEYS, kp + ".")
        missing = [k for k in ("publisher", "title", "date") if not src.get(k)]
        if missing:
            self.problem(self.at(spec, "source", kp), f"an inline source needs {', '.join(missing)}")
            return (), False
        try:
            dates.parse(src["date"], "date")
        except CalcError as exc:
            self.problem(self.at(src, "date", kp + ".date"), str(exc))
        sid = re.sub(r"[^a-z0-9]+", "-", f"inline {src['publisher']} {src['date']} {src['title']}".lower()).strip("-")[:80]
        self.inline[sid] = Source(id=sid, publisher=str(src["publisher"]), title=str(src["title"]),
                                  date=str(src["date"]), language=str(src.get("language", "en")),
                                  url=src.get("url"), note=src.get("note"))
        return (sid,), True

    def inputs(self, node, parent, keypath) -> dict:
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, "inputs", keypath), "expected a mapping of name: {figure: id} or "
                         "{value: ..., source: ...}")
            return {}
        out = {}
        for name, spec in node.items():
            kp = f"{keypath}.{name}"
            if not isinstance(name, str) or not NAME.match(name):
                self.problem(self.at(node, name, kp), "input names are snake_case words such as 'facility_power'")
                continue
            self.input_where.setdefault(name, self.at(node, name, kp))
            value = self.input(name, spec, node, kp)
            if value is not None:
                out[name] = value
        return out

    def input(self, name, spec, node, kp) -> Value | None:
        where = self.at(node, name, kp)
        if not isinstance(spec, dict):
            self.problem(where, f"got {spec!r}; write {{value: {spec!r}, source: <id>}} or {{figure: <id>}} -- "
                                "every literal needs a source")
            return None
        self.keys(spec, INPUT_KEYS, kp + ".")
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
            if "over_time" in spec:
                value = tl_read.series_value(self, name, spec, where, sources, getattr(self, "tl", None))
            elif name in tl_read.DATE_INPUTS:
                value = tl_read.date_value(self, name, spec, where, sources)
            else:
                value = values.spec_value(name, spec, sources=sources, reg=self.reg)
        except CalcError as exc:
            self.problem(where, str(exc))
            return None
        summary = self.summary(spec, kp)
        return dataclasses.replace(value, summary=summary) if summary else value

    def summary(self, spec, kp) -> str | None:
        """A note's one-line ``summary`` (shown in tables; the note in full in explain)."""
        text = spec.get("summary")
        if text is None:
            return None
        if not isinstance(text, str) or not text.strip() or "\n" in text.strip() or len(text) > SUMMARY_MAX:
            self.problem(self.at(spec, "summary", f"{kp}.summary"),
                         f"a summary is one line of at most {SUMMARY_MAX} characters standing for the note")
            return None
        return text.strip()

    def derives(self, node, parent, sc) -> dict:
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, "derive", "derive"), "expected a mapping name: expression")
            return {}
        known = set(glossary()) | set(self.reg.figures) | set(sc.base.values) | set(node)
        out = {}
        for name, spec in node.items():
            kp = f"derive.{name}"
            where = self.at(node, name, kp)
            unit = None
            if isinstance(spec, dict):
                self.keys(spec, ("expr", "unit"), kp + ".")
                unit, spec = spec.get("unit"), spec.get("expr")
            if not isinstance(name, str) or not NAME.match(name):
                self.problem(where, "derived names are snake_case words such as 'chips_per_mw'")
                continue
            self.where[kp] = where
            if name in sc.base.values:
                self.problem(where, f"{name!r} is also an input; give the derived quantity another name")
                continue
            if name in self.reg.figures:
                self.problem(where, f"{name!r} is a registry figure id (`calc figures` lists it); a derived "
                                    "quantity cannot take its name -- give it another name")
                continue
            if not isinstance(spec, str):
                self.problem(where, f"expected an expression such as 'chips / facility_power', got {spec!r}")
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
            unknown = [n for n in tree.names if n not in known]
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

    def outputs(self, data, sc) -> list:
        outs = data.get("outputs")
        if outs is None:
            self.problem(self.at(data, None, "outputs"), "missing 'outputs': list the quantities to compute, "
                                                         "e.g. [chips, capex]")
            return []
        if isinstance(outs, str):
            outs = [outs]
        if not isinstance(outs, list) or not outs:
            self.problem(self.at(data, "outputs", "outputs"), "expected a list of quantity names")
            return []
        known = set(glossary()) | set(sc.derive) | set(sc.base.values)
        out = []
        for i, name in enumerate(outs):
            if not isinstance(name, str) or name not in known:
                self.problem(f"{self.path}:{outs.line_of(i) if hasattr(outs, 'line_of') else 0}: outputs[{i}]",
                             f"unknown quantity {name!r}{did_you_mean(name, known)}")
            else:
                out.append(name)
        return out

    def display(self, node, parent, sc) -> dict:
        """``display: {name: unit}``: the unit each shown quantity is shown in (a derive's ``unit:`` too)."""
        from calc.output.display import check_unit

        out = {n: u for n, (_, u) in sc.derive.items() if u is not None and unit_of(n) is not None}
        if node is None:
            return out
        if not isinstance(node, dict):
            self.problem(self.at(parent, "display", "display"),
                         "expected a mapping name: unit, e.g. {arr_growth_per_month: '%', peak_compute: EFLOP/s}")
            return out
        shown = set(sc.outputs) | set(sc.derive)
        for name, unit in node.items():
            where = self.at(node, name, f"display.{name}")
            if name not in shown:
                self.problem(where, f"{name!r} is not an output or a derive of this scenario"
                                    f"{did_you_mean(str(name), shown)}; display names what the tables show")
                continue
            derived = sc.derive.get(name)
            try:
                out[name] = check_unit(name, unit, where, derived[1] if derived and derived[1] else None)
            except CalcError as exc:
                self.problems += exc.problems
        return out

    def variants(self, node, parent) -> dict:
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, "variants", "variants"), "expected a mapping name: {overrides}")
            return {}
        out = {}
        for vname, spec in node.items():
            kp = f"variants.{vname}"
            if not isinstance(vname, str) or not SLUG.match(vname) or vname == "base":
                self.problem(self.at(node, vname, kp), "variant names are slugs such as 'per-gpu' ('base' is taken)")
                continue
            if not isinstance(spec, dict):
                self.problem(self.at(node, vname, kp), "expected a mapping of overrides: accelerator, models, inputs")
                continue
            self.keys(spec, VARIANT_KEYS, kp + ".")
            acc = self.accelerator(spec, "accelerator", f"{kp}.accelerator")
            models = self.models(spec.get("models"), spec, f"{kp}.models")
            values = self.inputs(spec.get("inputs"), spec, f"{kp}.inputs")
            out[vname] = (acc, models, values)
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
                if isinstance(spec, dict):
                    self.keys(spec, ("from", "to", "steps"), kp + ".")
                    steps = spec.get("steps")
                    if not isinstance(steps, int) or isinstance(steps, bool) or not 2 <= steps <= MAX_CASES:
                        raise CalcError(f"steps must be a whole number from 2 to {MAX_CASES:,}, got {steps!r}")
                    lo = _literal_value(name, spec.get("from"), "", origin="sweep", sources=("sweep",)).central
                    hi = _literal_value(name, spec.get("to"), "", origin="sweep", sources=("sweep",)).central.to(lo.units)
                    axis = Axis(name, Q(np.linspace(lo.magnitude, hi.magnitude, steps), lo.units))
                elif isinstance(spec, list) and spec:
                    points = [_literal_value(name, x, "", origin="sweep", sources=("sweep",)).central for x in spec]
                    unit = points[0].units
                    try:
                        mags = [float(q.to(unit).magnitude) for q in points]
                    except Exception:
                        raise CalcError("sweep values differ in dimension; give them all in one kind of unit") from None
                    axis = Axis(name, Q(np.array(mags), unit), tuple(spec))
                else:
                    raise CalcError("expected a list of values, e.g. [1.1, 1.2, 1.3], or {from, to, steps}")
            except CalcError as exc:
                self.problem(where, str(exc).lstrip(": "))
                continue
            out[name] = axis
        size = math.prod(len(v) for v in out.values()) if out else 1
        if size > MAX_CASES:
            self.problem(self.at(parent, "sweep", "sweep"), f"{size:,} sweep points is more than calc evaluates "
                         f"({MAX_CASES:,}); use fewer points")
        return out

    def checks(self, node, parent, sc) -> list:
        if node is None:
            return []
        if not isinstance(node, list):
            self.problem(self.at(parent, "checks", "checks"), "expected a list of checks")
            return []
        known = set(glossary()) | set(self.reg.figures) | set(sc.derive) | set(sc.base.values)
        out = []
        for i, spec in enumerate(node):
            kp = f"checks[{i}]"
            where = f"{self.path}:{node.line_of(i)}: {kp}"
            if not isinstance(spec, dict):
                self.problem(where, "expected a mapping with says, source, that and an expectation")
                continue
            self.keys(spec, CHECK_KEYS, kp + ".")
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
                unknown = [n for n in tree.names if n not in known]
                if unknown:
                    raise CalcError(f"unknown name {unknown[0]!r}{did_you_mean(unknown[0], known)}")
                target, within = self.expectation(spec, kind)
                at = tl_read.check_at(self, spec, where, self.tl)
            except CalcError as exc:
                self.problem(where, str(exc))
                continue
            if ok:
                out.append(Check(says=str(spec["says"]), source=srcs[0] if srcs else None, that=tree, kind=kind,
                                 target=target, within=within, note=spec.get("note"), where=where,
                                 summary=self.summary(spec, kp), at=at,
                                 at_text=None if at is None else str(spec["at"])))
        return out

    def expectation(self, spec, kind):
        def lit(x):
            return _literal_value("", x, "").central
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
        w = lit(spec["within"])
        if w.dimensionless and not re.search(r"%|percent", str(spec["within"])):
            raw, unit = spec["within"], format_unit(target.units)
            raise CalcError(f"within: {raw!r} has no unit, so it would mean {float(w.magnitude):.0%} of near; "
                            f"write a share with '%' (within: {raw}%)"
                            + (f" or a quantity in near's unit (within: {raw} {unit})" if unit else ""))
        if w.dimensionless:
            w = float(w.to("dimensionless").magnitude)
            if not 0 <= w:
                raise CalcError("within must not be negative")
        elif w.dimensionality != target.dimensionality:
            raise CalcError(f"within is in {format_unit(w.units)} but near is in {format_unit(target.units)}")
        return target, w

    def correlations(self, node, parent) -> dict:
        if node is None:
            return {}
        out = {}
        if not isinstance(node, list):
            self.problem(self.at(parent, "correlations", "correlations"),
                         "expected a list of [name_a, name_b, rank correlation], e.g. [[pue, electricity_price, 0.5]]")
            return {}
        seen: dict[tuple, str] = {}
        for i, item in enumerate(node):
            where = f"{self.path}:{node.line_of(i)}: correlations[{i}]"
            if (not isinstance(item, list) or len(item) != 3 or not isinstance(item[2], (int, float))
                    or isinstance(item[2], bool) or not -1 < item[2] < 1):
                self.problem(where, "expected [name_a, name_b, rho] with -1 < rho < 1")
                continue
            a, b, rho = str(item[0]), str(item[1]), float(item[2])
            if a == b:
                self.problem(where, f"{a} is correlated with itself; name two different inputs")
                continue
            pair = (a, b) if (a, b) in out or (b, a) not in out else (b, a)
            if pair in out:
                first = seen[pair]
                self.problem(where, f"the pair {a}, {b} is given twice (first in {first}, with {out[pair]:g})"
                             + ("" if out[pair] == rho else f"; {rho:g} contradicts it") + "; keep one")
                continue
            out[pair], seen[pair] = rho, f"correlations[{i}] on line {node.line_of(i)}"
        return out
