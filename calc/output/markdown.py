"""GitHub-flavoured Markdown that pastes into an article as is: table, checks, footnoted sources.

    | quantity | base | sources |
    |:---|---:|:---|
    | chips [chip] | 400,000 | [^1] |

    [^1]: 36Kr, "…", 2025-11 — "mindestens 1 GW …" (at least 1 GW …)
"""

from __future__ import annotations

from calc.output import compact, headline, layout


def line(text: str) -> str:
    """Running text on one line (a list item, a footnote): ``$`` and ``<`` escaped.

    ``$`` would start inline maths on GitHub (``$27.8B–$32.7B``), ``<`` raw HTML.
    """
    text = " ".join(str(text).split()).replace("\\", "\\\\")
    return text.replace("$", "\\$").replace("<", "\\<")


def cell(text: str) -> str:
    """Table-cell text: as ``line``, and ``|`` escaped."""
    return line(text).replace("|", "\\|")


def refs(notes: list[int]) -> str:
    return " ".join(f"[^{k}]" for k in notes)


def block_lines(block: layout.Block) -> list[str]:
    """One block of the wide table as a GitHub table; its caption, if any, in italics above it.
    Columns empty on every line are not drawn (``point`` without a sweep)."""
    block = compact.without_empty_columns(block)
    headers = ["<br>".join(cell(h) for h in hs) for hs in block.key_headers + block.value_headers]
    align = [":---"] * len(block.key_headers) + ["---:"] * len(block.value_headers)
    cited = any(ln.notes for ln in block.lines)
    if cited:
        headers.append("sources")
        align.append(":---")
    out = ([f"*{line(block.caption)}*", ""] if block.caption else []) + \
        ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    for ln in block.lines:
        cells = [cell(c) for c in ln.keys + ln.cells] + ([refs(ln.notes)] if cited else [])
        out.append("| " + " | ".join(cells) + " |")
    return out


def table_lines(report: layout.Report) -> list[str]:
    out: list[str] = []
    for block in report.blocks:
        out += ([""] if out else []) + block_lines(block)
    return out


def headline_lines(result, brief: bool = False) -> list[str]:
    """The headline (``calc.output.headline``) as a table under its caption, then the counts."""
    h = headline.headline(result)
    table = block_lines(headline.block(result, h, brief)) if h.items else \
        [f"*{line(headline.empty_text(h))}*"]
    return table + ["", f"**{line(headline.counts_text(h))}**"]


def brief_markdown(result) -> str:
    """``calc run --brief --format markdown``: the title and the headline alone."""
    return "\n".join([f"### {line(layout.run_line(result))}", ""]
                     + headline_lines(result, brief=True)) + "\n"


def result_markdown(result) -> str:
    """A Result as Markdown: heading, table with units in headers, checks, footnotes at the end."""
    table = layout.build(result)
    out = [f"### {line(layout.run_line(result))}", ""]
    if result.samples:
        out += [f"*{line(layout.sampling_line(result))}.*", ""]
    out += headline_lines(result) + [""] + table_lines(table)
    out += ([""] + [f"*Note: {line(n)}*" for n in getattr(result, "notes", [])]
            if getattr(result, "notes", None) else [])
    if table.defaults:
        out += ["", "*Defaults used (not given by the scenario): " + line(", ".join(table.defaults))
                + ".*"]
    for heading, items in ((layout.OVERRIDES_HEADING, table.overrides),
                           (layout.UNSOURCED_HEADING, table.unsourced)):
        if items:
            out += ["", f"**{line(heading)}:** " + line(", ".join(items))]
    if table.checks:
        out += ["", "**Checks**", ""]
        for entry in table.checks:
            chk = entry.check
            mark = "✓ holds" if chk.passed else "✗ **does not hold**"
            ref = f" [^{entry.ref}]" if entry.ref else ""
            out.append(f"- {mark}: \"{line(chk.says)}\"{ref} "
                       f"({line(entry.where)}): {line(chk.detail)}")
    if result.findings:
        out += ["", f"**{layout.FINDINGS_HEADING}**", ""]
        for f in result.findings:
            mark = f"✗ **{f.kind}**" if f.fails else layout.finding_mark(f)
            out.append(f"- {mark}: {line(layout.finding_line(f, labelled=False))}")
    records = layout.sensitivity_records(result)
    if records:
        out += ["", "**Sensitivity** (each uncertain input at its 5th and 95th percentile, "
                    "the others central)", "",
                "| " + " | ".join(layout.SENSITIVITY_HEADERS) + " |",
                "|" + "|".join([":---"] * 4 + ["---:"] * 4) + "|"]
        out += ["| " + " | ".join(cell(c) for c in layout.sensitivity_cells(r, result)) + " |"
                for r in records]
    if table.source_ids:
        out.append("")
        for k, note in enumerate(layout.source_notes(result, table.source_ids), 1):
            url = layout.safe_url(note.url)
            out.append(f"[^{k}]: {line(note.text())}" + (f" <{url}>" if url else ""))
    return "\n".join(out) + "\n"
