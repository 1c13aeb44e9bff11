"""Charts of registry figures and of several results side by side: per-GW bars by accelerator, and
a funding timeline of dated figures in USD."""

from __future__ import annotations

from calc import dates
from calc.errors import CalcError
from calc.output.chart import (_LABELLED, COLORS, _axes, _case_label, _figure_sources, _finish, _result_sources,
                               _tick_formatter, _value_text, declutter)
from calc.format import money
from calc.output.layout import label


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

def as_of_date(text):
    """A figure's as_of as a date for plotting (``calc.dates.plot_date``): '2023-09' -> mid-month,
    '2023-H2' -> 1 April / 1 October, '2025-Q1' -> mid-quarter, '2025' -> 1 July, '2023/2024' -> the
    middle; 'unknown' -> None."""
    return dates.plot_date(text)


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
    notes = []
    for k, (group, rows) in enumerate(usd.groupby(usd["quantity"].map(_group), sort=False)):
        color = COLORS[k % len(COLORS)]
        dates = pd.to_datetime(rows["date"])
        style = dict(marker="o", linestyle="-" if group == "valuation" else "none", color=color)
        axis.plot(dates, rows["value"], label=group.replace("_", " "), **style)
        for j, (fid, d, v) in enumerate(zip(rows.index, dates, rows["value"])):
            notes.append(axis.annotate(f"{(labels or {}).get(fid, figure_words(fid))}: {money(v)}", (d, v),
                                       xytext=(6, 4), textcoords="offset points", fontsize=7, color=color))
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
    declutter(fig, axis, sorted(notes, key=lambda t: (t.xy[0], -t.xy[1])))
    return fig


def figure_words(fid: str) -> str:
    """A figure id as words for a label: 'amazon_tranche_2023' -> 'Amazon tranche 2023'."""
    words = fid.replace("_", " ")
    for short, long in (("msft", "Microsoft"), ("nvda", "NVIDIA"), ("arr", "run-rate")):
        words = " ".join(long if w == short else w for w in words.split())
    return words[:1].upper() + words[1:]


