"""A timeline run's results: values per case and period, quantiles over samples, long rows.

``Result`` hands its timeline work here: ``absorb`` keeps central values ``(cases, periods)`` and
quantiles per period; ``rows`` writes one row per case x quantity x period (``period: null`` for a
quantity with one value per case), the long form CSV and JSON use. ``break_even`` is a date: its
value is the decimal year of the period's start, its quantiles are order statistics over the
samples that break even (period starts, not interpolated) and ``never_share`` is the rest.
"""

from __future__ import annotations

import warnings

import numpy as np
from calc.display import shown
from calc.format import quantity

STATS = ("p05", "p50", "p95", "mean")
DATE_OUTPUTS = ("break_even",)


def _as3(mag: np.ndarray) -> np.ndarray:
    if mag.ndim == 3:
        return mag
    if mag.ndim == 2:
        return mag[..., None]
    return mag.reshape(1, -1, 1) if mag.size > 1 else mag.reshape(1, 1, 1)


class TimelineArrays:
    """What a timeline run keeps (like calc.engine.Arrays): central values ``(rows, periods)`` (one
    column for a name with one value per row), quantiles per period, draws ``(rows, samples,
    periods)`` when the run is small."""

    def __init__(self, n_rows: int, samples: int, outputs, keep: set, keep_draws: int, timeline, plans):
        from calc.timeline.plan import timeless_roots

        self.n_rows, self.samples, self.outputs = n_rows, samples, set(outputs)
        self.keep, self.keep_limit = keep, keep_draws
        self.count = timeline.count
        self.roots = timeless_roots(set(plans.values()), outputs)
        self.timeless: set = set()
        self.units: dict = {}
        self.central: dict = {}
        self.stats: dict = {}
        self.draws: dict = {}
        self.outside: dict = {}

    def absorb(self, idx, env: dict, computed: set) -> None:
        n_rows, samples = self.n_rows, self.samples
        for name, q in env.items():
            unit = self.units.setdefault(name, q.units)
            mag = _as3(np.asarray((q if q.units == unit else q.to(unit)).magnitude, dtype=float))
            one = name in self.roots and mag.shape[-1] == 1
            if one:
                self.timeless.add(name)
            width = 1 if one else self.count
            mag = np.broadcast_to(mag, (len(idx), 1 + samples, width))
            if name not in self.central:
                self.central[name] = np.full((n_rows, width), np.nan)
            self.central[name][idx] = mag[:, 0, :]
            if samples <= 0:
                continue
            draws = mag[:, 1:, :]
            if name in self.outputs:
                stats = self.stats.setdefault(name, {s: np.full((n_rows, width), np.nan)
                                                     for s in STATS + ("never_share",)})
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)      # all-NaN columns: null
                    if name in DATE_OUTPUTS:
                        p = np.nanquantile(draws, [0.05, 0.5, 0.95], axis=1, method="inverted_cdf")
                        stats["never_share"][idx] = np.isnan(draws).mean(axis=1)
                        stats["mean"][idx] = np.nanmean(draws, axis=1)
                    elif np.isnan(draws).any():
                        p = np.nanpercentile(draws, [5, 50, 95], axis=1)
                        stats["mean"][idx] = np.nanmean(draws, axis=1)
                    else:
                        p = np.percentile(draws, [5, 50, 95], axis=1)
                        stats["mean"][idx] = draws.mean(axis=1)
                stats["p05"][idx], stats["p50"][idx], stats["p95"][idx] = p
            if n_rows * samples * width <= self.keep_limit and name in self.keep:
                if name not in self.draws:
                    self.draws[name] = np.full((n_rows, samples, width), np.nan)
                self.draws[name][idx] = draws


def unit_text(result, name: str, plain: str) -> str:
    """'date' for a date quantity (break_even), else the unit."""
    return "date" if name in DATE_OUTPUTS else plain


def rows(result, tables: bool = False) -> list[dict]:
    """One dict per case x shown quantity x period (period None for one value per case), then the
    solve rows. Values in the display unit (``Result.rows``; ``tables``: as tables show them)."""
    out = []
    labels = result.periods
    units = {}
    for name in result.shown:
        unit = unit_text(result, name, result.unit_text(name))
        units[name] = (lambda x: x, unit) if unit == "date" else (result.shown_unit(name, tables),) * 2
    for i, case in enumerate(result.cases):
        for name in result.shown:
            lin = result.lineage(i, name)
            one = name in result.timeless
            conv, shown = units[name]
            unit = shown if isinstance(shown, str) else shown.unit
            for p in range(1 if one else len(labels)):
                row = {"variant": case.variant, "point": dict(case.point), "period": None if one else labels[p],
                       "quantity": name, "unit": unit, "value": float(conv(result.central[name][i, p]))}
                if result.samples > 0:
                    st = result.stats[name]
                    for s in STATS:
                        row[s] = float(conv(st[s][i, p]))
                    if name in DATE_OUTPUTS:
                        row["never_share"] = float(st["never_share"][i, p])
                row.update(inputs=lin["inputs"], sources=lin["sources"], defaults=lin["defaults"])
                out.append(row)
        out.extend(_solution_shown(result, s, tables) for s in result.solutions if s["case"] == i)
    return [{k: v for k, v in r.items() if k != "case"} for r in out]


