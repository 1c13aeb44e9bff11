"""The workbook is a spreadsheet: numbers are numbers with number formats (money in $B/$M, shares
in %, dates as years or months), quantiles in their own cells, footnotes in one column, a title
that sizes no column, and a summary whose page 1 LibreOffice prints legibly on a landscape page.

Every workbook of this module is printed to PDF in one LibreOffice call (tests/office.py); the
PDF's text is read back with tests/pdf_text.py. The PDF tests skip, saying why, without
LibreOffice.
"""

from __future__ import annotations

import datetime
import io
import re
import textwrap
from collections import Counter

import pytest

import calc
from helpers import ROOT
from office import convert
from pdf_text import pages

openpyxl = pytest.importorskip("openpyxl")

from openpyxl.utils import get_column_letter  # noqa: E402

from calc.output.xlsx import (LINE_HEIGHT, MAX_LINES, result_xlsx,  # noqa: E402
                              sensitivity_rows)
from calc.output.xlsx_summary import FIT_WIDTH, money_format  # noqa: E402

# One commitment of $24B over 4 years from January 2025: $500M a month, half of it inside the
# 2025-2026 timeline. With $10B of cash and no revenue the balance closes at 10 - 0.5 k [$B] after
# month k: $0 after 2026-08 (k = 20), -$0.5B after 2026-09, the first period below zero (cash_out).
MONTHLY = textwrap.dedent("""\
    name: monthly
    timeline: {start: 2025-01, end: 2026-12, step: month}
    commitments:
      cloud: {amount: {value: 24 billion USD, source: assumption, note: test}, start: 2025,
              term: 4 yr}
    inputs:
      arr_end: {value: 1 billion USD/yr, source: assumption, note: test}
      arr_as_of: {value: 2025-01, source: assumption, note: test}
      arr_growth_per_month: {value: 0, source: assumption, note: test}
      compute_share_of_revenue: {value: 0, source: assumption, note: no revenue counted}
    financing:
      cash: {value: 10 billion USD, source: assumption, note: test}
      interest_rate: {value: 10 %/yr, source: assumption, note: test}
    outputs: [commitment_spend, cash_balance, shortfall, cash_out]
    """)
# cash from $5B to $40B (90 % range): the $12B spent inside the timeline runs some samples out
SAMPLED = MONTHLY.replace("cash: {value: 10 billion USD,",
                          "cash: {range: [5 billion USD, 40 billion USD],")
QUARTERLY = MONTHLY.replace("step: month", "step: quarter")

# a text cell made only of what numbers are written with: '2030', '$1.19B ($674M–$2.17B)'
NUMBERISH = re.compile(r"[\s$\-–−+\d.,%()BMTK;p]*\d[\s$\-–−+\d.,%()BMTK;p]*")


@pytest.fixture(scope="module")
def results():
    return {"timeline": calc.load("anthropic-commitments").run(samples=200, seed=1),
            "nvidia": calc.load(ROOT / "scenarios" / "nvidia-1gw.yaml").run(samples=200, seed=1),
            "monthly": calc.load(MONTHLY).run(),
            "sampled": calc.load(SAMPLED).run(samples=200, seed=1),
            "quarterly": calc.load(QUARTERLY).run()}


@pytest.fixture(scope="module")
def files(results, tmp_path_factory):
    out = tmp_path_factory.mktemp("xlsx")
    paths = {}
    for name, res in results.items():
        paths[name] = out / f"{name}.xlsx"
        paths[name].write_bytes(result_xlsx(res))
    return paths


@pytest.fixture(scope="module")
def books(files):
    return {name: openpyxl.load_workbook(path) for name, path in files.items()}


@pytest.fixture(scope="module")
def printed(files, tmp_path_factory):
    """Every workbook printed to PDF by LibreOffice in one call: name -> its pages."""
    names = list(files)
    pdfs = convert([files[n] for n in names], "pdf", tmp_path_factory.mktemp("pdf"))
    return {n: pages(p) for n, p in zip(names, pdfs)}


