"""Each inverse formula in calc.models against its forward formula (property tests).

A quantity may have several formulas -- ``chips`` from ``facility_power / power_per_chip``,
``power_per_chip`` from ``facility_power / chips`` -- and the engine compares them when a scenario
gives enough for both; so an inverse must give back the input its forward formula was fed. The
logistic revenue path is checked the same way: its closed form against its run-rate integrated.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calc import models as m
from calc.glossary import unit_of
from calc.models import FORMULAS, Formula
from calc.units import Q

# an inverse: a default formula named otherwise than the quantity it gives
INVERSES = [f for f in FORMULAS.values() if f.default and f.name != f.output]


def forward_of(inverse: Formula) -> Formula:
    """The formula named for its output that takes ``inverse``'s output and gives one of its
    inputs."""
    found = [f for f in FORMULAS.values()
             if f.name == f.output and inverse.output in f.inputs and f.output in inverse.inputs
             and set(inverse.inputs) - {f.output} <= set(f.inputs)]
    assert len(found) == 1, f"{inverse.name}: forward formulas {[f.name for f in found]}"
    return found[0]


def test_every_inverse_has_one_forward_formula():
    assert {f.name: forward_of(f).name for f in INVERSES} == {
        "facility_power_from_it_power": "it_power", "pue_from_powers": "it_power",
        "power_per_chip_from_chips": "chips", "facility_power_from_chips": "chips",
        "it_power_per_chip_from_power_per_chip": "power_per_chip",
        "pue_from_power_per_chip": "power_per_chip",
        "peak_flops_per_chip_from_compute": "peak_compute",
        "capex_from_capex_per_power": "capex_per_power",
        "arr_growth_per_month_from_doubling_time": "arr_doubling_time"}


@pytest.mark.parametrize("inverse", INVERSES, ids=lambda f: f.name)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_an_inverse_gives_back_what_its_forward_formula_was_fed(inverse, data):
    forward = forward_of(inverse)
    fed = {name: Q(data.draw(st.floats(1e-2, 1e4), label=name), unit_of(name))
           for name in forward.inputs}
    out = forward(**fed)
    back = inverse(**{name: out if name == forward.output else fed[name]
                      for name in inverse.inputs})
    unit = unit_of(inverse.output)
    assert back.m_as(unit) == pytest.approx(fed[inverse.output].m_as(unit), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(end=st.floats(1e8, 1e11), multiple=st.floats(1.1, 100.0), g=st.floats(1e-3, 0.5),
       start=st.floats(-24.0, 24.0), months=st.floats(0.25, 24.0))
def test_logistic_revenue_is_its_run_rate_integrated(end, multiple, g, start, months):
    as_of = 2026.0
    path = {"arr_end": Q(end, "USD/yr"), "arr_growth_per_month": Q(g, "dimensionless"),
            "arr_as_of": Q(as_of, "yr"), "arr_ceiling": Q(end * multiple, "USD/yr")}
    t0, t1 = as_of + start / 12, as_of + (start + months) / 12            # decimal years
    revenue = m.revenue_logistic(**path, period_start=Q(t0, "yr"), period_end=Q(t1, "yr"))
    # arr_at_logistic [USD/yr] integrated over [t0, t1] [yr]: Gauss-Legendre, 16 nodes on each
    # quarter-month piece
    nodes, weights = np.polynomial.legendre.leggauss(16)
    pieces = 4 * int(np.ceil(months))
    edges = np.linspace(t0, t1, pieces + 1)
    mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
    times = mid[:, None] + half[:, None] * nodes
    rate = m.arr_at_logistic(**path, period_end=Q(times, "yr")).m_as("USD/yr")
    integral = float((rate * weights * half[:, None]).sum())
    # the closed form subtracts two logarithms: long before arr_as_of, where the run-rate is a tiny
    # share of the ceiling, it keeps absolute precision (a 1e-12 share of the ceiling's revenue
    # over the period), not relative
    ceiling_revenue = end * multiple * months / 12
    assert revenue.m_as("USD") == pytest.approx(integral, rel=1e-9, abs=1e-12 * ceiling_revenue)
