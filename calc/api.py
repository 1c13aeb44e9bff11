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
    """Every registry figure with its source, as a DataFrame (one row per figure).

    In Jupyter it renders as a table with readable numbers, units, quotes and numbered source
    footnotes linked to the publications (``calc.output.html.figures_html``).
    """
    import pandas as pd

    frame = pd.DataFrame([f.to_json() for f in registry().figures.values()]).set_index("id")
    return __getattr__("FiguresFrame")(frame)


def _figures_frame_class():
    import pandas as pd

    class FiguresFrame(pd.DataFrame):
        """A DataFrame of registry figures that Jupyter shows as a sourced HTML table.

        Filtered rows keep the rich table; once columns are dropped or the index is no longer figure
        ids, it renders as a plain DataFrame.
        """

        _metadata: list = []

        @property
        def _constructor(self):
            return FiguresFrame

        def _repr_html_(self):
            reg = registry()
            ids = list(self.index)
            if self.index.name == "id" and set(self.columns) >= set(_FIGURE_COLUMNS) \
                    and all(isinstance(i, str) and i in reg.figures for i in ids) \
                    and _unchanged(self, [reg.figures[i] for i in ids]):
                from calc.output.html import figures_html

                return figures_html([reg.figures[i] for i in ids], notes=True)
            return super()._repr_html_()

    FiguresFrame.__qualname__ = "FiguresFrame"     # picklable as calc.api.FiguresFrame
    FiguresFrame.__module__ = __name__
    return FiguresFrame


_FIGURE_COLUMNS = ("value", "unit", "low", "high", "qualifier", "kind", "source", "as_of")


def _unchanged(frame, figs) -> bool:
    """Do the frame's value and unit columns still say what the registry says (not edited by the user)?"""
    import numpy as np

    want = np.array([f.to_json()["value"] for f in figs], dtype=float)
    return bool(np.allclose(frame["value"].to_numpy(dtype=float), want, rtol=1e-12, equal_nan=True)) \
        and list(frame["unit"]) == [f.unit for f in figs]


def __getattr__(name: str):
    if name == "FiguresFrame":         # built on first use: pandas is imported only then
        if "FiguresFrame" not in globals():
            globals()["FiguresFrame"] = _figures_frame_class()
        return globals()["FiguresFrame"]
    raise AttributeError(f"module 'calc.api' has no attribute {name!r}")


def sources():
    """Every registry source as a DataFrame."""
    import pandas as pd

    return pd.DataFrame([s.to_json() for s in registry().sources.values()]).set_index("id")


def figure(fid: str) -> Figure:
    """One registry figure by id."""
    return registry().figure(fid)
