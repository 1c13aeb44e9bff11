"""What a timeline adds to a run: per-period leaves, series, and the commitments' spend formula.

The engine evaluates every formula once over arrays ``(rows, 1 + draws, periods)``: a leaf without
a time pattern gets a period axis of length 1 (it broadcasts), ``period_start``/``period_end`` and
``over_time`` series are ``(1, 1, periods)``, and ``commitment_spend`` is the sum of each
commitment's amount (any shape, sampled or not) times its per-period weights -- one outer product
per commitment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pint

from calc.models import Formula
from calc.format import money
from calc.timeline.periods import Timeline
from calc.timeline.spread import Spread
from calc.units import Q

PER_PERIOD = ("timeline", "over_time")       # Value.origin of a leaf that varies by period
TIMELESS = ("funding_need", "break_even")    # one value per case: no period
DATES = ("break_even", "arr_as_of", "period_start", "period_end")   # decimal years shown as dates
MAX_ROW_VALUES = 20_000_000                  # samples x periods of one row (one chunk: 160 MB per array)


@dataclass
class TimelineRun:
    """A scenario's timeline: the axis, each commitment's spread, series inputs, notes."""

    timeline: Timeline
    spreads: dict = field(default_factory=dict)      # amount name -> Spread
    labels: dict = field(default_factory=dict)       # amount name -> how it is spread, for formulas
    series: dict = field(default_factory=dict)       # input name -> engine Value, central (periods,)
    terms: dict = field(default_factory=dict)        # amount name -> the input holding its term figure

    @property
    def count(self) -> int:
        return self.timeline.count

    @property
    def labels_of_periods(self) -> tuple[str, ...]:
        return self.timeline.labels

    def leaves(self, value_type) -> dict:
        """``period_start`` and ``period_end`` as per-period Values (decimal years)."""
        tl = self.timeline
        return {"period_start": value_type(central=Q(tl.decimal_years("start"), "yr"), origin="timeline",
                                           note="the start of each period"),
                "period_end": value_type(central=Q(tl.decimal_years("end"), "yr"), origin="timeline",
                                         note="the end of each period")}

    def formulas(self) -> dict:
        """``commitment_spend`` from the commitments' amounts, when the scenario has any."""
        if not self.spreads:
            return {}
        names = tuple(self.spreads)
        weights = {n: self.spreads[n].weights for n in names}

        def commitment_spend(**amounts):
            total = 0.0
            for n in names:
                total = total + np.asarray(amounts[n].m_as("USD"), dtype=float) * weights[n]
            return Q(total, "USD")

        text = " + ".join(f"{n} x {self.labels[n]}" for n in names)
        terms = tuple(self.terms[n] for n in names if n in self.terms)   # in the lineage, not the arithmetic
        return {"commitment_spend": Formula(name="commitments", output="commitment_spend", inputs=names + terms,
                                            text=text, func=lambda **kw: commitment_spend(**{n: kw[n] for n in names}))}

    def leaf(self, value, stacked: pint.Quantity, unit) -> pint.Quantity:
        """A leaf's array with a period axis: per-period values as (1, 1, P), the rest as (..., 1)."""
        if value.origin in PER_PERIOD:
            mag = np.asarray(value.central.to(unit).magnitude, dtype=float)
            return Q(mag.reshape(1, 1, -1), unit)
        return Q(np.asarray(stacked.magnitude)[..., None], stacked.units)

    def table(self, result, rows: list[dict], wide):
        """The result laid out with periods as columns (calc.output.periods)."""
        from calc.output.periods import build

        return build(result, rows, wide)

    def outside_notes(self, central_amounts: dict) -> list[str]:
        """A note per commitment with spend before the first or after the last period."""
        out = []
        tl = self.timeline
        for n, s in self.spreads.items():
            share = s.outside
            if share > 1e-12:
                amount = central_amounts.get(n)
                left = f" ({money(share * amount)} at the central amount)" if amount is not None else ""
                out.append(f"{n}: {100 * share:.3g} % of the amount{left} falls outside the timeline "
                           f"{tl.labels[0]} .. {tl.labels[-1]} and is left out of the per-period rows")
        return out


def timeless_roots(plans, names) -> set:
    """Names that rest on funding_need or break_even (one value per case); with a period axis of
    length 1 in their arrays they are reported once, without a period."""
    out = set()
    for plan in plans:
        memo: dict = {}

        def walk(n) -> bool:
            if n not in memo:
                step = plan.steps.get(n)
                memo[n] = n in TIMELESS or (step is not None and step.formula is not None
                                            and any(walk(i) for i in step.formula.inputs))
            return memo[n]

        out |= {n for n in names if n in plan.steps and walk(n)}
    return out


def run_size(tl: TimelineRun, n_cases: int, samples: int, where: str) -> None:
    """Refuse, before any work, a run whose periods x samples are more than calc evaluates; the
    message names the limit that was hit (``where``: "file:line: timeline")."""
    from calc.errors import CalcError
    from calc.values import MAX_CASES, MAX_VALUES

    per_row, kept = (1 + samples) * tl.count, n_cases * tl.count
    if kept > MAX_CASES:            # a value per case and period is kept for every output
        raise CalcError(f"{where}: {n_cases:,} cases x {tl.count:,} periods = {kept:,} is more than calc keeps "
                        f"({MAX_CASES:,} cases x periods); use fewer sweep points, a longer step or a shorter "
                        "timeline")
    if per_row > MAX_ROW_VALUES:
        raise CalcError(f"{where}: {tl.count:,} periods x {samples:,} samples is more than calc evaluates per "
                        f"case ({MAX_ROW_VALUES:,} values); use fewer samples, a longer step or a shorter timeline")
    if n_cases * per_row > MAX_VALUES:
        raise CalcError(f"{where}: {n_cases:,} cases x {per_row:,} values per case = {n_cases * per_row:,} values "
                        f"per quantity is more than calc evaluates ({MAX_VALUES:,}); use fewer samples or sweep "
                        "points")
