"""The derivation of one result as an indented tree a reader can follow back to each source."""

from __future__ import annotations

from calc.citations import cite
from calc.engine import evaluate
from calc.display import shown
from calc.format import quantity


def explain(result, name: str, i: int, at=None) -> str:
    """``name`` in row ``i``: each formula with its values and units, each input with its source.

    On a timeline ``at`` names the period ('2027'); a quantity with a value per period needs it.
    """
    plan = result.plan(i)
    leaves = result.leaf_values(i)
    case = result.cases[i]
    footnotes: list[str] = []
    col, env = None, {}
    if getattr(result, "timeline", None) is not None:
        from calc.timeline.results import explain_column
        col = explain_column(result, name, at, i)
    elif any(n not in result.central for n in plan.order):
        # the run keeps outputs and inputs; the intermediates of this one row are evaluated again
        c, k = result.cases.locate(i)
        env = evaluate(plan, [result.case_list[c]], result.registry, None, 0, rows=slice(k, k + 1))

    def value_text(n: str) -> str:
        if col is not None:
            from calc.timeline.results import explain_value
            return explain_value(result, n, i, col)
        if n in result.central:              # in the unit tables show it in: 25.8 %, 3.8 ZFLOP/s, never GW/W
            conv = result.shown_unit(n)
            return quantity(float(conv(result.central[n][i])), conv.unit)
        q = env[n]
        conv = shown(n, q.units, q.magnitude)
        return quantity(float(conv(q.magnitude.flat[0])), conv.unit)

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
        what = v.origin + (f", figure {v.figure}" if v.figure else "")
        spread = f", range {v.describe()}" if v.dist is not None else ""
        refs = " ".join(ref(s) for s in v.sources) or ("" if v.origin == "timeline" else "(no source)")
        lines.append(f"{head}{n} = {value_text(n)}  ({what}{spread}) {refs}")

    walk(name, "", True, True)
    where = f"variant {case.variant}" + (f", point {case.point}" if case.point else "")
    if col is not None and name not in result.timeless:
        where += f", period {result.periods[col]}"
    elif col is not None:                  # one value for the timeline: say which period its inputs are from
        from calc.timeline.results import telling_column
        why = "--at" if at is not None else telling_column(result, name, i)[1]
        where += f"; inputs shown in {result.periods[col]}, {why}"
    out = [f"{name} ({where})", *lines, "", "Sources:"]
    used = {n: leaves[n] for n in plan.depends(name)}      # only what this derivation rests on
    for k, sid in enumerate(footnotes, 1):
        out.append(f"  [{k}] {cite(result.registry, sid, used, full=True).line()}")
    return "\n".join(out)
