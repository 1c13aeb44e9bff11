"""QA findings on messages and ``calc explain``: exact messages and exit codes.

Unused commitments are a note, not a refusal; explain shows a value that is the same in every period
without --at, the solved value of a solve's ``for``, and sweep points as NAME=VALUE (--point);
solve flags are named as flags, with a bracket inside the input's range; Python overrides are
named as ``sets={...}``.
"""

from __future__ import annotations

import numpy as np
import pytest

import calc
from calc.errors import CalcError
from calc.format import quantity
from helpers import BASE, HAND_QUARTERS, HAND_TIMELINE, ROOT, calc_cli

ALL_OUTPUTS = "outputs: [revenue, commitment_spend, coverage, cumulative_gap, funding_need, break_even]"
SOLVE = ("solve: {for: arr_growth_per_month, so_that: cumulative_gap, equals: 0 USD, "
         "between: [0, 0.3], at: 2028}\n")


def _write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 1. commitments no output uses --------------------------------------------------------------
def test_commitments_without_commitment_spend_are_a_note_not_an_error(tmp_path):
    assert ALL_OUTPUTS in HAND_TIMELINE
    _write(tmp_path, HAND_TIMELINE.replace(ALL_OUTPUTS, "outputs: [revenue, arr_at]"))
    out = calc_cli("run", "s.yaml", cwd=tmp_path)
    assert (out.returncode, out.stderr) == (0, "")
    assert ("Note: commitments base_deal, later are not used by any output: add commitment_spend "
            "to outputs") in out.stdout
    assert "c_commitment" not in out.stdout and "base_deal_commitment" not in out.stdout
    res = calc.load(tmp_path / "s.yaml").run()
    assert res.value("revenue", at="2027").m_as("USD") == pytest.approx(12e9)   # no growth
    assert res.notes[-1] == ("commitments base_deal, later are not used by any output: add "
                             "commitment_spend to outputs")


def test_one_unused_capacity_commitment_is_named_in_the_singular(tmp_path):
    text = HAND_TIMELINE.replace(ALL_OUTPUTS, "outputs: [revenue]")
    start = text.index("commitments:")
    end = text.index("inputs:")
    text = text[:start] + (
        "commitments:\n"
        "  rent:\n"
        "    capacity: {value: 1 GW, source: assumption, note: t}\n"
        "    price: {value: 10 billion USD/GW/yr, source: assumption, note: t}\n") + text[end:]
    res = calc.load(_write(tmp_path, text)).run()
    assert res.notes[-1] == ("commitment rent is not used by any output: add commitment_spend to "
                             "outputs")


def test_a_misspelt_input_beside_a_commitment_is_still_refused(tmp_path):
    text = HAND_TIMELINE.replace("  arr_end:", "  arr_endd:")
    out = calc_cli("run", str(_write(tmp_path, text)))
    assert out.returncode == 2
    assert out.stderr.startswith("calc: ") and "inputs.arr_endd" in out.stderr
    assert "commitment" not in out.stderr


# -- 2. explain ------------------------------------------------------------------------------------
def test_explain_a_value_the_same_in_every_period_needs_no_at(tmp_path):
    _write(tmp_path, HAND_TIMELINE)
    out = calc_cli("explain", "s.yaml", "arr_end", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:2] == ["arr_end (variant base, the same in every period)",
                                           "arr_end = $12.0B/yr  (input) [1]"]
    # revenue differs by period (it integrates over each one): --at is still needed
    out = calc_cli("explain", "s.yaml", "revenue", cwd=tmp_path)
    assert (out.returncode, out.stderr) == (
        2, "calc: revenue has a value per period; say which with --at (e.g. --at 2026)\n")


def test_explain_the_solved_input_shows_the_solution_and_its_solve_line(tmp_path):
    _write(tmp_path, HAND_TIMELINE + SOLVE)
    res = calc.load(tmp_path / "s.yaml").run()
    g = res.solutions[0]["value"]
    # the solution does what the solve asked: no cumulative gap at 2028
    check = calc.load(tmp_path / "s.yaml").run(sets={"arr_growth_per_month": g})
    assert abs(check.value("cumulative_gap", at="2028").m_as("USD")) < 1e-3 * 18e9
    assert 0 < g < 0.3
    out = calc_cli("explain", "s.yaml", "arr_growth_per_month", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:3] == [
        "arr_growth_per_month (variant base, the same in every period)",
        f"arr_growth_per_month = {quantity(100 * g, '%')}  (solved: cumulative_gap equals $0.00 "
        "at 2028, arr_growth_per_month searched in [0 %, 30 %]; s.yaml:11: solve)",
        "└─ the input it replaces: 0 %  (input) [1]"]


