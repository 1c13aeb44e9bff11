"""Charts of results: fan charts over a sweep, tornadoes, per-GW bars, a funding timeline.

Every chart has axis labels with units (``capex [USD]``), a title and a footnote naming its sources
(publisher, date), and returns its matplotlib ``Figure``. matplotlib is imported inside the
functions, never at module import, so ``import calc.plots`` stays cheap and works without the
``plots`` extra; without a display the Agg backend is used.

    res = calc.load("scenarios/anthropic-arr.yaml").run(samples=2000, seed=1)
    calc.plots.fan_chart(res, "arr_projected", over="arr_horizon")
    calc.plots.save_default_plot(res, "fan.png")      # what ``calc run ... --plot fan.png`` does
"""

from __future__ import annotations

import io
import os
import re
import sys
import textwrap
from datetime import date

from calc.errors import CalcError
from calc.output.format import money, number
from calc.output.layout import label, point_text

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

def _publication(sid: str, publisher, dt) -> str:
    """'36Kr (2025-11)'; a document whose publisher is unknown is named by its source id."""
    who = sid if not publisher or publisher == "unknown" else publisher
    return f"{who} ({dt})" if dt and dt != "unknown" else str(who)


def _plan(result, i: int):
    """The engine plan of row ``i``."""
    return result.plan(i) if hasattr(result, "plan") else result.plans[i]


def _rows(result) -> list[int]:
    """One row per plan is enough for lineage: the first row of each variant where the result says."""
    return result.first_rows() if hasattr(result, "first_rows") else list(range(len(result.cases)))


def _result_sources(result, names, rows=None) -> list[str]:
    """'publisher (date)' for every source ``names`` rest on (in ``rows``, default all); assumptions once."""
    known = result.sources()
    ids: list[str] = []
    for i in _rows(result) if rows is None else rows:
        for name in names:
            if name in _plan(result, i).steps:
                ids += [s for s in result.lineage(i, name)["sources"] if s not in ids]
    out = []
    for sid in ids:
        if sid == "assumption":
            out.append("the analyst's assumptions")
        elif sid in known:
            out.append(_publication(sid, known[sid]["publisher"], known[sid]["date"]))
        elif sid in result.registry.sources:
            src = result.registry.sources[sid]
            out.append(_publication(sid, src.publisher, src.date))
    return list(dict.fromkeys(out))


def _figure_sources(fids) -> list[str]:
    from calc.registry import registry

    reg = registry()
    out = []
    for fid in fids:
        for sid in reg.figure_sources(fid):
            src = reg.sources.get(sid)
            out.append("the analyst's assumptions" if sid == "assumption" or src is None
                       else _publication(sid, src.publisher, src.date))
    return list(dict.fromkeys(out))


# -- fan chart ----------------------------------------------------------------------------------------

def sweep_names(result) -> list[str]:
    """The names the result's cases are swept over, in order."""
    return list(dict.fromkeys(k for c in result.cases for k in c.point))


def _sweep_value(result, i: int, over: str) -> float:
    if over in result.central:
        return float(result.central[over][i])
    from calc.units import Q

    return float(Q(result.cases[i].point[over]).magnitude)


