"""Writers: terminal table, Markdown, CSV, JSON and HTML rendered from real results."""

from __future__ import annotations

import base64
import io
import json
from dataclasses import replace
import re

import numpy as np
import pandas as pd
import pytest

import calc
from calc.api import as_value
from calc.checks import CheckResult
from calc.result import freeze
from calc.run import run
from calc.values import Axis, Case, Value
from calc.errors import CalcError
from calc.output import WRITERS, write
from calc.output.csv import result_csv
from calc.output.html import figures_html, report_html, result_html
from calc.output.json import figures_json, result_json, sources_json
from calc.output.markdown import cell, result_markdown
from calc.output.text import WIDTH, figures_text, result_text, sources_text
from calc.registry import registry
from calc.units import Q

from helpers import without_headline

COMMITMENT = "anthropic_nvidia_compute_commitment"      # 1 GW, quoted by 36Kr
COMMITMENT_SOURCE = "36kr-caixin-2025-11-msft-nvda"
INPUTS = {"facility_power": "1 GW", "pue": 1.25, "it_power_per_chip": "2 kW/chip",
          "chip_capex": "50000 USD/chip", "facility_capex_per_power": "10 USD/W"}
# chips = 1 GW / (2 kW/chip x 1.25) = 1e9 / 2,500 = 400,000 chip
# capex = 400,000 chip x 50,000 USD/chip + 1e9 W x 10 USD/W = 2e10 + 1e10 = 3e10 USD ($30.0B)
CHIPS, CAPEX = 400_000.0, 3e10


def evaluate(samples: int = 0, **inputs):
    return calc.evaluate(outputs=["chips", "capex"], inputs={**INPUTS, **inputs}, samples=samples, seed=1)


@pytest.fixture
def plain():
    return evaluate()


@pytest.fixture
def sourced():
    return evaluate(facility_power=calc.figure(COMMITMENT))


@pytest.fixture
def sampled():
    # pue as a 90 % interval [1.1, 1.4]: chips and capex become ranges
    return evaluate(samples=2000, pue=[1.1, 1.4])


def failing_check(says: str = "a 1 GW cluster can hold 200,000 GB200", source=COMMITMENT_SOURCE) -> CheckResult:
    return CheckResult(says=says, source=source, that="chips", variant="base", point={}, passed=False,
                       value=CHIPS, unit="chip", expected="near 200,000 chip (within 20 %)",
                       detail="chips = 400,000 chip; expected near 200,000 chip (within 20 %): does not hold")


def swept(pues, variants=("base",)):
    """A run with one case per variant x PUE, as a scenario's sweep gives it."""
    axis = Axis("pue", Q(np.array(pues, dtype=float)), tuple(pues))
    values = {k: as_value(k, x) for k, x in INPUTS.items()}
    cases = [Case(variant=v, values={**values, "pue": Value(axis.values, origin="sweep")}, axes=(axis,))
             for v in variants]
    return run(cases, ["chips", "capex"])


def table_block(text: str) -> list[str]:
    """The table's lines (after the headline): from the header to the first blank line after the
    rule."""
    lines = without_headline(text).splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("─"))
    start = rule - 1
    while start > 0 and lines[start - 1].strip():
        start -= 1
    end = lines.index("", rule) if "" in lines[rule:] else len(lines)
    return lines[start:end]


# -- JSON ----------------------------------------------------------------------------------------

def test_json_has_exactly_the_design_keys_and_the_computed_numbers(plain):
    doc = json.loads(result_json(plain))
    # the design keys, then "unsourced": calc.evaluate's inputs were given without a source
    assert list(doc) == ["scenario", "samples", "seed", "rows", "checks", "findings", "sources", "unsourced"]
    assert sorted(u["name"] for u in doc["unsourced"]) == sorted(INPUTS)
    assert {"name": "facility_power", "value": 1.0, "unit": "GW", "low": None, "high": None} in doc["unsourced"]
    assert doc["samples"] == 0 and doc["checks"] == [] and doc["findings"] == [] and doc["sources"] == {}
    chips, capex = doc["rows"]
    assert chips == {"variant": "base", "point": {}, "quantity": "chips", "unit": "chip", "value": CHIPS,
                     "inputs": ["facility_power", "it_power_per_chip", "pue"], "sources": [], "defaults": []}
    assert capex["quantity"] == "capex" and capex["unit"] == "USD" and capex["value"] == CAPEX
    assert "p05" not in chips


