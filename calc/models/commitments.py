"""Commitments: a contracted amount spread over its term, set against revenue and against power.

A "$38B over seven years" deal is 5.43 billion USD a year; that yearly figure can be compared with
run-rate revenue (can the buyer carry it?) and with the yearly cost of a gigawatt (how much
facility it pays for).
"""

from __future__ import annotations

from calc.models._formula import formula


@formula("commitment / commitment_term")
def commitment_per_year(commitment, commitment_term):
    """A commitment spread evenly over its term.

    Parameters: commitment [USD]; commitment_term [yr].
    Returns: commitment_per_year [USD/yr] = commitment / commitment_term.
    References: docs/glossary.md.

    >>> commitment_per_year(commitment="$38B", commitment_term="7 yr")
    <Quantity(5.42857143e+09, 'USD / year')>
    """
    return (commitment / commitment_term).to("USD/yr")


@formula("commitment_per_year / arr")
def commitment_share_of_arr(commitment_per_year, arr):
    """A yearly commitment as a share of run-rate revenue (above 1: more than all revenue).

    Parameters: commitment_per_year [USD/yr]; arr [USD/yr].
    Returns: commitment_share_of_arr [1] = commitment_per_year / arr.

    >>> commitment_share_of_arr(commitment_per_year="5 billion USD/yr", arr="10 billion USD/yr")
    <Quantity(0.5, 'dimensionless')>
    """
    return (commitment_per_year / arr).to("dimensionless")


@formula("commitment_per_year / tco_per_year_per_power")
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


@formula("commitment_per_year / rental_price_per_power")
def commitment_power_at_rental(commitment_per_year, rental_price_per_power):
    """Facility power a yearly commitment rents at cloud prices (provider's margin included).

    Parameters: commitment_per_year [USD/yr]; rental_price_per_power [USD/GW/yr].
    Returns: commitment_power_at_rental [GW] = commitment_per_year / rental_price_per_power.

    >>> commitment_power_at_rental(commitment_per_year="5.428571 billion USD/yr",
    ...                            rental_price_per_power="17.22 billion USD/GW/yr")
    <Quantity(0.315248026, 'gigawatt')>
    """
    return (commitment_per_year / rental_price_per_power).to("GW")


@formula("commitment_power_at_cost")
def commitment_power_equivalent(commitment_power_at_cost):
    """Deprecated alias of ``commitment_power_at_cost`` [GW] (README, "Migration notes").

    Until issue 14 it divided by cost_per_year_per_power (straight-line depreciation plus energy,
    capital free, no operations); that reading is ``commitment_per_year / cost_per_year_per_power``.
    """
    return commitment_power_at_cost.to("GW")
