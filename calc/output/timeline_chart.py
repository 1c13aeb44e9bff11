"""The fan chart of a timeline: revenue against commitment spend, period by period.

p05-p95 bands (when sampled) around each central line, the shortfall (spend above the revenue that
pays for compute) shaded, break-even marked, the sources in a footnote. Drawn for ``calc run
--plot`` on a timeline and by ``calc.plots.timeline_chart``.
"""

from __future__ import annotations

import math

import numpy as np

from calc.output.chart import COLORS, _axes, _finish, _result_sources, _tick_formatter


def timeline_chart(result, variant: str | None = None, point: dict | None = None, ax=None):
    """Revenue and commitment spend per period for one case (default: the first), as a fan chart."""
    if result.timeline is None:
        raise ValueError("timeline_chart needs a result with a timeline")
    i = result.case_index(variant, point)
    fig, (axis,) = _axes(ax)
    x = result.timeline.timeline.decimal_years("start")          # each period at its start, as break-even
    names = [n for n in ("revenue", "commitment_spend") if n in result.central]
    for k, name in enumerate(names):
        y = result.central[name][i]
        axis.plot(x, y, color=COLORS[k], lw=2, marker="o", ms=3, label=name.replace("_", " "))
        st = result.stats.get(name)
        if st is not None:
            axis.fill_between(x, st["p05"][i], st["p95"][i], color=COLORS[k], alpha=0.18, lw=0,
                              label=f"{name.replace('_', ' ')} p05–p95")
    if len(names) == 2:
        share = result.central.get("compute_share_of_revenue")
        paid = result.central["revenue"][i] * (share[i] if share is not None else 1.0)
        spend = result.central["commitment_spend"][i]
        axis.fill_between(x, paid, spend, where=spend > paid, color=COLORS[1], alpha=0.10, hatch="//",
                          lw=0, label="gap: spend above revenue for compute", interpolate=True)
    if "break_even" in result.central:
        be = float(result.central["break_even"][i][0])
        if math.isfinite(be):
            axis.axvline(be, color=COLORS[2], ls="--", lw=1.5,
                         label=f"break-even {result.timeline.timeline.label(int(round(be * 12)))}")
    axis.set_xticks(x if len(x) <= 16 else x[::max(1, len(x) // 12)])
    axis.set_xticklabels([result.periods[j] for j in range(len(x))][::1 if len(x) <= 16 else max(1, len(x) // 12)],
                         rotation=0 if len(x) <= 10 else 45, fontsize=8)
    values = np.concatenate([np.ravel(result.central[n][i]) for n in names] +
                            [np.ravel(result.stats[n]["p95"][i]) for n in names if n in result.stats])
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size and positive.max() / positive.min() > 100 and positive.max() < 1e300:
        axis.set_yscale("log")          # growth over orders of magnitude (near 1e308 its margins overflow)
    axis.yaxis.set_major_formatter(_tick_formatter("USD"))
    axis.set_ylabel("USD per period")
    axis.grid(alpha=0.3)
    axis.legend(fontsize=8, loc="upper left")
    case = result.cases[i]
    where = f" ({case.variant})" if len(result.cases) > 1 else ""
    title = f"Revenue against commitment spend{where} — {result.scenario}" if result.scenario else \
        f"Revenue against commitment spend{where}"
    _finish(fig, title, _result_sources(result, names), ax is None, axis)
    return fig
