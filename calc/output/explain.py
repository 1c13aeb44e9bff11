"""The derivation of one result as an indented tree a reader can follow back to each source."""

from __future__ import annotations

import numpy as np

from calc.citations import cite
from calc.dates import year_text
from calc.display import range_text, shown
from calc.engine import evaluate
from calc.errors import CalcError
from calc.format import quantity
from calc.ledger_count import LEDGER_DATED
from calc.values import DATE_INPUTS

# decimal years shown as dates
DATES = ("break_even", "cash_out", "arr_as_of", "period_start", "period_end")


def explain(result, name: str, i: int, at=None) -> str:
    """``name`` in row ``i``: each formula with its values and units, each input with its source.

    On a timeline ``at`` names the period ('2027'); a quantity with a value per period needs it.
    """
    plan = result.plan(i)
    leaves = result.leaf_values(i)
    case = result.cases[i]
    footnotes: list[str] = []
    env = {}
    if any(n not in result.central for n in plan.order):
        # the run keeps outputs and inputs; the intermediates of this one row are evaluated again
        c, k = result.cases.locate(i)
        env = evaluate(plan, [result.case_list[c]], result.registry, None, 0, rows=slice(k, k + 1),
                       axis=result.axis)
    flat = at is None and result.periods and name not in result.timeless and all(
        same_every_period(result, n, i, env) for n in [*plan.depends(name), name])
    col = 0 if flat else explain_column(result, name, at, i)
    solved = next((r for r in result.solutions if r["case"] == i and r["quantity"] == name), None)

    def value_text(n: str) -> str:
        # in the unit tables show it in: 25.8 %, 3.8 ZFLOP/s, never GW/W
        if n in result.central:
            return explain_value(result, n, i, col)
        q = env[n]
        conv = shown(n, q.units, q.magnitude)
        return quantity(float(conv(result.axis.column(q.magnitude, col).flat[0])), conv.unit)

    def ref(sid: str) -> str:
        if sid not in footnotes:
            footnotes.append(sid)
        return f"[{footnotes.index(sid) + 1}]"

    lines: list[str] = []

    def walk(n: str, prefix: str, last: bool, top: bool) -> None:
        step = plan.steps[n]
        head = "" if top else prefix + ("└─ " if last else "├─ ")
        child = "" if top else prefix + ("   " if last else "│  ")
        if step.formula is not None:
            lines.append(f"{head}{n} = {step.formula.text} = {value_text(n)}")
            ins = list(dict.fromkeys(step.formula.inputs))
            for k, m in enumerate(ins):
                walk(m, child, k == len(ins) - 1, False)
            return
        v = leaves[n]
        if top and solved is not None:          # the solve replaced the input: say so, and how
            lines.append(f"{n} = {solved_text(result, solved)}  (solved: "
                         f"{result.solve_text or 'calc solve'})")
            head, n_text = "└─ the input it replaces: ", value_text(n)
        else:
            n_text = f"{n} = {value_text(n)}"
        # a registry figure named once: '(figure pue_ai_campus)', '(input, figure pue_ai_campus)'
        origin = "" if v.origin == "figure" and v.figure else v.origin
        what = ", ".join(t for t in (origin, f"figure {v.figure}" if v.figure else "") if t)
        spread = f", range {range_text(n, v, result.display)}" if v.dist is not None else ""
        refs = " ".join(ref(s) for s in v.sources) or ("" if v.origin == "timeline"
                                                       else "(no source)")
        lines.append(f"{head}{n_text}  ({what}{spread}) {refs}")
        if v.note and LEDGER_DATED in v.note:  # a ledger figure read at the scenario's date
            lines.append(f"{child}   {v.note}")

    walk(name, "", True, True)
    where = f"variant {case.variant}" + (f", point {point_text(case.point)}" if case.point else "")
    if flat:
        where += ", the same in every period"
    elif result.periods and name not in result.timeless:
        where += f", period {result.periods[col]}"
    elif result.periods:                   # one value for the timeline: the period of its inputs
        why = "--at" if at is not None else telling_column(result, name, i)[1]
        where += f"; inputs shown in {result.periods[col]}, {why}"
    out = [f"{name} ({where})", *lines, "", "Sources:"]
    used = {n: leaves[n] for n in plan.depends(name)}      # only what this derivation rests on
    for k, sid in enumerate(footnotes, 1):
        out.append(f"  [{k}] {cite(result.registry, sid, used, full=True).line()}")
    return "\n".join(out)


