"""calc.cache and calc.cache_dir: copies of the registry and the glossary read back equal to what
loading gives, and nothing planted in the cache folder runs code, changes a number, hangs or makes
calc write outside the folder."""

import errno
import json
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calc import cache, cache_dir, glossary, registry as registry_module
from calc.registry import Registry
from calc.registry.data import DATA_DIR
from calc.units import Q, ureg
from helpers import ROOT

FILES = cache.data_files(DATA_DIR)
OTHER_UID = 12345                  # a user who is not the one running the tests
AS_ROOT = pytest.mark.skipif(os.getuid() != 0, reason="planting files owned by another user needs root")


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    """A cache base of this test's own; calc.cache_dir checks it afresh."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CALC_NO_CACHE", raising=False)
    cache_dir.folder.cache_clear()
    yield tmp_path / "cache" / "calc"
    cache_dir.folder.cache_clear()


class Payload:
    """A pickle that, when loaded by plain pickle, creates the file ``marker``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


# -- copies read back equal -----------------------------------------------------------------------

def test_quantities_come_back_with_their_units_and_magnitudes(cache_home):
    # prefixed and compound units, a dimensionless ratio and an array: each read back exactly
    kept = {"power": Q(2.2, "GW"), "price": Q(80.0, "USD/MWh"), "flops": Q(2.5e15, "FLOP/s/chip"),
            "share": Q(0.25, ""), "series": Q([1.0, 2.0], "yr"), "unit": ureg.Unit("kW/chip")}
    first = cache.cached("t", FILES, lambda: kept, dict)
    again = cache.cached("t", FILES, lambda: 1 / 0, dict)           # read back: building would fail
    assert first is kept and again is not kept
    for name in ("power", "price", "flops", "share"):
        assert again[name].units == kept[name].units and again[name].magnitude == kept[name].magnitude
        assert again[name]._REGISTRY is ureg                             # the one unit registry
    assert list(again["series"].magnitude) == [1.0, 2.0] and again["unit"] == ureg.Unit("kW/chip")
    assert f"{again['price']}" == "80.0 USD / MWh"


