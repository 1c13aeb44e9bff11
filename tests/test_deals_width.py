"""``calc deals`` fits the terminal: COLUMNS (or the terminal's width) bounds every line but a
source's URL; long text wraps and low-priority columns are left out, named under the table."""

from __future__ import annotations

import pytest

from calc.output.deal_columns import DEALS, KEEP
from tests.helpers import calc_cli


def widest(text: str) -> int:
    """The longest line that is not a URL (a URL is never broken)."""
    return max(len(ln) for ln in text.splitlines() if not ln.strip().startswith("http"))


def header(text: str) -> list[str]:
    """The header cells of the table (two spaces or more apart)."""
    import re
    return [h for h in re.split(r"\s{2,}", text.splitlines()[0]) if h]


@pytest.mark.parametrize("columns", [80, 200])
def test_deals_fit_the_terminal_width(monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    out = calc_cli("deals", "--as-of", "2025-11-30")
    assert out.returncode == 0, out.stderr
    assert widest(out.stdout) <= columns
    shown = header(out.stdout)
    # the most important columns stay, in priority order as far as they go
    assert shown[:2] == ["deal", "buyer"] and "amount" in shown
    left = [h for h in DEALS if h not in shown]
    assert left == list(DEALS[len(DEALS) - len(left):])          # the last in priority go first
    assert f"Left out to fit {columns} columns: " in " ".join(out.stdout.split())
    assert "Stargate (SoftBank," in out.stdout                   # provider wraps, not cut
    assert "Oracle, MGX)" in out.stdout


def test_deals_at_80_and_200_columns_differ_and_totals_fit(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    narrow = header(calc_cli("deals", "--as-of", "2025-11-30").stdout)
    totals = calc_cli("deals", "--totals", "--as-of", "2025-11-30").stdout
    monkeypatch.setenv("COLUMNS", "200")
    wide = header(calc_cli("deals", "--as-of", "2025-11-30").stdout)
    # kind wraps ('cloud-' / 'contract') and a range after its dash: at 80 columns kind fits
    assert narrow == ["deal", "buyer", "provider", "kind", "amount"] and len(narrow) >= KEEP
    assert {"kind", "announced", "GW", "counted?"} <= set(wide) and len(wide) > len(narrow)
    assert widest(totals) <= 80 and "$592B" in totals            # OpenAI's firm payments stay


def test_deals_to_a_file_keeps_every_column(monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    assert calc_cli("deals", "--as-of", "2025-11-30", "--output", "d.txt",
                    cwd=tmp_path).returncode == 0
    text = (tmp_path / "d.txt").read_text()
    assert header(text) == ["deal", "buyer", "provider", "payer", "payee", "announced", "kind",
                            "amount", "qualifier", "GW", "chips", "accelerator", "term yr",
                            "status", "counted?", "per year", "per GW", "implied chips",
                            "implied GW", "basis", "source"]
    assert "Left out" not in text


def test_at_60_columns_a_long_deal_id_wraps_after_an_underscore(monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    out = calc_cli("deals", "--as-of", "2025-11-30").stdout
    lines = out.splitlines()
    assert widest(out) <= 60
    # the id column was 38 wide at 60 columns, leaving room for buyer and amount only
    assert header(out) == ["deal", "buyer", "provider", "amount"]
    assert len(lines[1].split()[0]) == 24
    at = lines.index(next(ln for ln in lines if ln.startswith("openai_nvidia_systems_ ")))
    assert lines[at + 1].split() == ["2025_09"]


def test_one_cell_wrapper_breaks_at_spaces_then_inside_ids_ranges_and_hyphens():
    """calc.format.wrap_cell serves the deals table and the flows table alike."""
    from calc.format import wrap_cell
    assert wrap_cell("openai_microsoft_2023_01", 10) == ["openai_", "microsoft_", "2023_01"]
    assert wrap_cell("$20.0B–$100B", 8) == ["$20.0B–", "$100B"]
    assert wrap_cell("cloud-contract", 10) == ["cloud-", "contract"]
    assert wrap_cell("a_b, c_d, openai_aws_2025_11", 12) == ["a_b, c_d,", "openai_aws_", "2025_11"]
    assert wrap_cell("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap_cell("", 5) == [""]
