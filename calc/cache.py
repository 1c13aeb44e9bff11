"""Validated copies of what calc builds from its data files, kept between runs.

Reading and checking the YAML data (the registry, the glossary) takes longer than reading back a
pickle of the result, and parsing a scenario file needs PyYAML, which takes longer to import than
the file takes to read back; so each is kept in the user's cache folder (``$XDG_CACHE_HOME/calc``,
else ``~/.cache/calc``, like pint's definition cache). A copy is named by a key made from the
contents of the files it was built from, from calc's own code (by size and modification time, as
Python checks its bytecode) and from the Python and pint versions: a changed file gives another
key, so it is read and validated afresh, and the older copy is removed. ``CALC_NO_CACHE=1`` turns
the copies off; any trouble with one falls back to building.

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
MAX_COPIES = 64         # the cache folder keeps at most this many copies (scenario files come and go)


def data_files(folder: Path) -> list[bytes]:
    """The contents of a data folder's YAML files, in a fixed order."""
    return [path.read_bytes() for path in sorted(folder.glob("*.yaml"))]


def cache_path(name: str, contents: list[bytes], slot: str = "") -> Path | None:
    """Where the copy of ``name`` built from ``contents`` (the files it reads) is kept; None when
    caching is off.

    ``<name>-<slot>-<key>.pickle``: the slot names this install of calc and what is kept (``slot``:
    e.g. a scenario file's path), the key the contents, so a newer copy replaces the older one in its
    slot. Contents, not modification times: a file rewritten within one tick of the file system's
    clock, at the same size, still gives another key."""
    if os.environ.get("CALC_NO_CACHE"):
        return None
    where = hashlib.sha256(f"{name}\0{CODE_DIR}\0{slot}".encode())
    key = hashlib.sha256(_code_key().encode())
    for content in contents:
        key.update(hashlib.sha256(content).digest())
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "calc" / f"{name}-{where.hexdigest()[:12]}-{key.hexdigest()[:24]}.pickle"


@lru_cache(maxsize=1)
def _code_key() -> str:
    """Python's and pint's versions and the state of calc's own code (every module, the units), by
    size and modification time as Python checks its own bytecode."""
    parts = [f"{sys.version_info[:2]} {pint.__version__}"]
    for path in [*sorted(CODE_DIR.rglob("*.py")), CODE_DIR / "units.txt"]:
        st = path.stat()
        parts.append(f"{path.relative_to(CODE_DIR)} {st.st_size} {st.st_mtime_ns}")
    return "\0".join(parts)


def cached(name: str, contents: list[bytes], build: Callable[[], object], kind: type, slot: str = "") -> object:
    """The copy of ``name`` built from ``contents`` when one is kept and holds a ``kind``; else
    ``build()``, then kept (``cache_path``)."""
    path = cache_path(name, contents, slot)
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
            _prune(path)
        except Exception:  # noqa: BLE001 -- an unwritable cache must never stop calc
            pass
    return value


def _prune(kept: Path) -> None:
    """Remove the older copies in ``kept``'s slot, and the oldest copies past ``MAX_COPIES``."""
    copies = list(kept.parent.glob("*.pickle"))
    slot = kept.name.rsplit("-", 1)[0] + "-"
    for older in [p for p in copies if p.name.startswith(slot) and p != kept]:
        older.unlink(missing_ok=True)
        copies.remove(older)
    if len(copies) > MAX_COPIES:
        copies.sort(key=lambda p: p.stat().st_mtime_ns)
        for oldest in copies[:len(copies) - MAX_COPIES]:
            oldest.unlink(missing_ok=True)


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
