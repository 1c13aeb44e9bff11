"""The deals ledger read at a date (QA report of 7 December 2026): a report is never on the ledger
before the deal it reports, every total has a name on every date, dated views show no later
events, and the columns keep own spending out and builders' "up to" in."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

import calc
from calc import ledger_count
from calc.registry import registry

B = 1e9


def _totals(buyer: str, as_of: str) -> dict:
    return calc.deal_totals(buyer, as_of=as_of).iloc[0].to_dict()


# -- item 3: a coarse-dated report does not precede the deal it reports --------------------------
def test_36kr_report_of_google_tpu_deal_waits_for_cnbc():
    # before CNBC's 23 October 2025 report nothing of the TPU deal counts (36Kr's 200-1,000
    # billion used to from 1 October)
    early = _totals("Anthropic", "2025-10-15")
    assert (early["payments_vague_low"], early["payments_vague_high"]) == (0.0, 0.0)
    late = _totals("Anthropic", "2025-10-24")
    assert (late["payments_vague_low"], late["payments_vague_high"]) == (20 * B, 100 * B)


def test_36kr_at_least_1_gw_waits_for_nvidia_announcement():
    # 10 November 2025: Google's more than 1 GW only; 36Kr's "at least 1 GW" of NVIDIA capacity
    # (dated "2025-11") is not on the ledger before the announcement of 18 November
    before = _totals("Anthropic", "2025-11-10")
    assert (before["power_firm"], before["power_up_to"]) == (1.0, 0.0)
    after = _totals("Anthropic", "2025-11-18")
    assert (after["power_firm"], after["power_up_to"]) == (1.0, 1.0)
    ledger = registry().ledger
    row = ledger.deal("anthropic_nvidia_gw_2025_11_36kr")
    counting = ledger_count.Counting(ledger, date(2025, 11, 17))
    assert counting.since[row.id] == date(2025, 11, 18)
    assert not counting.present(row)


# -- item 19: builders' "up to" has a column; a buyer's own build is in no total -----------------
def test_stargate_up_to_500_billion_is_builders_capex_up_to():
    mid_2025 = _totals("OpenAI", "2025-06-30")
    assert mid_2025["builders_capex"] == 0.0
    assert mid_2025["builders_capex_up_to"] == 500 * B          # Stargate, January 2025
    # superseded by the September plan (more than 400 billion, firm)
    oct_2025 = _totals("OpenAI", "2025-09-30")
    assert (oct_2025["builders_capex"], oct_2025["builders_capex_up_to"]) == (400 * B, 0.0)


def test_amazons_own_indiana_build_is_not_its_payment():
    amazon = _totals("Amazon", "2026-11-30")
    # 5.5 billion of payments; the 11 billion Rainier campus (payee null) is Amazon's own spending
    assert amazon["payments_firm"] == 5.5 * B
    assert "amazon_rainier_indiana_2025_11" not in registry().figure(
        "deals_amazon_payments_firm").formula
    assert amazon["power_firm"] == 2.5                          # its campus's 2.2 GW still counts


# -- item 4: every buyer's every column has a name, zero where no row counts today ---------------
AS_OF_SCENARIO = """name: as-of
outputs: [gw_up_to]
ledger_as_of: 2026-04-14
derive:
  gw_up_to: {expr: "deals_openai_power_up_to", unit: GW}
  gw_up_to_alias: {expr: "deals_openai_gw_up_to", unit: GW}
  oracle_paid: {expr: "deals_oracle_payments_firm", unit: USD}
  nebius_backed: {expr: "deals_nebius_guarantees", unit: USD}