def test_json_sampled_rows_carry_ordered_quantiles_and_are_deterministic(sampled):
    text = result_json(sampled)
    doc = json.loads(text)
    assert (doc["samples"], doc["seed"]) == (2000, 1)
    for row in doc["rows"]:
        assert {"p05", "p50", "p95", "mean"} <= set(row)
        assert row["p05"] <= row["p50"] <= row["p95"]
    # central PUE = sqrt(1.1 x 1.4) = 1.24097; chips = 1e9 / (2000 x 1.24097) = 402,911
    assert doc["rows"][0]["value"] == pytest.approx(402_911.48, rel=1e-6)
    assert result_json(evaluate(samples=2000, pue=[1.1, 1.4])) == text          # same seed, same text


def test_json_writes_null_never_nan(plain):
    plain = replace(plain, central=freeze({**plain.central, "chips": np.array([float("nan")])}))
    text = result_json(plain)
    assert "NaN" not in text
    assert json.loads(text)["rows"][0]["value"] is None


def test_json_carries_checks_and_sources(sourced):
    sourced = replace(sourced, checks=(failing_check(),))
    doc = json.loads(result_json(sourced))
    assert doc["rows"][0]["sources"] == [COMMITMENT_SOURCE]
    assert doc["checks"][0]["passed"] is False
    assert doc["checks"][0]["says"] == "a 1 GW cluster can hold 200,000 GB200"
    src = doc["sources"][COMMITMENT_SOURCE]
    assert (src["publisher"], src["date"]) == ("36Kr", "2025-11")
    assert src["quote"] == calc.figure(COMMITMENT).quote


def test_registry_json_lists_have_the_cli_keys():
    reg = registry()
    figs = json.loads(figures_json([reg.figure(COMMITMENT)]))
    assert {"id", "value", "unit", "low", "high", "kind", "source", "quote", "gloss", "as_of", "note"} <= set(figs[0])
    assert (figs[0]["id"], figs[0]["value"], figs[0]["unit"]) == (COMMITMENT, 1.0, "GW")
    srcs = json.loads(sources_json([reg.source(COMMITMENT_SOURCE)]))
    assert {"id", "publisher", "title", "date", "language", "url"} <= set(srcs[0])
    assert (srcs[0]["publisher"], srcs[0]["language"]) == ("36Kr", "de")


# -- CSV -----------------------------------------------------------------------------------------

def test_csv_parses_back_to_the_same_numbers(plain):
    df = pd.read_csv(io.StringIO(result_csv(plain)))
    assert list(df.columns) == ["variant", "point", "quantity", "value", "unit", "inputs", "sources", "defaults",
                                "kind", "detail"]
    # the result rows, then one row per input given without a source
    assert list(df["kind"]) == ["result"] * 2 + ["unsourced"] * 5
    assert sorted(df["quantity"][2:]) == sorted(INPUTS)
    df = df[df["kind"] == "result"]
    assert list(df["quantity"]) == ["chips", "capex"]
    assert list(df["value"]) == [CHIPS, CAPEX]
    assert list(df["unit"]) == ["chip", "USD"]


def test_csv_sampled_has_quantile_columns_at_full_precision(sampled):
    df = pd.read_csv(io.StringIO(result_csv(sampled)))
    assert list(df.columns)[5:9] == ["p05", "p50", "p95", "mean"]
    for row, (_, back) in zip(sampled.rows(), df.iterrows()):
        assert [back[k] for k in ("value", "p05", "p50", "p95", "mean")] == \
               [row[k] for k in ("value", "p05", "p50", "p95", "mean")]


def test_csv_has_one_row_per_case_and_quantity():
    df = pd.read_csv(io.StringIO(result_csv(swept([1.0, 1.25]))))
    df = df[df["kind"] == "result"]
    assert list(df["point"]) == ["pue=1.0", "pue=1.0", "pue=1.25", "pue=1.25"]
    # 1 GW / (2 kW/chip x 1.0) = 500,000 chips; at PUE 1.25, 400,000
    assert list(df.loc[df["quantity"] == "chips", "value"]) == [500_000.0, 400_000.0]


# -- Markdown ------------------------------------------------------------------------------------

