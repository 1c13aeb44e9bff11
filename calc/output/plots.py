"""Charts of results: fan charts over a sweep, tornadoes, histograms of samples, bars per case, timelines.

Every chart has axis labels in words from the glossary with the unit tables show (``Peak compute
[ZFLOP/s]``), a title and a footnote naming its sources (publisher, date), and returns its
matplotlib ``Figure``. ``plot(result, kind, quantity)`` draws any kind by name (``KINDS``; add a
kind there); ``save_plot`` is what ``calc run --plot PATH [--plot-kind K] [--plot-quantity Q]`` does. matplotlib is imported inside the
functions, never at module import, so ``import calc.output.plots`` stays cheap and works without the
``plots`` extra; without a display the Agg backend is used.

    res = calc.load("scenarios/anthropic-arr.yaml").run(samples=2000, seed=1)
    calc.plots.fan_chart(res, "arr_projected", over="arr_horizon")
    calc.plots.save_default_plot(res, "fan.png")      # what ``calc run ... --plot fan.png`` does
"""

from __future__ import annotations

from calc.errors import CalcError
from calc.output.chart import (COLORS, DPI, SIZE, _axes, _case_label, _finish, _plan, _result_sources, _rows,  # noqa: F401
                               _sweep_value, _tick_formatter, _value_text, close, human_label, png_bytes, shown,
                               sweep_names)
from calc.output.figure_plots import FUNDING, as_of_date, bar_chart_per_gw, per_gw_frame, timeline  # noqa: F401
from calc.output.layout import label, point_text
from calc.output.timeline_chart import timeline_chart  # noqa: F401 -- calc.plots.timeline_chart


