"""Financing models: cash, raises, other costs and interest against the commitments, per period.

Arrays carry periods on the LAST axis (as in calc.models.timeline). The cash balance is a
recursion (interest is charged on a negative OPENING balance), so ``interest`` steps along the
period axis (``balances``): one numpy step per period, every case and sample vectorised in each
step; ``cash_balance`` is then a running sum with that interest charged. ``raises`` (the raises
dated in each period) comes from the scenario's ``financing`` block (calc.values.PeriodAxis), like
``commitment_spend``.

>>> args = dict(cash="10 billion USD", net_cash_flow=Q(np.full(4, -6e9), "USD"),
...             raises=Q(np.zeros(4), "USD"))
>>> i = interest(**args, interest_rate="0.1 / yr", period_start=Q(np.arange(2025.0, 2029.0), "yr"),
...              period_end=Q(np.arange(2026.0, 2030.0), "yr"))
>>> b = cash_balance(**args, interest=i)
>>> [round(x / 1e9, 6) for x in b.m_as("USD").tolist()]   # 10-6; 4-6; -2-6-0.2; -8.2-6-0.82
[4.0, -2.0, -8.2, -15.02]
"""

from __future__ import annotations

import numpy as np

from calc.models._formula import formula
from calc.units import Q


def _m(q, unit: str):
    return np.asarray(Q(q).m_as(unit), dtype=float)


@formula("other_costs_per_year x period length + other_cost_share_of_revenue x revenue",
         excel="{other_costs_per_year}*({period_end}-{period_start})+"
               "{other_cost_share_of_revenue}*{revenue}")
def other_costs(other_costs_per_year, other_cost_share_of_revenue, revenue, period_start,
                period_end):
    """Costs other than the commitments in each period; the financing block gives one of the two
    inputs, the other is 0. Returns: other_costs [USD].

    >>> other_costs(other_costs_per_year="12 USD/yr", other_cost_share_of_revenue=0,
    ...             revenue="100 USD", period_start="2026 yr", period_end="2026.25 yr").m.item()
    3.0
    """
    years = _m(period_end, "yr") - _m(period_start, "yr")
    out = (_m(other_costs_per_year, "USD/yr") * years
           + _m(other_cost_share_of_revenue, "") * _m(revenue, "USD"))
    return Q(out, "USD")


@formula("compute_share_of_revenue x revenue - commitment_spend - other_costs",
         excel="{compute_share_of_revenue}*{revenue}-{commitment_spend}-{other_costs}")
def net_cash_flow(compute_share_of_revenue, revenue, commitment_spend, other_costs):
    """Cash in minus cash out in each period, before raises and interest. Returns: [USD].

    >>> net_cash_flow(compute_share_of_revenue=1, revenue="5 USD", commitment_spend="3 USD",
    ...               other_costs="1 USD").m.item()
    1.0
    """
    out = (_m(compute_share_of_revenue, "") * _m(revenue, "USD") - _m(commitment_spend, "USD")
           - _m(other_costs, "USD"))
    return Q(out, "USD")


def balances(cash, flow, rate_years):
    """Closing balances and interest along the last axis [USD]: b_t = b_(t-1) + flow_t -
    rate_years_t x max(0, -b_(t-1)), b_(-1) = ``cash``; ``rate_years`` is interest_rate x period
    length. A loop over the period axis only; every case and sample is one array in each step.

    >>> b, i = balances(np.array(10.0), np.full(4, -6.0), np.full(4, 0.1))
    >>> b.round(6).tolist(), i.round(6).tolist()
    ([4.0, -2.0, -8.2, -15.02], [0.0, 0.0, 0.2, 0.82])
    """
    cash, flow, rate_years = np.broadcast_arrays(cash, flow, rate_years)
    if not np.any(rate_years):                       # no interest: a running sum
        return cash[..., :1] + np.cumsum(flow, axis=-1), np.zeros(flow.shape)
    bal, paid = np.empty(flow.shape), np.empty(flow.shape)
    prev = cash[..., 0]
    for t in range(flow.shape[-1]):
        paid[..., t] = rate_years[..., t] * np.maximum(0.0, -prev)
        prev = bal[..., t] = prev + flow[..., t] - paid[..., t]
    return bal, paid


