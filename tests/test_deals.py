"""The deals ledger: every row sourced, derived columns checked by hand, totals that count each deal
once, bad rows refused with file:line, and ``calc deals`` in every format."""

from __future__ import annotations

import json
import math
import re
import shutil

import pytest

import calc
from calc.errors import CalcError
from calc import ledger
from calc.registry import Registry, registry
from calc.registry.data import DATA_DIR
from helpers import calc_cli

PUE = math.sqrt(1.1 * 1.4)                 # pue_ai_campus [1.1, 1.4] -> geometric mean 1.2409674
RENTAL = math.sqrt(12e9 * 20e9)            # the registry default rental_price_per_gw_range [12, 20] B USD/GW/yr
                                           # -> geometric mean 15.4919e9 USD per GW-year
CAPEX = 29e9                               # epoch_capex_per_gw_facility, USD per facility GW


@pytest.fixture(scope="module")
def df():
    return calc.deals()


def row(df, did):
    return df[df["id"] == did].iloc[0]


# -- the data -----------------------------------------------------------------------------------
def test_the_ledger_covers_thirty_deals_from_six_buyers(df):
    assert len(df) >= 30
    assert {"Anthropic", "OpenAI", "Meta", "Microsoft", "xAI"} <= set(df["buyer"])
    assert {"Amazon", "Google"} & set(df["buyer"])
    assert df["counted"].sum() >= 30
    assert set(df["kind"]) == {"cloud-contract", "hardware", "capacity", "investment", "guarantee",
                               "capex"}
    assert df["payer"].notna().all()                         # payer on every row; payee null only
    # payee null only for builders' capacity and own capex
    assert set(df[df["payee"].isna()]["kind"]) <= {"capacity", "capex"}


def test_every_row_is_sourced(df):
    reg = registry()
    for r in df.itertuples():
        src = reg.source(r.source)                          # an existing publication
        assert r.quote.strip() and len(r.quote) >= 20, r.id
        assert src.publisher and src.date, r.id
        assert r.gloss, r.id
    # each row's amount and power are registry figures with the same source and quote
    fig = reg.figure("deal_openai_oracle_2025_09_amount")
    assert (fig.source, fig.qualifier, fig.quantity) == ("nairametrics-openai-oracle-300b", "approx", "commitment")
    assert "300 billion" in fig.quote.replace("$300 billion", "300 billion")


def test_conflicting_reports_sit_side_by_side(df):
    # CNBC: "tens of billions" (20-100 B) vs 36Kr: "hundreds of billions" (200-1,000 B) for the same 1 GW
    tpu = row(df, "anthropic_google_tpu_2025_10_36kr")
    assert tpu["same_deal_as"] == "anthropic_google_tpu_2025_10" and not tpu["counted"]
    # a range carries its two ends, never its geometric mean (447.2 B) as a number
    assert math.isnan(tpu["amount"]) and (tpu["amount_low"], tpu["amount_high"]) == (200e9, 1000e9)
    assert row(df, "anthropic_nvidia_gw_2025_11_36kr")["same_deal_as"] == "anthropic_nvidia_gw_2025_11"
    assert row(df, "openai_oracle_2025_09")["covered_by"] == "openai_stargate_2025_09"


# -- derived columns, by hand --------------------------------------------------------------------
def test_oracle_contract_by_hand(df):
    r = row(df, "openai_oracle_2025_09")
    assert r["usd_per_year"] == pytest.approx(60e9)            # 300e9 USD / 5 yr = 60e9 USD/yr
    assert r["usd_per_gw"] == pytest.approx(300e9 / 4.5)       # 300e9 / 4.5 GW = 66.67e9 USD/GW
    # cloud contract -> rental: 60e9 / 15.4919e9 USD/GW/yr = 3.873 GW, close to the 4.5 GW reported with it
    assert r["implied_power"] == pytest.approx(60e9 / RENTAL, rel=1e-9)
    assert r["implied_power"] == pytest.approx(3.87298, rel=1e-5)
    assert r["implied_power_basis"] == "rental"
    assert r["share_of_run_rate"] == pytest.approx(3.0)        # 60e9 / 20e9 (OpenAI's run-rate, a floor)


