"""calc.cache: the validated registry and glossary read back between runs, equal to what loading gives."""

import os
import subprocess
import sys
import time

import pytest

from calc import cache, glossary, registry as registry_module
from calc.registry import DATA_DIR, Registry
from calc.units import Q, ureg
from helpers import ROOT


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CALC_NO_CACHE", raising=False)
    return tmp_path / "cache" / "calc"


def test_quantities_come_back_with_their_units_and_magnitudes(cache_home):
    # prefixed and compound units, a dimensionless ratio and an array: each read back exactly
    kept = {"power": Q(2.2, "GW"), "price": Q(80.0, "USD/MWh"), "flops": Q(2.5e15, "FLOP/s/chip"),
            "share": Q(0.25, ""), "series": Q([1.0, 2.0], "yr"), "unit": ureg.Unit("kW/chip")}
    first = cache.cached("t", DATA_DIR, lambda: kept, dict)
    again = cache.cached("t", DATA_DIR, lambda: 1 / 0, dict)           # read back: building would fail
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
    first = cache.cache_path("registry", data)
    assert first.parent == cache_home and first.name.startswith("registry-")
    assert cache.cache_path("glossary", data) != first                  # one copy per thing kept
    (data / "a.yaml").write_text("x: 2\n")                              # same size, later change
    os.utime(data / "a.yaml", ns=(time.time_ns(), time.time_ns() + 10**9))
    assert cache.cache_path("registry", data) != first


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
    path = cache.cache_path("t", DATA_DIR)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    assert cache.cached("t", DATA_DIR, lambda: {"a": 1}, dict) == {"a": 1}
    assert cache.cached("t", DATA_DIR, lambda: 1 / 0, dict) == {"a": 1}   # and kept again


def test_the_program_freezes_what_is_left_at_exit_and_a_call_does_not():
    code = ("import gc, sys; from calc.cli import main; sys.argv = ['calc', '--version']; "
            "main(['--version']); a = gc.get_freeze_count(); main(); print(a, gc.get_freeze_count() > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert out.stdout.split()[-2:] == ["0", "True"]
