"""Safe, bounded YAML reading that remembers line numbers.

Mappings load as ``LineDict`` and sequences as ``LineList``: plain dicts and lists that also know
the line of each key or item, so every message can say ``file:line``.

The document is built from the parser's event stream, one event at a time, never recursively, so
it is bounded *before* it is built: files over ``MAX_BYTES``, collections nested more than
``MAX_DEPTH`` deep and documents of more than ``MAX_NODES`` values (counted with every alias
expanded, so a "billion laughs" file is refused at the alias that would blow it up) are refused
with the line of the offending node. No tag builds an object; a key given twice is an error.

Scalars are read as YAML 1.2 (core schema), not 1.1: ``yes``/``no``/``on``/``off``/``y``/``n`` are
text (only ``true``/``false`` are booleans), ``1:20`` is text (not the base-60 number 80), ``0o17``
is octal 15 and ``017`` is 17, ``1e3`` is the number 1000, ``1_000`` is text, dates stay the text
the author wrote, and ``<<`` is an ordinary key (no merge). Numbers too large for a float
(beyond about 1.8e308: a 400-digit integer, ``1e400``) are refused.
"""

from __future__ import annotations

import itertools
import math
import re
import reprlib
from functools import lru_cache
from pathlib import Path

from calc.errors import CalcError
from calc.suggest import did_you_mean  # noqa: F401 -- kept for callers of yamlio.did_you_mean

MAX_BYTES = 1_000_000
MAX_DEPTH = 64          # nested mappings and sequences (aliases count as their target's depth)
MAX_NODES = 100_000     # scalars, mappings and sequences, every alias expanded
MAX_SHOWN = 200         # characters of a list or mapping a message shows


class _Short(reprlib.Repr):
    """A bounded repr, so a message never prints a huge (or alias-expanded) value in full."""

    def __init__(self):
        super().__init__()
        self.maxlevel, self.maxlist, self.maxdict, self.maxstring, self.maxother = 3, 6, 6, 60, 60

    def repr(self, obj):
        text = super().repr(obj)
        return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "..."

    def repr_LineList(self, obj, level):  # noqa: N802 -- reprlib dispatches on the type's name
        return self.repr_list(obj, level)

    def repr_LineDict(self, obj, level):  # noqa: N802 -- like repr_dict, but in the file's order
        if not obj:
            return "{}"
        if level <= 0:
            return "{...}"
        items = [f"{self.repr1(k, level - 1)}: {self.repr1(v, level - 1)}"
                 for k, v in itertools.islice(obj.items(), self.maxdict)]
        return "{" + ", ".join(items + (["..."] if len(obj) > self.maxdict else [])) + "}"


_SHORT = _Short()


class LineDict(dict):
    """A dict that knows its own line (``line``) and the line of each key (``lines``)."""

    line = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict = {}

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)

    def __repr__(self):
        return _SHORT.repr(self)


class LineList(list):
    """A list that knows its own line (``line``) and the line of each item (``lines``)."""

    line = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line

    def __repr__(self):
        return _SHORT.repr(self)


# YAML 1.2 core schema, for plain (unquoted, untagged) scalars
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL = {".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, ".nan": math.nan,
            ".NaN": math.nan, ".NAN": math.nan}
_TAG = "tag:yaml.org,2002:"


