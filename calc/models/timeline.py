"""Timeline models: revenue per period against commitment spend, and what accumulates over time.

These formulas need ``period_start`` and ``period_end`` (decimal years, e.g. 2026.0 and 2027.0),
which only a scenario with a ``timeline`` gives; their arrays carry periods on the LAST axis, so
running sums and "first period from which" are operations along it. Dates are decimal years
(``arr_as_of`` = 2025.5833 is 1 August 2025); time between two dates is counted in months
(x 12): a year is 12 months, a quarter 3. The path formulas are in calc.models.revenue.

>>> r = revenue(arr_end="$5B/yr", arr_growth_per_month=0.05, arr_as_of="2026 yr",
...             period_start="2026 yr", period_end="2027 yr")   # 5e9/12 x (1.05^12 - 1)/ln 1.05
>>> round(float(r.m_as("USD")) / 1e9, 6)                       # 4.1667e8 x 0.795856 / 0.0487902
6.796591
"""

from __future__ import annotations

import numpy as np

from calc.errors import CalcError
from calc.models._formula import formula
from calc.format import precise
from calc.models.revenue import (
    constant_rate, constant_revenue, decaying_rate, decaying_revenue, logistic_rate,
    logistic_revenue,
)
from calc.units import Q


def _m(q, unit: str):
    return Q(q).m_as(unit)


def _months(since, until):
    """Months from ``since`` to ``until`` (decimal years), as plain numbers."""
    return (_m(until, "yr") - _m(since, "yr")) * 12.0


def _month_text(decimal_year: float) -> str:
    """A decimal year (2025.5) as 'YYYY-MM' (2025-07)."""
    months = int(round(decimal_year * 12))
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def _no_backwards_collapse(g, m, period_start, arr_as_of) -> None:
    """Refuse growth of -100 % a month on a period before ``arr_as_of``: run backwards, a run-rate
    that falls to 0 in a month was infinite before it (after arr_as_of it is 0, which is fine)."""
    collapse = np.asarray(g) <= -1
    if not collapse.any():
        return
    bad = collapse & (np.asarray(m) < 0)
    if bad.any():
        at = tuple(np.argwhere(bad)[0])
        start = float(np.broadcast_to(np.asarray(_m(period_start, "yr"), dtype=float),
                                      bad.shape)[at])
        as_of = float(np.broadcast_to(np.asarray(_m(arr_as_of, "yr"), dtype=float), bad.shape)[at])
        raise CalcError("inputs.arr_growth_per_month: -100 % a month leaves the run-rate "
                        f"undefined before arr_as_of ({_month_text(as_of)}), in the period from "
                        f"{_month_text(start)}: it would have been infinite; give a growth above "
                        "-100 %, or an arr_as_of at or before the timeline's start")


def _ceiling_above_end(arr_end, arr_ceiling, g) -> None:
    """Refuse a logistic ceiling at or below ``arr_end`` (the path would have to fall to it), and
    growth of -100 % a month (its rate ``r = ln(1 + g) / (1 - A / K)`` is infinite)."""
    if np.any(np.asarray(_m(g, "")) <= -1):
        raise CalcError("inputs.arr_growth_per_month: -100 % a month has no logistic path "
                        "(its rate is infinite); give a growth above -100 %, or use the "
                        "constant or decaying path")
    end, ceiling = np.asarray(_m(arr_end, "USD/yr")), np.asarray(_m(arr_ceiling, "USD/yr"))
    bad = np.broadcast_to(ceiling <= end, np.broadcast_shapes(end.shape, ceiling.shape))
    if bad.any():
        at = tuple(np.argwhere(bad)[0]) if bad.ndim else ()
        e, k = (float(np.broadcast_to(end, bad.shape)[at]),
                float(np.broadcast_to(ceiling, bad.shape)[at]))
        raise CalcError(f"inputs.arr_ceiling: {precise(k, 'USD/yr')} must exceed arr_end "
                        f"({precise(e, 'USD/yr')}): a logistic path rises towards its ceiling; "
                        "give a higher arr_ceiling, or use the constant or decaying path")


# -- the run-rate at the end of each period -------------------------------------------------------

@formula("arr_end x (1 + arr_growth_per_month)^m, m = months from arr_as_of to the period's end",
         excel="{arr_end}*(1+{arr_growth_per_month})^(({period_end}-{arr_as_of})*12)")
