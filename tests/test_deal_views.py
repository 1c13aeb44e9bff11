"""The deals views say what they know and when: the flows chart carries its date, a source with
no publisher says so (never 'unknown, 2023-09'), a misspelt buyer gets a did-you-mean."""

from __future__ import annotations

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
