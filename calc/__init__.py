"""calc: what compute deals mean in chips, dollars, FLOP and years -- with units checked and every
figure traced to the sentence it came from.

    import calc
    calc.Q("2.2 GW")
    calc.evaluate(outputs=["chips"], inputs={"facility_power": "1 GW", "pue": 1.25,
                  "it_power_per_chip": calc.Q("2 kW/chip")})["chips"]     # 400000 chip
    sc = calc.load("nvidia-1gw"); res = sc.run(); res.table()
    calc.show(calc.Q("71 billion USD"))                                    # $71.0B

Imports are lazy: ``import calc`` loads nothing heavy until a name is used.
"""

from __future__ import annotations

import importlib

from calc import jupyter

__version__ = "0.1.0"

_LAZY = {
    "Q": ("calc.units", "quantity"),
    "ureg": ("calc.units", "ureg"),
    "CalcError": ("calc.errors", "CalcError"),
    "evaluate": ("calc.api", "evaluate"),
    "figures": ("calc.api", "figures"),
    "sources": ("calc.api", "sources"),
    "figure": ("calc.api", "figure"),
    "load": ("calc.scenario", "load"),
    "Scenario": ("calc.scenario", "Scenario"),
    "scenarios": ("calc.shipped", "names"),
    "Result": ("calc.result", "Result"),
    "deals": ("calc.api", "deals"),
    "deal_totals": ("calc.api", "deal_totals"),
    "deal_flows": ("calc.api", "deal_flows"),
    "models": ("calc.models", None),
    "plots": ("calc.plots", None),
    "show": ("calc.display", "show"),
}

__all__ = sorted(_LAZY)


def __dir__() -> list[str]:
    """The public names (``dir(calc)``): the lazy ones are listed before their first use."""
    return sorted(set(__all__) | {"__version__"})


def __getattr__(name: str):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'calc' has no attribute {name!r}") from None
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


jupyter.register()          # inside IPython or Jupyter: quantities display as tables show them