def test_the_key_follows_every_data_file(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.yaml").write_text("x: 1\n")
    first, _ = cache.copy_name("registry", cache.data_files(data))
    assert first.startswith("registry-")
    assert cache.copy_name("glossary", cache.data_files(data))[0] != first   # a copy per thing kept
    before = (data / "a.yaml").stat()
    (data / "a.yaml").write_text("x: 2\n")                              # same size, and the same instant:
    os.utime(data / "a.yaml", ns=(before.st_atime_ns, before.st_mtime_ns))   # only the content differs
    assert cache.copy_name("registry", cache.data_files(data))[0] != first
    (data / "a.yaml").write_text("x: 1\n")                              # back as it was: the same copy
    assert cache.copy_name("registry", cache.data_files(data))[0] == first


def test_the_registrys_copy_is_keyed_by_the_day_too(monkeypatch):
    # the ledger's totals as of today are part of the registry: a copy from yesterday is not used
    today = registry_module.built_from()
    monkeypatch.setattr(registry_module, "date", type("D", (), {"today": staticmethod(
        lambda: __import__("datetime").date(2031, 1, 2))}))
    assert registry_module.built_from()[:-1] == today[:-1]
    assert registry_module.built_from()[-1] == b"2031-01-02" != today[-1]


def test_a_kept_registry_is_read_back_and_equals_a_loaded_one(cache_home, monkeypatch):
    registry_module.registry.cache_clear()
    try:
        loaded = Registry.load()
        registry_module.registry()                                       # builds and keeps the copy
        registry_module.registry.cache_clear()
        monkeypatch.setattr(Registry, "load", classmethod(lambda cls, *a: 1 / 0))
        kept = registry_module.registry()                                # read back: loading would fail
        assert kept is not loaded and kept.figures.keys() == loaded.figures.keys()
        for fid, fig in loaded.figures.items():
            other = kept.figures[fid]
            if fig.is_range:
                assert (other.low, other.high) == (fig.low, fig.high), fid
            else:
                assert other.value == fig.value and other.value.units == fig.value.units, fid
        assert len(kept.ledger.deals) == len(loaded.ledger.deals)
    finally:
        registry_module.registry.cache_clear()


def test_a_kept_glossary_is_read_back_and_equals_a_read_one(cache_home, monkeypatch):
    glossary.glossary.cache_clear()
    try:
        read = glossary._read()
        glossary.glossary()
        glossary.glossary.cache_clear()
        monkeypatch.setattr(glossary, "_read", lambda: 1 / 0)
        assert glossary.glossary() == read and glossary.glossary()["pue"]["bounds"].low == 1
    finally:
        glossary.glossary.cache_clear()


def test_the_folder_and_its_files_are_the_users_alone(cache_home):
    cache.cached("t", FILES, lambda: {"a": 1}, dict)
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"
    assert [oct(p.stat().st_mode & 0o777) for p in cache_home.glob("t-*")] == ["0o600"]


def test_a_newer_copy_replaces_the_older_one_and_old_scenario_copies_go(cache_home):
    cache_home.mkdir(parents=True, mode=0o700)
    (cache_home / "scenario-0123-4567.pickle").write_bytes(b"kept by an earlier version")
    os.chmod(cache_home / "scenario-0123-4567.pickle", 0o600)
    assert cache.cached("t", [b"x: 1"], lambda: {"x": 1}, dict) == {"x": 1}
    assert cache.cached("t", [b"x: 22"], lambda: {"x": 22}, dict) == {"x": 22}
    assert [p.name for p in cache_home.iterdir() if p.name != "pint"] == [
        cache.copy_name("t", [b"x: 22"])[0]]


# -- what is read back cannot run code or change a number ------------------------------------------

def test_a_payload_at_a_copys_own_name_runs_nothing_and_is_rebuilt(cache_home, tmp_path):
    # even in the user's own folder, passing every check, a copy can only build what calc keeps
    name, key = cache.copy_name("t", FILES)
    marker = tmp_path / "ran"
    assert cache.cached("t", FILES, lambda: {"a": 1}, dict) == {"a": 1}
    for planted in (Payload(marker), (key, Payload(marker)), (key, {"a": Payload(marker)})):
        (cache_home / name).write_bytes(pickle.dumps(planted))
        assert cache.cached("t", FILES, lambda: {"a": 2}, dict) == {"a": 2}
        assert not marker.exists()
    assert cache.cached("t", FILES, lambda: 1 / 0, dict) == {"a": 2}          # and kept again


def test_a_copy_under_another_key_is_not_used(cache_home):
    # another data version's copy, renamed to this version's name: its key inside says so
    name, _ = cache.copy_name("t", FILES)
    other, _ = cache.copy_name("t", [b"other data"])
    cache.cached("t", [b"other data"], lambda: {"pue": 9.99}, dict)
    os.replace(cache_home / other, cache_home / name)
    assert cache.cached("t", FILES, lambda: {"pue": 1.2}, dict) == {"pue": 1.2}


def test_a_truncated_copy_is_rebuilt(cache_home):
    name, _ = cache.copy_name("t", FILES)
    cache.cached("t", FILES, lambda: {"a": 1}, dict)
    whole = (cache_home / name).read_bytes()
    (cache_home / name).write_bytes(whole[: len(whole) // 2])
    assert cache.cached("t", FILES, lambda: {"a": 3}, dict) == {"a": 3}


@pytest.mark.parametrize("plant, why", [
    (lambda f: (f / "x.pickle").symlink_to("/etc/passwd"), "is not a regular file"),
    (lambda f: os.mkfifo(f / "x.pickle"), "is not a regular file"),
    (lambda f: ((f / "x.pickle").write_bytes(b"x"), os.chmod(f / "x.pickle", 0o666)),
     "is writable by group or others"),
    (lambda f: (f / "pint" / "x.pickle").symlink_to("/etc/passwd"), "pint/x.pickle is not a regular"),
])
def test_a_folder_holding_anything_but_the_users_own_files_means_no_cache(cache_home, plant, why):
    (cache_home / "pint").mkdir(parents=True)
    plant(cache_home)
    assert cache_dir.folder() is None and why in cache_dir.why_off
    assert cache.cached("t", FILES, lambda: {"a": 1}, dict) == {"a": 1}       # built, and nothing kept
    assert sorted(str(p.relative_to(cache_home)) for p in cache_home.rglob("*")) in (
        ["pint", "pint/x.pickle"], ["pint", "x.pickle"])                  # only what was planted


def test_a_folder_of_another_user_means_no_cache(cache_home, monkeypatch):
    cache_home.mkdir(parents=True)
    monkeypatch.setattr(os, "getuid", lambda: OTHER_UID)                  # as that user sees it
    assert cache_dir.folder() is None
    assert cache_dir.why_off == f"{cache_home} is owned by uid {os.stat(cache_home).st_uid}, " \
                                f"not by this user (uid {OTHER_UID})"


def test_a_parent_anyone_can_write_without_a_sticky_bit_means_no_cache(cache_home):
    cache_home.parent.mkdir(mode=0o777)
    os.chmod(cache_home.parent, 0o777)
    assert cache_dir.folder() is None and "has no sticky bit" in cache_dir.why_off
    os.chmod(cache_home.parent, 0o1777)                                   # as /tmp: fine
    cache_dir.folder.cache_clear()
    assert cache_dir.folder() == cache_home


def test_a_parent_writable_by_the_users_own_private_group_is_fine(cache_home, monkeypatch):
    # umask 002 with user private groups makes ~/.cache 0775: only the user is in that group
    cache_home.parent.mkdir(mode=0o775)
    os.chmod(cache_home.parent, 0o775)
    monkeypatch.setattr(cache_dir, "_private_group", lambda gid: True)
    assert cache_dir.folder() == cache_home
    cache_dir.folder.cache_clear()
    monkeypatch.setattr(cache_dir, "_private_group", lambda gid: False)   # a shared group
    assert cache_dir.folder() is None and "writable by others" in cache_dir.why_off


@pytest.mark.parametrize("members, gid_offset, private", [([], 0, True), (["mallory"], 0, False),
                                                         ([], 1, False)])
def test_a_private_group_is_the_users_primary_group_with_no_one_else(monkeypatch, members,
                                                                      gid_offset, private):
    group = type("G", (), {"gr_mem": members})
    monkeypatch.setattr(cache_dir.grp, "getgrgid", lambda gid: group)
    assert cache_dir._private_group(os.getgid() + gid_offset) is private


def test_an_open_folder_of_the_users_own_is_closed(cache_home):
    cache_home.mkdir(parents=True, mode=0o755)
    os.chmod(cache_home, 0o757)
    assert cache_dir.folder() == cache_home and oct(cache_home.stat().st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("env", [{"XDG_CACHE_HOME": "", "HOME": ""},
                                 {"XDG_CACHE_HOME": "relative", "HOME": "also/relative"}])
def test_no_home_and_no_cache_home_means_no_cache_not_a_crash(monkeypatch, tmp_path, env):
    monkeypatch.chdir(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    cache_dir.folder.cache_clear()
    try:
        assert cache_dir.folder() is None and "absolute" in cache_dir.why_off
        assert cache.cached("t", FILES, lambda: {"a": 1}, dict) == {"a": 1}
        assert list(tmp_path.iterdir()) == []                               # no './~' or './relative'
    finally:
        cache_dir.folder.cache_clear()


def test_with_a_group_writable_umask_pints_files_are_the_users_alone_and_kept(tmp_path):
    # umask 002 (user private groups) would make pint's files 0664: the folder check would then
    # turn the cache off on every later run. calc has pint write them under umask 077.
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("CALC_NO_CACHE", None)
    code = ("import os; os.umask(0o002); from calc import cache_dir, units; "
            "print(cache_dir.folder() is not None, oct(os.umask(0o002)))")
    runs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True).stdout.split() for _ in range(2)]
    assert runs == [["True", "0o2"], ["True", "0o2"]]          # kept both times; umask restored
    modes = {oct(p.stat().st_mode & 0o777) for p in (tmp_path / "calc" / "pint").iterdir()}
    assert modes == {"0o600"}


def test_calc_no_cache_turns_every_cache_off_pints_included(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "CALC_NO_CACHE": "1", "PYTHONPATH": str(ROOT)}
    code = "from calc import units; print(units.ureg.cache_folder)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "None" and list(tmp_path.iterdir()) == []


def test_a_full_disk_leaves_no_temporary_file(cache_home, monkeypatch):
    cache_home.mkdir(parents=True, mode=0o700)
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd, *a, **k):
            self.fh = real_fdopen(fd, *a, **k)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    assert cache.cached("t", FILES, lambda: {"a": 1}, dict) == {"a": 1}
    assert list(cache_home.iterdir()) == [cache_home / "pint"]              # no copy, no .tmp-*


# -- the whole program, with payloads planted under every name calc and pint write -----------------

def _run(cache_base, debug=False):
    """``calc run nvidia-1gw --samples 0 --format json`` in a fresh process: (stdout's JSON rows,
    stderr)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_base), "PYTHONPATH": str(ROOT)}
    env.pop("CALC_NO_CACHE", None)
    args = ["run", "nvidia-1gw", "--samples", "0", "--format", "json"] + (["--debug"] if debug else [])
    out = subprocess.run([sys.executable, "-m", "calc.cli", *args], env=env, capture_output=True,
                         text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["rows"], out.stderr


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The names calc and pint write (relative to the calc cache folder) and the rows of a clean run."""
    base = tmp_path_factory.mktemp("clean")
    rows, _ = _run(base)
    folder = base / "calc"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()), rows


def _plant(folder, names, marker, victim):
    """A payload under every name; a link to ``victim`` at every temporary name calc ever used."""
    (folder / "pint").mkdir(parents=True, exist_ok=True)
    for name in names:
        path = folder / name
        path.write_bytes(pickle.dumps(Payload(marker)))
        for tmp in (f"{path.stem}.{os.getpid()}.tmp", f".tmp-{path.name[:8]}"):
            if not path.with_name(tmp).is_symlink():       # pint's .json and .pickle share a stem
                path.with_name(tmp).symlink_to(victim)


@AS_ROOT
@pytest.mark.parametrize("shared", [False, True], ids=["own-parent", "shared-1777-parent"])
def test_payloads_in_a_folder_of_another_user_run_nothing(tmp_path, written, shared):
    names, clean_rows = written
    base, marker, victim = tmp_path / "base", tmp_path / "ran", tmp_path / "victim.txt"
    victim.write_text("untouched")
    base.mkdir()
    if shared:
        os.chmod(base, 0o1777)
    _plant(base / "calc", names, marker, victim)
    for path in [base / "calc", *(base / "calc").rglob("*")]:
        os.chown(path, OTHER_UID, OTHER_UID, follow_symlinks=False)
    rows, err = _run(base, debug=True)
    assert rows == clean_rows and not marker.exists() and victim.read_text() == "untouched"
    assert f"calc: no cache this run: {base / 'calc'} is owned by uid {OTHER_UID}" in err
    assert _run(base) == (clean_rows, "")                      # without --debug: not a word


@AS_ROOT
def test_a_file_of_another_user_in_the_users_own_folder_runs_nothing(tmp_path, written):
    names, clean_rows = written
    base, marker = tmp_path / "base", tmp_path / "ran"
    base.mkdir(mode=0o1777)
    os.chmod(base, 0o1777)
    _run(base)                                                  # the user's own folder and copies
    for name in names:
        path = base / "calc" / name
        path.write_bytes(pickle.dumps(Payload(marker)))
        os.chown(path, OTHER_UID, OTHER_UID)
    rows, err = _run(base, debug=True)
    assert rows == clean_rows and not marker.exists()
    assert "is owned by uid 12345, not by this user" in err


def test_a_fifo_at_every_name_hangs_nothing(tmp_path, written):
    names, clean_rows = written
    base = tmp_path / "base"
    (base / "calc" / "pint").mkdir(parents=True)
    for name in names:
        os.mkfifo(base / "calc" / name)
    rows, err = _run(base, debug=True)                          # _run's timeout: 60 s
    assert rows == clean_rows and "is not a regular file" in err


@AS_ROOT
@pytest.mark.parametrize("depth", [0, 1, 2], ids=["parent", "grandparent", "higher"])
def test_a_folder_of_another_user_on_the_path_means_no_cache(cache_home, tmp_path, monkeypatch,
                                                            depth):
    # its owner could rename the user's folders below it and put their own in their place between
    # calc's check and pint's reading of it
    theirs = tmp_path / "theirs"
    base = theirs.joinpath(*["mine"] * depth)               # the user's own folders below theirs
    base.mkdir(mode=0o755, parents=True)
    os.chown(theirs, OTHER_UID, OTHER_UID)
    monkeypatch.setenv("XDG_CACHE_HOME", str(base))
    assert cache_dir.folder() is None
    assert cache_dir.why_off == (f"{theirs} is owned by uid {OTHER_UID}, neither this "
                                 f"user (uid {os.getuid()}) nor root")
    assert not (base / "calc").exists()                     # nothing created in that folder


@AS_ROOT
def test_a_link_on_the_path_is_resolved_once(cache_home, tmp_path, monkeypatch):
    # another user's link to the user's own folder: used as resolved, so re-pointing the link
    # later changes nothing
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    mine.mkdir(mode=0o700)
    theirs.mkdir(mode=0o755)
    os.chown(theirs, OTHER_UID, OTHER_UID)
    (theirs / "link").symlink_to(mine)
    monkeypatch.setenv("XDG_CACHE_HOME", str(theirs / "link"))
    assert cache_dir.folder() == mine / "calc" and cache_dir.pint_folder() == mine / "calc" / "pint"


def test_a_truncated_file_of_pints_is_written_afresh_not_an_internal_error(tmp_path, written):
    # a full disk or a killed run can leave pint's copy cut short; pint never rewrites it: its
    # copy of units.txt stopped every later run ('internal error: UnpicklingError'), the others
    # slowed every run by turning pint's cache off
    names, clean_rows = written
    clean = tmp_path / "clean"
    _run(clean)
    pickles = [n for n in names if n.startswith("pint/") and n.endswith(".pickle")]
    assert len(pickles) >= 4                                # pint's files and calc's units.txt
    for name in pickles:
        base = tmp_path / name.replace("/", "-")
        shutil.copytree(clean, base)
        whole = (base / "calc" / name).read_bytes()
        (base / "calc" / name).write_bytes(whole[: len(whole) // 2])
        rows, err = _run(base, debug=True)
        assert (rows, err) == (clean_rows, "")
        pickle.loads((base / "calc" / name).read_bytes())   # whole again: raises if still cut


@pytest.mark.parametrize("where", ["calc", "calc/pint"])
@pytest.mark.parametrize("plant", ["link", "fifo"])
def test_a_link_or_fifo_in_place_of_the_folder_means_no_cache_and_nothing_written(
        cache_home, tmp_path, where, plant):
    victim = tmp_path / "victim"
    victim.mkdir()
    path = cache_home.parent / where
    path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    path.symlink_to(victim) if plant == "link" else os.mkfifo(path)
    assert cache_dir.folder() is None
    assert cache_dir.why_off == f"{path} is not a folder (a link or a file)"
    assert cache.cached("t", FILES, lambda: {"a": 1}, dict) == {"a": 1}
    assert list(victim.iterdir()) == []


def test_a_777_folder_is_closed_before_its_entries_are_checked_as_the_readme_says(cache_home):
    # QA report 2, item 16: the README said an open folder means no cache, the code closes it.
    cache_home.mkdir(parents=True, mode=0o755)
    os.chmod(cache_home, 0o777)
    planted = cache_home / "registry.pickle"
    planted.write_bytes(b"x")
    os.chmod(planted, 0o666)                      # left open while the folder was
    assert cache_dir.folder() is None and f"{planted} is writable by group or others" \
        in cache_dir.why_off
    assert oct(cache_home.stat().st_mode & 0o777) == "0o700"     # closed all the same
    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text().split())
    assert "(`chmod 777`) is closed to 0700 and then used" in readme
