"""Revenue: how fast run-rate revenue (ARR) grows, and where it gets to.

Growth is compound and per month: ``arr_growth_per_month`` = 0.2585 means +25.85 % a month.
``arr_growth_per_year`` is the annual MULTIPLE that rate implies ((1 + g)^12, e.g. 15.78x for
25.85 %), not a rate minus one. Months are pint's: a Julian year / 12 (30.44 days). Powers are
taken on plain numpy magnitudes so exponents may be arrays of samples.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from calc.models._formula import formula
from calc.units import Q

_MONTH = Q(1, "month")
LN2 = np.log(2.0)


def _ratio(a, b):
    """a / b as a plain float or numpy array (both of one dimension)."""
    return Q(a / b).m_as("dimensionless")


def _plain(x):
    """A dimensionless quantity (or a plain number or array) as a plain float or numpy array."""
    return Q(x).m_as("dimensionless")


@formula("(arr_end / arr_start)^(1 month / arr_period) - 1",
         excel="({arr_end}/{arr_start})^(1/{arr_period})-1")
def arr_growth_per_month(arr_start, arr_end, arr_period):
    """Compound monthly growth between two run-rate figures.

    Parameters: arr_start [USD/yr]; arr_end [USD/yr]; arr_period [month] from start to end.
    Returns: arr_growth_per_month [1] = (arr_end / arr_start)^(1 month / arr_period) - 1.
    References: docs/glossary.md.

    >>> round(float(arr_growth_per_month(arr_start="$1B/yr", arr_end="$5B/yr",
    ...                                  arr_period="7 month").m), 6)
    0.258499
    """
    g = np.power(_ratio(arr_end, arr_start), _ratio(_MONTH, arr_period)) - 1
    return Q(g, "dimensionless")


@formula("annual multiple: (1 + arr_growth_per_month)^12",
         excel="(1+{arr_growth_per_month})^12")
def arr_growth_per_year(arr_growth_per_month):
    """The annual MULTIPLE a monthly growth rate implies (15.78 means 15.78x in a year, not +1,578
    %).

    Parameters: arr_growth_per_month [1] compound growth per month.
    Returns: arr_growth_per_year [1] = (1 + arr_growth_per_month)^12, a multiple (not minus one).

    >>> # 1.258499^12 = 5^(12/7)
    >>> round(float(arr_growth_per_year(arr_growth_per_month=0.258499).m), 2)
    15.78
    """
    return Q(np.power(1 + _plain(arr_growth_per_month), 12), "dimensionless")


@formula("ln 2 / ln(1 + arr_growth_per_month) months",
         excel="LN(2)/LN(1+{arr_growth_per_month})")
def arr_doubling_time(arr_growth_per_month):
    """Time for run-rate revenue to double at a constant monthly rate.

    Parameters: arr_growth_per_month [1]. Returns: arr_doubling_time [month] = ln 2 / ln(1 + g)
    months.

    >>> round(float(arr_doubling_time(arr_growth_per_month=0.258499).m), 4)
    3.0147
    """
    return (LN2 / np.log1p(_plain(arr_growth_per_month)) * _MONTH).to("month")


@formula("2^(1 month / arr_doubling_time) - 1", output="arr_growth_per_month",
         excel="2^(1/{arr_doubling_time})-1")
def arr_growth_per_month_from_doubling_time(arr_doubling_time):
    """Monthly growth that doubles revenue in a given time: arr_doubling_time [month] -> [1] = 2^(1
    month / T) - 1."""
    return Q(np.expm1(LN2 * _ratio(_MONTH, arr_doubling_time)), "dimensionless")


@formula("arr_end x (1 + arr_growth_per_month)^(arr_horizon / 1 month)",
         excel="{arr_end}*(1+{arr_growth_per_month})^{arr_horizon}")
def arr_projected(arr_end, arr_growth_per_month, arr_horizon):
    """Run-rate revenue projected forward at constant monthly growth (the default shape).

    Parameters: arr_end [USD/yr]; arr_growth_per_month [1]; arr_horizon [month] after arr_end.
    Returns: arr_projected [USD/yr] = arr_end x (1 + g)^(arr_horizon / 1 month).

    >>> arr_projected(arr_end="$5B/yr", arr_growth_per_month=0.1, arr_horizon="2 month")
    <Quantity(6.05e+09, 'USD / year')>
    """
    growth = np.power(1 + _plain(arr_growth_per_month), _ratio(arr_horizon, _MONTH))
    return (arr_end * growth).to("USD/yr")


@formula("arr_end x exp(ln(1 + g) x h / ln 2 x (1 - 2^(-arr_horizon / h))), h "
         "= arr_growth_half_life",
         output="arr_projected", default=False,
         excel="{arr_end}*EXP(LN(1+{arr_growth_per_month})*{arr_growth_half_life}/LN(2)*"
               "(1-2^(-{arr_horizon}/{arr_growth_half_life})))")
def arr_projected_decaying(arr_end, arr_growth_per_month, arr_horizon, arr_growth_half_life):
    """Run-rate revenue projected forward with a growth rate that decays (an alternative shape).

    The continuous log-growth rate r(t) = ln(1 + g) x 2^(-t / h) per month halves every h; its
    integral from 0 to T gives the formula below. As h -> infinity it tends to ``arr_projected``
    (constant growth); for a finite h and positive growth it stays below it.
    Parameters: arr_end [USD/yr]; arr_growth_per_month [1] the rate at arr_end; arr_horizon [month];
    arr_growth_half_life [month] h.
    Returns: arr_projected [USD/yr] = arr_end x exp(ln(1 + g) x h / ln 2 x (1 - 2^(-T / h))).

    >>> arr_projected_decaying(arr_end="$5B/yr", arr_growth_per_month=1.0, arr_horizon="1 month",
    ...                        arr_growth_half_life="1 month")   # exp(ln2 x 1/ln2 x 1/2) = e^0.5
    <Quantity(8.24360635e+09, 'USD / year')>
    """
    h = _ratio(arr_growth_half_life, _MONTH)
    # h / ln2 x (1 - 2^(-T/h)), with expm1 so a huge h does not lose the answer to cancellation.
    months = -h / LN2 * np.expm1(-LN2 * _ratio(arr_horizon, _MONTH) / h)
    log_growth = np.log1p(_plain(arr_growth_per_month)) * months
    return (arr_end * np.exp(log_growth)).to("USD/yr")


# -- revenue paths on plain numpy magnitudes -------------------------------------------------------
#
# Revenue paths: the run-rate at a time and revenue as its integral, on plain numpy magnitudes.
#
# Times ``m`` are months after ``arr_as_of`` (negative before it); run-rates are per year, so one
# month at run-rate ``A`` earns ``A / 12``. With ``L = ln(1 + g)`` for the monthly growth ``g``:
#
# - **constant** growth: ``arr(m) = A (1 + g)^m``; over ``[m0, m1]`` revenue is
#   ``A / 12 x ((1 + g)^m1 - (1 + g)^m0) / L`` (``A / 12 x (m1 - m0)`` when g = 0).
# - **decaying** growth (the existing ``arr_projected_decaying`` shape): the log-growth rate
#   ``L x 2^(-m / h)`` halves every ``h`` months, so
#   ``arr(m) = A exp(L h / ln 2 x (1 - 2^(-m / h)))``.
#   Its integral has no elementary form; revenue is 8-point Gauss-Legendre quadrature per month of
#   the period (relative error below 1e-12 for the smooth paths here; tested against the closed
#   form as h grows).
# - **logistic** (saturating) growth towards a ceiling ``K``: ``arr(m) = K / (1 + c e^(-r m))`` with
#   ``c = K / A - 1`` (so arr(0) = A) and ``r = L / (1 - A / K)`` (so the growth at ``arr_as_of`` is
#   ``g``). Revenue is ``K / 12 x (ln(e^(r m1) + c) - ln(e^(r m0) + c)) / r``.



@lru_cache(maxsize=1)
def _gauss_legendre() -> tuple:
    """8-point Gauss-Legendre nodes and weights on [-1, 1] (numpy.polynomial, imported on first
    use)."""
    from numpy.polynomial.legendre import leggauss
    return tuple(zip(*leggauss(8)))


def _grown(L, m):
    """``e^(L m)`` with ``m = 0`` giving 1 even for ``L = -inf`` (growth of -100 %: A at arr_as_of,
    0 after)."""
    return np.exp(np.where(m == 0, 0.0, L * m))


def constant_rate(arr_end, g, m):
    """Run-rate ``m`` months after arr_as_of at constant monthly growth ``g``: ``A (1 + g)^m``."""
    return arr_end * _grown(np.log1p(g), m)


def constant_revenue(arr_end, g, m0, m1):
    """Revenue over months ``[m0, m1]`` at constant growth: ``A / 12 x ((1+g)^m1 - (1+g)^m0) /
    ln(1+g)``.

    Written as ``A / 12 x (1+g)^m0 x expm1(L (m1 - m0)) / L`` so that g near 0 does not cancel.

    >>> # 5e9/12 x (1.05^12-1)/ln 1.05
    >>> round(float(constant_revenue(5e9, 0.05, 0.0, 12.0)) / 1e9, 6)
    6.796591
    """
    L = np.log1p(g)
    d = m1 - m0
    small = np.abs(L) < 1e-12
    safe = np.where(small, 1.0, L)
    # g = -1: -1 / -inf = 0 (nothing after)
    factor = np.where(small, d, np.expm1(safe * d) / safe)
    return arr_end / 12.0 * _grown(L, m0) * factor


def decaying_rate(arr_end, g, m, half_life):
    """Run-rate with decaying growth: ``A exp(L h / ln 2 x (1 - 2^(-m / h)))``."""
    months = -half_life / LN2 * np.expm1(-LN2 * m / half_life)
    return arr_end * _grown(np.log1p(g), months)


def month_nodes(months: int) -> tuple:
    """The nodes [months from a period's start] and weights with which ``_quadrature`` sums a
    period of ``months`` whole months: 8 Gauss-Legendre nodes a month (the spreadsheet form of
    ``revenue_decaying`` writes them out)."""
    x, w = (np.array(v) for v in zip(*_gauss_legendre()))
    k = np.arange(months)[:, None]
    return (k + (1.0 + x) / 2.0).ravel(), np.tile(w / 2.0, months)


def _quadrature(rate, m0, m1):
    """``1/12 x integral of rate(m) dm`` over ``[m0, m1]``: Gauss-Legendre, 8 nodes per month."""
    m0, m1 = np.broadcast_arrays(np.asarray(m0, dtype=float), np.asarray(m1, dtype=float))
    n = int(np.ceil(np.max(m1 - m0))) if m0.size else 1
    n = max(n, 1)
    total = 0.0
    # one pass per month of the longest period, not per period
    for k in range(n):
        a = np.minimum(m0 + k, m1)
        b = np.minimum(m0 + k + 1, m1)
        half = (b - a) / 2.0
        mid = (a + b) / 2.0
        for x, w in _gauss_legendre():
            total = total + w * half * rate(mid + half * x)
    return total / 12.0


def decaying_revenue(arr_end, g, m0, m1, half_life):
    """Revenue over ``[m0, m1]`` with decaying growth (quadrature of ``decaying_rate``)."""
    return _quadrature(lambda m: decaying_rate(arr_end, g, m, half_life), m0, m1)


def logistic_rate(arr_end, g, m, ceiling):
    """Saturating run-rate: ``K / (1 + c e^(-r m))``, ``c = K/A - 1``, ``r = ln(1+g) / (1 -
    A/K)``."""
    c = ceiling / arr_end - 1.0
    r = np.log1p(g) / (1.0 - arr_end / ceiling)
    return ceiling / (1.0 + c * np.exp(-r * m))


def logistic_revenue(arr_end, g, m0, m1, ceiling):
    """Revenue over ``[m0, m1]`` on the logistic path: ``K/12 x (ln(e^(r m1) + c) - ln(e^(r m0) +
    c)) / r``.

    Computed as ``K/12 x (m1 - m0 + (ln(1 + c e^(-r m1)) - ln(1 + c e^(-r m0))) / r)``, stable for
    large r m.
    """
    c = ceiling / arr_end - 1.0
    r = np.log1p(g) / (1.0 - arr_end / ceiling)
    small = np.abs(r) < 1e-12
    safe = np.where(small, 1.0, r)
    span = (m1 - m0) + (np.log1p(c * np.exp(-safe * m1)) - np.log1p(c * np.exp(-safe * m0))) / safe
    flat = arr_end * (m1 - m0)                      # r = 0: the run-rate stays at A
    return np.where(small, flat / 12.0, ceiling * span / 12.0)
