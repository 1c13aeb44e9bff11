"""Modules imported only when used: matplotlib (the ``plots`` extra), openpyxl (``xlsx``), pandas.

``need("matplotlib.pyplot", extra="plots")`` returns the module, importing it on first use, so
``import calc`` and the CLI start fast; a missing module is a ``MissingModule`` (a CalcError, and
an ImportError for code that catches that) naming the extra to install.
"""

from __future__ import annotations

import importlib

from calc.errors import CalcError


class MissingModule(CalcError, ImportError):
    """An optional module is not installed; the message says which extra provides it."""

    def __init__(self, message: str, name: str):
        CalcError.__init__(self, message)
        self.name = name


def need(module: str, extra: str | None = None):
    """The module ``module`` ('matplotlib.pyplot'), imported now; a MissingModule saying how to
    install it when it is not installed. ``extra``: the optional dependency group that provides it
    (None: a dependency of calc itself, such as pandas, imported late only to start fast)."""
    top = module.split(".")[0]
    try:
        importlib.import_module(top)            # the package first: its submodules may be cached
        return importlib.import_module(module)
    except ImportError as exc:
        if (exc.name or top).split(".")[0] != top:
            raise           # the module is there but one it imports is not: not ours to name
        how = (f"install the extra that provides it: pip install -e '.[{extra}]'" if extra
               else "it is a dependency of calc: pip install -e .")
        raise MissingModule(f"{top} is not installed; {how}", name=top) from None


def available(module: str) -> bool:
    """Whether ``module`` can be imported (it is, by this call, when it can)."""
    try:
        importlib.import_module(module)
    except ImportError:
        return False
    return True