def test_rainier_campus_by_hand(df):
    r = row(df, "amazon_rainier_indiana_2025_11")
    # the 11 B is the phase running in October 2025, the 2.2 GW the eventual campus: two rows, so
    # no amount per GW pairs one phase's money with another's power (it was 11e9 / 2.2 = 5e9)
    assert math.isnan(r["usd_per_gw"]) and math.isnan(r["power"])
    assert r["implied_power"] == pytest.approx(11e9 / CAPEX)   # capacity -> capex: 11 / 29 GW
    r = row(df, "amazon_rainier_indiana_campus_2025_11")
    assert math.isnan(r["usd_per_gw"]) and r["power"] == pytest.approx(2.2)
    # 2.2e9 W / (1,070 W/chip Trainium2 all-in x 1.2409674) = 2.2e9 / 1,327.835 = 1,656,832 chips (as rainier.yaml)
    assert r["implied_chips"] == pytest.approx(2.2e9 / (1070 * PUE), rel=1e-9)
    assert r["implied_chips"] == pytest.approx(1_656_832, rel=1e-6)
    assert r["chip_counts"] == "trainium_chip"


def test_aws_contract_by_hand(df):
    r = row(df, "openai_aws_2025_11")
    assert r["usd_per_year"] == pytest.approx(38e9 / 7)        # 5.428571e9 USD/yr
    assert r["implied_power"] == pytest.approx(38e9 / 7 / RENTAL)   # 5.428571 / 15.4919 = 0.35041 GW
    assert r["implied_power"] == pytest.approx(0.350414, rel=1e-5)
    assert r["share_of_run_rate"] == pytest.approx(38 / 7 / 20)            # 0.2714 of 20e9 USD/yr
    assert math.isnan(r["usd_per_gw"])                         # no power was published


def test_google_tpu_deal_by_hand(df):
    r = row(df, "anthropic_google_tpu_2025_10")
    # "tens of billions": 20e9 to 100e9 USD; no central amount, so per GW is a range too
    assert math.isnan(r["amount"]) and math.isnan(r["usd_per_gw"])
    assert (r["usd_per_gw_low"], r["usd_per_gw_high"]) == (20e9, 100e9)   # over "well over" 1 GW, read as 1 GW
    # 1e9 W / (1,085 W/chip Ironwood pod-level x 1.2409674) = 1e9 / 1,346.450 = 742,694 TPUs (vs "up to 1M")
    assert r["implied_chips"] == pytest.approx(1e9 / (1085 * PUE), rel=1e-9)
    assert r["implied_chips"] == pytest.approx(742_694, rel=1e-6)
    assert math.isnan(r["implied_power"]) and r["implied_power_basis"] is None   # no term: no per-year figure


def test_nvidia_letter_of_intent_by_hand(df):
    # the letter of intent is two rows: NVIDIA's "up to $100 billion" investment, and the systems
    inv, sys_ = row(df, "openai_nvidia_2025_09"), row(df, "openai_nvidia_systems_2025_09")
    assert (inv["kind"], inv["payer"], inv["payee"], inv["amount"]) == (
        "investment", "NVIDIA", "OpenAI", 100e9)
    assert (sys_["kind"], sys_["payer"], sys_["payee"], sys_["power"]) == (
        "hardware", "OpenAI", "NVIDIA", 10.0)
    # Vera Rubin counts PACKAGES: 10e9 W / (2,903.5 W/package x 1.2409674) = 10e9 / 3,603.14 = 2,775,350
    assert sys_["implied_chips"] == pytest.approx(10e9 / (2903.5 * PUE), rel=1e-9)
    assert sys_["implied_chips"] == pytest.approx(2_775_350, rel=1e-5)
    assert sys_["chip_counts"] == "gpu" and math.isnan(sys_["usd_per_gw"])   # no price published
    assert math.isnan(inv["implied_power"])                    # an investment buys no power here
    assert math.isnan(inv["share_of_run_rate"])                # money OpenAI receives, not spends


def test_meta_nebius_by_hand(df):
    r = row(df, "meta_nebius_2025_11")
    assert r["usd_per_year"] == pytest.approx(0.58e9)          # 2.9e9 / 5 yr
    assert r["implied_power"] == pytest.approx(0.58e9 / RENTAL)   # 0.58 / 15.4919 = 0.037439 GW
    assert r["implied_power_figure"] == "rental_price_per_gw_range"
    assert math.isnan(r["share_of_run_rate"])                  # no run-rate figure for Meta