def row_of(ws, label: str, after: int = 0) -> int:
    """The first row after ``after`` whose column A reads ``label``."""
    return next(r for r in range(after + 1, ws.max_row + 1) if ws.cell(r, 1).value == label)


def rows_of(result, quantity: str, variant: str = "base") -> dict:
    """period (None: whole timeline) -> the table row of ``quantity`` in ``variant``."""
    return {r.get("period"): r for r in result.rows(tables=True)
            if r["quantity"] == quantity and r["variant"] == variant and not r.get("solved")}


# -- numbers are numbers -------------------------------------------------------------------------

def test_timeline_summary_holds_numbers_with_formats_and_quantiles_in_own_cells(results, books):
    ws, res = books["timeline"]["summary"], results["timeline"]
    header = row_of(ws, "quantity", row_of(ws, "findings"))    # the table after the headline
    # year headers are numbers over their value columns, written 2025 (not '2,025' or text)
    years = [ws.cell(header, c).value for c in range(2, 8)]
    assert years == [2025, 2026, 2027, 2028, 2029, 2030]
    assert {ws.cell(header, c).number_format for c in range(2, 8)} == {"0"}
    assert ws.cell(header, 8).alignment.horizontal == "right"            # 'whole timeline'
    base = row_of(ws, "base", header)
    revenue = row_of(ws, "revenue [USD]", base)
    expected = rows_of(res, "revenue")
    for c, year in enumerate(years, start=2):
        cell = ws.cell(revenue, c)
        assert isinstance(cell.value, float)
        assert cell.value == pytest.approx(expected[str(year)]["value"])
        # the p50, p05, p95 rows under it: numbers too, in the same format as their value
        for k, stat in enumerate(("p50", "p05", "p95"), start=1):
            assert ws.cell(revenue + k, c).value == pytest.approx(expected[str(year)][stat])
            assert ws.cell(revenue + k, c).number_format.startswith('"$"')
    assert [ws.cell(revenue + k, 1).value.strip() for k in (1, 2, 3)] == \
        ["median", "5th percentile", "95th percentile"]
    # $36.5B in 2026: one decimal of billions; the stored number keeps every digit
    assert ws.cell(revenue, 3).number_format == '"$"#,##0.0,,,"B"'
    # coverage is a share: the fraction, shown in %, 215% (not 2.15 or 215 as text)
    coverage = row_of(ws, "coverage [%]", base)
    share = ws.cell(coverage, 3)
    assert share.value == pytest.approx(rows_of(res, "coverage")["2026"]["value"] / 100)
    assert share.value == pytest.approx(2.15, abs=0.01) and share.number_format == "#,##0%"
    # break-even: the year as a number shown 2026, in the whole-timeline column
    even = ws.cell(row_of(ws, "break_even [date]", base), 8)
    assert (even.value, even.number_format) == (2026, "0")
    # the solved growth rate: a share of 0.18 % a month, not '0.184 (0–0.774)'
    solved = ws.cell(row_of(ws, "arr_growth_per_month (solved) [%]", base), 8)
    assert solved.value == pytest.approx(0.001837, rel=1e-3) and solved.number_format == "0.000%"


def test_no_text_cell_reads_as_a_number_or_a_range(books):
    for name, wb in books.items():
        for sheet in ("summary", "periods", "results"):
            if sheet not in wb.sheetnames:
                continue
            texts = [(c.coordinate, c.value) for row in wb[sheet].iter_rows() for c in row
                     if isinstance(c.value, str)]
            numberish = [(at, t) for at, t in texts
                         if NUMBERISH.fullmatch(t) and t not in ("p05", "p50", "p95")]
            assert numberish == [], f"{name}/{sheet}: numbers stored as text {numberish[:5]}"


