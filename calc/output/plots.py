"""Charts: of results (fan over a sweep, tornado, histogram of samples, bars per case, a timeline's
revenue against spend), of registry figures (per-GW bars, funding over time) and of the deals
ledger (who pays whom).

Every chart has axis labels in words from the glossary with the unit tables show (``Peak compute
[ZFLOP/s]``), a title and a footnote naming its sources (publisher, date), and returns its
matplotlib ``Figure``. ``plot(result, kind, quantity)`` draws any kind by name (``KINDS``; add a
kind there); ``save_plot`` is what ``calc run --plot PATH [--plot-kind K] [--plot-quantity Q]
[--plot-variant V]`` does. matplotlib is imported when a chart is drawn (``calc.optional.need``),
never at module import, so ``import calc.output.plots`` stays cheap and works without the ``plots``
extra; without a display the Agg backend is used.

    res = calc.load("scenarios/anthropic-arr.yaml").run(samples=2000, seed=1)
    calc.plots.fan_chart(res, "arr_projected", over="arr_horizon")
    calc.plots.save_default_plot(res, "fan.png")      # what ``calc run ... --plot fan.png`` does
"""

from __future__ import annotations

import io
import math
import os
import re
import sys
import textwrap

import numpy as np

from calc import dates
from calc.citations import figure_citations, source_citation
from calc.errors import CalcError
from calc.format import MONEY_SCALES, money, number
from calc.glossary import glossary
from calc.optional import need
from calc.output.layout import label, point_text
from calc.registry import registry
from calc.sensitivity import is_never, never_year
from calc.suggest import did_you_mean
from calc.units import Q
from calc.values import DATE_OUTPUTS

SIZE = (9.0, 5.0)         # inches: 900 x 500 pixels at DPI
DPI = 100
FOOTNOTE_SIZE = 7         # points
COLORS = ("#1f5fa8", "#d1495b", "#2a9d8f", "#e9a23b", "#6c4f9c", "#5b6770", "#8c564b")
_LABELLED = re.compile(r"^(?P<name>.*?) \[(?P<unit>.*)\]$")


# -- matplotlib, lazily ----------------------------------------------------------------------------

def _pyplot():
    """matplotlib.pyplot, on the Agg backend when there is no display and no backend was chosen."""
    matplotlib = need("matplotlib", "plots")
    display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    headless = sys.platform.startswith("linux") and not display
    if headless and "matplotlib.pyplot" not in sys.modules and not os.environ.get("MPLBACKEND") \
            and "ipykernel" not in sys.modules:
        matplotlib.use("Agg")
    return need("matplotlib.pyplot", "plots")


def _axes(ax, ncols: int = 1):
    """(figure, [axes]): the caller's ``ax`` (one panel) or a new figure of ``SIZE``."""
    if ax is not None:
        return ax.figure, [ax]
    plt = _pyplot()
    fig, axes = plt.subplots(1, ncols, figsize=SIZE, dpi=DPI, squeeze=False, layout="constrained")
    return fig, list(axes[0])


def human_label(name: str, unit: str = "") -> str:
    """An axis label a reader understands, from the glossary: 'accelerators the site can power
    [chip]'.

    The glossary's ``label`` when it has one, else its meaning up to the first ':' when that is
    short and no formula, else the name with spaces ('arr projected'); then the unit in brackets.
    """
    entry = glossary().get(name) or {}
    text = entry.get("label")
    if not text:
        lead = str(entry.get("meaning", "")).split(":")[0].strip()
        formula = re.search(r"[=/^*+]|\bx\b|_", lead)
        text = lead if lead and len(lead) <= 48 and not formula else name.replace("_", " ")
    text = text[0].upper() + text[1:] if text else name
    return f"{text} [{unit}]" if unit else text


def shown(result, name: str):
    """(convert, unit): the display unit a table shows ``name`` in (``Result.shown_unit``), for
    axes."""
    if name in DATE_OUTPUTS:                             # decimal years, drawn as dates
        return (lambda x: x), "date"
    if hasattr(result, "shown_unit") and name in result.central:
        conv = result.shown_unit(name)
        return conv, conv.unit
    return (lambda x: x), result.unit_text(name)


def _tick_formatter(unit: str):
    """Ticks as a reader writes them: $30B for money, 400,000 for counts, 1.21e+21 for huge
    numbers."""
    FuncFormatter = need("matplotlib.ticker", "plots").FuncFormatter

    if unit == "USD" or unit.startswith("USD/"):
        return _money_formatter()
    if unit == "date":
        return FuncFormatter(lambda x, _pos: date_text(x))
    return FuncFormatter(lambda x, _pos: number(x, digits=3))


def _money_formatter():
    """Money ticks in one scale per axis, that of the largest tick: $0, $50B, $100B (not $0.00
    beside $50.0B)."""
    Formatter = need("matplotlib.ticker", "plots").Formatter

    class Money(Formatter):
        def format_ticks(self, values):             # every tick of the axis at once
            values = list(values)
            return [money_tick(x, values) for x in values]

        def __call__(self, x, pos=None):            # one value alone (a cursor readout)
            return money_tick(x, [x])

    return Money()


def money_tick(x: float, ticks) -> str:
    """``x`` [USD] in the scale of the largest of ``ticks`` (its own where they span a factor 1000
    or more), as few decimals as it needs: money_tick(0, [0, 5e10]) -> '$0',
    money_tick(2.5e9, [0, 5e9]) -> '$2.5B'."""
    if not math.isfinite(x):
        return money(x)
    sizes = [abs(t) for t in ticks if math.isfinite(t) and t]
    if sizes and max(sizes) >= 1000 * min(sizes):
        sizes = [abs(x)]                # a log axis ($100M to $1T): each tick in its own scale
    top = max(sizes, default=abs(x))
    scale, suffix = next(((v, s) for v, s in MONEY_SCALES if top >= v), (1.0, ""))
    v = round(abs(x) / scale, 2)
    return ("-" if x < 0 and v else "") + f"${v:,.2f}".rstrip("0").rstrip(".") \
        + (suffix if v else "")


