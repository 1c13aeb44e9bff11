"""The summary sheet a workbook opens on: the wide table as numbers, then every other fact of the
run.

Each block of the wide layout (``calc.output.compact``) is drawn with its headers: a row per
quantity labelled with its unit ('chips [chip]'), a column per case. Cells hold numbers with a
number format (money as $31.5B, counts with thousands separators), so the sheet computes; a
sampled run adds the median and the 5th and 95th percentiles under each quantity. Each footnote
number is a link to its row on the ``sources`` sheet. Then: values set on the command line,
values given without a source, each distinct check result, findings, defaults used.
"""

from __future__ import annotations

import datetime
import math

from calc.optional import need
from calc.output import compact, headline, layout

TITLE_SIZE = 14


def money_format(x: float) -> str:
    """Dollars as a reader writes them, the stored number unchanged: $31.5B, $519M, $4,137."""
    ax = abs(x)
    if ax >= 1e12:
        return '"$"#,##0.0,,,,"T"'
    if ax >= 1e9:
        return '"$"#,##0.0,,,"B"'
    if ax >= 1e6:
        return '"$"#,##0.0,,"M"'
    return '"$"#,##0'


def number_format(x: float, unit: str) -> str:
    """The display format of one number in ``unit``."""
    if unit == "USD" or unit.startswith("USD/"):
        return money_format(x)
    ax = abs(x)
    if ax and (ax >= 1e12 or ax < 1e-3):
        return "0.00E+00"
    if ax >= 100:
        return "#,##0"
    if ax >= 10:
        return "0.0"
    return "0.00#"