def test_periods_sheet_in_display_formats(results, books):
    ws, res = books["timeline"]["periods"], results["timeline"]
    head = [c.value for c in ws[1]]
    assert head[4:11] == [2025, 2026, 2027, 2028, 2029, 2030, "whole timeline"]
    assert all(ws.cell(1, c).alignment.horizontal == "right" for c in range(5, 12))
    line = {ws.cell(r, 3).value: r for r in range(2, ws.max_row + 1)
            if ws.cell(r, 1).value == "base"}
    spend = ws.cell(line["commitment_spend"], 6)
    assert spend.value == pytest.approx(rows_of(res, "commitment_spend")["2026"]["value"])
    assert spend.number_format == '"$"#,##0.0,,,"B"'
    cover = ws.cell(line["coverage"], 6)
    assert cover.value == pytest.approx(2.15, abs=0.01) and cover.number_format.endswith("%")
    assert ws.cell(line["coverage"], 4).value == "%"
    even = ws.cell(line["break_even"], 11)
    assert (even.value, even.number_format) == (2026, "0")


def test_results_sheet_formats_keep_the_tidy_values(results, books):
    ws = books["timeline"]["results"]
    head = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(head)}
    got = {}
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, col["variant"]).value == "base":
            got[(ws.cell(r, col["quantity"]).value, ws.cell(r, col["period"]).value)] = r
    cover = ws.cell(got["coverage", 2026], col["value"])     # a fraction as JSON and CSV give it
    assert cover.value == pytest.approx(2.15, abs=0.01) and cover.number_format == "#,##0%"
    assert ws.cell(got["coverage", 2026], col["period"]).number_format == "0"
    spend = ws.cell(got["commitment_spend", 2026], col["p95"])
    assert spend.number_format.startswith('"$"') and spend.value > 1e10
    even = ws.cell(got["break_even", None], col["value"])
    assert (even.value, even.number_format) == (2026, "0")