def fan_chart(result, quantity: str, over: str | None = None, ax=None):
    """``quantity`` over the sweep ``over``: per variant, the central line and its p05-p95 band.

    With kept draws (small runs) a darker p25-p75 band is drawn too; without samples, lines only.
    The y axis is logarithmic when the values span more than a factor of 20.
    """
    result._name(quantity)
    names = sweep_names(result)
    over = over or (names[0] if names else None)
    if over not in names:
        raise CalcError(f"fan_chart: {over!r} is not swept in this result; "
                        f"sweeps: {', '.join(names) or 'none (add a sweep to the scenario)'}")
    import numpy as np

    fig, (axis,) = _axes(ax)
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(result.cases):
        rest = {k: v for k, v in c.point.items() if k != over}
        key = c.variant + (f" ({point_text(rest)})" if rest else "")
        groups.setdefault(key, []).append(i)
    stats = result.stats.get(quantity)
    lows = []
    for k, (key, idx) in enumerate(groups.items()):
        color = COLORS[k % len(COLORS)]
        idx = sorted(idx, key=lambda i: _sweep_value(result, i, over))
        x = np.array([_sweep_value(result, i, over) for i in idx])
        central = result.central[quantity][idx]
        if stats is not None:
            p05, p95 = stats["p05"][idx], stats["p95"][idx]
            if not np.allclose(p05, p95, rtol=1e-9, atol=0):      # an input-free line has no band
                axis.fill_between(x, p05, p95, color=color, alpha=0.2, linewidth=0, label=f"{key}: 5–95 %")
            if quantity in result.draws and not np.allclose(p05, p95, rtol=1e-9, atol=0):
                p25, p75 = np.percentile(result.draws[quantity][idx], [25, 75], axis=1)
                axis.fill_between(x, p25, p75, color=color, alpha=0.3, linewidth=0, label=f"{key}: 25–75 %")
            lows.append(p05)
        axis.plot(x, central, color=color, marker="o", label=f"{key}: central")
        lows.append(central)
    values = np.concatenate(lows + [result.central[quantity]])
    if np.all(values > 0) and values.max() / values.min() > 20:
        axis.set_yscale("log")
    unit = result.unit_text(quantity)
    axis.yaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(label(over, result.unit_text(over) if over in result.units else ""))
    axis.set_ylabel(label(quantity, unit))
    axis.grid(True, alpha=0.3)
    axis.legend(fontsize=8, loc="upper left")
    band = "central value and 5–95 % band" if stats is not None else "central values"
    _finish(fig, f"{quantity} over {over} ({band}){_scenario_suffix(result)}",
            _result_sources(result, [quantity]), ax is None, axis)
    return fig


def _scenario_suffix(result) -> str:
    return f" — {result.scenario}" if result.scenario else ""


# -- tornado ------------------------------------------------------------------------------------------

def tornado_chart(result, quantity: str, variant: str | None = None, point: dict | None = None, ax=None):
    """What moves ``quantity`` most: each uncertain input at its p05 and its p95, the others central.

    From ``result.sensitivity()`` (computed here unless already there), for one case: ``variant``
    (default: the first) at ``point`` (default: the first).
    """
    result._name(quantity)
    row = result.case_index(variant, point)
    case = result.cases[row]
    table = result.sensitivity_table if result.sensitivity_table is not None else result.sensitivity()
    rows = table[(table["quantity"] == quantity) & (table["variant"] == case.variant)
                 & (table["point"] == point_text(case.point)) & (table["swing"] > 0)]
    rows = rows.sort_values("swing", ascending=True, kind="stable")
    fig, (axis,) = _axes(ax)
    central = float(result.central[quantity][row])
    y = range(len(rows))
    lo, hi = rows["at_input_p05"].to_numpy(), rows["at_input_p95"].to_numpy()
    height = 0.6
    axis.barh(list(y), lo - central, left=central, height=height, color=COLORS[0],
              label="input at its 5th percentile")
    axis.barh(list(y), hi - central, left=central, height=height, color=COLORS[1],
              label="input at its 95th percentile")
    axis.set_ylim(-0.5 - (1 - height), len(rows) - 0.5 + (1 - height))
    axis.set_yticks(list(y), [f"{n}\n{r}" for n, r in zip(rows["input"], rows["input_range"])], fontsize=8)
    axis.axvline(central, color="black", linewidth=1)
    unit = result.unit_text(quantity)
    axis.xaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(label(quantity, unit))
    axis.set_ylabel("input [its 90 % range]")
    axis.grid(True, axis="x", alpha=0.3)
    if len(rows):
        axis.legend(fontsize=8, loc="lower right")
    else:
        axis.text(0.5, 0.5, f"no uncertain input moves {quantity}", transform=axis.transAxes, ha="center")
    where = ", ".join(t for t in (case.variant, point_text(case.point)) if t)
    _finish(fig, f"What moves {quantity} ({where}); central {_value_text(central, unit)}{_scenario_suffix(result)}",
            _result_sources(result, [quantity], [row]), ax is None, axis)
    return fig