def _period_ticks(axis, result) -> None:
    """A date axis ticked at the timeline's period starts in view, labelled as the periods are
    ('2032', '2032-Q2'; never a month on a yearly timeline), eight at most."""
    FixedFormatter = need("matplotlib.ticker", "plots").FixedFormatter
    starts, name = period_axis(result)
    low, high = axis.get_xlim()
    ticks = [float(t) for t in starts if low <= t <= high]
    if not ticks:
        return
    ticks = ticks[::max(1, math.ceil(len(ticks) / 8))]
    axis.set_xticks(ticks)
    axis.xaxis.set_major_formatter(FixedFormatter([name(t) for t in ticks]))


def date_text(x: float) -> str:
    """A decimal year as a date: 2028.0 -> '2028', 2028.25 -> '2028-04'; NaN -> 'never'."""
    if x is None or not math.isfinite(x):
        return "never"
    index = int(round(x * 12))                  # calc.dates.month_index: months since year 0
    return str(index // 12) if index % 12 == 0 else dates.month_text(index)


def per_case(result, name: str, values):
    """``values`` of ``name`` without the period axis of a whole-timeline quantity (funding_need,
    break_even: one value per case): shape (cases,) from central or stats, (samples,) from one
    case's draws."""
    a = np.asarray(values, dtype=float)
    return a[..., 0] if name in getattr(result, "timeless", ()) else a


def _finish(fig, title: str, sources: list[str], own: bool, ax=None) -> None:
    """Title (on ``ax`` or the figure) and the sources footnote at the bottom of a figure we
    made."""
    if ax is not None:
        fit_text(fig, ax.set_title(title, fontsize=11, loc="left"))
    else:
        fit_text(fig, fig.suptitle(title, fontsize=11, x=0.01, ha="left"))
    if not own:         # drawn into the caller's axes: the figure (and its footnote) is theirs
        return
    text = "Sources: " + ("; ".join(sources) if sources else "none given")
    width = int(fig.get_figwidth() * 72 / (FOOTNOTE_SIZE * 0.6))
    # supxlabel is a figure text that constrained layout makes room for: the footnote never overlaps
    fig.supxlabel(textwrap.fill(text, width=width), x=0.01, ha="left", fontsize=FOOTNOTE_SIZE,
                  color="#555555")


TITLE_LINES = 3         # a longer title is cut with '…': it would squeeze the axes to nothing


def fit_text(fig, text, margin: float = 6.0):
    """Wrap ``text`` (a title) into lines that end inside the figure, ``margin`` pixels from its
    right edge: a long title was clipped at the edge (the fan chart's, in docs/fan-chart.png).
    At most ``TITLE_LINES`` lines: a 20,000-character scenario name left the axes no room
    (matplotlib's 'constrained_layout not applied' warning, and an empty chart)."""
    raw = " ".join(text.get_text().split())
    text.set_text(raw)
    renderer = fig.canvas.get_renderer()
    room = fig.bbox.x1 - margin
    for _ in range(4):
        box = text.get_window_extent(renderer)
        if box.x1 <= room or box.width <= 0:
            break
        longest = max(len(line) for line in text.get_text().split("\n"))
        chars = int(longest * (room - box.x0) / box.width) - 1
        text.set_text(textwrap.fill(raw, width=max(20, chars), max_lines=TITLE_LINES,
                                    placeholder=" …"))
    return text


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
        if bb.x1 > box.x1:                      # past the right edge: put it left of the point
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
            up = (hit.y1 - bb.y0 + gap) * 72 / fig.dpi
            down = (y - step) if bb.y0 - (bb.y1 - hit.y0 + gap) > box.y0 else (y + up)
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


# -- sources ---------------------------------------------------------------------------------------

def _plan(result, i: int):
    """The engine plan of row ``i``."""
    return result.plan(i) if hasattr(result, "plan") else result.plans[i]


def _rows(result) -> list[int]:
    """One row per plan is enough for lineage: the first row of each variant where the result
    says."""
    return result.first_rows() if hasattr(result, "first_rows") else list(range(len(result.cases)))


def result_sources(result, names, rows=None) -> list[str]:
    """'publisher (date)' for every source ``names`` rest on (in ``rows``, default all);
    assumptions once."""
    ids: list[str] = []
    for i in _rows(result) if rows is None else rows:
        for name in names:
            if name in _plan(result, i).steps:
                ids += [s for s in result.lineage(i, name)["sources"] if s not in ids]
    cited = [result.citations[sid] if sid in result.citations
             else source_citation(result.registry, sid) for sid in ids]
    return list(dict.fromkeys(c.short() for c in cited if c.known))


def figure_sources(fids) -> list[str]:
    """'publisher (date)' for every source behind registry figures ``fids``."""
    return list(dict.fromkeys(c.short() for c in figure_citations(registry(), fids) if c.known))


# -- fan chart -------------------------------------------------------------------------------------

def sweep_names(result) -> list[str]:
    """The names the result's cases are swept over, in order."""
    return list(dict.fromkeys(k for c in result.cases for k in c.point))


def _sweep_value(result, i: int, over: str) -> float:
    if over in result.central:
        return float(result.central[over][i])
    return float(Q(result.cases[i].point[over]).magnitude)


def _value_text(x: float, unit: str) -> str:
    if unit == "date":
        return date_text(x)
    if unit == "USD" or unit.startswith("USD/"):
        return money(x) + (unit[3:] if unit != "USD" else "")
    return f"{number(x, digits=3)} {unit}".rstrip()


def _case_label(result, i: int, prefix: str = "") -> str:
    c = result.cases[i]
    variant = c.variant if len({k.variant for k in result.cases}) > 1 or not prefix else ""
    text = ", ".join(t for t in (variant, point_text(c.point)) if t)
    return ": ".join(t for t in (prefix, text) if t)


def fan_chart(result, quantity: str, over: str | None = None, ax=None,
              variant: str | None = None):
    """``quantity`` over the sweep ``over``: per variant (or ``variant`` only), the central line
    and its p05-p95 band.

    With kept draws (small runs) a darker p25-p75 band is drawn too; without samples, lines only.
    The y axis is logarithmic when the values span more than a factor of 20.
    """
    result._name(quantity)
    names = sweep_names(result)
    over = over or (names[0] if names else None)
    if not names:
        raise CalcError("a fan chart needs a sweep (add 'sweep:' to the scenario); "
                        "try --plot-kind bars"
                        + (" or hist" if result.samples else ""))
    if over not in names:
        raise CalcError(f"fan_chart: {over!r} is not swept in this result; "
                        f"sweeps: {', '.join(names)}")
    fig, (axis,) = _axes(ax)
    conv, unit = shown(result, quantity)
    groups: dict[str, list[int]] = {}
    for i, c in enumerate(result.cases):
        if variant is not None and c.variant != variant:
            continue
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
                axis.fill_between(x, p05, p95, color=color, alpha=0.2, linewidth=0,
                                  label=f"{key}: 5–95 %")
            if quantity in result.draws and not np.allclose(p05, p95, rtol=1e-9, atol=0):
                p25, p75 = conv(np.percentile(result.draws[quantity][idx], [25, 75], axis=1))
                axis.fill_between(x, p25, p75, color=color, alpha=0.3, linewidth=0,
                                  label=f"{key}: 25–75 %")
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
    title = f"{human_label(quantity)} over {human_label(over).lower()} ({band})"
    _finish(fig, title + _scenario_suffix(result), result_sources(result, [quantity]), ax is None,
            axis)
    return fig


def _scenario_suffix(result) -> str:
    return f" — {result.scenario}" if result.scenario else ""


# -- tornado ---------------------------------------------------------------------------------------

def tornado_chart(result, quantity: str, variant: str | None = None, point: dict | None = None,
                  ax=None):
    """What moves ``quantity`` most: each uncertain input at its p05 and its p95, the others
    central.

    From ``result.sensitivity()`` (computed here unless already there), for one case: ``variant``
    (default: the first) at ``point`` (default: the first).
    """
    result._name(quantity)
    row = result.case_index(variant, point)
    case = result.cases[row]
    table = result.sensitivity_table
    if table is None:
        table = result.sensitivity()
    named = table["quantity"]                  # a per-period output names its period
    mine = table[((named == quantity) | named.str.startswith(quantity + " ("))
                 & (table["variant"] == case.variant) & (table["point"] == point_text(case.point))]
    rows = mine[mine["swing"] > 0].sort_values("swing", ascending=True, kind="stable")
    fig, (axis,) = _axes(ax)
    conv, unit = shown(result, quantity)
    if len(mine):                              # as ranked: a date that never comes is the end
        central = float(conv(mine["value"].iloc[0]))
    else:
        central = float(conv(per_case(result, quantity, result.central[quantity])[row]))
    y = range(len(rows))
    lo, hi = conv(rows["at_input_p05"].to_numpy()), conv(rows["at_input_p95"].to_numpy())
    height = 0.6
    axis.barh(list(y), lo - central, left=central, height=height, color=COLORS[0],
              label="input at its 5th percentile")
    axis.barh(list(y), hi - central, left=central, height=height, color=COLORS[1],
              label="input at its 95th percentile")
    axis.set_ylim(-0.5 - (1 - height), len(rows) - 0.5 + (1 - height))
    # '\$': two money values in one label ('[$12.0B/GW/yr, $20.0B/GW/yr]') would read as maths
    axis.set_yticks(list(y), [f"{n}\n{r}".replace("$", r"\$")
                              for n, r in zip(rows["input"], rows["input_range"])], fontsize=8)
    axis.axvline(central, color="black", linewidth=1)
    never = never_year(result) if unit == "date" else float("nan")
    if unit == "date":
        _date_ticks(axis, np.concatenate([[central], lo, hi]), never)
    else:
        axis.xaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(human_label(quantity, unit))
    axis.set_ylabel("input [its 90 % range]")
    axis.grid(True, axis="x", alpha=0.3)
    if len(rows):
        axis.legend(fontsize=8, loc="lower right")
    else:
        axis.text(0.5, 0.5, f"no uncertain input at its 5th or 95th percentile brings "
                  f"{human_label(quantity).lower()} within the timeline"
                  if is_never(central, never) else
                  f"no uncertain input moves {human_label(quantity).lower()}",
                  transform=axis.transAxes, ha="center", bbox={"color": "white"})
    named = mine["quantity"].iloc[0] if len(mine) else quantity
    period = named[len(quantity) + 2:-1]      # 'coverage (2033)' -> '2033'; '' for break_even
    where = ", ".join(t for t in (case.variant, point_text(case.point), period) if t)
    text = "never" if is_never(central, never) else _value_text(central, unit)
    title = f"What moves {human_label(quantity).lower()} ({where}); central {text}".replace(
        "$", r"\$")
    _finish(fig, title + _scenario_suffix(result), result_sources(result, [quantity], [row]),
            ax is None, axis)
    return fig


def _date_ticks(axis, xs: np.ndarray, never: float) -> None:
    """A date axis over ``xs`` [yr]: whole years as ticks, 'never' at ``never`` (the timeline's end,
    where the tornado ranks a date that never comes) and no tick past it."""
    FixedFormatter = need("matplotlib.ticker", "plots").FixedFormatter
    xs = np.asarray(xs, dtype=float)
    xs = xs[np.isfinite(xs)]
    low, high = (float(xs.min()), float(xs.max())) if xs.size else (never, never)
    low = min(low, high - 2)                   # a few years before a lone date
    pad = max(0.5, 0.08 * (high - low))
    step = max(1, int(math.ceil((high - low) / 8)))
    ticks = [float(t) for t in range(int(math.ceil(low - pad)), int(math.floor(high + pad)) + 1,
                                     step)]
    if math.isfinite(never):
        ticks = [t for t in ticks if t < never - 0.5 * step] + ([never] if high + pad >= never
                                                               else [])
    axis.set_xlim(low - pad, high + pad)
    axis.set_xticks(ticks)
    axis.xaxis.set_major_formatter(FixedFormatter(
        ["never" if is_never(t, never) else date_text(t) for t in ticks]))


# -- bars ------------------------------------------------------------------------------------------

def bar_chart(result, quantity: str | None = None, ax=None, variant: str | None = None):
    """``quantity`` (default: the first output) per case (of ``variant`` only, when given), with
    5-95 % whiskers when sampled. On a timeline, a quantity with one value per case (funding_need,
    break_even); a date is a point (a bar from an axis start would mean nothing), 'never' has
    none.

    Each value is written just past the end of its whisker (or bar), never across it, and the axis
    is widened to hold it.
    """
    quantity = result._name(quantity or result.shown[0])
    fig, (axis,) = _axes(ax)
    conv, unit = shown(result, quantity)
    cases = [i for i, c in enumerate(result.cases) if variant is None or c.variant == variant]
    n = len(cases)
    values = np.asarray(conv(per_case(result, quantity, result.central[quantity])[cases]),
                        dtype=float)
    labels = [_case_label(result, i) or result.cases[i].variant for i in cases]
    stats = result.stats.get(quantity)
    err, ends = None, values.copy()
    if stats is not None:
        p05 = np.asarray(conv(per_case(result, quantity, stats["p05"])[cases]), dtype=float)
        p95 = np.asarray(conv(per_case(result, quantity, stats["p95"])[cases]), dtype=float)
        err = np.vstack([values - p05, p95 - values]).clip(min=0)
        ends = np.fmax(values, p95)
    base = float(period_axis(result)[0][0]) if unit == "date" else 0.0
    if unit == "date":
        ends = np.where(np.isfinite(ends), ends, base)         # 'never' is written at the start
    if unit == "date":
        for k in range(n):                  # one call per case: each its colour
            axis.errorbar([values[k]], [k], xerr=None if err is None else err[:, k:k + 1],
                          fmt="o", ms=7, color=COLORS[k % len(COLORS)], capsize=4, elinewidth=1.2)
    else:
        axis.barh(range(n), values - base, left=base, xerr=err, height=0.5,
                  color=[COLORS[i % len(COLORS)] for i in range(n)], capsize=4,
                  error_kw={"elinewidth": 1.2})
    axis.set_yticks(range(n), labels, fontsize=9)
    axis.set_ylim(n - 0.4, -0.6)                       # first case on top, room above and below
    axis.xaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_xlabel(human_label(quantity, unit))
    axis.grid(True, axis="x", alpha=0.3)
    for k, (v, end) in enumerate(zip(values, ends)):
        axis.annotate(_value_text(v, unit), (end, k), xytext=(6, 0), textcoords="offset points",
                      fontsize=9, va="center", ha="left")
    low = base if unit == "date" else min(0.0, float(np.nanmin(values)))
    high = float(np.nanmax(ends)) if n else 1.0
    axis.set_xlim(low, high + 0.22 * (high - low or 1.0))   # room for the value past the whisker
    if unit == "date" and result.periods:
        _period_ticks(axis, result)
    whisk = " (whiskers: 5–95 %)" if stats is not None else ""
    _finish(fig, f"{human_label(quantity)}{whisk}{_scenario_suffix(result)}",
            result_sources(result, [quantity]), ax is None, axis)
    return fig


# -- histogram -------------------------------------------------------------------------------------

def hist_chart(result, quantity: str | None = None, variant: str | None = None,
               point: dict | None = None, ax=None, bins: int = 40):
    """The samples of ``quantity`` in one case (default: the first) as a histogram, with the
    central value, the median and the 5th and 95th percentiles marked. Needs a sampled run
    (``--samples N``). On a timeline, a quantity with one value per case (funding_need); a date's
    samples that never come are counted in the axis label."""
    quantity = result._name(quantity or result.shown[0])
    if not result.samples or quantity not in result.draws:
        raise CalcError(f"a histogram of {quantity} needs its samples: run with --samples N (N > 0)"
                        + ("; this run keeps no draws of it (too many cases x samples), "
                           "plot one variant" if result.samples else ""))
    row = result.case_index(variant, point)
    conv, unit = shown(result, quantity)
    every = np.asarray(conv(per_case(result, quantity, result.draws[quantity][row])), dtype=float)
    draws = every[np.isfinite(every)]
    if not draws.size:
        raise CalcError(f"a histogram of {quantity}: no sample has a value "
                        f"({'never in any sample' if unit == 'date' else 'all undefined'})")
    fig, (axis,) = _axes(ax)
    axis.hist(draws, bins=bins, color=COLORS[0], alpha=0.75)
    central = float(conv(per_case(result, quantity, result.central[quantity])[row]))
    p05, p50, p95 = np.percentile(draws, [5, 50, 95])
    for x, style, name in ((central, "-", "central"), (p50, "--", "median"),
                           (p05, ":", "5th percentile"), (p95, ":", "95th percentile")):
        if not math.isfinite(x):
            continue
        axis.axvline(x, color="black", linestyle=style, linewidth=1,
                     label=f"{name}: {_value_text(x, unit)}")
    axis.xaxis.set_major_formatter(_tick_formatter(unit))
    if unit == "date" and result.periods:
        _period_ticks(axis, result)
    axis.set_xlabel(human_label(quantity, unit))
    missing = every.size - draws.size
    axis.set_ylabel(f"samples (of {every.size:,}" + (f"; {missing:,} never)" if missing else ")"))
    axis.legend(fontsize=8, loc="upper right")
    axis.grid(True, axis="y", alpha=0.3)
    case = result.cases[row]
    where = ", ".join(t for t in (case.variant, point_text(case.point)) if t)
    title = f"{human_label(quantity)}: {result.samples:,} samples ({where})"
    _finish(fig, title + _scenario_suffix(result), result_sources(result, [quantity], [row]),
            ax is None, axis)
    return fig

# -- the fan chart of a timeline -------------------------------------------------------------------

def period_axis(result):
    """(starts, name): each period's start as a decimal year [yr] (2028.25 is the start of 2028-Q2),
    and ``name(year)``, the label of the period starting at decimal year ``year`` ('2028-Q2').
    The one place the charts read a timeline's calendar; ``result.periods`` holds the labels."""
    return result.axis.decimal_years("start"), result.axis.date_text


def _timeline_rows(result, variant, point) -> list[int]:
    """The cases a timeline chart draws: every variant (or ``variant``) at ``point`` (default: the
    first)."""
    at = result.cases[result.case_index(variant, point)].point
    return [i for i, c in enumerate(result.cases)
            if c.point == at and (variant is None or c.variant == variant)]


def _paid(result, i: int):
    """(central, (p05, p95) or None): the revenue that pays for compute in case ``i``
    (compute_share_of_revenue x revenue [USD] per period); its band from the kept draws, or from
    revenue's band when the share is not uncertain."""
    share = result.central.get("compute_share_of_revenue")
    rev = result.central["revenue"][i]
    central = rev * (share[i] if share is not None else 1.0)
    band = None
    if "revenue" in result.stats:
        if share is None or "compute_share_of_revenue" not in result.stats:
            s = share[i] if share is not None else 1.0
            band = (result.stats["revenue"]["p05"][i] * s, result.stats["revenue"]["p95"][i] * s)
        elif "revenue" in result.draws and "compute_share_of_revenue" in result.draws:
            paid = result.draws["revenue"][i] * result.draws["compute_share_of_revenue"][i]
            band = tuple(np.nanpercentile(paid, [5, 95], axis=0))
    return central, band


def _all_paid(result, i: int) -> bool:
    """True when all revenue pays for compute in case ``i`` (the share is 1 in every period)."""
    share = result.central.get("compute_share_of_revenue")
    return share is None or bool(np.all(np.asarray(share)[i] == 1.0))


def timeline_chart(result, variant: str | None = None, point: dict | None = None, ax=None,
                   quantity: str | None = None):
    """A timeline per period, every variant overlaid and labelled (or only ``variant``), at
    ``point`` (default: the first sweep point). ``calc run --plot`` on a timeline.

    Without ``quantity``: commitment spend against the revenue that pays for compute
    (compute_share_of_revenue x revenue) and total revenue, with break-even marked where the
    spend line and the compute-share line meet for good; with one variant, p05-p95 bands (when
    sampled) and the shortfall shaded; a line identical in several variants is drawn once,
    labelled with each ('base, decaying: commitment spend'). With ``quantity`` (a per-period one,
    e.g. coverage): its central line per variant with its p05-p95 band.
    """
    if not result.periods:
        raise ValueError("timeline_chart needs a result with a timeline")
    rows = _timeline_rows(result, variant, point)
    fig, (axis,) = _axes(ax)
    x, period_name = period_axis(result)         # each period at its start, as break-even
    one = len(rows) == 1
    several = len({c.variant for c in result.cases}) > 1
    values = []

    def tag(i: int, what: str) -> str:
        return f"{result.cases[i].variant}: {what}" if several else what

    drawn: dict = {}                # (what, values) -> (line, its variants): each drawn once

    def line(i, y, band, color, what, **style):
        key = (what, np.asarray(y, dtype=float).tobytes())
        if several and (band is None or not one and quantity is None) and key in drawn:
            shown_line, names = drawn[key]          # identical to a variant's line drawn already
            names.append(result.cases[i].variant)
            shown_line.set_label(f"{', '.join(names)}: {what}")
            return
        (drawn_line,) = axis.plot(x, y, color=color, label=tag(i, what), **style)
        drawn[key] = (drawn_line, [result.cases[i].variant])
        values.append(np.ravel(y))
        if band is not None and (one or quantity is not None):
            axis.fill_between(x, band[0], band[1], color=color, alpha=0.15, lw=0,
                              label=tag(i, f"{what} p05–p95"))
            values.append(np.ravel(band[1]))

    if quantity is None:
        unit, names = "USD", [n for n in ("revenue", "commitment_spend") if n in result.central]
        for k, i in enumerate(rows):
            all_paid = _all_paid(result, i)
            c = (COLORS[0], COLORS[1], COLORS[3]) if one else (COLORS[k % len(COLORS)],) * 3
            st = result.stats
            if "commitment_spend" in names:
                band = (st["commitment_spend"]["p05"][i], st["commitment_spend"]["p95"][i]) \
                    if "commitment_spend" in st else None
                line(i, result.central["commitment_spend"][i], band, c[1], "commitment spend",
                     lw=2.2, marker="o", ms=3)
            if "revenue" in names:
                paid, band = _paid(result, i)
                what = "revenue (all of it pays for compute)" if all_paid else \
                    "revenue that pays for compute"
                line(i, paid, band, c[0], what, lw=2, ls="--", marker="s", ms=3)
                if not all_paid:
                    rb = (st["revenue"]["p05"][i], st["revenue"]["p95"][i]) \
                        if "revenue" in st and one else None
                    line(i, result.central["revenue"][i], rb, c[2], "total revenue", lw=1.2,
                         ls=":", marker=".", ms=4)
                if one and "commitment_spend" in names:
                    spend = result.central["commitment_spend"][i]
                    axis.fill_between(x, paid, spend, where=spend > paid, color=COLORS[1],
                                      alpha=0.10, hatch="//", lw=0, interpolate=True,
                                      label="gap: spend above revenue for compute")
            if "break_even" in result.central:
                be = float(result.central["break_even"][i][0])
                if math.isfinite(be):
                    axis.axvline(be, color=COLORS[2] if one else c[0], ls="-.", lw=1.3,
                                 label=tag(i, f"break-even {period_name(be)}"))
        what = "Revenue that pays for compute against commitment spend"
        ylabel = "USD per period"
    else:
        conv, unit = shown(result, quantity)
        for k, i in enumerate(rows):
            st = result.stats.get(quantity)
            band = (conv(st["p05"][i]), conv(st["p95"][i])) if st is not None else None
            line(i, conv(result.central[quantity][i]), band, COLORS[k % len(COLORS)],
                 human_label(quantity).lower() if several else human_label(quantity),
                 lw=2, marker="o", ms=3)
        what, ylabel = f"{human_label(quantity)} per period", human_label(quantity, unit)
    every = 1 if len(x) <= 16 else max(1, len(x) // 12)
    axis.set_xticks(x[::every])
    axis.set_xticklabels(list(result.periods)[::every], rotation=0 if len(x) <= 10 else 45,
                         fontsize=8)
    values = np.concatenate(values) if values else np.array([])
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size and positive.max() / positive.min() > 100 and positive.max() < 1e300 \
            and positive.size == values[np.isfinite(values)].size:
        axis.set_yscale("log")   # growth over orders of magnitude (near 1e308 margins overflow)
    axis.yaxis.set_major_formatter(_tick_formatter(unit))
    axis.set_ylabel(ylabel)
    axis.grid(alpha=0.3)
    axis.legend(fontsize=7 if len(rows) > 1 else 8, loc="best")
    where = f" ({result.cases[rows[0]].variant})" if one and several else ""
    band = "" if one or quantity is not None or not result.samples else \
        " (central values; one variant alone shows its 5–95 % bands)"
    _finish(fig, f"{what}{where}{band}{_scenario_suffix(result)}",
            result_sources(result, names if quantity is None else [quantity], rows),
            ax is None, axis)
    return fig


# -- registry figures: per GW, funding over time ---------------------------------------------------

def per_gw_frame(results, quantities=("chips", "capex")):
    """A DataFrame of ``quantities`` per GW of facility power, one row per result (and case).

    ``results``: a Result (one row per case) or a mapping label -> Result. Columns are labelled
    with their units (``chips [chip/GW]``); a quantity a result lacks is NaN; ``frame.attrs
    ["sources"]`` lists the sources (publisher, date) the numbers rest on.
    """
    pd = need("pandas")
    items = results.items() if isinstance(results, dict) else [("", results)]
    rows, index, sources, units = [], [], [], {}
    for name, res in items:
        if "facility_power" not in res:
            raise CalcError(f"per_gw_frame: {name or res.scenario or 'the result'} has no "
                            "facility_power to express its values per GW")
        present = [q for q in quantities if q in res]
        for q in present:
            units[q] = f"{res.unit_text(q)}/GW" if res.unit_text(q) else "1/GW"
        for i in range(len(res.cases)):
            power = Q(res.central["facility_power"][i], res.units["facility_power"])
            gw = float(power.to("GW").magnitude)
            rows.append({q: float(res.central[q][i]) / gw for q in present})
            index.append(_case_label(res, i, name) or res.scenario or f"result {len(index) + 1}")
        sources += result_sources(res, present + ["facility_power"])
    cols = [q for q in quantities if q in units]
    frame = pd.DataFrame(rows, index=pd.Index(index, name="case"), columns=cols)
    frame.columns = [label(q, units[q]) for q in cols]
    frame.attrs["sources"] = list(dict.fromkeys(sources))
    return frame


def bar_chart_per_gw(frame_or_results, quantities=("chips", "capex"), references=(),
                     title: str | None = None):
    """Side-by-side bars of ``quantities`` per GW of facility power, one bar per accelerator or
    case.

    ``frame_or_results``: a frame from ``per_gw_frame`` (columns ``name [unit]``), a Result, or a
    mapping label -> Result. ``references``: registry figure ids drawn as lines (a range as a
    shaded span) on the panel whose unit they share, e.g. published capex per GW estimates.
    """
    pd = need("pandas")
    MaxNLocator = need("matplotlib.ticker", "plots").MaxNLocator
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
            missing = np.isnan(v)
            axis.annotate("no figure" if missing else _value_text(v, unit),
                          (0 if missing else v, j), xytext=(3, 0), textcoords="offset points",
                          va="center", fontsize=7,
                          bbox=dict(facecolor="white", alpha=0.75, linewidth=0, pad=0.5))
        axis.set_yticks(range(n), [str(i) for i in frame.index] if k == 0 else [""] * n, fontsize=8)
        axis.invert_yaxis()
        axis.xaxis.set_major_formatter(_tick_formatter(unit))
        axis.xaxis.set_major_locator(MaxNLocator(nbins=3 if len(cols) > 1 else 6))
        per_gw = "per GW" not in name and unit.endswith("/GW")
        axis.set_xlabel(label(f"{name} per GW" if per_gw else name, unit))
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
    sources = list(frame.attrs.get("sources", [])) + figure_sources(drawn_refs)
    _finish(fig, title or "Per GW of facility power, by accelerator", list(dict.fromkeys(sources)),
            True)
    return fig


# -- timeline --------------------------------------------------------------------------------------

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
    pd = need("pandas")
    mdates = need("matplotlib.dates", "plots")
    AutoDateLocator, ConciseDateFormatter = mdates.AutoDateLocator, mdates.ConciseDateFormatter
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
            words = (labels or {}).get(fid, figure_words(fid))
            notes.append(axis.annotate(f"{words}: {money(v)}", (d, v), xytext=(6, 4),
                                       textcoords="offset points", fontsize=7, color=color))
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
    _finish(fig, title, figure_sources(list(usd.index)), ax is None, axis)
    declutter(fig, axis, sorted(notes, key=lambda t: (t.xy[0], -t.xy[1])))
    return fig


def figure_words(fid: str) -> str:
    """A figure id as words for a label: 'amazon_tranche_2023' -> 'Amazon tranche 2023'."""
    words = fid.replace("_", " ")
    for short, long in (("msft", "Microsoft"), ("nvda", "NVIDIA"), ("arr", "run-rate")):
        words = " ".join(long if w == short else w for w in words.split())
    return words[:1].upper() + words[1:]



# -- the deals ledger: who pays whom ---------------------------------------------------------------

def flows_chart(data: dict, reg=None, title: str | None = None):
    """Money between companies (``data`` from ``calc.deal_flows()``) as a matplotlib Figure: one
    arrow per edge from payer to payee (companies on a circle, those of the most money spread
    apart, names set outward from the circle), labelled with its amount at the middle of its
    arc; labels that would overlap step apart (``declutter``). The kinds in a legend, the round
    trips under the drawing, the sources in the footnote. The default title names the day the
    ledger is read at ('Who pays whom in the deals ledger, as of 2025-11-30')."""
    if title is None:
        title = "Who pays whom in the deals ledger" + (
            f", as of {data['as_of']}" if data.get("as_of") else "")
    Line2D = need("matplotlib.lines", "plots").Line2D
    money_of = {}
    for e in data["edges"]:
        for n in (e["payer"], e["payee"]):
            money_of[n] = money_of.get(n, 0.0) + e["usd_firm"] + e["usd_up_to"] + e["usd_high"]
    names = sorted(money_of, key=lambda n: (-money_of[n], n))
    # the companies of the most money stand apart (each next one about 137 degrees on), so
    # their many edges spread across the circle rather than crowd one arc of it
    n = len(names)
    step = next((k for k in sorted(range(1, max(n, 2)), key=lambda k: abs(k - 0.382 * n))
                 if math.gcd(k, n) == 1), 1)
    angle = np.pi / 2 - 2 * np.pi * (np.arange(n) * step % max(n, 1)) / max(n, 1)
    pos = {name: (np.cos(a), np.sin(a)) for name, a in zip(names, angle)}
    fig, (ax,) = _axes(None)
    fig.set_size_inches(11, 9)
    colors = {"investment": "#2a9d8f", "cloud-contract": "#1f5fa8", "hardware": "#d1495b",
              "capacity": "#e9a23b"}
    labels = [_company_label(ax, n, x, y) for n, (x, y) in pos.items()]
    seen: dict[tuple, int] = {}
    amounts = []
    for e in data["edges"]:
        (x0, y0), (x1, y1) = pos[e["payer"]], pos[e["payee"]]
        color = colors.get(e["kind"], "#5b6770")
        k = seen[(e["payer"], e["payee"])] = seen.get((e["payer"], e["payee"]), -1) + 1
        rad = 0.12 + 0.1 * k              # a second edge between the same two bends further
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "->", "color": color, "lw": 0.9,
                                "connectionstyle": f"arc3,rad={rad}", "shrinkA": 12,
                                "shrinkB": 12})
        amount = flow_amount(e)
        if amount:
            # the middle of the arc: half way to arc3's control point from the chord's middle
            mx, my = (x0 + x1) / 2 + rad / 2 * (y1 - y0), (y0 + y1) / 2 - rad / 2 * (x1 - x0)
            amounts.append(ax.annotate(      # \$: two dollar signs are no mathtext
                amount.replace("$", r"\$"), xy=(mx, my), xytext=(0, 0), textcoords="offset points",
                fontsize=6, color=color, ha="center", va="center",
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}))
    ax.set_xlim(-1.35, 1.35)
    ax.set_ylim(-1.25, 1.25)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.legend([Line2D([0], [0], color=c) for c in colors.values()], list(colors),
              loc="upper left", fontsize=7, frameon=False)
    trips = [f"{t['investor']} -> {t['buyer']} -> {t['investor']}: {_trip_share(t)}"
             for t in data["round_trips"]]
    note = ("Amounts: firm + ≤ up to + the ends of vague words (low–high). Round trips "
            "(invested or offered / paid back; vague payments back as their two ends): "
            + ("; ".join(trips) or "none"))
    ax.text(-1.35, -1.25, textwrap.fill(note, 150), fontsize=7, va="top")
    reg = reg or registry()
    by_id = {d.id: d for d in reg.ledger.deals}
    sids = dict.fromkeys(by_id[i].source for e in data["edges"] for i in e["deals"])
    # 'Reuters (2025-11-03)'; the source id where the publisher is unknown, no 'unknown' date
    _finish(fig, title, [source_citation(reg, s).short() for s in sids], own=True)
    declutter(fig, ax, labels + amounts, gap=4.0)      # the gap clears the labels' white boxes
    return fig


