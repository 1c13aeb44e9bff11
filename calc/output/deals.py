"""``calc deals`` in every format: the ledger (or its per-buyer totals) as text, Markdown, CSV,
JSON, HTML or an .xlsx workbook. Every format shows the same rows; the text formats round for
reading (money as $38.0B), CSV, JSON and xlsx keep full numbers in the units of ``calc.deal_table``.
Sources are listed under the table (footnotes) in text, Markdown and HTML.
"""

from __future__ import annotations

import html
import io
import textwrap

import pandas as pd

from calc.citations import described
from calc.deal_table import records
from calc.format import money, number, wrap_cell
from calc.optional import need
from calc.output.deal_columns import DEALS, KEEP, TOTALS, WRAP
from calc.output.html import CSS, PAGE_CSS
from calc.output.json import dumps
from calc.output.layout import span
from calc.output.xlsx import plain_cell, sheet
from calc.output.xlsx_summary import money_format

# (column, header, how to show it) for the reading formats
_DEAL_VIEW = (("id", "deal", str), ("buyer", "buyer", str), ("provider", "provider", str),
              ("payer", "payer", str), ("payee", "payee", str),
              ("announced", "announced", str), ("kind", "kind", str), ("amount", "amount", money),
              ("qualifier", "qualifier", str), ("power", "GW", number), ("chips", "chips", number),
              ("accelerator", "accelerator", str), ("term", "term yr", number),
              ("status", "status", str),
              ("link", "counted?", str), ("usd_per_year", "per year", money),
              ("usd_per_gw", "per GW", money),
              ("implied_chips", "implied chips", number), ("implied_power", "implied GW", number),
              ("implied_power_basis", "basis", str), ("source", "source", str))
_TOTAL_VIEW = (("buyer", "buyer", str), ("deals", "deals counted", number),
               ("reports", "reports", number), ("payments_firm", "payments firm", money),
               ("payments_up_to", "payments up to", money),
               ("payments_vague_low", "vague low", money),
               ("payments_vague_high", "vague high", money),
               ("power_firm", "GW firm", number), ("power_up_to", "GW up to", number),
               ("builders_capex", "builders' capex", money),
               ("builders_capex_up_to", "builders' capex up to", money),
               ("investment_received_firm", "investment received", money),
               ("investment_received_up_to", "investment up to", money),
               ("guarantees", "guarantees", money))


def _link(row) -> str:
    """Whether a row counts at the as-of date, and why not."""
    same, cover = row.get("same_deal_as"), row.get("covered_by")
    if row.get("counted"):
        if isinstance(cover, str):
            return f"yes; covered by {cover} column by column"
        return f"yes, standing for {same}" if isinstance(same, str) else "yes"
    if isinstance(row.get("superseded_by"), str):
        return f"no: superseded by {row['superseded_by']}"
    if row.get("status") in ("talks", "stalled", "cancelled"):
        ended = row.get("ended")
        return f"no: {row['status']}" + ("" if _missing(ended) or not ended else f" {ended}")
    if isinstance(same, str):
        return f"no: same deal as {same}"
    if isinstance(cover, str):
        return f"no: covered by {cover}"
    if row.get("kind") == "capex":
        return "no: own capex"
    if row.get("payer") == row.get("buyer") and _missing(row.get("payee")):
        return "no: the buyer's own build"         # Amazon's 11 B Rainier campus: not a deal
    if _missing(row.get("amount")) and _missing(row.get("amount_low")) and _missing(
            row.get("power")):
        return "no: chips only, no amount or GW"   # a chip count adds to no total
    return "no"


# a qualifier as a mark before the number, so that no bound or estimate reads as firm when the
# qualifier column is left out to fit the terminal: '≤$500B' is "up to 500 billion"
MARKS = {"up_to": "≤", "less_than": "<", "at_least": "≥", "more_than": ">", "approx": "~"}
_FLIP = {"≤": "≥", "<": ">", "≥": "≤", ">": "<"}