# -- totals --------------------------------------------------------------------------------------
def test_today_names_are_aliases_of_the_columns():
    reg = registry()
    for old, new in (("usd", "payments_firm"), ("gw", "power_firm"),
                     ("investment_usd_up_to", "investment_received_up_to")):
        alias, col = reg.figure(f"deals_openai_{old}"), reg.figure(f"deals_openai_{new}")
        assert alias.value == col.value and alias.formula == f"deals_openai_{new}"
    # deals_openai_usd no longer includes Stargate's builders' capex (450 B since October 2025)
    stargate = "deal_openai_stargate_2025_10_amount"
    assert stargate not in reg.figure("deals_openai_usd").formula
    assert stargate in reg.figure("deals_openai_builders_capex").formula


def test_each_counted_row_is_in_exactly_one_column():
    from datetime import date

    from calc import ledger_count
    reg = registry()
    counting = ledger_count.Counting(reg.ledger, date.today())
    cols = [f"deals_{ledger.slug(b)}_{c}" for b in {d.buyer for d in reg.ledger.deals}
            for c in ledger_count.COLUMNS]
    formulas = [reg.figures[f].formula for f in cols if f in reg.figures]
    for d in reg.ledger.deals:
        counted = {p.figure for p in counting.parts(d)}
        for p in ledger_count.parts_of(d):
            n = sum(re.search(rf"\b{p.figure}\b", f) is not None for f in formulas)
            assert n == (1 if p.figure in counted else 0), (d.id, p.column)


def test_totals_table_matches_the_figures():
    t = calc.deal_totals().set_index("buyer")
    reg = registry()
    firm = reg.figure("deals_openai_payments_firm").value.to("USD").magnitude
    assert t.loc["OpenAI", "payments_firm"] == firm
    # CoreWeave "as much as $14.2B" + Nebius's contingent "up to 15 billion": 29.2 B, not firm
    assert t.loc["Meta", "payments_up_to"] == pytest.approx(14.2e9 + 15e9)
    assert "all" not in t.index                                         # no total across buyers
    assert t.loc["OpenAI", "reports"] > t.loc["OpenAI", "deals"]


