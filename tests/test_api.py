"""The library's front door: lazy names, quick evaluations, atomic writes."""

import os

import pytest

import calc
from calc.cli import write_atomic
from calc.errors import CalcError
from helpers import BASE, calc_cli


def test_lazy_names_survive_submodule_imports():
    import calc.registry  # noqa: F401  -- importing a submodule must not shadow a lazy name
    assert calc.figures().loc["anthropic_nvidia_compute_commitment", "unit"] == "GW"
    assert calc.figure("amazon_first_tranche_2023").value.to("USD").magnitude == pytest.approx(1.25e9)
    assert "36kr-caixin-2025-11-msft-nvda" in calc.sources().index


def test_unknown_attribute():
    with pytest.raises(AttributeError, match="module 'calc' has no attribute 'nope'"):
        calc.nope  # noqa: B018


def test_evaluate_takes_figures_strings_numbers_and_ranges():
    # 1 GW at the GB200 superchip's 3,333 W/chip IT power and PUE 1.2: 1e9 / (3333.33 x 1.2) = 250,000 chips
    res = calc.evaluate(outputs=["chips"], inputs={"facility_power": calc.figure("anthropic_nvidia_compute_commitment"),
                                                   "pue": 1.2}, accelerator="gb200-superchip")
    assert res["chips"].magnitude == pytest.approx(250_000, rel=1e-3)
    assert res.lineage(0, "chips")["sources"][0] == "36kr-caixin-2025-11-msft-nvda"
    with pytest.raises(CalcError, match=r"inputs\.pue: low 1\.4 is greater than high 1\.1; write \[low, high\]"):
        calc.evaluate(outputs=["chips"], inputs={"facility_power": "1 GW", "pue": ["1.4", "1.1"]})
    with pytest.raises(CalcError, match="unknown accelerator 'b300'"):
        calc.evaluate(outputs=["chips"], inputs={"facility_power": "1 GW"}, accelerator="b300")


def test_write_atomic_keeps_the_usual_file_mode(tmp_path):
    target = tmp_path / "out.txt"
    write_atomic(str(target), "hello")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_text() == "hello"
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    os.chmod(target, 0o640)
    write_atomic(str(target), "again")               # an existing file keeps its mode
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_failing_derive_is_named(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(BASE + "derive:\n  x: chips ** 100\n")
    with pytest.raises(CalcError, match=r"d.yaml:8: derive.x: exponent 100 is too large \(the limit is 64\)"):
        calc.load(path).run()


def test_set_values_are_not_reported_as_defaults(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    res = calc.load(path).run(sets={"pue": 1.5})
    # 1e9 / (2000 x 1.5) = 333,333.3 chips; pue was given (on the command line), not defaulted
    assert res["chips"].magnitude == pytest.approx(1e9 / 3000)
    assert res.rows()[0]["defaults"] == []
    assert "set on the command line" in res.leaf_values(0)["pue"].origin


def test_several_files_as_json_are_one_list_and_csv_takes_one_file():
    import json
    out = calc_cli("run", "scenarios/rainier.yaml", "scenarios/funding.yaml", "--samples", "0", "--format", "json")
    assert out.returncode == 0
    assert [d["scenario"] for d in json.loads(out.stdout)] == ["rainier", "funding"]
    bad = calc_cli("run", "scenarios/rainier.yaml", "scenarios/funding.yaml", "--format", "csv")
    assert bad.returncode == 2
    assert bad.stderr == "calc: --format csv takes one scenario file; run the files one at a time\n"
