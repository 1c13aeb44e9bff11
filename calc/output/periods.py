"""A timeline result laid out as a spreadsheet would: one column per period, one row per quantity.

Variants and sweep points become row groups (their label cells lead each row). Quantities with one
value per case (``funding_need``, ``break_even``) and solve rows fill a last ``timeline`` column.
A date (``break_even``) is shown as its period's label, "never" when there is none, with the
share of samples that never break even. The long layout (``wide=False``) has a period column.
"""

from __future__ import annotations

import math

from calc.output import layout
from calc.optional import need

WHOLE = "whole timeline"


def date_text(result, x) -> str:
    """A decimal year as the label of the period starting then ('2028', '2028-Q2'); 'never' for None."""
    if x is None or not math.isfinite(x):
        return "never"
    tl = result.timeline.timeline
    return tl.label(int(round(x * 12)))


def cell(result, row: dict) -> str:
    """A value cell: the central value (p05–p95); a date as a period label; a solve's no-solution share."""
    if row.get("unit") == "date":
        text = date_text(result, row["value"])
        if "p05" in row and row.get("never_share", 1.0) < 1.0:
            lo, hi = date_text(result, row["p05"]), date_text(result, row["p95"])
            if (lo, hi) != (text, text):          # '2026', not '2026 (2026–2026)'
                text += f" ({lo}–{hi})"
        if row.get("never_share") and not (text == "never" and row["never_share"] >= 1.0):   # not 'never, never in 100 %'
            text += f", never in {100 * row['never_share']:.0f} %"
        return text
    value = row["value"]
    if value is None or not math.isfinite(value):
        text = "no solution" if row.get("solved") else "-"
    else:
        text = layout.value_text(value, row["unit"])
    if "p05" in row and row["p05"] is not None and math.isfinite(row["p05"]):
        low, high = layout.value_text(row["p05"], row["unit"]), layout.value_text(row["p95"], row["unit"])
        if not low == high == text:                 # a value that does not vary shows no range
            text += f" ({low}–{high})"
    if row.get("solved") and row.get("no_solution_share") and result.samples:
        text += f", none in {100 * row['no_solution_share']:.0f} %"
    return text


def build(result, rows: list[dict], wide: bool | None = None) -> layout.Report:
    """The table of a timeline run: periods as columns (``wide``), or long rows with a period column."""
    order: list[str] = []
    notes = layout.numbering(order)

    labels = list(result.periods)
    several = len(result.cases) > 1
    lines: list[layout.Line] = []
    if wide is None or wide:
        one = any(r["period"] is None for r in rows)
        headers = [[p] for p in labels] + ([[WHOLE]] if one else [])
        groups: dict = {}
        for r in rows:
            name = r["quantity"] + (" (solved)" if r.get("solved") else "")
            key = (r["variant"], layout.point_text(r["point"]), name)
            groups.setdefault(key, []).append(r)
        for (variant, point, name), rs in groups.items():
            cells = [""] * len(headers)
            for r in rs:
                j = labels.index(r["period"]) if r["period"] is not None else len(labels)
                cells[j] = cell(result, r)
            keys = ([variant, point] if several else []) + [layout.label(name, rs[0]["unit"])]
            sids = list(dict.fromkeys(s for r in rs for s in r["sources"]))
            lines.append(layout.Line(keys, cells, notes(sids)))
        key_headers = [[h] for h in (["variant", "point"] if several else []) + ["quantity"]]
        block = layout.Block("", key_headers, headers, lines)
    else:
        for r in rows:
            name = r["quantity"] + (" (solved)" if r.get("solved") else "")
            lines.append(layout.Line([r["variant"], layout.point_text(r["point"]), r["period"] or WHOLE,
                                      name], [cell(result, r), r["unit"]], notes(r["sources"])))
        block = layout.Block("", [["variant"], ["point"], ["period"], ["quantity"]], [["value"], ["unit"]], lines)
    return layout.finish(result, [block], order, rows)


def solve_output(result, fmt: str = "table") -> str:
    """What ``calc solve`` prints: the solution rows, any no-solution findings and the run's
    findings (a bracket far beyond the input's typical range among them)."""
    rows = result.rows(tables=fmt not in ("json", "csv"))     # text in display units (% for growth)
    solved = [r for r in rows if r.get("solved")]
    findings = [c for c in result.checks if c.says.startswith("solve ")]
    if fmt == "json":
        from calc.output.json import dumps
        return dumps({"scenario": result.scenario or None, "samples": result.samples, "seed": result.seed,
                      "rows": solved, "checks": [c.to_json() for c in findings],
                      "findings": [f.to_json() for f in result.findings]})
    if fmt == "csv":
        pd = need("pandas")
        keep = ["variant", "point", "quantity", "solved", "value", "unit", "p05", "p50", "p95", "no_solution_share"]
        frame = pd.DataFrame([{k: (layout.point_text(r[k]) if k == "point" else r.get(k)) for k in keep}
                              for r in solved], columns=keep)
        if not result.samples:
            frame = frame.drop(columns=["p05", "p50", "p95"])
        return frame.to_csv(index=False)
    out = [layout.run_line(result)]
    if result.samples:
        out.append(layout.sampling_line(result))
    out.append("")
    for r in solved:
        where = " ".join(t for t in (r["variant"], layout.point_text(r["point"])) if t)
        out.append(f"{layout.label(r['quantity'], r['unit'])} ({where}) = {cell(result, r)}")   # unit as headers
    for c in findings:
        out.append(f"finding ({layout.check_where(c)}): {c.detail}")
    out += [f"finding: {layout.finding_line(f)}" for f in result.findings]
    return "\n".join(out) + "\n"