def _trip_share(trip: dict) -> str:
    """A round trip's share as the chart prints it: '21%', a range '2%–10%' where payments back
    are vague, 'n/a' where nothing is paid back."""
    if trip.get("round_trip_share") is not None:
        return f"{trip['round_trip_share']:.0%}"
    low, high = trip.get("round_trip_share_low"), trip.get("round_trip_share_high")
    return f"{low:.0%}–{high:.0%}" if low is not None and high is not None else "n/a"


def flow_amount(edge: dict) -> str:
    """An edge's money as its label: '$9.00B + ≤$24.0B' (firm, up to), '$20.0B–$100B' (the ends of
    vague words); '' where it carries none (a purchase with no price)."""
    parts = [money(edge["usd_firm"])] if edge["usd_firm"] else []
    parts += [f"≤{money(edge['usd_up_to'])}"] if edge["usd_up_to"] else []
    if edge["usd_high"]:
        parts.append(f"{money(edge['usd_low'])}–{money(edge['usd_high'])}")
    return " + ".join(parts)


def _company_label(ax, name: str, x: float, y: float):
    """A company's name just outside its point (x, y) on the unit circle, set outward: to the
    right on the right half, to the left on the left, centred at the top and bottom; a long
    name on two lines."""
    ha = "left" if x > 0.05 else "right" if x < -0.05 else "center"
    va = "bottom" if y > 0.5 else "top" if y < -0.5 else "center"
    return ax.annotate(textwrap.fill(name, 16), xy=(x * 1.05, y * 1.05), xytext=(0, 0),
                       textcoords="offset points", ha=ha, va=va, fontsize=8, weight="bold",
                       multialignment=ha)