"""


def test_a_column_zero_today_can_be_named_at_another_date():
    res = calc.load(AS_OF_SCENARIO).run()
    value = lambda name, unit: float(res.value(name).to(unit).magnitude)  # noqa: E731
    as_of = _totals("OpenAI", "2026-04-14")["power_up_to"]
    assert as_of > 0
    assert value("gw_up_to", "GW") == as_of
    assert value("gw_up_to_alias", "GW") == as_of
    assert value("oracle_paid", "USD") == 0.0
    assert value("nebius_backed", "USD") == 0.0


def test_a_zero_column_is_a_figure_that_says_so():
    figure = registry().figure("deals_nebius_guarantees")
    assert float(figure.value.to("USD").magnitude) == 0.0
    assert "No row of Nebius counts in this column" in figure.note


# -- item 23: financing.from_ledger.buyer reads any case, as --buyer does ------------------------
def test_from_ledger_buyer_is_not_case_sensitive():
    from test_financing import LEDGER, run, series

    assert series(run(LEDGER.replace("buyer: OpenAI", "buyer: openai")), "raises") == [75.0, 0.0]


# -- item 12: a buyer with no deal yet, and a day before the ledger's first row ------------------
def test_a_buyer_not_yet_on_the_ledger_is_told_so():
    from helpers import calc_cli

    for args in ((), ("--totals",)):
        res = calc_cli("deals", *args, "--buyer", "Google", "--as-of", "2024-06-30")
        assert res.returncode == 2
        assert "no deals for buyer 'Google' as of 2024-06-30: its first was announced" in res.stderr
        assert "Google" not in res.stderr.split("the buyers as of then are")[1]


def test_every_view_refuses_a_day_before_the_first_deal():
    from helpers import calc_cli

    for args in ((), ("--totals",), ("--flows",)):
        res = calc_cli("deals", *args, "--as-of", "1900-01-01")
        assert res.returncode == 2, args
        assert "as of 1900-01-01 the ledger has no deals; its first was announced" in res.stderr
    for view in (calc.deals, calc.deal_totals, calc.deal_flows):
        with pytest.raises(calc.CalcError, match="as of 1900-01-01 the ledger has no deals"):
            view(as_of="1900-01-01")


# -- item 23: a buyer none of whose rows counts is no row of dashes ------------------------------
def test_totals_leave_out_a_buyer_with_nothing_counted_unless_named():
    everyone = calc.deal_totals(as_of="2026-11-30")
    assert "Oracle" not in set(everyone["buyer"])
    assert (everyone["deals"] > 0).all()
    oracle = calc.deal_totals("oracle", as_of="2026-11-30").iloc[0]
    assert (oracle["buyer"], oracle["deals"], oracle["reports"]) == ("Oracle", 0, 2)


# -- item 10: a dated view shows the rows as they stood, no later event --------------------------
def test_a_dated_view_shows_no_later_stall_or_cancellation():
    rows = calc.deals("OpenAI", as_of="2025-11-30").set_index("id")
    nvidia = rows.loc["openai_nvidia_2025_09"]
    assert nvidia["status"] == "loi"
    assert pd.isna(nvidia["ended"]) and pd.isna(nvidia["superseded_by"])   # 2026 events
    norway = rows.loc["openai_stargate_norway_2025_07"]
    assert norway["status"] == "announced" and pd.isna(norway["ended"])
    today = calc.deals("OpenAI", as_of="2026-11-30").set_index("id")
    assert (today.loc["openai_nvidia_2025_09", "status"],
            today.loc["openai_nvidia_2025_09", "ended"]) == ("stalled", "2026-01-30")


def test_counted_column_gives_the_reason_of_that_day():
    from helpers import calc_cli

    res = calc_cli("deals", "--buyer", "OpenAI", "--as-of", "2025-11-30", "--format", "markdown")
    [line] = [ln for ln in res.stdout.splitlines() if "openai_nvidia_2025_09_bloomberg" in ln]
    assert "no: same deal as openai_nvidia_2025_09" in line
    assert "2026-01-30" not in line and "stalled" not in line



# -- item 9: a coarse --as-of says which day it means; every written output records the day -------
def test_a_coarse_as_of_says_which_day_it_reads():
    from helpers import calc_cli

    res = calc_cli("deals", "--totals", "--as-of", "2025-12", "--format", "csv")
    assert res.returncode == 0
    assert ("--as-of 2025-12 is read as 2025-12-01, the first day of its month; give a day "
            "(e.g. 2025-12-31) for another") in res.stderr
    for coarse, first in (("2025", "2025-01-01"), ("2025-H2", "2025-07-01"),
                          ("2025-Q4", "2025-10-01")):
        assert f"is read as {first}, the first day of its" in ledger_count.as_of_note(coarse)
    assert ledger_count.as_of_note("2025-12-31") is None


def test_every_written_format_records_the_as_of_day(tmp_path):
    import json

    from helpers import calc_cli

    for fmt in ("csv", "json", "md", "html", "txt"):
        for args in (("--totals",), (), ("--flows",))[:2 if fmt == "html" else 3]:
            name = f"t{len(args)}{args[0][2:] if args else ''}.{fmt}"
            res = calc_cli("deals", *args, "--as-of", "2025-11-30", "--output", name, cwd=tmp_path)
            assert res.returncode == 0, res.stderr
            text = (tmp_path / name).read_text(encoding="utf-8")
            assert "2025-11-30" in text, (fmt, args)
    rows = json.loads((tmp_path / "t1totals.json").read_text(encoding="utf-8"))
    assert {r["as_of"] for r in rows} == {"2025-11-30"}
    assert json.loads((tmp_path / "t1flows.json").read_text(encoding="utf-8"))["as_of"] == \
        "2025-11-30"
    assert "The deals ledger as of 2025-11-30." in (tmp_path / "t1totals.md").read_text("utf-8")


def test_xlsx_records_the_as_of_day(tmp_path):
    import openpyxl

    from helpers import calc_cli

    res = calc_cli("deals", "--totals", "--as-of", "2025-11-30", "--output", "d.xlsx",
                   cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    book = openpyxl.load_workbook(tmp_path / "d.xlsx")
    for name in ("deals", "totals"):
        sheet = book[name]
        heads = [c.value for c in sheet[1]]
        assert sheet.cell(2, heads.index("as_of") + 1).value == "2025-11-30", name


# -- item 5: deal_* figures follow ledger_as_of, so one column reads one date --------------------
def test_deal_figures_follow_each_variants_ledger_as_of():
    from helpers import ROOT

    res = calc.load(ROOT / "scenarios" / "deals.yaml").run(samples=0)
    usd = lambda name, v: float(res.value(name, variant=v).to("USD").magnitude)  # noqa: E731
    # Amazon: nothing on 22 Oct 2025, 38 B (3 Nov 2025), then + 100 B (Feb 2026)
    assert [usd("openai_amazon_payments", v) for v in ("oct-2025", "base", "nov-2026")] == \
        [0.0, 38 * B, 138 * B]
    # NVIDIA's 10 GW stalled on 30 Jan 2026; its 5 GW of Feb 2026 + Broadcom's 10 GW at 29 B per
    # GW in Nov 2026: 15 x 29 = 435 B
    assert usd("openai_unpriced_gw_at_capex", "base") == 580 * B
    assert usd("openai_unpriced_gw_at_capex", "nov-2026") == pytest.approx(435 * B)
    note = res.leaf_values(res.case_index("oct-2025"))["deal_openai_aws_2026_02_amount"].note
    assert "not in force on the deals ledger as of 2025-10-22" in note
    assert "announced 2026-02" in note


# -- item 18: "up to" counts on both sides of a round trip ---------------------------------------
def test_nvidias_up_to_gigawatt_with_anthropic_is_paid_back_up_to():
    data = calc.deal_flows(as_of="2026-11-30")
    [trip] = [t for t in data["round_trips"] if (t["investor"], t["buyer"]) == ("NVIDIA",
                                                                                "Anthropic")]
    capex = registry().figure("epoch_capex_per_gw_facility").value.to("USD/GW").magnitude
    # NVIDIA invests up to 10 B; Anthropic buys up to 1 GW of NVIDIA capacity (no price): 1 GW
    # at capex per GW, as a ceiling
    assert (trip["invested_up_to"], trip["paid_back"]) == (10 * B, 0.0)
    assert trip["paid_back_up_to"] == pytest.approx(capex)
    assert trip["paid_back_basis"] == "capex up to"
    assert trip["round_trip_share"] == pytest.approx(10 * B / capex)