def test_dates_are_years_months_or_quarter_labels(results, books):
    # monthly: cash runs out in 2026-09, a date cell shown yyyy-mm
    ws = books["monthly"]["summary"]
    header = row_of(ws, "quantity", row_of(ws, "findings"))    # the table after the headline
    assert ws.cell(header, 2).value == datetime.datetime(2025, 1, 1)
    assert ws.cell(header, 2).number_format == "yyyy-mm"
    out = ws.cell(row_of(ws, "cash_out [date]", row_of(ws, "findings")), 26)                    # after 24 months
    assert (out.value, out.number_format) == (datetime.datetime(2026, 9, 1), "yyyy-mm")
    # quarterly: no number format shows a quarter, so its label
    ws = books["quarterly"]["summary"]
    assert ws.cell(row_of(ws, "cash_out [date]", row_of(ws, "findings")), 10).value == "2026-Q3"
    # sampled: 'never' where the central case never runs out, the quantiles as dates, and the
    # share of samples that never do in its own cell
    ws, res = books["sampled"]["summary"], results["sampled"]
    row = row_of(ws, "cash_out [date]", row_of(ws, "findings"))
    expected = rows_of(res, "cash_out")[None]
    assert ws.cell(row, 26).value == "never"
    for k, stat in enumerate(("p50", "p05", "p95"), start=1):
        cell = ws.cell(row + k, 26)
        month = round(expected[stat] * 12)
        assert cell.value == datetime.datetime(month // 12, month % 12 + 1, 1)
    never = ws.cell(row_of(ws, "    never (share of samples)", row), 26)
    assert never.value == pytest.approx(expected["never_share"]) and 0 < never.value < 1
    assert never.number_format == "0.0%"


# -- layout ----------------------------------------------------------------------------------------

def test_footnotes_sit_in_one_column_each_linking_its_first_source(books):
    ws = books["nvidia"]["summary"]
    header = row_of(ws, "quantity", row_of(ws, "findings"))    # the table after the headline
    sources_col = next(c for c in range(1, ws.max_column + 1)
                       if ws.cell(header, c).value == "sources")
    assert sources_col == 5                                    # quantity, 3 variants, sources
    marks = [c for row in ws.iter_rows(min_row=header) for c in row
             if isinstance(c.value, str) and re.fullmatch(r"\[[\d,–]+\]", c.value)]
    table = [c for c in marks if c.column != 2]                # column 2: each check's source
    assert len(table) >= 8 and {c.column for c in table} == {sources_col}
    capex = ws.cell(row_of(ws, "capex [USD]", row_of(ws, "findings")), sources_col)
    assert capex.value == "[1–6]" and capex.hyperlink.location == "sources!A2"
    # the widest table row ends in the sources column (not ~20 columns of one footnote each)
    merged = ws.merged_cells.ranges
    assert max(c.column for row in ws.iter_rows(min_row=header) for c in row
               if c.value is not None and not any(c.coordinate in m for m in merged)) == sources_col


def test_title_and_paragraphs_size_no_column(results, books):
    for name in ("timeline", "nvidia"):
        ws = books[name]["summary"]
        title = ws["A1"].value
        assert title.startswith(results[name].scenario)
        merged = next(m for m in ws.merged_cells.ranges if m.coord.startswith("A1:"))
        assert merged.max_col >= 4 and ws["A1"].alignment.wrap_text
        # column A is as wide as its longest table label, not the title or another paragraph
        merged = {m.start_cell.coordinate for m in ws.merged_cells.ranges}
        labels = [c.value for c in ws["A"]
                  if isinstance(c.value, str) and c.coordinate not in merged]
        assert ws.column_dimensions["A"].width == max(len(t) for t in labels) + 2 < len(title)


def test_sheets_print_landscape_one_page_wide_where_that_stays_legible(books):
    for name, wb in books.items():
        for ws in wb.worksheets:
            setup = ws.page_setup
            assert setup.orientation == "landscape", f"{name}/{ws.title}"
            width = sum(ws.column_dimensions[get_column_letter(c)].width or 9
                        for c in range(1, ws.max_column + 1))
            if ws.sheet_properties.pageSetUpPr.fitToPage:
                assert (setup.fitToWidth, setup.fitToHeight) == (1, 0) and width <= 135
            else:           # too wide to shrink legibly: 85 %, column A repeated on each page
                assert (int(setup.scale), ws.print_title_cols, width > 135) == (85, "$A:$A", True)
    assert books["timeline"]["summary"].sheet_properties.pageSetUpPr.fitToPage
    assert books["nvidia"]["summary"].sheet_properties.pageSetUpPr.fitToPage
    assert not books["monthly"]["summary"].sheet_properties.pageSetUpPr.fitToPage   # 24 months


# -- printed by LibreOffice ------------------------------------------------------------------------

def test_page_one_prints_legibly_with_the_formats_applied(printed):
    for name, got in printed.items():
        first = got[0]
        assert first.width > first.height, name                            # landscape
        # the body text's size on page 1: 11 pt scaled to fit the width; at least 8 pt
        body, _ = Counter(r.size for r in first.runs).most_common(1)[0]
        assert body >= 8.0, f"{name}: page 1 printed at {body} pt"
    lines = printed["timeline"][0].lines()
    assert "quantity | 2025 | 2026 | 2027 | 2028 | 2029 | 2030 | timeline | sources" in lines
    revenue = next(t for t in lines if t.startswith("revenue [USD] |"))
    assert revenue.startswith("revenue [USD] | $18.1B | $36.5B | $73.4B | $148B | $297B | $598B")
    assert any(t.startswith("coverage [%] | - | 215% | 350% |") for t in lines)
    assert any(t.startswith("break_even [date] | 2026") for t in lines)
    nvidia = printed["nvidia"][0].lines()
    assert any(t.startswith("capex [USD] | $31.5B | $31.5B | $26.9B") for t in nvidia)
    monthly = [t for p in printed["monthly"] for t in p.lines()]
    assert any(t.startswith("cash_out [date] | 2026-09") for t in monthly)


# -- printing every sheet: one page wide, legible, rows a few lines tall ---------------------------

LONG_SHEETS = ("results", "periods", "inputs", "sources", "checks", "sensitivity")


def test_long_sheets_fit_one_page_wide_their_columns_shared_by_text(books):
    for name, wb in books.items():
        for title in LONG_SHEETS:
            if title not in wb.sheetnames:
                continue
            ws = wb[title]
            width = sum(ws.column_dimensions[get_column_letter(c)].width
                        for c in range(1, ws.max_column + 1))
            if title == "periods" and ws.max_column > 16:      # 24 months: too wide to shrink
                assert width > FIT_WIDTH and ws.page_setup.scale == 85, f"{name}/{title}"
                continue
            assert width <= FIT_WIDTH and ws.sheet_properties.pageSetUpPr.fitToPage, \
                f"{name}/{title}: {width} characters wide"
    ws = books["nvidia"]["inputs"]
    col = {ws.cell(1, c).value: get_column_letter(c) for c in range(1, ws.max_column + 1)}
    # the notes (hundreds of characters each) get the most width, a name column its name
    widths = {h: ws.column_dimensions[c].width for h, c in col.items()}
    assert widths["note"] == max(widths.values()) >= 25
    assert widths["value"] >= 8 and widths["point"] <= 7          # '$83.3k'; an empty column


def test_rows_are_at_most_a_few_lines_tall(books):
    # before: 255 pt rows (17 lines) on the checks sheet, 285 pt on the inputs sheet
    for name, wb in books.items():
        for title, lines in (("results", 2), ("inputs", MAX_LINES), ("checks", MAX_LINES),
                             ("sources", 2 * MAX_LINES)):
            ws = wb[title]
            tallest = max(ws.row_dimensions[r].height or 15 for r in range(2, ws.max_row + 1))
            assert tallest <= LINE_HEIGHT * lines + 1, f"{name}/{title}: a row {tallest} pt"
    ws = books["nvidia"]["checks"]
    note = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "note")
    assert ws.cell(2, note).alignment.wrap_text and len(ws.cell(2, note).value) > 400
    assert ws.row_dimensions[2].height == LINE_HEIGHT * MAX_LINES + 1          # 57 pt