# -- a sensible default ----------------------------------------------------------------------------

def _timeline(result, quantity=None, ax=None, variant=None):
    if not result.periods:
        raise CalcError("a timeline chart needs a scenario with a timeline; "
                        f"try --plot-kind {'fan' if sweep_names(result) else 'bars'}")
    return timeline_chart(result, variant=variant, ax=ax, quantity=quantity)


def _fan(result, quantity=None, ax=None, variant=None):
    return fan_chart(result, quantity or _moving(result), ax=ax, variant=variant)


def _tornado(result, quantity=None, ax=None, variant=None):
    return tornado_chart(result, quantity or _moved(result) or result.shown[0], variant, ax=ax)


KINDS = {   # --plot-kind NAME -> function(result, quantity or None, ax, variant); add kinds here
    "fan": _fan,
    "tornado": _tornado,
    "hist": lambda result, quantity=None, ax=None, variant=None:
        hist_chart(result, quantity, variant, ax=ax),
    "bars": lambda result, quantity=None, ax=None, variant=None:
        bar_chart(result, quantity, ax=ax, variant=variant),
    "timeline": _timeline,
}
PER_CASE = ("tornado", "hist", "bars")       # kinds that draw one value per case


def _moving(result) -> str:
    """The first shown quantity that changes along the first sweep."""
    names = sweep_names(result)
    if not names:
        return result.shown[0]
    moving = [q for q in result.shown
              if any(names[0] in _plan(result, i).depends(q) for i in _rows(result))]
    return (moving or result.shown)[0]


