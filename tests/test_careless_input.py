"""Hostile and careless input in the library and the command line (QA report of 7 December):
dates given as datetimes, quantities that are not numbers, a target year 0, a chart written over
by its own table, raises outside the timeline, hints that must work as given."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

import calc
from calc.errors import CalcError
from helpers import HAND_TIMELINE, calc_cli


# -- 1: every as_of / at given as a datetime, a date or a string goes through one date reader ------
def test_a_datetime_as_of_is_its_date_in_deals_totals_and_flows():
    # was TypeError: can't compare datetime.datetime to datetime.date
    noon = datetime(2025, 11, 30, 12)
    assert calc.deals(as_of=noon).equals(calc.deals(as_of="2025-11-30"))
    assert calc.deal_totals(as_of=noon).equals(calc.deal_totals(as_of=date(2025, 11, 30)))
    assert calc.deal_flows(as_of=noon) == calc.deal_flows(as_of="2025-11-30")


def test_a_bad_as_of_is_refused_with_the_forms():
    with pytest.raises(CalcError) as info:
        calc.deals(as_of=2025.5)
    assert str(info.value).startswith("as_of '2025.5' is not a date form calc reads: 'YYYY-MM-DD'")
    with pytest.raises(CalcError) as info:
        calc.deal_totals(as_of="2025-02-30")
    assert str(info.value) == ("as_of '2025-02-30' is not a real date: February 2025 has 28 days; "
                               "e.g. 2025-11-30")


def test_a_datetime_at_names_its_day_which_is_no_period():
    res = calc.load("openai-commitments").run(samples=0)
    with pytest.raises(CalcError) as info:
        res.value("revenue", at=datetime(2027, 1, 1, 12))
    assert str(info.value) == ("at: '2027-01-01' is a day; here write '2025' (a year), '2025-07' "
                               "(a month) or '2025-Q3' (a quarter)")
    assert res.value("revenue", at=2027) == res.value("revenue", at="2027")


# -- 2: calc.Q refuses what is no amount, as its text form does -----------------------------------
@pytest.mark.parametrize("value, shown", [(True, "True"), (False, "False")])
def test_true_and_false_are_not_quantities(value, shown):
    with pytest.raises(CalcError) as info:              # was pint's TypeError: Invalid magnitude
        calc.Q(value, "GW")
    assert str(info.value).startswith(f"cannot read {shown} as a quantity: True and False are not "
                                      "numbers; expected a number or a string such as '2.2 GW'")


@pytest.mark.parametrize("value, shown", [
    (float("nan"), "nan"), (float("inf"), "inf"), (float("-inf"), "-inf"),
    (np.array([1.0, np.nan]), "an array holding nan"),
])
def test_nan_and_infinity_are_refused_as_numbers_as_they_are_as_text(value, shown):
    with pytest.raises(CalcError) as info:              # was accepted: Q(nan, 'GW') = nan GW
        calc.Q(value, "GW")
    assert str(info.value) == f"cannot read {shown} as a quantity: not a finite number"
    with pytest.raises(CalcError, match="not a finite number"):
        calc.Q("nan GW")


def test_a_finite_number_or_array_still_reads():
    assert calc.Q(2.5, "GW").to("MW").magnitude == pytest.approx(2500)
    assert calc.Q(np.array([1.0, 2.0]), "GW").magnitude.tolist() == [1.0, 2.0]


# -- 20: unit messages in calc's words -------------------------------------------------------------
@pytest.mark.parametrize("text, why", [
    # 'G W' was G x W, the gravitational constant times watts: 'mass^1.5 x length^1.5 per time^4'
    ("1 G W", "a space between two units multiplies them ('G' x 'W'); did you mean 'GW'?"),
    ("2 G W/chip",
     "a space between two units multiplies them ('G' x 'W'); did you mean 'GW/chip'?"),
    # pint's 'Unit expression cannot have a scaling factor' leaked
    ("10*GW", "unknown unit '*GW'; expected forms like '2.2 GW', '$1.25B', '1.25 billion USD', "
              "'200k chip', '80 USD/MWh', '25 %', '7 month'"),
    ("2030-13", "it is written as a date, and a date is not a quantity here; expected a number "
                "and a unit, like '2.2 GW', '$1.25B', '1.25 billion USD', '200k chip', "
                "'80 USD/MWh', '25 %', '7 month'"),
])
def test_unit_messages_say_what_is_wrong(text, why):
    with pytest.raises(CalcError) as info:
        calc.Q(text)
    assert str(info.value) == f"cannot read {text!r} as a quantity: {why}"


def test_a_space_that_changes_nothing_is_still_read():
    assert calc.Q("2 W h").to("J").magnitude == pytest.approx(7200)       # W h = Wh = 3600 J
    assert calc.Q("1 billion USD").to("USD").magnitude == pytest.approx(1e9)


# -- 7: a date target that names no year is refused, not read as year 0 or year 2 -----------------
SOLVE = ("solve", "openai-commitments", "--for", "arr_growth_per_month", "--so-that", "break_even",
         "--between", "0", "0.3", "--samples", "0")
FORMS = ("write '2025' (a year), '2025-07' (a month) or '2025-Q3' (a quarter) or '2025-08-15' "
         "(a day)")


@pytest.mark.parametrize("target, message", [
    # was exit 0: 'no value ... makes break_even at most 0000'
    ("0000", "'0000' is not a real date: there is no year 0 (1 BC is followed by 1 AD)"),
    ("0", f"'0' is not a year; a date is expected here: {FORMS}"),
    ("2", f"'2' is not a year; a date is expected here: {FORMS}"),
    # was "unknown unit '-13'"
    ("2030-13", "'2030-13' is not a real date: there is no month 13; months run 01 to 12"),
])
def test_a_solve_date_target_that_names_no_year_is_refused(target, message):
    out = calc_cli(*SOLVE, "--at-most", target)
    assert (out.returncode, out.stdout, out.stderr) == (2, "", f"calc: --at-most: {message}\n")


def test_a_solve_date_target_as_a_year_still_solves():
    out = calc_cli(*SOLVE, "--at-most", "2028")
    assert out.returncode == 0 and "arr_growth_per_month [%] (base) = 6.94" in out.stdout


def test_a_check_below_year_zero_is_refused_at_its_line(tmp_path):
    text = HAND_TIMELINE + ("checks:\n  - {says: x, source: assumption, note: n, that: break_even, "
                            "below: 0}\n")
    (tmp_path / "s.yaml").write_text(text)
    out = calc_cli("run", "s.yaml", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr == ("calc: s.yaml:12: checks[0]: below: 0 is not a year; a date is "
                          f"expected here: {FORMS}\n")


# -- 8: calc deals --flows refuses a chart and a table written to one file -----------------------
def test_deals_flows_refuses_the_plot_as_its_own_output(tmp_path):
    out = calc_cli("deals", "--flows", "--plot", "s.png", "--output", "./s.png", cwd=tmp_path)
    assert (out.returncode, out.stderr) == (
        2, "calc: --plot s.png: is also the --output file; give two different names\n")
    assert list(tmp_path.iterdir()) == []               # was exit 0, s.png left holding text


def test_deals_flows_writes_the_chart_and_the_table_to_two_files(tmp_path):
    out = calc_cli("deals", "--flows", "--plot", "f.png", "--output", "f.csv", cwd=tmp_path)
    assert out.returncode == 0
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "f.csv").read_text().splitlines()[0].startswith("payer,payee,kind,usd_firm")


# -- 14: a raise outside the timeline is named in a note, and the docs say what happens to it -----
FINANCED = HAND_TIMELINE.replace("outputs: [revenue, commitment_spend, coverage, cumulative_gap, "
                                 "funding_need, break_even]\n", "") + """\
