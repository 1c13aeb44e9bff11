"""Money: what a site costs to build, to run for a year, and to rent instead.

Capex splits into IT (chips, servers, network, storage: ``chip_capex`` per chip) and facility
(building, power, cooling: ``facility_capex_per_power`` per watt of facility power). The yearly
cost ``cost_per_year`` is straight-line depreciation of each over its own lifetime plus the energy
bill: capital costs nothing in it and operations other than energy are left out, so it is below a
published total cost of ownership. The owner's full yearly cost is ``tco_per_year`` (models/tco.py).
"""

from __future__ import annotations

from calc.models._formula import formula


@formula("chips x chip_capex",
         excel="{chips}*{chip_capex}")
def it_capex(chips, chip_capex):
    """IT capex of a fleet.

    Parameters: chips [chip]; chip_capex [USD/chip] servers, network and storage share included.
    Returns: it_capex [USD] = chips x chip_capex.

    >>> it_capex(chips="400k chip", chip_capex="$50,000/chip")
    <Quantity(2e+10, 'USD')>
    """
    return (chips * chip_capex).to("USD")


@formula("facility_power x facility_capex_per_power",
         excel="{facility_power}*1E9*{facility_capex_per_power}")
def facility_capex(facility_power, facility_capex_per_power):
    """Facility capex: building, power and cooling.

    Parameters: facility_power [GW]; facility_capex_per_power [USD/W].
    Returns: facility_capex [USD] = facility_power x facility_capex_per_power.

    >>> facility_capex(facility_power="1 GW", facility_capex_per_power="10 USD/W")
    <Quantity(1e+10, 'USD')>
    """
    return (facility_power * facility_capex_per_power).to("USD")


@formula("it_capex + facility_capex",
         excel="{it_capex}+{facility_capex}")
def capex(it_capex, facility_capex):
    """Total capex: it_capex [USD] + facility_capex [USD] -> [USD]."""
    return (it_capex + facility_capex).to("USD")


@formula("capex_per_power x facility_power", output="capex",
         excel="{capex_per_power}*{facility_power}")
def capex_from_capex_per_power(capex_per_power, facility_power):
    """Capex from an all-in price per gigawatt: capex_per_power [USD/GW] x facility_power [GW] ->
    [USD]."""
    return (capex_per_power * facility_power).to("USD")


@formula("capex / facility_power",
         excel="{capex}/{facility_power}")
def capex_per_power(capex, facility_power):
    """All-in capex per gigawatt of facility power.

    Parameters: capex [USD]; facility_power [GW]. Returns: capex_per_power [USD/GW].
    $30B over 1 GW = 3e10 USD/GW.
    """
    return (capex / facility_power).to("USD/GW")


@formula("facility_power x load_factor x 1 year",
         excel="{facility_power}*{load_factor}*8.766")
def energy_per_year(facility_power, load_factor):
    """Energy a site draws in a year.

    Parameters: facility_power [GW]; load_factor [1] average draw / facility_power.
    Returns: energy_per_year [TWh/yr] = facility_power x load_factor x 1 year (8,766 h), per year.

    >>> energy_per_year(facility_power="1 GW", load_factor=0.8)
    <Quantity(7.0128, 'terawatt_hour / year')>
    """
    # GW x 1 year / 1 year: converting the average power to TWh/yr does the "x 1 year".
    return (facility_power * load_factor).to("TWh/yr")


@formula("energy_per_year x electricity_price",
         excel="{energy_per_year}*1E6*{electricity_price}")
def energy_cost_per_year(energy_per_year, electricity_price):
    """Yearly energy bill: energy_per_year [TWh/yr] x electricity_price [USD/MWh] -> [USD/yr].

    7.0128 TWh/yr x 80 USD/MWh = 7.0128e6 MWh/yr x 80 = 5.61024e8 USD/yr.
    """
    return (energy_per_year * electricity_price).to("USD/yr")


@formula("it_capex / it_lifetime + facility_capex / facility_lifetime",
         excel="{it_capex}/{it_lifetime}+{facility_capex}/{facility_lifetime}")
def depreciation_per_year(it_capex, it_lifetime, facility_capex, facility_lifetime):
    """Straight-line depreciation of IT and facility capex, each over its own lifetime.

    Parameters: it_capex [USD]; it_lifetime [yr]; facility_capex [USD]; facility_lifetime [yr].
    Returns: depreciation_per_year [USD/yr] = it_capex / it_lifetime + facility_capex /
    facility_lifetime.

    >>> depreciation_per_year(it_capex="$20B", it_lifetime="5 yr", facility_capex="$10B",
    ...                       facility_lifetime="20 yr")
    <Quantity(4.5e+09, 'USD / year')>
    """
    return (it_capex / it_lifetime + facility_capex / facility_lifetime).to("USD/yr")


@formula("depreciation_per_year + energy_cost_per_year",
         excel="{depreciation_per_year}+{energy_cost_per_year}")
def cost_per_year(depreciation_per_year, energy_cost_per_year):
    """Straight-line depreciation plus energy: depreciation_per_year [USD/yr] + energy_cost_per_year
    [USD/yr] -> [USD/yr].

    Not the owner's full cost: no cost of capital, no operations other than energy (see
    tco_per_year).
    """
    return (depreciation_per_year + energy_cost_per_year).to("USD/yr")


@formula("cost_per_year / facility_power",
         excel="{cost_per_year}/{facility_power}")
def cost_per_year_per_power(cost_per_year, facility_power):
    """Yearly cost of one gigawatt of facility: cost_per_year [USD/yr] / facility_power [GW] ->
    [USD/yr/GW]."""
    return (cost_per_year / facility_power).to("USD/yr/GW")


@formula("chips x chip_hour_price x 1 year",
         excel="{chips}*{chip_hour_price}*8766")
def rental_cost_per_year(chips, chip_hour_price):
    """Cost of renting the same chips all year round.

    Parameters: chips [chip]; chip_hour_price [USD/chip/hour].
    Returns: rental_cost_per_year [USD/yr] = chips x chip_hour_price x 1 year (8,766 h), per year.

    >>> rental_cost_per_year(chips="400k chip", chip_hour_price="2 USD/chip/hour")
    <Quantity(7.0128e+09, 'USD / year')>
    """
    return (chips * chip_hour_price).to("USD/yr")
