"""Exports: the spreadsheet's four sheets, the self-contained HTML report with its plots, and
``calc.figures()`` as a sourced HTML table in Jupyter."""

from __future__ import annotations

import base64
import io
from dataclasses import replace
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import calc
from calc.checks import CheckResult
from calc.output.html import report_html, report_with_plots
from calc.registry import registry

openpyxl = pytest.importorskip("openpyxl")

from calc.output.xlsx import SHEETS, result_xlsx  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COMMITMENT = "anthropic_nvidia_compute_commitment"      # 1 GW, quoted by 36Kr
INPUTS = {"facility_power": "1 GW", "pue": 1.25, "it_power_per_chip": "2 kW/chip",
          "chip_capex": "50000 USD/chip", "facility_capex_per_power": "10 USD/W"}
# chips = 1 GW / (2 kW/chip x 1.25) = 1e9 W / 2,500 W = 400,000 chip
# capex = 400,000 chip x 50,000 USD/chip + 1e9 W x 10 USD/W = 2e10 + 1e10 = 3e10 USD


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.fixture
def sourced():
    return calc.evaluate(outputs=["chips", "capex"], inputs={**INPUTS, "facility_power": calc.figure(COMMITMENT)})


@pytest.fixture(scope="module")
def nvidia():
    return calc.load(ROOT / "scenarios" / "nvidia-1gw.yaml").run(samples=200, seed=1)


# -- xlsx ------------------------------------------------------------------------------------------

def test_xlsx_has_four_sheets_with_numbers_stored_as_numbers(sourced):
    wb = workbook(result_xlsx(sourced))
    assert wb.sheetnames[:5] == list(SHEETS) == ["summary", "results", "inputs", "sources",
                                                 "checks"]
    assert wb.sheetnames[5:] == ["model"]                      # then a model sheet per variant
    results = {r["quantity"]: r for r in records(wb["results"])}
    assert results["chips"]["value"] == pytest.approx(400_000) and results["chips"]["unit"] == "chip"
    assert results["capex"]["value"] == pytest.approx(3e10) and results["capex"]["unit"] == "USD"
    value_cells = [row[3] for row in wb["results"].iter_rows(min_row=2)]      # column D: value
    assert wb["results"]["D1"].value == "value" and all(c.data_type == "n" for c in value_cells)
    assert results["chips"]["sources"] == "36kr-caixin-2025-11-msft-nvda"


def test_xlsx_inputs_sheet_lists_every_input_with_its_origin_and_source(sourced):
    wb = workbook(result_xlsx(sourced))
    inputs = {r["name"]: r for r in records(wb["inputs"])}
    assert set(inputs) == {"facility_power", "pue", "it_power_per_chip", "chip_capex", "facility_capex_per_power"}
    power = inputs["facility_power"]
    assert (power["value"], power["unit"], power["origin"], power["figure"]) == (1, "GW", "input", COMMITMENT)
    assert power["sources"] == "36kr-caixin-2025-11-msft-nvda"
    assert power["note"] == registry().figure(COMMITMENT).note
    assert inputs["it_power_per_chip"]["value"] == 2 and inputs["it_power_per_chip"]["unit"] == "kW/chip"
    assert inputs["pue"]["value"] == 1.25 and inputs["pue"]["low"] is None


def test_xlsx_inputs_give_ranges_and_sources_sheet_the_publications(nvidia):
    wb = workbook(result_xlsx(nvidia))
    pue = [r for r in records(wb["inputs"]) if r["name"] == "pue" and r["variant"] == "base"][0]
    assert (pue["low"], pue["high"], pue["figure"]) == (1.1, 1.4, "pue_ai_campus")     # a 90 % interval
    sources = {r["id"]: r for r in records(wb["sources"])}
    assert set(sources) == set(nvidia.sources())
    assert sources["36kr-caixin-2025-11-msft-nvda"]["publisher"] == "36Kr"
    assert "mindestens 1 GW" in sources["36kr-caixin-2025-11-msft-nvda"]["quote"]


def test_xlsx_checks_sheet_holds_every_check(nvidia):
    wb = workbook(result_xlsx(nvidia))
    checks = records(wb["checks"])
    assert len(checks) == len(nvidia.checks)
    for row, chk in zip(checks, nvidia.checks):
        j = chk.to_json()
        assert (row["says"], row["variant"], row["passed"]) == (j["says"], j["variant"], j["passed"])
        assert row["value"] == pytest.approx(j["value"])