def ratio_mark(num: str, den: str) -> str:
    """The mark of a ratio from those of its parts: '≤' over an exact or at-least divisor stays an
    upper bound ('≤' / '≥' is '≤'); '~' where either is about or the two pull apart."""
    flipped = _FLIP.get(den, "~") if den else ""
    if not (num and flipped):
        return num or flipped
    if "~" in (num, flipped) or (num in "≤<") != (flipped in "≤<"):
        return "~"
    strict = num in "<>" or flipped in "<>"
    return ("<" if strict else "≤") if num in "≤<" else (">" if strict else "≥")


# the amount and the columns drawn from it: a range shows their two ends (<column>_low, _high)
_BY_AMOUNT = ("amount", "usd_per_year", "usd_per_gw", "implied_power")


def _marked(rec: dict, col: str, fmt) -> str | None:
    """A number of the deals table with its qualifier's mark ('≤$500B', '~$300B', '≤1,000,000'
    chips), a range as its two ends ('$20.0B–$100B', '100,000–1,000,000'); None for a column
    that carries no amount, power or chips."""
    amount, power = MARKS.get(rec.get("qualifier"), ""), MARKS.get(rec.get("power_qualifier"), "")
    mark = {"amount": amount, "usd_per_year": amount, "implied_power": amount, "power": power,
            "implied_chips": power, "usd_per_gw": ratio_mark(amount, power),
            "chips": MARKS.get(rec.get("chips_qualifier"), "")}.get(col)
    if mark is None:
        return None
    v = rec.get(col)
    ranged = (rec.get("qualifier") == "range" if col in _BY_AMOUNT
              else col == "chips" and rec.get("chips_qualifier") == "range")
    if ranged:
        low, high = rec.get(f"{col}_low"), rec.get(f"{col}_high")
        if _missing(low) or _missing(high):
            return "-"
        both = span(fmt(low), fmt(high))
        return f"{mark}({both})" if mark else both
    return "-" if _missing(v) else mark + fmt(v)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and v != v)


def _cells(frame: pd.DataFrame, totals: bool) -> tuple[list[str], list[list[str]]]:
    view = _TOTAL_VIEW if totals else _DEAL_VIEW
    rows = []
    for rec in frame.to_dict(orient="records"):
        rec["link"] = _link(rec)
        out = []
        for col, _, fmt in view:
            v = rec.get(col)
            shown = None if totals else _marked(rec, col, fmt)
            if shown is not None:
                out.append(shown)
            elif _missing(v) or (totals and v == 0):
                out.append("-")
            else:
                out.append(fmt(v) if fmt is not str else str(v))
        rows.append(out)
    return [h for _, h, _ in view], rows


def _source_lines(frame: pd.DataFrame, reg) -> list[str]:
    if "source" not in frame:
        return []
    lines = []
    for sid in dict.fromkeys(frame["source"]):
        s = reg.source(sid)
        url = f" {s.url}" if s.url else ""
        said = described(s.publisher, s.title, s.date)
        lines.append(f"[{sid}] {said}.{url}")
    return lines


def _footer(frame: pd.DataFrame, totals: bool, rates: dict) -> list[str]:
    """The notes under a table: the day the ledger is read at (the frame's ``as_of``), then what
    the columns mean."""
    day = frame["as_of"].iloc[0] if "as_of" in frame and len(frame) else None
    return ([f"The deals ledger as of {day}."] if day else []) + _notes(totals, rates)


def _notes(totals: bool, rates: dict) -> list[str]:
    if totals:
        return ["Each deal counted once, in columns that never add unlike things: payments the "
                "buyer signed (firm, up to, vague low-high), power of purchases, builders' capex "
                "(others build for the buyer), investment received, guarantees. No total across "
                "buyers: one company's purchase is another's sale. Every total is a registry "
                "figure (deals_<buyer>_<column>, e.g. deals_openai_payments_firm) that scenarios "
                "can name."]
    parts = [f"{name} = {fid}" for name, (fid, _) in rates.items()]
    return ["Marks: ≤ up to, < less than, ≥ at least, > more than, ~ about (or a ratio of two "
            "bounds that pull apart). A vague amount (qualifier range) shows as its two ends, and "
            "so do its per year, per GW and implied GW, and a vague chip count: no midpoint is "
            "shown or totalled.",
            "implied chips: power / (catalogue IT power per chip x default PUE); implied GW: "
            "amount / capex per GW (hardware, capacity) or per-year amount / rental price per "
            f"GW-year (cloud contracts). Rates: {'; '.join(parts)}."]


