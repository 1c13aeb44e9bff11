"""``calc run``'s terminal table fits the terminal: COLUMNS, else the terminal's width, else 120
for a file or a pipe; label columns empty on every line are not drawn; a table too wide for the
terminal draws its variant (and sweep point) as a heading line above its rows."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

import calc

from calc.output import terminal

from helpers import HAND_TIMELINE, ROOT, calc_cli, without_headline

YEAR = re.compile(r"\b20\d\d\b")
SWEPT = HAND_TIMELINE + "sweep:\n  arr_growth_per_month: [0, 0.05]\n"


def value_headers(table: list[str]) -> list[str]:
    """The value column headers of a table's first header line: '2025', 'whole timeline'."""
    return [h for h in re.split(r"\s{2,}", table[0].strip())
            if h not in ("quantity", "variant", "point", "sources")]


def overlong(out: str, width: int) -> list[str]:
    """The lines of ``out`` wider than ``width`` but those of a table panel holding one value
    column (a label and one cell that cannot fit) and a single word too long for any line (a
    URL, a long name)."""
    single = {ln for p in panels(out, headline=True) if len(value_headers(p)) <= 1 for ln in p}
    return [ln for ln in out.splitlines() if len(ln) > width and ln not in single
            and len(ln.split()) > 1]


