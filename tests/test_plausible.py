"""Numbers typed wrong are caught as findings: the glossary's typical ranges (issue 19, part 3)."""

from __future__ import annotations

import io
import json
import shutil
import textwrap

import numpy as np
import openpyxl
import pandas as pd
import pytest

import calc
from calc.errors import CalcError
from calc.glossary import GLOSSARY_FILE, _read, glossary, typical_of
from calc.output import write
from calc.output.xlsx import result_xlsx
from calc.registry import registry
from calc.registry.data import DATA_DIR
from calc.registry.loader import Loader
from calc.units import parse_unit

from helpers import calc_cli

PLAUSIBLE = ("arr_growth_per_month", "arr_growth_per_year", "pue", "mfu", "cost_of_capital",
             "opex_rate", "electricity_price", "it_power_per_chip", "chip_capex", "load_factor",
             "compute_share_of_revenue")

# A small timeline whose growth rate was typed 5 (500 % a month) instead of 5 %.
GROWTH = textwrap.dedent("""\
    name: typo
    timeline: {start: 2026, end: 2027, step: year}
    inputs:
      arr_end: {value: 12 billion USD/yr, source: assumption, note: t}
      arr_as_of: {value: 2026-01, source: assumption, note: t}
      arr_growth_per_month: {GROWTH, source: assumption, note: t}
    commitments:
      aws: {amount: {value: 24 billion USD, source: assumption, note: t}, start: 2026, term: 2 yr}
    outputs: [revenue, coverage]
    """)
WORDS = ("arr_growth_per_month = 500 %/month is outside the typical 0-30 %/month; "
         "written as 5; for 5 % write `5 %`")


def growth(value: str) -> str:
    """GROWTH with arr_growth_per_month written ``value`` ('5', '"5 %"', a range '[0.1, 0.4]')."""
    form = "range" if value.startswith("[") else "value"
    return GROWTH.replace("GROWTH", f"{form}: {value}")


def unusual(res) -> list:
    return [f for f in res.findings if f.kind == "unusual"]


# -- the glossary ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", PLAUSIBLE)
def test_the_quantities_easy_to_scale_wrong_have_a_typical_range_and_say_why(name):
    t = typical_of(name)
    assert t is not None and t.low < t.high
    reg = registry()
    ids = {**reg.figures, **reg.sources}
    cited = [w.strip("(),;.") for w in t.note.split() if w.strip("(),;.") in ids]
    assert cited or t.note.startswith("Assumption"), t.note      # a figure in calc/data, or ours


def test_typical_ranges_are_in_the_glossary_unit():
    # "0 %" to "30 %" is 0 to 0.3; "20 USD/MWh" is 20 in the unit USD/MWh; "2 %/yr" is 0.02 /yr
    growth_range = typical_of("arr_growth_per_month")
    assert (growth_range.low, growth_range.high) == (0, 0.3)
    assert (typical_of("electricity_price").low, typical_of("electricity_price").high) == (20, 300)
    assert typical_of("cost_of_capital").low == pytest.approx(0.02)


def _values_of(fig) -> list[float]:
    name_unit = parse_unit(glossary()[fig.quantity]["unit"])
    ends = [fig.low, fig.high] if fig.is_range else []
    return [float(q.to(name_unit).magnitude) for q in [fig.value, *ends]]


def test_no_registry_default_or_catalogue_figure_lies_outside_its_typical_range():
    reg = registry()
    ids = [(q, fid) for q, fid in reg.defaults.items()]
    ids += [(q, acc.figures[q]) for acc in reg.accelerators.values() for q in acc.figures
            if q in PLAUSIBLE]
    checked = 0
    for quantity, fid in ids:
        t = typical_of(quantity)
        if t is None:
            continue
        fig = reg.figure(fid)
        for x in _values_of(fig):
            assert t.low <= x <= t.high, (quantity, fid, x, (t.low, t.high))
            checked += 1
    assert checked >= 20          # the defaults of pue, mfu, electricity_price, ... and each chip's


