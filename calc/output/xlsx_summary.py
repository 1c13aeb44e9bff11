"""The summary sheet a workbook opens on: the wide table as numbers, then every other fact of the
run.

Each block of the wide layout (``calc.output.layout.sheet_blocks``; a timeline's periods as columns,
each case's quantities under its own heading row) is drawn with its headers: a row per quantity
labelled with its unit ('chips [chip]'), a column per case or period. Cells hold numbers with a
number format (money as $31.5B, a share as its fraction shown 21.5%, a date as the year 2030 or the
month 2030-06), so the sheet computes; a sampled run adds the median and the 5th and 95th
percentiles, each in its own row under the quantity. A row's footnote numbers sit in one cell of the
sheet's one sources column, a link to the first one's row on the ``sources`` sheet. Then: values set
on the command line, values given without a source, each distinct check result, findings, defaults
used, as paragraphs wrapped over the table's width (the title never widens a column). Printed, the
sheet is landscape and one page wide where that stays legible (``page_setup``)."""

from __future__ import annotations

import datetime
import math

from calc.optional import need
from calc.output import compact, headline, layout

TITLE_SIZE = 14
BODY_SIZE = 11
MAX_LABEL = 40          # widest label column [characters]
MIN_TEXT = 40           # narrowest span a paragraph wraps over [characters]
MAX_TEXT = 110          # widest span, so a paragraph ends on page 1 of a wide sheet [characters]
FIT_WIDTH = 135         # widest sheet printed one page wide, at 77 % (8.5 pt) [characters]
WIDE_SCALE = 85         # print scale of a wider sheet [%]
# the rows under a quantity that varies: (a statistic of engine.STATS, its label)
QUANTILE_ROWS = (("p50", "median"), ("p05", "5th percentile"), ("p95", "95th percentile"))


def money_format(x: float) -> str:
    """Dollars as a reader writes them, three digits as the terminal shows them (calc.format.money),
    the stored number unchanged: $2.91B, $31.5B, $519M, $1.05T, $4.14k; below $1,000 in cents as
    the terminal shows them: $12.50, $0.00."""
    ax = abs(x)
    for scale, commas, letter in ((1e12, ",,,,", "T"), (1e9, ",,,", "B"), (1e6, ",,", "M"),
                                  (1e3, ",", "k")):
        if ax >= scale:
            decimals = 2 if ax < 10 * scale else 1 if ax < 100 * scale else 0
            digits = "0." + "0" * decimals if decimals else "0"
            return f'"$"#,##{digits}{commas}"{letter}"'
    return '"$"#,##0.00'


def period_value(label: str):
    """A period label as a cell: (value, format): a year as a number (2030, not '2,030'), a month
    as its first day shown yyyy-mm, a quarter as its label (no number format shows one)."""
    if len(label) == 4 and label.isdigit():
        return int(label), "0"
    if len(label) == 7 and label[4] == "-" and label[5:].isdigit():
        return datetime.datetime(int(label[:4]), int(label[5:]), 1), "yyyy-mm"
    return label, None


def share_format(x: float) -> str:
    """A share [fraction] as a percentage with the decimals it needs: 215%, 21.5%, 0.18%; a share
    that is not all (or none) never reads 100% (or 0%)."""
    p = abs(x) * 100
    digits = 0 if p >= 100 else 1 if p >= 10 else 2 if p >= 1 else 3 if p else 0
    while 0 < abs(x) and x != 1 and digits < 6 and round(p, digits) in (0, 100):
        digits += 1
    return ("#,##0" if digits == 0 else "0." + "0" * digits) + "%"


def number_format(x: float, unit: str) -> str:
    """The display format of one number in ``unit`` ('%': ``x`` is the fraction)."""
    if unit == "USD" or unit.startswith("USD/"):
        return money_format(x)
    if unit == "%":
        return share_format(x)
    ax = abs(x)
    if ax and (ax >= 1e12 or ax < 1e-3):
        return "0.00E+00"
    if ax >= 100:
        return "#,##0"
    if ax >= 10:
        return "0.0"
    return "0.00#"


