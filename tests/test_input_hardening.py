"""QA report 2, items 2, 5, 13, 15 and 16 (parts): library and command-line input hardening.

Each reproducer of the report is a test; every refusal is a CalcError (exit status 2 on the
command line) whose message is asserted.
"""

from __future__ import annotations

import decimal

import pytest

import calc
from calc.errors import CalcError

from test_hostile import run        # calc ARGS in-process: (exit status, stdout, stderr)


# --- item 2: the timeline's per-period names are not inputs -----------------------------------

def test_set_period_start_is_refused(tmp_path, monkeypatch, capsys):
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", "openai-commitments",
                           "--samples", "0", "--set", "period_start=2020 yr")
    assert status == 2 and out == ""
    assert "--set period_start: period_start is the start of each period, which the timeline " \
           "supplies; it is not an input" in err
    assert "move timeline.start" in err


def test_input_period_end_in_a_file_is_refused():
    text = ("name: p\ntitle: p\naccelerator: b200\n"
            "timeline: {start: 2025, end: 2027, step: year}\n"
            "inputs:\n  period_end: {value: 2020 yr, source: x}\noutputs: [chips]\n")
    with pytest.raises(CalcError) as exc:
        calc.load(text)
    assert "inputs.period_end: period_end is the end of each period" in str(exc.value)
    assert "move timeline.end" in str(exc.value)


def test_solve_for_period_start_is_refused(tmp_path, monkeypatch, capsys):
    status, _, err = run(tmp_path, monkeypatch, capsys, "solve", "openai-commitments",
                         "--samples", "0", "--for", "period_start", "--so-that", "funding_need",
                         "--at-most", "0", "--between", "2025", "2030")
    assert status == 2
    assert "--for period_start is the start of each period" in err


# --- item 5: the library's calls raise CalcError, never Python's own errors -------------------

@pytest.mark.parametrize("value, said", [
    (10 ** 400, "an integer of 401 digits as a quantity: a number beyond the float range"),
    (-10 ** 400, "an integer of 401 digits as a quantity: a number beyond the float range"),
    (decimal.Decimal("NaN"), "Decimal('NaN') as a quantity: not a finite number"),
    (decimal.Decimal("Infinity"), "Decimal('Infinity') as a quantity: not a finite number"),
])
def test_q_refuses_numbers_no_float_holds(value, said):
    with pytest.raises(CalcError) as exc:
        calc.Q(value, "GW")
    assert said in str(exc.value)


def test_q_reads_an_ordinary_decimal():
    assert calc.Q(decimal.Decimal("1.5"), "GW").to("MW").m == pytest.approx(1500)


def test_model_zero_denominator_is_a_calc_error():
    with pytest.raises(CalcError) as exc:
        calc.models.arr_growth_per_month(arr_start=calc.Q("0 USD/yr"),
                                         arr_end=calc.Q("1 USD/yr"), arr_period=calc.Q("1 month"))
    assert "calc.models.arr_growth_per_month: a division by zero (given arr_start=0)" \
        in str(exc.value)
    with pytest.raises(CalcError) as exc:
        calc.models.chips(facility_power=calc.Q("1 GW"), power_per_chip=calc.Q("0 kW/chip"))
    assert "given power_per_chip=0" in str(exc.value)


def test_model_missing_argument_is_a_calc_error():
    with pytest.raises(CalcError) as exc:
        calc.models.chips(facility_power=calc.Q("1 GW"))
    assert "calc.models.chips: missing a required argument: 'power_per_chip'; it takes " \
           "facility_power, power_per_chip by name" in str(exc.value)


@pytest.mark.parametrize("call, said", [
    (lambda: calc.deal_flows("2026-11-30", as_of="2025-01-01"),
     "calc.deal_flows(as_of=None, *, reg=None): multiple values for argument 'as_of'"),
    (lambda: calc.deals(foo=1),
     "calc.deals(buyer=None, *, as_of=None, reg=None): got an unexpected keyword argument 'foo'"),
    (lambda: calc.deal_totals(bar=1),
     "calc.deal_totals(buyer=None, *, as_of=None, reg=None): got an unexpected keyword "
     "argument 'bar'"),
])
def test_deal_views_refuse_unknown_arguments(call, said):
    with pytest.raises(CalcError) as exc:
        call()
    assert said in str(exc.value)


# --- item 13: a long name or value is quoted at most 200 characters ----------------------------

LONG = "a" * 100_000