@pytest.mark.parametrize("typical, words", [
    ('["1 GW", "2 GW"]', "does not fit unit 'dimensionless'"),
    ("[2, 1]", "low must be below high, got [2, 1]"),
    ("[0.5, 2]", "reaches outside the bounds (at least 1)"),
    ("[1, 2, 3]", "expected [low, high] in dimensionless, got [1, 2, 3]"),
])
def test_the_loader_refuses_a_bad_typical_range_at_its_line(tmp_path, typical, words):
    text = ('chips: {unit: chip, meaning: "c"}\n'
            'pue: {unit: dimensionless, meaning: "p", min: 1,\n'
            f'      typical: {typical}, typical_note: "Assumption: t"}}\n')
    (tmp_path / "quantities.yaml").write_text(text)
    loader = Loader(tmp_path)
    loader.load_quantities()
    (problem,) = loader.problems
    path = tmp_path / "quantities.yaml"
    assert problem.startswith(f"{path}:3 (pue).typical | ") and words in problem
    with pytest.raises(CalcError) as exc:           # the glossary as runs read it says the same
        _read(path)
    assert str(exc.value).startswith(f"{path}:3: pue.typical: ") and words in str(exc.value)


def test_a_typical_range_needs_its_note(tmp_path):
    path = tmp_path / "quantities.yaml"
    path.write_text("pue: {unit: dimensionless, min: 1, typical: [1, 2]}\n")
    loader = Loader(tmp_path)
    loader.load_quantities()
    assert loader.problems == [
        f"{path}:1 (pue).typical | typical needs typical_note: why the range "
        "(a figure or source id, or 'Assumption: ...' with the reason)"]


def test_the_shipped_glossary_passes_the_loader():
    loader = Loader(GLOSSARY_FILE.parent)
    loader.load_quantities()
    assert loader.problems == []


# -- input findings ----------------------------------------------------------------------------

def test_a_growth_rate_typed_5_is_an_unusual_finding_worded_as_the_design_says():
    res = calc.load(growth("5")).run()
    (f,) = res.findings
    assert (f.kind, f.quantity, f.variant, f.value, f.unit) == (
        "unusual", "arr_growth_per_month", "base", 5, "")
    assert f.detail == WORDS and f.fails


@pytest.mark.parametrize("written, findings", [
    ('"5 %"', []),                                           # what was meant: inside, nothing said
    ("0.05", []),
    ("0.5", ["arr_growth_per_month = 50 %/month is outside the typical 0-30 %/month"]),  # below 1
    ('"5"', [WORDS]),                                   # a number in quotes is a plain number too
])
def test_only_a_plain_number_of_1_or_more_gets_the_percent_hint(written, findings):
    assert [f.detail for f in calc.load(growth(written)).run().findings] == findings


def test_set_on_the_command_line_and_a_library_input_are_checked_too():
    res = calc.load(growth('"5 %"')).run(sets={"arr_growth_per_month": "5"})
    assert [f.detail for f in res.findings] == [WORDS]
    r = calc.evaluate(outputs=["chips"], inputs={"facility_power": "1 GW", "pue": 12,
                                                 "it_power_per_chip": "2 kW/chip"})
    assert [(f.kind, f.detail) for f in r.findings] == [
        ("unusual", "pue = 12 is outside the typical 1-2")]


def test_a_range_with_an_end_outside_is_a_note_and_a_central_value_outside_is_unusual():
    res = calc.load(growth("[0.1, 0.4]")).run()        # central sqrt(0.04) = 0.2 inside, an end not
    (f,) = res.findings
    assert (f.kind, f.detail, f.fails) == (
        "note", "arr_growth_per_month = 10 to 40 %/month reaches outside the typical 0-30 %/month",
        False)
    res = calc.load(growth("[5, 10]")).run()           # central sqrt(50) = 7.07 (707 %)
    (f,) = res.findings
    assert f.kind == "unusual" and f.detail == (
        "arr_growth_per_month = 707.107 %/month is outside the typical 0-30 %/month; "
        "written as 5; for 5 % write `5 %`")


def test_a_sweep_names_its_point_furthest_outside_and_how_many():
    given = {"value": "1 GW", "source": "assumption", "note": "t"}
    res = calc.load({"name": "s", "inputs": {"facility_power": given,
                                             "it_power_per_chip": {**given, "value": "2 kW/chip"}},
                     "sweep": {"pue": [1.2, 3, 12]}, "outputs": ["chips"]}).run()
    (f,) = unusual(res)
    assert f.point == {"pue": 12} and (f.points, f.of) == (2, 3)
    assert f.detail == "pue = 12 is outside the typical 1-2; at 2 of 3 sweep points"


def test_an_input_inside_every_typical_range_gives_no_finding():
    # every shipped scenario's inputs, figures and defaults lie inside (golden outputs unchanged)
    from calc import shipped
    for name in shipped.names():
        res = calc.load(name).run(samples=0)
        assert [f.detail for f in res.findings if f.kind in ("unusual", "note")] == [], name