financing:
  cash: {value: 10 billion USD, source: assumption, note: t}
  raises:
    early: {amount: {value: 5 billion USD, source: assumption, note: t}, date: 2020-03}
    late: {amount: {value: 7 billion USD, source: assumption, note: t}, date: 2030-03}
    inside: {amount: {value: 1 billion USD, source: assumption, note: t}, date: 2027-03}
outputs: [raises, cash_balance]
"""


def test_raises_outside_the_timeline_are_noted_and_not_added():
    res = calc.load(FINANCED).run(samples=0)
    assert [n for n in res.notes if n.startswith("financing.raises.")] == [
        "financing.raises.early.date 2020-03 is before the timeline starts (2026): the raise is "
        "not added, as cash is what is on hand at the start; if cash leaves it out, add it to cash",
        "financing.raises.late.date 2030-03 is after the timeline ends (2028): the raise is left "
        "out"]
    # 36 + 18 billion of commitments, 12 of revenue a year; only the 2027 raise (1) lands:
    # 2026: 10 + 12 - 12 = 10; 2027: 10 + 12 - 12 - 4.5 + 1 = 6.5; 2028: 6.5 + 12 - 12 - 13.5 = -7
    balances = res.value("cash_balance").to("billion USD").magnitude.tolist()
    assert balances == pytest.approx([10.0, 6.5, -7.0])
    assert res.value("raises").to("billion USD").magnitude.tolist() == pytest.approx([0, 1, 0])


def test_the_readme_says_a_raise_before_the_start_is_not_added():
    from helpers import ROOT
    text = " ".join((ROOT / "README.md").read_text().split())
    assert ("A raise (or ledger row) dated before the timeline's start is **not** added: `cash` is "
            "what is on hand at the start") in text


# -- 15: the hint names the unit the quantity needs, and following it works -----------------------
@pytest.mark.parametrize("given, hint", [
    ("5", "written as 5; for 5 %/yr write `5 %/yr`"),              # was 'for 5 % write `5 %`'
    ("5 %", "interest_rate is a rate per year: write `5 %/yr`"),   # what that hint led to
    ("0.05", "interest_rate is a rate per year: write `5 %/yr`"),
])
def test_a_rate_per_year_given_without_its_time_says_how_to_write_it(given, hint):
    out = calc_cli("run", "hsbc-openai", "--samples", "0", "--set", f"interest_rate={given}")
    assert (out.returncode, out.stdout) == (2, "")
    assert out.stderr == ("calc: --set interest_rate: interest_rate: expected per time [1/yr], "
                          f"got a plain number{' [%]' if '%' in given else ''}; {hint}\n")


def test_the_hinted_form_runs():
    out = calc_cli("run", "hsbc-openai", "--samples", "0", "--set", "interest_rate=5 %/yr")
    assert out.returncode == 0 and out.stderr == ""
    assert "set on the command line" in calc_cli("explain", "hsbc-openai", "interest_rate",
                                                 "--set", "interest_rate=5 %/yr").stdout


# -- 16: --set ledger_as_of re-dates the deals ledger for one run -------------------------------
def _gw_row(stdout: str) -> list[str]:
    return next(line.split()[2:] for line in stdout.splitlines()
                if line.startswith("ledger_openai_gw [GW]"))


def test_set_ledger_as_of_redates_every_column():
    # the file's dates: base 30 Nov 2025, oct-2025 22 Oct 2025, nov-2026 30 Nov 2026; the ledger
    # grew and shrank between them (README: 35.2, 34.2 and 32.1 GW)
    base, october, later = _gw_row(calc_cli("run", "deals", "--samples", "0").stdout)
    assert len({base, october, later}) == 3
    out = calc_cli("run", "deals", "--samples", "0", "--set", "ledger_as_of=2025-10-22")
    assert out.returncode == 0 and _gw_row(out.stdout) == [october] * 3
    # before OpenAI's first power deal (Stargate, 21 January 2025): was "unknown unit '-01-01'"
    out = calc_cli("run", "deals", "--samples", "0", "--set", "ledger_as_of=2025-01-01")
    assert out.returncode == 0 and _gw_row(out.stdout) == ["0", "0", "0"]


def test_set_ledger_as_of_from_python_and_its_refusals():
    res = calc.load("deals").run(samples=0, sets={"ledger_as_of": date(2025, 10, 22)})
    plain = calc.load("deals").run(samples=0)
    assert (res.value("ledger_openai_gw", variant="nov-2026")
            == plain.value("ledger_openai_gw", variant="oct-2025"))
    out = calc_cli("run", "deals", "--set", "ledger_as_of=2025-02-30")
    assert (out.returncode, out.stderr) == (
        2, "calc: --set ledger_as_of '2025-02-30' is not a real date: February 2025 has 28 days; "
           "e.g. 2025-11-30\n")
    # a scenario reading no ledger figure: accepted with a note, as ledger_as_of in the file is
    out = calc_cli("run", "nvidia-1gw", "--samples", "0", "--set", "ledger_as_of=2025-01-01")
    assert out.returncode == 0, out.stderr
    assert "reads no deals_*/deal_* figure" in " ".join(out.stdout.split())


# -- 20: a did-you-mean points to the row meant, not a similar-looking one -----------------------
def test_a_column_the_row_lacks_suggests_the_same_row():
    # was 'deal_openai_nvidia_2025_09_amount', the 100 billion USD investment row
    with pytest.raises(CalcError) as info:
        calc.figure("deal_openai_nvidia_systems_2025_09_amount")
    assert "(did you mean 'deal_openai_nvidia_systems_2025_09_power'?)" in str(info.value)


def test_the_closest_choice_is_kept_when_no_choice_shares_the_stem():
    from calc.suggest import closest
    assert closest("facility_pwer", ["facility_power", "pue"]) == "facility_power"
    assert closest("deal_x_2025_amount", ["deal_x_2025_power", "deal_x_2024_amount"]) == \
        "deal_x_2025_power"
    assert closest("zzz_qqq", ["facility_power"]) is None


# -- 23: a 20,000-character name gives a chart with a title of three lines, and no warning -------
def test_a_huge_scenario_name_is_cut_in_chart_titles(tmp_path):
    import warnings
    (tmp_path / "s.yaml").write_text(HAND_TIMELINE.replace("name: hand", "name: " + "x" * 20000))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = calc_cli("run", "s.yaml", "--plot", "c.png", "--output", "r.html", cwd=tmp_path)
    # was: UserWarning 'constrained_layout not applied because axes sizes collapsed to zero'
    assert out.returncode == 0 and out.stderr == ""
    assert [str(w.message) for w in caught if issubclass(w.category, UserWarning)] == []
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert "<img" in (tmp_path / "r.html").read_text()          # the page's chart


def test_fit_text_keeps_at_most_three_lines():
    import matplotlib
    matplotlib.use("Agg")
    from calc.output.plots import TITLE_LINES, _pyplot, fit_text
    fig = _pyplot().figure(figsize=(9, 5))
    title = fit_text(fig, fig.suptitle("word " * 4000))
    lines = title.get_text().split("\n")
    assert TITLE_LINES == 3 and len(lines) == 3 and lines[-1].endswith("…")
    _pyplot().close(fig)


# -- 23: an output listed twice is refused at its line --------------------------------------------
def test_an_output_listed_twice_is_refused_at_its_line(tmp_path):
    twice = HAND_TIMELINE.replace("outputs: [revenue, ", "outputs: [revenue, revenue, ")
    (tmp_path / "s.yaml").write_text(twice)
    out = calc_cli("run", "s.yaml", cwd=tmp_path)
    # was accepted silently, the row shown once
    assert (out.returncode, out.stdout, out.stderr) == (
        2, "", "calc: s.yaml:10: outputs[1]: 'revenue' is listed twice (also outputs[0]); give "
               "each output once\n")


def test_deals_as_of_a_day_that_does_not_exist_says_why():
    out = calc_cli("deals", "--as-of", "2025-02-30")
    # was "not a date form calc reads: 'YYYY-MM-DD', ..." though it is in that form
    assert (out.returncode, out.stdout, out.stderr) == (
        2, "", "calc: --as-of '2025-02-30' is not a real date: February 2025 has 28 days; "
               "e.g. 2025-11-30\n")


def test_ledger_rows_before_the_timeline_are_noted_at_the_date_the_ledger_is_read():
    text = FINANCED.replace("  raises:\n", "  from_ledger: {buyer: Anthropic}\n  raises:\n")
    text = text.replace("timeline: {start: 2026, end: 2028, step: year}",
                        "timeline: {start: 2025, end: 2026, step: year}\nledger_as_of: 2026-11-30")
    sc = calc.load(text)
    ledger = [n for n in sc.run(samples=0).notes if n.startswith("financing.from_ledger:")]
    # Amazon's 4 billion USD of November 2024 landed before the 2025 start: in cash, not added
    assert len(ledger) == 1 and "anthropic_amazon_2024_11 (2024-11)" in ledger[0]
    assert ledger[0].endswith("are before the timeline starts (2025): they are not added, as cash "
                              "is what is on hand at the start; if cash leaves them out, add them "
                              "to cash")
    # after the ledger's first deal (2023-01), before any of Anthropic's (2023-09)
    early = sc.run(samples=0, sets={"ledger_as_of": "2023-06-30"})
    assert [n for n in early.notes if n.startswith("financing.from_ledger:")] == []