SWEPT = BASE + "sweep: {facility_power: [1 GW, 2 GW]}\n"


def test_explain_names_a_sweep_point_as_name_equals_value_and_point_chooses_it(tmp_path):
    _write(tmp_path, SWEPT)
    out = calc_cli("explain", "s.yaml", "chips", cwd=tmp_path)
    assert out.stdout.splitlines()[:2] == [
        "chips (variant base, point facility_power=1 GW)",
        "chips = facility_power / power_per_chip = 400,000 chip"]       # 1 GW / 2.5 kW
    out = calc_cli("explain", "s.yaml", "chips", "--point", "facility_power=2 GW", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:2] == [
        "chips (variant base, point facility_power=2 GW)",
        "chips = facility_power / power_per_chip = 800,000 chip"]


@pytest.mark.parametrize("point, message", [
    ("facility_power=3 GW", "calc: no point facility_power=3 GW in variant 'base'; points: "
                            "facility_power=1 GW; facility_power=2 GW\n"),
    ("facility_pwer=2 GW", "calc: point facility_pwer=2 GW: facility_pwer is not swept (did you "
                           "mean 'facility_power'?); swept: facility_power\n"),
    ("facility_power", "calc: --point 'facility_power': expected NAME=VALUE, e.g. --point "
                       "'arr_horizon=10 month'\n"),
])
def test_a_point_that_does_not_match_lists_the_points(tmp_path, point, message):
    _write(tmp_path, SWEPT)
    out = calc_cli("explain", "s.yaml", "chips", "--point", point, cwd=tmp_path)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", message)


# -- 3. solve flags, brackets and Python overrides -------------------------------------------------
SOLVE_PUE = ("solve", "s.yaml", "--for", "pue", "--so-that", "chips", "--equals", "300000 chip")


@pytest.mark.parametrize("args, message", [
    (SOLVE_PUE + ("--between", "0.5", "2"),
     "calc: --between '0.5': pue = 0.5 is out of bounds: pue is at least 1\n"),
    (SOLVE_PUE, "calc: --between is missing: give the bracket to search, [low, high] in the unit "
                "of pue, e.g. --between 1 2\n"),
    (("solve", "s.yaml", "--for", "facility_power", "--so-that", "chips", "--equals",
      "300000 chip"), "calc: --between is missing: give the bracket to search, [low, high] in the "
                      "unit of facility_power, e.g. --between '0 GW' '1 GW'\n"),
    (("solve", "s.yaml", "--for", "pue_", "--so-that", "chips", "--equals", "300000 chip",
      "--between", "1", "2"),
     "calc: --for 'pue_' is not an input of this scenario (did you mean 'pue'?)\n"),
    (SOLVE_PUE + ("--between", "2", "1"), "calc: --between: low must be below high, got "
                                          "['2', '1']\n"),
])
def test_solve_flags_are_named_as_flags(tmp_path, args, message):
    _write(tmp_path, BASE)
    out = calc_cli(*args, cwd=tmp_path)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", message)


def test_a_solve_key_without_a_bracket_suggests_one_inside_the_bounds(tmp_path):
    _write(tmp_path, BASE + "solve: {for: pue, so_that: chips, equals: 300000 chip}\n")
    out = calc_cli("run", "s.yaml", cwd=tmp_path)
    assert (out.returncode, out.stderr) == (
        2, "calc: s.yaml:7: solve: between is missing: give the bracket to search, [low, high] in "
           "the unit of pue, e.g. between: [1, 2] (--between 1 2 on the command line)\n")
    # the suggested bracket works: 1 GW / (2 kW x pue) = 300,000 chips at pue = 5/3 -- in [1, 2]
    _write(tmp_path, BASE + "solve: {for: pue, so_that: chips, equals: 300000 chip, "
                            "between: [1, 2]}\n")
    res = calc.load(tmp_path / "s.yaml").run()
    assert res.solutions[0]["value"] == pytest.approx(5 / 3, rel=1e-5)