# -- solve brackets ------------------------------------------------------------------------------

SOLVE = growth('"5 %"') + textwrap.dedent("""\
    solve:
      for: arr_growth_per_month
      so_that: cumulative_gap
      equals: 0 USD
      between: BETWEEN
      at: 2027
    """)


def test_a_solve_bracket_more_than_10x_beyond_the_typical_range_is_a_finding():
    res = calc.load(SOLVE.replace("BETWEEN", "[0, 50]")).run()
    (f,) = unusual(res)
    assert f.detail == ("arr_growth_per_month = 5000 %/month is outside the typical 0-30 %/month "
                        "(an end of the solve bracket [0, 50]); written as 50; "
                        "for 50 % write `50 %`")
    assert unusual(calc.load(SOLVE.replace("BETWEEN", "[0, 0.5]")).run()) == []  # within 10x
    assert unusual(calc.load(SOLVE.replace("BETWEEN", "[0, 3]")).run()) == []    # 10x, not more


def test_typical_far_is_10x_beyond_either_end():
    t = typical_of("electricity_price")                      # 20-300 USD/MWh
    assert t.far([1.9, 2, 3000, 3001]).tolist() == [True, False, False, True]
    t = typical_of("arr_growth_per_month")                   # 0-30 %: below 0, 10x the width
    assert t.far([-3.01, -0.5, 3, 3.01]).tolist() == [True, False, False, True]