def fan_chart(result, quantity: str, over: str | None = None, ax=None):
    """``quantity`` over the sweep ``over``: per variant, the central line and its p05-p95 band.

    With kept draws (small runs) a darker p25-p75 band is drawn too; without samples, lines only.
    The y axis is logarithmic when the values span more than a factor of 20.
    """
    result._name(quantity)
    names = sweep_names(result)
    over = over or (names[0] if names else None)
    if not names:
        raise CalcError("a fan chart needs a sweep (add 'sweep:' to the scenario); try --plot-kind bars"
                        + (" or hist" if result.samples else ""))
    if over not in names:
        raise CalcError(f"fan_chart: {over!r} is not swept in this result; sweeps: {', '.join(names)}")
    import numpy as np

    fig, (axis,) = _axes(ax)
    conv, unit = shown(result, quantity)
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
        central = conv(result.central[quantity][idx])
        if stats is not None:
            p05, p95 = conv(stats["p05"][idx]), conv(stats["p95"][idx])
            if not np.allclose(p05, p95, rtol=1e-9, atol=0):      # an input-free line has no band
                axis.fill_between(x, p05, p95, color=color, alpha=0.2, linewidth=0, label=f"{key}: 5–95 %")
            if quantity in result.draws and not np.allclose(p05, p95, rtol=1e-9, atol=0):
                p25, p75 = conv(np.percentile(result.draws[quantity][idx], [25, 75], axis=1))
                axis.fill_between(x, p25, p75, color=color, alpha=0.3, linewidth=0, label=f"{key}: 25–75 %")
            lows.append(p05)
        axis.plot(x, central, color=color, marker="o", label=f"{key}: central")
        lows.append(central)
    values = np.concatenate(lows + [conv(result.central[quantity])])
    if np.all(values > 0) and values.max() / values.min() > 20:
        axis.set_yscale("log")
    axis.yaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(human_label(over, result.unit_text(over) if over in result.units else ""))
    axis.set_ylabel(human_label(quantity, unit))
    axis.grid(True, alpha=0.3)
    axis.legend(fontsize=8, loc="upper left")
    band = "central value and 5–95 % band" if stats is not None else "central values"
    _finish(fig, f"{human_label(quantity)} over {human_label(over).lower()} ({band}){_scenario_suffix(result)}",
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
    conv, unit = shown(result, quantity)
    central = float(conv(result.central[quantity][row]))
    y = range(len(rows))
    lo, hi = conv(rows["at_input_p05"].to_numpy()), conv(rows["at_input_p95"].to_numpy())
    height = 0.6
    axis.barh(list(y), lo - central, left=central, height=height, color=COLORS[0],
              label="input at its 5th percentile")
    axis.barh(list(y), hi - central, left=central, height=height, color=COLORS[1],
              label="input at its 95th percentile")
    axis.set_ylim(-0.5 - (1 - height), len(rows) - 0.5 + (1 - height))
    axis.set_yticks(list(y), [f"{n}\n{r}" for n, r in zip(rows["input"], rows["input_range"])], fontsize=8)
    axis.axvline(central, color="black", linewidth=1)
    axis.xaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(human_label(quantity, unit))
    axis.set_ylabel("input [its 90 % range]")
    axis.grid(True, axis="x", alpha=0.3)
    if len(rows):
        axis.legend(fontsize=8, loc="lower right")
    else:
        axis.text(0.5, 0.5, f"no uncertain input moves {human_label(quantity).lower()}", transform=axis.transAxes,
                  ha="center")
    where = ", ".join(t for t in (case.variant, point_text(case.point)) if t)
    _finish(fig, f"What moves {human_label(quantity).lower()} ({where}); central {_value_text(central, unit)}{_scenario_suffix(result)}",
            _result_sources(result, [quantity], [row]), ax is None, axis)
    return fig


# -- bars ---------------------------------------------------------------------------------------------

def bar_chart(result, quantity: str | None = None, ax=None):
    """``quantity`` (default: the first output) per case, with 5-95 % whiskers when sampled.

    Each value is written just past the end of its whisker (or bar), never across it, and the axis is
    widened to hold it.
    """
    quantity = result._name(quantity or result.shown[0])
    import numpy as np

    fig, (axis,) = _axes(ax)
    conv, unit = shown(result, quantity)
    n = len(result.cases)
    values = np.asarray(conv(result.central[quantity]), dtype=float)
    labels = [_case_label(result, i) or result.cases[i].variant for i in range(n)]
    stats = result.stats.get(quantity)
    err, ends = None, values.copy()
    if stats is not None:
        p05, p95 = np.asarray(conv(stats["p05"]), dtype=float), np.asarray(conv(stats["p95"]), dtype=float)
        err = np.vstack([values - p05, p95 - values]).clip(min=0)
        ends = np.maximum(values, p95)
    axis.barh(range(n), values, xerr=err, height=0.5, color=[COLORS[i % len(COLORS)] for i in range(n)],
              capsize=4, error_kw={"elinewidth": 1.2})
    axis.set_yticks(range(n), labels, fontsize=9)
    axis.set_ylim(n - 0.4, -0.6)                       # first case on top, room above and below
    axis.xaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(human_label(quantity, unit))
    axis.grid(True, axis="x", alpha=0.3)
    for k, (v, end) in enumerate(zip(values, ends)):
        axis.annotate(_value_text(v, unit), (end, k), xytext=(6, 0), textcoords="offset points", fontsize=9,
                      va="center", ha="left")
    low = min(0.0, float(np.nanmin(values)))
    high = float(np.nanmax(ends)) if n else 1.0
    axis.set_xlim(low, high + 0.22 * (high - low or 1.0))     # room for the value text past the whisker
    whisk = " (whiskers: 5–95 %)" if stats is not None else ""
    _finish(fig, f"{human_label(quantity)}{whisk}{_scenario_suffix(result)}", _result_sources(result, [quantity]),
            ax is None, axis)
    return fig


# -- histogram ----------------------------------------------------------------------------------------

def hist_chart(result, quantity: str | None = None, variant: str | None = None, point: dict | None = None,
               ax=None, bins: int = 40):
    """The samples of ``quantity`` in one case (default: the first) as a histogram, with the central
    value, the median and the 5th and 95th percentiles marked. Needs a sampled run (``--samples N``)."""
    quantity = result._name(quantity or result.shown[0])
    if not result.samples or quantity not in result.draws:
        raise CalcError(f"a histogram of {quantity} needs its samples: run with --samples N (N > 0)"
                        + ("; this run keeps no draws of it (too many cases x samples), plot one variant"
                           if result.samples else ""))
    import numpy as np

    row = result.case_index(variant, point)
    conv, unit = shown(result, quantity)
    draws = np.asarray(conv(result.draws[quantity][row]), dtype=float)
    draws = draws[np.isfinite(draws)]
    fig, (axis,) = _axes(ax)
    axis.hist(draws, bins=bins, color=COLORS[0], alpha=0.75)
    central = float(conv(result.central[quantity][row]))
    p05, p50, p95 = np.percentile(draws, [5, 50, 95])
    for x, style, name in ((central, "-", "central"), (p50, "--", "median"), (p05, ":", "5th percentile"),
                           (p95, ":", "95th percentile")):
        axis.axvline(x, color="black", linestyle=style, linewidth=1, label=f"{name}: {_value_text(x, unit)}")
    axis.xaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(human_label(quantity, unit))
    axis.set_ylabel(f"samples (of {len(draws):,})")
    axis.legend(fontsize=8, loc="upper right")
    axis.grid(True, axis="y", alpha=0.3)
    case = result.cases[row]
    where = ", ".join(t for t in (case.variant, point_text(case.point)) if t)
    _finish(fig, f"{human_label(quantity)}: {result.samples:,} samples ({where}){_scenario_suffix(result)}",
            _result_sources(result, [quantity], [row]), ax is None, axis)
    return fig


# -- a sensible default -------------------------------------------------------------------------------

def _timeline(result, quantity=None, ax=None):
    if getattr(result, "timeline", None) is None:
        raise CalcError("a timeline chart needs a scenario with a timeline; "
                        f"try --plot-kind {'fan' if sweep_names(result) else 'bars'}")
    return timeline_chart(result, ax=ax)


def _fan(result, quantity=None, ax=None):
    return fan_chart(result, quantity or _moving(result), ax=ax)


def _tornado(result, quantity=None, ax=None):
    return tornado_chart(result, quantity or _moved(result) or result.shown[0], ax=ax)


KINDS = {                 # --plot-kind NAME -> function(result, quantity or None, ax); add kinds here
    "fan": _fan,
    "tornado": _tornado,
    "hist": lambda result, quantity=None, ax=None: hist_chart(result, quantity, ax=ax),
    "bars": lambda result, quantity=None, ax=None: bar_chart(result, quantity, ax=ax),
    "timeline": _timeline,
}


def _moving(result) -> str:
    """The first shown quantity that changes along the first sweep."""
    names = sweep_names(result)
    if not names:
        return result.shown[0]
    moving = [q for q in result.shown if any(names[0] in _plan(result, i).depends(q) for i in _rows(result))]
    return (moving or result.shown)[0]


def _moved(result) -> str | None:
    """The first shown quantity an uncertain input moves, in the sensitivity table (if any)."""
    table = result.sensitivity_table
    if table is None or table.empty:
        return None
    moved = [q for q in result.shown if (table[(table["quantity"] == q)]["swing"] > 0).any()]
    return moved[0] if moved else None


def default_kind(result, quantity: str | None = None) -> str:
    """The chart that suits a result: a timeline, a fan over its sweep, a tornado when a sensitivity table
    was computed, a histogram of one sampled case, else bars per case."""
    if getattr(result, "timeline", None) is not None:
        return "timeline"
    if sweep_names(result):
        return "fan"
    if _moved(result) and (quantity is None or quantity == _moved(result)):
        return "tornado"
    if result.samples and len(result.cases) == 1 and (quantity or result.shown[0]) in result.draws:
        return "hist"
    return "bars"


def plot(result, kind: str | None = None, quantity: str | None = None, ax=None):
    """A chart of ``result``: ``kind`` one of ``KINDS`` (default: ``default_kind``), of ``quantity``
    (default: the one that suits the kind). Bad names are a CalcError with a suggestion."""
    from calc.suggest import did_you_mean

    if quantity is not None and quantity not in result.central:
        raise CalcError(f"--plot-quantity {quantity}: not in this result{did_you_mean(quantity, result.shown)}; "
                        f"it shows {', '.join(result.shown)}")
    kind = kind or default_kind(result, quantity)
    if kind not in KINDS:
        raise CalcError(f"--plot-kind {kind}: unknown{did_you_mean(kind, KINDS)}; kinds: {', '.join(KINDS)}")
    if getattr(result, "timeline", None) is not None and kind != "timeline":
        # the per-case charts read one value per row; a timeline has one per period (was exit 3)
        raise CalcError(f"--plot-kind {kind}: not drawn for a scenario with a timeline (a value per period); "
                        "use --plot-kind timeline (the default), or --format csv for every period and sample")
    return KINDS[kind](result, quantity, ax=ax)


def default_plot(result):
    """A sensible chart for any result (``plot`` with the default kind and quantity)."""
    return plot(result)


def save_plot(result, path, kind: str | None = None, quantity: str | None = None, dpi: int = DPI):
    """Draw ``plot(result, kind, quantity)`` and save it to ``path`` (PNG, SVG or PDF by its suffix).
    SVG keeps its text as text, so labels can be searched and read by screen readers."""
    fig = plot(result, kind, quantity)
    try:
        import matplotlib

        with matplotlib.rc_context({"svg.fonttype": "none"}):
            fig.savefig(path, dpi=dpi, format=str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else None)
    finally:
        close(fig)
    return fig


def save_default_plot(result, path, dpi: int = DPI):
    """Draw ``default_plot(result)`` and save it to ``path`` (PNG, SVG or PDF by its suffix)."""
    return save_plot(result, path, dpi=dpi)


def default_plots_png(result, dpi: int = DPI) -> dict[str, bytes]:
    """{caption: PNG bytes} of the default chart, for embedding in a report."""
    fig = default_plot(result)
    try:
        caption = fig.axes[0].get_title("left") or fig.get_suptitle() or "chart"
        return {caption: png_bytes(fig, dpi)}
    finally:
        close(fig)
