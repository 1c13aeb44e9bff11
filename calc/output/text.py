"""The terminal table: aligned columns, units in headers, footnotes to sources, checks marked.

    calc: chips, capex

    quantity         base  sources
    ──────────────────────────────
    chips [chip]  400,000  [1]
    capex [USD]    $30.0B  [1]

    Sources
      [1] 36Kr, "Das US-amerikanische Unicorn ...", 2025-11 — "mindestens 1 GW ..." (at least 1 GW
      ...)

Table lines are padded to one width (the last column too), so they stay aligned when pasted.
Tables and wrapped text fit the terminal (``calc.output.terminal``: ``COLUMNS``, else the
terminal's width, else 120 for a file or a pipe). Label columns empty on every line are not drawn;
when a table is wider than that, its variant and sweep point become a heading line above their
rows instead of columns repeated on each, and its value columns split into panels; a panel of one
column still too wide leaves its sources to a panel of their own, then puts each cell under its
label.
"""

from __future__ import annotations

import textwrap

from calc.citations import shown_title
from calc.output import compact, headline, layout
from calc.output.terminal import FILE_WIDTH, table_width
from calc.format import number
from calc.registry import registry

WIDTH = FILE_WIDTH                  # the width [characters] of a table written to a file
INDENT = "  "                       # a line under a group heading
GAP = "  "
HOLDS, FAILS = "✓ holds", "✗ DOES NOT HOLD"


def grid(headers: list[list[str]], rows: list[list[str]], right: set[int]) -> list[str]:
    """Aligned lines: header lines, a rule, then rows; columns in ``right`` are right-aligned.

    ``headers`` holds one list of header lines per column. Every line has the same width.
    """
    n_head = max(len(h) for h in headers)
    head_rows = [[h[k] if k < len(h) else "" for h in headers] for k in range(n_head)]
    widths = [max(len(r[c]) for r in head_rows + rows) for c in range(len(headers))]

    def draw(cells: list[str]) -> str:
        return GAP.join(c.rjust(w) if i in right else c.ljust(w)
                        for i, (c, w) in enumerate(zip(cells, widths)))

    total = sum(widths) + len(GAP) * (len(widths) - 1)
    return [draw(r) for r in head_rows] + ["─" * total] + [draw(r) for r in rows]


def fitted(headers: list[list[str]], rows: list[list[str]], right: set[int],
           width: int) -> tuple[list[str], int]:
    """(lines, n): the ``grid`` of the first ``n`` columns, the most that fit ``width`` (one at
    least)."""
    for n in range(len(headers), 0, -1):
        lines = grid(headers[:n], [r[:n] for r in rows], {i for i in right if i < n})
        if n == 1 or widest(lines) <= width:
            return lines, n
    return [], 0


def left_out(headers: list[list[str]], cells: list[str], width: int) -> list[str]:
    """The cells of the columns a table left out, as a wrapped line under its row
    ('unit: USD; kind: quoted'); none when none."""
    if not cells:
        return []
    text = "; ".join(f"{' '.join(h)}: {c}" for h, c in zip(headers, cells))
    return wrap(text, "      ", "    ", width)


def notes_text(notes: list[int]) -> str:
    """'[1,2]' for footnotes 1 and 2; '' for none."""
    return f"[{','.join(map(str, notes))}]" if notes else ""


def widest(lines: list[str]) -> int:
    """The longest of ``lines`` [characters]; 0 for none."""
    return max(map(len, lines), default=0)


def block_lines(block: layout.Block, width: int = WIDTH) -> list[str]:
    """One block of the wide table in ``width`` columns, footnote markers in the last column.

    Label columns empty on every line are left out. When the table is wider than ``width``, its
    variant and sweep point columns become a heading line above the lines they lead, and the value
    columns are split into panels, each repeating the labels and headings."""
    block = compact.without_empty_columns(block)
    heads = [" ".join(h) for h in block.key_headers]
    lead = next(i for i, h in enumerate(heads + [""]) if h not in ("variant", "point"))
    lead = lead if heads[-1] == "quantity" else 0       # not a line per sweep point
    every = list(range(len(block.value_headers)))
    if lead and widest(draw(block, every, 0)) <= width:
        lead = 0                                    # it fits with its label columns
    return (wrap(block.caption, "", width=width) if block.caption else []) \
        + panels(block, width, lead)


