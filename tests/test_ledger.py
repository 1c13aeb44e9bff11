"""The deals ledger's model: located errors for bad rows, the ledger as of a date, per-buyer totals
in columns that add only like things (derived by hand from the rows), ledger_as_of in scenarios,
and the money flows with their round trips."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date

import pytest

import calc
from calc import ledger_count, ledger_flows as deal_flows
from calc.errors import CalcError
from calc.registry import Registry, registry
from calc.registry.data import DATA_DIR
from helpers import calc_cli

B = 1e9


# -- bad rows: located errors ---------------------------------------------------------------------
def _edit(text: str, did: str, old: str, new: str) -> tuple[str, int]:
    """``text`` with ``old`` replaced by ``new`` in row ``did``, and the line the last line of
    ``new`` lands on (the key a replacement adds)."""
    start = text.index(f"- id: {did}\n")
    end = text.find("\n- id: ", start + 1)
    block = text[start:end]
    assert block.count(old) == 1, (did, old)
    line = text[:start].count("\n") + 1 + block[:block.index(old)].count("\n") + new.count("\n") - 1
    return text[:start] + block.replace(old, new) + text[end:], line


def _data(tmp_path, edits) -> tuple:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    p = data / "deals.yaml"
    text, lines = p.read_text(encoding="utf-8"), []
    for did, old, new in edits:
        text, line = _edit(text, did, old, new)
        lines.append(line)
    p.write_text(text, encoding="utf-8")
    return data, lines


NEBIUS = "meta_nebius_2025_11"
SIGNED = "  status: definitive\n"
# case -> (edits, the row and key the error names (None: the row), the message as a regex)
BAD = {
    "unknown status": ([(NEBIUS, SIGNED, "  status: signed\n")], NEBIUS, "status",
                       r"status 'signed' is not one of announced, loi, definitive, reported, "
                       r"talks, stalled, cancelled"),
    "stalled without ended": ([(NEBIUS, SIGNED, "  status: stalled\n")], NEBIUS, "status",
                              r"a stalled deal needs 'ended'"),
    "status_before without ended": ([(NEBIUS, SIGNED, SIGNED + "  status_before: loi\n")], NEBIUS,
                                    "status_before", r"status_before 'loi': the status a stalled "
                                                     r"or cancelled row had until 'ended'"),
    "superseded_by naming no row": (
        [(NEBIUS, SIGNED, SIGNED + "  superseded_by: meta_nebius_2099\n")], NEBIUS, "superseded_by",
        r"superseded_by 'meta_nebius_2099' names no row of deals.yaml"),
    "covered_by naming no row": (
        [(NEBIUS, SIGNED, SIGNED + "  covered_by: meta_hyperion_2099\n")], NEBIUS, "covered_by",
        r"covered_by 'meta_hyperion_2099' names no row"),
    "a cycle of supersessions": (
        [("openai_aws_2025_11", SIGNED, SIGNED + "  superseded_by: openai_aws_2025_11_particle\n"),
         ("openai_aws_2025_11_particle", SIGNED, SIGNED + "  superseded_by: openai_aws_2025_11\n")],
        "openai_aws_2025_11", None,
        r"superseded_by links loop: openai_aws_2025_11 -> openai_aws_2025_11_particle -> "
        r"openai_aws_2025_11"),
    "payer equal to payee": ([(NEBIUS, "  payee: Nebius\n", "  payee: Meta\n")], NEBIUS, "payee",
                             r"payer and payee are both 'Meta'"),
    "amount_low above amount_high": (
        [("openai_amd_2025_10", "  amount_low: 20 billion USD\n",
          "  amount_low: 120 billion USD\n")],
        "openai_amd_2025_10", "amount_low",
        r"amount_low '120 billion USD' is above amount_high '100 billion USD'"),
    "a date in a wrong form": (
        [("openai_nvidia_2025_09", '  ended: "2026-01-30"\n', '  ended: "30/01/2026"\n')],
        "openai_nvidia_2025_09", "ended", r"ended '30/01/2026' is not a date form"),
    "a payee not on the company list": (
        [("openai_aws_2025_11", "  payee: Amazon\n", "  payee: AWS\n")], "openai_aws_2025_11",
        "payee",
        r"payee 'AWS' is not on the ledger's company list .*Amazon, not AWS"),
    "ended on a row that is not stalled": (
        [(NEBIUS, SIGNED, SIGNED + '  ended: "2026"\n')], NEBIUS, "ended",
        r"'ended' goes with status stalled or cancelled, not 'definitive'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_row_is_refused_with_file_line_and_key(tmp_path, case):
    edits, did, key, message = BAD[case]
    data, lines = _data(tmp_path, edits)
    with pytest.raises(CalcError) as err:
        Registry.load(data)
    at = rf"deals.yaml:{lines[0]} \({did}\)\.{key}" if key else rf"\({did}\)"
    assert re.search(rf"{at} \| {message}", str(err.value)), str(err.value)


def test_calc_check_refuses_a_payer_off_the_list_with_exit_2(tmp_path, monkeypatch):
    data, (line,) = _data(tmp_path, [("openai_azure_2025_10", "  payee: Microsoft\n",
                                      "  payee: Microsoft Azure\n")])
    load = Registry.load.__func__
    monkeypatch.setattr(Registry, "load", classmethod(lambda cls, data_dir=data: load(cls, data)))
    proc = calc_cli("check", "--strict", str(tmp_path / "none.yaml"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (f"deals.yaml:{line} (openai_azure_2025_10).payee | payee 'Microsoft Azure' is not on "
            "the ledger's company list") in proc.stderr


@pytest.mark.parametrize("case", sorted(BAD))
def test_calc_check_exits_2_on_each_bad_row_with_its_location(tmp_path, monkeypatch, case):
    edits, did, key, message = BAD[case]
    data, lines = _data(tmp_path, edits)
    load = Registry.load.__func__
    monkeypatch.setattr(Registry, "load", classmethod(lambda cls, data_dir=data: load(cls, data)))
    proc = calc_cli("check", str(tmp_path / "none.yaml"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    at = rf"deals.yaml:{lines[0]} \({did}\)\.{key}" if key else rf"\({did}\)"
    assert re.search(rf"{at} \| {message}", proc.stderr), proc.stderr
    assert proc.stdout == ""                                     # nothing half-printed


# -- as of a date ---------------------------------------------------------------------------------
def _columns(buyer, at):
    totals = ledger_count.Counting(registry().ledger, ledger_count.as_of_day(at)).totals()
    return {c: [p.deal.id for p in parts] for c, parts in totals[buyer].items()}


def test_a_stalled_and_superseded_letter_of_intent_counts_only_in_its_time():
    nov25, nov26 = _columns("OpenAI", "2025-11-30"), _columns("OpenAI", "2026-11-30")
    assert "openai_nvidia_2025_09" in nov25["investment_received_up_to"]    # up to 100 B, to ended
    assert "openai_nvidia_systems_2025_09" in nov25["power_firm"]             # its 10 GW
    assert "openai_nvidia_2025_09" not in nov26["investment_received_up_to"]  # stalled 2026-01-30
    assert "openai_nvidia_systems_2025_09" not in nov26["power_firm"]
    assert "openai_nvidia_2026_02" in nov26["investment_received_firm"]     # its replacement, 30 B
    feb26 = _columns("OpenAI", "2026-02-26")
    assert "openai_nvidia_2026_02" not in feb26["investment_received_firm"]
    df = calc.deals(buyer="OpenAI", as_of="2026-11-30").set_index("id")
    assert not df.loc["openai_nvidia_2025_09", "counted"]
    assert calc.deals(buyer="OpenAI", as_of="2025-11-30").set_index("id").loc[
        "openai_nvidia_2025_09", "counted"]


def test_cli_as_of_dates_differ_as_the_supersessions_say():
    before = calc_cli("deals", "--buyer", "OpenAI", "--as-of", "2025-11-30").stdout
    after = calc_cli("deals", "--buyer", "OpenAI", "--as-of", "2026-11-30").stdout
    def line(text, did):
        return next(row for row in text.splitlines() if row.startswith(did + " "))
    assert "yes" in line(before, "openai_nvidia_2025_09")
    assert "no: superseded by openai_nvidia_2026_02" in line(after, "openai_nvidia_2025_09")
    assert "no: superseded by openai_stargate_2025_10" in line(after, "openai_stargate_2025_09")
    assert "openai_nvidia_2026_02 " not in before                             # announced later
    csv = calc_cli("deals", "--totals", "--format", "csv", "--as-of", "2026-11-30").stdout
    assert re.search(r"^OpenAI,\d+,\d+,712000000000\.0,", csv, re.M), csv


def test_talks_never_count_and_capex_is_in_no_total():
    for at in ("2025-09-30", "2026-11-30"):
        cols = _columns("Meta", at)
        assert not any("meta_oracle_2025_09" in ids for ids in cols.values())     # talks
        assert not any(i.startswith("meta_capex") for ids in cols.values() for i in ids)
    openai = _columns("OpenAI", "2026-11-30")
    assert not any("openai_sb_energy_ohio_2026_06" in ids for ids in openai.values())  # talks
    # Google: its 2026 capex plan counts nowhere; its one purchase is SpaceX's GPUs (June 2026)
    google = {c: ids for c, ids in _columns("Google", "2026-11-30").items() if ids}
    assert google == {"payments_firm": ["google_spacex_2026_06"]}
    assert not any(ids for ids in _columns("Google", "2026-05-31").values())     # capex only


def test_before_the_named_report_the_earliest_report_of_a_deal_counts():
    # Oracle's July 2025 report of the 4.5 GW stands for the deal until the September report
    assert "openai_oracle_2025_07" in _columns("OpenAI", "2025-08-01")["power_firm"]
    cols = _columns("OpenAI", "2025-09-30")
    assert "openai_oracle_2025_07" not in cols["power_firm"]
    assert "openai_oracle_2025_09" in cols["payments_firm"]                 # OpenAI pays Oracle
    assert "openai_oracle_2025_09" not in cols["power_firm"]        # its GW are in Stargate's
    counting = ledger_count.Counting(registry().ledger, date(2025, 6, 30))
    stargate = registry().ledger.deal("openai_stargate_2025_01")
    assert counting.counts(stargate)                                # January's target stands in
    assert not ledger_count.Counting(registry().ledger, date(2025, 9, 23)).counts(stargate)


def test_coarse_dates_compare_by_the_start_of_their_span():
    addon = registry().ledger.deal("openai_coreweave_2025_05")             # announced "2025-05"
    assert addon.announced == "2025-05"
    assert ledger_count.Counting(registry().ledger, date(2025, 5, 1)).present(addon)
    assert not ledger_count.Counting(registry().ledger, date(2025, 4, 30)).present(addon)
    assert "openai_coreweave_2025_05" in _columns("OpenAI", "2025-05-01")["payments_firm"]


def test_an_as_of_date_in_a_wrong_form_is_refused():
    with pytest.raises(CalcError, match=r"as_of '2025-13-01' is not a real date: there is no month 13"):
        calc.deals(as_of="2025-13-01")
    proc = calc_cli("deals", "--totals", "--as-of", "30.11.2025")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--as-of '30.11.2025' is not a date form calc reads" in proc.stderr


# -- totals, by hand from the rows ----------------------------------------------------------------
def test_openai_and_meta_totals_by_hand():
    t = calc.deal_totals(as_of="2026-11-30").set_index("buyer")
    openai = t.loc["OpenAI"]
    # payments OpenAI signed, firm: Oracle 300 + Azure 250 + AWS 38 + CoreWeave 4
    # + AWS expansion 100 + Cerebras (April 2026, superseding January's 10) 20 = 712 B
    assert openai["payments_firm"] == pytest.approx(712 * B)
    assert openai["payments_up_to"] == pytest.approx(18.4 * B)     # CoreWeave March 11.9 + Sept 6.5
    # AMD's "tens of billions": 20-100 B, never its midpoint 44.7 B as firm
    assert (openai["payments_vague_low"], openai["payments_vague_high"]) == (20 * B, 100 * B)
    # AMD 6 + Broadcom 10 + Stargate (Oct 2025) 8 + UAE 1 + AWS 2 + TCS 0.1
    # + NVIDIA's Vera Rubin 3 + 2 (February 2026) = 32.1 GW; not NVIDIA's 10 (stalled), not
    # Stargate Norway's 0.23 (OpenAI withdrew on 15 April 2026), not Oracle's 4.5, Michigan's 1 or
    # SB Energy's 1.2 (inside Stargate), not Ohio's 10 (talks)
    assert openai["power_firm"] == pytest.approx(32.1)
    before = calc.deal_totals("OpenAI", as_of="2026-04-14")["power_firm"][0]
    assert before == pytest.approx(32.33)                           # Norway's 0.23 still in
    assert openai["power_up_to"] == 0                                # Cerebras' 0.75 superseded
    assert openai["builders_capex"] == pytest.approx(450 * B)       # Stargate, more than 450 B
    # received: Microsoft 10 + NVIDIA 30 + SoftBank 30 + Amazon 15 = 85 B; up to: Amazon 35 +
    # SoftBank's March 2025 30 = 65 B
    assert openai["investment_received_firm"] == pytest.approx(85 * B)
    assert openai["investment_received_up_to"] == pytest.approx(65 * B)
    assert openai["guarantees"] == 0
    meta = t.loc["Meta"]
    # Google Cloud 10 + Nebius 2.9 + Nebius 2026 12 + CoreWeave 2026 21 = 45.9 B (not Oracle: talks)
    assert meta["payments_firm"] == pytest.approx(45.9 * B)
    assert meta["payments_up_to"] == pytest.approx(29.2 * B)       # CoreWeave 14.2 + Nebius 15
    # NVIDIA "tens of billions" 20-100 + Google TPUs "multibillion" 2-10 = 22-110 B
    assert meta["payments_vague_low"] == pytest.approx(22 * B)
    assert meta["payments_vague_high"] == pytest.approx(110 * B)
    assert meta["power_firm"] == pytest.approx(4.6)     # Prometheus 1 + Hyperion 2 + Crusoe 1.6
    assert meta["power_up_to"] == pytest.approx(6)                          # AMD, up to 6 GW
    assert meta["builders_capex"] == pytest.approx(27 * B)                  # Blue Owl's Hyperion
    assert meta["investment_received_firm"] == meta["guarantees"] == 0
    assert "all" not in t.index                                              # no all-buyers row


def test_anthropic_google_and_reflection_totals_by_hand():
    t = calc.deal_totals(as_of="2026-11-30").set_index("buyer")
    anthropic = t.loc["Anthropic"]
    # Azure 30 + Fluidstack 50 + AWS (April 2026) 100 + Google Cloud (May 2026) 200
    # + Akamai (May 2026) 1.8 = 381.8 B
    assert anthropic["payments_firm"] == pytest.approx(381.8 * B)
    # Google TPUs 1 + Nexus' Texas campus (March 2026) 0.5 + Google Cloud (May 2026) 5
    # + Colossus 1 0.3 + the letters of intent (June 2026) 1 = 7.8 GW;
    # up to: NVIDIA 1 + AWS Trainium 5 = 6 GW
    assert anthropic["power_firm"] == pytest.approx(7.8)
    assert anthropic["power_up_to"] == pytest.approx(6)
    # built for Anthropic by others: Nexus' Texas project, more than 5 B (Google's loans)
    assert anthropic["builders_capex"] == pytest.approx(5 * B)
    before = calc.deal_totals(as_of="2026-06-10").set_index("buyer").loc["Anthropic"]
    assert before["power_firm"] == pytest.approx(6.8)          # before the letters of intent
    # Google's one purchase: SpaceX's GPUs, "nearly $30 billion" (0.92 B a month, 2026-10 to
    # 2029-06)
    assert t.loc["Google", "payments_firm"] == pytest.approx(30 * B)
    # Reflection AI: 0.15 B a month for 42 months (July 2026-2029) = up to 6.3 B; nothing firm
    reflection = t.loc["Reflection AI"]
    assert reflection["payments_up_to"] == pytest.approx(6.3 * B)
    assert reflection["payments_firm"] == 0


def test_guarantees_count_only_in_their_column():
    cols = _columns("Fluidstack", "2026-11-30")
    # Google's backstops for Fluidstack: TeraWulf 3.2 (superseding 1.8) + Cipher 1.4 + Abernathy 1.3
    assert sorted(cols["guarantees"]) == ["fluidstack_google_guarantee_2025_10",
                                          "google_cipher_backstop_2025_09",
                                          "google_terawulf_backstop_2025_08"]
    fluidstack = calc.deal_totals("Fluidstack", as_of="2026-11-30")
    assert fluidstack["guarantees"][0] == pytest.approx(5.9 * B)
    google = _columns("Google", "2026-11-30")
    assert not google["guarantees"] and not google["investment_received_firm"]  # it gives them


# -- ledger_as_of in scenarios --------------------------------------------------------------------
SCENARIO = """name: as-of
outputs: [paid]
ledger_as_of: 2025-11-30
derive:
  paid: {expr: "deals_openai_payments_firm", unit: USD}
  gw: {expr: "deals_openai_gw", unit: GW}