def test_python_overrides_are_named_as_sets_not_as_command_line_options(tmp_path):
    sc = calc.load(_write(tmp_path, BASE))
    with pytest.raises(CalcError) as info:
        sc.run(sets={"pue_": 1.3})
    assert str(info.value) == ("sets={'pue_': ...}: not used by any output, derive or check "
                               "(did you mean 'pue'?); remove it or use it")
    with pytest.raises(CalcError) as info:
        sc.run(sets={"pue": "abc"})
    assert str(info.value).startswith("sets={'pue': ...}: cannot read 'abc' as a quantity")
    out = calc_cli("run", "s.yaml", "--set", "pue_=1.3", cwd=tmp_path)
    assert (out.returncode, out.stderr) == (
        2, "calc: --set pue_: not used by any output, derive or check (did you mean 'pue'?); "
           "remove it or use it\n")
    assert np.isclose(sc.run(sets={"pue": 2.5}).value("chips").m_as("chip"), 200_000)


# -- 4. one run says every problem the reading order allows --------------------------------------
MISTAKES = """\
name: five
timeline: {start: 2025-13, end: 2030, step: year}
commitments:
  aws: {amount: {figure: aws_openai_contract_valu}, start: 2025-11, term: 7}
  oracle: {amount: {value: 300 billion USD, source: assumption, note: x}, start: 2027-13, term: 5 yr}
  azure: {amount: {value: 250 billion USD, source: assumption, note: x}, schedule: {2026: 40, 2027: 60}}
inputs:
  arr_end: {value: 20 billion USD/yr, source: assumption, note: x}
  arr_as_of: {value: 2025-12, source: assumption, note: x}
  arr_grwth_per_month: {value: 0.05, source: assumption, note: x}
sampels: 100
outputs: [revenue, commitment_spend, funding_need]
"""
FORMS = "write '2025' (a year), '2025-07' (a month) or '2025-Q3' (a quarter)"
# a month 13 says why (calc.dates.why_not_real)
NOT_A_DATE = "is not a date: there is no month 13; months run 01 to 12; " + FORMS


def test_a_file_with_many_mistakes_is_reported_in_one_run(tmp_path):
    _write(tmp_path, MISTAKES)
    out = calc_cli("run", "s.yaml", cwd=tmp_path)
    assert (out.returncode, out.stdout) == (2, "")
    lines = out.stderr.splitlines()
    assert lines[0].startswith("calc: s.yaml:11: sampels: unknown key (did you mean 'samples'?); "
                               "allowed: ")
    assert lines[1:] == [
        f"calc: s.yaml:2: timeline.start: '2025-13' {NOT_A_DATE}",
        "calc: s.yaml:4: commitments.aws: unknown figure id 'aws_openai_contract_valu' (did you "
        "mean 'aws_openai_contract_value'?); `calc figures` lists them",
        "calc: s.yaml:4: commitments.aws: term: 7 is not a time; write e.g. 7 yr or 84 month",
        f"calc: s.yaml:5: commitments.oracle: start: '2027-13' {NOT_A_DATE} or '2025-08-15' "
        "(a day)",
        "calc: s.yaml:6: commitments.azure.schedule.2026: 40 is read as 4000 %; write 40 % (a share "
        "is a percentage, 40 %, or a fraction, 0.4)",
        "calc: s.yaml:6: commitments.azure.schedule.2027: 60 is read as 6000 %; write 60 % (a share "
        "is a percentage, 60 %, or a fraction, 0.6)",
        "calc: s.yaml:10: inputs.arr_grwth_per_month: not used by any output, derive or check (did "
        "you mean 'arr_growth_per_month'?); remove it or use it"]