def _value_text(x: float, unit: str) -> str:
    if unit == "USD" or unit.startswith("USD/"):
        return money(x) + (unit[3:] if unit != "USD" else "")
    return f"{number(x, digits=3)} {unit}".rstrip()


# -- bars ---------------------------------------------------------------------------------------------

def _case_label(result, i: int, prefix: str = "") -> str:
    c = result.cases[i]
    text = ", ".join(t for t in (c.variant if len({k.variant for k in result.cases}) > 1 or not prefix else "",
                                 point_text(c.point)) if t)
    return ": ".join(t for t in (prefix, text) if t)


def bar_chart(result, quantity: str | None = None, ax=None):
    """``quantity`` (default: the first output) per case, with 5-95 % whiskers when sampled."""
    quantity = result._name(quantity or result.shown[0])
    import numpy as np

    fig, (axis,) = _axes(ax)
    n = len(result.cases)
    values = result.central[quantity]
    labels = [_case_label(result, i) for i in range(n)]
    stats = result.stats.get(quantity)
    err = None
    if stats is not None:
        err = np.vstack([values - stats["p05"], stats["p95"] - values]).clip(min=0)
    axis.barh(range(n), values, xerr=err, color=[COLORS[i % len(COLORS)] for i in range(n)], capsize=4)
    axis.set_yticks(range(n), labels, fontsize=8)
    axis.invert_yaxis()
    unit = result.unit_text(quantity)
    axis.xaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(label(quantity, unit))
    axis.grid(True, axis="x", alpha=0.3)
    for k, v in enumerate(values):
        axis.annotate(_value_text(v, unit), (v, k), xytext=(4, 6), textcoords="offset points", fontsize=8)
    whisk = " (whiskers: 5–95 %)" if stats is not None else ""
    _finish(fig, f"{quantity}{whisk}{_scenario_suffix(result)}", _result_sources(result, [quantity]),
            ax is None, axis)
    return fig


def per_gw_frame(results, quantities=("chips", "capex")):
    """A DataFrame of ``quantities`` per GW of facility power, one row per result (and case).

    ``results``: a Result (one row per case) or a mapping label -> Result. Columns are labelled
    with their units (``chips [chip/GW]``); a quantity a result lacks is NaN; ``frame.attrs
    ["sources"]`` lists the sources (publisher, date) the numbers rest on.
    """
    import pandas as pd

    from calc.units import Q

    items = results.items() if isinstance(results, dict) else [("", results)]
    rows, index, sources, units = [], [], [], {}
    for name, res in items:
        if "facility_power" not in res:
            raise CalcError(f"per_gw_frame: {name or res.scenario or 'the result'} has no facility_power "
                            "to express its values per GW")
        present = [q for q in quantities if q in res]
        for q in present:
            units[q] = f"{res.unit_text(q)}/GW" if res.unit_text(q) else "1/GW"
        for i in range(len(res.cases)):
            gw = float(Q(res.central["facility_power"][i], res.units["facility_power"]).to("GW").magnitude)
            rows.append({q: float(res.central[q][i]) / gw for q in present})
            index.append(_case_label(res, i, name) or res.scenario or f"result {len(index) + 1}")
        sources += _result_sources(res, present + ["facility_power"])
    cols = [q for q in quantities if q in units]
    frame = pd.DataFrame(rows, index=pd.Index(index, name="case"), columns=cols)
    frame.columns = [label(q, units[q]) for q in cols]
    frame.attrs["sources"] = list(dict.fromkeys(sources))
    return frame


