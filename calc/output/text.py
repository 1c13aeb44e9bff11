"""The terminal table: aligned columns, units in headers, footnotes to sources, checks marked.

    calc: chips, capex

    quantity         base  sources
    ──────────────────────────────
    chips [chip]  400,000  [1]
    capex [USD]    $30.0B  [1]

    Sources
      [1] 36Kr, "Das US-amerikanische Unicorn ...", 2025-11 — "mindestens 1 GW ..." (at least 1 GW ...)

Table lines are padded to one width (the last column too), so they stay aligned when pasted.
"""

from __future__ import annotations

import textwrap

from calc.output import layout
from calc.output.format import number

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
        return GAP.join(c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    total = sum(widths) + len(GAP) * (len(widths) - 1)
    return [draw(r) for r in head_rows] + ["─" * total] + [draw(r) for r in rows]


def notes_text(notes: list[int]) -> str:
    """'[1,2]' for footnotes 1 and 2; '' for none."""
    return f"[{','.join(map(str, notes))}]" if notes else ""


def table_lines(table: layout.Table) -> list[str]:
    """The table of a laid-out result, footnote markers in the last column."""
    keys = [[h] for h in table.key_headers]
    cited = any(line.notes for line in table.lines)
    headers = keys + table.value_headers + ([["sources"]] if cited else [])
    rows = [line.keys + line.cells + ([notes_text(line.notes)] if cited else []) for line in table.lines]
    n_keys = len(keys)
    right = set(range(n_keys, n_keys + len(table.value_headers)))
    if not table.wide:
        right = {n_keys}               # the value column; the unit column reads better left-aligned
    return grid(headers, rows, right)


def wrap(text: str, indent: str, first: str = "") -> list[str]:
    """``text`` wrapped to ``WIDTH``: the first line after ``first``, the rest after ``indent``."""
    return textwrap.wrap(text, WIDTH, initial_indent=first or indent, subsequent_indent=indent,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def checks_lines(result, table: layout.Table) -> list[str]:
    """'Checks' and one line per check result, failing ones marked ✗ DOES NOT HOLD."""
    if not result.checks:
        return []
    out = ["", "Checks"]
    width = max(len(HOLDS), len(FAILS))
    for chk in result.checks:
        mark = (HOLDS if chk.passed else FAILS).ljust(width)
        ref = f" [{table.source_ids.index(chk.source) + 1}]" if chk.source in table.source_ids else ""
        text = f"\"{chk.says}\"{ref} ({layout.check_where(chk)}): {chk.detail}"
        out += wrap(text, " " * (width + 4), f"  {mark}  ")
    return out


def findings_lines(result) -> list[str]:
    """'Findings' and one line per impossible (✗) or undefined (–) computed figure."""
    if not result.findings:
        return []
    out = ["", layout.FINDINGS_HEADING]
    for f in result.findings:
        mark = "✗" if f.kind == "impossible" else "–"
        out += wrap(f"{f.detail} ({layout.finding_where(f)})", "      ", f"  {mark}  ")
    return out


def sources_lines(result, table: layout.Table) -> list[str]:
    """'Sources' as numbered footnotes, then the inputs that fell back to defaults."""
    out = []
    if table.source_ids:
        out += ["", "Sources"]
        for k, note in enumerate(layout.source_notes(result, table.source_ids), 1):
            text = note.text() + (f" <{note.url}>" if note.url else "")
            out += wrap(text, "      ", f"  [{k}] ")
    if table.defaults:
        out += [""] + wrap("Defaults used (not given by the scenario): " + ", ".join(table.defaults), "    ")
    return out


def result_text(result) -> str:
    """The terminal rendering of a Result: title, table, checks, sources.

    Wide (a column per case) when there are few cases and it fits in ``WIDTH`` columns, else long.
    """
    rows = result.rows(tables=True)
    table = layout.build(result, rows)
    if table.wide and len(table_lines(table)[0]) > WIDTH:
        table = layout.build(result, rows, wide=False)
    head = [layout.run_line(result)]
    if result.samples:
        head.append(layout.sampling_line(result))
    notes = [""] + [ln for n in getattr(result, "notes", []) for ln in wrap("Note: " + n, "      ")] \
        if getattr(result, "notes", None) else []
    lines = head + [""] + table_lines(table) + notes + checks_lines(result, table) + findings_lines(result) + \
        sensitivity_lines(result) + \
        sources_lines(result, table)
    return "\n".join(lines) + "\n"


def sensitivity_lines(result) -> list[str]:
    """The tornado table (``calc run --sensitivity``): each input at its 5th and 95th percentile."""
    records = layout.sensitivity_records(result)
    if not records:
        return []
    headers = [[h] for h in layout.SENSITIVITY_HEADERS]
    rows = [layout.sensitivity_cells(r) for r in records]
    return ["", "Sensitivity: each uncertain input at its 5th and 95th percentile, the others central"] + \
        ["  " + ln for ln in grid(headers, rows, right={4, 5, 6, 7})]


# -- the registry ------------------------------------------------------------------------------

def figures_text(figures) -> str:
    """Registry figures as a table; under each, the quote and its English gloss, wrapped to fit.

    The source id is a column when the table fits in ``WIDTH`` columns, else it leads the quote line.
    """
    from calc.registry import registry

    reg = registry()
    headers = [["id"], ["value"], ["unit"], ["qualifier"], ["kind"], ["as_of"], ["source"]]
    rows = [[f.id, layout.figure_value(f), f.unit, f.qualifier, f.kind, f.as_of, f.source or "-"] for f in figures]
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
        said = [f"{src.publisher}, {src.date}"] if src is not None else []      # who published it and when
        said += [f"confidence {fig.confidence}"] if fig.confidence else []
        if said:
            out += wrap(f"from: {'; '.join(said)}", "      ", "    ")
        if fig.note:                  # in full: tables elsewhere show its one-line summary
            out += wrap(f"{'why' if fig.kind == 'assumption' else 'note'}: {fig.note}", "      ", "    ")
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
