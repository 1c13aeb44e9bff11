"""A spreadsheet of one result: a summary sheet it opens on, then results, inputs, sources and
checks.

``result_xlsx(result)`` returns the .xlsx file as bytes (openpyxl, imported when one is written).
The summary (``calc.output.xlsx_summary``) is the wide table as numbers with number formats; the
other sheets are long tables for those who pivot: numbers as numbers, each with its unit in a
column beside it; the display format only adds thousands separators. Text from scenarios and data
files is stored as text, never as a formula, even when it starts with "=".
"""

from __future__ import annotations

import dataclasses

import io
import math
import textwrap

from calc.optional import need
from calc.output.layout import point_text
from calc.output import layout
from calc.display import default_unit
from calc.output.xlsx_summary import (FIT_WIDTH, cell_of, money_format, number_format,
                                      page_setup, period_value, share_format, shown_length,
                                      summary_sheet)
from calc.engine import STATS
from calc.sensitivity import is_never, never_year
from calc.values import DATE_OUTPUTS
from calc.output.xlsx_model import model_layouts, write_model_sheets
from calc.units import format_unit

# then "sensitivity" with --sensitivity
SHEETS = ("summary", "results", "inputs", "sources", "checks")
INPUT_COLUMNS = ("variant", "point", "name", "value", "low", "high", "unit", "origin", "figure",
                 "sources", "note")
SOURCE_COLUMNS = ("#", "id", "publisher", "title", "date", "url", "quote")
CHECK_COLUMNS = ("says", "source", "that", "variant", "point", "passed", "value", "unit",
                 "expected", "detail", "probability", "note")


def _cell_value(x):
    """What a cell holds: numbers as numbers (NaN as empty), lists and dicts as text, None as
    empty."""
    if x is None:
        return None
    if isinstance(x, bool):
        return x
    if isinstance(x, (int, float)) or type(x).__module__ == "numpy":
        f = float(x)
        return None if math.isnan(f) else f
    if isinstance(x, dict):
        return point_text(x)
    if isinstance(x, (list, tuple)):
        return ", ".join(str(v) for v in x)
    return str(x)


def _number_format(x: float) -> str:
    """Thousands separators for ordinary numbers, scientific for the very large or very small."""
    ax = abs(x)
    if ax and (ax >= 1e12 or ax < 1e-3):
        return "0.000E+00"
    if ax >= 1000 or float(x).is_integer():
        return "#,##0"
    return "#,##0.0####"


def plain_cell(row: dict, col: str):
    """A long table's cell: (value, number format or None); a number keeps every digit."""
    value = _cell_value(row.get(col))
    return value, (_number_format(value) if isinstance(value, float) else None)


MAX_WIDTH = 70          # widest column [characters]; longer text wraps
MIN_TEXT = 6            # narrowest a wrapped text column gets [characters]
MIN_NAME = 12           # widest word a text column keeps unbroken [characters]
MIN_NUMBER = 8          # narrowest a number column gets, its header wrapped [characters]
MAX_LINES = 4           # tallest row [lines]; longer text is whole in its cell, cut short printed
LINE_HEIGHT = 14        # one wrapped line of 11 pt text [pt]


def fit_widths(natural: list[int], floors: list[int], weights: list[float],
               total: int) -> list[int]:
    """Column widths [characters]: each column as wide as its widest cell (``natural``) where they
    sum to at most ``total``; else each its floor, and the width left over shared in proportion
    to ``weights`` (how much text a column holds), none wider than its widest cell."""
    if sum(natural) <= total:
        return list(natural)
    widths = [float(f) for f in floors]
    growing = [c for c, w in enumerate(weights) if w > 0 and widths[c] < natural[c]]
    while growing and total - sum(widths) >= 1:
        spare, weight = total - sum(widths), sum(weights[c] for c in growing)
        for c in growing:
            widths[c] = min(natural[c], widths[c] + spare * weights[c] / weight)
        growing = [c for c in growing if widths[c] < natural[c]]
    return [int(w) for w in widths]


