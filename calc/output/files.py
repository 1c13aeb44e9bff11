"""Output files written safely: all or nothing, never onto an input, a device, a FIFO or a folder.

``check_target`` refuses a bad ``--output``/``--plot`` path before anything runs; ``write_atomic``
writes through a temporary file in the target's folder and a rename, and removes the temporary
file on any failure, Ctrl-C (SIGINT) or SIGTERM (``terminate_cleanly`` turns SIGTERM into an
exception, so the same clean-up runs).
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from calc.errors import CalcError
from calc import shipped

DATA_DIR = Path(__file__).parents[1] / "data"
PACKAGE = Path(__file__).parents[1]            # calc's own files: never an output
NAME_MAX = 200          # characters of an output file's name (the temporary name adds about 20)

# the format an --output name's extension asks for (without --format)
SUFFIX_FORMATS = {".xlsx": "xlsx", ".html": "html", ".htm": "html", ".json": "json", ".csv": "csv",
                  ".md": "markdown", ".txt": "table"}
TEXT_SUFFIX = ".txt"    # any text format may go into a .txt file; only an inferred one is a table
FORMAT_SUFFIX = {f: s for s, f in reversed(SUFFIX_FORMATS.items())}   # html: .html, not .htm


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM arrives, so ``finally`` blocks and clean-ups run."""


def _raise_terminated(signum, frame):
    raise Terminated()


@contextlib.contextmanager
def terminate_cleanly():
    """While inside, SIGTERM raises ``Terminated`` (like SIGINT raises KeyboardInterrupt)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:            # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _same(a: Path, b: Path) -> bool:
    try:
        return a == b or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_target(path: str, option: str, inputs: Iterable[str | Path] = ()) -> Path:
    """The resolved file ``path`` (given with ``option``) can be written to, or a CalcError saying
    why not.

    Symlinks and ``..`` are resolved: a path that names any input file (the scenarios given in
    ``inputs`` or calc's own data files), a folder, a device, a FIFO or a socket is refused, as is
    a folder that does not exist or cannot be written to.
    """
    where = f"{option} {path if len(str(path)) <= 200 else str(path)[:200] + '...'}"
    name = Path(path).name
    if len(name.encode("utf-8", "surrogateescape")) > NAME_MAX:
        raise CalcError(f"{where}: the file name is {len(name):,} characters; calc writes names "
                        f"of at most {NAME_MAX} -- choose a shorter one")
    try:
        return _check_target(path, where, inputs)
    except OSError as exc:
        raise CalcError(f"{where}: cannot write there ({exc.strerror})") from None


def _inside_package(path: str) -> str | None:
    """The folder of calc's own files that ``path`` (as given, or with links resolved) is in: the
    package, or its shipped scenarios (a link to the repository's scenarios/ in a checkout)."""
    roots = [os.path.abspath(PACKAGE), os.path.realpath(PACKAGE),
             os.path.realpath(shipped.folder())]
    seen = {os.path.realpath(path), os.path.abspath(path)}
    return next((r for r in roots for p in seen if p == r or p.startswith(r + os.sep)), None)


def _check_target(path: str, where: str, inputs: Iterable[str | Path]) -> Path:
    target = Path(os.path.realpath(path))
    option = where.split(" ", 1)[0]
    if target.is_dir():
        raise CalcError(f"{where}: is a folder; give a file name, e.g. "
                        f"{Path(path) / ('result' + _suffix(option))}")
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise CalcError(f"{where}: is a device, FIFO or socket, not a regular file; calc writes "
                        "only regular files -- choose a file name")
    for f in [*inputs, *sorted(DATA_DIR.glob("*"))]:
        if f is not None and _same(target, Path(os.path.realpath(f))):
            raise CalcError(f"{where}: is the input file {f}; writing there would destroy it "
                            "-- choose another name")
    own = _inside_package(path)
    if own:
        raise CalcError(f"{where}: is inside calc's own files ({own}); writing there would break "
                        "calc -- choose a place outside it")
    folder = target.parent
    if not folder.is_dir():
        raise CalcError(f"{where}: folder {Path(path).parent} does not exist; create it "
                        "or choose another place")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise CalcError(f"{where}: cannot write in folder {folder} (permission denied)")
    return target


def output_format(given: str | None, output: str | None, allowed: tuple[str, ...],
                  what: str = "calc") -> str:
    """The format to write: ``given`` (``--format``), else the one ``output``'s extension names
    (``SUFFIX_FORMATS``), else ``table``.

    A CalcError (before anything is written) when ``--format`` contradicts a known extension
    (``--format xlsx`` with ``r.json``; a ``.txt`` file takes every text format) or when the
    extension asks for a format ``what`` does not write (not in ``allowed``).
    """
    suffix = Path(output).suffix.lower() if output else ""
    named = SUFFIX_FORMATS.get(suffix)
    if given is None:
        fmt = named or "table"
        if fmt not in allowed:
            names = [f"{Path(output).with_suffix(FORMAT_SUFFIX[f])}" for f in allowed]
            raise CalcError(f"--output {output}: {what} writes {_either(allowed)}, not {fmt}; "
                            f"name it {_either(names)}")
        return fmt
    if named is not None and named != given and not (suffix == TEXT_SUFFIX and given != "xlsx"):
        raise CalcError(f"--format {given} but --output {output}: give "
                        f"{Path(output).with_suffix(FORMAT_SUFFIX[given])} or --format {named}")
    return given


def _either(words) -> str:
    """'a, b or c'."""
    words = list(words)
    return ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]


def unknown_suffix(output: str | None) -> str | None:
    """The extension of ``output`` when it names no format (``.out``, ``.xls``), else None."""
    suffix = Path(output).suffix.lower() if output else ""
    return suffix if suffix and suffix not in SUFFIX_FORMATS else None


def _suffix(option: str) -> str:
    return ".png" if option == "--plot" else ".json"


def write_atomic(path: str, data: str | bytes | Callable[[str], None],
                 option: str = "--output") -> None:
    """Write ``data`` (or call ``data(temporary_path)``) to ``path`` via a temporary file and a
    rename.

    All or nothing: on any error, Ctrl-C or SIGTERM the temporary file is removed and an existing
    ``path`` is left untouched. A symlink is followed (the file it points to is replaced).
    """
    target = Path(os.path.realpath(path))
    folder = target.parent
    if not folder.is_dir():
        raise CalcError(f"{option} {path}: folder {Path(path).parent} does not exist; create it "
                        "or choose another place")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.",
                                   suffix=f".tmp{target.suffix}")
    except OSError as exc:
        raise CalcError(f"{option} {path}: cannot write in folder {folder} "
                        f"({exc.strerror})") from None
    try:
        if callable(data):
            os.close(fd)
            data(tmp)
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask
        os.chmod(tmp, mode)                      # mkstemp makes 0600; keep the file's usual mode
        os.replace(tmp, target)
    except OSError as exc:
        raise CalcError(f"{option} {path}: cannot write ({exc.strerror})") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
