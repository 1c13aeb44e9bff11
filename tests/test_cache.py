"""calc.cache: the validated registry and glossary, and parsed scenario files, read back between runs,
equal to what loading gives."""

import os
import subprocess
import sys

import pytest

from calc import cache, glossary, registry as registry_module, shipped
from calc.errors import CalcError
from calc.registry import DATA_DIR, Registry
from calc.units import Q, ureg
from helpers import ROOT

FILES = cache.data_files(DATA_DIR)


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CALC_NO_CACHE", raising=False)
    return tmp_path / "cache" / "calc"


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


def test_the_key_follows_every_data_file(tmp_path, cache_home):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.yaml").write_text("x: 1\n")
    first = cache.cache_path("registry", cache.data_files(data))
    assert first.parent == cache_home and first.name.startswith("registry-")
    assert cache.cache_path("glossary", cache.data_files(data)) != first   # one copy per thing kept
    before = (data / "a.yaml").stat()
    (data / "a.yaml").write_text("x: 2\n")                              # same size, and the same instant:
    os.utime(data / "a.yaml", ns=(before.st_atime_ns, before.st_mtime_ns))   # only the content differs
    assert cache.cache_path("registry", cache.data_files(data)) != first
    (data / "a.yaml").write_text("x: 1\n")                              # back as it was: the same copy
    assert cache.cache_path("registry", cache.data_files(data)) == first


def test_a_cached_registry_equals_a_loaded_one(cache_home):
    registry_module.registry.cache_clear()
    try:
        loaded = Registry.load()
        registry_module.registry()                                       # builds and keeps the copy
        registry_module.registry.cache_clear()
        cached = registry_module.registry()                              # reads it back
        assert cached is not loaded and cached.figures.keys() == loaded.figures.keys()
        for fid, fig in loaded.figures.items():
            other = cached.figures[fid]
            if fig.is_range:
                assert (other.low, other.high) == (fig.low, fig.high), fid
            else:
                assert other.value == fig.value and other.value.units == fig.value.units, fid
        assert len(cached.ledger.deals) == len(loaded.ledger.deals)
    finally:
        registry_module.registry.cache_clear()


def test_a_cached_glossary_equals_a_read_one(cache_home):
    glossary.glossary.cache_clear()
    try:
        read = glossary._read()
        glossary.glossary()
        glossary.glossary.cache_clear()
        assert glossary.glossary() == read and glossary.glossary()["pue"]["bounds"].low == 1
    finally:
        glossary.glossary.cache_clear()


def test_a_broken_copy_is_rebuilt(cache_home):
    path = cache.cache_path("t", FILES)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    assert cache.cached("t", FILES, lambda: {"a": 1}, dict) == {"a": 1}
    assert cache.cached("t", FILES, lambda: 1 / 0, dict) == {"a": 1}   # and kept again


def test_a_newer_copy_replaces_the_older_one_and_leaves_other_slots_copies(cache_home):
    assert cache.cached("t", [b"x: 1"], lambda: {"x": 1}, dict, slot="a.yaml") == {"x": 1}
    assert cache.cached("t", [b"x: 1"], lambda: {"x": "b"}, dict, slot="b.yaml") == {"x": "b"}
    assert cache.cached("t", [b"x: 22"], lambda: {"x": 22}, dict, slot="a.yaml") == {"x": 22}
    kept = sorted(p.name for p in cache_home.iterdir())
    assert kept == sorted([cache.cache_path("t", [b"x: 22"], "a.yaml").name,
                           cache.cache_path("t", [b"x: 1"], "b.yaml").name])


def test_the_folder_keeps_at_most_max_copies_the_oldest_go_first(cache_home, monkeypatch):
    monkeypatch.setattr(cache, "MAX_COPIES", 3)
    for i in range(5):
        cache.cached("t", [b"x"], lambda: {"x": i}, dict, slot=f"{i}.yaml")
        os.utime(cache.cache_path("t", [b"x"], f"{i}.yaml"), ns=(10**18 + i, 10**18 + i))  # in this order
    assert sorted(p.name for p in cache_home.iterdir()) == sorted(
        cache.cache_path("t", [b"x"], f"{i}.yaml").name for i in range(2, 5))


def test_a_scenario_file_is_parsed_once_per_version_and_a_kept_one_needs_no_pyyaml(tmp_path, cache_home):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\noutputs: [chips]\n")
    assert shipped.read(path)[0] == {"name": "s", "outputs": ["chips"]}
    before = path.stat()
    path.write_text("name: t\noutputs: [chips]\n")                        # same size, same instant:
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))              # read afresh all the same
    assert shipped.read(path)[0] == {"name": "t", "outputs": ["chips"]}
    path.write_text("name: t\noutputs: [chips, capex]\n")                  # edited: read afresh
    first, _ = shipped.read(path)
    assert first == {"name": "t", "outputs": ["chips", "capex"]} and first.line_of("outputs") == 2
    again, where = shipped.read(path)                                        # the kept copy, lines and all
    assert again == first and again is not first and again.line_of("outputs") == 2
    assert again["outputs"].line == 2 and where == str(path)
    code = ("import sys; from calc import shipped; tree, _ = shipped.read(sys.argv[1]); "
            "print(tree['name'], 'yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache_home.parent)},
                         check=True)
    assert out.stdout.split() == ["t", "False"]


def test_a_malformed_scenario_is_refused_every_time_and_never_kept(tmp_path, cache_home):
    path = tmp_path / "bad.yaml"
    path.write_text("name: [unclosed\n")
    for _ in range(2):
        with pytest.raises(CalcError, match="bad.yaml:2: malformed YAML"):
            shipped.read(path)
    assert not cache_home.exists() or not list(cache_home.glob("scenario-*"))


def test_the_program_freezes_what_is_left_at_exit_and_a_call_does_not():
    code = ("import gc, sys; from calc.cli import main; sys.argv = ['calc', '--version']; "
            "main(['--version']); a = gc.get_freeze_count(); main(); print(a, gc.get_freeze_count() > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.split()[-2:] == ["0", "True"]


def test_the_program_collects_no_garbage_while_starting_and_collects_it_for_the_run():
    # a spy on cli._started records whether the collector is on when start-up ends, and after
    code = ("import gc, sys; from calc import cli\n"
            "seen = []\n"
            "def spy(started=cli._started):\n"
            "    seen.append(gc.isenabled()); started(); seen.append(gc.isenabled())\n"
            "cli._started = spy\n"
            "cli.main(['run', 'nvidia-1gw', '--samples', '0', '--format', 'json'])\n"
            "called = list(seen); seen.clear()\n"
            "sys.argv = ['calc', 'run', 'nvidia-1gw', '--samples', '0', '--format', 'json']; cli.main()\n"
            "print(called, seen, gc.isenabled(), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    # called with argv: on throughout; as the program: off until the scenarios are read, then on
    assert out.stderr.strip() == "[True, True] [False, True, True, True] True"
