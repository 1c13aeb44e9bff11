"""Reading a scenario's timeline keys: ``timeline``, ``commitments``, ``over_time`` inputs, dates
(``arr_as_of``), ``solve`` and a check's ``at``. Each problem is reported through the scenario
reader (``file:line: key: ...``), all of them at once.

Every scenario passes through here; the period axis (``calc.timeline.periods``, ``plan``,
``spread``) is imported only by a scenario that has a timeline or a date, so others start faster.
"""

from __future__ import annotations

import numpy as np

from calc import values
from calc.timeline import periods
from calc.errors import CalcError
from calc.glossary import unit_of
from calc.scenario_keys import allowed
from calc.suggest import did_you_mean
from calc.units import Q, format_unit, parse_unit

TOP_KEYS = ("timeline", "commitments", "solve")     # declared, with their blocks, in calc/scenario_keys.py
COMMITMENT_KEYS, SOLVE_KEYS = allowed("commitment"), allowed("solve")
DATE_INPUTS = ("arr_as_of",)
# Choosing one of these path shapes chooses its partners too: the run-rate and revenue follow one path.
PAIRED = {
    "arr_projected_decaying": {"arr_at": "arr_at_decaying", "revenue": "revenue_decaying"},
    "arr_at_decaying": {"revenue": "revenue_decaying", "arr_projected": "arr_projected_decaying"},
    "revenue_decaying": {"arr_at": "arr_at_decaying", "arr_projected": "arr_projected_decaying"},
    "arr_at_logistic": {"revenue": "revenue_logistic"},
    "revenue_logistic": {"arr_at": "arr_at_logistic"},
}


def pair_models(models: dict) -> dict:
    """``models`` with each chosen path shape's partners added (unless chosen otherwise)."""
    out = dict(models)
    for fname in list(models.values()):
        for q, partner in PAIRED.get(fname, {}).items():
            out.setdefault(q, partner)
    return out


def timeline(reader, data) -> Timeline | None:
    """The scenario's ``timeline``, or None; a bad one is reported (file:line) and gives None."""
    if data.get("timeline") is None:
        return None
    from calc.timeline.periods import Timeline

    try:
        return Timeline.parse(data["timeline"], "timeline")
    except CalcError as exc:
        reader.problems.append(reader.at(data, "timeline", "") + str(exc))
        return None


def date_value(reader, name, spec, where, sources) -> values.Value:
    """A date input (``arr_as_of: {value: 2025-08, source: ...}``) as a decimal year."""
    if "value" not in spec or len([k for k in ("figure", "range", "dist") if k in spec]):
        raise CalcError(f"{name} is a date: write {{value: 2025-08, source: <id>}}")
    from calc.timeline.periods import parse_date

    span = parse_date(spec["value"], f"{name}.value", days=True)
    return values.Value(central=Q(span.decimal_year, "yr"), sources=tuple(sources), origin="input",
                        note=spec.get("note"))


def series_value(reader, name, spec, where, sources, tl: Timeline | None) -> values.Value:
    """An ``over_time`` input: the value in force at each period's start (before the first point,
    the first value)."""
    if tl is None:
        raise CalcError("over_time needs a timeline: add timeline: {start: ..., end: ..., step: year}")
    points = spec["over_time"]
    idx, labels = tl.series(points, f"{name}.over_time")
    qs = []
    for key, given in points.items():
        if isinstance(given, (list, dict)):
            raise CalcError(f"over_time.{key}: a series point is one value such as '1 GW', got {given!r}")
        qs.append(values.value(name, given, where=f"over_time.{key}", sources=sources, figures=False).central)
    unit = qs[0].units
    try:
        mags = np.array([float(q.to(unit).magnitude) for q in qs])
    except Exception:
        raise CalcError(f"over_time: the points of {name} are not all in one dimension "
                        f"({', '.join(format_unit(q.units) for q in qs)})") from None
    return values.Value(central=Q(mags[idx], unit), sources=tuple(sources), origin="over_time",
                        note=spec.get("note") or f"a series: {', '.join(labels)}")


