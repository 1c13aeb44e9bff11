"""What every chart shares: matplotlib loaded lazily, sizes, colours, tick labels, titles and the
sources footnote. The charts themselves are in ``calc.output.plots`` (results) and
``calc.output.figure_plots`` (registry figures and several results side by side).
"""

from __future__ import annotations

import io
import os
import re
import sys
import textwrap

from calc.citations import figure_citations, source_citation
from calc.format import money, number
from calc.output.layout import point_text

SIZE = (9.0, 5.0)         # inches: 900 x 500 pixels at DPI
DPI = 100
FOOTNOTE_SIZE = 7         # points
COLORS = ("#1f5fa8", "#d1495b", "#2a9d8f", "#e9a23b", "#6c4f9c", "#5b6770", "#8c564b")
_LABELLED = re.compile(r"^(?P<name>.*?) \[(?P<unit>.*)\]$")


# -- matplotlib, lazily ------------------------------------------------------------------------------

def _pyplot():
    """matplotlib.pyplot, on the Agg backend when there is no display and no backend was chosen."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("calc.plots needs matplotlib: pip install -e '.[plots]'", name="matplotlib") from None
    headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if headless and "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND") \
            and "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _axes(ax, ncols: int = 1):
    """(figure, [axes]): the caller's ``ax`` (one panel) or a new figure of ``SIZE``."""
    if ax is not None:
        return ax.figure, [ax]
    plt = _pyplot()
    fig, axes = plt.subplots(1, ncols, figsize=SIZE, dpi=DPI, squeeze=False, layout="constrained")
    return fig, list(axes[0])


def human_label(name: str, unit: str = "") -> str:
    """An axis label a reader understands, from the glossary: 'accelerators the site can power [chip]'.

    The glossary's ``label`` when it has one, else its meaning up to the first ':' when that is short
    and no formula, else the name with spaces ('arr projected'); then the unit in brackets.
    """
    from calc.glossary import glossary

    entry = glossary().get(name) or {}
    text = entry.get("label")
    if not text:
        lead = str(entry.get("meaning", "")).split(":")[0].strip()
        formula = re.search(r"[=/^*+]|\bx\b|_", lead)
        text = lead if lead and len(lead) <= 48 and not formula else name.replace("_", " ")
    text = text[0].upper() + text[1:] if text else name
    return f"{text} [{unit}]" if unit else text


def shown(result, name: str):
    """(convert, unit): the display unit a table shows ``name`` in (``Result.shown_unit``), for axes."""
    if hasattr(result, "shown_unit") and name in result.central:
        conv = result.shown_unit(name)
        return conv, conv.unit
    return (lambda x: x), result.unit_text(name)


def _tick_formatter(unit: str):
    """Ticks as a reader writes them: $30B for money, 400,000 for counts, 1.21e+21 for huge numbers."""
    from matplotlib.ticker import FuncFormatter

    if unit == "USD" or unit.startswith("USD/"):
        return FuncFormatter(lambda x, _pos: money(x))
    return FuncFormatter(lambda x, _pos: number(x, digits=3))


def _finish(fig, title: str, sources: list[str], own: bool, ax=None) -> None:
    """Title (on ``ax`` or the figure) and the sources footnote at the bottom of a figure we made."""
    if ax is not None:
        ax.set_title(title, fontsize=11, loc="left")
    else:
        fig.suptitle(title, fontsize=11, x=0.01, ha="left")
    if not own:                 # drawn into the caller's axes: the figure (and its footnote) is theirs
        return
    text = "Sources: " + ("; ".join(sources) if sources else "none given")
    width = int(fig.get_figwidth() * 72 / (FOOTNOTE_SIZE * 0.6))
    # supxlabel is a figure text that constrained layout makes room for: the footnote never overlaps
    fig.supxlabel(textwrap.fill(text, width=width), x=0.01, ha="left", fontsize=FOOTNOTE_SIZE, color="#555555")


def declutter(fig, axis, texts, gap: float = 2.0) -> None:
    """Move annotations (``texts``, in drawing order) so none overlaps another or leaves the axes:
    a label past the right edge turns to the left of its point; one that overlaps an earlier label
    steps down (or up, if that leaves the axes) until it is clear."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = axis.get_window_extent(renderer)
    placed = []
    for text in texts:
        bb = text.get_window_extent(renderer)
        if bb.x1 > box.x1:                                   # past the right edge: put it left of the point
            x, y = text.get_position() if not hasattr(text, "xyann") else text.xyann
            text.set_horizontalalignment("right")
            text.xyann = (-abs(x), y)
            bb = text.get_window_extent(renderer)
        for _ in range(40):
            hit = next((p for p in placed if bb.overlaps(p)), None)
            if hit is None:
                break
            step = (bb.y1 - hit.y0 + gap) * 72 / fig.dpi          # pixels to points
            x, y = text.xyann
            down = (y - step) if bb.y0 - (bb.y1 - hit.y0 + gap) > box.y0 else (y + (hit.y1 - bb.y0 + gap) * 72 / fig.dpi)
            text.xyann = (x, down)
            bb = text.get_window_extent(renderer)
        placed.append(bb)


def png_bytes(fig, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes (``SIZE`` x ``dpi`` pixels for the figures made here)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def close(fig) -> None:
    """Release a figure made here (pyplot keeps every open figure until closed)."""
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(fig)


# -- sources ------------------------------------------------------------------------------------------

def _plan(result, i: int):
    """The engine plan of row ``i``."""
    return result.plan(i) if hasattr(result, "plan") else result.plans[i]


def _rows(result) -> list[int]:
    """One row per plan is enough for lineage: the first row of each variant where the result says."""
    return result.first_rows() if hasattr(result, "first_rows") else list(range(len(result.cases)))


def _result_sources(result, names, rows=None) -> list[str]:
    """'publisher (date)' for every source ``names`` rest on (in ``rows``, default all); assumptions once."""
    ids: list[str] = []
    for i in _rows(result) if rows is None else rows:
        for name in names:
            if name in _plan(result, i).steps:
                ids += [s for s in result.lineage(i, name)["sources"] if s not in ids]
    cited = [result.citations[sid] if sid in result.citations else source_citation(result.registry, sid)
             for sid in ids]
    return list(dict.fromkeys(c.short() for c in cited if c.known))


def _figure_sources(fids) -> list[str]:
    """'publisher (date)' for every source behind registry figures ``fids``."""
    from calc.registry import registry

    return list(dict.fromkeys(c.short() for c in figure_citations(registry(), fids) if c.known))


# -- fan chart ----------------------------------------------------------------------------------------

def sweep_names(result) -> list[str]:
    """The names the result's cases are swept over, in order."""
    return list(dict.fromkeys(k for c in result.cases for k in c.point))


def _sweep_value(result, i: int, over: str) -> float:
    if over in result.central:
        return float(result.central[over][i])
    from calc.units import Q

    return float(Q(result.cases[i].point[over]).magnitude)


def _value_text(x: float, unit: str) -> str:
    if unit == "USD" or unit.startswith("USD/"):
        return money(x) + (unit[3:] if unit != "USD" else "")
    return f"{number(x, digits=3)} {unit}".rstrip()


def _case_label(result, i: int, prefix: str = "") -> str:
    c = result.cases[i]
    text = ", ".join(t for t in (c.variant if len({k.variant for k in result.cases}) > 1 or not prefix else "",
                                 point_text(c.point)) if t)
    return ": ".join(t for t in (prefix, text) if t)
