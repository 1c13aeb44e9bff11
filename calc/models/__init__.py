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

__all__ = [
    "FORMULAS", "Formula", "formulas_for",
    "chips", "facility_power_from_chips", "facility_power_from_it_power", "it_power",
    "it_power_per_chip_from_power_per_chip", "power_per_chip", "power_per_chip_from_chips",
    "pue_from_power_per_chip", "pue_from_powers",
]