def run(monkeypatch, columns: int | None, *args: str) -> str:
    """``calc run ARGS`` as the terminal shows it at ``columns`` (None: COLUMNS not set)."""
    if columns is not None:
        monkeypatch.setenv("COLUMNS", str(columns))
    proc = calc_cli("run", *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def panels(out: str, headline: bool = False) -> list[list[str]]:
    """The tables after the headline (with ``headline``, it too), each as its lines from the
    header ('quantity' or 'variant' first, a caption left out) to the last row."""
    found = []
    for p in (out if headline else without_headline(out)).split("\n\n"):
        lines = p.splitlines()
        start = next((i for i, ln in enumerate(lines)
                      if ln.split()[:1] in (["quantity"], ["variant"])), None)
        if start is not None and any(ln.startswith("─") for ln in lines[start:start + 3]):
            found.append(lines[start:])
    return found


@pytest.fixture(scope="module")
def hsbc_160():
    mp = pytest.MonkeyPatch()
    try:
        return run(mp, 160, "hsbc-openai", "--samples", "500")
    finally:
        mp.undo()


def test_a_sampled_timeline_at_160_columns_shows_several_periods_per_panel(hsbc_160):
    tables = [p for p in panels(hsbc_160) if YEAR.search(p[0])]
    periods = [YEAR.findall(p[0]) for p in tables]
    # 2025-2030 in two panels of 3 (was six panels of one period, even at 160 columns); cells
    # such as '-$9.15B (-$10.8B to -$7.54B)' are about 30 characters
    assert periods == [["2025", "2026", "2027"], ["2028", "2029", "2030"]]
    assert max(len(ln) for ln in hsbc_160.splitlines()) <= 160
    assert max(len(ln) for p in tables for ln in p) > 120       # it uses the room it has


def test_a_variant_is_a_heading_over_its_rows_when_the_table_is_too_wide(hsbc_160):
    first = next(p for p in panels(hsbc_160) if "2025" in p[0])
    assert first[0].split()[0] == "quantity"              # no variant, no empty point column
    assert "variant" not in first[0] and "point" not in first[0]
    heads = [ln.rstrip() for ln in first[2:] if not ln.startswith(" ")]
    assert heads == ["base", "market-price"]
    rows = [ln for ln in first[2:] if ln.startswith("  ")]
    assert rows[0].split()[:2] == ["revenue", "[USD]"] and len(rows) == 12    # 6 per variant
    assert len({len(ln) for ln in first}) == 1            # headings padded like the rows


def test_at_80_columns_no_line_is_wider_than_80(monkeypatch):
    out = run(monkeypatch, 80, "hsbc-openai", "--samples", "500")
    assert max(len(ln) for ln in out.splitlines()) <= 80 and overlong(out, 80) == []
    assert len([p for p in panels(out) if YEAR.search(p[0])]) == 6     # a period per panel
    # wrapped text follows the width: the checks and sources wrap at 80, not 120
    checks = out[out.index("\nChecks\n"):]
    assert max(len(ln) for ln in checks.splitlines()) > 70


def test_a_cell_too_wide_beside_its_label_goes_under_it(monkeypatch):
    # at 40 columns a label plus one sampled cell does not fit: each panel holds one period, each
    # cell right-aligned on the line under its label; only the sources panel (a label and the
    # sources, one column) passes the width
    out = run(monkeypatch, 40, "hsbc-openai", "--samples", "500")
    over = [p for p in panels(out) if max(len(ln) for ln in p) > 40]
    assert [p[0].split() for p in over] == [["quantity", "sources"]]
    periods = [p for p in panels(out) if YEAR.fullmatch(p[1].strip())]
    assert [p[1].strip() for p in periods] == [str(y) for y in range(2025, 2031)]
    first = periods[0]
    at = next(k for k, ln in enumerate(first) if ln.split() == ["commitment_spend", "[USD]"])
    assert first[at + 1].strip().startswith("$17.2B (") and len(first[at + 1]) <= 40
    assert len({len(ln) for ln in first}) == 1               # padded to one width
    assert overlong(out, 40) == []


def test_the_headline_at_60_columns_fits(monkeypatch):
    # it was 66 wide: a label of 33 characters beside a cell of 31
    out = run(monkeypatch, 60, "openai-commitments")
    head = out[out.index("Headline"):out.index("Checks:")].splitlines()
    assert max(map(len, head)) <= 60
    at = head.index(next(ln for ln in head if ln.startswith("break_even [date]")))
    assert head[at + 1].strip() == "2032 (2029–2033), never in 16 %"


def test_point_is_drawn_only_with_a_sweep(monkeypatch, tmp_path):
    plain = run(monkeypatch, 400, "hsbc-openai")
    assert all("point" not in p[0].split() for p in panels(plain))
    assert next(p for p in panels(plain) if "2025" in p[0])[0].split()[:2] == ["variant",
                                                                             "quantity"]
    path = tmp_path / "swept.yaml"
    path.write_text(SWEPT, encoding="utf-8")
    wide = run(monkeypatch, 400, str(path))
    assert panels(wide)[0][0].split()[:3] == ["variant", "point", "quantity"]
    assert "base     arr_growth_per_month=0.05  revenue [USD]" in wide
    # narrower than the table: the variant and the point head their rows instead
    narrow = run(monkeypatch, 70, str(path))
    assert "point" not in panels(narrow)[0][0].split()
    assert [ln.rstrip() for ln in panels(narrow)[0] if ln.startswith("base")] == [
        "base · arr_growth_per_month=0", "base · arr_growth_per_month=0.05"]


def test_a_sweep_without_a_timeline_keeps_its_axis(monkeypatch):
    out = run(monkeypatch, 80, "anthropic-arr")
    tables = [p for p in panels(out) if "arr_projected" in "\n".join(p)]
    # a column per case, the sweep axis heading the second header line; 6 cases in 2 panels
    assert [t[1].split()[:3] for t in tables] == [["arr_horizon", "4", "month"],
                                                  ["arr_horizon", "16", "month"]]
    assert [t[0].split()[1:-1] for t in tables] == [["base"] * 3 + ["decaying"] * 2,
                                                    ["decaying"]]
    # a URL longer than a line stands alone on its line, the only one past 80
    assert [ln.strip()[0] for ln in out.splitlines() if len(ln) > 80] == ["<"]
    assert overlong(out, 80) == []


def test_a_pipe_without_columns_gets_120_whatever_the_terminal():
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.run([sys.executable, "-m", "calc.cli", "run", "hsbc-openai", "--samples",
                           "200"], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    widths = [len(ln) for ln in proc.stdout.splitlines()]
    assert max(widths) == 120 == terminal.FILE_WIDTH
    # the same run at 160 columns is wider: the 120 comes from the pipe, not from the run
    wide = subprocess.run([sys.executable, "-m", "calc.cli", "run", "hsbc-openai", "--samples",
                           "200"], cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT),
                                                  "COLUMNS": "160"},
                          capture_output=True, text=True, timeout=120)
    assert max(len(ln) for ln in wide.stdout.splitlines()) == 160


