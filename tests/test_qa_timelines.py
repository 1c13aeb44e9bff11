"""QA regressions on timelines, solve and the deals ledger, found by using the shipped scenarios
as an analyst would. Each test asserts a number or a message; the arithmetic is in the comments."""

from __future__ import annotations

import json

import pytest

import calc

from helpers import HAND_TIMELINE as HAND, calc_cli, without_headline



def _write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_anthropic_break_even_is_not_a_year_without_spend():
    # Commitments start in 2026 (azure, nvidia, google_tpu: start 2026), so 2025 has no spend and
    # coverage null. Base, central: revenue 2026 = 30/12 x (1.06^9 - 1.06^-3)/ln 1.06 = 36.5B
    # against 16.9B of spend (coverage 2.15), rising after: the break-even year is 2026, not 2025.
    res = calc.load("anthropic-commitments").run(samples=0)
    rows = {(r["variant"], r["quantity"]): r for r in res.rows() if r["period"] is None}
    assert rows[("base", "break_even")]["value"] == 2026.0
    assert rows[("decaying", "break_even")]["value"] == 2026.0


def test_an_undefined_coverage_names_its_period(tmp_path):
    # HAND with the first deal starting in 2027: 2026 has no spend, so coverage 2026 is null
    # (12B of revenue over 0 USD); 2027 spend = 36 x 12/36 + 18 x 12^2/24^2 = 12 + 4.5 = 16.5B.
    text = HAND.replace("start: 2026, term: 3 yr}", "start: 2027, term: 3 yr}")
    res = calc.load(text).run()
    (f,) = res.findings
    assert f.periods == ("2026",)
    assert f.detail == "coverage is undefined (null) in 2026: no commitment spend in this period"
    out = calc_cli("run", str(_write(tmp_path, text)), "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["findings"][0]["periods"] == ["2026"]
    assert [r["value"] for r in doc["rows"] if r["quantity"] == "commitment_spend"][1] == pytest.approx(16.5e9)


def test_at_on_a_whole_timeline_quantity_is_bad_input(tmp_path):
    # funding_need is one value for the whole timeline (18B for HAND): "funding_need at 2026 = $18.0B"
    # was printed as if 2026 had been read. A check or a solve naming a period for it is exit 2.
    text = HAND + ("checks:\n  - {says: x, source: assumption, note: t, that: funding_need, "
                   "near: 18 billion USD, within: 1%, at: 2026}\n")
    out = calc_cli("run", str(_write(tmp_path, text)))
    assert out.returncode == 2
    assert ("s.yaml:12: checks[0]: at: funding_need has one value for the whole timeline, not one per period, "
            "so 'at: 2026' does not apply; drop at:") in out.stderr
    out = calc_cli("solve", str(_write(tmp_path, HAND)), "--for", "arr_end", "--so-that", "funding_need",
                   "--at-most", "0 USD", "--between", "1 billion USD/yr", "100 billion USD/yr", "--at", "2027")
    assert out.returncode == 2 and "funding_need has one value for the whole timeline" in out.stderr


def test_solve_text_gives_the_unit_once_and_in_display_units(tmp_path):
    path = _write(tmp_path, HAND)
    # funding_need <= 0 needs cumulative revenue A, 2A, 3A >= cumulative spend 12, 28.5, 54 ($B):
    # A >= max(12, 14.25, 18) = 18B a year. Was printed '$18.0B USD/yr' (the unit twice).
    out = calc_cli("solve", str(path), "--for", "arr_end", "--so-that", "funding_need", "--at-most", "0 USD",
                   "--between", "1 billion USD/yr", "100 billion USD/yr")
    assert out.returncode == 0, out.stderr
    assert "arr_end [USD/yr] (base) = $18.0B\n" in out.stdout
    # revenue 2027 at 5 %/month from $12B/yr in 2026-01: 1e9 x (1.05^24 - 1.05^12) / ln 1.05 = 29.2939B;
    # the solved growth is 5 %, shown in % like every growth in tables (was 0.05, with no unit).
    args = ["--for", "arr_growth_per_month", "--so-that", "revenue", "--equals", "29.2939 billion USD",
            "--between", "0", "0.5", "--at", "2027"]
    out = calc_cli("solve", str(path), *args)
    assert "arr_growth_per_month [%] (base) = 5\n" in out.stdout, out.stdout
    doc = json.loads(calc_cli("solve", str(path), *args, "--format", "json").stdout)
    assert doc["rows"][0]["unit"] == "" and doc["rows"][0]["value"] == pytest.approx(0.05, rel=1e-5)
    text = HAND + ("solve: {for: arr_growth_per_month, so_that: revenue, equals: 29.2939 billion USD, "
                   "between: [0, 0.5], at: 2027}\n")
    table = calc_cli("run", str(_write(tmp_path, text))).stdout
    assert "arr_growth_per_month (solved) [%]" in table and " 5 " in table


def test_explain_a_whole_timeline_value_shows_the_period_that_decides_it(tmp_path):
    # HAND's cumulative gap is 0, 4.5, 18 ($B): funding_need = 18B comes from 2028. The tree showed
    # the 2026 inputs ('funding_need = $18.0B' from 'cumulative_gap = $0.00').
    path = _write(tmp_path, HAND)
    out = calc_cli("explain", str(path), "funding_need")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "funding_need (variant base; inputs shown in 2028, the period of the largest cumulative_gap)"
    assert lines[2].endswith("= $18.0B") and "cumulative_gap" in lines[2]
    # break_even: never (coverage 1, 0.727, 0.471), so its inputs are shown in the last period
    out = calc_cli("explain", str(path), "break_even")
    assert out.stdout.splitlines()[0] == "break_even (variant base; inputs shown in 2028, the last period (never breaks even))"
    assert "coverage = compute_share_of_revenue x revenue / commitment_spend (null without spend) = 47.06 %" in out.stdout
    # coverage 2026 = 12 / 12 = 100 %, in % as tables show it (was a plain 1)
    out = calc_cli("explain", str(path), "coverage", "--at", "2026")
    assert "(null without spend) = 100 %" in out.stdout.splitlines()[1]


def test_set_a_date_input_on_the_command_line(tmp_path):
    # --set arr_as_of=2025-08 was refused: "cannot read '2025-08' as a quantity". HAND at 5 %/month
    # with the run-rate of 12B/yr dated 2025-07 instead of 2026-01: the end of 2026 (2027-01) is 18
    # months on, arr_at 2026 = 12 x 1.05^18 = 28.8792B/yr.
    text = HAND.replace("{value: 0, source", "{value: 0.05, source").replace(
        "outputs: [revenue,", "outputs: [arr_at, revenue,")
    out = calc_cli("run", str(_write(tmp_path, text)), "--set", "arr_as_of=2025-07", "--format", "json")
    assert out.returncode == 0, out.stderr
    arr = [r for r in json.loads(out.stdout)["rows"] if r["quantity"] == "arr_at"]
    assert arr[0]["value"] == pytest.approx(12e9 * 1.05 ** 18)
    out = calc_cli("run", str(_write(tmp_path, text)), "--set", "arr_as_of=2025-13")
    assert out.returncode == 2 and "--set arr_as_of: '2025-13' is not a date" in out.stderr


def test_negative_and_rounded_money_reads_as_a_reader_writes_it():
    from calc.format import money

    # openai-commitments, base, 2025: revenue 20/12 x (1.034641 - 1.034641^-11)/ln 1.034641 = 16.99B
    # less 38 x 2/84 = 0.905B of AWS spend: cumulative gap -16.1B, shown '$-16.1B' before.
    assert money(-16.09e9) == "-$16.1B"
    assert money(-99.99e9) == "-$100B"            # was '$-100.0B' (four figures after rounding)
    assert money(999.96e6) == "$1.00B"            # was '$1000M'
    assert money(5.43e9) == "$5.43B" and money(561e6) == "$561M" and money(12.5) == "$12.50"
    res = calc.load("openai-commitments").run(samples=0)
    assert res.value("cumulative_gap", at="2025").m_as("USD") == pytest.approx(-16.09e9, rel=2e-3)


@pytest.mark.parametrize("kind, message", [
    ("tornado", "--plot-kind tornado: draws one value per case; revenue has one per period"),
    ("hist", "--plot-kind hist: draws one value per case; revenue has one per period"),
    ("bars", "--plot-kind bars: draws one value per case; revenue has one per period"),
    ("fan", "--plot-kind fan: not drawn for a scenario with a timeline"),
])
def test_a_per_case_plot_kind_of_a_per_period_quantity_is_exit_2_not_a_crash(tmp_path, kind,
                                                                              message):
    # --plot-kind tornado|hist|bars on anthropic-commitments was exit 3 (TypeError: only 0-dimensional
    # arrays ...): those charts read one value per row; revenue has one per period (funding_need,
    # with one per case, is drawn: tests/test_charts_obey.py).
    out = calc_cli("run", "anthropic-commitments", "--samples", "50", "--plot", str(tmp_path / "p.png"),
                   "--plot-kind", kind, "--plot-quantity", "revenue")
    assert out.returncode == 2, out.stderr
    assert message in out.stderr
    assert "--plot-quantity funding_need or break_even" in out.stderr or kind == "fan"
    assert not (tmp_path / "p.png").exists()


def test_terminal_panels_leave_out_lines_empty_in_them_and_a_fixed_date_has_no_range():
    # anthropic-commitments is too wide for one terminal table: each period's panel listed
    # funding_need, break_even and the solve row with empty cells, and the whole-timeline panel
    # listed every per-period quantity empty. Base break-even is 2026 in every sample (the p05 and
    # p95 are 2026 too), shown '2026', not '2026 (2026–2026)'.
    out = without_headline(calc_cli("run", "anthropic-commitments", "--samples", "100").stdout)
    panels = out.split("\n\n")
    first = next(p for p in panels if "  2025  " in p.splitlines()[0])
    assert "funding_need" not in first and "break_even" not in first and "revenue [USD]" in first
    whole = next(p for p in panels if "whole timeline" in p.splitlines()[0])
    # a per-period quantity is there only with its value in the panel's periods, never empty
    revenue = [ln for ln in whole.splitlines() if "revenue [USD]" in ln]
    assert all("$" in ln for ln in revenue) and "funding_need [USD]" in whole
    heads = [ln.strip() for ln in whole.splitlines() if ln and not ln.startswith(" ")]
    assert heads[heads.index("base") + 1] == "decaying"      # a heading per variant, base first
    line = next(ln for ln in whole.splitlines() if "break_even" in ln)
    assert line.split()[-2] == "2026" and "2026–2026" not in line


def test_a_series_whose_dates_all_fall_after_the_last_period_start_is_bad_input(tmp_path):
    # {2040: 0.1} on 2026..2028 applied 0.1 in every period (before the first point the first value
    # holds), though the user said it starts in 2040.
    text = HAND.replace("arr_growth_per_month: {value: 0, source: assumption, note: t}",
                        "arr_growth_per_month: {over_time: {2040: 0.1}, source: assumption, note: t}")
    out = calc_cli("run", str(_write(tmp_path, text)))
    assert out.returncode == 2
    assert ("s.yaml:9: inputs.arr_growth_per_month: arr_growth_per_month.over_time: every date falls after the "
            "start of the last period (2028)") in out.stderr


def test_a_check_on_break_even_reads_as_a_year(tmp_path):
    # growth 5 %/month: coverage 2026 = 16.31 / 12 >= 1 and later years too (see test_timeline_scenarios):
    # break-even 2026. It was shown '2,026 yr', a never as '- yr', and 'near: 2027' got no hint.
    text = HAND.replace("{value: 0, source", "{value: 0.05, source") + (
        "checks:\n  - {says: x, source: assumption, note: t, that: break_even, between: [2026 yr, 2027 yr]}\n")
    res = calc.load(text).run()
    assert res.checks[0].detail == "break_even = 2026; expected between 2026 and 2027: holds"
    never = HAND + ("checks:\n  - {says: x, source: assumption, note: t, that: break_even, near: 2027 yr, "
                    "within: 1 yr}\n")
    assert calc.load(never).run().checks[0].detail.startswith("break_even = never; expected near 2027 (within 1 yr)")
    plain = HAND + "checks:\n  - {says: x, source: assumption, note: t, that: break_even, near: 2027, within: 1%}\n"
    out = calc_cli("run", str(_write(tmp_path, plain)))
    assert out.returncode == 2 and out.stderr.endswith(
        "checks[0]: within: '1%' is a share, but near is a date; give a time, e.g. within: 1 yr or "
        "within: 6 month\n")


def test_solve_target_without_the_unit_of_so_that_names_both_units():
    # 'chips / 1000' is in chip; '--equals 200' is a plain number. The message said
    # "so_that is in chip but the target is in " (nothing).
    out = calc_cli("solve", "nvidia-1gw", "--for", "pue", "--so-that", "chips / 1000", "--equals", "200",
                   "--between", "1", "2")
    assert out.returncode == 2
    assert out.stderr == ("calc: --equals 200: --so-that 'chips / 1000' is in chip but --equals is "
                          "in a plain number; give --equals in the unit of --so-that, e.g. "
                          "--equals '300 chip'\n")
    # with the unit: 1 GW / (200,000 x 3,333 W/chip) = 1.5 (the GB200 superchip, 120 kW / 36)
    out = calc_cli("solve", "nvidia-1gw", "--for", "pue", "--so-that", "chips / 1000", "--equals", "200 chip",
                   "--between", "1", "2", "--samples", "0")
    assert "pue (base) = 1.5\n" in out.stdout, out.stdout


def test_a_run_without_seed_says_so_and_a_sure_never_is_said_once(tmp_path):
    # HAND at growth 0 never breaks even (coverage 1, 0.727, 0.471) in every sample: the cell read
    # 'never, never in 100 %'; without a seed the header read 'seed None'.
    text = HAND.replace("arr_growth_per_month: {value: 0, source: assumption, note: t}",
                        "arr_growth_per_month: {range: [0, 0.001], source: assumption, note: t}")
    out = without_headline(calc_cli("run", str(_write(tmp_path, text)), "--samples", "20").stdout)
    assert "20 samples, no seed (draws differ from run to run);" in out
    line = next(ln for ln in out.splitlines() if "break_even" in ln)
    assert line.split()[-2] == "never" and "never in" not in line


def test_sensitivity_on_a_timeline_shows_coverage_in_percent(tmp_path):
    # HAND with growth 2-6 %/month: coverage (2028) = revenue 2028 / 25.5B. At g = 2 %:
    # revenue 2028 = 1e9 x (1.02^36 - 1.02^24)/ln 1.02 = 1e9 x (2.03989 - 1.60844)/0.0198026 = 21.787B,
    # coverage 85.44 %; the sensitivity table showed 0.8544 with no unit while tables show %, then
    # '85.44 %' under a [%] header; now as the result table: '85.4'.
    text = HAND.replace("arr_growth_per_month: {value: 0, source: assumption, note: t}",
                        "arr_growth_per_month: {range: [0.02, 0.06], source: assumption, note: t}")
    out = calc_cli("run", str(_write(tmp_path, text)), "--samples", "200", "--seed", "1", "--sensitivity").stdout
    line = next(ln for ln in out.splitlines() if "coverage (2028) [%]" in ln)
    assert line.split()[-4] == "85.4" and "%" not in line.split("]", 2)[-1], line
