"""Revenue: how fast run-rate revenue (ARR) grows, and where it gets to.

Growth is compound and per month: ``arr_growth_per_month`` = 0.2585 means +25.85 % a month.
``arr_growth_per_year`` is the annual MULTIPLE that rate implies ((1 + g)^12, e.g. 15.78x for
25.85 %), not a rate minus one. Months are pint's: a Julian year / 12 (30.44 days). Powers are
taken on plain numpy magnitudes so exponents may be arrays of samples.
"""

from __future__ import annotations

import numpy as np

from calc.models._formula import formula
from calc.timeline.paths import LN2
from calc.units import Q

_MONTH = Q(1, "month")


def _ratio(a, b):
    """a / b as a plain float or numpy array (both of one dimension)."""
    return Q(a / b).m_as("dimensionless")


def _plain(x):
    """A dimensionless quantity (or a plain number or array) as a plain float or numpy array."""
    return Q(x).m_as("dimensionless")


@formula("(arr_end / arr_start)^(1 month / arr_period) - 1")
def arr_growth_per_month(arr_start, arr_end, arr_period):
    """Compound monthly growth between two run-rate figures.

    Parameters: arr_start [USD/yr]; arr_end [USD/yr]; arr_period [month] from start to end.
    Returns: arr_growth_per_month [1] = (arr_end / arr_start)^(1 month / arr_period) - 1.
    References: docs/glossary.md.

    >>> round(float(arr_growth_per_month(arr_start="$1B/yr", arr_end="$5B/yr", arr_period="7 month").m), 6)
    0.258499
    """
    g = np.power(_ratio(arr_end, arr_start), _ratio(_MONTH, arr_period)) - 1
    return Q(g, "dimensionless")


@formula("annual multiple: (1 + arr_growth_per_month)^12")
def arr_growth_per_year(arr_growth_per_month):
    """The annual MULTIPLE a monthly growth rate implies (15.78 means 15.78x in a year, not +1,578 %).

    Parameters: arr_growth_per_month [1] compound growth per month.
    Returns: arr_growth_per_year [1] = (1 + arr_growth_per_month)^12, a multiple (not minus one).

    >>> round(float(arr_growth_per_year(arr_growth_per_month=0.258499).m), 2)   # 1.258499^12 = 5^(12/7)
    15.78
    """
    return Q(np.power(1 + _plain(arr_growth_per_month), 12), "dimensionless")


@formula("ln 2 / ln(1 + arr_growth_per_month) months")
def arr_doubling_time(arr_growth_per_month):
    """Time for run-rate revenue to double at a constant monthly rate.

    Parameters: arr_growth_per_month [1]. Returns: arr_doubling_time [month] = ln 2 / ln(1 + g) months.

    >>> round(float(arr_doubling_time(arr_growth_per_month=0.258499).m), 4)
    3.0147
    """
    return (LN2 / np.log1p(_plain(arr_growth_per_month)) * _MONTH).to("month")


@formula("2^(1 month / arr_doubling_time) - 1", output="arr_growth_per_month")
def arr_growth_per_month_from_doubling_time(arr_doubling_time):
    """Monthly growth that doubles revenue in a given time: arr_doubling_time [month] -> [1] = 2^(1 month / T) - 1."""
    return Q(np.expm1(LN2 * _ratio(_MONTH, arr_doubling_time)), "dimensionless")


@formula("arr_end x (1 + arr_growth_per_month)^(arr_horizon / 1 month)")
def arr_projected(arr_end, arr_growth_per_month, arr_horizon):
    """Run-rate revenue projected forward at constant monthly growth (the default shape).

    Parameters: arr_end [USD/yr]; arr_growth_per_month [1]; arr_horizon [month] after arr_end.
    Returns: arr_projected [USD/yr] = arr_end x (1 + g)^(arr_horizon / 1 month).

    >>> arr_projected(arr_end="$5B/yr", arr_growth_per_month=0.1, arr_horizon="2 month")
    <Quantity(6.05e+09, 'USD / year')>
    """
    growth = np.power(1 + _plain(arr_growth_per_month), _ratio(arr_horizon, _MONTH))
    return (arr_end * growth).to("USD/yr")


@formula("arr_end x exp(ln(1 + g) x h / ln 2 x (1 - 2^(-arr_horizon / h))), h = arr_growth_half_life",
         output="arr_projected", default=False)
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