def test_an_input_a_derive_names_is_not_called_unused_beside_other_problems(tmp_path):
    text = BASE + ("  my_factor: {value: 2, source: assumption, note: t}\n"
                   "  my_typo: {value: 3, source: assumption, note: t}\n"
                   "derive: {twice: {expr: 'my_factor * chips'}}\n"
                   "sampels: 10\n")
    assert text.index("  my_factor") > text.index("outputs: [chips]")   # BASE ends in outputs
    text = text.replace("outputs: [chips]\n", "") + "outputs: [chips]\n"
    out = calc_cli("run", "s.yaml", cwd=_write(tmp_path, text).parent)
    assert out.returncode == 2
    assert out.stderr.splitlines()[1:] == [
        "calc: s.yaml:7: inputs.my_typo: not used by any output, derive or check; remove it or "
        "use it"], out.stderr


def test_a_commitments_term_cannot_be_overridden_where_it_would_change_nothing(tmp_path):
    # the term spreads the amount when the file is read: a --set or a variant giving another one
    # used to be accepted and change no number (2027's spend stayed 139.2 billion)
    done = calc_cli("run", "openai-commitments", "--samples", "0",
                    "--set", "oracle_commitment_term=2 yr")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("calc: --set oracle_commitment_term: oracle_commitment_term is the term "
                           "of commitments.oracle, read with the file to spread its amount over "
                           "whole months; an override cannot move it -- edit term: in "
                           "commitments.oracle\n")
    text = (ROOT / "scenarios" / "openai-commitments.yaml").read_text(encoding="utf-8")
    text = text.replace("variants:\n", "variants:\n  short:\n    inputs:\n"
                        "      oracle_commitment_term: {value: 2 yr, source: assumption, note: t}\n",
                        1)
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    done = calc_cli("run", str(tmp_path / "s.yaml"), "--samples", "0")
    assert done.returncode == 2
    assert "s.yaml: variants.short.inputs.oracle_commitment_term: oracle_commitment_term is the " \
           "term of commitments.oracle" in done.stderr


# -- 4. third QA round: flags named as flags, --point as --set reads it, one round of errors ------
SOLVE_GAP = ("solve", "s.yaml", "--for", "arr_growth_per_month", "--so-that", "cumulative_gap")


@pytest.mark.parametrize("args, message", [
    (SOLVE_GAP + ("--equals", "0", "--between", "0", "0.3"),
     "calc: --so-that cumulative_gap has a value per period; say which with --at (e.g. --at "
     "2028)\n"),
    (SOLVE_GAP + ("--equals", "5 GW", "--between", "0", "0.3", "--at", "2028"),
     "calc: --equals 5 GW: --so-that cumulative_gap is in USD but --equals is in GW; give "
     "--equals in the unit of --so-that, e.g. --equals '0 USD'\n"),
    (("solve", "s.yaml", "--for", "pue", "--so-that", "cumulative_gap", "--equals", "0",
      "--between", "1", "2", "--at", "2028"),
     "calc: --for 'pue' is not an input of this scenario (nothing in this scenario uses it); "
     "inputs: arr_as_of, arr_end, arr_growth_per_month, base_deal_commitment, "
     "compute_share_of_revenue, later_commitment, period_end, period_start\n"),
    (("solve", "s.yaml", "--for", "arr_growth_per_month", "--so-that", "funding_need",
      "--equals", "0", "--between", "0", "0.3", "--at", "2028"),
     "calc: --at 2028: funding_need has one value for the whole timeline, not one per period; "
     "drop --at\n"),
])
def test_solve_flag_errors_name_the_flag_not_the_files_solve_line(tmp_path, args, message):
    _write(tmp_path, HAND_TIMELINE + SOLVE)          # the file's own solve: is not the problem
    out = calc_cli(*args, cwd=tmp_path)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", message)


def test_the_files_solve_still_names_its_line_and_keys(tmp_path):
    _write(tmp_path, HAND_TIMELINE + SOLVE.replace(", at: 2028", ""))
    out = calc_cli("run", "s.yaml", cwd=tmp_path)
    assert (out.returncode, out.stderr) == (
        2, "calc: s.yaml:11: solve: cumulative_gap has a value per period; say which with at: "
           "(e.g. at: 2028)\n")


UNCERTAIN_QUARTERS = HAND_QUARTERS.replace("arr_growth_per_month: {value: 0.1,",
                                           "arr_growth_per_month: {range: [0.05, 0.15],")


