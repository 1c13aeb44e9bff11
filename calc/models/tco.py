"""The owner's yearly cost of a site (TCO): capital charge, operations and energy; and the rental
price.

Straight-line depreciation (``depreciation_per_year``) treats capital as free. The capital charge
recovers each capex over its lifetime AND pays the owner's cost of capital on it: the annuity with
capital recovery factor crf = r / (1 - (1 + r)^-N), r the cost of capital per year and N the
lifetime in years. At r = 0 its limit is 1/N, i.e. straight-line depreciation.

The owner's cost is not what a cloud contract charges: the rental price includes the provider's
margin. ``rental_price_per_power`` is a sourced figure, or ``rental_cost_per_year /
facility_power``.
"""

from __future__ import annotations

import numpy as np

from calc.errors import CalcError
from calc.glossary import bound_problem
from calc.models._formula import formula
from calc.units import Q, check_dimension


def capital_recovery_factor(cost_of_capital, lifetime, *, lifetime_name: str = "it_lifetime"):
    """Share of a capex paid each year so that N equal payments repay it with interest at r.

    Parameters: cost_of_capital [1/yr] r, 0 to 100 %/yr; lifetime [yr] N, above 0.
    Returns: crf [1/yr] = r / (1 - (1 + r)^-N), and 1/N at r = 0 (straight-line depreciation).
    Vectorised: arrays of rates and lifetimes broadcast. Out-of-bounds input raises CalcError.

    >>> capital_recovery_factor(Q(0.1, "1/yr"), Q(5, "yr"))     # 0.1 / (1 - 1.1^-5) = 0.263797
    <Quantity(0.263797481, '1 / year')>
    """
    rate = check_dimension("capital_recovery_factor(cost_of_capital=...)", Q(cost_of_capital),
                           "1/yr")
    life = check_dimension(f"capital_recovery_factor({lifetime_name}=...)", Q(lifetime), "yr")
    for name, q in (("cost_of_capital", rate), (lifetime_name, life)):
        problem = bound_problem(name, q)
        if problem:
            raise CalcError(f"{problem}; give it in the glossary's bounds")
    r = np.asarray(rate.to("1/yr").magnitude, dtype=float)       # rho = r x 1 yr, a number
    n = np.asarray(life.to("yr").magnitude, dtype=float)          # N = lifetime / 1 yr
    # 1 - (1 + r)^-N = -expm1(-N ln(1 + r)): exact for small r, where the naive form cancels.
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = r / -np.expm1(-n * np.log1p(r))
    crf = np.where(r == 0, 1.0 / n, annuity)
    return Q(crf if crf.ndim else float(crf), "1/yr")


@formula("it_capex x crf(cost_of_capital, it_lifetime) + facility_capex x "
         "crf(cost_of_capital, facility_lifetime)",
         excel="{it_capex}*IF({cost_of_capital}=0,1/{it_lifetime},{cost_of_capital}/(1-("
               "1+{cost_of_capital})^(-{it_lifetime})))+{facility_capex}*IF("
               "{cost_of_capital}=0,1/{facility_lifetime},{cost_of_capital}/(1-(1+"
               "{cost_of_capital})^(-{facility_lifetime})))")
def capital_charge_per_year(it_capex, it_lifetime, facility_capex, facility_lifetime,
                            cost_of_capital):
    """Yearly capital charge: each capex repaid over its own lifetime, with interest at the cost of
    capital.

    Parameters: it_capex [USD]; it_lifetime [yr]; facility_capex [USD]; facility_lifetime [yr];
    cost_of_capital [1/yr]. Returns: capital_charge_per_year [USD/yr]; at cost_of_capital = 0 it
    equals depreciation_per_year.

    >>> capital_charge_per_year(it_capex="$20B", it_lifetime="5 yr", facility_capex="$10B",
    ...                         facility_lifetime="20 yr", cost_of_capital="0.1/yr")
    <Quantity(6.45054586e+09, 'USD / year')>
    """
    # 20e9 x 0.2637975 + 10e9 x 0.1174596 = 5.275950e9 + 1.174596e9 = 6.450546e9 USD/yr
    it = it_capex * capital_recovery_factor(cost_of_capital, it_lifetime,
                                            lifetime_name="it_lifetime")
    fac = facility_capex * capital_recovery_factor(cost_of_capital, facility_lifetime,
                                                   lifetime_name="facility_lifetime")
    return (it + fac).to("USD/yr")


@formula("capex x opex_rate",
         excel="{capex}*{opex_rate}")
def opex_per_year(capex, opex_rate):
    """Yearly operating cost other than energy: capex [USD] x opex_rate [1/yr] -> [USD/yr].

    $31.5B x 0.8 %/yr = 2.52e8 USD/yr.
    """
    return (capex * opex_rate).to("USD/yr")


@formula("capital_charge_per_year + opex_per_year + energy_cost_per_year",
         excel="{capital_charge_per_year}+{opex_per_year}+{energy_cost_per_year}")
def tco_per_year(capital_charge_per_year, opex_per_year, energy_cost_per_year):
    """The owner's yearly cost (total cost of ownership): capital, operations and energy.

    Parameters: capital_charge_per_year, opex_per_year, energy_cost_per_year [USD/yr].
    Returns: tco_per_year [USD/yr] = their sum, i.e. capital charge + capex x opex_rate + energy.

    >>> tco_per_year(capital_charge_per_year="6.45 billion USD/yr",
    ...              opex_per_year="0.3 billion USD/yr", energy_cost_per_year="0.56 billion USD/yr")
    <Quantity(7.31e+09, 'USD / year')>
    """
    return (capital_charge_per_year + opex_per_year + energy_cost_per_year).to("USD/yr")


@formula("tco_per_year / facility_power",
         excel="{tco_per_year}/{facility_power}")
def tco_per_year_per_power(tco_per_year, facility_power):
    """The owner's yearly cost of one gigawatt of facility: tco_per_year [USD/yr] / facility_power
    [GW] -> [USD/GW/yr]."""
    return (tco_per_year / facility_power).to("USD/GW/yr")


@formula("rental_cost_per_year / facility_power",
         excel="{rental_cost_per_year}/{facility_power}")
def rental_price_per_power(rental_cost_per_year, facility_power):
    """Rental price per GW-year: renting the site's chips all year [USD/yr] / facility_power [GW] ->
    [USD/GW/yr].

    400k chips x 2 USD/chip/hour x 8,766 h = 7.0128e9 USD/yr; over 1 GW, 7.0128e9 USD/GW/yr.
    """
    return (rental_cost_per_year / facility_power).to("USD/GW/yr")
