"""Python prints like the tables (issue 23, item 9): `calc.plots` is a module, `calc.show` and the
IPython/Jupyter display give a quantity in display units ($71.0B), `res.table(formatted=True)` holds
the tables' text, and the `notebooks` extra runs `jupyter nbconvert --execute`."""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import calc
from calc.format import money

BILLIONS = "71 billion USD"


# -- calc.plots -----------------------------------------------------------------------------------

def test_from_calc_plots_import_works_without_loading_matplotlib():
    code = ("import sys; from calc.plots import timeline_chart, fan_chart; "
            "import calc, calc.plots; "
            "import calc.output.plots as impl; "
            "print(timeline_chart is impl.timeline_chart, calc.plots is impl, "
            "'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "False"]


def test_calc_plots_timeline_chart_draws_the_timeline():
    pytest.importorskip("matplotlib")
    from calc.plots import close, timeline_chart

    from matplotlib.text import Text

    res = calc.load("anthropic-commitments").run(samples=0)
    fig = timeline_chart(res)
    try:
        assert fig.axes and len(fig.axes[0].get_lines()) >= 2          # revenue against spend
        assert any("anthropic-commitments" in t.get_text() for t in fig.findobj(Text))
    finally:
        close(fig)


# -- calc.show ------------------------------------------------------------------------------------

@pytest.mark.parametrize("given, shown", [
    (BILLIONS, "$71.0B"), ("2.2 GW", "2.2 GW"), ("1.21e21 FLOP/s", "1.21 ZFLOP/s"),
    ("3 billion USD/yr", "$3.00B/yr"), ("25 %", "25 %"), (400_000, "400,000"),
])
def test_show_gives_a_quantity_as_the_tables_do(given, shown):
    text = calc.show(calc.Q(given) if isinstance(given, str) else given)
    assert text == shown and repr(text) == shown and f"{text}" == shown


def test_show_takes_a_quantitys_display_default_or_a_unit():
    assert calc.show(0.25, name="compute_share_of_revenue") == "25 %"       # glossary: %
    assert calc.show("2.2 GW", unit="MW") == "2,200 MW"
    assert calc.show(calc.Q([1e9, 2.5e9], "USD")) == "[$1.00B, $2.50B]"
    assert calc.show(calc.Q(list(range(10)), "GW")).endswith(", … (10 values)]")
    with pytest.raises(calc.CalcError, match=r"calc.show\(unit=...\): 'MW' is power, but value is "
                                             r"money"):
        calc.show(BILLIONS, unit="MW")


def test_a_quantity_displays_in_display_units_inside_ipython():
    pytest.importorskip("IPython")
    code = ("import calc, pint; ip = get_ipython(); "
            "ip.display_formatter.active_types = ip.display_formatter.format_types; "  # as a kernel
            f"data, _ = ip.display_formatter.format(calc.Q({BILLIONS!r})); print(sorted(data)); "
            "print(data['text/plain']); print(data['text/html']); "
            "other = pint.UnitRegistry().Quantity(3, 'm'); "
            "print(ip.display_formatter.format(other)[0]['text/plain'])")
    ipython = Path(sys.executable).with_name("ipython")
    out = subprocess.run([str(ipython), "--no-banner", "--quick", "-c", code],
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.splitlines()[-4:] == ["['text/html', 'text/plain']", "$71.0B",
                                            "<span>$71.0B</span>", "3 meter"], out.stderr[-2000:]


# -- res.table(formatted=True) --------------------------------------------------------------------

@pytest.fixture(scope="module")
def commitments():
    return calc.load("anthropic-commitments").run(samples=200, seed=1)


def test_wide_formatted_timeline_shows_money_dates_and_blanks(commitments):
    wide = commitments.table(wide=True, formatted=True)
    numbers = commitments.table(wide=True)
    assert wide.shape == numbers.shape and list(wide.columns) == list(numbers.columns)
    cells = [str(c) for c in wide.to_numpy().ravel()]
    assert all(isinstance(c, str) for c in wide.to_numpy().ravel())
    assert not any("nan" in c.lower() or "e+" in c for c in cells)
    revenue = numbers.loc[("base", "", "revenue [USD]"), "2025"]
    assert wide.loc[("base", "", "revenue [USD]"), "2025"].startswith(money(revenue) + " ($")
    assert wide.loc[("base", "", "revenue [USD]"), "whole timeline"] == ""       # not NaN
    assert wide.loc[("base", "", "funding_need [USD]"), "2025"] == ""
    assert wide.loc[("base", "", "break_even [date]"), "whole timeline"][:4] in \
        [str(y) for y in range(2025, 2031)]                                       # not 2,030
    p95 = commitments.table(wide=True, stat="p95", formatted=True)
    assert p95.loc[("base", "", "revenue [USD]"), "2030"] == \
        money(commitments.table(wide=True, stat="p95").loc[("base", "", "revenue [USD]"), "2030"])


def test_wide_tables_label_a_solved_row_as_the_terminal_does(commitments):
    label = "arr_growth_per_month (solved) [%]"
    assert label in str(commitments)                                     # the terminal's label
    for wide in (commitments.table(wide=True, formatted=True), commitments.table(wide=True)):
        assert ("base", "", label) in wide.index
        assert not any("[%] (solved)" in q for _, _, q in wide.index)


def test_wide_formatted_cells_read_as_calc_show(commitments):
    res = calc.load("nvidia-1gw").run(samples=0)
    wide = res.table(wide=True, formatted=True)
    for variant in ("base", "per-gpu"):
        assert wide.loc["capex [USD]", variant] == calc.show(res.value("capex", variant))
        assert wide.loc["chips [chip]", variant] == \
            calc.show(res.value("chips", variant)).removesuffix(" chip")


def test_long_formatted_table_has_text_and_no_nan(commitments):
    long = commitments.table(formatted=True)
    assert int(long.isna().sum().sum()) == 0
    row = long[(long["quantity"] == "revenue") & (long["period"] == "2025")
               & (long["variant"] == "base")].iloc[0]
    assert row["unit"] == "USD" and row["value"].startswith("$") and row["p95"].startswith("$")
    solved = long[long["solved"] == "solved"]
    assert len(solved) == 3 and set(solved["unit"]) == {"%"}
    assert all(s.endswith(" %") for s in solved["no_solution_share"])
    assert set(long.loc[long["solved"] == "", "no_solution_share"]) == {""}


# -- the notebooks extra ---------------------------------------------------------------------------

def test_notebooks_extra_runs_jupyter_nbconvert_execute(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    assert int(importlib.metadata.version("nbconvert").split(".")[0]) >= 7
    jupyter = Path(sys.executable).with_name("jupyter")
    assert jupyter.exists() and Path(sys.executable).with_name("jupyter-nbconvert").exists()
    spec = tmp_path / "jupyter" / "kernels" / "calc-test-python"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "calc test", "language": "python"}))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"import calc\ncalc.Q({BILLIONS!r})"),
                nbformat.v4.new_code_cell("calc.show(calc.Q('2.2 GW'), unit='MW')")]
    nbformat.write(nb, tmp_path / "q.ipynb")
    env = dict(os.environ, JUPYTER_PATH=str(tmp_path / "jupyter"))
    proc = subprocess.run([str(jupyter), "nbconvert", "--to", "notebook", "--execute",
                           "--ExecutePreprocessor.kernel_name=calc-test-python",
                           "--output", "done.ipynb", str(tmp_path / "q.ipynb")],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    done = nbformat.read(tmp_path / "done.ipynb", as_version=4)
    first, second = (c.outputs[0]["data"] for c in done.cells)
    assert first["text/plain"] == "$71.0B" and first["text/html"] == "<span>$71.0B</span>"
    assert "text/latex" not in first
    assert second["text/plain"] == "2,200 MW"


def test_show_prints_a_date_as_the_tables_do():
    # break_even of the hand timeline in tests/helpers.py (HAND_QUARTERS): 2026-Q3, decimal 2026.5
    from helpers import HAND_QUARTERS
    when = calc.load(HAND_QUARTERS).run().value("break_even")
    assert str(calc.show(when)) == "2026-Q3"            # not '2,026.5'
