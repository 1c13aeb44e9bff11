"""A scenario's ledger date reaches every way it names a ledger figure (QA report 2, items 1, 4,
6, 7, 8 and 16's ledger_as_of)."""

import json

import pytest

import calc
from calc.errors import CalcError
from helpers import ROOT, calc_cli

B = 1e9


def test_deals_nov_2026_counts_nvidias_5_gw_of_february_2026():
    res = calc.load(ROOT / "scenarios" / "deals.yaml").run(samples=0)
    v = lambda name, unit, var: float(res.value(name, variant=var).to(unit).magnitude)  # noqa: E731
    # NVIDIA 0 (stalled 30 Jan 2026) + NVIDIA 5 (27 Feb 2026) + AMD 6 + Broadcom 10 = 21 GW
    assert v("openai_chip_deals_gw", "GW", "nov-2026") == pytest.approx(21)
    # before 27 Feb 2026 the 5 GW row is 0: the 26 GW of the letter of intent stand
    assert v("openai_chip_deals_gw", "GW", "oct-2025") == pytest.approx(26)
    assert v("openai_chip_deals_gw", "GW", "base") == pytest.approx(26)
    # (5 + 10) GW x 29 B/GW = 435 B; payments 712 + 18.4 + 20 = 750.4 B; 750.4 + 435 = 1,185.4 B
    assert v("openai_unpriced_gw_at_capex", "USD", "nov-2026") == pytest.approx(435 * B)
    assert v("openai_payments_and_unpriced_gw", "USD", "nov-2026") == pytest.approx(1185.4 * B)


JUNE = """
name: j
title: j
{date}
accelerator: b200
inputs:
  facility_power: {{figure: deals_openai_power_firm}}
variants:
  v:
    inputs:
      facility_power: {{figure: deal_openai_nvidia_systems_2026_02_power}}
outputs: [chips]
derive:
  y: {{expr: deals_openai_power_firm, unit: GW}}
"""


def test_an_input_taking_a_ledger_figure_reads_it_at_ledger_as_of():
    res = calc.load(JUNE.format(date="ledger_as_of: 2025-06-30")).run(samples=0)
    leaves = res.leaf_values(0)
    # 30 June 2025: OpenAI's firm power is 1 GW (was today's 32.1 as an input, 1 in the derive)
    assert float(res.value("y").to("GW").magnitude) == pytest.approx(1)
    assert float(leaves["facility_power"].central.to("GW").magnitude) == pytest.approx(1)
    # a deal_* row announced on 27 Feb 2026 is 0 as a variant's input too, its note saying why
    power = res.leaf_values(res.case_index("v"))["facility_power"]
    assert float(power.central.to("GW").magnitude) == 0
    assert "announced 2026-02-27, after 2025-06-30" in power.note
    assert float(res.value("chips", variant="v").magnitude) == 0


COMMIT = """
name: c
title: c
{date}
timeline: {{start: 2025, end: 2033, step: year}}
commitments:
  all:
    amount: {{figure: deals_openai_payments_firm}}
    start: 2025-11
    term: 7 yr
outputs: [commitment_spend]
"""


def test_a_commitment_amount_reads_the_ledger_at_ledger_as_of():
    res = calc.load(COMMIT.format(date="ledger_as_of: 2025-06-30")).run(samples=0)
    spend = res.value("commitment_spend").to("USD").magnitude
    # CoreWeave's 4 B of firm payments on 30 June 2025 (was 712 B, today's), spread over 7 years
    assert float(spend.sum()) == pytest.approx(4 * B)
    sets = calc.load(COMMIT.format(date="")).run(samples=0, sets={"ledger_as_of": "2025-06-30"})
    assert float(sets.value("commitment_spend").to("USD").magnitude.sum()) == pytest.approx(4 * B)


def test_set_ledger_as_of_is_shown_as_an_override_with_its_day(tmp_path):
    out = calc_cli("run", "deals", "--samples", "0", "--set", "ledger_as_of=2025-06")
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "Set on the command line (instead of the scenario's value) ledger_as_of = 2025-06-01" \
        in text
    assert "--set ledger_as_of=2025-06 is read as 2025-06-01, the first day of its month" in text
    assert "every column reads the deals ledger as of 2025-06-01 (the variants' own " \
           "ledger_as_of replaced)" in text
    out = calc_cli("run", "deals", "--samples", "0", "--set", "ledger_as_of=2025-06",
                   "--format", "json")
    doc = json.loads(out.stdout)
    assert doc["overrides"] == [{"name": "ledger_as_of", "value": "2025-06-01", "unit": "",
                                 "low": None, "high": None}]


def test_a_ledger_date_before_the_first_deal_is_refused_everywhere(tmp_path):
    said = "as of 1025-11-30 the ledger has no deals; its first was announced 2023-01: " \
           "give a later date"
    assert calc_cli("deals", "--as-of", "1025-11-30").stderr == f"calc: {said}\n"
    out = calc_cli("run", "deals", "--set", "ledger_as_of=1025-11-30")
    assert (out.returncode, out.stderr) == (2, f"calc: --set ledger_as_of: {said}\n")
    path = tmp_path / "j.yaml"
    path.write_text(JUNE.format(date="ledger_as_of: 1025-11-30"))
    out = calc_cli("run", str(path))
    assert (out.returncode, out.stderr) == (2, f"calc: {path}:4: ledger_as_of: {said}\n")
    assert not list(tmp_path.glob("*.csv"))


def test_a_zeroed_rows_reason_reaches_explain_and_the_notes():
    out = calc_cli("explain", "deals", "openai_unpriced_gw_at_capex", "--variant", "nov-2026")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    k = next(i for i, ln in enumerate(lines) if "deal_openai_nvidia_systems_2025_09_power = 0 GW"
             in ln)
    assert lines[k + 1].strip("│ ") == (
        "0: row openai_nvidia_systems_2025_09 was not in force on the deals ledger as of "
        "2026-11-30 (ledger_as_of): stalled 2026-01-30")
    doc = json.loads(calc_cli("run", "deals", "--samples", "0", "--format", "json").stdout)
    assert ("deal_openai_nvidia_systems_2025_09_power is 0 in nov-2026: row "
            "openai_nvidia_systems_2025_09 was not in force on the deals ledger as of 2026-11-30 "
            "(ledger_as_of): stalled 2026-01-30") in doc["notes"]


def test_a_ledger_date_that_changes_nothing_is_noted_in_the_file_and_by_set():
    text = JUNE.format(date="ledger_as_of: 2025-06-30").replace(
        "deals_openai_power_firm}", "hsbc_openai_contracted_power}").replace(
        "deal_openai_nvidia_systems_2026_02_power", "hsbc_openai_contracted_power").replace(
        "deals_openai_power_firm, unit", "hsbc_openai_contracted_power, unit")
    note = ("ledger_as_of: this scenario reads no deals_*/deal_* figure and no "
            "financing.from_ledger, so the ledger's date changes no number")
    assert note in calc.load(text).run(samples=0).notes
    plain = text.replace("ledger_as_of: 2025-06-30", "")
    assert note in calc.load(plain).run(samples=0, sets={"ledger_as_of": "2025-06-30"}).notes
    assert note not in calc.load(plain).run(samples=0).notes
