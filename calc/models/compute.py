"""Compute: the peak FLOP/s a fleet offers and the operations it performs in a year.

Peak figures are dense peaks at the precision the catalogue entry states (FP8, BF16...); model
FLOP utilisation (MFU) is the share of that peak a real training or serving job achieves.
"""

from __future__ import annotations

from calc.models._formula import formula


@formula("chips x peak_flops_per_chip",
         excel="{chips}*{peak_flops_per_chip}")
def peak_compute(chips, peak_flops_per_chip):
    """Peak compute of a fleet.

    Parameters: chips [chip]; peak_flops_per_chip [FLOP/s/chip] dense peak at the stated precision.
    Returns: peak_compute [FLOP/s] = chips x peak_flops_per_chip.
    References: docs/glossary.md.

    >>> peak_compute(chips="400k chip", peak_flops_per_chip="2500 TFLOP/s/chip")
    <Quantity(1e+21, 'FLOP / second')>
    """
    return (chips * peak_flops_per_chip).to("FLOP/s")


@formula("peak_compute / chips", output="peak_flops_per_chip",
         excel="{peak_compute}/{chips}")
def peak_flops_per_chip_from_compute(peak_compute, chips):
    """Peak FLOP/s per chip implied by a fleet's peak and its chip count.

    Parameters: peak_compute [FLOP/s]; chips [chip]. Returns: peak_flops_per_chip [FLOP/s/chip].
    1e21 FLOP/s over 400,000 chips = 2.5e15 FLOP/s/chip (2,500 TFLOP/s/chip).
    """
    return (peak_compute / chips).to("FLOP/s/chip")


@formula("peak_compute x mfu x 1 year",
         excel="{peak_compute}*{mfu}*31557600")
def compute_per_year(peak_compute, mfu):
    """Operations a fleet performs in a year at a given utilisation.

    Parameters: peak_compute [FLOP/s]; mfu [1] model FLOP utilisation.
    Returns: compute_per_year [FLOP/yr] = peak_compute x mfu x 1 year, per year (Julian year,
    365.25 days = 31,557,600 s).
    References: docs/glossary.md.

    >>> compute_per_year(peak_compute="1e21 FLOP/s", mfu=0.4)
    <Quantity(1.262304e+28, 'FLOP / year')>
    """
    # FLOP/s x 1 year / 1 year is FLOP/s expressed per year: the conversion does the "x 1 year".
    return (peak_compute * mfu).to("FLOP/yr")
