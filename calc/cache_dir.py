"""The one folder where calc (and pint, for calc) keeps files between runs, and how they are read
and written so that no other user can plant anything in them.

The folder is ``$XDG_CACHE_HOME/calc`` (else ``$HOME/.cache/calc``). calc creates it 0700 and uses
it only when

- every folder on its path, from ``/`` down, is owned by the user or root, and not writable by
  others (nor by a group other than the user's own private group) or has the sticky bit
  (``/tmp``): no one else can rename it and put another in its place (the path is resolved once,
  so a link on it is not followed again);
- the folder itself is a real folder (not a link), owned by the user, not writable by group or
  others (calc sets 0700 on a folder of its own that is more open);
- every entry in it, and in its ``pint`` subfolder, is a regular file (or that subfolder) owned by
  the user and not writable by group or others.

Otherwise there is no cache: calc builds everything afresh and says nothing (``calc --debug`` prints
the reason in one line). There is none either with ``CALC_NO_CACHE=1``, or without an absolute
``XDG_CACHE_HOME`` or ``HOME``. Files are opened relative to the checked folder without following
links and must be regular files of at most ``MAX_BYTES``; they are written through a new temporary
file (``mkstemp``) renamed into place, which is removed if writing fails (a full disk).
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

MAX_BYTES = 64 * 2**20          # a kept file larger than this is not read
PINT = "pint"                   # the subfolder pint's definition cache is kept in

# why there is no cache this run (for --debug), None when there is one
why_off: str | None = None


@lru_cache(maxsize=1)
def folder() -> Path | None:
    """The checked cache folder, created if missing; None when there is no cache (``why_off``)."""
    global why_off
    try:
        path, why_off = _checked()
    except OSError as exc:                      # a folder that vanished or cannot be created
        path, why_off = None, f"cannot use the cache folder: {exc}"
    return path


def pint_folder() -> Path | None:
    """The checked subfolder for pint's definition cache, or None."""
    base = folder()
    return None if base is None else base / PINT


def _checked() -> tuple[Path | None, str | None]:
    if os.environ.get("CALC_NO_CACHE"):
        return None, "CALC_NO_CACHE is set"
    base = _base()
    if base is None:
        return None, "neither XDG_CACHE_HOME nor HOME names an absolute folder"
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    base = Path(os.path.realpath(base))         # used as resolved: no link is followed again
    problem = _replaceable(base)
    if problem:
        return None, problem
    path = base / "calc"
    for folder_path in (path, path / PINT):
        problem = _own_folder(folder_path)
        if problem:
            return None, problem
        for entry in os.scandir(folder_path):
            if entry.name == PINT and folder_path == path:
                continue
            problem = _own_file(entry.path, os.lstat(entry.path))
            if problem:
                return None, problem
    return path, None


def _replaceable(base: Path) -> str | None:
    """Why another user could replace what lies under ``base`` while calc reads it (a folder on
    its path, from ``/`` down, owned by someone other than the user or root, or open to others),
    or None."""
    for folder_path in [*reversed(base.parents), base]:
        info = os.stat(folder_path)
        if info.st_uid not in (os.getuid(), 0):
            return (f"{folder_path} is owned by uid {info.st_uid}, neither this user (uid "
                    f"{os.getuid()}) nor root")
        if _open_to_others(info):
            return f"{folder_path} is writable by others and has no sticky bit"
    return None


def _open_to_others(info: os.stat_result) -> bool:
    """Whether another user could rename or replace what lies in this folder: it is writable by
    others, or by a group that is not the user's own private group, and has no sticky bit."""
    if info.st_mode & stat.S_ISVTX:
        return False
    if info.st_mode & 0o002:
        return True
    return bool(info.st_mode & 0o020) and not _private_group(info.st_gid)


def _private_group(gid: int) -> bool:
    """The user's primary group with no other member (user private groups, umask 002)."""
    try:
        members = grp.getgrgid(gid).gr_mem
        me = pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return False
    return gid == os.getgid() and all(m == me for m in members)


def _base() -> Path | None:
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):                      # the XDG spec: a relative path is to be ignored
        return Path(xdg)
    home = os.environ.get("HOME", "")
    return Path(home) / ".cache" if os.path.isabs(home) else None


def _own_folder(path: Path) -> str | None:
    """Create ``path`` 0700 if missing; the reason it is not the user's own private folder, or
    None."""
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode):
        return f"{path} is not a folder (a link or a file)"
    if info.st_uid != os.getuid():
        return f"{path} is owned by uid {info.st_uid}, not by this user (uid {os.getuid()})"
    if info.st_mode & 0o077:
        os.chmod(path, 0o700, follow_symlinks=False)     # the user's own folder: close it
    return None


def _own_file(path: str, info: os.stat_result) -> str | None:
    if not stat.S_ISREG(info.st_mode):
        return f"{path} is not a regular file (a link, a folder, a FIFO or a device)"
    if info.st_uid != os.getuid():
        return f"{path} is owned by uid {info.st_uid}, not by this user (uid {os.getuid()})"
    if info.st_mode & 0o022:
        return f"{path} is writable by group or others"
    return None


def read(name: str) -> bytes | None:
    """The contents of the kept file ``name``; None when there is none, or it fails a check."""
    base = folder()
    if base is None:
        return None
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(base / name, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if _own_file(name, info) or info.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(MAX_BYTES + 1)[:MAX_BYTES]
    except OSError:
        return None
    finally:
        os.close(fd)


def write(name: str, data: bytes) -> bool:
    """Keep ``data`` as ``name``: written to a new temporary file, then renamed into place. False
    (and nothing left behind) when it cannot be written."""
    base = folder()
    if base is None:
        return False
    try:
        fd, tmp = tempfile.mkstemp(dir=base, prefix=".tmp-")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, base / name)
        return True
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        return False


def names(prefix: str) -> list[str]:
    """The names of the kept files that start with ``prefix``."""
    base = folder()
    return [] if base is None else [n for n in names_in(base) if n.startswith(prefix)]


def clear_pint() -> None:
    """Remove pint's kept files (one it cannot read, truncated by a full disk or a killed run, would
    otherwise slow every later run: pint never rewrites it)."""
    base = pint_folder()
    if base is not None:
        for name in names_in(base):
            remove(f"{PINT}/{name}")


def names_in(path: Path) -> list[str]:
    """The regular files in ``path`` (links not followed)."""
    try:
        return [e.name for e in os.scandir(path) if e.is_file(follow_symlinks=False)]
    except OSError:
        return []


def remove(name: str) -> None:
    """Remove the kept file ``name`` if it is there."""
    base = folder()
    if base is not None:
        try:
            os.unlink(base / name)
        except OSError:
            pass
