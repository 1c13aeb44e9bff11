"""A vague or bounded amount never reads as firm in ``calc deals``: a range shows as its two ends
(and so do the columns drawn from it), a bound carries its mark ('≤$500B'), in the table at any
width, in CSV and JSON (no midpoint as a number)."""

from __future__ import annotations

import json
import math

import pytest

import calc
from calc.output.deals import ratio_mark
from helpers import calc_cli

CAPEX = 29e9                               # epoch_capex_per_gw_facility, USD per facility GW


@pytest.fixture(scope="module")
def amd():
    return calc.deals().set_index("id").loc["openai_amd_2025_10"]


def test_a_range_has_no_central_amount_and_its_derived_columns_are_ranges(amd):
    # AMD: "tens of billions" read as 20-100 billion USD, 6 GW; the midpoint 44.7 B is nowhere
    assert math.isnan(amd["amount"]) and (amd["amount_low"], amd["amount_high"]) == (20e9, 100e9)
    assert math.isnan(amd["usd_per_gw"]) and math.isnan(amd["implied_power"])
    assert amd["usd_per_gw_low"] == pytest.approx(20e9 / 6)        # 3.333e9 USD/GW
    assert amd["usd_per_gw_high"] == pytest.approx(100e9 / 6)      # 16.67e9 USD/GW
    assert amd["implied_power_low"] == pytest.approx(20e9 / CAPEX)     # 0.6897 GW at capex
    assert amd["implied_power_high"] == pytest.approx(100e9 / CAPEX)   # 3.448 GW
    assert amd["implied_power_basis"] == "capex"
    # a firm row has no ends: its derived columns are the numbers
    oracle = calc.deals().set_index("id").loc["openai_oracle_2025_09"]
    assert math.isnan(oracle["usd_per_gw_low"])
    assert oracle["usd_per_gw"] == pytest.approx(300e9 / 4.5)


def test_json_carries_the_ends_not_the_midpoint():
    rows = {r["id"]: r for r in json.loads(calc_cli("deals", "--format", "json").stdout)}
    r = rows["openai_amd_2025_10"]
    assert r["amount"] is None and (r["amount_low"], r["amount_high"]) == (20e9, 100e9)
    assert r["usd_per_gw"] is None and r["usd_per_gw_high"] == pytest.approx(100e9 / 6)


def test_at_120_columns_bounds_and_ranges_do_not_look_firm(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    out = calc_cli("deals", "--buyer", "OpenAI").stdout
    lines = out.splitlines()
    assert "qualifier" not in lines[0]                              # left out to fit
    assert "$44.7B" not in out                                      # AMD's midpoint
    amd = next(i for i, ln in enumerate(lines) if ln.startswith("openai_amd_2025_10 "))
    assert "$20.0B–" in lines[amd] and "$100B" in lines[amd + 1]    # the range wraps at its dash
    stargate = next(ln for ln in lines if ln.startswith("openai_stargate_2025_01 "))
    assert "≤$500B" in stargate                                     # "up to $500 billion"
    coreweave = next(ln for ln in lines if ln.startswith("openai_coreweave_2025_03 "))
    assert "≤$11.9B" in coreweave
    assert "counted?" in lines[0]                                   # still shown at 120
    assert "Marks: ≤ up to, < less than" in " ".join(out.split())


def test_the_full_table_marks_every_column_drawn_from_a_bound(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    out = calc_cli("deals", "--buyer", "OpenAI").stdout

    def cells(did):
        line = next(ln for ln in out.splitlines() if ln.startswith(did + " "))
        return line.split()

    # AMD: per GW 20/6 to 100/6, implied GW 20/29 to 100/29
    assert {"$20.0B–$100B", "$3.33B–$16.7B", "0.6897–3.448"} <= set(cells("openai_amd_2025_10"))
    # Cerebras: more than $10B for up to 0.75 GW over 3 years: more than $13.3B per GW,
    # more than $3.33B a year
    assert {">$10.0B", "≤0.75", ">$13.3B", ">$3.33B"} <= set(cells("openai_cerebras_2026_01"))
    # Stargate: more than $450B for more than 8 GW: per GW is neither bound (about 56.2 B)
    assert {">$450B", ">8", "~$56.2B"} <= set(cells("openai_stargate_2025_10"))


def test_talks_without_an_end_date_say_so_plainly(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    out = calc_cli("deals", "--buyer", "Meta").stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("meta_oracle_2025_09 "))
    assert "no: talks" in line and "nan" not in line


@pytest.mark.parametrize("num, den, mark", [
    ("≤", "", "≤"), ("", "≤", "≥"), ("", ">", "<"), ("≤", "≥", "≤"), ("<", "≥", "<"),
    ("≥", "≤", "≥"), (">", ">", "~"), ("≤", "≤", "~"), ("~", "", "~"), ("", "~", "~"),
    ("", "", "")])
def test_the_mark_of_a_ratio(num, den, mark):
    assert ratio_mark(num, den) == mark


def test_a_vague_chip_count_shows_its_ends_and_a_bound_its_mark(monkeypatch):
    # AWS's "hundreds of thousands" is stored as [100k, 1M]: its midpoint 316,228 is no number
    df = calc.deals().set_index("id")
    aws = df.loc["openai_aws_2025_11_particle"]
    assert math.isnan(aws["chips"]) and (aws["chips_low"], aws["chips_high"]) == (1e5, 1e6)
    assert aws["chips_qualifier"] == "range"
    rows = {r["id"]: r for r in json.loads(calc_cli("deals", "--format", "json").stdout)}
    lam = rows["microsoft_lambda_2025_11"]
    assert lam["chips"] is None and (lam["chips_low"], lam["chips_high"]) == (2e4, 1e5)
    tpu = rows["anthropic_google_tpu_2025_10"]                     # "up to one million TPUs"
    assert (tpu["chips"], tpu["chips_qualifier"]) == (1e6, "up_to")
    csv_out = calc_cli("deals", "--format", "csv").stdout
    assert "316227" not in csv_out and "44721" not in csv_out
    monkeypatch.setenv("COLUMNS", "400")
    out = calc_cli("deals").stdout
    assert "316,228" not in out and "44,721" not in out
    line = lambda i: next(ln for ln in out.splitlines() if ln.startswith(i + " "))  # noqa: E731
    assert "100,000–1,000,000" in line("openai_aws_2025_11_particle")
    assert "20,000–100,000" in line("microsoft_lambda_2025_11")
    assert "≤1,000,000" in line("anthropic_google_tpu_2025_10")
    assert "~200,000" in line("microsoft_nscale_2025_10_bloomberg")       # "roughly 200,000"
