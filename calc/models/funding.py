"""Funding: who put in how much, how valuations stepped up, and what they are worth in revenue.

``total`` adds tranches ("$4B in 2023 + $4B in 2024") with a unit check; it is a plain helper,
not a formula, because it takes any number of amounts rather than named quantities.
"""

from __future__ import annotations

from calc.errors import CalcError
from calc.models._formula import formula
from calc.units import Q, check_dimension

_YEAR = Q(1, "yr")


@formula("investment / capital_raised",
         excel="{investment}/{capital_raised}")
def investor_share_of_capital(investment, capital_raised):
    """One investor's share of a company's capital raised.

    Parameters: investment [USD]; capital_raised [USD].
    Returns: investor_share_of_capital [1] = investment / capital_raised.

    >>> investor_share_of_capital(investment="$8B", capital_raised="$32B")
    <Quantity(0.25, 'dimensionless')>
    """
    return (investment / capital_raised).to("dimensionless")


@formula("valuation_after / valuation_before",
         excel="{valuation_after}/{valuation_before}")
def valuation_step_up(valuation_before, valuation_after):
    """How many times a valuation grew in a round.

    Parameters: valuation_before [USD]; valuation_after [USD].
    Returns: valuation_step_up [1] = valuation_after / valuation_before.

    >>> valuation_step_up(valuation_before="$100B", valuation_after="$250B")
    <Quantity(2.5, 'dimensionless')>
    """
    return (valuation_after / valuation_before).to("dimensionless")


@formula("valuation / (arr x 1 year)",
         excel="{valuation}/{arr}")
def valuation_arr_multiple(valuation, arr):
    """Valuation as a multiple of one year of run-rate revenue.

    Parameters: valuation [USD]; arr [USD/yr].
    Returns: valuation_arr_multiple [1] = valuation / (arr x 1 year).

    >>> valuation_arr_multiple(valuation="$100B", arr="$5B/yr")
    <Quantity(20.0, 'dimensionless')>
    """
    return (valuation / (arr * _YEAR)).to("dimensionless")


def total(*amounts):
    """Sum of amounts of one dimension (tranches, rounds); strings such as "$4B" are read.

    Returns the sum in the unit of the first amount. Raises CalcError naming the offending
    argument when a dimension differs, and when no amount is given.

    >>> total("$4B", "4 billion USD")
    <Quantity(8e+09, 'USD')>
    """
    if not amounts:
        raise CalcError("total(): expected at least one amount, e.g. total('$4B', '$4B'); got none")
    quantities = [Q(a) for a in amounts]
    first = quantities[0]
    for i, q in enumerate(quantities[1:], start=2):
        given = f"={amounts[i - 1]!r}" if isinstance(amounts[i - 1], str) else ""
        check_dimension(f"total(argument {i}{given})", q, first.units)
    return sum(quantities[1:], start=first).to(first.units)
