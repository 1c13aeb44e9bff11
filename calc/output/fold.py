"""Quarterly and monthly timelines folded to years, for the terminal table (``calc run``).

``fold(result)`` is the same Result with one column per calendar year:

- flows (``FLOWS``: revenue, commitment_spend, other_costs, raises, interest, net_cash_flow) are
  summed over the year's periods;
- coverage is recomputed from the year's sums: sum(compute_share_of_revenue x revenue) /
  sum(commitment_spend), null in a year without spend;
- every other per-period row (running values such as cumulative_gap, cash_balance and the
  ``_cumulative`` quantities, ``arr_at``, inputs, series, ``derive``) is its value in the year's
  last period;
- rows with one value per case (funding_need, break_even) are unchanged.

A partial year folds the periods it has and is labelled ``2025 (Nov-Dec)``. With samples, sums
and coverage are folded per sample and their quantiles taken again when the run kept the draws;
when it kept quantiles only, those rows show central values alone, and the note says so.
"""

from __future__ import annotations

import calendar
import warnings
from dataclasses import dataclass, replace

import numpy as np

from calc.engine import STATS
from calc.result import Result, freeze
from calc.units import Q
from calc.values import PeriodAxis

FLOWS = ("revenue", "commitment_spend", "other_costs", "raises", "interest", "net_cash_flow")
COVERAGE = ("coverage", ("compute_share_of_revenue", "revenue", "commitment_spend"))


@dataclass(frozen=True)
class FoldedAxis(PeriodAxis):
    """A timeline's axis with one column per calendar year: dates (break-even) still print as the
    periods of the timeline ('2028-Q2'); the column labels are the years."""

    years: tuple = ()                   # the column labels, '2025 (Nov-Dec)' for a partial year
    firsts: tuple = ()                  # the index of each year's first period on the timeline

    @property
    def labels(self) -> tuple[str, ...]:
        return self.years

    @property
    def count(self) -> int:
        return len(self.years)

    def index_of(self, at, where: str) -> int:
        """The year column holding the period a date names ('2026-Q3' and '2026': 2026's)."""
        years = [y.split(" ")[0] for y in self.years]
        if str(at).strip() in years:
            return years.index(str(at).strip())
        return int(np.searchsorted(self.firsts, super().index_of(at, where), side="right")) - 1


def year_groups(timeline) -> tuple[np.ndarray, tuple[str, ...]]:
    """The index of each year's first period, and each year's label ('2026'; '2025 (Nov-Dec)'
    when the timeline covers only part of it)."""
    starts = timeline.starts
    years = starts // 12
    first = np.flatnonzero(np.r_[True, years[1:] != years[:-1]])
    labels = []
    for k, i in enumerate(first):
        j = (first[k + 1] if k + 1 < len(first) else len(starts)) - 1      # the year's last period
        lo, hi = int(starts[i] % 12), int((starts[j] + timeline.step - 1) % 12)
        text = str(int(years[i]))
        if lo or hi != 11:
            months = [calendar.month_abbr[m + 1] for m in dict.fromkeys((lo, hi))]
            text += f" ({'-'.join(months)})"
        labels.append(text)
    return first, tuple(labels)


def foldable(result) -> bool:
    """True for a timeline of quarters or months spanning more than one period per year."""
    return result.axis.step in (1, 3) and not isinstance(result.axis, FoldedAxis)


def fold(result: Result) -> Result:
    """``result`` with its periods folded to calendar years (see the module doc); a result that is
    not a quarterly or monthly timeline comes back unchanged."""
    if not foldable(result):
        return result
    tl = result.axis.timeline
    first, labels = year_groups(tl)
    last = np.r_[first[1:], tl.count] - 1

    def how(name: str):
        """'sum', 'coverage' or 'last' for a per-period name."""
        if name in FLOWS:
            return "sum"
        if name == COVERAGE[0] and all(n in result.central for n in COVERAGE[1]):
            return "coverage"
        return "last"

    def folded(name: str, store) -> np.ndarray | None:
        """``store[name]`` (central or draws, periods last) folded; None when an input is
        missing."""
        if any(n not in store for n in ((name,) if how(name) != "coverage" else COVERAGE[1])):
            return None
        kind = how(name)
        if kind == "sum":
            return np.add.reduceat(store[name], first, axis=-1)
        if kind == "last":
            return store[name][..., last]
        share, revenue, spend = (store[n] for n in COVERAGE[1])
        paid = np.add.reduceat(share * revenue, first, axis=-1)
        spent = np.add.reduceat(spend, first, axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(spent != 0, paid / np.where(spent != 0, spent, 1.0), np.nan)
        return ratio * coverage_factor

    coverage_factor = 1.0               # the ratio's units as coverage is stored (1, or %)
    if how(COVERAGE[0]) == "coverage" and COVERAGE[0] in result.units:
        u = result.units
        ratio = Q(1.0, u[COVERAGE[1][0]] * u[COVERAGE[1][1]] / u[COVERAGE[1][2]])
        coverage_factor = float(ratio.to(u[COVERAGE[0]]).magnitude)
    per_period = [n for n in result.central if n not in result.timeless]
    central = dict(result.central)
    draws = dict(result.draws)
    for name in per_period:
        central[name] = folded(name, result.central)
        if name in result.draws:
            draws[name] = folded(name, result.draws)
            if draws[name] is None:
                del draws[name]
    stats = dict(result.stats)
    unranged = []
    for name in (n for n in result.stats if n not in result.timeless):
        old = result.stats[name]
        if how(name) == "last":
            stats[name] = {s: v[..., last] for s, v in old.items()}
        elif name in draws:
            stats[name] = quantiles(draws[name], old)
        else:
            stats[name] = {s: np.full(central[name].shape, np.nan) for s in old}
            unranged.append(name)
    step = {3: "quarter", 1: "month"}[tl.step]
    summed = [n for n in FLOWS if n in result.shown]
    note = (f"{step}s folded to years (--periods all shows each {step}): "
            + (f"{', '.join(summed)} summed; " if summed else "")
            + ("coverage from the year's sums; " if "coverage" in result.shown else "")
            + f"other rows at the year's last {step}.")
    if unranged:
        note += (f" {', '.join(unranged)}: central values only, no range (the run kept "
                 f"quantiles per {step}, not the draws a yearly range needs).")
    axis = FoldedAxis(**{f: getattr(result.axis, f) for f in result.axis.__dataclass_fields__},
                      years=labels, firsts=tuple(int(i) for i in first))
    return replace(result, central=freeze(central), stats=freeze(stats), draws=freeze(draws),
                   axis=axis, notes=tuple(result.notes) + (note,))


def quantiles(draws: np.ndarray, old) -> dict:
    """p05, p50, p95 and mean over the samples of ``draws`` (rows, samples, years), as the engine
    takes them (NaN draws, a year without spend, left out); the keys ``old`` has."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)          # all-NaN columns: null
        p = np.nanpercentile(draws, [5, 50, 95], axis=1)
        out = dict(zip(STATS, (*p, np.nanmean(draws, axis=1))))
    nan = np.full(draws[:, 0].shape, np.nan)
    return {s: out.get(s, nan) for s in old}