def _solution_shown(result, row: dict, tables: bool) -> dict:
    """A solve row in the solved input's display unit, as its other rows are shown (% for a growth)."""
    from calc.units import parse_unit

    conv = shown(row["quantity"], parse_unit(row["unit"]), None, result.display, tables)
    if conv.factor == 1.0 and conv.unit == row["unit"]:
        return row
    out = dict(row, unit=conv.unit)
    for k in ("value",) + STATS:
        if out.get(k) is not None:
            out[k] = float(conv(out[k]))
    return out


def value_at(result, name: str, i: int, at=None):
    """The central value of ``name`` in case ``i``: one period (``at``), or every period."""
    c = result.central[name][i]
    if name in result.timeless:
        return float(c[0])
    if at is None:
        return c.copy()
    return float(c[result.timeline.timeline.index_of(at, "at")])


def period_views(result, check) -> tuple[dict, dict]:
    """Central values (cases,) and draws (cases, samples) of every name at the check's period.

    A name with a value per period needs ``at``; a name with one value per case needs none.
    """
    from calc.errors import CalcError
    from calc.units import Q

    def varies(n) -> bool:          # an input or figure without a time pattern is the same in every period
        c = result.central[n]
        return c.shape[-1] > 1 and not np.array_equal(c, np.broadcast_to(c[:, :1], c.shape), equal_nan=True)

    per = [n for n in check.that.names if n in result.central and n not in result.timeless and varies(n)]
    if per and check.at is None:
        raise CalcError(f"{check.where}: {', '.join(per)} has a value per period; say which with at: "
                        f"(e.g. at: {result.periods[-1]})")
    whole = [n for n in check.that.names if n in result.timeless]
    if whole and not per and check.at is not None:
        raise CalcError(f"{check.where}: at: {', '.join(whole)} has one value for the whole timeline, not one "
                        f"per period, so 'at: {check.at_text}' does not apply; drop at:")
    col = 0 if check.at is None else check.at
    env, draws = {}, {}
    for n, c in result.central.items():
        j = 0 if n in result.timeless else col
        env[n] = Q(c[:, j], result.units[n])
        if n in result.draws:
            draws[n] = Q(result.draws[n][:, :, j], result.units[n])
    return env, draws


def explain_column(result, name: str, at, i: int | None = None) -> int:
    """The period column ``calc explain ... --at`` shows; a per-period quantity needs ``at``.

    A whole-timeline quantity (funding_need, break_even) shows its inputs in the period that decides
    it (``telling_column``) unless ``at`` names another.
    """
    from calc.errors import CalcError

    if at is None:
        if name in result.timeless:
            return telling_column(result, name, i)[0]
        raise CalcError(f"{name} has a value per period; say which with --at (e.g. --at {result.periods[0]})")
    return result.timeline.timeline.index_of(at, "--at")


def telling_column(result, name: str, i: int | None) -> tuple[int, str]:
    """The period that decides a whole-timeline value in row ``i``, and why: funding_need's period of
    the largest cumulative gap, break_even's own period (the last one when never), else the last."""
    last = len(result.periods) - 1
    if i is None:
        return last, "the last period"
    if name == "funding_need" and "cumulative_gap" in result.central:
        return int(np.nanargmax(result.central["cumulative_gap"][i])), "the period of the largest cumulative_gap"
    if name == "break_even" and "break_even" in result.central:
        x = float(result.central["break_even"][i][0])
        if np.isfinite(x):
            return int(np.argmin(np.abs(result.timeline.timeline.decimal_years() - x))), "the break-even period"
        return last, "the last period (never breaks even)"
    return last, "the last period"


def explain_value(result, name: str, i: int, col: int) -> str:
    """One name's central value in case ``i`` at period ``col``, as explain writes it."""
    import math


    c = result.central[name][i]
    x = float(c[0] if c.shape[-1] == 1 else c[col])
    if name in ("break_even", "arr_as_of", "period_start", "period_end"):
        if not math.isfinite(x):
            return "never"
        months = x * 12
        whole = int(math.floor(months + 1e-9))
        text = f"{whole // 12:04d}-{whole % 12 + 1:02d}"
        return text + f" (decimal year {x:.4f})"
    conv = result.shown_unit(name)          # as tables show it: coverage 215 %, not 2.152
    return quantity(float(conv(x)), conv.unit)
