"""Scenario keys that hold expressions: ``derive`` (the analyst's formulas) and ``checks`` (claims).

A mixin of ``calc.scenario_reader.Reader``: it uses the reader's ``problem``, ``at``, ``keys``,
``source``, ``summary``, ``where`` and ``tl`` (the timeline, for a check's ``at``).
"""

from __future__ import annotations

import re

from calc import expr
from calc.checks import Check
from calc.errors import CalcError
from calc.glossary import glossary, unit_of
from calc.plan import find_cycle
from calc.scenario_keys import NAME
from calc.suggest import did_you_mean
from calc.timeline import read as tl_read
from calc.units import Q, check_dimension, format_unit, parse_unit
from calc.values import literal as _literal_value


class ExpressionKeys:
    """Readers of ``derive`` and ``checks``."""

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
                self.keys(spec, "derive_entry", kp + ".")
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
                unknown = [n for n in tree.names if n not in known]
                if unknown:
                    raise CalcError(f"unknown name {unknown[0]!r}{did_you_mean(unknown[0], known)}")
                target, within = self.expectation(spec, kind)
                at = tl_read.check_at(self, spec, where, self.tl)
            except CalcError as exc:
                self.problem(where, str(exc))
                continue
            variant = spec.get("variant")
            if variant is not None and variant != "base" and variant not in sc.variants:
                names = ", ".join(["base", *sc.variants])
                self.problem(where, f"variant {variant!r} is not a variant of this scenario "
                                    f"({names}){did_you_mean(variant, ['base', *sc.variants])}")
                continue
            if ok:
                out.append(Check(variant=None if variant is None else str(variant),
                                 says=str(spec["says"]), source=srcs[0] if srcs else None, that=tree, kind=kind,
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