def _rate_years(interest_rate, period_start, period_end):
    return _m(interest_rate, "1/yr") * (_m(period_end, "yr") - _m(period_start, "yr"))


def _flow(net_cash_flow, raises):
    return _m(net_cash_flow, "USD") + _m(raises, "USD")


@formula("interest_rate x max(0, -cash_balance at the period's start) x period length",
         excel="{interest_rate}*({period_end}-{period_start})*MAX(0,"
               "-{prev:cash_balance|cash})")
def interest(cash, net_cash_flow, raises, interest_rate, period_start, period_end):
    """Interest charged in each period on a negative opening balance. Returns: interest [USD]."""
    _, paid = balances(_m(cash, "USD"), _flow(net_cash_flow, raises),
                       _rate_years(interest_rate, period_start, period_end))
    return Q(paid, "USD")


@formula("previous cash_balance (cash before the first period) + net_cash_flow + raises - interest",
         excel="{prev:cash_balance|cash}+{net_cash_flow}+{raises}-{interest}")
def cash_balance(cash, net_cash_flow, raises, interest):
    """The cash balance at each period's end: a running sum over the periods, ``interest`` (which
    the recursion in ``balances`` gave) already charged. Returns: cash_balance [USD].

    >>> cash_balance(cash="10 USD", net_cash_flow=Q(np.array([-6.0, -6.0, -6.0]), "USD"),
    ...              raises="0 USD", interest=Q(np.array([0.0, 0.0, 0.2]), "USD")).m.tolist()
    [4.0, -2.0, -8.2]
    """
    flow = np.broadcast_arrays(_flow(net_cash_flow, raises), _m(interest, "USD"))
    return Q(_m(cash, "USD") + np.cumsum(flow[0] - flow[1], axis=-1), "USD")


@formula("the largest negative cash_balance as a positive amount, 0 if never below 0",
         excel="MAX(0,-MIN({row:cash_balance}))")
def shortfall(cash_balance):
    """What must still be raised: one value per case. Returns: shortfall [USD].

    >>> shortfall(cash_balance=Q(np.array([4.0, -2.0, -8.2, 1.0]), "USD")).m.tolist()
    [8.2]
    """
    low = np.min(_m(cash_balance, "USD"), axis=-1, keepdims=True)
    return Q(np.maximum(-low, 0.0), "USD")


@formula("the start of the first period whose closing cash_balance is below 0 (null: never)",
         excel='IF(COUNTIF({row:cash_balance},"<0")=0,"never",INDEX({row:period_start},'
               "1,SUMPRODUCT(MIN(({row:cash_balance}>=0)*1E9+COLUMN("
               "{row:cash_balance})))-COLUMN({first:period_start})+1))")
def cash_out(cash_balance, period_start):
    """The date the cash runs out, as a decimal year (NaN for never).

    >>> cash_out(cash_balance=Q(np.array([4.0, -2.0, 1.0]), "USD"),
    ...          period_start=Q(np.array([2025.0, 2026.0, 2027.0]), "yr")).m.tolist()
    [2026.0]
    """
    below = _m(cash_balance, "USD") < 0
    starts = np.broadcast_to(_m(period_start, "yr"), below.shape)
    first = np.take_along_axis(starts, np.argmax(below, axis=-1)[..., None], axis=-1)
    return Q(np.where(below.any(axis=-1, keepdims=True), first, np.nan), "yr")


def out_index(balance) -> np.ndarray:
    """The period of the largest negative balance along the last axis (the one that decides
    shortfall), keeping a length-1 axis.

    >>> out_index(np.array([4.0, -2.0, -8.2, 1.0])).tolist()
    [2]
    """
    return np.argmin(balance, axis=-1)[..., None]