def arr_at(arr_end, arr_growth_per_month, arr_as_of, period_end):
    """Run-rate at the END of each period, at constant monthly growth through ``arr_as_of``.

    Returns: arr_at [USD/yr] = arr_end x (1 + g)^m, m = 12 x (period_end - arr_as_of) months.

    >>> # 3 months: 5 x 1.1^3
    >>> round(float(arr_at(arr_end="$5B/yr", arr_growth_per_month=0.1, arr_as_of="2025.5 yr",
    ...                    period_end="2025.75 yr").m_as("USD/yr")) / 1e9, 9)
    6.655
    """
    m = _months(arr_as_of, period_end)
    _no_backwards_collapse(_m(arr_growth_per_month, ""), m, period_end, arr_as_of)
    return Q(constant_rate(_m(arr_end, "USD/yr"), _m(arr_growth_per_month, ""), m), "USD/yr")


@formula("arr_end x exp(ln(1 + g) x h / ln 2 x (1 - 2^(-m / h))), h = arr_growth_half_life, "
         "m = months from arr_as_of to the period's end", output="arr_at", default=False,
         excel="{arr_end}*EXP(LN(1+{arr_growth_per_month})*{arr_growth_half_life}/LN(2)*"
               "(1-2^(-({period_end}-{arr_as_of})*12/{arr_growth_half_life})))")
def arr_at_decaying(arr_end, arr_growth_per_month, arr_as_of, period_end, arr_growth_half_life):
    """Run-rate at each period's end when the growth rate halves every ``arr_growth_half_life``.

    >>> round(float(arr_at_decaying(arr_end="$5B/yr", arr_growth_per_month=1.0, arr_as_of="2025 yr",
    ...     period_end="2025.1666666666667 yr",
    ...     arr_growth_half_life="1 month").m_as("USD/yr")) / 1e9, 3)
    10.585
    """
    m = _months(arr_as_of, period_end)
    _no_backwards_collapse(_m(arr_growth_per_month, ""), m, period_end, arr_as_of)
    out = decaying_rate(_m(arr_end, "USD/yr"), _m(arr_growth_per_month, ""), m,
                              _m(arr_growth_half_life, "month"))
    return Q(out, "USD/yr")


@formula("arr_ceiling / (1 + c e^(-r m)), c = arr_ceiling / arr_end - 1, r = ln(1 + g) / (1 - "
         "arr_end / arr_ceiling)",
         output="arr_at", default=False,
         excel="{arr_ceiling}/(1+({arr_ceiling}/{arr_end}-1)*EXP(-(LN(1+"
               "{arr_growth_per_month})/(1-{arr_end}/{arr_ceiling}))*("
               "{period_end}-{arr_as_of})*12))")
def arr_at_logistic(arr_end, arr_growth_per_month, arr_as_of, period_end, arr_ceiling):
    """Run-rate at each period's end on a saturating (logistic) path towards ``arr_ceiling``.

    >>> # arr_end
    >>> float(arr_at_logistic(arr_end="$5B/yr", arr_growth_per_month=0.1, arr_as_of="2025 yr",
    ...                       period_end="2025 yr", arr_ceiling="$100B/yr").m_as("USD/yr"))
    5000000000.0
    """
    _ceiling_above_end(arr_end, arr_ceiling, arr_growth_per_month)
    m = _months(arr_as_of, period_end)
    out = logistic_rate(_m(arr_end, "USD/yr"), _m(arr_growth_per_month, ""), m,
                        _m(arr_ceiling, "USD/yr"))
    return Q(out, "USD/yr")


# -- revenue: the run-rate integrated over each period --------------------------------------------

@formula("arr_end / 12 x ((1 + g)^m1 - (1 + g)^m0) / ln(1 + g), m0, m1 = months from arr_as_of to "
         "the period's start and end",
         excel="IF({arr_growth_per_month}=0,{arr_end}/12*(({period_end}-{arr_as_of})*"
               "12-({period_start}-{arr_as_of})*12),{arr_end}/12*((1+"
               "{arr_growth_per_month})^(({period_end}-{arr_as_of})*12)-(1+"
               "{arr_growth_per_month})^(({period_start}-{arr_as_of})*12))/LN(1+"
               "{arr_growth_per_month}))")
def revenue(arr_end, arr_growth_per_month, arr_as_of, period_start, period_end):
    """Revenue earned in each period: the constant-growth run-rate integrated continuously.

    One month at run-rate A earns A / 12. Returns: revenue [USD].
    """
    m0, m1 = _months(arr_as_of, period_start), _months(arr_as_of, period_end)
    _no_backwards_collapse(_m(arr_growth_per_month, ""), m0, period_start, arr_as_of)
    return Q(constant_revenue(_m(arr_end, "USD/yr"), _m(arr_growth_per_month, ""), m0, m1), "USD")


