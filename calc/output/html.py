"""HTML: a fragment for Jupyter (``Result._repr_html_``), a self-contained report page, figure
tables.

Every piece of text from a scenario or a data file goes through ``html.escape``; links are made
only to http(s) URLs. The report page has inline CSS and embeds plots as data URIs, so it opens
anywhere without fetching anything.
"""

from __future__ import annotations

import base64
from html import escape

from calc.citations import shown_title, source_citation
from calc.optional import available
from calc.output import headline, layout
from calc.output.compact import group_label, without_empty_columns
from calc.registry import registry
from calc.output.plots import default_plots_png

CSS = """
.calc-result table, table.calc-figures { border-collapse: collapse; \
font-variant-numeric: tabular-nums; }
.calc-result th, .calc-result td, .calc-figures th, .calc-figures td {
  padding: 0.2em 0.7em; border-bottom: 1px solid #ddd; vertical-align: top; }
.calc-result th { text-align: left; }
.calc-result td.num, .calc-result th.num, .calc-figures td.num { text-align: right; \
white-space: nowrap; }
.calc-result .calc-meta { color: #555; }
.calc-result .calc-holds { color: #1a7f37; }
.calc-result .calc-fails { color: #b00020; font-weight: bold; }
.calc-result .calc-sources li, .calc-figures .calc-quote { font-size: 0.9em; }
.calc-figures .calc-quote { color: #444; }
.calc-result .calc-scroll { max-width: 100%; overflow-x: auto; margin: 0.6em 0; }
.calc-result tbody th, .calc-result .calc-tornado td { white-space: nowrap; }
.calc-result .calc-spread { display: block; font-size: 0.8em; color: #555; }
.calc-result caption { text-align: left; font-weight: 600; padding: 0.3em 0; }
.calc-result .calc-unsourced { color: #8a4b00; }
.calc-result .calc-notes { margin: 0.2em 0; padding-left: 1.2em; }
.calc-result details summary { cursor: pointer; }
.calc-result .calc-sources li { overflow-wrap: anywhere; }
.calc-result .calc-scroll th:first-child { position: sticky; left: 0; z-index: 1;
  background: var(--jp-layout-color0, #fff); box-shadow: inset -1px 0 0 #ddd; }
.calc-result tr.calc-group th { padding-top: 0.6em; }
.calc-result td.calc-refs { white-space: nowrap; }
"""

PAGE_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem 2rem;
  line-height: 1.45; color: #222; }
