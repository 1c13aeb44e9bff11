"""Commitments: a contracted amount spread over its term, set against revenue and against power.

A "$38B over seven years" deal is 5.43 billion USD a year; that yearly figure can be compared with
run-rate revenue (can the buyer carry it?) and with the yearly cost of a gigawatt (how much
facility it pays for).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calc.errors import CalcError
from calc.models._formula import formula
from calc.periods import Timeline, parse_date


@formula("commitment / commitment_term",
         excel="{commitment}/{commitment_term}")
def commitment_per_year(commitment, commitment_term):
    """A commitment spread evenly over its term.

    Parameters: commitment [USD]; commitment_term [yr].
    Returns: commitment_per_year [USD/yr] = commitment / commitment_term.
    References: docs/glossary.md.

    >>> commitment_per_year(commitment="$38B", commitment_term="7 yr")
    <Quantity(5.42857143e+09, 'USD / year')>
    """
    return (commitment / commitment_term).to("USD/yr")


@formula("commitment_per_year / arr",
         excel="{commitment_per_year}/{arr}")
def commitment_share_of_arr(commitment_per_year, arr):
    """A yearly commitment as a share of run-rate revenue (above 1: more than all revenue).

    Parameters: commitment_per_year [USD/yr]; arr [USD/yr].
    Returns: commitment_share_of_arr [1] = commitment_per_year / arr.

    >>> commitment_share_of_arr(commitment_per_year="5 billion USD/yr", arr="10 billion USD/yr")
    <Quantity(0.5, 'dimensionless')>
    """
    return (commitment_per_year / arr).to("dimensionless")


@formula("commitment_per_year / tco_per_year_per_power",
         excel="{commitment_per_year}/{tco_per_year_per_power}")
def commitment_power_at_cost(commitment_per_year, tco_per_year_per_power):
    """Facility power a yearly commitment pays for at the OWNER'S yearly cost of a gigawatt.

    Parameters: commitment_per_year [USD/yr]; tco_per_year_per_power [USD/GW/yr] (capital charge,
    operations and energy). Returns: commitment_power_at_cost [GW]. An upper bound for a cloud
    contract, whose price includes the provider's margin (see commitment_power_at_rental).

    >>> commitment_power_at_cost(commitment_per_year="5.428571 billion USD/yr",
    ...                          tco_per_year_per_power="7.5 billion USD/GW/yr")
    <Quantity(0.723809467, 'gigawatt')>
    """
    return (commitment_per_year / tco_per_year_per_power).to("GW")


@formula("commitment_per_year / rental_price_per_power",
         excel="{commitment_per_year}/{rental_price_per_power}")
def commitment_power_at_rental(commitment_per_year, rental_price_per_power):
    """Facility power a yearly commitment rents at cloud prices (provider's margin included).

    Parameters: commitment_per_year [USD/yr]; rental_price_per_power [USD/GW/yr].
    Returns: commitment_power_at_rental [GW] = commitment_per_year / rental_price_per_power.

    >>> commitment_power_at_rental(commitment_per_year="5.428571 billion USD/yr",
    ...                            rental_price_per_power="17.22 billion USD/GW/yr")
    <Quantity(0.315248026, 'gigawatt')>
    """
    return (commitment_per_year / rental_price_per_power).to("GW")


@formula("commitment_power_at_cost",
         excel="{commitment_power_at_cost}")
def commitment_power_equivalent(commitment_power_at_cost):
    """Deprecated alias of ``commitment_power_at_cost`` [GW] (README, "Migration notes").

    Until issue 14 it divided by cost_per_year_per_power (straight-line depreciation plus energy,
    capital free, no operations); that reading is ``commitment_per_year / cost_per_year_per_power``.
    """
    return commitment_power_at_cost.to("GW")


# -- commitments spread over a timeline's periods --------------------------------------------------
#
# Commitment spreading: the share of a contracted amount falling in each period of a timeline.
#
# A commitment's shape gives one weight per period (its share of the amount, in [0, 1]); the
# spend per period is then ``amount x weight`` for every sample at once, an outer product, so a
# sampled amount is spread sample by sample without a loop. Weights that do not sum to 1 mean
# part of the amount falls before the first or after the last period: it is left out of the rows
# and ``Spread.outside`` says how much.
#
# Shapes (months counted from the commitment's start ``s``, term ``T`` months, a period covering
# months ``[a, b)`` of the term after clipping to ``[s, s + T]``):
#
# - ``flat``: ``(b - a) / T`` -- even spending per month.
# - ``ramp``: the spend rate rises linearly from 0 at ``s`` to its peak at ``s + T``, so the share
#   is ``((b - s)^2 - (a - s)^2) / T^2``.
# - ``schedule``: shares by date (``{2026: 20 %, 2027: 80 %}``), summing to 100 %; a date's share is
#   split evenly, by count, over the periods of the timeline's step that overlap it.

SHAPES = ("flat", "ramp", "schedule")


@dataclass(frozen=True)
class Spread:
    """Per-period weights of one commitment and the share of it outside the timeline."""

    name: str
    shape: str
    weights: np.ndarray          # (periods,) shares of the amount, each in [0, 1]
    start: int | None = None     # flat and ramp: the first month (months since year 0)
    term: int | None = None      # flat and ramp: the term [month]

    @property
    def outside(self) -> float:
        """The share of the amount falling before the first or after the last period."""
        return max(0.0, 1.0 - float(self.weights.sum()))


def flat(tl: Timeline, start: int, term: int) -> np.ndarray:
    """Flat spreading: months of each period inside ``[start, start + term)``, over ``term``.

    >>> tl = Timeline(start=24300, step=12, count=3)          # 2025, 2026, 2027
    >>> flat(tl, 24306, 24).tolist()                          # from 2025-07 for 24 months: 6, 12, 6
    [0.25, 0.5, 0.25]
    """
    a = np.clip(tl.starts, start, start + term)
    b = np.clip(tl.ends, start, start + term)
    return (b - a) / term


def ramp(tl: Timeline, start: int, term: int) -> np.ndarray:
    """Ramp spreading: ``((b - s)^2 - (a - s)^2) / T^2`` over each period's part ``[a, b)`` of the
    term.

    >>> tl = Timeline(start=24300, step=12, count=2)    # 2025, 2026
    >>> ramp(tl, 24300, 24).tolist()                    # (12^2 - 0) / 24^2, (24^2 - 12^2) / 24^2
    [0.25, 0.75]
    """
    a = np.clip(tl.starts, start, start + term) - start
    b = np.clip(tl.ends, start, start + term) - start
    return (b.astype(float) ** 2 - a.astype(float) ** 2) / float(term) ** 2


def schedule(tl: Timeline, shares: dict, where: str) -> np.ndarray:
    """Schedule spreading: each date's share, split evenly by count over the step's periods in it.

    ``shares`` maps dates to fractions (0.2) already read from '20 %'. Periods of the step that
    fall outside the timeline keep their part out of the weights.

    >>> tl = Timeline(start=24312, step=3, count=8)           # 2026-Q1 .. 2027-Q4
    >>> schedule(tl, {2026: 0.2, 2027: 0.8}, "s").tolist()    # 0.2 / 4 and 0.8 / 4 per quarter
    [0.05, 0.05, 0.05, 0.05, 0.2, 0.2, 0.2, 0.2]
    """
    if not isinstance(shares, dict) or not shares:
        raise CalcError(f"{where}: expected shares by date, e.g. {{2026: 20%, 2027: 80%}}")
    total = float(sum(shares.values()))
    if not np.isclose(total, 1.0, rtol=0, atol=1e-9):
        raise CalcError(f"{where}: the shares sum to {total:.6g} ({100 * total:.4g} %), not 100 %; "
                        "make them add up to 100 %")
    weights = np.zeros(tl.count)
    seen: dict[int, str] = {}
    for key, share in shares.items():
        span = parse_date(key, f"{where}.{key}")
        if span.first in seen:
            raise CalcError(f"{where}: {seen[span.first]} and {span.text} are the "
                            "same date; give each once")
        seen[span.first] = span.text
        if share < 0:
            raise CalcError(f"{where}.{key}: a share cannot be negative (got {share:.6g})")
        # Periods of the step (aligned to the timeline's start) overlapping the date's months.
        first = tl.start + ((span.first - tl.start) // tl.step) * tl.step
        grid = np.arange(first, span.last + 1, tl.step)
        idx = (grid - tl.start) // tl.step
        inside = (idx >= 0) & (idx < tl.count)
        np.add.at(weights, idx[inside], share / len(grid))
    return weights


def spread(name: str, tl: Timeline, shape: str, where: str, start: int | None = None,
           term: int | None = None, shares: dict | None = None) -> Spread:
    """The Spread of one commitment (``start``/``term`` in months for flat and ramp); ``where`` is
    the commitment's key path ('' where the caller names it)."""
    if shape == "schedule":
        return Spread(name, shape, schedule(tl, shares, _key(where, "schedule")))
    if shape not in SHAPES:
        raise CalcError(f"{_key(where, 'shape')}: unknown shape {shape!r}; "
                        "use flat, ramp or a schedule")
    if term is None or term <= 0:
        raise CalcError(f"{_key(where, 'term')}: the term must be a positive whole number of "
                        f"months (e.g. 7 yr or 84 month), got {term!r}")
    return Spread(name, shape, (flat if shape == "flat" else ramp)(tl, start, term), start, term)


def _key(where: str, key: str) -> str:
    """'aws.schedule', or 'schedule' where there is no path before it."""
    return f"{where}.{key}" if where else key


def spread_excel(amount: str, s: Spread, term: str | None = None) -> str:
    """The Excel form (calc.models._formula) of ``amount`` [USD] spread by ``s`` in a period:
    the shapes above over the period's months (``period_start`` x 12) clipped to the term (the
    input ``term`` where the term is one); a schedule's share per period as a number."""
    if s.shape == "schedule":
        return "{%s@USD}*{periods:%s}" % (amount, ";".join(repr(float(w)) for w in s.weights))
    t = f"{{{term}@month}}" if term else f"{s.term}"
    s0 = f"({s.start // 12}*12+{s.start % 12})"          # the start: months since year 0
    a = f"MIN(MAX({{period_start}}*12,{s0}),{s0}+{t})"
    b = f"MIN(MAX({{period_end}}*12,{s0}),{s0}+{t})"
    if s.shape == "flat":
        return f"{{{amount}@USD}}*({b}-{a})/{t}"
    return f"{{{amount}@USD}}*(({b}-{s0})^2-({a}-{s0})^2)/{t}^2"


def spend(amounts: list[np.ndarray], spreads: list[Spread]) -> np.ndarray:
    """Total spend per period: ``sum_i amount_i[..., None] x weights_i`` over the commitments.

    Each amount is an array of any shape (cases x samples); the result adds a trailing period axis.
    One outer product per commitment, never a loop over samples or periods.
    """
    out = None
    for a, s in zip(amounts, spreads):
        term = np.asarray(a, dtype=float)[..., None] * s.weights
        out = term if out is None else out + term
    return out
