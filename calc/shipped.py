"""Shipped scenarios, found by name from any working directory; and where a scenario's YAML comes
from.

``calc/scenarios`` is the package's copy of the repository's ``scenarios/`` folder: in a checkout
(and an editable install) it is a link to that folder, in a built wheel it is package data. So
``calc run nvidia-1gw`` and ``calc.load("nvidia-1gw")`` work wherever the command or the Jupyter
kernel starts, while a file of that name in the working directory still comes first.
"""

from __future__ import annotations

import errno
from pathlib import Path

from calc import yamlio
from calc.errors import CalcError
from calc.suggest import did_you_mean

SCENARIOS = Path(__file__).resolve().with_name("scenarios")


def folder() -> Path:
    """The folder holding the shipped scenario files."""
    if SCENARIOS.is_dir():
        return SCENARIOS
    # a checkout whose link was lost
    return Path(__file__).resolve().parent.parent / "scenarios"


def names() -> list[str]:
    """The shipped scenarios' names (their file names without ``.yaml``), sorted."""
    return sorted(p.stem for p in folder().glob("*.yaml"))


def find(spec: str | Path) -> Path:
    """The file ``spec`` names: an existing path, else a shipped scenario's name
    (``nvidia-1gw``)."""
    if isinstance(spec, str) and not spec.strip():     # Path("") would name the current folder
        raise CalcError(f"{spec!r}: an empty file name; give the path of a YAML file or a "
                        "shipped scenario's name such as 'nvidia-1gw'")
    path = Path(spec)
    text = str(spec)
    try:
        if path.exists():
            return path
    except OSError as exc:      # a name too long for the system, a folder calc may not enter
        shown = f"{text[:200]}... ({len(text):,} characters)" if len(text) > 200 else text
        if exc.errno == errno.ENAMETOOLONG:     # it was exit 3
            raise CalcError(f"{shown}: the file name is too long for this system; give the "
                            "path of a YAML file or a shipped scenario's name") from None
        raise CalcError(f"{shown}: cannot read: {exc.strerror}") from None
    name = text.removesuffix(".yaml").removesuffix(".yml")
    if "/" not in text and "\\" not in text and name in names():
        return (folder() / f"{name}.yaml").resolve()
    shipped = names()
    if Path(name).name in shipped:        # scenarios/rainier.yaml typed outside the checkout
        short = Path(name).name
        raise CalcError(f"{text}: no such file in {Path.cwd()}; to use the shipped scenario of "
                        f"that name, give the name alone, e.g. calc run {short} "
                        f"(calc.load({short!r}) in Python)")
    hint = did_you_mean(Path(name).name, shipped)
    raise CalcError(f"{text}: no such file, and no shipped scenario of that name{hint}; "
                    f"shipped scenarios: {', '.join(shipped) or 'none'}")


def read(spec) -> tuple[object, str]:
    """(parsed YAML, where) for a scenario given as a path, a shipped name, YAML text or a dict.

    A string holding a newline (or starting with ``{``) is YAML text; a dict is a parsed scenario.
    ``where`` starts every message about it: the path, ``<string>`` or ``<dict>``.
    """
    if isinstance(spec, dict):
        import yaml

        try:
            text = yamlio.dumps(spec)
        except yaml.YAMLError as exc:
            raise CalcError("<dict>: cannot be read as a scenario: "
                            f"{str(exc).splitlines()[0]}; give strings, numbers, lists and "
                            "dicts, e.g. {'value': '1 GW', ...}") from None
        except RecursionError:
            raise CalcError(f"<dict>: nested more than {yamlio.MAX_DEPTH} levels deep; calc reads "
                            "flatter scenarios") from None
        return yamlio.loads(text, "<dict>"), "<dict>"
    if isinstance(spec, str) and ("\n" in spec or spec.lstrip().startswith("{")):
        return yamlio.loads(spec, "<string>"), "<string>"
    if not isinstance(spec, (str, Path)):
        raise CalcError("calc.load: expected a file path, a shipped scenario's name, YAML text or "
                        f"a dict, got {type(spec).__name__}")
    path = find(spec)
    return yamlio.load(path), str(path)