def test_markdown_table_with_units_and_footnotes(sourced):
    md = result_markdown(sourced)
    lines = md.splitlines()
    assert "| quantity | base | sources |" in lines
    assert "|:---|---:|:---|" in lines
    assert "| chips [chip] | 400,000 | [^1] |" in lines
    assert "| capex [USD] | \\$30.0B | [^1] |" in lines          # $ escaped: GitHub reads $..$ as maths
    assert lines[-1] == ('[^1]: 36Kr, "Das US-amerikanische Unicorn Anthropic hat Investitionsversprechen in Höhe '
                         'von 15 Milliarden US-Dollar von Microsoft und NVIDIA erhalten, wodurch sich die Marktlage '
                         'subtil verändert", 2025-11 — "mindestens 1 GW ... Rechenleistung von NVIDIA zu kaufen" '
                         '(at least 1 GW ... of computing capacity to buy from NVIDIA)')


def test_markdown_checks_and_escaping(sourced):
    sourced = replace(sourced, checks=(failing_check(says="chips | GPUs"),))
    md = result_markdown(sourced)
    assert ('- ✗ **does not hold**: "chips | GPUs" [^1] (base): chips = 400,000 chip; expected near 200,000 chip '
            '(within 20 %): does not hold') in md.splitlines()
    assert cell("a|b\nc") == "a\\|b c"


def test_markdown_sweep_headers_and_a_line_per_case_past_eight_columns():
    wide = result_markdown(swept([1.0, 1.25]))
    assert "| quantity<br>pue | base<br>1.0 | base<br>1.25 |" in wide
    assert "| chips [chip] | 500,000 | 400,000 |" in wide
    long = result_markdown(swept([1.0, 1.25, 1.5, 2.0, 2.5], variants=("a", "b")))    # 10 cases > 8 columns
    assert "| variant | pue | chips [chip]<br>[1] | capex [USD]<br>[1] |" not in long     # unsourced: no notes
    assert "| variant | pue | chips [chip] | capex [USD] |" in long
    # 1 GW / (2 kW/chip x 2.0) = 250,000 chips; 250,000 x 50,000 USD + 1e9 W x 10 USD/W = $22.5B
    assert "| b | 2.0 | 250,000 | \\$22.5B |" in long
    tables = without_headline(long)
    assert tables.count("| a |") == 5 and tables.count("| b |") == 5


# -- terminal table ------------------------------------------------------------------------------

def test_text_table_is_aligned_with_units_in_headers(sourced):
    text = result_text(sourced)
    block = table_block(text)
    assert len({len(line) for line in block}) == 1
    assert block[0].split() == ["quantity", "base", "sources"]
    assert block[2].split() == ["chips", "[chip]", "400,000", "[1]"]
    assert block[3].split() == ["capex", "[USD]", "$30.0B", "[1]"]
    # numbers right-aligned: the value column ends at the same place in every row
    assert block[2].index("400,000") + len("400,000") == block[3].index("$30.0B") + len("$30.0B")
    assert "\nSources\n  [1] 36Kr, \"Das US-amerikanische" in text
    assert repr(sourced) == text


def test_text_marks_a_failing_check_prominently(sourced):
    sourced = replace(sourced, checks=(failing_check(),
        CheckResult(says="capex is above $10B", source=None, that="capex", variant="base",
                                      point={}, passed=True, value=CAPEX, unit="USD", expected="above $10.0B",
                                      detail="capex = $30.0B; expected above $10.0B: holds")))
    lines = result_text(sourced).splitlines()
    assert lines[lines.index("Checks") + 1].startswith(
        '  ✗ DOES NOT HOLD  "a 1 GW cluster can hold 200,000 GB200" [1] (base): chips = 400,000 chip; expected ')
    assert ('  ✓ holds          "capex is above $10B" (base): capex = $30.0B; expected above $10.0B: holds'
            in lines)


def test_text_sampled_cells_show_the_90_percent_interval(sampled):
    text = result_text(sampled)
    assert "2,000 samples, seed 1" in text.splitlines()[1]
    # the median beside the central value where it reads differently: '402,911 (p50 403,1xx; 357,xxx–451,xxx)'
    assert re.search(r"chips \[chip\]\s+402,911 \((p50 [\d,]+; )?[\d,]+–[\d,]+\)", text)
    assert re.search(r"capex \[USD\]\s+\$30\.1B \((p50 \$[\d.]+B; )?\$[\d.]+B–\$[\d.]+B\)", text)