def panels(block: layout.Block, width: int, lead: int) -> list[str]:
    """``block``'s lines, its first ``lead`` label columns drawn as group headings, its value
    columns split into panels no wider than ``width`` (a panel holds one column at least). When
    a panel of one column is still too wide, the sources leave every panel for one of their own,
    last; then each cell of a panel still too wide goes under its label (``stacked``)."""
    cols = list(range(len(block.value_headers)))
    out = draw(block, cols, lead)
    if widest(out) <= width:
        return out
    cut, notes = len(cols) > 1, True
    runs = groups(block, cols, width, lead, True)
    found = [draw(block, g, lead, cut) for g in runs]
    if max(map(widest, found)) > width and any(ln.notes for ln in block.lines):
        notes = False
        runs = groups(block, cols, width, lead, False)
        found = [draw(block, g, lead, cut, False) for g in runs]
    found = [stacked(block, g[0], lead) if widest(p) > width and len(g) == 1 else p
             for g, p in zip(runs, found)]
    if not notes:
        found.append(draw(block, [], lead, True))
    return [ln for k, p in enumerate(found) for ln in ([""] if k else []) + p]


def stacked(block: layout.Block, col: int, lead: int) -> list[str]:
    """Value column ``col`` of ``block`` with each cell right-aligned on a line of its own under
    its label: for a terminal narrower than a label and a cell side by side."""
    lines = [ln for ln in block.lines if ln.cells[col]] or block.lines
    indent = INDENT if lead else ""
    labels = grid(block.key_headers[lead:],
                  [[indent + ln.keys[lead]] + ln.keys[lead + 1:] for ln in lines], set())
    n_head = len(labels) - len(lines) - 1
    head = block.value_headers[col]
    size = max(widest(labels), widest(head + [ln.cells[col] for ln in lines]))
    out = [h.ljust(size) for h in labels[:n_head]] + [h.rjust(size) for h in head] \
        + ["─" * size]
    group = None
    for ln, label in zip(lines, labels[n_head + 1:]):
        if lead and ln.keys[:lead] != group:
            group = ln.keys[:lead]
            out.append(compact.group_label(block, group).ljust(size))
        out += [label.rstrip().ljust(size), ln.cells[col].rjust(size)]
    return out


def groups(block: layout.Block, cols: list[int], width: int, lead: int,
           notes: bool) -> list[list[int]]:
    """``cols`` in runs that ``draw`` no wider than ``width`` (one column at least)."""
    out, panel = [], []
    for c in cols:
        if panel and widest(draw(block, panel + [c], lead, True, notes)) > width:
            out.append(panel)
            panel = []
        panel.append(c)
    return out + [panel]


def draw(block: layout.Block, cols: list[int], lead: int, panel: bool = False,
         notes: bool = True) -> list[str]:
    """The value columns ``cols`` of ``block`` as aligned lines, and a sources column (with
    ``notes``, when a line cites one); the first ``lead`` label cells as a heading line
    ('base · pue=1.2') above the lines they lead, which are indented."""
    cited = notes and any(line.notes for line in block.lines)
    keys = block.key_headers[lead:]
    headers = keys + [block.value_headers[c] for c in cols] + ([["sources"]] if cited else [])
    # a panel leaves out lines empty in it (funding_need in 2026)
    lines = ([ln for ln in block.lines if not panel or any(ln.cells[c] for c in cols)]
             or block.lines)
    indent = INDENT if lead else ""
    rows = [[indent + ln.keys[lead]] + ln.keys[lead + 1:] + [ln.cells[c] for c in cols]
            + ([notes_text(ln.notes)] if cited else []) for ln in lines]
    n_keys = len(keys)
    out = grid(headers, rows, set(range(n_keys, n_keys + len(cols))))
    if not lead:
        return out
    body, group = out[:len(out) - len(rows)], None
    for ln, row in zip(lines, out[len(out) - len(rows):]):
        if ln.keys[:lead] != group:
            group = ln.keys[:lead]
            body.append(compact.group_label(block, group).ljust(len(row)))
        body.append(row)
    return body