def text_lines(text: str, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide."""
    return sum(max(1, len(textwrap.wrap(part, max(1, width - 1)))) for part in text.split("\n"))


def sheet(wb, title: str, columns, rows, cell=plain_cell, max_lines: int = MAX_LINES) -> None:
    """A sheet with a bold, frozen header row, then one row per dict in ``rows``;
    ``cell(row, column)`` gives each cell's value and number format. Headers of number columns sit
    right, over their numbers. Printed one page wide: columns as wide as their cells where the
    sheet stays within ``FIT_WIDTH``, else the widest text columns narrowed and wrapped, each row
    as tall as its wrapped text, at most ``max_lines`` lines (longer text is whole in its cell, cut
    short on screen and printed)."""
    ILLEGAL_CHARACTERS_RE = need("openpyxl.cell.cell", "xlsx").ILLEGAL_CHARACTERS_RE
    styles = need("openpyxl.styles", "xlsx")

    ws = wb.create_sheet(title)
    for c, col in enumerate(columns, start=1):
        head = ws.cell(row=1, column=c, value=col)
        head.font = styles.Font(bold=True)
        if isinstance(col, str):                # a period's label: a year or month as a date
            head.value, fmt = period_value(col)
            head.number_format = fmt or "General"
            head.data_type = "s" if fmt is None else head.data_type
    ws.freeze_panes = "A2"
    natural = [len(str(c)) for c in columns]
    shown = [0] * len(columns)                       # widest value of each column [characters]
    numeric = [False] * len(columns)
    texts: dict[tuple[int, int], str] = {}           # (row, column) -> text that may wrap
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(columns, start=1):
            value, fmt = cell(row, col)
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            target = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                target.data_type = "s"          # "=..." from a data file: text, never a formula
                texts[r, c] = value
                width = max(map(len, value.split("\n")))
            elif fmt is not None:
                target.number_format = fmt
                numeric[c - 1] = True
                width = shown_length(value, fmt)
            else:
                width = len(str(value)) if value is not None else 0
            shown[c - 1] = max(shown[c - 1], min(MAX_WIDTH, width))
            natural[c - 1] = max(natural[c - 1], shown[c - 1])
    # a number column as wide as its numbers (its header may wrap), a text one as its header and
    # its longest word (a name, not broken within), at most MIN_NAME characters, where that fits
    words = [0] * len(columns)
    for (_, c), text in texts.items():
        words[c - 1] = max(words[c - 1], max(map(len, text.split()), default=0))
    for least in (MIN_NAME, 0):
        floors = [max(shown[c], min(n, MIN_NUMBER)) if numeric[c] else
                  min(n, max(MIN_TEXT, len(str(columns[c])), min(least, words[c])))
                  for c, n in enumerate(natural)]
        if sum(floors) + len(floors) <= FIT_WIDTH:
            break
    weights = [1.0] * len(columns)                   # the text each column holds [characters]
    for (_, c), text in texts.items():
        weights[c - 1] += len(text)
    widths = fit_widths([n + 1 for n in natural], [f + 1 for f in floors], weights, FIT_WIDTH)
    lines: dict[int, int] = {}
    for (r, c), text in texts.items():
        wraps = len(text) > widths[c - 1] - 1 or "\n" in text
        if wraps or numeric[c - 1]:     # text among numbers ('never') sits right, as they do
            ws.cell(row=r, column=c).alignment = styles.Alignment(
                wrap_text=wraps, vertical="top", horizontal="right" if numeric[c - 1] else None)
        if wraps:
            lines[r] = max(lines.get(r, 1), min(max_lines, text_lines(text, widths[c - 1])))
    top = styles.Alignment(vertical="top")
    for r, n in lines.items():       # wrapped text shows in every program, printed too
        ws.row_dimensions[r].height = LINE_HEIGHT * n + 1
        for c in range(1, len(columns) + 1):      # the row's cells read from its top line
            if ws.cell(row=r, column=c).alignment.vertical is None:
                ws.cell(row=r, column=c).alignment = top
    for c, w in enumerate(widths, start=1):
        head = ws.cell(row=1, column=c)
        if numeric[c - 1]:                 # over its numbers, on two lines where it is wider
            head.alignment = styles.Alignment(horizontal="right", wrap_text=w < natural[c - 1])
            if w < natural[c - 1]:
                ws.row_dimensions[1].height = LINE_HEIGHT * 2 + 1
        ws.column_dimensions[head.column_letter].width = w
    page_setup(ws)


def result_rows(result) -> tuple[list[str], list[dict]]:
    """The tidy table's columns and rows: variant, point, quantity, value, unit, [p05 p50 p95 mean],
    inputs, sources, defaults."""
    frame = result.table()
    return list(frame.columns), frame.to_dict("records")


def input_rows(result) -> list[dict]:
    """Every given value each variant used: its value (and 90 % range), unit, origin, figure,
    sources, note; a swept input once per sweep point, the others once per variant."""
    rows = []
    seen: set[str] = set()
    for i in range(len(result.cases)):
        case = result.cases[i]
        first = case.variant not in seen
        seen.add(case.variant)
        for name, v in result.leaf_values(i).items():
            # period starts and ends: not inputs
            if (not first and name not in case.point) or v.origin == "timeline":
                continue
            # a series: its value in the first period (the note lists the dates)
            if v.origin == "over_time":
                v = dataclasses.replace(v, central=v.central[0])
            unit = format_unit(v.central.units)
            rows.append({"variant": case.variant, "point": point_text(case.point), "name": name,
                         "value": float(v.central.magnitude),
                         "low": v.dist.low if v.dist is not None else None,
                         "high": v.dist.high if v.dist is not None else None, "unit": unit,
                         "origin": v.origin,
                         "figure": v.figure, "sources": list(v.sources), "note": v.note})
    return rows


def period_rows(result) -> tuple[list, list[dict]]:
    """A timeline's central values in the units tables show them, one column per period (a year
    as a number: 2030), one-value quantities and solve rows in a 'whole timeline' column; the long
    'results' sheet keeps the quantiles."""
    whole = "whole timeline"
    step = result.axis.step
    cols = ["variant", "point", "quantity", "unit"] + list(result.periods) + [whole]
    out: dict = {}
    for r in result.rows(tables=True):
        name = r["quantity"] + (" (solved)" if r.get("solved") else "")
        key = (r["variant"], point_text(r["point"]), name)
        row = out.setdefault(key, {"variant": key[0], "point": key[1], "quantity": name,
                                   "unit": r["unit"]})
        period = r.get("period")
        row[whole if period is None else period] = cell_of(r["value"], r["unit"], step)
    return cols, list(out.values())


def _period_cell(row: dict, col):
    """A cell of the periods sheet: the (value, format) ``period_rows`` put there, else text."""
    got = row.get(col)
    return got if isinstance(got, tuple) else (_cell_value(got), None)


def _long_cell(result):
    """The results sheet's cell function: values as the tidy table has them (JSON's units), each
    with the format its unit reads in: money, a share as %, a date as a year."""
    pct = {n for n in list(result.shown) + [r["quantity"] for r in result.solutions]
           if (dict(result.display or {}).get(n) or default_unit(n)) == "%"}

    def cell(row: dict, col: str):
        value = _cell_value(row.get(col))
        if col == "period" and isinstance(value, str):
            return period_value(value)                   # a year or month, not text like one
        if not isinstance(value, float):
            return value, None
        unit = row.get("unit") or ""
        if col in ("never_share", "no_solution_share"):
            return value, share_format(value)
        if col not in ("value", "low", "high") + STATS:
            return value, _number_format(value)
        if unit == "date":
            return value, "0" if value.is_integer() else "0.00"
        if unit == "%":                                  # a display unit chosen: percent points
            return value, share_format(value / 100).replace("%", '"%"')
        if unit == "" and row.get("quantity", row.get("name")) in pct:     # inputs: "name"
            return value, share_format(value)
        return value, (number_format(value, unit) if unit == "USD" or unit.startswith("USD/")
                       else _number_format(value))
    return cell


def source_rows(result, order: list[str] | None = None) -> list[dict]:
    """The run's sources as rows, footnote number first (in ``order``, as the summary numbers them),
    every quote the run used joined."""
    cited = result.sources()
    order = list(order or []) + [sid for sid in cited if sid not in (order or [])]
    rows = []
    for k, sid in enumerate(order, 1):
        s = cited.get(sid, {})
        quotes = s.get("quotes") or ([s["quote"]] if s.get("quote") else [])
        notes = s.get("notes") or []
        rows.append({"#": k, "id": sid, "publisher": s.get("publisher"), "title": s.get("title"),
                     "date": s.get("date"), "url": s.get("url"),
                     "quote": " | ".join(quotes or notes)})
    return rows


def sensitivity_rows(result) -> list[dict]:
    """The tornado table's rows that move their output (``--sensitivity``)."""
    if result.sensitivity_table is None:
        return []
    return [r for r in result.sensitivity_table.to_dict("records") if r["swing"] > 0]