main { min-width: 0; }
main > :not(.calc-scroll):not(figure) { max-width: 72rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.8rem; }
figure { margin: 1.2rem 0; } figure img { max-width: 100%; }
"""


def _prefix(result) -> str:
    """An id prefix so two results on one notebook page do not share anchors."""
    slug = "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in (result.scenario or "result"))
    return f"calc-{slug}-src-"


def _cite(prefix: str, notes: list[int]) -> str:
    return "".join(f'<sup><a href="#{prefix}{k}">[{k}]</a></sup>' for k in notes)


def _cite_runs(prefix: str, notes: list[int]) -> str:
    """Like ``_cite``, a run of three or more numbers as its ends: '[1]–[7]' for [1] to [7]."""
    runs: list[list[int]] = []
    for k in sorted(notes):
        if runs and k == runs[-1][-1] + 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    return "".join(_cite(prefix, run) if len(run) < 3
                   else f"{_cite(prefix, run[:1])}<sup>–</sup>{_cite(prefix, run[-1:])}"
                   for run in runs)


def block_html(block: layout.Block, prefix: str) -> str:
    """One block of the wide table, in a box that scrolls sideways by itself when it is too wide.

    Its first column (the quantity) stays in view while the values scroll under it: further label
    columns (variant, sweep point) become a group row above the lines they lead, so one sticky
    column is enough; columns that hold nothing are not drawn."""
    block = without_empty_columns(block)
    cited = any(ln.notes for ln in block.lines)
    lead = len(block.key_headers) - 1                  # label columns drawn as group rows
    head = "<th>" + "<br>".join(escape(h) for h in block.key_headers[-1]) + "</th>"
    head += "".join(f'<th class="num">{"<br>".join(escape(h) for h in hs)}</th>'
                    for hs in block.value_headers)
    head += "<th>sources</th>" if cited else ""
    span = len(block.value_headers) + cited
    body, group = [], None
    for ln in block.lines:
        if lead and ln.keys[:lead] != group:
            group = ln.keys[:lead]
            body.append(f'<tr class="calc-group"><th>{escape(group_label(block, group))}</th>'
                        f'<td colspan="{span}"></td></tr>')
        cells = f"<th>{escape(ln.keys[-1])}</th>"
        cells += "".join(f'<td class="num">{_cell(c)}</td>' for c in ln.cells)
        cells += f'<td class="calc-refs">{_cite_runs(prefix, ln.notes)}</td>' if cited else ""
        body.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
    return (f'<div class="calc-scroll"><table>{caption}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def whole_timeline(block: layout.Block) -> list[layout.Block]:
    """A timeline's block as two: the periods, and the rows with one value per case
    (``funding_need``, ``break_even``, solved inputs) in a small table of their own -- a line per
    quantity, a column per case -- so they are never a blank row with its value off-screen."""
    if not block.value_headers or block.value_headers[-1] != [layout.WHOLE]:
        return [block]
    whole = [ln for ln in block.lines if ln.cells[-1] and not any(ln.cells[:-1])]
    if not whole:
        return [block]
    taken = {id(ln) for ln in whole}
    periods = layout.Block(block.caption, block.key_headers, block.value_headers,
                           [ln for ln in block.lines if id(ln) not in taken])
    cases = list(dict.fromkeys(tuple(ln.keys[:-1]) for ln in whole))
    names = list(dict.fromkeys(ln.keys[-1] for ln in whole))
    cell = {(tuple(ln.keys[:-1]), ln.keys[-1]): ln.cells[-1] for ln in whole}
    notes = {n: sorted({k for ln in whole if ln.keys[-1] == n for k in ln.notes}) for n in names}
    headers = [[k for k in case if k] or [layout.WHOLE] for case in cases]
    lines = [layout.Line([n], [cell.get((case, n), "") for case in cases], notes[n])
             for n in names]
    return [periods, layout.Block(f"{layout.WHOLE.capitalize()}: one value per case",
                                  [block.key_headers[-1]], headers, lines)]


def _cell(text: str) -> str:
    """A cell: the central value, and under it in small type the median and 90 % range, if any."""
    value, sep, spread = text.partition(" (")
    if not sep:
        return escape(text)
    return f'{escape(value)}<span class="calc-spread">({escape(spread)}</span>'


def table_html(table: layout.Report, prefix: str) -> str:
    """Every block of the wide table: units in the row labels, numbers right-aligned."""
    return "\n".join(block_html(b, prefix) for block in table.blocks
                     for b in whole_timeline(block))


def headline_html(result, brief: bool = False) -> str:
    """The headline (``calc.output.headline``): a table under its caption, then the counts."""
    h = headline.headline(result)
    table = (block_html(headline.block(result, h, brief), _prefix(result)) if h.items
             else f'<p class="calc-meta">{escape(headline.empty_text(h))}</p>')
    return (f'<section class="calc-headline">{table}'
            f"<p><strong>{escape(headline.counts_text(h))}</strong></p></section>")


def checks_html(result, table: layout.Report, prefix: str) -> str:
    """Each distinct check result once, with the cases it is for: 'holds' in green, 'does not hold'
    in bold red."""
    if not table.checks:
        return ""
    items = []
    for entry in table.checks:
        chk = entry.check
        mark = ('<span class="calc-holds">✓ holds</span>' if chk.passed
                else '<span class="calc-fails">✗ does not hold</span>')
        ref = _cite(prefix, [entry.ref]) if entry.ref else ""
        items.append(f'<li class="{"calc-pass" if chk.passed else "calc-fail"}">{mark}: '
                     f'“{escape(chk.says)}”{ref} ({escape(entry.where)}): '
                     f'{escape(chk.detail)}</li>')
    return f'<h4>Checks</h4><ul class="calc-checks">{"".join(items)}</ul>'


def given_html(table: layout.Report) -> str:
    """Values set on the command line and values given without a source, each under a heading."""
    out = []
    for heading, items, cls in ((layout.OVERRIDES_HEADING, table.overrides, "calc-set"),
                                (layout.UNSOURCED_HEADING, table.unsourced, "calc-unsourced")):
        if items:
            out.append(f'<p class="{cls}"><strong>{escape(heading)}:</strong> '
                       f'{escape(", ".join(items))}</p>')
    return "".join(out)


def sensitivity_html(result) -> str:
    """The tornado table (``--sensitivity``), scrolling in its own box like the result table."""
    records = layout.sensitivity_records(result)
    if not records:
        return ""
    head = "".join(f'<th{" class=num" if k >= 4 else ""}>{escape(h)}</th>'
                   for k, h in enumerate(layout.SENSITIVITY_HEADERS))
    body = "".join("<tr>" + "".join(f'<td{" class=num" if k >= 4 else ""}>{escape(c)}</td>'
                                    for k, c in enumerate(layout.sensitivity_cells(r, result)))
                   + "</tr>" for r in records)
    return ("<h4>Sensitivity</h4><p class=\"calc-meta\">Each uncertain input at its 5th and 95th "
            "percentile, the others central.</p>"
            f'<div class="calc-scroll"><table class="calc-tornado"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def findings_html(result) -> str:
    """Findings that fail --strict (impossible, unusual) in bold red, like checks that do not hold;
    undefined ratios and notes plainly."""
    if not result.findings:
        return ""
    items = "".join(f'<li class="{"calc-fail" if f.fails else "calc-pass"}">'
                    + (f'<span class="calc-fails">{layout.finding_mark(f)}</span>' if f.fails
                       else layout.finding_mark(f))
                    + f": {escape(layout.finding_line(f, labelled=False))}</li>"
                    for f in result.findings)
    return f'<h4>{escape(layout.FINDINGS_HEADING)}</h4><ul class="calc-checks">{items}</ul>'


def source_html(note: layout.Citation, show_url: bool = False) -> str:
    """'publisher, “title” (linked), date — “quote” (gloss)', escaped; the URL spelled out
    if asked. The analyst's assumptions are a list, each note folded to its first sentence (click
    for the rest)."""
    if note.id == "assumption" and note.notes:
        return ("assumption (the analyst's own), one note per assumed "
                "value:<ul class=\"calc-notes\">"
                + "".join(f"<li>{_folded(n)}</li>" for n in note.notes) + "</ul>")
    if note.is_assumption or not note.known:
        return escape(note.text())
    url = layout.safe_url(note.url)
    # the title links to the publication; where it is unknown (left out), the publisher does
    parts = [escape(note.publisher), f"“{escape(note.title)}”" if shown_title(note.title) else "",
             escape(note.date or "")]
    if url:
        j = 1 if parts[1] else 0
        parts[j] = f'<a href="{escape(url)}">{parts[j]}</a>'
    parts = ", ".join(p for p in parts if p)
    said = "; ".join(f"“{escape(q)}”" + (f" ({escape(g)})" if g else "")
                     for q, g in note.quotes)
    shown = f' <a href="{escape(url)}">{escape(url)}</a>' if url and show_url else ""
    return (parts + (f" — {said}" if said else "") + shown
            + f' <span class="calc-meta">[{escape(note.id)}]</span>')


def _folded(note: str, limit: int = 160) -> str:
    """A note as one line: short ones whole, long ones as their first sentence with the rest
    folded."""
    if len(note) <= limit:
        return escape(note)
    cut = note.find(". ", 0, limit)
    cut = cut + 1 if cut > 0 else note.rfind(" ", 0, limit)
    return (f"<details><summary>{escape(note[:cut])} "
            f"…</summary>{escape(note[cut:].strip())}</details>")


def sources_html(result, table: layout.Report, prefix: str, show_url: bool = False) -> str:
    """The numbered footnotes, each an anchor the table's [k] links to."""
    if not table.source_ids:
        return ""
    items = "".join(f'<li id="{prefix}{k}">{source_html(note, show_url)}</li>'
                    for k, note in enumerate(layout.source_notes(result, table.source_ids), 1))
    return f'<h4>Sources</h4><ol class="calc-sources">{items}</ol>'