def test_workbooks_print_on_few_pages_every_page_legible(printed):
    # nvidia-1gw printed on 43 pages before (inputs 16, checks 12, two pages across at 85 %)
    assert len(printed["nvidia"]) <= 14
    for name, got in printed.items():
        for k, page in enumerate(got, start=1):
            body, _ = Counter(r.size for r in page.runs).most_common(1)[0]
            assert body >= 8.0, f"{name}: page {k} printed at {body} pt"


def test_text_among_numbers_sits_right(books, printed):
    ws = books["sampled"]["summary"]
    out = row_of(ws, "cash_out [date]")                     # the headline: never, p05 and p95
    assert ws.cell(out, 2).value == "never"
    assert ws.cell(out, 2).alignment.horizontal == "right"
    assert ws.cell(row_of(ws, "quantity"), 2).alignment.horizontal == "right"    # 'base'
    ws = books["quarterly"]["periods"]
    quarter = next(c for row in ws.iter_rows(min_row=2) for c in row if c.value == "2026-Q3")
    assert quarter.alignment.horizontal == "right"
    # printed: 'never' ends where the date under it ends, so it starts further right
    # (left-aligned, it started at the column's left edge and read '2030never')
    runs = printed["sampled"][0].runs
    never = next(r for r in runs if r.text == "never")
    below = max((r for r in runs if re.fullmatch(r"\d{4}-\d\d", r.text) and r.y < never.y),
                key=lambda r: r.y)
    assert never.x > below.x + 1


def test_zero_dollars_print_as_the_terminal_shows_them(printed):
    from calc.format import money
    assert money(0) == "$0.00"
    lines = printed["sampled"][0].lines()
    # the central case never runs out: no shortfall, $0.00 (it printed '$0' before)
    assert "shortfall [USD] | $0.00" in lines and "    5th percentile | $0.00" in lines
    assert [money_format(x) for x in (0, 12.5, 4137, 519e6)] == \
        ['"$"#,##0.00', '"$"#,##0.00', '"$"#,##0.00,"k"', '"$"#,##0,,"M"']


