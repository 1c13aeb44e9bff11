"""Goal seek on a run: which value of one input makes an output hit a target, per case and sample.

The scenario's plan is evaluated again with the solved input replaced by a trial array (one trial
per case x sample) inside ``calc.timeline.solve.bisect``: every pass is one vectorised evaluation
of the whole plan, so 10,000 samples need as many passes as one. The answer is one extra row per
case (``solved: true``); no solution in the bracket is a finding, not an error.
"""

from __future__ import annotations

import numpy as np
import pint

from calc.engine import evaluate
from calc.errors import CalcError
from calc.format import quantity as fmt_quantity
from calc.timeline.solve import bisect
from calc.units import Q, format_unit

WORDS = {"equals": "equal", "at_most": "at most", "at_least": "at least"}


def solve(result, spec: dict, cases, reg, z_rows) -> tuple[list, list]:
    """``spec``'s solution rows (with their row index under "case") and no-solution findings.

    ``z_rows``: the run's standard-normal draws, so each sample is solved with its own inputs.
    """
    solutions: list = []
    findings: list = []
    name, tl = spec["for"], result.timeline
    groups: dict[int, list[int]] = {}
    for c in range(len(cases)):
        groups.setdefault(id(result.plans[c]), []).append(c)
    offsets = result.cases.offsets
    samples = result.samples
    for idx in groups.values():
        plan = result.plans[idx[0]]
        group = [cases[c] for c in idx]
        if name not in plan.steps or plan.steps[name].formula is not None:
            how = "it is computed by a formula" if name in plan.steps else "nothing in this scenario uses it"
            raise CalcError(f"solve: for: {name!r} is not an input of this scenario ({how}); "
                            f"inputs: {', '.join(sorted(plan.leaves()))}")
        lo, hi = spec["between"]
        unit = result.units.get(name, lo.units)
        n_rows = sum(c.size for c in group)
        rows = np.concatenate([np.arange(offsets[c], offsets[c + 1]) for c in idx])
        used = {d for n in spec["so_that"].names if n in plan.steps for d in plan.depends(n)}
        if name not in used:                 # bisection would answer a bracket end: say why not
            uses = ", ".join(sorted(used)) or "no input"
            detail = (f"{spec['so_that'].text} does not depend on {name}: no value of {name} changes it "
                      f"(it uses {uses}); solve for one of those")
            for i in rows:
                _add(result, spec, int(i), np.full(1 + samples, np.nan), unit, 0, solutions, findings, detail)
            continue

        def f(x, plan=plan, group=group, n_rows=n_rows, unit=unit):
            trial = Q(x[..., None] if tl is not None else x, unit)
            env = evaluate(plan, group, reg, z_rows, samples, rows=slice(0, n_rows), timeline=tl,
                           fixed={name: trial})
            y = spec["so_that"].evaluate(env)
            if not isinstance(y, pint.Quantity):
                raise CalcError(f"solve: so_that {spec['so_that'].text!r} is a comparison; give a quantity")
            try:
                mag = np.asarray(y.to(spec["target"].units).magnitude, dtype=float)
            except pint.errors.DimensionalityError:
                raise CalcError(f"solve: so_that is in {format_unit(y.units) or 'a plain number'} but the target "
                                f"is in {format_unit(spec['target'].units) or 'a plain number'}; give the target "
                                "in the unit of so_that (e.g. 200000 chip)") from None
            if tl is not None:
                mag = mag if mag.ndim == 3 else mag.reshape(mag.shape + (1,) * (3 - mag.ndim))
                if mag.shape[-1] > 1:
                    if spec["at"] is None:
                        raise CalcError(f"solve: {spec['so_that'].text} has a value per period; "
                                        "say which with at: (e.g. at: 2030)")
                    mag = mag[..., spec["at"]]
                else:
                    whole = [n for n in spec["so_that"].names if n in result.timeless]
                    if whole and spec["at"] is not None:
                        raise CalcError(f"solve: at: {', '.join(whole)} has one value for the whole timeline, "
                                        "not one per period; drop at:")
                    mag = mag[..., 0]
            return np.broadcast_to(mag, (n_rows, 1 + samples))

        shape = (n_rows, 1 + samples)
        sol = bisect(f, np.full(shape, float(lo.to(unit).magnitude)), np.full(shape, float(hi.to(unit).magnitude)),
                     float(spec["target"].magnitude), spec["kind"])
        for k, i in enumerate(rows):
            _add(result, spec, int(i), sol.x[k], unit, sol.evaluations, solutions, findings)
    return solutions, findings


def _add(result, spec, i: int, x: np.ndarray, unit, evaluations: int, solutions: list, findings: list,
         why: str | None = None) -> None:
    """The solution row of row ``i`` and, where there is no solution, its finding (``why`` replaces
    the no-solution text)."""
    case = result.cases[i]
    name = spec["for"]
    lin = result.lineage(i, name) if name in result.central else {"inputs": [name], "sources": [], "defaults": []}
    row = {"case": i, "variant": case.variant, "point": dict(case.point)}
    if result.timeline is not None:
        row["period"] = None
    row.update(quantity=name, solved=True, unit=format_unit(unit), value=float(x[0]))
    draws = x[1:]
    if result.samples > 0:
        ok = draws[np.isfinite(draws)]
        p = np.percentile(ok, [5, 50, 95]) if ok.size else [np.nan] * 3
        row.update(p05=float(p[0]), p50=float(p[1]), p95=float(p[2]),
                   mean=float(ok.mean()) if ok.size else float("nan"))
        row["no_solution_share"] = float(np.mean(~np.isfinite(draws)))
    else:
        row["no_solution_share"] = float(not np.isfinite(x[0]))
    row.update(inputs=lin["inputs"], sources=lin["sources"], defaults=lin["defaults"],
               evaluations=evaluations)
    solutions.append(row)
    share = row["no_solution_share"]
    if np.isfinite(x[0]) and share == 0:
        return
    lo, hi = spec["between"]
    at = f" at {spec['text']['at']}" if spec["text"]["at"] else ""
    text = (f"no value of {name} in [{fmt_quantity(float(lo.magnitude), format_unit(lo.units))}, "
            f"{fmt_quantity(float(hi.to(lo.units).magnitude), format_unit(lo.units))}] makes "
            f"{spec['so_that'].text} {WORDS[spec['kind']]} "
            f"{fmt_quantity(float(spec['target'].magnitude), format_unit(spec['target'].units))}{at}")
    detail = text + ("" if np.isfinite(x[0]) else " (at the central values)")
    if why is not None:
        detail = why
    elif result.samples > 0:
        detail += f"; no solution in {100 * share:.0f} % of samples"
    from calc.checks import CheckResult

    findings.append(CheckResult(says=f"solve {name}", source=None, that=spec["so_that"].text,
                                     variant=case.variant, point=dict(case.point),
                                     passed=bool(np.isfinite(x[0])), value=None, unit="",
                                     expected=f"a solution in the bracket", detail=detail,
                                     probability=None if result.samples == 0 else 1 - share))