def test_text_sweep_and_long_layout_stay_aligned():
    wide = table_block(result_text(swept([1.0, 1.25])))
    assert wide[0].split() == ["quantity", "base", "base"]
    assert wide[1].split() == ["pue", "1.0", "1.25"]
    assert len({len(line) for line in wide}) == 1
    long = table_block(result_text(swept([1.0, 1.25, 1.5, 2.0, 2.5], variants=("a", "b"))))   # 10 cases
    assert long[0].split() == ["variant", "pue", "chips", "[chip]", "capex", "[USD]"]
    # 250,000 chip x 50,000 USD/chip + 1e9 W x 10 USD/W = 1.25e10 + 1e10 = $22.5B
    assert long[-2].split() == ["b", "2.0", "250,000", "$22.5B"]
    assert len(long) == 2 + 10 and len({len(line) for line in long}) == 1


def test_text_lists_inputs_that_fell_back_to_defaults():
    res = calc.evaluate(outputs=["chips"], inputs={"facility_power": "1 GW", "it_power_per_chip": "2 kW/chip"})
    assert res.rows()[0]["defaults"] == ["pue (default)"]
    text = result_text(res)
    assert "Defaults used (not given by the scenario): pue (default)" in text
    assert "[1] assumption (the analyst's own)" in text


def test_registry_tables_fit_a_120_column_terminal():
    reg = registry()
    text = figures_text(list(reg.figures.values()))
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert text.splitlines()[0].split()[:3] == ["id", "value", "unit"]
    fig = reg.figure(COMMITMENT)
    at = text.splitlines().index(next(line for line in text.splitlines() if line.startswith(COMMITMENT + " ")))
    assert text.splitlines()[at].split()[1:5] == ["1", "GW", "at_least", "quoted"]
    assert fig.quote in text.splitlines()[at + 1]
    src = sources_text([reg.source(COMMITMENT_SOURCE)])
    assert src.splitlines()[2].split() == [COMMITMENT_SOURCE, "2025-11", "de", "36Kr"]


# -- HTML ----------------------------------------------------------------------------------------

def test_html_escapes_check_text_and_links_footnotes(sourced):
    sourced = replace(sourced, checks=(failing_check(says="<script>alert(1)</script>"),))
    html = result_html(sourced)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<th>chips [chip]</th><td class="num">400,000</td>' in html
    assert '<td class="num">$30.0B</td>' in html
    assert '<sup><a href="#calc-result-src-1">[1]</a></sup>' in html
    assert '<li id="calc-result-src-1">36Kr, “Das US-amerikanische' in html
    assert '<span class="calc-fails">✗ does not hold</span>' in html
    assert sourced._repr_html_() == html


def test_html_links_a_source_with_a_url():
    res = evaluate(pue=calc.figure("pue_google_fleet_2023"))
    html = result_html(res)
    url = registry().source("google-2024-environmental-report").url
    assert f'<a href="{url}">“' in html


def test_report_is_one_self_contained_page(sourced):
    png = b"\x89PNG\r\n\x1a\nfake"
    page = report_html(sourced, plots={"chips by PUE": png})
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</html>\n")
    assert f'src="data:image/png;base64,{base64.b64encode(png).decode()}"' in page
    assert "<link" not in page and "<script" not in page and 'src="http' not in page
    assert "<h1>calc: chips, capex</h1>" in page
    assert "mindestens 1 GW ... Rechenleistung von NVIDIA zu kaufen" in page


def test_figures_html_escapes_and_lists_each_figure():
    reg = registry()
    html = figures_html([reg.figure(COMMITMENT)])
    assert f"<code>{COMMITMENT}</code>" in html
    assert '<td class="num">1</td><td>GW</td><td>at_least</td>' in html


# -- the writer table ----------------------------------------------------------------------------

def test_write_dispatches_by_format_name(plain):
    assert set(WRITERS) == {"table", "markdown", "csv", "json", "html"}
    assert write("json", plain) == result_json(plain)
    assert write("table", plain) == result_text(plain)
    assert WRITERS["csv"](plain) == result_csv(plain)
    with pytest.raises(CalcError, match=r"unknown format 'jsno' \(did you mean 'json'\?\); formats: table, "):
        write("jsno", plain)