def test_output_to_a_file_is_120_wide_whatever_columns(monkeypatch, tmp_path):
    monkeypatch.setenv("COLUMNS", "60")
    path = tmp_path / "out.txt"
    proc = calc_cli("run", "hsbc-openai", "--samples", "200", "--output", str(path))
    assert proc.returncode == 0, proc.stderr
    saved = path.read_text(encoding="utf-8").splitlines()
    assert max(map(len, saved)) == 120
    shown = run(monkeypatch, 60, "hsbc-openai", "--samples", "200")
    # the one overlong kind allowed: a one-period panel wider than 60 (a sampled cell and label)
    assert overlong(shown, 60) == [] and 60 < max(map(len, shown.splitlines())) < 120


def test_the_headline_follows_the_width(monkeypatch):
    brief = run(monkeypatch, 50, "openai-commitments", "--brief")
    lines = brief.splitlines()
    assert max(map(len, lines)) <= 50
    # the title wraps; the headline's two variants do not fit 50 columns beside the label
    assert lines[0] == "openai-commitments — Can OpenAI pay for its"
    wide = run(monkeypatch, 200, "openai-commitments", "--brief").splitlines()
    assert wide[0].endswith("year by year (2025-2033)?")
    head = next(ln for ln in wide if ln.startswith("quantity"))
    assert head.split() == ["quantity", "base", "decaying"]


def test_markdown_leaves_out_the_empty_point_column_too(monkeypatch, tmp_path):
    plain = run(monkeypatch, None, "hsbc-openai", "--format", "markdown")
    assert "| variant | quantity | 2025 |" in plain and "| point |" not in plain
    path = tmp_path / "swept.yaml"
    path.write_text(SWEPT, encoding="utf-8")
    swept = run(monkeypatch, None, str(path), "--format", "markdown")
    assert "| variant | point | quantity | 2026 |" in swept


def test_the_long_layout_keeps_its_period_column_under_variant_headings():
    from calc.output import layout, text

    res = calc.load(str(ROOT / "scenarios" / "hsbc-openai.yaml")).run(samples=0)
    lines = text.table_lines(layout.build(res, wide=False), 70)
    assert lines[0].split()[:2] == ["period", "quantity"]
    assert [ln.rstrip() for ln in lines if ln[:1].isalpha() and ln[:1] != "p"] == [
        "base", "market-price"] * (lines.count("") + 1)
    assert lines[3].split() == ["2025", "revenue", "$20.0B", "[1,2,3]"]
    wide = text.table_lines(layout.build(res, wide=False), 200)
    assert wide[0].split()[:3] == ["variant", "period", "quantity"]     # it fits: no headings


@pytest.mark.parametrize("command", ["figures", "sources"])
def test_figures_and_sources_follow_the_width(monkeypatch, command):
    # at 80 columns `calc figures` was 118 wide and `calc sources` 136: the columns past the
    # width go to a line under each row, 'name: value'
    monkeypatch.setenv("COLUMNS", "80")
    out = calc_cli(command).stdout
    assert overlong(out, 80) == []
    head = out.splitlines()[0].split()
    assert head == (["id", "value"] if command == "figures" else ["id", "date", "language"])
    below = "    unit: USD; qualifier: " if command == "figures" else "    publisher: "
    assert any(ln.startswith(below) for ln in out.splitlines())
    monkeypatch.setenv("COLUMNS", "400")
    wide = calc_cli(command).stdout.splitlines()[0].split()
    assert wide[-1] == ("source" if command == "figures" else "publisher")


@pytest.mark.parametrize("scenario, fitted", [("openai-commitments", "whole timeline"),
                                              ("nvidia-1gw", "base")])
def test_a_one_column_panel_too_wide_leaves_its_sources_to_a_panel_of_their_own(
        monkeypatch, scenario, fitted):
    # at 80 columns openai-commitments' 'whole timeline' panel was 86 wide, nvidia-1gw's 84
    out = run(monkeypatch, 80, scenario)
    assert max(len(ln) for ln in out.splitlines() if len(ln.split()) > 1) <= 80
    tables = panels(out)
    at = next(k for k, p in enumerate(tables) if value_headers(p) == [fitted])
    assert "sources" not in tables[at][0].split()
    # once, after the block's last panel
    cited = [p for p in tables[at:] if p[0].split() == ["quantity", "sources"]]
    assert cited and cited[0][-1].split()[-1].startswith("[")
    assert len(cited) == 1