def point_text(point: dict) -> str:
    """A sweep point as the command line names it: 'arr_horizon=4 month, pue=1.2'."""
    return ", ".join(f"{k}={v}" for k, v in point.items())


def same_every_period(result, name: str, i: int, env: dict) -> bool:
    """Does ``name`` have one value in every period of row ``i`` (arr_end on a timeline)?"""
    if name in result.central:
        c = result.axis.columns(result.central[name])[i]
    elif name in env:                       # one row evaluated again: (1[, draws[, periods]])
        a = np.asarray(env[name].magnitude, dtype=float)
        c = a.reshape(a.shape + (1,) * (3 - a.ndim))[0, 0]
    else:
        return False
    c = np.asarray(c, dtype=float).ravel()
    return bool(c.size <= 1 or np.all((c == c[0]) | (np.isnan(c) & np.isnan(c[0]))))


def solved_text(result, row: dict) -> str:
    """A solve row's value as explain writes it (its unit as tables show it), with the 5th-95th
    percentile when sampled."""
    row = result._solution_shown(row, True)
    if row["unit"] == "date":
        return year_text(row["value"])
    text = quantity(row["value"], row["unit"])
    if row.get("p05") is not None and row["p05"] != row["p95"]:
        text += f" (5th-95th percentile {quantity(row['p05'], row['unit'])} to " \
                f"{quantity(row['p95'], row['unit'])})"
    return text


def explain_column(result, name: str, at, i: int | None = None) -> int:
    """The period column ``calc explain ... --at`` shows; a per-period quantity needs ``at``.

    A whole-timeline quantity (funding_need, break_even) shows its inputs in the period that decides
    it (``telling_column``) unless ``at`` names another. Without periods: the one column.
    """
    if not result.periods:
        return 0
    if at is None:
        if name in result.timeless:
            return telling_column(result, name, i)[0]
        if result.periods:
            raise CalcError(f"{name} has a value per period; say which with --at "
                            f"(e.g. --at {result.periods[0]})")
        return 0
    return result.axis.index_of(at, "--at")


def telling_column(result, name: str, i: int | None) -> tuple[int, str]:
    """The period that decides a whole-timeline value in row ``i``, and why: funding_need's period
    of the largest cumulative gap, shortfall's of the lowest cash_balance, break_even's and
    cash_out's own period (the last when never), else the last."""
    last = len(result.periods) - 1
    if i is None:
        return last, "the last period"
    if name == "funding_need" and "cumulative_gap" in result.central:
        return int(np.nanargmax(result.central["cumulative_gap"][i])), \
            "the period of the largest cumulative_gap"
    if name == "shortfall" and "cash_balance" in result.central:
        return int(np.nanargmin(result.central["cash_balance"][i])), \
            "the period of the lowest cash_balance"
    if name in ("break_even", "cash_out") and name in result.central:
        x = float(result.central[name][i][0])
        what = {"break_even": ("break-even", "breaks even"), "cash_out": ("cash-out", "runs out")}
        if np.isfinite(x):
            starts = result.axis.decimal_years()
            return int(np.argmin(np.abs(starts - x))), f"the {what[name][0]} period"
        return last, f"the last period (never {what[name][1]})"
    return last, "the last period"


def explain_value(result, name: str, i: int, col: int) -> str:
    """One name's central value in case ``i`` at period ``col``, as explain writes it."""
    c = result.axis.columns(result.central[name])[i]
    x = float(c[0] if c.shape[-1] == 1 else c[col])
    if name in DATE_INPUTS:                 # a date: '2026-04', '2025-08-15'
        return year_text(x)
    if name in DATES:                       # a period's start: '2028', '2028-Q2'; 'never'
        return result.axis.date_text(x)
    conv = result.shown_unit(name)          # as tables show it: coverage 215 %, not 2.152
    return quantity(float(conv(x)), conv.unit)
