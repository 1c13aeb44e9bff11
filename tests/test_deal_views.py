"""The deals views say what they know and when: the flows chart carries its date, a source with
no publisher says so (never 'unknown, 2023-09'), a misspelt buyer gets a did-you-mean."""

from __future__ import annotations

import re

import pytest

from helpers import calc_cli


def test_the_flows_chart_names_its_day(tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "f.svg"
    r = calc_cli("deals", "--flows", "--plot", str(out), "--as-of", "2025-11-30")
    assert r.returncode == 0
    svg = out.read_text()
    assert "Who pays whom in the deals ledger, as of 2025-11-30" in svg


def test_a_source_without_publisher_says_so_not_unknown():
    out = calc_cli("deals", "--buyer", "Anthropic").stdout
    sources = out.split("Sources:")[1]
    assert "[de-2023-09-amazon-up-to-4b] publisher not recorded, 2023-09." in sources
    assert "unknown" not in sources.replace("up-to", "")
    md = calc_cli("deals", "--format", "markdown").stdout
    assert "unknown, 20" not in md and "publisher not recorded, 2023-09" in md


@pytest.mark.parametrize("args", [("--buyer", "Googel"), ("--buyer", "googel", "--totals")])
def test_a_misspelt_buyer_gets_a_did_you_mean(args):
    r = calc_cli("deals", *args)
    assert r.returncode == 2
    assert "(did you mean 'Google'?)" in r.stderr and "Traceback" not in r.stderr


def test_vague_payments_back_make_the_round_trip_a_range():
    # 31 Dec 2025: Google offered up to 2 B; Anthropic pays Google "tens of billions" (20-100 B)
    import calc

    [t] = [t for t in calc.deal_flows("2025-12-31")["round_trips"]
           if (t["investor"], t["buyer"]) == ("Google", "Anthropic")]
    assert (t["paid_back_vague_low"], t["paid_back_vague_high"]) == (20e9, 100e9)
    assert t["round_trip_share"] is None
    assert t["round_trip_share_low"] == pytest.approx(2 / 100)      # 2.0 %
    assert t["round_trip_share_high"] == pytest.approx(2 / 20)      # 10.0 %
    out = calc_cli("deals", "--flows", "--as-of", "2025-12-31").stdout
    trips = out.split("Round trips")[1]
    line = next(ln for ln in trips.splitlines() if ln.startswith("Google "))
    assert "$20.0B–$100B" in line and line.rstrip().endswith("2.0%–10.0%")
    assert "Vague payments back" in out
    md = calc_cli("deals", "--flows", "--as-of", "2025-12-31", "--format", "markdown").stdout
    assert "| $20.0B–$100B | vague | 2.0%–10.0% |" in md


@pytest.mark.parametrize("columns", ["100", "60", "50"])
def test_the_flows_fit_columns(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)
    out = calc_cli("deals", "--flows").stdout
    assert max(len(ln) for ln in out.splitlines()) <= int(columns)
    assert "anthropic_amazon_investment_2026_04" in out          # whole ids where they fit
    assert "Round trips" in out and "14.0%–19.1%" in out


def test_a_dated_view_tells_no_later_event_in_its_notes():
    import json

    rows = {r["id"]: r for r in json.loads(calc_cli(
        "deals", "--buyer", "OpenAI", "--as-of", "2025-11-30", "--format", "json").stdout)}
    note = rows["openai_nvidia_systems_2025_09"]["note"]
    assert "January 2026" not in note and "stalled" not in note
    assert note.startswith("(note left out as of 2025-11-30: it tells what happened later")
    today = {r["id"]: r for r in json.loads(calc_cli("deals", "--format", "json").stdout)}
    assert "February 2026" in today["openai_nvidia_systems_2025_09"]["note"]   # today: in full


def test_counted_says_why_an_own_build_or_a_chip_count_is_in_no_total():
    out = calc_cli("deals", "--format", "markdown").stdout
    line = lambda i: next(ln for ln in out.splitlines() if ln.startswith(f"| {i} |"))  # noqa
    assert "| no: the buyer's own build |" in line("amazon_rainier_indiana_2025_11")
    assert "| no: chips only, no amount or GW |" in line("xai_colossus_1m_2024_12")
    assert "| no |" not in out                                          # never a bare no
