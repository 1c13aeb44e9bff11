"""Validated copies of what calc builds from its data files, kept between runs.

Reading and checking the YAML data (the registry, the glossary) takes longer than reading back a
pickle of the result, so each is kept in the user's cache folder (``$XDG_CACHE_HOME/calc``, else
``~/.cache/calc``, like pint's definition cache). A copy is named by a key made, as Python keys its
bytecode, from the name, size and modification time of every data file and of calc's own code, and
from the Python and pint versions: a changed file gives another key, so it is loaded and validated
afresh. ``CALC_NO_CACHE=1`` turns the copies off; any trouble with one falls back to building.

Quantities are kept as their magnitude and unit names and rebuilt on the one unit registry with
each distinct unit parsed once (pint's own pickling parses the unit of every quantity again).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pint

from calc.units import Q, ureg

CODE_DIR = Path(__file__).parent


def cache_path(name: str, data_dir: Path) -> Path | None:
    """Where the copy of ``name`` built from ``data_dir`` is kept; None when caching is off."""
    if os.environ.get("CALC_NO_CACHE"):
        return None
    key = hashlib.sha256(f"{name} {sys.version_info[:2]} {pint.__version__}".encode())
    files = sorted(data_dir.glob("*.yaml")) + sorted(CODE_DIR.glob("*.py")) + [CODE_DIR / "units.txt"]
    for path in files:
        st = path.stat()
        key.update(f"\0{path.name} {st.st_size} {st.st_mtime_ns}".encode())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "calc" / f"{name}-{key.hexdigest()[:24]}.pickle"


def cached(name: str, data_dir: Path, build: Callable[[], object], kind: type) -> object:
    """The copy of ``name`` when one is kept and holds a ``kind``; else ``build()``, then kept."""
    path = cache_path(name, data_dir)
    if path is not None:
        try:
            with open(path, "rb") as fh:
                value = pickle.load(fh)  # noqa: S301 -- calc's own file, named by its inputs' key
            if isinstance(value, kind):
                return value
        except Exception:  # noqa: BLE001 -- missing, partial or from another version: build instead
            pass
    value = build()
    if path is not None:
        try:
            buffer = io.BytesIO()
            _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(buffer.getvalue())
            os.replace(tmp, path)
        except Exception:  # noqa: BLE001 -- an unwritable cache must never stop calc
            pass
    return value


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, pint.Quantity):
            return _quantity, (obj.magnitude, tuple(obj._units.items()))
        if isinstance(obj, pint.Unit):
            return _unit, (tuple(obj._units.items()),)
        return NotImplemented


@lru_cache(maxsize=None)
def _unit(items: tuple) -> pint.Unit:
    """The unit with these (name, exponent) pairs, e.g. (('gigawatt', 1),)."""
    unit = ureg.Unit("")
    for name, exponent in items:
        unit = unit * ureg.Unit(name) ** exponent
    return unit


def _quantity(magnitude, items: tuple) -> pint.Quantity:
    return Q(magnitude, _unit(items))