def test_xlsx_keeps_formula_like_text_as_text(sourced):
    sourced = replace(sourced, checks=(CheckResult(says='=HYPERLINK("http://x.test","click")', source=None,
                                                   that="chips", variant="base", point={}, passed=False,
                                                   value=400_000.0, unit="chip", expected="near 200,000 chip",
                                                   detail="does not hold"),))
    ws = workbook(result_xlsx(sourced))["checks"]
    assert ws["A2"].value == '=HYPERLINK("http://x.test","click")'
    assert ws["A2"].data_type == "s"


def test_calc_run_format_xlsx_writes_the_workbook(tmp_path):
    out = tmp_path / "nvidia.xlsx"
    calc_bin = Path(sys.executable).with_name("calc")
    proc = subprocess.run([str(calc_bin), "run", "scenarios/nvidia-1gw.yaml", "--samples", "0", "--format", "xlsx",
                           "--output", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    wb = workbook(out.read_bytes())
    assert wb.sheetnames == ["summary", "results", "inputs", "sources", "checks", "model",
                             "model per-gpu", "model hgx-b200"]
    chips = [r for r in records(wb["results"]) if r["quantity"] == "chips" and r["variant"] == "base"][0]
    # 1 GW / (120,000 / 36 W/chip x PUE 1.2410, the geometric mean of 1.1 and 1.4) = 241,747 superchips
    assert chips["value"] == pytest.approx(1e9 / (120e3 / 36 * (1.1 * 1.4) ** 0.5), rel=1e-6)


# -- html report -----------------------------------------------------------------------------------

def test_report_embeds_the_default_plot_and_every_source(nvidia):
    pytest.importorskip("matplotlib")
    page = report_html(nvidia)
    assert page == report_with_plots(nvidia)
    assert page.count('src="data:image/png;base64,') == 1
    png = base64.b64decode(page.split('src="data:image/png;base64,')[1].split('"')[0])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    for sid, src in nvidia.sources().items():
        if sid == "assumption":
            assert "assumption (the analyst" in page
        else:
            assert f"[{sid}]" in page
    assert "<script" not in page and 'src="http' not in page and "<link" not in page


def test_report_without_matplotlib_has_no_plots(nvidia, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)        # import matplotlib now raises ImportError
    page = report_html(nvidia)
    assert "data:image/png" not in page and "<h2>Plots</h2>" not in page
    assert "[36kr-caixin-2025-11-msft-nvda]" in page


def test_report_with_no_plots_asked(sourced):
    assert "<img" not in report_html(sourced, plots={})


def test_calc_run_format_html_is_self_contained_with_a_plot(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "arr.html"
    calc_bin = Path(sys.executable).with_name("calc")
    proc = subprocess.run([str(calc_bin), "run", "scenarios/anthropic-arr.yaml", "--format", "html", "--output",
                           str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'src="data:image/png;base64,' in page
    assert "Projected run-rate revenue over months after the later figure" in page   # the fan chart's caption


# -- calc.figures() in Jupyter ---------------------------------------------------------------------

def test_figures_is_a_dataframe_that_renders_as_a_sourced_table():
    frame = calc.figures()
    assert isinstance(frame, pd.DataFrame)
    assert frame.loc[COMMITMENT, "value"] == 1 and frame.loc[COMMITMENT, "unit"] == "GW"
    html = frame._repr_html_()
    assert f"<code>{COMMITMENT}</code>" in html
    assert '<td class="num">1</td><td>GW</td><td>at_least</td>' in html
    # money formatted for reading: Amazon's 2024 tranche of 4e9 USD
    assert '<td class="num">$4.00B</td><td>USD</td>' in html
    # numbered footnotes, linked, and a source's URL where the registry knows it
    url = registry().source("google-2024-environmental-report").url
    assert '<sup><a href="#calc-figures-src-1">[1]</a></sup>' in html and 'id="calc-figures-src-1"' in html
    assert f'<a href="{url}">' in html


def test_figures_subsets_keep_the_table_until_they_stop_being_figures():
    frame = calc.figures()
    gw = frame[frame["unit"] == "GW"]
    html = gw._repr_html_()
    assert f"<code>{COMMITMENT}</code>" in html and "<code>anthropic_arr_2025_08</code>" not in html
    assert 'class="dataframe"' in frame[["value", "unit"]]._repr_html_()          # columns dropped: plain
    edited = frame.copy()
    edited.loc[COMMITMENT, "value"] = 2.0
    assert 'class="dataframe"' in edited._repr_html_()                           # edited: plain, not the registry