MIN_WRAP = 12               # the narrowest a wrapping column is drawn [characters]


def fit(heads: list[str], rows: list[list[str]], width: int | None,
        order: tuple[str, ...]) -> tuple[list[int], list[int]]:
    """The columns shown (indices, in table order) and their widths, so that a line of the table
    fits ``width``: long text wraps (``deal_columns.WRAP``), then the columns last in ``order``
    are left out (never the first ``deal_columns.KEEP``); the first left out that wraps shows
    instead in the room left, when that is ``MIN_WRAP`` characters or more."""
    natural = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(heads)]
    every = list(range(len(heads)))
    if width is None or sum(natural) + 2 * (len(heads) - 1) <= width:
        return every, natural
    capped = [min(w, max(WRAP.get(h, w), len(h))) for h, w in zip(heads, natural)]
    ranked = sorted(every, key=lambda i: order.index(heads[i]) if heads[i] in order else 99)
    shown, used = [], -2
    for k, i in enumerate(ranked):
        if k >= KEEP and used + 2 + capped[i] > width:
            room = width - used - 2         # a wrapping column narrows to the room left
            if heads[i] in WRAP and room >= max(len(heads[i]), MIN_WRAP):
                shown.append(i)
                capped[i], used = room, width
            break
        shown.append(i)
        used += 2 + capped[i]
    widths = list(capped)
    for i in shown:                     # room left: wrapped columns take it back, in rank order
        more = min(natural[i] - widths[i], max(0, width - used))
        widths[i] += more
        used += more
    return sorted(shown), widths


def text(frame: pd.DataFrame, reg, rates: dict, totals: bool = False,
         width: int | None = None) -> str:
    """The ledger (or the totals) as aligned text, fitted to ``width`` characters when given (see
    ``fit``); a line under the table names the columns left out."""
    heads, rows = _cells(frame, totals)
    cols, widths = fit(heads, rows, width, TOTALS if totals else DEALS)

    def lines(cells: list[str]) -> list[str]:
        parts = [wrap_cell(cells[i], widths[i]) for i in cols]
        return ["  ".join((p[k] if k < len(p) else "").ljust(widths[i])
                          for p, i in zip(parts, cols)).rstrip()
                for k in range(max(len(p) for p in parts))]

    out = [*lines(heads), "  ".join("-" * widths[i] for i in cols)]
    for r in rows:
        out += lines(r)
    left = [h for i, h in enumerate(heads) if i not in cols]
    prose = _footer(frame, totals, rates)
    if left:
        full = sum(max([len(h)] + [len(r[i]) for r in rows]) + 2 for i, h in enumerate(heads))
        prose = [f"Left out to fit {width} columns: {', '.join(left)} (COLUMNS={full - 2} or "
                 "--format csv shows every column)."] + prose
    out.append("")
    for para in prose:
        out += textwrap.wrap(para, width) if width else [para]
    if not totals:
        out += ["", "Sources:"]
        for line in _source_lines(frame, reg):
            out += textwrap.wrap(line, width, subsequent_indent="    ", break_long_words=False,
                                 break_on_hyphens=False) if width else [line]
    return "\n".join(out) + "\n"


def markdown(frame: pd.DataFrame, reg, rates: dict, totals: bool = False) -> str:
    heads, rows = _cells(frame, totals)
    esc = lambda t: t.replace("|", "\\|")  # noqa: E731
    out = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    out += ["", *_footer(frame, totals, rates)]
    if not totals:
        out += ["", "Sources:", "", *(f"- {esc(s)}" for s in _source_lines(frame, reg))]
    return "\n".join(out) + "\n"


def csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False)


def json_text(frame: pd.DataFrame) -> str:
    return dumps(records(frame))


# text columns of the HTML table that wrap, and their width [characters]; the others stay on one
# line (the page scrolls sideways: amounts and kinds need not wrap as in a terminal)
HTML_WRAP = {**{h: w for h, w in WRAP.items() if h not in ("amount", "kind")}, "deal": 20,
             "source": 22, "accelerator": 16}
