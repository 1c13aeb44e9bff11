"""Charts of results: fan charts over a sweep, tornadoes, per-GW bars, a funding timeline.

Every chart has axis labels with units (``capex [USD]``), a title and a footnote naming its sources
(publisher, date), and returns its matplotlib ``Figure``. matplotlib is imported inside the
functions, never at module import, so ``import calc.output.plots`` stays cheap and works without the
``plots`` extra; without a display the Agg backend is used.

    res = calc.load("scenarios/anthropic-arr.yaml").run(samples=2000, seed=1)
    calc.plots.fan_chart(res, "arr_projected", over="arr_horizon")
    calc.plots.save_default_plot(res, "fan.png")      # what ``calc run ... --plot fan.png`` does
"""

from __future__ import annotations

from calc.errors import CalcError
from calc.output.chart import (COLORS, DPI, SIZE, _axes, _case_label, _finish, _plan, _result_sources, _rows,  # noqa: F401
                               _sweep_value, _tick_formatter, _value_text, close, png_bytes, sweep_names)
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


# -- bars ---------------------------------------------------------------------------------------------

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


# -- a sensible default -------------------------------------------------------------------------------

def default_plot(result):
    """A sensible chart for any result: a fan chart over its sweep, else a tornado when a sensitivity
    table was computed (``calc run --sensitivity``), else a bar chart of the first output by case."""
    if getattr(result, "timeline", None) is not None:      # revenue against spend, period by period
        return timeline_chart(result)
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