def bar_chart_per_gw(frame_or_results, quantities=("chips", "capex"), references=(), title: str | None = None):
    """Side-by-side bars of ``quantities`` per GW of facility power, one bar per accelerator or case.

    ``frame_or_results``: a frame from ``per_gw_frame`` (columns ``name [unit]``), a Result, or a
    mapping label -> Result. ``references``: registry figure ids drawn as lines (a range as a
    shaded span) on the panel whose unit they share, e.g. published capex per GW estimates.
    """
    import numpy as np
    import pandas as pd
    from matplotlib.ticker import MaxNLocator

    from calc.registry import registry

    frame = frame_or_results if isinstance(frame_or_results, pd.DataFrame) else \
        per_gw_frame(frame_or_results, quantities)
    cols = [c for c in frame.columns if frame[c].notna().any()]
    if not cols:
        raise CalcError("bar_chart_per_gw: nothing to draw (every value is missing)")
    fig, axes = _axes(None, len(cols))
    reg = registry()
    drawn_refs = []
    n = len(frame.index)
    for k, (axis, col) in enumerate(zip(axes, cols)):
        m = _LABELLED.match(str(col))
        name, unit = (m["name"], m["unit"]) if m else (str(col), "")
        values = frame[col].to_numpy(dtype=float)
        axis.barh(range(n), np.nan_to_num(values), color=COLORS[k % len(COLORS)])
        for j, v in enumerate(values):
            axis.annotate("no figure" if np.isnan(v) else _value_text(v, unit), (0 if np.isnan(v) else v, j),
                          xytext=(3, 0), textcoords="offset points", va="center", fontsize=7,
                          bbox=dict(facecolor="white", alpha=0.75, linewidth=0, pad=0.5))
        axis.set_yticks(range(n), [str(i) for i in frame.index] if k == 0 else [""] * n, fontsize=8)
        axis.invert_yaxis()
        axis.xaxis.set_major_formatter(_tick_formatter(unit))
        axis.xaxis.set_major_locator(MaxNLocator(nbins=3 if len(cols) > 1 else 6))
        axis.set_xlabel(label(f"{name} per GW" if "per GW" not in name and unit.endswith("/GW") else name, unit))
        axis.grid(True, axis="x", alpha=0.3)
        axis.set_xlim(right=np.nanmax(values) * 1.3 if np.isfinite(np.nanmax(values)) else None)
        for j, fid in enumerate(references):
            fig_ = reg.figure(fid)
            if not unit or not fig_.value.is_compatible_with(unit):
                continue            # drawn on the panel of its own unit
            conv = lambda q: float(q.to(unit).magnitude)  # noqa: E731
            centre = conv(fig_.value)
            style = dict(color=COLORS[(j + 3) % len(COLORS)], linewidth=1.5, linestyle="--")
            if fig_.is_range:
                axis.axvspan(conv(fig_.low), conv(fig_.high), alpha=0.12, color=style["color"])
            sids = [sid for sid in reg.figure_sources(fid) if sid in reg.sources]
            who = reg.sources[sids[0]].publisher.split(" (")[0] if len(sids) == 1 else fid
            axis.axvline(centre, label=f"{who}: {_value_text(centre, unit)}", **style)
            axis.set_xlim(right=max(axis.get_xlim()[1], centre * 1.15))
            drawn_refs.append(fid)
        if any(r in drawn_refs for r in references) and axis.get_legend_handles_labels()[0]:
            axis.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)
    sources = list(frame.attrs.get("sources", [])) + _figure_sources(drawn_refs)
    _finish(fig, title or "Per GW of facility power, by accelerator", list(dict.fromkeys(sources)), True)
    return fig


# -- timeline -----------------------------------------------------------------------------------------

def as_of_date(text) -> date | None:
    """A figure's as_of as a date for plotting: '2023-09' -> mid-month, '2023-H2' -> mid-half,
    '2025-Q1' -> mid-quarter, '2025' -> mid-year, '2023/2024' -> the middle; 'unknown' -> None."""
    text = str(text or "").strip()
    if "/" in text:
        a, b = (as_of_date(t) for t in text.split("/", 1))
        return date.fromordinal((a.toordinal() + b.toordinal()) // 2) if a and b else None
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-H([12])|-Q([1-4]))?", text)
    if not m:
        return None
    year, month, day, half, quarter = m.groups()
    y = int(year)
    if day:
        return date(y, int(month), int(day))
    if month:
        return date(y, int(month), 15)
    if half:
        return date(y, 4 if half == "1" else 10, 1)
    if quarter:
        return date(y, 3 * int(quarter) - 1, 15)
    return date(y, 7, 1)


FUNDING = ("valuation", "investment", "capital_raised")