@formula(
    "the decaying-growth run-rate integrated over the period (Gauss-Legendre, 8 nodes a month)",
         output="revenue", default=False,
         # the quadrature written out: {gauss:...} are the period's nodes and weights
         excel=("SUMPRODUCT({gauss:weights}*{arr_end}*EXP(LN(1+{arr_growth_per_month})"
                "*{arr_growth_half_life}/LN(2)*(1-2^(-(({period_start}-{arr_as_of})*12"
                "+{gauss:nodes})/{arr_growth_half_life}))))/12"))
def revenue_decaying(arr_end, arr_growth_per_month, arr_as_of, period_start, period_end,
                     arr_growth_half_life):
    """Revenue per period on the decaying-growth path. Returns: revenue [USD]."""
    m0, m1 = _months(arr_as_of, period_start), _months(arr_as_of, period_end)
    _no_backwards_collapse(_m(arr_growth_per_month, ""), m0, period_start, arr_as_of)
    out = decaying_revenue(_m(arr_end, "USD/yr"), _m(arr_growth_per_month, ""), m0, m1,
                                 _m(arr_growth_half_life, "month"))
    return Q(out, "USD")


@formula("arr_ceiling / 12 x (ln(e^(r m1) + c) - ln(e^(r m0) + c)) / r (logistic path)",
         output="revenue", default=False,
         excel="{arr_ceiling}/12*(({period_end}-{arr_as_of})*12-("
               "{period_start}-{arr_as_of})*12+(LN(1+({arr_ceiling}/{arr_end}-1)*EXP(-("
               "LN(1+{arr_growth_per_month})/(1-{arr_end}/{arr_ceiling}))*("
               "{period_end}-{arr_as_of})*12))-LN(1+({arr_ceiling}/{arr_end}-1)*EXP(-("
               "LN(1+{arr_growth_per_month})/(1-{arr_end}/{arr_ceiling}))*("
               "{period_start}-{arr_as_of})*12)))/(LN(1+{arr_growth_per_month})/("
               "1-{arr_end}/{arr_ceiling})))")
def revenue_logistic(arr_end, arr_growth_per_month, arr_as_of, period_start, period_end,
                     arr_ceiling):
    """Revenue per period on the logistic path. Returns: revenue [USD]."""
    _ceiling_above_end(arr_end, arr_ceiling, arr_growth_per_month)
    m0, m1 = _months(arr_as_of, period_start), _months(arr_as_of, period_end)
    out = logistic_revenue(_m(arr_end, "USD/yr"), _m(arr_growth_per_month, ""), m0, m1,
                                 _m(arr_ceiling, "USD/yr"))
    return Q(out, "USD")


_SPEND = "{row:commitment_spend}"
# coverage compared as written (text "" where there is no spend compares above every number)
_LAST_BAD = (f"SUMPRODUCT(MAX(({_SPEND}<>0)*({{cells:coverage}}<{{one:coverage}})"
             f"*COLUMN({_SPEND})))")
_FIRST_OK = (f"SUMPRODUCT(MIN(((({_SPEND}<>0)*(COLUMN({_SPEND})>{_LAST_BAD}))=0)*1E9"
             f"+COLUMN({_SPEND})))")


# -- against commitments ---------------------------------------------------------------------------

@formula("compute_share_of_revenue x revenue / commitment_spend (null without spend)",
         excel='IF({commitment_spend}=0,"",{compute_share_of_revenue}*{revenue}/'
               "{commitment_spend}{scale})")
def coverage(compute_share_of_revenue, revenue, commitment_spend):
    """How many times the revenue that can pay for compute covers the period's spend.

    >>> coverage(compute_share_of_revenue=0.5, revenue="$8B", commitment_spend="$2B")
    <Quantity(2.0, 'dimensionless')>
    >>> coverage(compute_share_of_revenue=1.0, revenue=Q(np.array([2.0, 1.0]), "USD"),
    ...          commitment_spend=Q(np.array([1.0, 0.0]), "USD")).m.tolist()
    [2.0, nan]
    """
    share, rev, spend = np.broadcast_arrays(_m(compute_share_of_revenue, ""), _m(revenue, "USD"),
                                            _m(commitment_spend, "USD"))
    out = np.full(spend.shape, np.nan)
    np.divide(share * rev, spend, out=out, where=spend != 0)
    return Q(out, "dimensionless")


@formula("running sum of revenue from the first period",
         excel="{prev:revenue_cumulative}+{revenue}")
def revenue_cumulative(revenue):
    """Revenue so far.

    >>> revenue_cumulative(revenue=Q(np.array([1.0, 2.0, 3.0]), "USD")).m.tolist()
    [1.0, 3.0, 6.0]
    """
    return Q(np.cumsum(_m(revenue, "USD"), axis=-1), "USD")


