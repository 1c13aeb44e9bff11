"""JSON documents: a run in the shape the README documents, and the registry's figures and sources.

Deterministic (same result, same text), UTF-8 as is (``ensure_ascii=False``), and never ``NaN``:
a number that is not finite is written as ``null``.
"""

from __future__ import annotations

import json
import math

import numpy as np

from calc.citations import is_unsourced
from calc.registry import registry
from calc.units import format_unit


def clean(obj):
    """``obj`` with numpy scalars made plain and non-finite floats made None, recursively."""
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer, int)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return float(obj) if math.isfinite(obj) else None
    return obj


def dumps(obj) -> str:
    return json.dumps(clean(obj), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def result_document(result) -> dict:
    """The ``calc run --format json`` document as a dict."""
    doc = {"scenario": result.scenario or None, "samples": result.samples, "seed": result.seed,
           "rows": result.rows(), "checks": [c.to_json() for c in result.checks],
           "findings": [f.to_json() for f in result.findings], "sources": result.sources()}
    if getattr(result, "notes", None):              # e.g. commitment spend outside the timeline
        doc["notes"] = list(result.notes)
    # only with --sensitivity: an addition to the contract
    if result.sensitivity_table is not None:
        doc["sensitivity"] = result.sensitivity_table.to_dict("records")
    doc.update(facts(result))
    return doc


def facts(result) -> dict:
    """Additions to the contract, present only when there is something to say:
    ``overrides`` (values set on the command line) and ``unsourced`` (values given without a
    source), each a list of ``{name, value, unit, low, high}`` in the unit it was given in."""
    out = {}
    for key, test in (("overrides", lambda v: v.origin == "set on the command line"),
                      ("unsourced", is_unsourced)):
        items = {}
        for leaves in result.leaves:
            for name, v in leaves.items():
                if test(v) and name not in items:
                    items[name] = {"name": name, "value": _magnitude(v),
                                   "unit": format_unit(v.central.units),
                                   "low": v.dist.low if v.dist is not None else None,
                                   "high": v.dist.high if v.dist is not None else None}
        if key == "overrides":          # a date that is no input: --set ledger_as_of
            for name, day in getattr(result, "date_sets", ()):
                items[name] = {"name": name, "value": day, "unit": "", "low": None, "high": None}
        if items:
            out[key] = list(items.values())
    return out


def _magnitude(v):
    mag = np.asarray(v.central.magnitude, dtype=float)
    return float(mag) if mag.ndim == 0 else mag.tolist()


def result_json(result) -> str:
    """``{"scenario", "samples", "seed", "rows", "checks", "sources"}`` as the README shows it."""
    return dumps(result_document(result))


def figure_records(figures, reg=None) -> list[dict]:
    """``{id, value, unit, low, high, kind, source, quote, gloss, as_of, confidence, note, summary,
    ...}`` per figure, with its source's ``publisher``, publication date (``published``) and
    ``url``."""
    if reg is None:
        reg = registry()
    out = []
    for f in figures:
        src = reg.sources.get(f.source) if f.source else None
        out.append({**f.to_json(), "publisher": src.publisher if src else None,
                    "published": src.date if src else None, "url": src.url if src else None})
    return out


def figures_json(figures, reg=None) -> str:
    """A list of ``{id, value, unit, low, high, kind, source, quote, gloss, as_of, note, ...}``."""
    return dumps(figure_records(figures, reg))


def sources_json(sources) -> str:
    """A list of ``{id, publisher, title, date, language, url, note}``."""
    return dumps([s.to_json() for s in sources])