def cell_of(x, unit: str, step: int | None = None):
    """What a cell holds for ``x`` in ``unit`` and its number format: (value, format or None).

    Money and counts stay as they are; a percentage becomes its fraction; a date [decimal year] is
    the year (yearly periods, ``step`` 12), the month's first day (monthly) or the quarter's label
    (no number format shows a quarter); a missing date is 'never'. None: nothing to show.
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ("never", None) if unit == "date" else (None, None)
    x = float(x)
    if unit == "date":
        if not math.isfinite(x):
            return "never", None
        month = int(round(x * 12))
        if step == 3:
            return f"{month // 12:04d}-Q{month % 12 // 3 + 1}", None
        if step == 1:
            return datetime.datetime(month // 12, month % 12 + 1, 1), "yyyy-mm"
        return month // 12, "0"
    if unit == "%":
        x /= 100
    return x, number_format(x, unit)


def shown_length(x, fmt: str) -> int:
    """About how many characters ``x`` shows in number format ``fmt`` ('$31.5B': 6)."""
    if fmt.startswith('"$"'):
        return len(layout.value_text(x, "USD"))
    if fmt in ("0", "yyyy-mm"):
        return len(fmt) if fmt == "yyyy-mm" else len(str(x))
    if "E" in fmt:
        return 8 + (x < 0)
    decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0     # '0.00#': 3
    if fmt.endswith("%"):
        return len(f"{x * 100:,.{decimals}f}") + 1
    return len(f"{x:,.{decimals}f}")


def note_runs(notes: list[int]) -> str:
    """Footnote numbers with runs shortened, so the column stays narrow: '1–4,7'."""
    parts: list[list[int]] = []
    for k in notes:
        if parts and k == parts[-1][-1] + 1:
            parts[-1].append(k)
        else:
            parts.append([k])
    return ",".join(f"{p[0]}–{p[-1]}" if len(p) > 2 else ",".join(map(str, p)) for p in parts)


def _number(x):
    """A cell's number: None for a missing or NaN value."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


class _Writer:
    """Writes the summary sheet's cells: numbers with formats, text never a formula; remembers the
    label widths and the paragraphs to wrap once the columns are known."""

    def __init__(self, ws, source_rows: dict[int, int], step: int | None):
        Font = need("openpyxl.styles", "xlsx").Font
        self.ws, self.row, self.source_rows, self.step = ws, 1, source_rows, step
        self.bold, self.grey = Font(bold=True), Font(italic=True, color="666666")
        self.link = Font(color="0563C1", underline="single")
        self.heading = Font(bold=True, color="1F4E79")
        self.widths: dict[int, int] = {}          # column -> widest table cell [characters]
        self.paragraphs: list[tuple[int, int, str, int]] = []    # row, column, text, font size

    def fit(self, col: int, n: int) -> None:
        self.widths[col] = max(self.widths.get(col, 0), min(MAX_LABEL, n))

    def text(self, col: int, value, font=None, right: bool = False, fit: bool = True):
        ILLEGAL_CHARACTERS_RE = need("openpyxl.cell.cell", "xlsx").ILLEGAL_CHARACTERS_RE
        if value is None or value == "":
            return None
        cell = self.ws.cell(row=self.row, column=col,
                            value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        cell.data_type = "s"                  # never a formula, even when it starts with "="
        if font is not None:
            cell.font = font
        if right:
            cell.alignment = need("openpyxl.styles", "xlsx").Alignment(horizontal="right")
        if fit:
            self.fit(col, len(str(value)))
        return cell

    def paragraph(self, col: int, value, font=None, size: int = BODY_SIZE) -> None:
        """Text wrapped over the table's width from ``col`` (merged once the widths are known)."""
        if self.text(col, value, font, fit=False) is not None:
            self.paragraphs.append((self.row, col, str(value), size))

    def number(self, col: int, x, unit: str, font=None) -> None:
        """``x`` in ``unit`` as a number with its format (a date as a date, 'never' where none)."""
        value, fmt = cell_of(x, unit, self.step)
        if value is None:
            return
        if fmt is None:
            self.text(col, value, font, right=True)
            return
        cell = self.ws.cell(row=self.row, column=col, value=value)
        cell.number_format = fmt
        if font is not None:
            cell.font = font
        self.fit(col, shown_length(value, fmt))

    def notes(self, col: int, notes: list[int]) -> None:
        """The footnote numbers in one cell ('[1,2,3]'), a link to the first one's source row."""
        if not notes:
            return
        cell = self.text(col, f"[{note_runs(notes)}]", self.link)
        if notes[0] in self.source_rows:
            Hyperlink = need("openpyxl.worksheet.hyperlink", "xlsx").Hyperlink
            cell.hyperlink = Hyperlink(ref=cell.coordinate,
                                       location=f"sources!A{self.source_rows[notes[0]]}",
                                       tooltip="source" + ("s " if len(notes) > 1 else " ")
                                       + ", ".join(map(str, notes)) + " on the sources sheet")

    def next(self, n: int = 1) -> None:
        self.row += n

    def finish(self) -> None:
        """Set the column widths, then merge and wrap each paragraph over the table's width."""
        styles = need("openpyxl.styles", "xlsx")
        get_column_letter = need("openpyxl.utils", "xlsx").get_column_letter
        last = max(self.widths, default=1)
        width = {c: max(8, self.widths.get(c, 8) + 2) for c in range(1, last + 1)}
        for c, w in width.items():
            self.ws.column_dimensions[get_column_letter(c)].width = w
        for row, col, text, size in self.paragraphs:
            end, span = col, width.get(col, 10)
            while (end < last and span < MAX_TEXT) or span < MIN_TEXT:
                end += 1
                span += width.get(end, 10)
            self.ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=end)
            cell = self.ws.cell(row=row, column=col)
            cell.alignment = styles.Alignment(wrap_text=True, vertical="top")
            # characters of ``size`` on a line of ``span`` body characters, 1.1 as a margin
            lines = math.ceil(len(text) * size / BODY_SIZE * 1.1 / span)
            if lines > 1 or size != BODY_SIZE:
                self.ws.row_dimensions[row].height = lines * size * 1.35