def body_html(result, table: layout.Report, show_url: bool = False) -> str:
    """Meta line, table, defaults, checks and sources: the part the fragment and the page share."""
    prefix = _prefix(result)
    out = []
    if result.samples:
        out.append(f'<p class="calc-meta">{escape(layout.sampling_line(result))}</p>')
    out.append(headline_html(result))
    out.append(table_html(table, prefix))
    for note in getattr(result, "notes", ()):          # e.g. commitment spend outside the timeline
        out.append(f'<p class="calc-meta">Note: {escape(note)}</p>')
    if table.defaults:
        out.append(f'<p class="calc-meta">Defaults used (not given by the scenario): '
                   f'{escape(", ".join(table.defaults))}</p>')
    out.append(given_html(table))
    out.append(checks_html(result, table, prefix))
    out.append(findings_html(result))
    out.append(sensitivity_html(result))
    out.append(sources_html(result, table, prefix, show_url))
    return "\n".join(p for p in out if p)


def result_html(result) -> str:
    """An HTML fragment for Jupyter: the title, the table with units, checks, linked footnotes."""
    table = layout.build(result)
    return (f'<div class="calc-result"><style>{CSS}</style>\n'
            f"<p><strong>{escape(layout.run_line(result))}</strong></p>\n"
            f"{body_html(result, table)}\n</div>")