def _moved(result, among=None) -> str | None:
    """The first shown quantity (of ``among``) an uncertain input moves, in the sensitivity table
    (if any)."""
    table = result.sensitivity_table
    if table is None or table.empty:
        return None
    moved = [q for q in among or result.shown
             if (table[(table["quantity"] == q)]["swing"] > 0).any()]
    return moved[0] if moved else None


def whole_timeline(result) -> list[str]:
    """The shown quantities of a timeline with one value per case (funding_need, break_even,
    shortfall, cash_out): those the per-case charts (tornado, hist, bars) draw."""
    return [q for q in result.shown if q in getattr(result, "timeless", ())]


def default_kind(result, quantity: str | None = None) -> str:
    """The chart that suits a result: a timeline, a fan over its sweep, a tornado when a
    sensitivity table was computed, a histogram of one sampled case, else bars per case."""
    if result.periods:
        return "bars" if quantity in whole_timeline(result) else "timeline"
    if sweep_names(result):
        return "fan"
    if _moved(result) and (quantity is None or quantity == _moved(result)):
        return "tornado"
    if result.samples and len(result.cases) == 1 and (quantity or result.shown[0]) in result.draws:
        return "hist"
    return "bars"


def plot(result, kind: str | None = None, quantity: str | None = None, ax=None,
         variant: str | None = None):
    """A chart of ``result``: ``kind`` one of ``KINDS`` (default: ``default_kind``), of ``quantity``
    (default: the one that suits the kind), of ``variant`` (default: every variant, overlaid where
    the chart can). Bad names are a CalcError with a suggestion."""
    if quantity is not None and quantity not in result.central:
        raise CalcError(f"--plot-quantity {quantity}: not in this result"
                        f"{did_you_mean(quantity, result.shown)}; "
                        f"it shows {', '.join(result.shown)}")
    variants = list(dict.fromkeys(c.variant for c in result.cases))
    if variant is not None and variant not in variants:
        raise CalcError(f"--plot-variant {variant}: no such variant"
                        f"{did_you_mean(variant, variants)}; variants: {', '.join(variants)}")
    kind = kind or default_kind(result, quantity)
    if kind not in KINDS:
        raise CalcError(f"--plot-kind {kind}: unknown{did_you_mean(kind, KINDS)}; "
                        f"kinds: {', '.join(KINDS)}")
    if result.periods:
        quantity = _timeline_quantity(result, kind, quantity)
    return KINDS[kind](result, quantity, ax=ax, variant=variant)