variants:
  early: {ledger_as_of: "2025-09-30"}
checks:
  - says: "36 gigawatts"
    source: ft-hsbc-openai-207bn
    variant: early
    that: gw
    near: 36 GW
    within: 10%
"""


def test_ledger_as_of_sets_the_date_of_every_deals_figure_per_variant():
    res = calc.load(SCENARIO).run()
    paid = lambda v: float(res.value("paid", variant=v).to("USD").magnitude)  # noqa: E731
    # Oracle 300 + Azure 250 + AWS 38 + CoreWeave 4 (March's 11.9 is "up to")
    assert paid("base") == pytest.approx(592 * B)
    assert paid("early") == pytest.approx(304 * B)  # before Azure (28 Oct) and AWS (3 Nov)
    # 30 Sep 2025: Stargate 7 + NVIDIA 10 + UAE 1 + Norway 0.23 = 18.23 GW (an alias of power_firm)
    assert float(res.value("gw", variant="early").to("GW").magnitude) == pytest.approx(18.23)
    [check] = res.checks                                       # the check runs in its variant only
    assert (check.variant, check.passed) == ("early", False)


def test_a_buyer_with_no_row_yet_has_zero_totals_not_todays():
    text = SCENARIO.split("checks:")[0].replace('gw: {expr: "deals_openai_gw", unit: GW}',
                                                'got: {expr: "deals_nebius_investment_received_firm"}')
    res = calc.load(text).run()
    # NVIDIA's 2 B in Nebius was announced in March 2026: nothing as of 2025, 2 B today
    assert float(res.value("got", variant="early").to("USD").magnitude) == 0
    assert registry().figure("deals_nebius_investment_received_firm").value.to("USD").magnitude == 2e9


def test_bad_ledger_as_of_and_check_variant_are_located(tmp_path):
    bad = SCENARIO.replace("ledger_as_of: 2025-11-30", "ledger_as_of: 2025-11-31").replace(
        "variant: early", "variant: erly")
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CalcError) as err:
        calc.load(path)
    text = str(err.value)
    assert re.search(r"bad.yaml:3: ledger_as_of: ledger_as_of '2025-11-31' is not a real date: "
                     r"November 2025 has 30 days",
                     text)
    assert re.search(r"bad.yaml:\d+: checks\[0\]: variant 'erly' is not a variant of this scenario "
                     r"\(base, early\) \(did you mean 'early'\?\)", text)


def test_deals_all_figures_are_retired_with_a_pointer_to_the_migration_note(tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text(SCENARIO.replace("deals_openai_gw", "deals_all_gw"), encoding="utf-8")
    proc = calc_cli("run", str(path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "unknown name 'deals_all_gw'" in proc.stderr
    assert "README, 'Migrating figure names'" in proc.stderr
    readme = (DATA_DIR.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "Migrating figure names" in readme


# -- flows and round trips ------------------------------------------------------------------------
def _trip(data, investor, buyer):
    [trip] = [t for t in data["round_trips"] if (t["investor"], t["buyer"]) == (investor, buyer)]
    return trip


def test_round_trips_with_their_shares_by_hand():
    data = deal_flows.flows(as_of="2026-11-30")
    # Amazon -> Anthropic: invested 4 (2024) + 5 (2026) firm, up to 4 (2023) + 20 (2026 option);
    # Anthropic pays AWS more than 100 B: min(9 + 24, 100) / 100 = 0.33
    t = _trip(data, "Amazon", "Anthropic")
    assert (t["invested_firm"], t["invested_up_to"], t["paid_back"]) == (9 * B, 24 * B, 100 * B)
    assert t["round_trip_share"] == pytest.approx(0.33) and t["paid_back_basis"] == "firm"
    # Google -> Anthropic: 10 firm + 2 (2023) + 30 up to; paid back about 200 B (May 2026) and
    # the TPU deal of 2025's "tens of billions" (20-100 B): 42 / 300 to 42 / 220, no one number
    g = _trip(data, "Google", "Anthropic")
    assert g["round_trip_share"] is None and g["paid_back_basis"] == "firm+vague"
    assert (g["paid_back_vague_low"], g["paid_back_vague_high"]) == (20 * B, 100 * B)
    assert g["round_trip_share_low"] == pytest.approx(42 / 300)        # 14.0 %
    assert g["round_trip_share_high"] == pytest.approx(42 / 220)       # 19.1 %
    # Microsoft -> Anthropic: up to 5 B against 30 B of Azure: 1/6
    assert _trip(data, "Microsoft", "Anthropic")["round_trip_share"] == pytest.approx(5 / 30)
    # Microsoft -> OpenAI: 10 B against 250 B of Azure: 0.04
    assert _trip(data, "Microsoft", "OpenAI")["round_trip_share"] == pytest.approx(0.04)
    # Amazon -> OpenAI (February 2026): 15 firm + 35 up to against 38 + 100 = 138 B: 50 / 138
    assert _trip(data, "Amazon", "OpenAI")["round_trip_share"] == pytest.approx(50 / 138)
    assert not [t for t in deal_flows.flows(as_of="2025-11-30")["round_trips"]
                if (t["investor"], t["buyer"]) == ("Amazon", "OpenAI")]     # not before 2026


def test_an_unpriced_purchase_is_paid_back_at_its_capex_value():
    # 30 Nov 2025: NVIDIA offers up to 100 B; OpenAI's 10 GW of NVIDIA systems have no price, valued
    # at Epoch AI's 29 B per GW = 290 B: 100 / 290
    t = _trip(deal_flows.flows(as_of="2025-11-30"), "NVIDIA", "OpenAI")
    assert (t["paid_back"], t["paid_back_basis"]) == (pytest.approx(290 * B), "capex")
    assert t["round_trip_share"] == pytest.approx(100 / 290)


def test_nvidias_2026_stake_and_its_5_gw_replace_the_letter_of_intent():
    # 30 Nov 2026: the letter of intent stalled (30 Jan); NVIDIA's 30 B of equity (27 Feb) against
    # the 3 + 2 GW of Vera Rubin tied to it, no price, at Epoch AI's 29 B per GW = 145 B: 30 / 145
    t = _trip(deal_flows.flows(as_of="2026-11-30"), "NVIDIA", "OpenAI")
    assert (t["invested_firm"], t["invested_up_to"]) == (30 * B, 0)
    assert (t["paid_back"], t["paid_back_basis"]) == (pytest.approx(145 * B), "capex")
    assert t["round_trip_share"] == pytest.approx(30 / 145)
    assert "openai_nvidia_systems_2026_02" in _columns("OpenAI", "2026-11-30")["power_firm"]
    # between the stall and the round (February 2026) no NVIDIA power counts for OpenAI
    feb = _columns("OpenAI", "2026-02-26")["power_firm"]
    assert not [i for i in feb if i.startswith("openai_nvidia")]


def test_edges_leave_out_builders_capex_and_guarantees():
    edges = deal_flows.flows(as_of="2026-11-30")["edges"]
    assert not [e for e in edges if e["payee"] is None or e["kind"] in ("guarantee", "capex")]
    [oracle] = [e for e in edges if (e["payer"], e["payee"]) == ("OpenAI", "Oracle")]
    assert oracle["usd_firm"] == 300 * B and oracle["deals"] == ["openai_oracle_2025_09"]
    [aws] = [e for e in edges if (e["payer"], e["payee"], e["kind"]) == ("OpenAI", "Amazon",
                                                                         "cloud-contract")]
    assert aws["usd_firm"] == 138 * B                                      # 38 + 100


def test_calc_deals_flows_in_json_csv_and_a_plot(tmp_path):
    proc = calc_cli("deals", "--flows", "--format", "json", "--as-of", "2026-11-30")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == {"as_of", "edges", "round_trips"}
    assert set(data["edges"][0]) == set(deal_flows.EDGE_KEYS)
    assert set(data["round_trips"][0]) == set(deal_flows.TRIP_KEYS)
    csv = calc_cli("deals", "--flows", "--format", "csv").stdout
    edges, trips = csv.split("\n\n")
    assert edges.startswith("payer,payee,kind,usd_firm,usd_up_to,usd_low,usd_high,deals")
    assert trips.startswith("investor,buyer,invested_firm,invested_up_to,paid_back")
    table = calc_cli("deals", "--flows").stdout
    assert "Round trips" in table
    assert re.search(r"Microsoft\s+OpenAI\s+\$10\.0B\s+-\s+\$250B\s+-\s+-\s+firm\s+4\.0%", table)
    proc = calc_cli("deals", "--flows", "--plot", "flows.png", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "flows.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = calc_cli("deals", "--plot", "x.png", cwd=tmp_path)
    assert bad.returncode == 2 and "--plot draws the flows: give --flows" in bad.stderr
    assert not (tmp_path / "x.png").exists()