def summary_sheet(wb, result, report: layout.Report, rows: list[dict],
                  source_rows: dict[int, int]) -> None:
    """Draw the summary sheet (first in ``wb``) of ``result``; ``source_rows`` maps footnote ->
    row."""
    ws = wb.create_sheet("summary", 0)
    w = _Writer(ws, source_rows, result.axis.step)
    Font = need("openpyxl.styles", "xlsx").Font
    w.paragraph(1, layout.run_line(result), Font(bold=True, size=TITLE_SIZE), TITLE_SIZE)
    w.next()
    if result.samples:
        w.paragraph(1, f"{result.samples:,} samples, seed {result.seed}: each quantity's central "
                       "value, then its median and its 5th and 95th percentiles", w.grey)
        w.next()
    w.next()
    _headline(w, result, headline.headline(result, rows))
    laid = layout.sheet_blocks(result, rows, report)
    notes_col = max(len(b.key_headers) + len(b.value_headers) + 1 for b in laid)
    for block in laid:
        w.next()
        _block(w, block, result.samples > 0, notes_col)
    for heading, items in ((layout.OVERRIDES_HEADING, report.overrides),
                           (layout.UNSOURCED_HEADING, report.unsourced)):
        if items:
            w.next()
            w.paragraph(1, heading, w.bold)
            for item in items:
                w.next()
                w.paragraph(1, item)
            w.next()
    if report.checks:
        w.next()
        w.paragraph(1, "Checks (each distinct result once; every case on the checks sheet)",
                    w.bold)
        for entry in report.checks:
            w.next()
            chk = entry.check
            w.text(1, "✓ holds" if chk.passed else "✗ DOES NOT HOLD",
                   None if chk.passed else Font(bold=True, color="B00020"))
            if entry.ref:
                w.notes(2, [entry.ref])
            w.paragraph(3, f"\"{chk.says}\" ({entry.where}): {chk.detail}")
        w.next()
    if result.findings:
        w.next()
        w.paragraph(1, layout.FINDINGS_HEADING, w.bold)
        for f in result.findings:
            w.next()
            w.text(1, layout.finding_mark(f))
            w.paragraph(2, layout.finding_line(f, labelled=False))
        w.next()
    if report.defaults:
        w.next()
        w.paragraph(1, "Defaults used (not given by the scenario): "
                    + ", ".join(report.defaults), w.grey)
    w.finish()
    page_setup(ws)


def page_setup(ws) -> None:
    """Printed landscape with narrow margins: one page wide where the columns fit legibly (at most
    ``FIT_WIDTH`` characters; LibreOffice then scales to at least 77 %: 11 pt text prints at 8.5
    pt), else at ``WIDE_SCALE`` % over several pages, column A on each, left to right then
    down."""
    ws.page_setup.orientation = "landscape"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    get_column_letter = need("openpyxl.utils", "xlsx").get_column_letter
    # the cells, not text running on past the last column (a page of it alone)
    ws.print_area = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 9
                for c in range(1, ws.max_column + 1))
    if width <= FIT_WIDTH:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    else:
        ws.page_setup.scale = WIDE_SCALE
        ws.print_title_cols = "A:A"
        ws.page_setup.pageOrder = "overThenDown"


def _header(w: _Writer, col: int, text: str) -> None:
    """A value column's header, right-aligned over its numbers; a year or month as a date (2030,
    2030-06)."""
    value, fmt = period_value(text)
    if fmt is not None:
        cell = w.ws.cell(row=w.row, column=col, value=value)
        cell.number_format, cell.font = fmt, w.bold
        w.fit(col, len(text))
    elif len(text) > 10:                                  # 'whole timeline' on two lines
        styles = need("openpyxl.styles", "xlsx")
        cell = w.text(col, text, w.bold, fit=False)
        cell.alignment = styles.Alignment(horizontal="right", wrap_text=True)
        w.fit(col, max(len(word) for word in text.split()))
        w.ws.row_dimensions[w.row].height = 2 * BODY_SIZE * 1.35
    else:
        w.text(col, text, w.bold, right=True)