def table_lines(report: layout.Report, width: int = WIDTH) -> list[str]:
    """Every block of the wide table in ``width`` columns, a blank line between blocks."""
    out: list[str] = []
    for block in report.blocks:
        out += ([""] if out else []) + block_lines(block, width)
    return out


def wrap(text: str, indent: str, first: str = "", width: int = WIDTH) -> list[str]:
    """``text`` wrapped to ``width``: the first line after ``first``, the rest after ``indent``."""
    return textwrap.wrap(text, width, initial_indent=first or indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def checks_lines(result, report: layout.Report, width: int = WIDTH) -> list[str]:
    """'Checks' and one line per distinct check result, failing ones marked ✗ DOES NOT HOLD."""
    if not report.checks:
        return []
    out = ["", "Checks"]
    size = max(len(HOLDS), len(FAILS))
    for line in report.checks:
        chk = line.check
        mark = (HOLDS if chk.passed else FAILS).ljust(size)
        ref = f" [{line.ref}]" if line.ref else ""
        text = f"\"{chk.says}\"{ref} ({line.where}): {chk.detail}"
        out += wrap(text, " " * (size + 4), f"  {mark}  ", width)
    return out


def given_lines(report: layout.Report, width: int = WIDTH) -> list[str]:
    """Values set on the command line, and values given without a source, each under a heading."""
    out: list[str] = []
    for heading, items in ((layout.OVERRIDES_HEADING, report.overrides),
                           (layout.UNSOURCED_HEADING, report.unsourced)):
        if items:
            out += ["", heading] + wrap(", ".join(items), "    ", "    ", width)
    return out


def findings_lines(result, width: int = WIDTH) -> list[str]:
    """'Findings' and one line per finding: ✗ where it fails --strict (impossible, unusual), –
    where it does not (undefined, note)."""
    if not result.findings:
        return []
    out = ["", layout.FINDINGS_HEADING]
    for f in result.findings:
        mark = "✗" if f.fails else "–"
        out += wrap(layout.finding_line(f), "      ", f"  {mark}  ", width)
    return out


def sources_lines(result, table: layout.Report, width: int = WIDTH) -> list[str]:
    """'Sources' as numbered footnotes, then the inputs that fell back to defaults."""
    out = []
    if table.source_ids:
        out += ["", "Sources"]
        for k, note in enumerate(layout.source_notes(result, table.source_ids), 1):
            text = note.text() + (f" <{note.url}>" if note.url else "")
            out += wrap(text, "      ", f"  [{k}] ", width)
    if table.defaults:
        out += [""] + wrap("Defaults used (not given by the scenario): "
                           + ", ".join(table.defaults), "    ", width=width)
    return out


def result_text(result, width: int | None = None) -> str:
    """The terminal rendering of a Result in ``width`` columns (default: ``table_width()``):
    title, headline, the wide table, what was set or unsourced, checks, findings, sensitivity,
    sources."""
    width = width or table_width()
    report = layout.build(result)
    wide = table_lines(report, width)
    if widest(wide) > width:
        # periods too wide for the terminal: a period column, if that is narrower
        long = layout.build(result, wide=False)
        if widest(table_lines(long, width)) < widest(wide):
            report = long
    head = wrap(layout.run_line(result), "", width=width)
    if result.samples:
        head += wrap(layout.sampling_line(result), "", width=width)
    notes = [""] + [ln for n in getattr(result, "notes", [])
                    for ln in wrap("Note: " + n, "      ", width=width)] \
        if getattr(result, "notes", None) else []
    lines = head + [""] + headline_lines(result, width=width) + [""] \
        + table_lines(report, width) + notes + given_lines(report, width) \
        + checks_lines(result, report, width) + findings_lines(result, width) \
        + sensitivity_lines(result) + sources_lines(result, report, width)
    return "\n".join(lines) + "\n"


def headline_lines(result, brief: bool = False, width: int = WIDTH) -> list[str]:
    """The headline (``calc.output.headline``) in ``width`` columns: the whole-timeline rows (or
    every output) per variant, then the checks and findings counted."""
    h = headline.headline(result)
    table = block_lines(headline.block(result, h, brief), width) if h.items else \
        [headline.empty_text(h)]
    return table + [headline.counts_text(h)]


def brief_text(result, width: int | None = None) -> str:
    """``calc run --brief``: the title and the headline alone, central values, no sources, in
    ``width`` columns (default: ``table_width()``)."""
    width = width or table_width()
    return "\n".join(wrap(layout.run_line(result), "", width=width) + [""]
                     + headline_lines(result, brief=True, width=width)) + "\n"


def sensitivity_lines(result) -> list[str]:
    """The tornado table (``calc run --sensitivity``): each input at its 5th and 95th percentile."""
    records = layout.sensitivity_records(result)
    if not records:
        return []
    headers = [[h] for h in layout.SENSITIVITY_HEADERS]
    rows = [layout.sensitivity_cells(r, result) for r in records]
    return ["", "Sensitivity: each uncertain input at its 5th and 95th percentile, "
                "the others central"] + \
        ["  " + ln for ln in grid(headers, rows, right={4, 5, 6, 7})]


# -- the registry ------------------------------------------------------------------------------

def figures_text(figures, width: int | None = None) -> str:
    """Registry figures as a table; under each, the quote and its English gloss, wrapped to
    ``width`` (default: ``table_width()``).

    Columns that do not fit ``width`` are left out from the last: the source id then leads the
    quote line, the others make a line of their own under the row ('unit: USD; kind: quoted').
    """
    width = width or table_width()
    reg = registry()
    headers = [["id"], ["value"], ["unit"], ["qualifier"], ["kind"], ["as_of"], ["source"]]
    rows = [[f.id, layout.figure_text(f), f.unit, f.qualifier, f.kind, f.as_of, f.source or "-"]
            for f in figures]
    lines, n = fitted(headers, rows, {1}, width)
    source_column = n == len(headers)
    out = lines[:2]
    for fig, row, line in zip(figures, rows, lines[2:]):
        out.append(line)
        out += left_out(headers[n:-1], row[n:-1], width)
        cite = "" if source_column or not fig.source else f"[{fig.source}] "
        if fig.quote or cite:
            out += wrap(cite + (f"\"{fig.quote}\"" if fig.quote else ""), "      ", "    ",
                        width)
        if fig.gloss and fig.gloss != fig.quote:
            out += wrap(f"= {fig.gloss}", "      ", "    ", width)
        if fig.formula:
            out += wrap(f"= {fig.formula}", "      ", "    ", width)
        src = reg.sources.get(fig.source) if fig.source else None
        # who published it and when
        said = [f"{src.publisher}, {src.date}"] if src is not None else []
        said += [f"confidence {fig.confidence}"] if fig.confidence else []
        if said:
            out += wrap(f"from: {'; '.join(said)}", "      ", "    ", width)
        if fig.note:                  # in full: tables elsewhere show its one-line summary
            out += wrap(f"{'why' if fig.kind == 'assumption' else 'note'}: {fig.note}", "      ",
                        "    ", width)
    out.append(f"{number(len(figures))} figures")
    return "\n".join(out) + "\n"


def sources_text(sources, width: int | None = None) -> str:
    """Registry sources as a table; under each, the columns that do not fit ``width`` (default:
    ``table_width()``), its title and URL, wrapped to it."""
    width = width or table_width()
    headers = [["id"], ["date"], ["language"], ["publisher"]]
    rows = [[s.id, s.date, s.language, s.publisher] for s in sources]
    lines, n = fitted(headers, rows, set(), width)
    out = lines[:2]
    for src, row, line in zip(sources, rows, lines[2:]):
        out.append(line)
        out += left_out(headers[n:], row[n:], width)
        if shown_title(src.title):                      # none where it is "unknown"
            out += wrap(shown_title(src.title), "      ", "    ", width)
        if src.url:
            out.append(f"    <{src.url}>")
    out.append(f"{number(len(sources))} sources")
    return "\n".join(out) + "\n"
