"""The library's front door: quick evaluations, the registry as tables, scenario files."""

from __future__ import annotations

import math

import pint

from calc.engine import Case, Value, figure_value, run
from calc.errors import CalcError
from calc.registry import Figure, registry
from calc.uncertainty import Dist
from calc.units import Q


def as_value(name: str, given) -> Value:
    """An input as given to ``evaluate``: a quantity, a string, a number, a figure, or [low, high]."""
    if isinstance(given, Value):
        return given
    if isinstance(given, Figure):
        return figure_value(given.id, "input")
    if isinstance(given, (list, tuple)):
        if len(given) != 2:
            raise CalcError(f"inputs.{name}: a range is [low, high], got {given!r}")
        low, high = Q(given[0]), Q(given[1])
        high = high.to(low.units)
        lo, hi = float(low.magnitude), float(high.magnitude)
        if lo > hi:
            raise CalcError(f"inputs.{name}: low {given[0]!r} is greater than high {given[1]!r}")
        dist = Dist("lognormal" if lo > 0 else "normal", lo, hi)
        return Value(central=Q(dist.central, low.units), dist=dist, origin="input")
    try:
        q = Q(given)
    except CalcError as exc:
        raise CalcError(f"inputs.{name}: {exc}") from None
    if not isinstance(q, pint.Quantity) or not math.isfinite(float(q.magnitude)):
        raise CalcError(f"inputs.{name}: {given!r} is not a finite quantity")
    return Value(central=q, origin="input")


def evaluate(outputs, inputs: dict | None = None, *, accelerator: str | None = None, models: dict | None = None,
             samples: int = 0, seed: int | None = None):
    """Compute ``outputs`` from ``inputs`` with no scenario file.

    >>> evaluate(outputs=["chips"], inputs={"facility_power": "1 GW", "pue": 1.25,
    ...          "it_power_per_chip": "2 kW/chip"})["chips"]
    <Quantity(400000.0, 'chip')>
    """
    outputs = [outputs] if isinstance(outputs, str) else list(outputs)
    values = {name: as_value(name, v) for name, v in (inputs or {}).items()}
    if accelerator is not None:
        registry().accelerator(accelerator)
    case = Case(values=values, accelerator=accelerator, models=dict(models or {}))
    return run([case], outputs, samples=samples, seed=seed)


def figures():
    """Every registry figure with its source, as a DataFrame (one row per figure)."""
    import pandas as pd

    return pd.DataFrame([f.to_json() for f in registry().figures.values()]).set_index("id")


def sources():
    """Every registry source as a DataFrame."""
    import pandas as pd

    return pd.DataFrame([s.to_json() for s in registry().sources.values()]).set_index("id")


def figure(fid: str) -> Figure:
    """One registry figure by id."""
    return registry().figure(fid)
