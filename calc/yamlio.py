"""Safe, bounded YAML reading that remembers line numbers.

Mappings load as ``LineDict`` and sequences as ``LineList``: plain dicts and lists that also know
the line of each key or item, so every message can say ``file:line``. The loader is PyYAML's safe
one (no tag builds an object); files over ``MAX_BYTES`` and files that are not UTF-8 are refused;
a key given twice in one mapping is an error rather than a silent overwrite.
"""

from __future__ import annotations

import datetime
import difflib
from pathlib import Path

import yaml

from calc.errors import CalcError

MAX_BYTES = 1_000_000


class LineDict(dict):
    """A dict that knows its own line (``line``) and the line of each key (``lines``)."""

    line = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    """A list that knows its own line (``line``) and the line of each item (``lines``)."""

    line = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: same rules, faster
    pass


def _scalar_text(value):
    """Dates and timestamps stay the text the author wrote (``2025-11-19``), never objects."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = _scalar_text(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain word", key_node.start_mark)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice (first on line {out.lines[key]})", key_node.start_mark)
        out[key] = _scalar_text(loader.construct_object(value_node, deep=True))
        out.lines[key] = line
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(_scalar_text(loader.construct_object(child, deep=True)) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def loads(text: str, where: str = "<string>"):
    """Parse YAML text safely; errors become a CalcError starting with ``where:line``."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 -- _Loader is a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "malformed YAML"
        if "could not determine a constructor" in str(problem):
            problem = f"{problem.strip()} -- YAML tags that build objects are not allowed"
        raise CalcError(f"{where}{line}: malformed YAML: {problem.strip()}") from None
    except yaml.YAMLError as exc:
        raise CalcError(f"{where}: malformed YAML: {exc}") from None


def load(path: str | Path):
    """Read and parse a YAML file: bounded in size, UTF-8 only, safe tags only."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CalcError(f"{path}: no such file") from None
    except OSError as exc:
        raise CalcError(f"{path}: cannot read: {exc.strerror}") from None
    if path.is_dir():
        raise CalcError(f"{path}: is a folder, expected a YAML file")
    if size > MAX_BYTES:
        raise CalcError(f"{path}: file is {size:,} bytes; calc reads YAML files up to {MAX_BYTES:,} bytes")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CalcError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    return loads(text, str(path))


def did_you_mean(word: str, choices) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or '' when none is close."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