def _block(w: _Writer, block: compact.Block, sampled: bool, notes_col: int) -> None:
    """One block: caption, header rows, then a row per line (a row per quantile when sampled and
    the quantity varies), footnotes in column ``notes_col`` (the same for every block)."""
    if block.caption:
        w.text(1, block.caption, w.bold)
        w.next()
    n_keys = len(block.key_headers)
    depth = max(len(h) for h in block.key_headers + block.value_headers)
    for k in range(depth):
        for c, h in enumerate(block.key_headers, start=1):
            w.text(c, h[k] if k < len(h) else "", w.bold)
        for c, h in enumerate(block.value_headers, start=n_keys + 1):
            if k < len(h):
                _header(w, c, h[k])
        if k == 0 and any(ln.notes for ln in block.lines):
            w.text(notes_col, "sources", w.bold)
        w.next()
    for c in range(n_keys + 1, n_keys + len(block.value_headers) + 1):
        w.fit(c, 6)
    stats = sampled and block.key_headers[-1][0] == "quantity"
    for ln in block.lines:
        if not ln.cells:                              # a case's heading (timeline)
            w.text(1, ln.keys[0], w.heading)
            w.next()
            continue
        for c, key in enumerate(ln.keys, start=1):
            w.text(c, key, w.bold if c == n_keys else None)
        for c, row in enumerate(ln.cells, start=n_keys + 1):
            if isinstance(row, dict):
                _value(w, c, row)
            elif row is not None:
                w.text(c, row, right=True)
        w.notes(notes_col, ln.notes)
        w.next()
        if stats:
            _stats(w, n_keys, ln.cells)


def _value(w: _Writer, col: int, row: dict) -> None:
    """A row's central value; a solve without a solution says so, an undefined value is '-'."""
    x = row["value"]
    if row["unit"] != "date" and (x is None or not math.isfinite(x)):
        w.text(col, "no solution" if row.get("solved") else "-", right=True, fit=False)
    else:
        w.number(col, x, row["unit"])


def _stats(w: _Writer, label_col: int, cells: list) -> None:
    """Under a quantity that varies: its median and 5th and 95th percentiles, each in its own row,
    then the share of samples that never reach a date or find no solution."""
    rows = [r for r in cells if isinstance(r, dict)]
    if not any("p05" in r and r["p05"] != r["p95"] for r in rows):
        return
    for stat, name in QUANTILE_ROWS:
        w.text(label_col, f"    {name}", w.grey)
        for c, row in enumerate(cells, start=label_col + 1):
            if isinstance(row, dict):
                w.number(c, row.get(stat), row["unit"], w.grey)
        w.next()
    for key, name in (("never_share", "never (share of samples)"),
                      ("no_solution_share", "no solution (share of samples)")):
        if any(r.get(key) for r in rows):
            w.text(label_col, f"    {name}", w.grey)
            for c, row in enumerate(cells, start=label_col + 1):
                if isinstance(row, dict) and row.get(key) is not None:
                    w.number(c, 100 * row[key], "%", w.grey)
            w.next()


def _headline(w: _Writer, result, h: headline.Headline) -> None:
    """The headline block (``calc.output.headline``): a row per quantity, a column per variant, as
    numbers with number formats (a date as a date shown as its year or month); under a sampled
    quantity its 5th and 95th percentiles; then the checks and findings counted, as numbers."""
    w.paragraph(1, headline.caption(h, spread=False), w.bold)
    w.next()
    w.text(1, "quantity", w.bold)
    for c, v in enumerate(h.variants, start=2):
        w.text(c, v, w.bold, right=True)
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
                    ("findings", h.findings), ("notes (undefined values)", h.notes)):
        w.text(1, name, w.bold)
        w.ws.cell(row=w.row, column=2, value=n).number_format = "0"
        w.next()


def _headline_cell(w: _Writer, result, col: int, row: dict | None, stat: str, font=None) -> None:
    """One headline number, as the table below shows it (``cell_of``): a date (decimal year) as
    the year 2030 on a yearly timeline, the month 2030-06 on a monthly one; 'never' or 'no
    solution' as text where there is no value."""
    if row is None:
        return
    x = _number(row.get(stat))
    if x is None or not math.isfinite(x):
        if stat == "value":        # 'never' right, as the numbers beside it: not '2030never'
            w.text(col, headline.central_text(result, row), font, right=True)
        return
    w.number(col, x, row["unit"], font)