def test_calc_solve_prints_the_bracket_finding(tmp_path):
    (tmp_path / "s.yaml").write_text(growth('"5 %"'))
    args = ("solve", "s.yaml", "--for", "arr_growth_per_month", "--so-that", "cumulative_gap",
            "--equals", "0 USD", "--at", "2027", "--between", "0", "50")
    proc = calc_cli(*args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert ("finding: unusual: arr_growth_per_month = 5000 %/month is outside the typical "
            "0-30 %/month (an end of the solve bracket [0, 50]); written as 50; for 50 % write "
            "`50 %`") in proc.stdout
    doc = json.loads(calc_cli(*args, "--format", "json", cwd=tmp_path).stdout)
    assert [f["kind"] for f in doc["findings"]] == ["unusual"]
    assert calc_cli(*args, "--strict", cwd=tmp_path).returncode == 1      # exit 0 before
    near = args[:-2] + ("0", "0.5")                                      # [0, 0.5]: no finding
    proc = calc_cli(*near, "--strict", cwd=tmp_path)
    assert proc.returncode == 0 and "finding" not in proc.stdout


# -- --strict and every format ---------------------------------------------------------------------

def test_strict_exits_1_on_unusual_but_not_on_a_note(tmp_path):
    (tmp_path / "s.yaml").write_text(growth("5"))
    assert calc_cli("run", "s.yaml", cwd=tmp_path).returncode == 0
    assert calc_cli("run", "s.yaml", "--strict", cwd=tmp_path).returncode == 1
    assert calc_cli("check", "s.yaml", "--strict", cwd=tmp_path).returncode == 1
    proc = calc_cli("run", "s.yaml", "--strict", "--output", "out.md", "--format", "markdown",
                    cwd=tmp_path)
    assert proc.returncode == 1 and "1 unusual figure(s); see out.md" in proc.stderr
    (tmp_path / "s.yaml").write_text(growth("[0.1, 0.4]"))                      # a note only
    proc = calc_cli("run", "s.yaml", "--strict", cwd=tmp_path)
    assert proc.returncode == 0
    assert "–  note: arr_growth_per_month = 10 to 40 %/month" in proc.stdout
    (tmp_path / "s.yaml").write_text(SOLVE.replace("BETWEEN", "[0, 50]"))       # a bracket far out
    assert calc_cli("run", "s.yaml", "--strict", cwd=tmp_path).returncode == 1


def test_calc_check_lists_the_finding_with_its_kind(tmp_path):
    (tmp_path / "s.yaml").write_text(growth("5"))
    proc = calc_cli("check", "s.yaml", cwd=tmp_path)
    assert proc.returncode == 0 and f"  unusual: {WORDS} (base)" in proc.stdout


def test_the_finding_and_its_kind_reach_every_format():
    res = calc.load(growth("5")).run()
    assert f"✗  unusual: {WORDS}" in " ".join(write("table", res).split("\n      "))
    assert f"- ✗ **unusual**: {WORDS} (base)" in write("markdown", res)
    html = write("html", res)
    assert f'<span class="calc-fails">✗ unusual</span>: {WORDS} (base)</li>' in html
    (doc,) = json.loads(write("json", res))["findings"]
    assert (doc["kind"], doc["detail"], doc["value"]) == ("unusual", WORDS, 5)
    df = pd.read_csv(io.StringIO(write("csv", res)))
    (row,) = df[df["kind"] == "finding"].to_dict("records")
    assert row["detail"] == f"unusual: {WORDS}" and row["quantity"] == "arr_growth_per_month"
    wb = openpyxl.load_workbook(io.BytesIO(result_xlsx(res)))
    summary = [c.value for r in wb["summary"].iter_rows() for c in r if c.value is not None]
    assert "✗ unusual" in summary and f"{WORDS} (base)" in summary
    checks = [c.value for r in wb["checks"].iter_rows() for c in r if c.value is not None]
    assert f"unusual: {WORDS}" in checks and "within its typical range" in checks


# -- numbers typed wrong that are refused ------------------------------------------------------

def test_a_plain_number_refused_by_the_bounds_says_how_to_write_the_percentage():
    with pytest.raises(CalcError) as exc:
        calc.evaluate(outputs=["compute_per_year"], inputs={"mfu": 40})
    assert str(exc.value) == ("inputs.mfu: mfu = 40 is out of bounds: mfu is between 0 and 1; "
                              "written as 40; for 40 % write `40 %`")


SCHEDULE = growth('"5 %"').replace(         # the same timeline, its commitment spread by a schedule
    "  aws: {amount: {value: 24 billion USD, source: assumption, note: t}, start: 2026, "
    "term: 2 yr}",
    "  aws:\n    amount: {value: 24 billion USD, source: assumption, note: t}\n"
    "    schedule:\n      2026: FIRST\n      2027: SECOND")


def test_schedule_shares_written_without_percent_say_write_40_percent_under_their_key(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCHEDULE.replace("FIRST", "40").replace("SECOND", "60"))
    with pytest.raises(CalcError) as exc:
        calc.load(path)
    assert exc.value.problems == [
        f"{path}:11: commitments.aws.schedule.2026: 40 is read as 4000 %; write 40 % "
        "(a share is a percentage, 40 %, or a fraction, 0.4)",
        f"{path}:12: commitments.aws.schedule.2027: 60 is read as 6000 %; write 60 % "
        "(a share is a percentage, 60 %, or a fraction, 0.6)"]


def test_schedule_shares_that_do_not_sum_to_100_percent_are_reported_once_at_the_schedule(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCHEDULE.replace("FIRST", "40 %").replace("SECOND", "50 %"))
    with pytest.raises(CalcError) as exc:
        calc.load(path)
    assert exc.value.problems == [f"{path}:10: commitments.aws.schedule: the shares sum to 0.9 "
                                  "(90 %), not 100 %; make them add up to 100 %"]
    path.write_text(SCHEDULE.replace("FIRST", "0.4").replace("SECOND", "60 %"))   # a fraction: fine
    text = path.read_text().replace("[revenue, coverage]", "[revenue, commitment_spend]")
    res = calc.load(text).run()
    spend = [r["value"] for r in res.rows() if r["quantity"] == "commitment_spend"]
    assert np.allclose(spend, [9.6e9, 14.4e9])                  # 40 % and 60 % of 24 billion


def test_calc_check_refuses_a_default_outside_its_typical_range(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    glossary_file = data / "quantities.yaml"
    text = glossary_file.read_text(encoding="utf-8")
    assert "typical: [1, 2], typical_note" in text
    glossary_file.write_text(text.replace("typical: [1, 2], typical_note",
                                          "typical: [1.3, 2], typical_note"), encoding="utf-8")
    loader = Loader(data)
    with pytest.raises(CalcError):
        loader.run()
    line = next(i for i, t in enumerate((data / "defaults.yaml").read_text().splitlines(), 1)
                if t.startswith("pue:"))
    (problem,) = [p for p in loader.problems if "typical" in p]
    assert problem.startswith(f"{data / 'defaults.yaml'}:{line}.pue | figure 'pue_ai_campus' "
                              "(1.24097, 1.1, 1.4 dimensionless) lies outside the typical 1.3-2 of "
                              "pue; a default never does")
