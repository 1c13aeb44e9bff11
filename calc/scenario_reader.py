"""The scenario reader: YAML mapping -> Scenario, driven by the declaration in ``calc.scenario_keys``.

Every problem in a file is collected before anything is raised; each message starts with where it
is (``file:line: key.path:``). Each top-level key has one reader (``Reader.read_<key>``, or the
function given to ``scenario_keys.declare``); unknown keys are reported against the declared ones.
"""

from __future__ import annotations

import math

import numpy as np

from calc.errors import CalcError
from calc.glossary import glossary, unit_of
from calc.registry import registry
from calc.registry.data import Source
from calc.scenario_exprs import ExpressionKeys
from calc.scenario_inputs import InputKeys
from calc.scenario_keys import BLOCKS, EXTRA_READERS, SLUG, allowed, read_order
from calc.suggest import did_you_mean
from calc.timeline import read as tl_read
from calc.units import Q
from calc.values import MAX_CASES, Axis, Value, literal as _literal_value
from calc.display import check_unit


class Reader(InputKeys, ExpressionKeys):
    """Turns the YAML mapping into a Scenario, collecting every problem; the keys and their order come
    from the declaration (``calc.scenario_keys``)."""

    def __init__(self, path: str, scenario_type):
        self.path = path
        self.scenario_type = scenario_type          # calc.scenario.Scenario (which imports this module)
        self.tl = None                              # the timeline, once read_timeline has read it
        self.tl_refused = False                     # a timeline was given and refused
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

    def keys(self, node, block, keypath: str) -> None:
        """Report every key of ``node`` that the declaration of ``block`` (a block name, or the keys
        themselves) does not have."""
        names = allowed(block) if isinstance(block, str) else tuple(block)
        for key in node:
            if key not in names:
                self.problem(self.at(node, key, f"{keypath}{key}"),
                             f"unknown key{did_you_mean(key, names)}; allowed: {', '.join(names)}")

    def read(self, data):
        if data is None:
            raise CalcError(f"{self.path}: the file is empty; a scenario needs at least 'name' and 'outputs'")
        if not isinstance(data, dict):
            got = "a list" if isinstance(data, list) else f"{type(data).__name__} {data!r}"[:80]
            raise CalcError(f"{self.path}:{getattr(data, 'line', 1)}: expected a mapping of scenario keys "
                            f"({', '.join(allowed('scenario'))}), got {got}")
        self.keys(data, "scenario", "")
        sc = self.scenario_type(name="", path=self.path)
        for key in read_order():            # the declaration drives the reading: one reader per key
            read = EXTRA_READERS.get(key)
            if read is not None:
                value = read(self, data, sc)
                if value is not None:
                    sc.extra[key] = value
            else:
                getattr(self, f"read_{key}")(data, sc)
        sc.inline_sources = self.inline
        sc.input_where = self.input_where
        sc.where = {**{k: self.at(data, k, k) for k in data if isinstance(k, str)}, **self.where}
        if self.problems:
            raise CalcError(self.problems)
        return sc

    # -- top-level keys (one reader each, named read_<key>) ---------------------------------------
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
        self.tl = tl_read.timeline(self, data)            # the period axis inputs' over_time series use
        self.tl_refused = self.tl is None and data.get("timeline") is not None     # its problem is reported

    def read_inputs(self, data, sc) -> None:
        sc.base.values = self.inputs(data.get("inputs"), data, "inputs")

    def read_commitments(self, data, sc) -> None:
        sc.timeline = tl_read.commitments(self, data, self.tl, sc.base.values)
        if sc.timeline is not None:
            sc.base.values.update(sc.timeline.leaves(Value))

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
        sc.samples = self.integer(data, "samples", spec["minimum"], spec["maximum"], spec["default"])

    def read_seed(self, data, sc) -> None:
        spec = BLOCKS["scenario"]["seed"]
        sc.seed = self.integer(data, "seed", spec["minimum"], spec["maximum"], None)

    def read_checks(self, data, sc) -> None:
        sc.checks = self.checks(data.get("checks"), data, sc)

    def read_ledger_as_of(self, data, sc) -> None:
        """ledger_as_of at the top and in variants: {"base" or variant name: datetime.date}."""
        from calc.ledger_count import as_of_day

        def one(node, kp):
            try:
                return as_of_day(node["ledger_as_of"], "ledger_as_of")
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

    def read_display(self, data, sc) -> None:
        sc.display = self.display(data.get("display"), data, sc)

    def read_correlations(self, data, sc) -> None:
        sc.correlations = self.correlations(data.get("correlations"), data)

    def read_solve(self, data, sc) -> None:
        sc.solve = tl_read.solve_spec(self, data, self.tl, set(glossary()) | set(sc.base.values) | set(sc.derive))

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
            self.keys(spec, "variant", kp + ".")
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
                    self.keys(spec, "sweep_axis", kp + ".")
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
