"""Power and chips: how many accelerators a site's power feeds, and the implied figures.

Facility power is what the site draws from the grid; IT power is what reaches the servers
(facility / PUE); power per chip counts one accelerator's share of either. What one "chip" is
(a GPU, a GB200 superchip, a TPU chip) is said by the catalogue entry the figures come from.
"""

from __future__ import annotations

from calc.models._formula import formula


@formula("facility_power / pue",
         excel="{facility_power}/{pue}")
def it_power(facility_power, pue):
    """IT power of a site.

    Parameters: facility_power [GW]; pue [1] facility power / IT power.
    Returns: it_power [GW] = facility_power / pue.
    References: docs/glossary.md.

    >>> it_power(facility_power="1 GW", pue=1.25)
    <Quantity(0.8, 'gigawatt')>
    """
    return (facility_power / pue).to("GW")


@formula("it_power x pue", output="facility_power",
         excel="{it_power}*{pue}")
def facility_power_from_it_power(it_power, pue):
    """Facility power from IT power: it_power [GW] x pue [1] -> [GW]."""
    return (it_power * pue).to("GW")


@formula("facility_power / it_power", output="pue",
         excel="{facility_power}/{it_power}")
def pue_from_powers(facility_power, it_power):
    """PUE implied by facility and IT power: facility_power [GW] / it_power [GW] -> [1]."""
    return (facility_power / it_power).to("dimensionless")


@formula("it_power_per_chip x pue",
         excel="{it_power_per_chip}*{pue}")
def power_per_chip(it_power_per_chip, pue):
    """Facility power per accelerator.

    Parameters: it_power_per_chip [W/chip] (host, memory, network share included); pue [1].
    Returns: power_per_chip [W/chip] = it_power_per_chip x pue.

    >>> power_per_chip(it_power_per_chip="2 kW/chip", pue=1.25)
    <Quantity(2500.0, 'watt / chip')>
    """
    return (it_power_per_chip * pue).to("W/chip")


@formula("facility_power / chips", output="power_per_chip",
         excel="{facility_power}*1E9/{chips}")
def power_per_chip_from_chips(facility_power, chips):
    """Facility power per chip implied by a site's power and its chip count.

    "1 GW holds 200,000 chips": 1e9 W / 2e5 chip = 5,000 W/chip.
    Parameters: facility_power [GW]; chips [chip]. Returns: power_per_chip [W/chip].
    """
    return (facility_power / chips).to("W/chip")


@formula("power_per_chip / pue", output="it_power_per_chip",
         excel="{power_per_chip}/{pue}")
def it_power_per_chip_from_power_per_chip(power_per_chip, pue):
    """IT power per chip from facility power per chip: power_per_chip [W/chip] / pue [1] ->
    [W/chip]."""
    return (power_per_chip / pue).to("W/chip")


@formula("power_per_chip / it_power_per_chip", output="pue",
         excel="{power_per_chip}/{it_power_per_chip}")
def pue_from_power_per_chip(power_per_chip, it_power_per_chip):
    """The PUE that makes a quoted power per chip true for a chip's IT power.

    Parameters: power_per_chip [W/chip] (facility); it_power_per_chip [W/chip]. Returns: pue [1].
    5,000 W/chip facility over 2,500 W/chip IT needs PUE 2.0.
    """
    return (power_per_chip / it_power_per_chip).to("dimensionless")


@formula("facility_power / power_per_chip",
         excel="{facility_power}*1E9/{power_per_chip}")
def chips(facility_power, power_per_chip):
    """Accelerators a site can power.

    Parameters: facility_power [GW]; power_per_chip [W/chip] facility power per accelerator.
    Returns: chips [chip] = facility_power / power_per_chip.
    References: docs/glossary.md.

    >>> chips(facility_power="1 GW", power_per_chip="5 kW/chip")
    <Quantity(200000.0, 'chip')>
    """
    return (facility_power / power_per_chip).to("chip")


@formula("chips x power_per_chip", output="facility_power",
         excel="{chips}*{power_per_chip}/1E9")
def facility_power_from_chips(chips, power_per_chip):
    """Facility power a fleet needs: chips [chip] x power_per_chip [W/chip] -> [GW]."""
    return (chips * power_per_chip).to("GW")