@formula("running sum of commitment_spend from the first period",
         excel="{prev:commitment_spend_cumulative}+{commitment_spend}")
def commitment_spend_cumulative(commitment_spend):
    """Commitment spend so far.

    >>> commitment_spend_cumulative(commitment_spend=Q(np.array([2.0, 2.0]), "USD")).m.tolist()
    [2.0, 4.0]
    """
    return Q(np.cumsum(_m(commitment_spend, "USD"), axis=-1), "USD")


@formula("running sum of (commitment_spend - compute_share_of_revenue x revenue)",
         excel="{prev:cumulative_gap}+{commitment_spend}-{compute_share_of_revenue}*"
               "{revenue}")
def cumulative_gap(commitment_spend, compute_share_of_revenue, revenue):
    """What spend has outrun the revenue that pays for it, so far.

    >>> cumulative_gap(commitment_spend=Q(np.array([3.0, 3.0]), "USD"), compute_share_of_revenue=1,
    ...                revenue=Q(np.array([1.0, 4.0]), "USD")).m.tolist()  # 3-1 = 2; 2 + 3-4 = 1
    [2.0, 1.0]
    """
    gap = _m(commitment_spend, "USD") - _m(compute_share_of_revenue, "") * _m(revenue, "USD")
    return Q(np.cumsum(gap, axis=-1), "USD")


@formula("the largest cumulative_gap over the timeline, 0 if never positive",
         excel="MAX(0,MAX({row:cumulative_gap}))")
def funding_need(cumulative_gap):
    """What must be raised to carry the commitments through the timeline.

    >>> funding_need(cumulative_gap=Q(np.array([2.0, 5.0, -1.0]), "USD")).m.tolist()
    [5.0]
    """
    return Q(np.maximum(np.max(_m(cumulative_gap, "USD"), axis=-1, keepdims=True), 0.0), "USD")


@formula("start of the first period with spend from which coverage stays at least 1 to "
         "the end (null: never)",
         # the last period with spend and coverage below 1, then the first with spend after it
         excel='IF(COUNTIF({row:commitment_spend},"<>0")=0,{first:period_start},'
               'IF(' + _FIRST_OK + '>=1E9,"never",INDEX({row:period_start},1,'
               + _FIRST_OK + '-COLUMN({first:period_start})+1)))')
def break_even(coverage, commitment_spend, period_start):
    """The break-even date as a decimal year (NaN for never).

    >>> break_even(coverage=Q(np.array([0.5, 1.5]), ""),
    ...            commitment_spend=Q(np.array([1.0, 1.0]), "USD"),
    ...            period_start=Q(np.array([2026.0, 2027.0]), "yr")).m.tolist()
    [2027.0]
    """
    cov, spend = _m(coverage, ""), _m(commitment_spend, "USD")
    idx = break_even_index(cov, spend)
    shape = np.broadcast_shapes(np.shape(cov), np.shape(spend))
    starts = np.broadcast_to(_m(period_start, "yr"), shape)
    picked = np.take_along_axis(starts, np.maximum(idx, 0), axis=-1)
    return Q(np.where(idx >= 0, picked, np.nan), "yr")


def break_even_index(cov, spend):
    """The first period WITH SPEND from which coverage stays >= 1 to the end (no-spend periods
    do not interrupt it, nor can they be the break-even: nothing is covered in them), or -1 for
    never; keeps a length-1 period axis. Without spend in any period: the first period.

    >>> cov = np.array([0.5, 1.2, 0.9, 1.1, np.nan])
    >>> break_even_index(cov, np.array([1, 1, 1, 1, 0.0])).tolist()
    [3]
    >>> break_even_index(np.array([1.5, 0.5]), np.array([1.0, 1.0])).tolist()
    [-1]
    >>> break_even_index(np.array([np.nan, 2.0, 3.0]), np.array([0.0, 1.0, 1.0])).tolist()
    [1]
    """
    cov, spend = np.broadcast_arrays(cov, spend)
    ok = (spend == 0) | (cov >= 1)              # NaN coverage compares False; spend == 0 covers it
    holds = np.logical_and.accumulate(ok[..., ::-1], axis=-1)[..., ::-1]   # ok from here to the end
    spent = (spend != 0).any(axis=-1)
    start = holds & ((spend != 0) | ~spent[..., None])   # a break-even period has spend (if any)
    found = start.any(axis=-1)
    return np.where(found, np.argmax(start, axis=-1), -1)[..., None]