def _sensitivity_cell(result):
    """The sensitivity sheet's cell function: money as the summary shows it ($31.5B), a date output
    as the year (or month) the summary shows, 'never' where it is the timeline's end that stands
    for a date that never comes; the rank correlation to two decimals."""
    never = never_year(result)
    step = result.axis.step

    def cell(row: dict, col: str):
        value = _cell_value(row.get(col))
        if not isinstance(value, float):
            return value, None
        unit = row.get("unit") or ""
        if col == "rank_corr":
            return value, "0.00"
        if col not in ("value", "at_input_p05", "at_input_p95", "swing"):
            return value, _number_format(value)
        if str(row.get("quantity")).split(" (")[0] in DATE_OUTPUTS:
            if col == "swing":                                  # years between two dates
                return value, _number_format(value)
            return ("never", None) if is_never(value, never) else cell_of(value, "date", step)
        if unit == "USD" or unit.startswith("USD/"):
            return value, money_format(value)
        return value, _number_format(value)
    return cell


def result_xlsx(result) -> bytes:
    """The result as an .xlsx workbook that opens on its summary (the wide table, checks, what was
    set or unsourced), then results (the long tidy table), inputs, sources, checks and, with
    --sensitivity, sensitivity."""
    openpyxl = need("openpyxl", "xlsx")
    models = model_layouts(result)                  # refused beyond the limits, before writing
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    rows = result.rows(tables=True)
    report = layout.build(result, rows)
    columns, tidy = result_rows(result)
    # a row per value (and period): its lists of inputs and sources cut short at 2 lines printed
    sheet(wb, "results", columns, tidy, _long_cell(result), max_lines=2)
    if result.periods:                                    # periods as columns, as in a spreadsheet
        pcols, prows = period_rows(result)
        sheet(wb, "periods", pcols, prows, _period_cell)
    sheet(wb, "inputs", INPUT_COLUMNS, input_rows(result), _long_cell(result))
    sources = source_rows(result, report.source_ids)
    sheet(wb, "sources", SOURCE_COLUMNS, sources, max_lines=2 * MAX_LINES)      # quotes: few rows
    sheet(wb, "checks", CHECK_COLUMNS, [c.to_json() for c in result.checks]
          + [f.as_check() for f in result.findings])
    sens = sensitivity_rows(result)
    if sens:
        sheet(wb, "sensitivity", list(sens[0]), sens, _sensitivity_cell(result))
    summary_sheet(wb, result, report, rows, {r["#"]: i for i, r in enumerate(sources, start=2)})
    write_model_sheets(wb, models)                  # after the other sheets
    for lay in models:
        page_setup(wb[lay.title])
    wb.active = 0
    wb.properties.title = (" — ".join(t for t in (result.scenario, result.title) if t)
                           or "calc result")
    wb.properties.creator = "calc"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