@pytest.mark.parametrize("args", [
    ("run", "nvidia-1gw", "--set", f"{LONG}=1"),
    ("explain", "nvidia-1gw", LONG),
    ("run", "nvidia-1gw", "--display", f"chips={LONG}"),
    ("run", "nvidia-1gw", "--display", f"{LONG}=GW"),
    ("solve", "nvidia-1gw", "--for", LONG, "--so-that", "chips", "--equals", "1",
     "--between", "1", "2"),
    ("run", "nvidia-1gw", "--variant", LONG),
])
def test_long_input_is_cut_in_messages(tmp_path, monkeypatch, capsys, args):
    status, _, err = run(tmp_path, monkeypatch, capsys, *args)
    assert status == 2
    assert "a" * 40 in err and "100,0" in err      # the start quoted, and the length given
    assert "a" * 201 not in err
    assert len(err) < 1_000


def test_calc_error_cuts_long_words_only():
    exc = CalcError(["short words stay: " + "b" * 300, "x" * 200])
    assert exc.problems == ["short words stay: " + "b" * 200 + "... (300 characters)", "x" * 200]
    assert CalcError(exc.problems).problems == exc.problems      # cut once, not again


# --- item 15: dates and --set messages -----------------------------------------------------------

def test_year_0_reads_the_same_in_set_and_file(tmp_path, monkeypatch, capsys):
    status, _, err = run(tmp_path, monkeypatch, capsys, "run", "openai-commitments",
                         "--samples", "0", "--set", "arr_as_of=0000")
    assert status == 2
    assert "--set arr_as_of: '0000' is not a date: there is no year 0" in err
    from calc import periods
    for text in ("0000-12", "0000-12-01"):
        with pytest.raises(CalcError) as exc:
            periods.parse_date(text, "arr_as_of.value", days=True)
        assert f"'{text}' is not a date: there is no year 0" in str(exc.value)


def test_at_names_a_period_the_timeline_has(tmp_path, monkeypatch, capsys):
    status, _, err = run(tmp_path, monkeypatch, capsys, "solve", "openai-commitments",
                         "--samples", "0", "--for", "arr_growth_per_month", "--so-that",
                         "revenue", "--at-least", "100 billion USD", "--between", "0", "0.2",
                         "--at", "2030-Q2")
    assert status == 2
    assert "2030-Q2 is not a period of this timeline (its periods are years); name the period " \
           "that holds it: 2030" in err


def test_at_without_a_timeline_is_refused(tmp_path, monkeypatch, capsys):
    status, _, err = run(tmp_path, monkeypatch, capsys, "explain", "deals", "ledger_openai_gw",
                         "--at", "2026")
    assert status == 2
    assert "2026 names a period, but the scenario has no timeline; drop it" in err


def test_set_without_the_unit_names_the_set(tmp_path, monkeypatch, capsys):
    status, _, err = run(tmp_path, monkeypatch, capsys, "run", "openai-commitments",
                         "--samples", "0", "--set", "aws_commitment=38")
    assert status == 2
    assert err == ("calc: --set aws_commitment: got a plain number; aws_commitment is money [USD] "
                   "-- give its unit, e.g. --set 'aws_commitment=<number> USD'\n")


def test_date_input_far_outside_plausible_years_is_refused(tmp_path, monkeypatch, capsys):
    status, _, err = run(tmp_path, monkeypatch, capsys, "run", "openai-commitments",
                         "--samples", "0", "--set", "arr_as_of=1000-12")
    assert status == 2
    assert "--set arr_as_of: 1000 is far outside the years a run-rate is measured in " \
           "(1950-2149)" in err


# --- item 16: --output onto the input, a repeated --buyer or --set -----------------------------

def test_output_onto_the_input_is_refused_without_the_format_note(tmp_path, monkeypatch, capsys):
    from helpers import ROOT
    (tmp_path / "ok.yaml").write_text((ROOT / "scenarios" / "nvidia-1gw.yaml").read_text())
    status, _, err = run(tmp_path, monkeypatch, capsys, "run", "ok.yaml", "--output", "ok.yaml")
    assert status == 2
    assert err.startswith("calc: --output ok.yaml: is the input file ok.yaml")
    assert "names no format" not in err


def test_a_repeated_buyer_is_refused(tmp_path, monkeypatch, capsys):
    status, out, err = run(tmp_path, monkeypatch, capsys, "deals", "--buyer", "OpenAI",
                           "--buyer", "Google")
    assert (status, out) == (2, "")
    assert "--buyer given twice (OpenAI and Google); give it once" in err


def test_a_repeated_set_is_refused(tmp_path, monkeypatch, capsys):
    status, out, err = run(tmp_path, monkeypatch, capsys, "run", "nvidia-1gw",
                           "--set", "pue=1.2", "--set", "pue=1.3")
    assert (status, out) == (2, "")
    assert err == "calc: --set pue: given twice (pue=1.2 and pue=1.3); give each name once\n"
