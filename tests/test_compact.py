"""Compact wide tables and every fact in every format.

Each quantity is shown once, in a block with as few columns as it needs; the terminal uses the same
wide layout as HTML and Markdown, sampled or not; a check result is listed once with the cases it is
for; the median shows where it differs from the central value; --set values, sensitivity, findings,
checks and unsourced inputs reach every format.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

import calc
from calc.cli import main
from calc.output import write
from calc.output.layout import cell_text
from calc.output.xlsx import result_xlsx

from helpers import without_headline

GROWTH = 5 ** (1 / 7)            # anthropic-arr: $1B -> $5B over 7 months, 1.25850 a month


@pytest.fixture(scope="module")
def arr():
    return calc.load("anthropic-arr").run(samples=0)


@pytest.fixture(scope="module")
def nvidia_sampled():
    return calc.load("nvidia-1gw").run(samples=400, seed=1)


def quantity_lines(text: str, result) -> list[str]:
    """The table lines that show a quantity (label first), the headline left out."""
    return [ln for ln in without_headline(text).splitlines() if ln.split(" ")[0] in result.shown]


def test_a_sweep_shows_each_quantity_once(arr):
    text = write("table", arr)
    lines = quantity_lines(text, arr)
    # 7 quantities, 2 variants x 3 sweep points: 7 lines, not 42
    assert len(lines) == 7
    (projected,) = [ln for ln in lines if ln.startswith("arr_projected")]
    # 5e9 x 1.2585^4 = $12.5B; ^10 = $49.8B; ^16 = $198B; the decaying variant lower
    assert projected.split()[2:8] == ["$12.5B", "$49.8B", "$198B", "$11.2B", "$26.8B", "$48.0B"]
    assert "Same in every case" in text
    assert "arr_horizon             4 month  10 month  16 month" in text


def test_checks_are_listed_once_per_distinct_result_naming_the_cases(arr, nvidia_sampled):
    text = write("table", arr)
    assert text.count("✓ holds") == 2 and text.count("✗ DOES NOT HOLD") == 1       # 3 checks, not 18
    assert '"targeting 20 to 26 billion USD in 2026" [4] (every case)' in text
    nv = write("table", nvidia_sampled)
    # the GB200 claim holds for the superchip and fails for both per-GPU counts: three distinct results
    assert nv.count('"A 1 GW compute cluster can hold 200,000 NVIDIA GB200 chips"') == 3
    assert "(per-gpu): chips = 483,484 chip" in nv


def test_sampled_runs_stay_wide_with_the_median_where_it_differs(nvidia_sampled):
    text = write("table", nvidia_sampled)
    assert not re.search(r"^base\s+chips", text, re.M)                  # no long form
    chips = [ln for ln in quantity_lines(text, nvidia_sampled) if ln.startswith("chips [chip]")][0]
    assert re.search(r"241,747 \(p50 [\d,]+; [\d,]+–[\d,]+\)", chips)
    # peak_compute's median reads as its central value (1.21): no p50
    assert re.search(r"peak_compute \[ZFLOP/s\]\s+1\.21 \(1\.\d+–1\.\d+\)", text)
    assert max(len(ln) for ln in text.splitlines()) <= 120             # panels fit the terminal


@pytest.mark.parametrize("row, text", [
    ({"value": 1.0, "unit": "", "p05": 0.9, "p50": 1.1, "p95": 1.3}, "1 (p50 1.1; 0.9–1.3)"),
    ({"value": 1.0, "unit": "", "p05": 0.9, "p50": 1.0001, "p95": 1.3}, "1 (0.9–1.3)"),
    ({"value": 5000.0, "unit": "W/chip", "p05": 5000.0, "p50": 5000.0, "p95": 5000.0}, "5,000"),
    ({"value": 3e10, "unit": "USD", "p05": 2.5e10, "p50": 2.9e10, "p95": 3.6e10}, "$30.0B (p50 $29.0B; $25.0B–$36.0B)"),
])
def test_cell_text_shows_the_median_only_where_it_reads_differently(row, text):
    assert cell_text(row) == text


def test_result_table_wide_is_the_spreadsheet_layout(arr):
    wide = arr.table(wide=True)
    assert wide.shape == (7, 6)
    assert list(wide.columns.names) == ["variant", "point"]
    assert wide.loc["arr_projected [USD/yr]", ("base", "arr_horizon=4 month")] == pytest.approx(5e9 * GROWTH ** 4)
    assert wide.loc["arr_growth_per_month [%]"].tolist() == pytest.approx([(GROWTH - 1) * 100] * 6)
    with pytest.raises(calc.CalcError, match="p05, p50, p95 and mean need samples"):
        arr.table(wide=True, stat="p95")


def test_calc_check_says_when_a_scenario_has_no_checks(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\ninputs:\n  facility_power: {value: 1 GW, source: assumption, note: t}\n"
                    "  pue: {value: 1.25, source: assumption, note: t}\n"
                    "  it_power_per_chip: {value: 2 kW/chip, source: assumption, note: t}\noutputs: [chips]\n")
    assert main(["check", str(path)]) == 0
    assert f"{path}: ok, no checks (add 'checks:' to test the claims its sources make)" in capsys.readouterr().out


# -- every format shows the same facts ------------------------------------------------------------

FORMATS = ("table", "markdown", "html", "json", "csv")


@pytest.fixture(scope="module")
def overridden():
    return calc.load("nvidia-1gw").run(samples=200, seed=1, sets={"pue": 1.3}, sensitivity=True)


@pytest.mark.parametrize("fmt", FORMATS)
def test_set_values_reach_every_format(overridden, fmt):
    out = write(fmt, overridden)
    if fmt == "json":
        assert json.loads(out)["overrides"] == [{"name": "pue", "value": 1.3, "unit": "", "low": None,
                                                 "high": None}]
    elif fmt == "csv":
        df = pd.read_csv(io.StringIO(out))
        assert df.loc[df["kind"] == "set", ["quantity", "value"]].values.tolist() == [["pue", 1.3]]
    else:
        assert "Set on the command line" in out and "pue = 1.3" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_sensitivity_reaches_every_format(overridden, fmt):
    out = write(fmt, overridden)
    if fmt == "json":
        assert {r["input"] for r in json.loads(out)["sensitivity"] if r["swing"] > 0} >= {"mfu", "load_factor"}
    elif fmt == "csv":
        df = pd.read_csv(io.StringIO(out))
        rows = df[(df["kind"] == "sensitivity") & (df["quantity"] == "compute_per_year")]
        assert "mfu" in set(rows["inputs"]) and (rows["value"] > 0).all()
    else:
        assert "Sensitivity" in out and "load_factor" in out and "mfu" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_checks_reach_every_format(overridden, fmt):
    out = write(fmt, overridden)
    claim = "A 1 GW compute cluster can hold 200,000 NVIDIA GB200 chips"
    if fmt == "json":
        assert sum(c["says"] == claim for c in json.loads(out)["checks"]) == 3      # JSON: one per case
    elif fmt == "csv":
        df = pd.read_csv(io.StringIO(out))
        assert df[df["kind"] == "check"]["detail"].str.contains(claim).sum() == 3
    else:                                  # each distinct result once; the source's own quote is not counted
        assert out.count(claim + ("”" if fmt == "html" else '"')) == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_unsourced_library_inputs_are_flagged_in_every_format(fmt):
    res = calc.evaluate(["chips"], {"facility_power": "1 GW", "pue": 1.25, "it_power_per_chip": "2 kW/chip"})
    out = write(fmt, res)
    if fmt == "json":
        assert sorted(u["name"] for u in json.loads(out)["unsourced"]) == ["facility_power", "it_power_per_chip",
                                                                            "pue"]
    elif fmt == "csv":
        df = pd.read_csv(io.StringIO(out))
        assert sorted(df.loc[df["kind"] == "unsourced", "quantity"]) == ["facility_power", "it_power_per_chip",
                                                                          "pue"]
    else:
        assert "Not sourced" in out and "facility_power = 1 GW" in out and "it_power_per_chip = 2 kW/chip" in out


def test_findings_reach_csv():
    sc = calc.load({"name": "t", "inputs": {"facility_power": {"value": "1 GW", "source": "assumption", "note": "t"},
                                            "chips": {"value": "1000000 chip", "source": "assumption", "note": "t"},
                                            "it_power_per_chip": {"value": "1.2 kW/chip", "source": "assumption",
                                                                  "note": "t"}},
                    "outputs": ["pue"]})
    res = sc.run()
    # 1 GW / (1,000,000 x 1.2 kW) = 0.833: below 1, physically impossible
    df = pd.read_csv(io.StringIO(write("csv", res)))
    (finding,) = df[df["kind"] == "finding"].to_dict("records")
    assert finding["quantity"] == "pue" and finding["value"] == pytest.approx(1 / 1.2)


# -- xlsx ------------------------------------------------------------------------------------------

def test_xlsx_opens_on_a_summary_in_the_wide_layout(arr):
    wb = openpyxl.load_workbook(io.BytesIO(result_xlsx(arr)))
    assert wb.sheetnames[0] == "summary" and wb.active.title == "summary"
    ws = wb["summary"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    assert "arr_projected [USD/yr]" in cells and "Same in every case" in cells
    row = cells["arr_projected [USD/yr]"].row
    values = [ws.cell(row=row, column=c).value for c in range(2, 8)]
    assert values[0] == pytest.approx(5e9 * GROWTH ** 4)                  # a number, not text
    assert ws.cell(row=row, column=2).number_format == '"$"#,##0.0,,,"B"'   # shown as $12.5B
    growth = cells["arr_growth_per_month [%]"].row
    assert ws.cell(row=growth, column=2).value == pytest.approx(GROWTH - 1)   # a share, shown in %
    assert ws.cell(row=growth, column=2).number_format == "0.0%"
    # footnote numbers link to their row on the sources sheet
    link = next(c for c in ws[growth] if c.value == "[1]")    # in the sheet's one sources column
    assert link.value == "[1]" and link.hyperlink.location == "sources!A2"
    assert [wb["sources"].cell(row=2, column=c).value for c in (1, 2)] == [1, "36kr-caixin-2025-11-msft-nvda"]
    texts = [c.value for c in cells.values() if isinstance(c.value, str)]
    assert sum("targeting 20 to 26 billion" in t for t in texts) == 1      # each check once
    assert len([r for r in wb["results"].iter_rows(min_row=2)]) == 42      # the long tidy sheet follows


def test_xlsx_summary_lists_quantiles_and_sensitivity_sheet(overridden):
    wb = openpyxl.load_workbook(io.BytesIO(result_xlsx(overridden)))
    labels = [c.value for c in wb["summary"]["A"] if c.value]
    assert labels.count("    median") >= 1 and "    5th percentile" in labels
    assert "sensitivity" in wb.sheetnames
    header = [c.value for c in wb["sensitivity"][1]]
    inputs = {r[header.index("input")].value for r in wb["sensitivity"].iter_rows(min_row=2)}
    assert {"mfu", "load_factor"} <= inputs


# -- HTML in a real browser -------------------------------------------------------------------------

def test_html_tables_scroll_in_their_own_box(nvidia_sampled):
    page = write("html", nvidia_sampled)
    assert ".calc-scroll { max-width: 100%; overflow-x: auto;" in page
    assert page.count('<div class="calc-scroll"><table>') == len(re.findall(r"<table>", page))
    assert page.count("<li class=\"calc-") == 6        # 2 claims x 3 variants: six distinct results


def test_html_page_never_scrolls_sideways_in_chromium(tmp_path, nvidia_sampled):
    browser = shutil.which("chromium")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    probe = ('<script>document.body.setAttribute("data-m", document.documentElement.scrollWidth + "/" + '
             'window.innerWidth + "/" + Array.from(document.querySelectorAll(".calc-scroll"))'
             '.map(d => d.scrollWidth + ":" + d.clientWidth).join(","))</script></body>')
    page = tmp_path / "r.html"
    page.write_text(write("html", nvidia_sampled.with_sensitivity()).replace("</body>", probe), encoding="utf-8")
    out = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--window-size=700,1000",
                          "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    page_width, window, boxes = re.search(r'data-m="(\d+)/(\d+)/([^"]*)"', out).groups()
    assert int(page_width) <= int(window)                                   # no sideways scrolling
    widths = [tuple(map(int, b.split(":"))) for b in boxes.split(",")]
    assert any(content > box for content, box in widths)                    # a wide table scrolls in its box


def test_result_table_wide_of_a_timeline_has_periods_as_columns():
    res = calc.load("anthropic-commitments").run(samples=0)
    wide = res.table(wide=True)
    assert list(wide.columns) == list(res.periods) + ["whole timeline"]
    # 3 variants x (7 shown quantities + 1 solved row)
    assert wide.shape == (24, len(res.periods) + 1)
    row = next(r for r in res.rows(tables=True) if r["quantity"] == "revenue" and r["variant"] == "base"
               and r["period"] == res.periods[0])
    assert wide.loc[("base", "", "revenue [USD]"), res.periods[0]] == pytest.approx(row["value"])
    assert wide.loc[("base", "", "funding_need [USD]"), "whole timeline"] >= 0
