"""Validated copies of the registry and the glossary, kept between runs in calc's cache folder.

Reading and checking the YAML data takes longer than reading back a copy of the result, so a copy
is kept in the checked folder of ``calc.cache_dir`` (which says who may write there, and when there
is no cache at all). A copy is named by a key made from the contents of the data files it was built
from, from calc's own code (by size and modification time, as Python checks its bytecode) and from
the Python and pint versions; the key is stored inside the copy too and checked on reading, so a
copy renamed or left from another version is never used. A newer copy replaces the older one.

Reading a copy back builds nothing but the registry's and glossary's own classes and pint
quantities (``KEPT``): the reader refuses every other class or function a pickle could name, so even
a copy that passed the folder's checks could not run code. Any trouble with a copy falls back to
building. Quantities are kept as their magnitude and unit names and rebuilt on the one unit
registry, each distinct unit parsed once.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import pickle
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
import pint

from calc import cache_dir
from calc.units import Q, ureg

CODE_DIR = Path(__file__).parent


def data_files(folder: Path) -> list[bytes]:
    """The contents of a data folder's YAML files, in a fixed order."""
    return [path.read_bytes() for path in sorted(folder.glob("*.yaml"))]


def copy_name(name: str, contents: list[bytes]) -> tuple[str, str]:
    """The file name of the copy of ``name`` built from ``contents``, and its key.

    ``<name>-<install>-<key>.pickle``: ``install`` names this install of calc (so two installs
    sharing a cache folder keep a copy each), the key the contents. Contents, not modification
    times: a file rewritten within one tick of the file system's clock, at the same size, still
    gives another key.
    """
    where = hashlib.sha256(f"{name}\0{CODE_DIR}".encode()).hexdigest()[:12]
    key = hashlib.sha256(_code_key().encode())
    for content in contents:
        key.update(hashlib.sha256(content).digest())
    return f"{name}-{where}-{key.hexdigest()[:24]}.pickle", key.hexdigest()


@lru_cache(maxsize=1)
def _code_key() -> str:
    """Python's and pint's versions and the state of calc's own code (every module, the units), by
    size and modification time as Python checks its own bytecode."""
    parts = [f"{sys.version_info[:2]} {pint.__version__}"]
    for path in [*sorted(CODE_DIR.rglob("*.py")), CODE_DIR / "units.txt"]:
        st = path.stat()
        parts.append(f"{path.relative_to(CODE_DIR)} {st.st_size} {st.st_mtime_ns}")
    return "\0".join(parts)


def cached(name: str, contents: list[bytes], build: Callable[[], object], kind: type) -> object:
    """The kept copy of ``name`` built from ``contents`` when there is one, it holds its own key and
    a ``kind``; else ``build()``, then kept."""
    if cache_dir.folder() is None:
        return build()
    file_name, key = copy_name(name, contents)
    data = cache_dir.read(file_name)
    if data is not None:
        try:
            kept_key, value = _SafeUnpickler(io.BytesIO(data)).load()
            if kept_key == key and isinstance(value, kind):
                return value
        # truncated, refused or from another version: build instead
        except Exception:  # noqa: BLE001
            pass
    value = build()
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((key, value))
    except Exception:  # noqa: BLE001 -- a value that cannot be kept is simply not kept
        return value
    if cache_dir.write(file_name, buffer.getvalue()):
        prefix = file_name.rsplit("-", 1)[0] + "-"
        # and earlier versions'
        for older in cache_dir.names(prefix) + cache_dir.names("scenario-"):
            if older != file_name:
                cache_dir.remove(older)
    return value


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj):
        if isinstance(obj, pint.Quantity):      # an array magnitude as a list: numpy's own
            magnitude = obj.magnitude            # reduction names functions the reader refuses
            if isinstance(magnitude, np.ndarray):
                magnitude = magnitude.tolist()
            return _quantity, (magnitude, tuple(obj._units.items()))
        if isinstance(obj, pint.Unit):
            return _unit, (tuple(obj._units.items()),)
        return NotImplemented


# What a kept copy may hold besides numbers, strings and containers: the registry's and glossary's
# own classes, and pint quantities and units (rebuilt by the two functions below).
KEPT = {"calc.registry.Registry", "calc.registry.data.Source", "calc.registry.data.Figure",
        "calc.registry.data.Accelerator", "calc.ledger.Ledger", "calc.ledger.Deal",
        "calc.glossary.Bounds", "calc.glossary.Typical", "calc.cache._quantity",
        "calc.cache._unit"}


class _SafeUnpickler(pickle.Unpickler):
    """Builds only what ``KEPT`` names: no other class or function a
    pickle names is ever looked up, so reading a copy runs no code of anyone's choosing."""

    def find_class(self, module: str, name: str):
        if f"{module}.{name}" in KEPT:
            return getattr(importlib.import_module(module), name)
        raise pickle.UnpicklingError(f"a kept copy names {module}.{name}, which calc does not keep")


@lru_cache(maxsize=None)
def _unit(items: tuple) -> pint.Unit:
    """The unit with these (name, exponent) pairs, e.g. (('gigawatt', 1),)."""
    unit = ureg.Unit("")
    for name, exponent in items:
        unit = unit * ureg.Unit(name) ** exponent
    return unit


def _quantity(magnitude, items: tuple) -> pint.Quantity:
    return Q(np.asarray(magnitude, dtype=float) if isinstance(magnitude, list) else magnitude,
             _unit(items))