class _Refused(Exception):
    """A problem at a line of the document (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def _integer(text: str, line: int) -> int:
    digits = text.lstrip("+-")
    base = 8 if digits.startswith("0o") else 16 if digits.startswith("0x") else 10
    if (len(digits) > 330
            or abs(value := int(text if base == 10 else digits[2:], base))
            > 1.7976931348623157e308):
        shown = text if len(text) <= 24 else f"{text[:20]}... ({len(digits)} digits)"
        raise _Refused(line, f"the integer {shown} is too large for calc to compute with "
                             "(the largest number is about 1.8e308)")
    return value


def _tag(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _scalar(event, line: int):
    """The value of a scalar event, read as YAML 1.2 would read it."""
    text, tag = event.value, event.tag
    if tag in (None, "!") and not (tag is None and event.implicit[0]):
        return text                                   # quoted, block or '!'-tagged: text
    if tag is None:                                   # plain: resolve as YAML 1.2 core
        tag = (_TAG + "null" if _NULL.match(text) else _TAG + "bool" if text in _BOOL
               else _TAG + "int" if _INT.match(text)
               else _TAG + "float" if _FLOAT.match(text) or text.lstrip("+-") in _SPECIAL
               else _TAG + "str")
    kind = tag[len(_TAG):] if tag.startswith(_TAG) else None
    try:
        if kind == "str":
            return text
        if kind == "null" and _NULL.match(text):
            return None
        if kind == "bool" and text in _BOOL:
            return _BOOL[text]
        if kind == "int" and _INT.match(text):
            return _integer(text, line)
        if kind == "float":
            body = text.lstrip("+-")
            if body in _SPECIAL:
                return -_SPECIAL[body] if text.startswith("-") else _SPECIAL[body]
            if _FLOAT.match(text) or _INT.match(text):
                value = float(_integer(text, line)) if _INT.match(text) else float(text)
                # 1e400: as for integers, refused rather than read as infinity
                if math.isinf(value):
                    raise _Refused(line, f"the number {text[:24]} is too large for calc to "
                                         "compute with (the largest number is about 1.8e308)")
                return value
    except ValueError:
        pass
    if kind in ("str", "null", "bool", "int", "float"):
        raise _Refused(line, f"{text!r} is not a valid !!{kind}")
    raise _Refused(line, f"malformed YAML: the tag {_tag(tag)} is not allowed -- YAML tags that "
                         "build objects are not allowed; write plain values")


class _Builder:
    """Builds LineDicts and LineLists from events with an explicit stack (no recursion)."""

    _NO_KEY = object()

    def __init__(self):
        # [collection, pending key, key line, nodes at start, height]
        self.stack: list[list] = []
        # name -> (value, expanded nodes, height) once complete
        self.anchors: dict[str, tuple] = {}
        self.open_anchors: set[str] = set()
        self.nodes = 0
        self.root, self.done = None, False

    def count(self, n: int, line: int, what: str) -> None:
        self.nodes += n
        if self.nodes > MAX_NODES:
            raise _Refused(line, f"{what} takes the document past {MAX_NODES:,} values (aliases "
                                 "counted expanded); calc reads smaller scenario files")

    def deep(self, height: int, line: int, what: str) -> None:
        if len(self.stack) + height > MAX_DEPTH:
            raise _Refused(line, f"{what} is nested more than {MAX_DEPTH} levels deep; "
                                 "calc reads flatter files")

    def add(self, value, line: int, height: int) -> None:
        if not self.stack:
            self.root, self.done = value, True
            return
        frame = self.stack[-1]
        frame[4] = max(frame[4], height + 1)
        out = frame[0]
        if isinstance(out, LineList):
            out.append(value)
            out.lines.append(line)
        elif frame[1] is self._NO_KEY:
            if isinstance(value, (list, dict)):
                raise _Refused(line, "malformed YAML: a key must be a plain word")
            if value in out:
                raise _Refused(line, f"malformed YAML: key {value!r} is given twice (first on "
                                     f"line {out.lines[value]})")
            frame[1], frame[2] = value, line
        else:
            out[frame[1]] = value
            out.lines[frame[1]] = frame[2]
            frame[1] = self._NO_KEY

    def event(self, ev) -> None:
        line = ev.start_mark.line + 1
        kind = type(ev).__name__            # PyYAML's event classes (yaml.events), by name
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            if ev.tag not in (None, "!", _TAG + "map", _TAG + "seq"):
                raise _Refused(line, f"malformed YAML: the tag {_tag(ev.tag)} is not "
                                     "allowed -- YAML tags that build objects are not "
                                     "allowed; write plain values")
            self.deep(1, line, "this value")
            self.count(1, line, "this value")
            out = LineDict() if kind == "MappingStartEvent" else LineList()
            out.line = line
            self.add(out, line, 0)
            self.stack.append([out, self._NO_KEY, 0, self.nodes - 1, 0, ev.anchor])
            if ev.anchor:
                self.open_anchors.add(ev.anchor)
        elif kind in ("MappingEndEvent", "SequenceEndEvent"):
            out, _, _, start, height, anchor = self.stack.pop()
            if anchor:
                self.anchors[anchor] = (out, self.nodes - start, height)
                self.open_anchors.discard(anchor)
            if self.stack:
                self.stack[-1][4] = max(self.stack[-1][4], height + 1)
        elif kind == "ScalarEvent":
            self.count(1, line, "this value")
            value = _scalar(ev, line)
            if ev.anchor:
                self.anchors[ev.anchor] = (value, 1, 0)
            self.add(value, line, 0)
        elif kind == "AliasEvent":
            if ev.anchor in self.open_anchors:
                raise _Refused(line, f"the alias *{ev.anchor} refers to a value that contains it")
            if ev.anchor not in self.anchors:
                raise _Refused(line, f"the alias *{ev.anchor} refers to no anchor "
                                     f"&{ev.anchor} before it")
            value, nodes, height = self.anchors[ev.anchor]
            self.deep(height, line, f"the alias *{ev.anchor}")
            self.count(nodes, line, f"the alias *{ev.anchor}")
            self.add(value, line, height)
        elif kind == "DocumentStartEvent" and self.done:
            raise _Refused(line, "malformed YAML: a file holds one YAML document; "
                                 "remove the second '---'")


def loads(text: str, where: str = "<string>"):
    """Parse YAML text safely and within bounds; errors become a CalcError starting with
    ``where:line``.

    PyYAML is imported here, on first use: a run that reads no YAML (the registry kept by
    calc.cache, a scenario given as a dict) needs none.
    """
    # every character is at least a byte: a text that long is refused without encoding a copy
    if len(text) > MAX_BYTES // 4 and (len(text) > MAX_BYTES
                                       or len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES):
        raise CalcError(f"{where}: the YAML text is more than {MAX_BYTES:,} bytes; calc reads "
                        f"scenarios up to {MAX_BYTES:,} bytes")
    if "\0" in text:                    # PyYAML names no line for it
        line = text.count("\n", 0, text.index("\0")) + 1
        raise CalcError(f"{where}:{line}: a NUL byte (\\0) is not allowed in YAML text; remove it")
    import yaml

    # libyaml when present: same events, faster
    parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    builder = _Builder()
    try:
        for ev in yaml.parse(text, Loader=parser):
            builder.event(ev)
    except _Refused as exc:
        raise CalcError(f"{where}:{exc.line}: {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark else ""
        problem = exc.problem or exc.context or "malformed YAML"
        # libyaml >= 0.2.5 stops at 1,000 levels, before our count
        if "maximum nesting depth" in problem:
            raise CalcError(f"{where}{line}: this value is nested more than {MAX_DEPTH} levels "
                            "deep; calc reads flatter files") from None
        raise CalcError(f"{where}{line}: malformed YAML: {problem.strip()}") from None
    except yaml.YAMLError as exc:
        raise CalcError(f"{where}: malformed YAML: {exc}") from None
    return builder.root


def plain(text: str, where: str = "<string>"):
    """``text`` read as a plain YAML 1.2 scalar, as a file would read it unquoted: ``1.3`` is a
    number, ``1_2`` and ``2 GW`` are text, ``true`` is a boolean, ``1e400`` is refused (for
    ``--set``)."""
    class Event:
        value, tag, implicit = text, None, (True, False)
    try:
        return _scalar(Event, 1)
    except _Refused as exc:
        raise CalcError(f"{where}: {exc}") from None


def load(path: str | Path):
    """Read and parse a YAML file: bounded in size, depth and values, UTF-8 only, safe tags only."""
    return loads(read_text(path), str(path))


def read_text(path: str | Path) -> str:
    """The text of a YAML file: a regular file of at most ``MAX_BYTES``, in UTF-8."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise CalcError(f"{path}: no such file") from None
    except OSError as exc:
        raise CalcError(f"{path}: cannot read: {exc.strerror}") from None
    if path.is_dir():
        raise CalcError(f"{path}: is a folder, expected a YAML file")
    if not path.is_file():
        raise CalcError(f"{path}: is not a regular file (a device, a FIFO or a "
                        "socket), expected a YAML file")
    if size > MAX_BYTES:
        raise CalcError(f"{path}: file is {size:,} bytes; calc reads YAML files up "
                        f"to {MAX_BYTES:,} bytes")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CalcError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CalcError(f"{path}: not UTF-8 text (byte {exc.start}); "
                        "save the file as UTF-8") from None
    return text



@lru_cache(maxsize=1)
def _dumper() -> type:
    """PyYAML's safe dumper, quoting also the strings YAML 1.2 would read as numbers (``1e3``,
    ``0o17``)."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_implicit_resolver(_TAG + "int", re.compile(r"^0o[0-7]+$"), list("0"))
    Dumper.add_implicit_resolver(_TAG + "float", _FLOAT, list("-+0123456789."))
    # what loads gives, written back
    Dumper.add_representer(LineDict, yaml.SafeDumper.represent_dict)
    Dumper.add_representer(LineList, yaml.SafeDumper.represent_list)
    return Dumper


def dumps(data) -> str:
    """YAML text that :func:`loads` reads back as ``data`` (strings stay strings)."""
    import yaml

    return yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True)
