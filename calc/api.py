"""The library's front door: quick evaluations, the registry as tables, scenario files."""

from __future__ import annotations

from calc import values
from calc.run import run
from calc.errors import CalcError
from calc.registry import registry
from calc.registry.data import Figure
from calc.values import Case, Value
from calc.optional import need


def as_value(name: str, given) -> Value:
    """An input as given to ``evaluate``: a quantity, a string, a number, a figure, or
    [low, high]."""
    return values.value(name, given, where=f"inputs.{name}", sources=())


def evaluate(outputs, inputs: dict | None = None, *, accelerator: str | None = None,
             models: dict | None = None, samples: int = 0, seed: int | None = None):
    """Compute ``outputs`` from ``inputs`` with no scenario file.

    Bad arguments raise ``CalcError`` with the message the command line would print, under the same
    limits (``calc.values.MAX_SAMPLES``).

    >>> evaluate(outputs=["chips"], inputs={"facility_power": "1 GW", "pue": 1.25,
    ...          "it_power_per_chip": "2 kW/chip"})["chips"]
    <Quantity(400000.0, 'chip')>
    """
    outputs = _names("outputs", outputs)
    if inputs is None:
        inputs = {}
    if not isinstance(inputs, dict):
        raise CalcError("inputs: expected a mapping name -> value, "
                        f"e.g. {{'facility_power': '1 GW'}}, got {type(inputs).__name__}")
    samples = values.samples_count(samples)
    seed = values.seed_number(seed)
    for name in inputs:
        if not isinstance(name, str):
            raise CalcError(f"inputs: names are strings such as 'facility_power', got {name!r}")
    vals = {name: as_value(name, v) for name, v in inputs.items()}
    if accelerator is not None:
        if not isinstance(accelerator, str):
            raise CalcError("accelerator: expected a catalogue id such as 'gb200-superchip', "
                            f"got {accelerator!r}")
        registry().accelerator(accelerator)
    if models is not None and (not isinstance(models, dict)
                               or not all(isinstance(k, str) and isinstance(v, str)
                                          for k, v in models.items())):
        raise CalcError(f"models: expected a mapping quantity -> model name, got {models!r}"[:200])
    case = Case(values=vals, accelerator=accelerator, models=dict(models or {}))
    values.run_size(1, samples)
    return run([case], outputs, samples=samples, seed=seed)


def _names(what: str, names) -> list[str]:
    """A list of quantity names from a name or a list of names."""
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, (list, tuple)) or not names \
            or not all(isinstance(n, str) for n in names):
        raise CalcError(f"{what}: expected a quantity name or a list of them, e.g. ['chips'], "
                        f"got {names!r}"[:200])
    return list(names)


def figures():
    """Every registry figure with its source, as a DataFrame (one row per figure).

    In Jupyter it renders as a table with readable numbers, units, quotes and numbered source
    footnotes linked to the publications (``calc.output.html.figures_html``).
    """
    pd = need("pandas")

    frame = pd.DataFrame([f.to_json() for f in registry().figures.values()]).set_index("id")
    return __getattr__("FiguresFrame")(frame)


def _figures_frame_class():
    pd = need("pandas")

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
    """Do the frame's value and unit columns still say what the registry says (not edited by the
    user)?"""
    import numpy as np

    want = np.array([f.to_json()["value"] for f in figs], dtype=float)
    return bool(np.allclose(frame["value"].to_numpy(dtype=float), want, rtol=1e-12,
                            equal_nan=True)) \
        and list(frame["unit"]) == [f.unit for f in figs]


# The ledger views as the library gives them (calc.deals, ...): module, function, signature text.
_VIEWS = {"deals": ("calc.deal_table", "deals", "calc.deals(buyer=None, *, as_of=None, reg=None)"),
          "deal_totals": ("calc.deal_table", "deal_totals",
                          "calc.deal_totals(buyer=None, *, as_of=None, reg=None)"),
          "deal_flows": ("calc.ledger_flows", "flows", "calc.deal_flows(as_of=None, *, reg=None)")}


def _view(name: str):
    """``name`` of _VIEWS, with an argument it does not take (unknown, or given twice) a
    CalcError naming the call's arguments rather than Python's TypeError."""
    import functools
    import importlib
    import inspect

    module, attr, call = _VIEWS[name]
    func = getattr(importlib.import_module(module), attr)
    sig = inspect.signature(func)

    @functools.wraps(func)
    def view(*args, **kwargs):
        if len(args) > 1:                    # the one positional argument is the filter
            shown = ", ".join(repr(a[:200]) if isinstance(a, str) else type(a).__name__
                              for a in args[1:])
            raise CalcError(f"{call}: one positional argument, then names: got {len(args) - 1} "
                            f"more ({shown}); give them as as_of=... or reg=...")
        try:
            sig.bind(*args, **kwargs)
        except TypeError as exc:
            raise CalcError(f"{call}: {str(exc).replace(attr + '()', '').strip()[:200]}; "
                            "give the first argument by position or by name, once, and the "
                            "others by name") from None
        return func(*args, **kwargs)
    return view


def __getattr__(name: str):
    if name in _VIEWS:
        globals()[name] = _view(name)
        return globals()[name]
    if name == "FiguresFrame":         # built on first use: pandas is imported only then
        if "FiguresFrame" not in globals():
            globals()["FiguresFrame"] = _figures_frame_class()
        return globals()["FiguresFrame"]
    raise AttributeError(f"module 'calc.api' has no attribute {name!r}")


def sources():
    """Every registry source as a DataFrame."""
    pd = need("pandas")

    return pd.DataFrame([s.to_json() for s in registry().sources.values()]).set_index("id")


def figure(fid: str) -> Figure:
    """One registry figure by id."""
    return registry().figure(fid)