def commitments(reader, data, tl: Timeline | None, inputs: dict) -> TimelineRun | None:
    """The ``commitments`` mapping: each amount becomes the input ``<name>_commitment``."""
    node = data.get("commitments")
    if tl is None:
        if node is not None and data.get("timeline") is None:     # a bad timeline is reported once
            reader.problem(reader.at(data, "commitments", "commitments"),
                           "commitments need a timeline: add timeline: {start: ..., end: ..., step: year}")
        return None
    from calc.timeline.periods import parse_date
    from calc.timeline.plan import TimelineRun
    from calc.timeline.spread import spread

    run = TimelineRun(tl)
    if node is None:
        return run
    if not isinstance(node, dict) or not node:
        reader.problem(reader.at(data, "commitments", "commitments"),
                       "expected a mapping name: {amount: ..., start: ..., term: ...}")
        return run
    for key, spec in node.items():
        kp = f"commitments.{key}"
        where = reader.at(node, key, kp)
        name = f"{key}_commitment"
        if not isinstance(key, str) or not key.replace("_", "a").isalnum() or not key[:1].isalpha():
            reader.problem(where, "commitment names are snake_case words such as 'aws'")
            continue
        if not isinstance(spec, dict):
            reader.problem(where, "expected {amount: ..., start: 2025-11, term: 7 yr} or {amount: ..., schedule: ...}")
            continue
        reader.keys(spec, "commitment", kp + ".")
        if name in inputs or unit_of(name) is not None:
            reader.problem(where, f"the amount would be named {name!r}, which is already an input or a quantity; "
                                  "rename the commitment")
            continue
        try:
            value = _amount(reader, spec, kp, where)
            if value is None:
                continue
            if "schedule" in spec:
                extra = [k for k in ("start", "term", "shape") if k in spec]
                if extra:
                    raise CalcError(f"a schedule gives the dates itself; drop {', '.join(extra)}")
                shares = _shares(reader, spec, kp)
                if shares is None:                  # reported under each share's own key
                    continue
                try:
                    s = spread(key, tl, "schedule", "", shares=shares)
                except CalcError as exc:
                    reader.problem(reader.at(spec, "schedule", f"{kp}.schedule"),
                                   str(exc).removeprefix("schedule: "))
                    continue
                label = "schedule " + ", ".join(f"{k}: {100 * v:g} %" for k, v in shares.items())
                term_value = None
            else:
                for k in ("start", "term"):
                    if k not in spec:
                        raise CalcError(f"{k} is missing; a commitment needs start and term (or a schedule)")
                start = parse_date(spec["start"], "start")
                term_value, months = _term(reader, spec["term"])
                shape = str(spec.get("shape", "flat"))
                s = spread(key, tl, shape, "", start=start.first, term=months)
                label = f"{shape} over {months:g} months from {start.text}"
        except CalcError as exc:
            reader.problem(where, str(exc).lstrip(": "))
            continue
        inputs[name] = value
        run.spreads[name] = s
        run.labels[name] = label
        if term_value is not None and term_value.figure:       # the term's source joins the lineage
            inputs[f"{name}_term"] = term_value
            run.terms[name] = f"{name}_term"
    return run


def _amount(reader, spec, kp, where):
    amount = spec.get("amount")
    if not isinstance(amount, dict):
        reader.problem(where, "amount: expected {figure: id}, {value: ..., source: ...} or {range: [...], source: ...}")
        return None
    sources = ()
    if "figure" not in amount:
        sources, ok = reader.source(amount, kp + ".amount")
        if not ok:
            return None
    return values.spec_value("commitment", amount, sources=sources, reg=reader.reg)


def _shares(reader, spec: dict, kp: str) -> dict | None:
    """A schedule's shares by date as fractions; None after reporting each bad share at its key."""
    node = spec["schedule"]
    if not isinstance(node, dict):
        return node                         # spread() says what a schedule is
    shares, ok = {}, True
    for k, v in node.items():
        try:
            periods.parse_date(k, "")               # a bad date is reported at its own key too
            shares[k] = _share(v, "")
        except CalcError as exc:
            reader.problem(reader.at(node, k, f"{kp}.schedule.{k}"), str(exc).lstrip(": "))
            ok = False
    return shares if ok else None


def _share(given, where) -> float:
    """A share written '40 %' or 0.4; a plain number above 1 (40) is refused: it meant 40 %."""
    q = values.to_quantity(given, where)
    if not q.dimensionless:
        raise CalcError(f"{where}: a share is a fraction or a percentage ('20%'), got {given!r}")
    plain = values.plain_number(given)
    if plain is not None and plain > 1:
        raise CalcError(f"{where}: {plain:g} is read as {100 * plain:g} %; write {plain:g} % "
                        f"(a share is a percentage, {plain:g} %, or a fraction, {plain / 100:g})")
    return float(q.to("dimensionless").magnitude)


