"""The xlsx model sheets (issue 24): formulas that recalculate to calc's own numbers.

LibreOffice (tests/office.py) recalculates every workbook in one call: one per shipped scenario,
plus copies with an input cell changed (pue to 1.3 in nvidia-1gw; arr_end +25 % in the
anthropic-commitments timeline), which must then equal ``calc run --set NAME=VALUE --samples 0``.
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
import textwrap

import openpyxl
import pytest

import calc
from calc.dates import Date
from calc.models import FORMULAS
from calc.output.xlsx import result_xlsx
from calc.output import xlsx_model
from calc.output.xlsx_model import HEAD, VALUE_NOTE, model_layouts
from helpers import ROOT, calc_cli
from office import recalculated

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
# Periods without spend between commitments (2026-Q1/Q2, 2027-Q3/Q4); flat, ramp and schedule;
# no growth (revenue's other branch); the logistic path; `base` never breaks even, `fast` breaks
# even in 2026-Q3 and stays covered across the periods without spend.
GAPS = textwrap.dedent("""\
    name: gaps
    timeline: {start: 2026, end: 2029, step: quarter}
    commitments:
      first: {amount: {value: 8 billion USD, source: assumption, note: t}, start: 2026-07,
              term: 1 yr}
      late: {amount: {value: 30 billion USD, source: assumption, note: t},
             schedule: {2028: 50%, 2029: 50%}}
      ramped: {amount: {value: 6 billion USD, source: assumption, note: t}, start: 2028-04,
               term: 2 yr, shape: ramp}
    inputs:
      arr_end: {value: 2 billion USD/yr, source: assumption, note: t}
      arr_as_of: {value: 2026-01, source: assumption, note: t}
      arr_growth_per_month: {value: 0.05, source: assumption, note: t}
    outputs: [revenue, commitment_spend, coverage, cumulative_gap, funding_need, break_even]
    variants:
      fast:
        inputs:
          arr_end: {value: 10 billion USD/yr, source: assumption, note: t}
      flat-revenue:
        inputs:
          arr_growth_per_month: {value: 0, source: assumption, note: t}
      logistic:
        models: {arr_at: arr_at_logistic, revenue: revenue_logistic}
        inputs:
          arr_ceiling: {value: 30 billion USD/yr, source: assumption, note: t}
    """)
EDITS = {"nvidia-1gw": ("pue", lambda x: 1.3),
         "anthropic-commitments": ("arr_end", lambda x: x * 1.25)}


def rows_of(ws) -> dict:
    """quantity name -> its row number on a model sheet."""
    return {ws.cell(r, 1).value: r for r in range(HEAD + 1, ws.max_row + 1)
            if ws.cell(r, 1).value}


def cells(ws, row: int) -> list:
    """The value cells of a row: C, then one per period up to the 'model' column."""
    heads = [ws.cell(HEAD, c).value for c in range(1, ws.max_column + 1)]
    return [ws.cell(row, c).value for c in range(3, heads.index("model") + 1)]


def in_unit(q, unit: str) -> list:
    """calc's value ``q`` (pint, a scalar or per period) as magnitudes in the unit the sheet
    writes beside it."""
    if q is None:                                       # a date that never comes
        return [math.nan]
    if isinstance(q, Date):                             # break_even, cash_out: a Date
        return [float(q)]
    if unit == "decimal year":
        m = q.m_as("yr")
    else:
        m = q.m_as(unit or "dimensionless")
    return [float(x) for x in (m if getattr(m, "ndim", 0) else [m])]


def same(got, want: float) -> bool:
    if want is None or math.isnan(want):
        return got in (None, "", "never")
    return isinstance(got, (int, float)) and abs(got - want) <= 1e-9 * abs(want)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """name -> (result, written workbook path, recalculated workbook); edits under 'name+edit'."""
    out = tmp_path_factory.mktemp("model")
    made = {}
    (out / "gaps.yaml").write_text(GAPS)
    for path in SCENARIOS + [out / "gaps.yaml"]:
        result = calc.load(str(path)).run(samples=0)
        p = out / f"{path.stem}.xlsx"
        p.write_bytes(result_xlsx(result))
        made[path.stem] = (result, p)
        if path.stem in EDITS:
            name, change = EDITS[path.stem]
            wb = openpyxl.load_workbook(p)
            ws = wb["model"]
            cell = ws.cell(rows_of(ws)[name], 3)
            cell.value = change(cell.value)
            unit = ws.cell(rows_of(ws)[name], 2).value or ""
            edited = out / f"{path.stem}-edit.xlsx"
            wb.save(edited)
            rerun = calc.load(str(path)).run(samples=0,
                                             sets={name: f"{cell.value!r} {unit}".strip()})
            made[f"{path.stem}+edit"] = (rerun, edited)
    done = recalculated([p for _, p in made.values()], out / "recalculated")
    return {k: (r, p, openpyxl.load_workbook(d, data_only=True))
            for (k, (r, p)), d in zip(made.items(), done)}


def formula_rows(result, wb_formulas, wb_values):
    """(layout, quantity, unit, recalculated formula cells) of every formula row whose quantity
    calc reports."""
    for lay in model_layouts(result):
        ws, wv = wb_formulas[lay.title], wb_values[lay.title]
        for name, r in rows_of(ws).items():
            n = sum(isinstance(v, str) and v.startswith("=") for v in cells(ws, r))
            if name in result.central and n:
                yield lay, name, ws.cell(r, 2).value or "", cells(wv, r)[:n]


@pytest.mark.parametrize("stem", [p.stem for p in SCENARIOS] + ["gaps"])
def test_every_formula_recalculates_to_calcs_central_value(books, stem):
    result, path, values = books[stem]
    formulas = openpyxl.load_workbook(path)
    checked = 0
    for lay, name, unit, got in formula_rows(result, formulas, values):
        want = in_unit(result.value(name, variant=lay.variant), unit)[:len(got)]
        bad = [(g, w) for g, w in zip(got, want) if not same(g, w)]
        assert not bad, f"{stem} {lay.title} {name} [{unit}]: recalculated {bad[:3]}"
        checked += len(want)
    assert checked >= 5, f"{stem}: only {checked} formula cells checked"
    # intermediates (not reported by the run) against calc's model functions at the same inputs
    for lay in model_layouts(result):
        ws = values[lay.title]
        for ln in lay.lines:
            if ln.formulas and ln.name not in result.central:
                got = cells(ws, ln.row)[:len(ln.values)]
                bad = [(g, w) for g, w in zip(got, ln.values) if not same(g, w)]
                assert not bad, f"{stem} {lay.title} {ln.name}: recalculated {bad[:3]}"


@pytest.mark.parametrize("stem", sorted(EDITS))
def test_a_changed_input_gives_calc_run_with_set(books, stem):
    """Every output resting on formulas only equals the run with the input set to the new
    value."""
    rerun, path, values = books[f"{stem}+edit"]
    original = books[stem][0]
    name = EDITS[stem][0]
    formulas = openpyxl.load_workbook(path)
    lay = model_layouts(original)[0]
    moved = 0
    for lay2, q, unit, got in formula_rows(original, formulas, values):
        if lay2.title != "model" or q in lay.resting or q in lay.value_cells:
            continue
        want = in_unit(rerun.value(q, variant=lay.variant), unit)[:len(got)]
        before = in_unit(original.value(q, variant=lay.variant), unit)[:len(got)]
        assert all(same(g, w) for g, w in zip(got, want)), f"{stem} {q} after {name} changed"
        moved += any(not same(w, b) for w, b in zip(want, before))
    assert moved >= 2, f"{stem}: changing {name} moved only {moved} outputs"


def test_inputs_carry_sources_and_outputs_are_formulas_or_say_why(books):
    for stem in [p.stem for p in SCENARIOS] + ["gaps"]:
        result, path, _ = books[stem]
        wb = openpyxl.load_workbook(path)
        for lay in model_layouts(result):
            ws = wb[lay.title]
            heads = [ws.cell(HEAD, c).value for c in range(1, ws.max_column + 1)]
            source_col = heads.index("source") + 1
            for ln in lay.lines:
                first = ws.cell(ln.row, 3)
                if ln.kind == "input":
                    assert ws.cell(ln.row, source_col).value, f"{stem} {ln.name}: no source"
                    assert first.comment and first.comment.text.strip(), f"{stem} {ln.name}"
                    assert ws.defined_names[ln.name].attr_text.startswith(f"'{lay.title}'!$C$")
                    continue
                for v in cells(ws, ln.row)[:len(ln.values)]:
                    if not (isinstance(v, str) and v.startswith("=")):
                        assert first.comment and VALUE_NOTE in first.comment.text, \
                            f"{stem} {lay.title} {ln.name}: a constant {v!r} without a reason"


def test_value_cells_and_what_rests_on_them_are_listed_at_the_top(books, monkeypatch):
    result, path, _ = books["anthropic-commitments"]
    # a solve's answer: a value, listed, in the input's display unit (%)
    base = openpyxl.load_workbook(path)["model"]
    assert "arr_growth_per_month (solved)" in base["A2"].value
    cell = base.cell(rows_of(base)["arr_growth_per_month (solved)"], 3)
    solved = [r for r in result.solutions if r["case"] == 0][0]
    assert cell.value == pytest.approx(100 * solved["value"], rel=1e-12)
    assert VALUE_NOTE in cell.comment.text and "goal seek" in cell.comment.text
    # a model without an Excel form: its cells hold values, and what rests on them is listed
    import calc.models._formula as registered
    f = registered.FORMULAS["revenue_decaying"]
    monkeypatch.setitem(registered.FORMULAS, "revenue_decaying",
                        dataclasses.replace(f, excel=None, no_excel="no form (a test)"))
    result = calc.load(str(ROOT / "scenarios/anthropic-commitments.yaml")).run(samples=0)
    lay = [lay for lay in model_layouts(result) if lay.title == "model decaying"][0]
    assert "revenue" in lay.value_cells
    assert {"coverage", "cumulative_gap", "funding_need", "break_even"} <= set(lay.resting)
    ws = openpyxl.load_workbook(io.BytesIO(result_xlsx(result)))["model decaying"]
    assert "revenue" in ws["A2"].value and "break_even" in ws["A3"].value
    row = rows_of(ws)["revenue"]
    assert ws.cell(row, 3).comment.text == f"{VALUE_NOTE}: no form (a test)"
    assert ws.cell(row, 3).value == pytest.approx(
        result.value("revenue", variant="decaying").m_as("USD")[0], rel=1e-12)


def test_formulas_read_like_the_glossary_with_unit_factors_written():
    result = calc.load(str(ROOT / "scenarios/nvidia-1gw.yaml")).run(samples=0)
    lines = {ln.name: ln for ln in model_layouts(result)[0].lines}
    # GW over W/chip: the factor 1e9 is in the formula; mfu is written in % (39.7 means 39.7 %)
    assert lines["chips"].formulas == ["=facility_power*1E9/power_per_chip"]
    assert lines["mfu"].unit == "%" and lines["compute_per_year"].formulas == [
        "=peak_compute*(mfu*0.01)*31557600"]
    # a derive, translated from its expression tree
    assert lines["implied_pue"].formulas == ["=(implied_power_per_chip/it_power_per_chip)"]


def test_every_model_has_an_excel_form_or_a_reason():
    missing = [f.name for f in FORMULAS.values()
               if not (isinstance(f.excel, str) and f.excel) and not f.no_excel]
    assert missing == []
    # the forms name only the model's own quantities (interest reads the balance's previous
    # period: the balance and the interest are one recursion)
    allowed = {"interest": {"cash_balance"}}
    for f in FORMULAS.values():
        if f.excel:
            names = set(re.findall(r"\{(?:row:|cells:|one:|first:|prev:)?([A-Za-z_]\w*)[|@}]",
                                   f.excel))
            names |= set(re.findall(r"\|([A-Za-z_]\w*)\}", f.excel))
            extra = names - set(f.inputs) - {f.output, "scale"} - allowed.get(f.name, set())
            assert not extra, f"{f.name}: its Excel form names {extra}, not among its inputs"


def test_beyond_the_limits_the_export_is_refused_before_writing(tmp_path, monkeypatch):
    out = tmp_path / "n.xlsx"
    monkeypatch.setattr(xlsx_model, "MAX_SHEETS", 2)
    done = calc_cli("run", "scenarios/nvidia-1gw.yaml", "--samples", "0", "--format", "xlsx",
                    "--output", str(out))
    assert done.returncode == 2 and "limit of 2 model sheets" in done.stderr
    assert not out.exists()
    monkeypatch.setattr(xlsx_model, "MAX_SHEETS", 200)
    monkeypatch.setattr(xlsx_model, "MAX_FORMULAS", 20)
    done = calc_cli("run", "scenarios/nvidia-1gw.yaml", "--samples", "0", "--format", "xlsx",
                    "--output", str(out))
    assert done.returncode == 2 and "formula cells" in done.stderr and not out.exists()
    monkeypatch.setattr(xlsx_model, "MAX_FORMULAS", 1_000_000)
    monkeypatch.setattr(xlsx_model, "MAX_COLUMNS", 4)
    done = calc_cli("run", "scenarios/openai-commitments.yaml", "--samples", "0", "--format",
                    "xlsx", "--output", str(out))
    assert done.returncode == 2 and "limit of 4 columns" in done.stderr and not out.exists()
    monkeypatch.setattr(xlsx_model, "MAX_COLUMNS", 16_384)
    monkeypatch.setattr(xlsx_model, "MAX_ROWS", 10)
    done = calc_cli("run", "scenarios/nvidia-1gw.yaml", "--samples", "0", "--format", "xlsx",
                    "--output", str(out))
    assert done.returncode == 2 and "limit of 10 rows" in done.stderr and not out.exists()


def test_a_swept_input_holds_its_first_point_with_the_sweep_beside_it(books):
    result, path, values = books["anthropic-arr"]
    ws = openpyxl.load_workbook(path)["model"]
    row = rows_of(ws)["arr_horizon"]
    heads = [ws.cell(HEAD, c).value for c in range(1, ws.max_column + 1)]
    sweep = heads.index("sweep values") + 1
    assert ws.cell(row, 2).value == "month" and ws.cell(row, 3).value == 4.0
    assert [ws.cell(row, sweep + k).value for k in range(3)] == [4.0, 10.0, 16.0]
    # arr_projected on the sheet is the first point's (4 months after August 2025)
    got = values["model"].cell(rows_of(ws)["arr_projected"], 3).value
    want = result.value("arr_projected", point={"arr_horizon": "4 month"}).m_as("USD/yr")
    assert got == pytest.approx(want, rel=1e-9)


def test_break_even_across_periods_without_spend_and_never(books):
    result, _, values = books["gaps"]
    assert float(result.value("break_even", variant="fast")) == pytest.approx(2026.5)
    assert result.value("break_even", variant="base") is None           # never
    got = {t: values[t].cell(rows_of(values[t])["break_even"], 3).value
           for t in ("model", "model fast")}
    assert got == {"model": "never", "model fast": pytest.approx(2026.5, abs=1e-12)}
