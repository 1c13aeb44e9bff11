"""Model functions: pure, vectorised functions of pint quantities, one module per topic.

Each public function is named after the quantity it gives and takes the quantities it needs;
``FORMULAS`` lists every registered formula (several may give the same quantity).
"""

from calc.models._formula import FORMULAS, Formula, formulas_for
from calc.models.power import (
    chips, facility_power_from_chips, facility_power_from_it_power, it_power,
    it_power_per_chip_from_power_per_chip, power_per_chip, power_per_chip_from_chips,
    pue_from_power_per_chip, pue_from_powers,
)
from calc.models.compute import compute_per_year, peak_compute, peak_flops_per_chip_from_compute
from calc.models.money import (
    capex, capex_from_capex_per_power, capex_per_power, cost_per_year, cost_per_year_per_power,
    depreciation_per_year, energy_cost_per_year, energy_per_year, facility_capex, it_capex,
    rental_cost_per_year,
)
from calc.models.tco import (
    capital_charge_per_year, capital_recovery_factor, opex_per_year, rental_price_per_power,
    tco_per_year, tco_per_year_per_power,
)
from calc.models.revenue import (
    arr_doubling_time, arr_growth_per_month, arr_growth_per_month_from_doubling_time,
    arr_growth_per_year, arr_projected, arr_projected_decaying,
)
from calc.models.commitments import (
    commitment_per_year, commitment_power_at_cost, commitment_power_at_rental,
    commitment_power_equivalent, commitment_share_of_arr,
)
from calc.models.timeline import (
    arr_at, arr_at_decaying, arr_at_logistic, break_even, commitment_spend_cumulative, coverage,
    cumulative_gap, funding_need, revenue, revenue_cumulative, revenue_decaying, revenue_logistic,
)
from calc.models.financing import (
    cash_balance, cash_out, interest, net_cash_flow, other_costs, shortfall,
)
from calc.models.funding import (
    investor_share_of_capital, total, valuation_arr_multiple, valuation_step_up,
)

__all__ = [
    "FORMULAS", "Formula", "formulas_for",
    "chips", "facility_power_from_chips", "facility_power_from_it_power", "it_power",
    "it_power_per_chip_from_power_per_chip", "power_per_chip", "power_per_chip_from_chips",
    "pue_from_power_per_chip", "pue_from_powers",
    "compute_per_year", "peak_compute", "peak_flops_per_chip_from_compute",
    "capex", "capex_from_capex_per_power", "capex_per_power", "cost_per_year",
    "cost_per_year_per_power", "depreciation_per_year", "energy_cost_per_year", "energy_per_year",
    "facility_capex", "it_capex", "rental_cost_per_year",
    "capital_charge_per_year", "capital_recovery_factor", "opex_per_year", "rental_price_per_power",
    "tco_per_year", "tco_per_year_per_power",
    "arr_doubling_time", "arr_growth_per_month", "arr_growth_per_month_from_doubling_time",
    "arr_growth_per_year", "arr_projected", "arr_projected_decaying",
    "commitment_per_year", "commitment_power_at_cost", "commitment_power_at_rental",
    "commitment_power_equivalent", "commitment_share_of_arr",
    "arr_at", "arr_at_decaying", "arr_at_logistic", "break_even", "commitment_spend_cumulative",
    "coverage", "cumulative_gap", "funding_need", "revenue", "revenue_cumulative",
    "revenue_decaying", "revenue_logistic",
    "cash_balance", "cash_out", "interest", "net_cash_flow", "other_costs", "shortfall",
    "investor_share_of_capital", "total", "valuation_arr_multiple", "valuation_step_up",
]
