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
"""

from __future__ import annotations

import textwrap

from calc.output import headline, layout
from calc.format import number
from calc.registry import registry

WIDTH = 120
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


def notes_text(notes: list[int]) -> str:
    """'[1,2]' for footnotes 1 and 2; '' for none."""
    return f"[{','.join(map(str, notes))}]" if notes else ""


def block_lines(block: layout.Block) -> list[str]:
    """One block of the wide table, footnote markers in the last column; past ``WIDTH`` columns the
    value columns are split into panels, each repeating the labels."""
    keys = block.key_headers
    cited = any(line.notes for line in block.lines)
    n_keys = len(keys)

    def draw(cols: list[int], panel: bool = False) -> list[str]:
        headers = keys + [block.value_headers[c] for c in cols] + ([["sources"]] if cited else [])
        # a panel leaves out lines empty in it (funding_need in 2026)
        lines = ([ln for ln in block.lines if not panel or any(ln.cells[c] for c in cols)]
                 or block.lines)
        rows = [ln.keys + [ln.cells[c] for c in cols] + ([notes_text(ln.notes)] if cited else [])
                for ln in lines]
        return grid(headers, rows, set(range(n_keys, n_keys + len(cols))))

    cols = list(range(len(block.value_headers)))
    out = draw(cols)
    if len(out[0]) > WIDTH and len(cols) > 1:          # split into panels that fit
        out, panel = [], []
        for c in cols:
            if panel and len(draw(panel + [c])[0]) > WIDTH:
                out += draw(panel, True) + [""]
                panel = []
            panel.append(c)
        out += draw(panel, True)
    return ([block.caption] if block.caption else []) + out


def table_lines(report: layout.Report) -> list[str]:
    """Every block of the wide table, a blank line between blocks."""
    out: list[str] = []
    for block in report.blocks:
        out += ([""] if out else []) + block_lines(block)
    return out


def wrap(text: str, indent: str, first: str = "") -> list[str]:
    """``text`` wrapped to ``WIDTH``: the first line after ``first``, the rest after ``indent``."""
    return textwrap.wrap(text, WIDTH, initial_indent=first or indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def checks_lines(result, report: layout.Report) -> list[str]:
    """'Checks' and one line per distinct check result, failing ones marked ✗ DOES NOT HOLD."""
    if not report.checks:
        return []
    out = ["", "Checks"]
    width = max(len(HOLDS), len(FAILS))
    for line in report.checks:
        chk = line.check
        mark = (HOLDS if chk.passed else FAILS).ljust(width)
        ref = f" [{line.ref}]" if line.ref else ""
        text = f"\"{chk.says}\"{ref} ({line.where}): {chk.detail}"
        out += wrap(text, " " * (width + 4), f"  {mark}  ")
    return out


def given_lines(report: layout.Report) -> list[str]:
    """Values set on the command line, and values given without a source, each under a heading."""
    out: list[str] = []
    for heading, items in ((layout.OVERRIDES_HEADING, report.overrides),
                           (layout.UNSOURCED_HEADING, report.unsourced)):
        if items:
            out += ["", heading] + wrap(", ".join(items), "    ", "    ")
    return out


def findings_lines(result) -> list[str]:
    """'Findings' and one line per finding: ✗ where it fails --strict (impossible, unusual), –
    where it does not (undefined, note)."""
    if not result.findings:
        return []
    out = ["", layout.FINDINGS_HEADING]
    for f in result.findings:
        mark = "✗" if f.fails else "–"
        out += wrap(layout.finding_line(f), "      ", f"  {mark}  ")
    return out


def sources_lines(result, table: layout.Report) -> list[str]:
    """'Sources' as numbered footnotes, then the inputs that fell back to defaults."""
    out = []
    if table.source_ids:
        out += ["", "Sources"]
        for k, note in enumerate(layout.source_notes(result, table.source_ids), 1):
            text = note.text() + (f" <{note.url}>" if note.url else "")
            out += wrap(text, "      ", f"  [{k}] ")
    if table.defaults:
        out += [""] + wrap("Defaults used (not given by the scenario): "
                           + ", ".join(table.defaults), "    ")
    return out


def result_text(result) -> str:
    """The terminal rendering of a Result: title, the wide table, what was set or unsourced, checks,
    findings, sensitivity, sources."""
    report = layout.build(result)
    if len(table_lines(report)[0]) > WIDTH:
        # periods too wide for a terminal: a period column
        report = layout.build(result, wide=False)
    head = [layout.run_line(result)]
    if result.samples:
        head += wrap(layout.sampling_line(result), "")
    notes = [""] + [ln for n in getattr(result, "notes", [])
                    for ln in wrap("Note: " + n, "      ")] \
        if getattr(result, "notes", None) else []
    lines = head + [""] + headline_lines(result) + [""] + table_lines(report) + notes + \
        given_lines(report) + checks_lines(result, report) + findings_lines(result) + \
        sensitivity_lines(result) + sources_lines(result, report)
    return "\n".join(lines) + "\n"


def headline_lines(result, brief: bool = False) -> list[str]:
    """The headline (``calc.output.headline``): the whole-timeline rows (or every output) per
    variant, then the checks and findings counted."""
    h = headline.headline(result)
    table = block_lines(headline.block(result, h, brief)) if h.items else \
        [headline.empty_text(h)]
    return table + [headline.counts_text(h)]


def brief_text(result) -> str:
    """``calc run --brief``: the title and the headline alone, central values, no sources."""
    return "\n".join([layout.run_line(result), ""] + headline_lines(result, brief=True)) + "\n"


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

def figures_text(figures) -> str:
    """Registry figures as a table; under each, the quote and its English gloss, wrapped to fit.

    The source id is a column when the table fits in ``WIDTH`` columns, else it leads the quote
    line.
    """
    reg = registry()
    headers = [["id"], ["value"], ["unit"], ["qualifier"], ["kind"], ["as_of"], ["source"]]
    rows = [[f.id, layout.figure_text(f), f.unit, f.qualifier, f.kind, f.as_of, f.source or "-"]
            for f in figures]
    lines = grid(headers, rows, right={1})
    source_column = not lines or len(lines[0]) <= WIDTH
    if not source_column:
        lines = grid(headers[:-1], [r[:-1] for r in rows], right={1})
    out = lines[:2]
    for fig, line in zip(figures, lines[2:]):
        out.append(line)
        cite = "" if source_column or not fig.source else f"[{fig.source}] "
        if fig.quote or cite:
            out += wrap(cite + (f"\"{fig.quote}\"" if fig.quote else ""), "      ", "    ")
        if fig.gloss and fig.gloss != fig.quote:
            out += wrap(f"= {fig.gloss}", "      ", "    ")
        if fig.formula:
            out += wrap(f"= {fig.formula}", "      ", "    ")
        src = reg.sources.get(fig.source) if fig.source else None
        # who published it and when
        said = [f"{src.publisher}, {src.date}"] if src is not None else []
        said += [f"confidence {fig.confidence}"] if fig.confidence else []
        if said:
            out += wrap(f"from: {'; '.join(said)}", "      ", "    ")
        if fig.note:                  # in full: tables elsewhere show its one-line summary
            out += wrap(f"{'why' if fig.kind == 'assumption' else 'note'}: {fig.note}", "      ",
                        "    ")
    out.append(f"{number(len(figures))} figures")
    return "\n".join(out) + "\n"


def sources_text(sources) -> str:
    """Registry sources as a table; under each, its title and URL, wrapped to fit."""
    headers = [["id"], ["date"], ["language"], ["publisher"]]
    rows = [[s.id, s.date, s.language, s.publisher] for s in sources]
    lines = grid(headers, rows, right=set())
    out = lines[:2]
    for src, line in zip(sources, lines[2:]):
        out.append(line)
        out += wrap(f"\"{src.title}\"", "      ", "    ")
        if src.url:
            out.append(f"    <{src.url}>")
    out.append(f"{number(len(sources))} sources")
    return "\n".join(out) + "\n"