def _group(quantity) -> str:
    q = quantity if isinstance(quantity, str) else ""
    return "valuation" if q.startswith("valuation") else (q or "other")


def timeline(figures, ax=None, title: str = "Funding and valuations over time", log: bool = True,
             groups=FUNDING, labels: dict | None = None):
    """Registry figures in USD against their as_of dates: valuations as a line, the rest as points.

    ``figures``: a frame shaped like ``calc.figures()`` (index id; columns value, unit, as_of,
    quantity), or a list of figure ids. Points are grouped by the figures' ``quantity``
    (valuation, valuation_before and valuation_after are one line); ``groups`` keeps only those
    groups (None: all). Each point is labelled with ``labels[id]`` or its id. Figures without a
    date ('unknown') are left out.
    """
    import pandas as pd
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    from calc.registry import registry

    if not isinstance(figures, pd.DataFrame):
        reg = registry()
        figures = pd.DataFrame([reg.figure(f).to_json() for f in figures]).set_index("id")
    usd = figures[figures["unit"] == "USD"].copy()
    usd["date"] = [as_of_date(t) for t in usd["as_of"]]
    usd = usd[usd["date"].notna()].sort_values("date", kind="stable")
    if groups is not None:
        usd = usd[usd["quantity"].map(_group).isin(groups)]
    if usd.empty:
        raise CalcError("timeline: no dated figures in USD to draw")
    fig, (axis,) = _axes(ax)
    for k, (group, rows) in enumerate(usd.groupby(usd["quantity"].map(_group), sort=False)):
        color = COLORS[k % len(COLORS)]
        dates = pd.to_datetime(rows["date"])
        style = dict(marker="o", linestyle="-" if group == "valuation" else "none", color=color)
        axis.plot(dates, rows["value"], label=group.replace("_", " "), **style)
        for j, (fid, d, v) in enumerate(zip(rows.index, dates, rows["value"])):
            axis.annotate(f"{(labels or {}).get(fid, fid)}\n{money(v)}", (d, v), xytext=(5, 8 if j % 2 else -16), textcoords="offset points",
                          fontsize=6, color=color)
    if log:
        axis.set_yscale("log")
    locator = AutoDateLocator(maxticks=8)
    axis.xaxis.set_major_locator(locator)
    axis.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axis.margins(x=0.15, y=0.15)
    axis.yaxis.set_major_formatter(_tick_formatter("USD"))
    axis.set_ylabel(label("amount", "USD"))
    axis.set_xlabel("as of [date]")
    axis.grid(True, alpha=0.3)
    axis.legend(fontsize=8, loc="upper left")
    _finish(fig, title, _figure_sources(list(usd.index)), ax is None, axis)
    return fig


# -- a sensible default -------------------------------------------------------------------------------

def default_plot(result):
    """A sensible chart for any result: a fan chart over its sweep, else a tornado when a sensitivity
    table was computed (``calc run --sensitivity``), else a bar chart of the first output by case."""
    names = sweep_names(result)
    if names:
        over = names[0]
        moving = [q for q in result.shown if any(over in _plan(result, i).depends(q) for i in _rows(result))]
        return fan_chart(result, (moving or result.shown)[0], over=over)
    table = result.sensitivity_table
    if table is not None and not table.empty:
        moved = [q for q in result.shown if (table[(table["quantity"] == q)]["swing"] > 0).any()]
        if moved:
            return tornado_chart(result, moved[0])
    return bar_chart(result, result.shown[0])


def save_default_plot(result, path, dpi: int = DPI):
    """Draw ``default_plot(result)`` and save it to ``path`` (PNG, SVG or PDF by its suffix)."""
    fig = default_plot(result)
    try:
        fig.savefig(path, dpi=dpi)
    finally:
        close(fig)
    return fig


def default_plots_png(result, dpi: int = DPI) -> dict[str, bytes]:
    """{caption: PNG bytes} of the default chart, for embedding in a report."""
    fig = default_plot(result)
    try:
        caption = fig.axes[0].get_title("left") or fig.get_suptitle() or "chart"
        return {caption: png_bytes(fig, dpi)}
    finally:
        close(fig)
