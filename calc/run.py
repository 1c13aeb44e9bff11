"""One orchestrator: a run is assembled here, once, for ``Scenario.run`` and ``calc.evaluate``
alike.

    cases + outputs -> plans (calc.plan) -> arrays (calc.engine) -> lineage, citations, checks,
    findings (calc.findings, calc.plausible), [sensitivity] -> a frozen Result

Nothing changes a Result after ``run`` returns it; ``Result.with_sensitivity()`` builds a new one.
"""

from __future__ import annotations

from dataclasses import replace

from calc import citations, engine, findings, plausible, precision
from calc.checks import run_checks
from calc.errors import CalcError
from calc.plan import derive_formula, find_cycle, plans_for
from calc.registry import Registry, registry
from calc.result import Result, freeze, lineage_of
from calc.solve import MAX_EVALS, describe, goal_seek
from calc.values import NO_PERIODS, Case, PeriodAxis, Rows


def run(cases: list[Case], outputs: list[str], *, derive: dict | None = None, checks=(), shown=None,
        scenario: str = "", title: str = "", samples: int = 0, seed: int | None = None,
        correlations: dict | None = None, reg: Registry | None = None, sensitivity: bool = False,
        keep_draws: int = 5_000_000, progress=None, check_plans=None, axis: PeriodAxis = NO_PERIODS,
        solve=None, notes=()) -> Result:
    """Evaluate ``outputs`` (and ``derive`` entries, and what ``checks`` name) for every case.

    ``derive`` maps a name to a parsed expression (calc.expr) or (expression, unit); ``shown`` are
    the names tables show (default: outputs and derive names); ``check_plans(plans)`` may refuse
    the plans before anything is evaluated (a scenario's unused inputs). ``sensitivity`` adds the
    tornado table. ``axis`` (values.PeriodAxis) is the period axis (a timeline's periods); ``solve``
    (a parsed solve request) adds its solution rows and findings; ``notes`` are
    shown under the table. Returns a frozen ``Result``.
    """
    reg = reg or registry()
    derive = derive or {}
    extra = {}
    for name, spec in derive.items():
        tree, unit = spec if isinstance(spec, tuple) else (spec, None)
        extra[name] = derive_formula(name, tree, unit)
    cycle = find_cycle({n: set(f.inputs) for n, f in extra.items()})
    if cycle:
        raise CalcError(f"derive: cycle {' -> '.join(cycle)}; a derived name "
                        "cannot depend on itself")
    extra.update(axis.formulas())
    check_names = sorted({n for c in checks for n in c.that.names}
                         | (set(solve["so_that"].names) if solve else set()))
    wanted = list(dict.fromkeys(list(outputs) + list(derive) + check_names))
    referenced = {i for f in extra.values() for i in f.inputs} | set(check_names)
    plans = plans_for(cases, wanted, extra, {n for n in referenced if n in reg.figures}, reg)
    if check_plans is not None:
        check_plans(plans)
    if not axis.implicit:   # rows with a period axis; they hold samples only where uncertain
        axis.plan_size(plans, samples if engine.uncertain_leaves(plans, cases, reg) else 0,
                       "timeline")
    # progress counts rows evaluated over the whole run: the run's rows, then a solve's passes
    n_rows = sum(c.size for c in cases)
    total = n_rows * (1 + (MAX_EVALS if solve is not None else 0))
    arrays = engine.compute(cases, plans, wanted, reg, samples=samples, seed=seed,
                            correlations=correlations, keep_draws=keep_draws,
                            progress=None if progress is None
                            else (lambda done, _: progress(done, total)),
                            axis=axis)
    rows = Rows(cases)
    leaves = tuple(_leaves(plans[c], case, reg) for c, case in enumerate(cases))
    shown = list(dict.fromkeys(shown if shown is not None else list(outputs) + list(derive)))
    lineages = {(c, name): lineage_of(plans[c], leaves[c], name)
                for c in range(len(cases)) for name in dict.fromkeys(shown + wanted)}
    found = tuple(findings.find(plans, rows, arrays.flagged, arrays.units, arrays.outside, samples,
                                central=arrays.central, labels=axis.labels))
    found = tuple(plausible.input_findings(cases, leaves)) + found      # inputs typed wrong first
    found = tuple(precision.precision_findings(cases, leaves, reg)) + found
    if solve is not None:
        found += tuple(plausible.bracket_findings(solve))
    used = [(n, v) for lv in leaves for n, v in lv.items()]
    result = Result(scenario=scenario, title=title, samples=samples, seed=seed,
                    case_list=tuple(cases), cases=rows, outputs=tuple(wanted), shown=tuple(shown),
                    plans=freeze(plans), registry=reg, units=freeze(arrays.units),
                    central=freeze(arrays.central), stats=freeze(arrays.stats),
                    draws=freeze(arrays.draws), leaves=leaves, lineages=freeze(lineages),
                    citations=freeze({}), findings=found, axis=axis,
                    timeless=frozenset(arrays.timeless), notes=tuple(notes))
    checked = tuple(run_checks(list(checks), result))       # the checks read the result's arrays
    cited = {sid: citations.cite(reg, sid, used) for sid in _source_ids(lineages, checked)}
    result = replace(result, checks=checked, citations=freeze(cited))
    if solve is not None:
        try:
            done = [n_rows]

            def tick(rows: int) -> None:
                done[0] += rows
                progress(done[0], total)
            solutions, more = goal_seek(result, solve, cases, reg, arrays.z_rows,
                                        None if progress is None else tick)
        # 'solve: ...', so a scenario's message gives the line of solve
        except CalcError as exc:
            raise CalcError([p if p.startswith(("solve", "--")) else f"solve: {p}"
                             for p in exc.problems]) from None
        result = replace(result, solutions=tuple(solutions), checks=result.checks + tuple(more),
                         solve_text=describe(result, solve))
    return result.with_sensitivity() if sensitivity else result


def _leaves(plan, case: Case, reg: Registry) -> dict:
    """name -> Value for every given name of ``plan`` in ``case`` (a swept input as its array)."""
    return {n: engine.leaf_values(n, plan.steps[n], [case], reg)[0] for n in plan.leaves()}


def _source_ids(lineages: dict, checks) -> list[str]:
    """Every source id the shown names and the checks rest on, in first-use order."""
    out: list[str] = []
    for lin in lineages.values():
        out += [s for s in lin["sources"] if s not in out]
    out += [c.source for c in checks if c.source and c.source not in out]
    return out