def _number(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


class _Writer:
    """Appends rows to the summary sheet, remembering the widest label."""

    def __init__(self, ws, source_rows: dict[int, int]):
        Font = need("openpyxl.styles", "xlsx").Font
        self.ws, self.row, self.source_rows = ws, 1, source_rows
        self.bold, self.grey = Font(bold=True), Font(italic=True, color="666666")
        self.link = Font(color="0563C1", underline="single")
        self.width = 10

    def text(self, col: int, value, font=None) -> None:
        ILLEGAL_CHARACTERS_RE = need("openpyxl.cell.cell", "xlsx").ILLEGAL_CHARACTERS_RE
        if value is None or value == "":
            return
        cell = self.ws.cell(row=self.row, column=col,
                            value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"                  # never a formula, even when it starts with "="
        if font is not None:
            cell.font = font
        if col == 1:
            self.width = max(self.width, min(60, len(str(value))))

    def number(self, col: int, x, unit: str, font=None) -> None:
        x = _number(x)
        if x is None:
            return
        cell = self.ws.cell(row=self.row, column=col, value=x)
        cell.number_format = number_format(x, unit)
        if font is not None:
            cell.font = font

    def notes(self, col: int, notes: list[int]) -> None:
        """One cell per footnote number, each a link to that source's row on the sources sheet."""
        for j, k in enumerate(notes):
            self.text(col + j, f"[{k}]", self.link)
            if k in self.source_rows:
                Hyperlink = need("openpyxl.worksheet.hyperlink", "xlsx").Hyperlink
                cell = self.ws.cell(row=self.row, column=col + j)
                cell.hyperlink = Hyperlink(ref=cell.coordinate,
                                           location=f"sources!A{self.source_rows[k]}",
                                           tooltip=f"source {k} on the sources sheet")

    def next(self, n: int = 1) -> None:
        self.row += n


def summary_sheet(wb, result, report: layout.Report, rows: list[dict],
                  source_rows: dict[int, int]) -> None:
    """Draw the summary sheet (first in ``wb``) of ``result``; ``source_rows`` maps footnote ->
    row."""
    ws = wb.create_sheet("summary", 0)
    w = _Writer(ws, source_rows)
    Font = need("openpyxl.styles", "xlsx").Font
    w.text(1, layout.run_line(result), Font(bold=True, size=TITLE_SIZE))
    w.next()
    if result.samples:
        w.text(1, f"{result.samples:,} samples, seed {result.seed}: each quantity's central "
                  "value, then its median and its 5th and 95th percentiles", w.grey)
        w.next()
    w.next()
    _headline(w, result, headline.headline(result, rows))
    laid = layout.sheet_blocks(result, rows, report)
    for block in laid:
        w.next()
        _block(w, block, result.samples > 0)
    for heading, items in ((layout.OVERRIDES_HEADING, report.overrides),
                           (layout.UNSOURCED_HEADING, report.unsourced)):
        if items:
            w.next()
            w.text(1, heading, w.bold)
            for item in items:
                w.next()
                w.text(1, item)
            w.next()
    if report.checks:
        w.next()
        w.text(1, "Checks (each distinct result once; every case on the checks sheet)", w.bold)
        for entry in report.checks:
            w.next()
            chk = entry.check
            w.text(1, "✓ holds" if chk.passed else "✗ DOES NOT HOLD",
                   None if chk.passed else Font(bold=True, color="B00020"))
            if entry.ref:
                w.notes(2, [entry.ref])
            w.text(3, f"\"{chk.says}\" ({entry.where}): {chk.detail}")
        w.next()
    if result.findings:
        w.next()
        w.text(1, layout.FINDINGS_HEADING, w.bold)
        for f in result.findings:
            w.next()
            w.text(1, layout.finding_mark(f))
            w.text(2, layout.finding_line(f, labelled=False))
        w.next()
    if report.defaults:
        w.next()
        w.text(1, "Defaults used (not given by the scenario): " + ", ".join(report.defaults),
               w.grey)
    ws.column_dimensions["A"].width = w.width + 2
    for c in range(2, ws.max_column + 1):
        ws.column_dimensions[ws.cell(row=1, column=c).column_letter].width = 14
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0


def _block(w: _Writer, block: compact.Block, sampled: bool) -> None:
    """One block: caption, header rows, then a row per line (a stat row per quantile when
    sampled)."""
    if block.caption:
        w.text(1, block.caption, w.bold)
        w.next()
    n_keys = len(block.key_headers)
    depth = max(len(h) for h in block.key_headers + block.value_headers)
    for k in range(depth):
        for c, h in enumerate(block.key_headers + block.value_headers, start=1):
            w.text(c, h[k] if k < len(h) else "", w.bold)
        if k == 0 and any(ln.notes for ln in block.lines):
            w.text(n_keys + len(block.value_headers) + 1, "sources", w.bold)
        w.next()
    for ln in block.lines:
        for c, key in enumerate(ln.keys, start=1):
            w.text(c, key, w.bold if n_keys == 1 else None)
        for c, row in enumerate(ln.cells, start=n_keys + 1):
            if isinstance(row, dict):
                w.number(c, row["value"], row["unit"])
            else:
                w.text(c, row)
        w.notes(n_keys + len(ln.cells) + 1, ln.notes)
        w.next()
        spread = [r for r in ln.cells if isinstance(r, dict) and "p05" in r
                  and r["p05"] != r["p95"]]
        # a quantity that varies
        if sampled and block.key_headers[0][0] == "quantity" and spread:
            for stat, name in (("p50", "median"), ("p05", "5th percentile"),
                               ("p95", "95th percentile")):
                w.text(1, f"    {name}", w.grey)
                for c, row in enumerate(ln.cells, start=n_keys + 1):
                    w.number(c, row[stat], row["unit"], w.grey)
                w.next()


def _headline(w: _Writer, result, h: headline.Headline) -> None:
    """The headline block (``calc.output.headline``): a row per quantity, a column per variant, as
    numbers with number formats (a date as a date shown as its year or month); under a sampled
    quantity its 5th and 95th percentiles; then the checks and findings counted, as numbers."""
    w.text(1, headline.caption(h, spread=False), w.bold)
    w.next()
    w.text(1, "quantity", w.bold)
    for c, v in enumerate(h.variants, start=2):
        w.text(c, v, w.bold)
    w.next()
    for it in h.items:
        w.text(1, compact.label(it.quantity, it.unit), w.bold)
        for c, row in enumerate(it.rows, start=2):
            _headline_cell(w, result, c, row, "value")
        w.next()
        if h.sampled and any(r is not None and r.get("p05") is not None
                             and r["p05"] != r["p95"] for r in it.rows):
            for stat, name in (("p05", "5th percentile"), ("p95", "95th percentile")):
                w.text(1, f"    {name}", w.grey)
                for c, row in enumerate(it.rows, start=2):
                    _headline_cell(w, result, c, row, stat, w.grey)
                w.next()
        if any(r is not None and r.get("never_share") for r in it.rows):
            w.text(1, "    share of samples: never", w.grey)
            for c, row in enumerate(it.rows, start=2):
                if row is not None and row.get("never_share") is not None:
                    cell = w.ws.cell(row=w.row, column=c, value=float(row["never_share"]))
                    cell.number_format, cell.font = "0.0%", w.grey
            w.next()
    for name, n in (("checks that hold", h.holds), ("checks that do not hold", h.fails),
                    ("findings", h.findings)):
        w.text(1, name, w.bold)
        w.ws.cell(row=w.row, column=2, value=n).number_format = "0"
        w.next()


def _headline_cell(w: _Writer, result, col: int, row: dict | None, stat: str, font=None) -> None:
    """One headline number: a date (decimal year) as a spreadsheet date formatted 'yyyy' on a
    yearly timeline, else 'yyyy-mm'; 'never' or 'no solution' as text where there is no value."""
    if row is None:
        return
    x = _number(row.get(stat))
    if x is None or not math.isfinite(x):
        if stat == "value":
            w.text(col, headline.central_text(result, row), font)
        return
    if row["unit"] != "date":
        w.number(col, x, row["unit"], font)
        return
    months = int(round(x * 12))
    cell = w.ws.cell(row=w.row, column=col, value=datetime.date(months // 12, months % 12 + 1, 1))
    step = getattr(result.axis.timeline, "step", 12)
    cell.number_format = "yyyy" if step == 12 else "yyyy-mm"
    if font is not None:
        cell.font = font
