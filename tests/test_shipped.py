"""Shipped scenarios by name from any working directory; calc.load from a dict or YAML text; dir(calc)."""

from __future__ import annotations

from pathlib import Path

import pytest

import calc
from calc import shipped
from calc.errors import CalcError
from helpers import BASE, ROOT, calc_cli

SHIPPED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def test_the_package_sees_the_repository_scenarios():
    # calc/scenarios is the package's view of scenarios/ (a link in a checkout, package data in a wheel)
    assert shipped.folder().resolve() == (ROOT / "scenarios").resolve()
    assert calc.scenarios() == SHIPPED
    assert {"nvidia-1gw", "anthropic-arr", "rainier"} <= set(SHIPPED)
    assert '"scenarios/*.yaml"' in (ROOT / "pyproject.toml").read_text()


def test_calc_run_by_name_from_another_folder(tmp_path):
    proc = calc_cli("run", "nvidia-1gw", "--samples", "0", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("nvidia-1gw — ")
    proc = calc_cli("explain", "nvidia-1gw.yaml", "chips", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "chips" in proc.stdout and "facility_power" in proc.stdout


def test_a_file_in_the_working_folder_comes_first(tmp_path):
    (tmp_path / "nvidia-1gw").write_text(BASE)           # name: t, 400,000 chips
    proc = calc_cli("run", "nvidia-1gw", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert '"scenario": "t"' in proc.stdout


def test_a_misspelt_name_is_named_with_a_suggestion(tmp_path):
    proc = calc_cli("run", "nvidia-1g", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == ("calc: nvidia-1g: no such file, and no shipped scenario of that name "
                           f"(did you mean 'nvidia-1gw'?); shipped scenarios: {', '.join(SHIPPED)}\n")
    with pytest.raises(CalcError, match=r"^sub/nvidia-1gw\.yaml: no such file"):
        calc.load("sub/nvidia-1gw.yaml")                # a path is a path, never a name


def test_calc_check_without_files_checks_the_shipped_scenarios(shipped_check):
    proc = shipped_check                                  # `calc check` from an empty folder
    assert proc.returncode == 0, proc.stderr
    for name in SHIPPED:
        assert f"{name}.yaml: ok" in proc.stdout


def test_load_by_name_in_the_library(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    sc = calc.load("nvidia-1gw")
    assert sc.name == "nvidia-1gw"
    assert Path(sc.path).resolve() == (ROOT / "scenarios" / "nvidia-1gw.yaml").resolve()


def test_load_from_yaml_text_and_from_a_dict():
    # chips = 1e9 W / (2,000 W/chip x 1.25) = 400,000 chip
    assert calc.load(BASE).run()["chips"].magnitude == pytest.approx(400_000)
    data = {"name": "t", "outputs": ["chips"], "inputs": {
        "facility_power": {"value": "1 GW", "source": "assumption", "note": "test"},
        "pue": {"value": 1.25, "source": "assumption", "note": "test"},
        "it_power_per_chip": {"value": "2 kW/chip", "source": "assumption", "note": "test"}}}
    assert calc.load(data).run()["chips"].magnitude == pytest.approx(400_000)


def test_load_errors_say_where_the_scenario_came_from():
    with pytest.raises(CalcError, match=r"^<dict>:\d+: outputs\[0\]: unknown quantity 'chipz' \(did you mean 'chips'\?\)"):
        calc.load({"name": "t", "outputs": ["chipz"]})
    with pytest.raises(CalcError, match=r"^<string>:1: name: 'Not A Slug' is not a slug"):
        calc.load("name: Not A Slug\noutputs: [chips]\n")
    with pytest.raises(CalcError, match=r"^<dict>: cannot be read as a scenario"):
        calc.load({"name": "t", "inputs": {"pue": calc.Q("1.2")}})
    with pytest.raises(CalcError, match=r"^calc.load: expected a file path, a shipped scenario's name, "
                                        r"YAML text or a dict, got int"):
        calc.load(3)


def test_dir_lists_the_public_names():
    names = dir(calc)
    assert {"load", "evaluate", "Q", "figures", "sources", "scenarios", "Result", "__version__"} <= set(names)
    assert names == sorted(names)
    assert not [n for n in names if n.startswith("_") and n != "__version__"]
    assert "importlib" not in names and "annotations" not in names