def test_covering_a_deal_removes_it_from_the_columns_the_cover_counts_in(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    p = data / "deals.yaml"
    text = p.read_text(encoding="utf-8")
    block = text.index("- id: openai_azure_2025_10")
    covered = "  status: definitive\n  covered_by: openai_aws_2025_11\n"
    text = text[:block] + text[block:].replace("  status: definitive\n", covered, 1)
    p.write_text(text, encoding="utf-8")
    reg = Registry.load(data)
    before = registry().figure("deals_openai_payments_firm").value.to("USD").magnitude
    after = reg.figure("deals_openai_payments_firm").value.to("USD").magnitude
    assert before - after == pytest.approx(250e9)      # AWS counts payments: Azure's 250 B leave
    # covered by Stargate, which counts builders' capex and power only, Azure's payments stay
    text = text.replace("covered_by: openai_aws_2025_11\n", "covered_by: openai_stargate_2025_09\n", 1)
    p.write_text(text, encoding="utf-8")
    again = Registry.load(data).figure("deals_openai_payments_firm")
    assert again.value.to("USD").magnitude == before


# -- bad rows ------------------------------------------------------------------------------------
def _broken(tmp_path, did, old, new):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    p = data / "deals.yaml"
    text = p.read_text(encoding="utf-8")
    start = text.index(f"- id: {did}\n")
    end = text.find("\n- id: ", start + 1)
    block = text[start:end]
    assert block.count(old) == 1, (did, old)
    p.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1 + block[:block.index(old)].count("\n") if old else None
    return data, line


BAD = {
    "missing quote": ("meta_nebius_2025_11", '  quote: "The Order', '  quote: ""\n  x_quote: "The Order',
                      r"deals.yaml:\d+ \(meta_nebius_2025_11\)\.(quote|x_quote) \| "),
    "unknown accelerator": ("microsoft_iren_2025_11", "accelerator: gb300", "accelerator: gb3000",
                            r"deals.yaml:{line} \(microsoft_iren_2025_11\)\.accelerator \| unknown accelerator 'gb3000'"),
    "negative amount": ("meta_nebius_2025_11", "amount: 2.9 billion USD", "amount: -2.9 billion USD",
                        r"deals.yaml:{line} \(meta_nebius_2025_11\)\.amount \| amount '-2.9 billion USD' must be positive"),
    "term without start": ("microsoft_iren_2025_11", '  start: "2026"\n', "",
                           r"deals.yaml:\d+ \(microsoft_iren_2025_11\)\.term \| a term \(5 yr\) needs a 'start'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_rows_are_refused_with_file_and_line(tmp_path, case):
    did, old, new, pattern = BAD[case]
    data, line = _broken(tmp_path, did, old, new)
    with pytest.raises(CalcError) as err:
        Registry.load(data)
    assert re.search(pattern.format(line=line), str(err.value)), str(err.value)


def test_calc_check_refuses_a_bad_ledger_with_exit_2(tmp_path, monkeypatch):
    data, line = _broken(tmp_path, "microsoft_iren_2025_11", "accelerator: gb300", "accelerator: gb3000")
    load = Registry.load.__func__
    monkeypatch.setattr(Registry, "load", classmethod(lambda cls, data_dir=data: load(cls, data)))
    proc = calc_cli("check", "--strict", str(tmp_path / "none.yaml"))
    assert proc.returncode == 2
    assert f"deals.yaml:{line} (microsoft_iren_2025_11).accelerator | unknown accelerator 'gb3000'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_missing_quote_key_is_named(tmp_path):
    data, _ = _broken(tmp_path, "meta_oracle_2025_09", '  quote: "Oracle is negotiating', '  quot: "Oracle is negotiating')
    with pytest.raises(CalcError) as err:
        Registry.load(data)
    text = str(err.value)
    assert "(meta_oracle_2025_09).quote | missing required key 'quote'" in text
    assert "unknown key 'quot'" in text


# -- calc deals ----------------------------------------------------------------------------------
def test_calc_deals_json_follows_the_contract():
    proc = calc_cli("deals", "--format", "json", "--buyer", "openai")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    keys = {"id", "buyer", "provider", "announced", "kind", "amount", "qualifier", "power", "chips", "accelerator",
            "chip_counts", "term", "start", "status", "same_deal_as", "covered_by", "source", "quote", "gloss",
            "usd_per_year", "usd_per_gw", "implied_chips", "implied_power", "implied_power_basis"}
    assert all(keys <= set(r) for r in rows) and {r["buyer"] for r in rows} == {"OpenAI"}
    oracle = next(r for r in rows if r["id"] == "openai_oracle_2025_09")
    assert (oracle["amount"], oracle["power"], oracle["term"], oracle["start"]) == (300e9, 4.5, 5.0, "2027")
    assert oracle["implied_power_basis"] == "rental" and oracle["covered_by"] == "openai_stargate_2025_09"
    azure = next(r for r in rows if r["id"] == "openai_azure_2025_10")
    assert azure["term"] is None and azure["usd_per_year"] is None        # null where the sources do not say


def test_calc_deals_totals_in_text_and_csv():
    text = calc_cli("deals", "--totals", "--as-of", "2025-11-30").stdout
    assert "OpenAI" in text and "$592B" in text and "each deal counted once" in text.lower()
    csv = calc_cli("deals", "--totals", "--format", "csv", "--as-of", "2025-11-30").stdout
    csv = csv.splitlines()
    assert csv[0].startswith("buyer,deals,reports,payments_firm,payments_up_to,payments_vague_low")
    # 22 OpenAI reports by then, 15 counting; Oracle 300 + Azure 250 + AWS 38 + CoreWeave 4 = 592 B
    # firm; CoreWeave's March deal is "up to" 11.9 (Reuters), with September's 6.5: 18.4 B up to
    assert any(line.startswith("OpenAI,15,22,592000000000.0,18400000000.0,") for line in csv)


def test_calc_deals_markdown_and_html_list_sources():
    md = calc_cli("deals", "--buyer", "xAI", "--format", "markdown").stdout
    assert md.startswith("| deal | buyer |") and "[teslarati-colossus] Teslarati" in md
    html = calc_cli("deals", "--buyer", "xAI", "--format", "html").stdout
    assert '<table class="calc-deals">' in html and "lokmattimes-xai-20b" in html
    assert "no: same deal as xai_humain_2025_11" in html


def test_calc_deals_xlsx_and_bad_options(tmp_path):
    assert calc_cli("deals", "--format", "xlsx").returncode == 2
    proc = calc_cli("deals", "--format", "xlsx", "--output", "d.xlsx", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import openpyxl
    wb = openpyxl.load_workbook(tmp_path / "d.xlsx")
    assert wb.sheetnames == ["deals", "totals", "sources"]
    assert wb["deals"].max_row == len(calc.deals()) + 1
    bad = calc_cli("deals", "--buyer", "Nobody")
    assert bad.returncode == 2 and "no deals for buyer 'Nobody'" in bad.stderr


# -- the shipped scenario: published aggregates against the ledger, as of their dates -----------
def test_deals_scenario_checks_the_published_aggregates():
    res = calc.load("deals").run()

    def v(name, unit, variant="base"):
        return float(res.value(name, variant=variant).to(unit).magnitude)

    assert v("openai_chip_deals_gw", "GW") == pytest.approx(26)        # NVIDIA 10 + AMD 6 + Broadcom 10
    # 22 Oct 2025: chip deals 26 + Stargate (Sep) 7 + Stargate UAE 1 + Norway 0.23 = 34.23 GW
    assert v("ledger_openai_gw", "GW", "oct-2025") == pytest.approx(34.23)
    # 30 Nov 2025: Stargate restated at more than 8 GW (31 Oct): 26 + 8 + 1 + 0.23 = 35.23 GW
    assert v("ledger_openai_gw", "GW") == pytest.approx(35.23)
    # 30 Nov 2026: NVIDIA's letter of intent stalled (-10 GW); the compute tied to NVIDIA's stake
    # +5 GW, AWS expansion +2 GW, TCS +0.1 GW, Stargate Norway cancelled (-0.23 GW): AMD 6
    # + Broadcom 10 + Stargate 8 + UAE 1 + NVIDIA (Feb 2026) 5 + AWS 2 + TCS 0.1 = 32.1 GW
    assert v("ledger_openai_gw", "GW", "nov-2026") == pytest.approx(32.1)
    # firm payments, 30 Nov 2025: Oracle 300 + Azure 250 + AWS 38 + CoreWeave 4 = 592 B (CoreWeave's
    # March 11.9 is "up to"); 22 Oct 2025: before Azure (28 Oct) and AWS (3 Nov): 300 + 4 = 304 B
    assert v("openai_payments_firm", "USD") == pytest.approx(592e9)
    assert v("openai_payments_firm", "USD", "oct-2025") == pytest.approx(304e9)
    # + CoreWeave up to 11.9 + 6.5 + AMD's low end 20 = 630.4 B; + 20 unpriced GW x 29 B = 580 B
    # -> 1,210.4 B
    assert v("openai_payments_and_unpriced_gw", "USD") == pytest.approx(1210.4e9)
    # deal_* figures read the variant's date: 30 Nov 2025 has AWS's 38 B only (Feb 2026's 100 B
    # comes later); 30 Nov 2026 has 38 + 100
    assert v("openai_amazon_payments", "USD") == pytest.approx(38e9)
    assert v("openai_amazon_payments", "USD", "nov-2026") == pytest.approx(138e9)
    assert v("commitment_share_of_arr", "") == pytest.approx(8.75)      # 1.4e12 / 8 yr / 20e9
    # Oracle: 300e9 / 5 yr = 60e9 USD/yr at the default rental price 15.4919e9 USD/GW/yr = 3.873 GW
    assert v("oracle_power_at_rental", "GW") == pytest.approx(60e9 / RENTAL)
    expected = [                                     # (says starts with, variant, holds)
        ("OpenAI ... recently signed multiple deals", "oct-2025", True),      # 26 / 26
        ("OpenAI's deals add up to about 26 gigawatts", "oct-2025", False),   # 34.23 / 26 = 1.317
        ("The latest two deals add an extra four gigawatts", "base", True),   # 35.23 / 36 = 0.979
        ("OpenAI aims to invest as much as $1.4 trillion to build 30GW of computing capacity "
         "(against", "base", False),                                        # 592 B vs 1.4 T
        ("OpenAI aims to invest as much as $1.4 trillion to build 30GW of computing capacity "
         "(with", "base", True),                                                      # 1,210.4 B, -13.5 %
        ("$1.4 trillion worth of data center commitments", "base", False),  # 875 % of the run-rate
        ("committing to purchase $300 billion", "base", True),              # 3.87 GW vs 4.5 GW
        ("a $50 billion investment by Amazon into OpenAI", "nov-2026", True),   # 138 B vs 138 B
    ]
    assert len(res.checks) == len(expected)          # each check in its own variant only
    for prefix, variant, passed in expected:
        [check] = [c for c in res.checks if c.says.startswith(prefix)]
        assert (check.variant, check.passed) == (variant, passed), (prefix, check.detail)