def report_html(result, plots: dict[str, bytes] | None = None) -> str:
    """One self-contained page: title, description of the run, table, checks, plots, every source.

    ``plots`` maps a caption to PNG bytes; None draws the default chart (``calc.output.plots``) when
    matplotlib is installed, and gives a page without plots when it is not; ``{}`` means no plots.
    """
    if plots is None:
        plots = default_plots(result)
    table = layout.build(result)
    title = escape(layout.run_line(result))
    figs = "".join(f'<figure><img alt="{escape(name)}" src="data:image/png;base64,'
                   f'{base64.b64encode(png).decode("ascii")}">'
                   f'<figcaption>{escape(name)}</figcaption></figure>'
                   for name, png in (plots or {}).items())
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title}</title>\n<style>{PAGE_CSS}{CSS}</style>\n</head>\n<body>\n"
            f'<main class="calc-result">\n<h1>{title}</h1>\n'
            f'{body_html(result, table, show_url=True)}\n'
            + (f"<h2>Plots</h2>\n{figs}\n" if figs else "")
            + "</main>\n</body>\n</html>\n")


def default_plots(result) -> dict[str, bytes]:
    """{caption: PNG bytes} of the result's default chart; {} when matplotlib is not installed."""
    if not available("matplotlib"):
        return {}
    return default_plots_png(result)


def report_with_plots(result) -> str:
    """The self-contained report page with the default chart embedded (when matplotlib is
    installed)."""
    return report_html(result, plots=default_plots(result))


def figures_html(figures, notes: bool = False) -> str:
    """Registry figures as an HTML table; the quote and gloss under each id.

    ``notes``: number the sources as footnotes ([k] beside each figure's source, linked to a list
    under the table whose titles link to the publication's URL where known).
    """
    order: list[str] = []
    reg = None
    if notes:
        reg = registry()
    rows = []
    for f in figures:
        said = ""
        if f.quote:
            said += f"<br><span class=\"calc-quote\">“{escape(f.quote)}”"
            said += f" ({escape(f.gloss)})" if f.gloss and f.gloss != f.quote else ""
            said += "</span>"
        source = escape(f.source or "-")
        if reg is not None:
            sids = [s for s in reg.figure_sources(f.id) if s in reg.sources]
            for sid in sids:
                if sid not in order:
                    order.append(sid)
            source += _cite("calc-figures-src-", sorted(order.index(sid) + 1 for sid in sids))
        rows.append(f"<tr><td><code>{escape(f.id)}</code>{said}</td>"
                    f"<td class=\"num\">{escape(layout.figure_text(f))}</td>"
                    f"<td>{escape(f.unit)}</td><td>{escape(f.qualifier)}</td>"
                    f"<td>{escape(f.kind)}</td><td>{escape(f.as_of)}</td>"
                    f"<td>{source}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("id", "value", "unit", "qualifier", "kind", "as_of",
                                             "source"))
    foot = ""
    if order:
        items = "".join(
            f'<li id="calc-figures-src-{k}">'
            + source_html(source_citation(reg, sid))
            + "</li>" for k, sid in enumerate(order, 1))
        foot = f'<h4>Sources</h4><ol class="calc-sources">{items}</ol>'
    return (f"<div class=\"calc-result\"><style>{CSS}</style><table class=\"calc-figures\">"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{foot}</div>")