def test_each_sheet_prints_its_cells_not_text_running_past_them(books):
    # a model sheet's explanations ran on past its last column: a page of them alone (hsbc-openai's
    # model sheets printed on 3 pages, now 2)
    for name, wb in books.items():
        for ws in wb.worksheets:
            last = f"${get_column_letter(ws.max_column)}${ws.max_row}"
            assert ws.print_area.endswith(f"!$A$1:{last}"), f"{name}/{ws.title}"
    ws = books["nvidia"]["model"]
    names = [ws.cell(r, 1).value for r in range(7, ws.max_row + 1) if ws.cell(r, 1).value]
    assert ws.column_dimensions["A"].width == min(30, max(map(len, names)) + 2)


# -- the headline, sensitivity and deals sheets write numbers as the table does ------------------

def test_headline_dates_are_the_tables_kind(books):
    # a year as the number 2026 shown '0' (not a date shown 'yyyy'), a month as a date 'yyyy-mm',
    # the same cell as the table's under the headline
    for name, label, col in (("timeline", "break_even [date]", 8),
                             ("monthly", "cash_out [date]", 26)):
        ws = books[name]["summary"]
        top = ws.cell(row_of(ws, label), 2)                               # the headline's
        table = ws.cell(row_of(ws, label, row_of(ws, "findings")), col)   # the table's
        assert (top.value, top.number_format) == (table.value, table.number_format)
    ws = books["timeline"]["summary"]
    assert ws.cell(row_of(ws, "break_even [date]"), 2).value == 2026


@pytest.fixture(scope="module")
def sensitivity_book():
    res = calc.load("openai-commitments").run(samples=0, sensitivity=True)
    return res, openpyxl.load_workbook(io.BytesIO(result_xlsx(res)))["sensitivity"]


def test_sensitivity_sheet_writes_money_dates_and_never_as_the_summary(sensitivity_book):
    res, ws = sensitivity_book
    heads = [c.value for c in ws[1]]
    col = {h: heads.index(h) + 1 for h in heads}
    table = sensitivity_rows(res)                     # the sheet's rows, in order
    assert len(table) == ws.max_row - 1
    money = next(r for r, row in enumerate(table, start=2) if row["unit"] == "USD")
    for c in ("value", "at_input_p05", "at_input_p95", "swing"):
        cell = ws.cell(money, col[c])
        assert cell.value == pytest.approx(table[money - 2][c]) and cell.value != 0
        assert cell.number_format == money_format(cell.value)
        assert cell.number_format.startswith('"$"')
    # break-even: a year 2032 shown '0' (not '2,032'); the timeline's end (2034.0 for 2025-2033)
    # that stands for a date that never comes is the text "never", right-aligned among the years
    cells = [(row[c], ws.cell(r, col[c])) for r, row in enumerate(table, start=2)
             if row["quantity"] == "break_even" for c in ("value", "at_input_p05", "at_input_p95")]
    never = [cell for x, cell in cells if x >= 2034]
    years = [(x, cell) for x, cell in cells if x < 2034]
    assert never and all(c.value == "never" and c.alignment.horizontal == "right" for c in never)
    assert years and all((c.value, c.number_format) == (int(x), "0") for x, c in years)
    assert {c.value for _, c in years} >= {2032}


def test_deals_workbook_shows_money_in_dollars():
    from calc import deal_table
    from calc.output.deals import xlsx_bytes
    from calc.registry import registry

    reg = registry()
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(deal_table.deals(reg=reg), reg,
                                                        deal_table.deal_totals(reg=reg))))
    for sheet_name, cols in (("deals", ("amount", "usd_per_year")),
                             ("totals", ("payments_firm", "investment_received_firm"))):
        ws = book[sheet_name]
        heads = [c.value for c in ws[1]]
        for name in cols:
            cells = [ws.cell(r, heads.index(name) + 1) for r in range(2, ws.max_row + 1)]
            numbers = [c for c in cells if isinstance(c.value, (int, float))]
            assert numbers and all(c.number_format == money_format(c.value) for c in numbers)
    ws = book["deals"]                                        # gigawatts are not dollars
    power = [c.value for c in ws[1]].index("power") + 1
    assert not any(ws.cell(r, power).number_format.startswith('"$"')
                   for r in range(2, ws.max_row + 1))