def _term(reader, given):
    """(Value or None, whole months) of a term written '7 yr', '84 month' or {figure: id}."""
    value = None
    if isinstance(given, dict) and "figure" in given:
        value = values.spec_value("commitment_term", given, reg=reader.reg)
        q = value.central
    else:
        q = values.to_quantity(given, "term")
    try:
        months = float(q.to("month").magnitude)
    except Exception:
        raise CalcError(f"term: {given!r} is not a time; write e.g. 7 yr or 84 month") from None
    if months <= 0:
        raise CalcError(f"term: the term must be a positive whole number of months (e.g. 7 yr or 84 month), "
                        f"got {given!r}")
    if abs(months - round(months)) > 1e-6:
        raise CalcError(f"term: {given!r} is {months:.6g} months; a term must be a whole number of months")
    return value, int(round(months))


def check_at(reader, spec, where, tl: Timeline | None):
    """A check's ``at`` as a period index (None without one)."""
    if "at" not in spec or (tl is None and getattr(reader, "tl_refused", False)):
        return None                 # no at, or a refused timeline (said once, not again for each at)
    if tl is None:
        raise CalcError("'at' names a period of a timeline; this scenario has no timeline")
    return tl.index_of(spec["at"], "at")


def solve_spec(reader, data, tl: Timeline | None, known) -> dict | None:
    """The ``solve`` mapping, checked: {for, so_that (Expr), kind, target, between, at}."""
    node = data.get("solve")
    if node is None:
        return None
    where = reader.at(data, "solve", "solve")
    if not isinstance(node, dict):
        reader.problem(where, "expected {for: NAME, so_that: EXPR, equals: VALUE, between: [LO, HI]}")
        return None
    reader.keys(node, "solve", "solve.")
    if tl is None and getattr(reader, "tl_refused", False):
        node = {k: v for k, v in node.items() if k != "at"}      # the refused timeline is said once
    try:
        return parse_solve(node, tl, known)
    except CalcError as exc:
        reader.problem(where, str(exc))
        return None


def parse_solve(node: dict, tl: Timeline | None, known) -> dict:
    """A solve request from the scenario key or the command line; CalcError on anything wrong."""
    from calc import expr

    name = node.get("for")
    if not isinstance(name, str) or not name:
        raise CalcError("'for' names the input to solve for, e.g. for: arr_growth_per_month")
    if name not in known:
        raise CalcError(f"for: {name!r} is not an input of this scenario{did_you_mean(name, known)}")
    if not node.get("so_that"):
        raise CalcError("'so_that' is missing: the output (or expression) to reach, e.g. so_that: cumulative_gap")
    tree = expr.parse(str(node["so_that"]), names=known)
    unknown = [n for n in tree.names if n not in known]
    if unknown:
        raise CalcError(f"so_that: unknown name {unknown[0]!r}{did_you_mean(unknown[0], known)}")
    kinds = [k for k in ("equals", "at_most", "at_least") if node.get(k) is not None]
    if len(kinds) != 1:
        raise CalcError("give one of equals, at_most or at_least (the target)")
    kind = kinds[0]
    target = values.to_quantity(node[kind], kind)
    out_unit = unit_of(tree.text.strip()) if tree.text.strip() in tree.names else None
    if out_unit is not None and target.dimensionless and not Q(1, parse_unit(out_unit)).dimensionless:
        target = Q(float(target.magnitude), out_unit)      # a bare number is in the output's glossary unit
    between = node.get("between")
    if not isinstance(between, (list, tuple)) or len(between) != 2:
        raise CalcError(f"between: the bracket to search is required, [low, high] in the unit of {name}, "
                        f"got {between!r}")
    unit = unit_of(name)
    ends = []
    for given in between:
        q = values.to_quantity(given, "between")
        if unit is not None:
            if q.dimensionless and not Q(1, parse_unit(unit)).dimensionless:
                q = Q(float(q.magnitude), unit)               # a bare number is in the glossary unit
            q = values.checked(name, q, f"between {given!r}")
            q = q.to(unit)
        ends.append(q)
    lo, hi = ends
    if float(lo.magnitude) >= float(hi.to(lo.units).magnitude):
        raise CalcError(f"between: low must be below high, got {between!r}")
    at = None
    if node.get("at") is not None:
        if tl is None:
            raise CalcError("'at' names a period of a timeline; this scenario has no timeline")
        at = tl.index_of(node["at"], "at")
    return {"for": name, "so_that": tree, "kind": kind, "target": target, "between": (lo, hi), "at": at,
            "text": {"between": [str(b) for b in between], "target": str(node[kind]),
                     "at": None if node.get("at") is None else str(node["at"])}}
