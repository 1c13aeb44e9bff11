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

from calc.optional import need
from calc.output.layout import point_text
from calc.output import layout
from calc.output.xlsx_summary import summary_sheet
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


def sheet(wb, title: str, columns, rows) -> None:
    """A sheet with a bold, frozen header row, then one row per dict in ``rows``."""
    ILLEGAL_CHARACTERS_RE = need("openpyxl.cell.cell", "xlsx").ILLEGAL_CHARACTERS_RE
    Font = need("openpyxl.styles", "xlsx").Font

    ws = wb.create_sheet(title)
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.page_setup.orientation = "landscape"          # printed, a sheet is as wide as the page
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    widths = [len(c) for c in columns]
    for r, row in enumerate(rows, start=2):
        for c, col in enumerate(columns, start=1):
            value = _cell_value(row.get(col))
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                # "=..." from a data file stays text, never a formula
                cell.data_type = "s"
            elif isinstance(value, float):
                cell.number_format = _number_format(value)
            widths[c - 1] = max(widths[c - 1], min(60, len(str(value)) if value is not None else 0))
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = max(8, w + 2)


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


def period_rows(result) -> tuple[list[str], list[dict]]:
    """A timeline's central values with one column per period (one-value quantities and solve rows
    in a 'whole timeline' column); the long 'results' sheet keeps the quantiles."""
    whole = "whole timeline"
    cols = ["variant", "point", "quantity", "unit"] + list(result.periods) + [whole]
    out: dict = {}
    for r in result.rows():
        name = r["quantity"] + (" (solved)" if r.get("solved") else "")
        key = (r["variant"], point_text(r["point"]), name)
        row = out.setdefault(key, {"variant": key[0], "point": key[1], "quantity": name,
                                   "unit": r["unit"]})
        row[r["period"] if r.get("period") is not None else whole] = r["value"]
    return cols, list(out.values())


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
    sheet(wb, "results", columns, tidy)
    if result.periods:                                    # periods as columns, as in a spreadsheet
        pcols, prows = period_rows(result)
        sheet(wb, "periods", pcols, prows)
    sheet(wb, "inputs", INPUT_COLUMNS, input_rows(result))
    sources = source_rows(result, report.source_ids)
    sheet(wb, "sources", SOURCE_COLUMNS, sources)
    sheet(wb, "checks", CHECK_COLUMNS, [c.to_json() for c in result.checks]
          + [f.as_check() for f in result.findings])
    sens = sensitivity_rows(result)
    if sens:
        sheet(wb, "sensitivity", list(sens[0]), sens)
    summary_sheet(wb, result, report, rows, {r["#"]: i for i, r in enumerate(sources, start=2)})
    write_model_sheets(wb, models)                  # after the other sheets
    wb.active = 0
    wb.properties.title = (" — ".join(t for t in (result.scenario, result.title) if t)
                           or "calc result")
    wb.properties.creator = "calc"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