DEALS_CSS = """
.calc-result table.calc-deals th, .calc-result table.calc-deals td { white-space: nowrap; }
.calc-result table.calc-deals div { white-space: normal; }
"""


def html_text(frame: pd.DataFrame, reg, rates: dict, totals: bool = False) -> str:
    """A self-contained page styled like the run reports (``calc.output.html``): the table in a
    box that scrolls sideways on its own (the deal column stays in view), numbers right-aligned,
    the notes and sources below."""
    heads, rows = _cells(frame, totals)
    nums = {h for _, h, fmt in (_TOTAL_VIEW if totals else _DEAL_VIEW) if fmt is not str}
    e = html.escape
    num = lambda h: ' class="num"' if h in nums else ""  # noqa: E731
    head = "".join(f"<th{num(h)}>{e(h)}</th>" for h in heads)

    def cell(h: str, c: str) -> str:      # long text wraps at HTML_WRAP[h] characters
        if h not in HTML_WRAP:
            return e(c)
        shown = "_<wbr>".join(e(c).split("_")) if h == "deal" else e(c)   # an id breaks after _
        return f'<div style="width: {HTML_WRAP[h]}ch">{shown}</div>'

    def row(cells: list[str]) -> str:
        return (f'<tr><th scope="row">{cell(heads[0], cells[0])}</th>'
                + "".join(f"<td{num(h)}>{cell(h, c)}</td>" for h, c in zip(heads[1:], cells[1:]))
                + "</tr>\n")

    notes = "".join(f'<p class="calc-meta">{e(t)}</p>' for t in _footer(frame, totals, rates))
    srcs = "" if totals else '<h2>Sources</h2><ol class="calc-sources">' + "".join(
        f"<li>{e(s)}</li>" for s in _source_lines(frame, reg)) + "</ol>"
    title = "Deals ledger: totals per buyer" if totals else "Deals ledger"
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{PAGE_CSS}{CSS}{DEALS_CSS}</style>\n</head>\n<body>\n"
            f'<main class="calc-result">\n<h1>{title}</h1>\n'
            '<div class="calc-scroll"><table class="calc-deals">'
            f"<thead><tr>{head}</tr></thead><tbody>\n"
            + "".join(row(r) for r in rows)
            + f"</tbody></table></div>\n{notes}\n{srcs}\n</main>\n</body>\n</html>\n")


# the columns in dollars [USD, USD/yr, USD/GW]: shown as money ($38.0B) in the workbook
_MONEY = ({c for c, _, show in _DEAL_VIEW + _TOTAL_VIEW if show is money}
          | {"amount_low", "amount_high"}
          | {f"{c}_{end}" for c in ("usd_per_year", "usd_per_gw") for end in ("low", "high")})


def _xlsx_cell(row: dict, col: str):
    """A deals workbook cell: a full number, money in the summary's dollar format ($38.0B)."""
    value, fmt = plain_cell(row, col)
    if col in _MONEY and isinstance(value, float):
        return value, money_format(value)
    return value, fmt


def xlsx_bytes(frame: pd.DataFrame, reg, totals_frame: pd.DataFrame,
               active: bool = False) -> bytes:
    """A workbook: 'deals' (every column, full numbers), 'totals' and 'sources', opening on
    'totals' when ``active`` (``calc deals --totals``), else on 'deals'. Text is never a
    formula."""
    wb = need("openpyxl", "xlsx").Workbook()
    wb.remove(wb.active)
    sources = [reg.source(s).to_json() for s in dict.fromkeys(frame["source"])]
    for name, df in (("deals", frame), ("totals", totals_frame),
                     ("sources", pd.DataFrame(sources))):
        sheet(wb, name, list(df.columns), df.to_dict("records"), _xlsx_cell)
    opens = "totals" if active else "deals"
    wb.active = wb.sheetnames.index(opens)
    for ws in wb.worksheets:                    # one tab selected, else Excel groups two
        ws.sheet_view.tabSelected = ws.title == opens
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
