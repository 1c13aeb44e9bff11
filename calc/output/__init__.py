"""Writers: the tidy result rendered as a terminal table, Markdown, CSV, JSON, HTML or a
spreadsheet.

``write("json", result)`` gives the text of one format; ``WRITERS`` maps each format name to its
function. The writer modules are imported on first use, so ``import calc.output`` stays cheap.
"""

from __future__ import annotations

import importlib

from calc.errors import CalcError
from calc.suggest import did_you_mean

_WRITERS = {                      # format name -> (module, function)
    "table": ("calc.output.text", "result_text"),
    "markdown": ("calc.output.markdown", "result_markdown"),
    "csv": ("calc.output.csv", "result_csv"),
    "json": ("calc.output.json", "result_json"),
    "html": ("calc.output.html", "report_html"),
}

FORMATS = tuple(_WRITERS)
_BRIEF = {                        # ``calc run --brief``: the headline alone
    "table": ("calc.output.text", "brief_text"),
    "markdown": ("calc.output.markdown", "brief_markdown"),
}


def writer(fmt: str):
    """The function rendering a Result in format ``fmt``; a CalcError naming the formats if
    unknown."""
    try:
        module, name = _WRITERS[fmt]
    except KeyError:
        raise CalcError(f"unknown format {fmt!r}{did_you_mean(fmt, _WRITERS)}; "
                        f"formats: {', '.join(_WRITERS)}") from None
    return getattr(importlib.import_module(module), name)


def write(fmt: str, result) -> str:
    """``result`` rendered as ``fmt`` (table, markdown, csv, json, html): a string, nothing
    printed."""
    return writer(fmt)(result)


def brief_writer(fmt: str):
    """The function rendering a Result's headline alone (``calc run --brief``) as ``fmt``; a
    CalcError for a format without one (json, csv, html, xlsx)."""
    if fmt not in _BRIEF:
        raise CalcError(f"--brief prints the headline as {' or '.join(_BRIEF)}, not {fmt}; "
                        f"drop --brief for the full {fmt} output")
    module, name = _BRIEF[fmt]
    return getattr(importlib.import_module(module), name)


def __getattr__(name: str):
    if name == "WRITERS":          # built on first use: importing it imports every writer
        value = {fmt: writer(fmt) for fmt in _WRITERS}
        globals()[name] = value
        return value
    raise AttributeError(f"module 'calc.output' has no attribute {name!r}")
