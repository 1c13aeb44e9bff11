"""calc.optional.need: an optional module missing is bad input naming the extra to install.

Each test makes a module missing by putting None in ``sys.modules`` (``import`` then raises
ImportError, as when it is not installed) and reads the message, the exit code and the files.
"""

from __future__ import annotations

import sys

import pytest

from calc.cli import main
from calc.errors import CalcError
from calc.optional import MissingModule, available, need

PLOTS = "matplotlib is not installed; install the extra that provides it: pip install -e '.[plots]'"
XLSX = "openpyxl is not installed; install the extra that provides it: pip install -e '.[xlsx]'"


def test_need_returns_the_module():
    assert need("json").dumps([1]) == "[1]"


def test_a_missing_extra_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(CalcError) as err:
        need("matplotlib.pyplot", "plots")
    assert str(err.value) == PLOTS
    assert isinstance(err.value, ImportError) and err.value.name == "matplotlib"   # either catch


def test_a_missing_core_dependency_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingModule) as err:
        need("pandas")
    assert str(err.value) == "pandas is not installed; it is a dependency of calc: pip install -e ."


def test_a_module_missing_its_own_dependency_is_not_called_missing(tmp_path, monkeypatch):
    (tmp_path / "calc_test_wrapper.py").write_text("import calc_test_absent\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(sys.modules, "calc_test_absent", None)
    with pytest.raises(ImportError) as err:
        need("calc_test_wrapper", "plots")
    assert not isinstance(err.value, MissingModule) and err.value.name == "calc_test_absent"


def test_available(monkeypatch):
    assert available("json") is True
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    assert available("openpyxl") is False


def test_calc_run_plot_without_matplotlib_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    out = tmp_path / "chips.png"
    code = main(["run", "nvidia-1gw", "--plot", str(out)])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"calc: {PLOTS}"
    assert list(tmp_path.iterdir()) == []


def test_calc_run_xlsx_without_openpyxl_exits_2_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    out = tmp_path / "chips.xlsx"
    code = main(["run", "nvidia-1gw", "--format", "xlsx", "--output", str(out)])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"calc: {XLSX}"
    assert list(tmp_path.iterdir()) == []


def test_calc_deals_xlsx_without_openpyxl_names_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    code = main(["deals", "--format", "xlsx", "--output", str(tmp_path / "deals.xlsx")])
    assert code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"calc: {XLSX}"
    assert list(tmp_path.iterdir()) == []
