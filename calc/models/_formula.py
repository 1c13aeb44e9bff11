"""Formulas: model functions registered with the quantity they give and the quantities they need.

A model function's parameter names are the quantities it needs and ``output`` is the quantity it
gives (Hamilton's idea in a few lines). A quantity may have several formulas -- ``chips`` from
``facility_power / power_per_chip``, ``power_per_chip`` from ``facility_power / chips`` -- and the
engine picks the one whose inputs are known. A formula registered with ``default=False`` is an
alternative shape (e.g. decaying growth) that a scenario must choose by name.

Each formula also states its spreadsheet form (``excel=``, written into the xlsx model sheet by
calc.output.xlsx_model) or why it has none (``no_excel=``). The form is a template over the
inputs' magnitudes in their glossary units, giving the output in its glossary unit; conversion
factors between units are written in it (``{facility_power} * 1E9 / {power_per_chip}``: GW over
W/chip). Placeholders: ``{name}`` an input (in the same period on a timeline); ``{row:name}`` the
row of a per-period input; ``{cells:name}`` that row as its cells hold it, in their unit, with
``{one:name}`` one glossary unit in that unit (for comparisons with text cells); ``{first:name}``
its first period; ``{prev:name|init}`` its previous period (the input ``init``, else 0, in the
first); ``{periods:a;b;...}`` a number per period; ``{gauss:nodes}``, ``{gauss:weights}``
the period's quadrature nodes [month] and weights (calc.models.revenue.month_nodes);
``{name@unit}`` an input in ``unit`` (for names outside the glossary); ``{scale}`` where the
factor to the cell's unit goes (else it multiplies the whole form).
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass
from typing import Callable

import numpy as np

from calc.errors import CalcError
from calc.glossary import unit_of
from calc.units import Q, check_dimension


@dataclass(frozen=True)
class Formula:
    name: str                   # the function's name, e.g. "power_per_chip_from_chips"
    output: str                 # the quantity it gives, e.g. "power_per_chip"
    inputs: tuple[str, ...]     # the quantities it needs, from the signature
    text: str                   # the formula as a reader writes it
    func: Callable
    default: bool = True        # False: an alternative shape a scenario must choose
    excel: object = None        # the spreadsheet form: a template (above) or a calc.expr.Expr
    no_excel: str | None = None  # why there is no spreadsheet form (the cell holds the value)

    def __call__(self, **kwargs):
        return self.func(**kwargs)


FORMULAS: dict[str, Formula] = {}


def formula(text: str, *, output: str | None = None, default: bool = True,
            excel: str | None = None, no_excel: str | None = None):
    """Register a model function; its arguments are dimension-checked against the glossary.
    ``excel``: its spreadsheet form; ``no_excel``: why it has none (see the module docstring).

    Strings are accepted for convenience (``chips(facility_power="1 GW", ...)``) and parsed.
    """

    def register(func: Callable) -> Callable:
        params = tuple(inspect.signature(func).parameters)
        units = {p: unit_of(p) for p in params}

        @functools.wraps(func)
        def checked(*args, **kwargs):
            try:
                bound = inspect.signature(func).bind(*args, **kwargs)
            except TypeError as exc:    # a missing or unknown argument: say which it needs
                raise CalcError(f"calc.models.{func.__name__}: {str(exc)[:200]}; it takes "
                                f"{', '.join(params)} by name, each a quantity or a string such "
                                "as '1 GW'") from None
            for name, value in bound.arguments.items():
                if isinstance(value, (str, int, float)):
                    value = Q(value)
                if units[name] is not None:
                    value = check_dimension(f"{func.__name__}({name}=...)", value, units[name])
                bound.arguments[name] = value
            try:
                return func(*bound.args, **bound.kwargs)
            except ZeroDivisionError:
                zeros = [n for n, v in bound.arguments.items()
                         if np.any(np.asarray(getattr(v, "magnitude", v)) == 0)]
                raise CalcError(f"calc.models.{func.__name__}: a division by zero (given "
                                f"{' and '.join(f'{n}=0' for n in zeros) or 'a zero'}); "
                                f"{func.__name__} = {text[:200]} needs a non-zero "
                                "denominator") from None

        out = output or func.__name__
        if func.__name__ in FORMULAS:
            raise ValueError(f"formula {func.__name__!r} registered twice")
        FORMULAS[func.__name__] = Formula(func.__name__, out, params, text, func, default, excel,
                                          no_excel)
        return checked

    return register


def formulas_for(output: str) -> list[Formula]:
    """Every registered formula giving ``output``."""
    return [f for f in FORMULAS.values() if f.output == output]