def _timeline_quantity(result, kind: str, quantity: str | None) -> str | None:
    """The quantity ``kind`` draws on a timeline: per-case kinds take one with one value per case
    (default: the first moved, else the first), the timeline one with a value per period."""
    whole = whole_timeline(result)
    if kind == "fan":
        raise CalcError("--plot-kind fan: not drawn for a scenario with a timeline (a value per "
                        "period); use --plot-kind timeline (the default), or bars, hist or "
                        f"tornado of {' or '.join(whole) or 'a whole-timeline quantity'}")
    if kind in PER_CASE:
        if quantity is None and whole:
            return (_moved(result, whole) or whole[0]) if kind == "tornado" else whole[0]
        if quantity not in whole:
            raise CalcError(f"--plot-kind {kind}: draws one value per case; "
                            f"{quantity or 'this timeline'} has one per period. Give "
                            f"--plot-quantity {' or '.join(whole) or 'funding_need'} (one value "
                            "for the whole timeline), or --plot-kind timeline for "
                            f"{quantity or 'the periods'}")
    elif quantity in whole:
        raise CalcError(f"--plot-kind timeline: {quantity} has one value for the whole timeline, "
                        "no period; use --plot-kind bars, hist or tornado for it")
    return quantity


def default_plot(result):
    """A sensible chart for any result (``plot`` with the default kind and quantity)."""
    return plot(result)


def save_plot(result, path, kind: str | None = None, quantity: str | None = None, dpi: int = DPI,
              variant: str | None = None):
    """Draw ``plot(result, kind, quantity, variant=variant)`` and save it to ``path`` (PNG, SVG or
    PDF by its suffix). SVG keeps its text as text, so labels can be searched and read by screen
    readers."""
    fig = plot(result, kind, quantity, variant=variant)
    try:
        with need("matplotlib", "plots").rc_context({"svg.fonttype": "none"}):
            suffix = str(path).rsplit(".", 1)[-1].lower() if "." in str(path) else None
            fig.savefig(path, dpi=dpi, format=suffix)
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