@pytest.mark.parametrize("at, message", [
    ("2026", "calc: --at: 2026 is not a period of the timeline; it spans more than one quarter; "
             "name one period, e.g. 2026-Q1 (the timeline runs 2026-Q1 .. 2026-Q4)\n"),
    ("2027", "calc: --at: 2027 is not a period of the timeline; the timeline runs 2026-Q1 .. "
             "2026-Q4\n"),
])
def test_run_sensitivity_at_names_the_flag_and_the_periods(tmp_path, at, message):
    assert UNCERTAIN_QUARTERS != HAND_QUARTERS
    _write(tmp_path, UNCERTAIN_QUARTERS)
    out = calc_cli("run", "s.yaml", "--sensitivity", "--at", at, cwd=tmp_path)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", message)
    ok = calc_cli("run", "s.yaml", "--sensitivity", "--at", "2026-Q2", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "revenue (2026-Q2) [USD]" in ok.stdout


@pytest.mark.parametrize("point", ["arr_horizon=10", "arr_horizon=10 month",
                                   "arr_horizon=0.8333333333333333 yr"])
def test_point_reads_a_bare_number_in_the_glossary_unit(point):
    out = calc_cli("explain", "anthropic-arr", "arr_projected", "--point", point)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "arr_projected (variant base, point arr_horizon=10 month)"


def test_point_given_twice_is_refused_and_a_bare_number_off_the_grid_lists_the_points():
    out = calc_cli("explain", "anthropic-arr", "arr_projected", "--point", "arr_horizon=10",
                   "--point", "arr_horizon=4 month")
    assert (out.returncode, out.stdout, out.stderr) == (
        2, "", "calc: --point arr_horizon: given twice (arr_horizon=10 and arr_horizon=4 month); "
               "give each swept name once\n")
    out = calc_cli("explain", "anthropic-arr", "arr_projected", "--point", "arr_horizon=11")
    assert (out.returncode, out.stderr) == (
        2, "calc: no point arr_horizon=11 in variant 'base'; points: arr_horizon=4 month; "
           "arr_horizon=10 month; arr_horizon=16 month\n")


def test_a_bad_commitment_start_does_not_hide_its_term(tmp_path):
    deal = "start: 2026, term: 12 month"
    assert deal in HAND_QUARTERS
    path = _write(tmp_path, HAND_QUARTERS.replace(deal, "start: 2026-14, term: 3.5 month"))
    out = calc_cli("run", str(path))
    assert (out.returncode, out.stdout, out.stderr) == (2, "", (
        f"calc: {path}:4: commitments.deal: start: '2026-14' is not a date: there is no month 14; "
        "months run 01 to 12; write '2025' (a year), "
        "'2025-07' (a month) or '2025-Q3' (a quarter) or '2025-08-15' (a day)\n"
        f"calc: {path}:4: commitments.deal: term: '3.5 month' is 3.5 months; a term must be a "
        "whole number of months\n"))
    path = _write(tmp_path, HAND_QUARTERS.replace(deal, "term: 3.5 month"))
    out = calc_cli("run", str(path))
    assert out.returncode == 2 and out.stderr.splitlines() == [
        f"calc: {path}:4: commitments.deal: start is missing; a commitment needs start and term "
        "(or a schedule)",
        f"calc: {path}:4: commitments.deal: term: '3.5 month' is 3.5 months; a term must be a "
        "whole number of months"]


def test_every_checks_problem_is_said_in_one_run(tmp_path):
    path = _write(tmp_path, HAND_QUARTERS + (
        "checks:\n"
        "  - {says: a, source: assumption, note: t, that: revenue, near: 1 billion USD, "
        "within: 10%}\n"
        "  - {says: b, source: assumption, note: t, that: coverage, near: 1, within: 10%}\n"
        "  - {says: c, source: assumption, note: t, that: revenue, near: 1 billion USD, "
        "within: 50%, at: 2026-Q3}\n"))
    out = calc_cli("run", str(path))
    assert out.returncode == 2 and out.stderr.splitlines() == [
        f"calc: {path}:11: checks[0]: revenue has a value per period; say which with at: (e.g. "
        "at: 2026-Q4)",
        f"calc: {path}:12: checks[1]: coverage has a value per period; say which with at: (e.g. "
        "at: 2026-Q4)"]
