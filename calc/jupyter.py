"""Quantities in IPython and Jupyter as calc's tables show them: ``calc.Q("71 billion USD")``
displays as ``$71.0B``, not ``71000000000.0 USD``.

``import calc`` inside IPython (a Jupyter kernel included) registers display formatters for calc's
pint quantities (``calc.show`` gives the text); quantities of another pint registry keep pint's
own display. Outside IPython nothing happens, and nothing heavy is imported either way: the
formatters are registered by the name of pint's class and import calc's modules when first used.
"""

from __future__ import annotations

import sys
from html import escape

QUANTITY = ("pint.registry", "Quantity")     # the class every pint registry's quantities share


def register() -> bool:
    """Register the formatters with the running IPython shell; False when there is none."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", None)
    if not formatters:
        return False
    formatters["text/plain"].for_type_by_name(*QUANTITY, pretty)
    formatters["text/html"].for_type_by_name(*QUANTITY, html)
    formatters["text/latex"].for_type_by_name(*QUANTITY, latex)
    return True


def _ours(q) -> bool:
    from calc.units import ureg          # imported on first display: `import calc` stays light

    return getattr(q, "_REGISTRY", None) is ureg


def _text(q) -> str:
    from calc.display import show        # imported on first display: `import calc` stays light

    return str(show(q))


def pretty(q, p, cycle) -> None:
    """text/plain: '$71.0B'."""
    if _ours(q):
        p.text(_text(q))
    else:
        q._repr_pretty_(p, cycle)


def html(q) -> str:
    """text/html, which Jupyter shows before plain text: the same words."""
    return f"<span>{escape(_text(q))}</span>" if _ours(q) else q._repr_html_()


def latex(q) -> str | None:
    """No LaTeX for calc's quantities (it would read 71000000000.0 USD), pint's for others."""
    return None if _ours(q) else q._repr_latex_()
