"""Cells of ``Result.table(formatted=True)``: text as the tables show it -- display units, money
as ``$1.19B``, dates as periods (``2028``, ``never``), a sampled value with its range -- and ``""``
for a cell that holds nothing (never ``NaN``, never ``1.192567e+09``)."""

from __future__ import annotations

import math

from calc.output.layout import cell_text, period_cell, value_text


def cell(result, row: dict, stat: str = "value", spread: bool = True) -> str:
    """``row``'s ``stat`` (value, p05, p50, p95 or mean) as text in the row's unit; ``spread``: the
    value with its median and 5th-95th percentile in brackets, as a table cell shows it."""
    if stat == "value" and spread:
        return period_cell(result, row) if result.periods else cell_text(row)
    x = row.get(stat)
    if row.get("unit") == "date":
        return result.axis.date_text(x) if stat != "mean" else ""
    if x is None or not math.isfinite(x):
        return "no solution" if row.get("solved") and stat == "value" else ""
    return value_text(x, row["unit"])


def share_text(x) -> str:
    """A share of samples [1] as '15 %', '99.7 %'; '100 %' and '0 %' only when all or none;
    '' for none given."""
    if x is None or x != x:
        return ""
    text = f"{100 * x:.3g} %"
    if text == "100 %" and x < 1:
        return "> 99.9 %"
    if text == "0 %" and x > 0:
        return "< 0.1 %"
    return text


def flags(frame):
    """A long formatted table's last columns as text: 'solved' or '', shares in %."""
    for col in ("no_solution_share", "never_share"):
        if col in frame:
            frame[col] = [share_text(x) for x in frame[col]]
    if "solved" in frame:
        frame["solved"] = ["solved" if x is True else "" for x in frame["solved"]]
    return frame
