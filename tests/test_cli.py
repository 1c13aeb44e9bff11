"""The ``calc`` command: ``calc.cli.main`` in-process with captured streams; a few tests run the real
entry point in a fresh process (``calc_subprocess``, the installed console script)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from calc.registry import Registry

from helpers import BASE, calc_cli, calc_subprocess

FIGURE_KEYS = {"id", "value", "unit", "low", "high", "kind", "source", "quote", "gloss", "as_of", "note"}
SOURCE_KEYS = {"id", "publisher", "title", "date", "language", "url"}
DOCUMENT_SOURCES = ("de-2023-09-amazon-up-to-4b", "de-2023-10-google-2b", "de-2024-11-amazon-8b",
                    "36kr-caixin-2025-11-msft-nvda", "nl-ft-amazon-new-investment")


HOLDS = textwrap.dedent("""\
    checks:
      - says: "more than 300,000 chips"
        source: assumption
        note: test
        that: chips
        above: 300k chip
    """)
FAILS = ("  - says: \"1 GW holds 200,000 GB200\"\n"     # 400,000 is not within 20 % of 200,000
         "    source: 36kr-caixin-2025-11-msft-nvda\n"
         "    that: chips\n"
         "    near: 200000 chip\n"
         "    within: 20%\n")


def ok(proc: subprocess.CompletedProcess, status: int = 0) -> subprocess.CompletedProcess:
    assert proc.returncode == status, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr
    return proc


@pytest.fixture
def scenario(tmp_path) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(BASE)
    return path


@pytest.fixture(scope="module")
def figures() -> dict:
    proc = ok(calc_cli("figures", "--format", "json"))
    items = json.loads(proc.stdout)
    assert isinstance(items, list)
    return {f["id"]: f for f in items}


# -- figures and sources -------------------------------------------------------------------------
def test_figures_json_lists_every_figure_with_its_keys(figures):
    reg = Registry.load()
    assert set(figures) == set(reg.figures)
    for f in figures.values():
        assert FIGURE_KEYS <= set(f), f["id"]
        assert isinstance(f["value"], float) and isinstance(f["unit"], str)
        assert f["kind"] in ("quoted", "spec", "estimate", "derived", "assumption")


def test_figures_json_known_figures(figures):
    f = figures["anthropic_nvidia_compute_commitment"]
    assert (f["value"], f["unit"], f["qualifier"], f["as_of"], f["source"]) == \
        (1.0, "GW", "at_least", "2025-11", "36kr-caixin-2025-11-msft-nvda")
    assert f["quote"] == "mindestens 1 GW ... Rechenleistung von NVIDIA zu kaufen"
    assert f["low"] is None and f["high"] is None

    f = figures["amazon_first_tranche_2023"]
    assert f["value"] * {"USD": 1, "billion USD": 1e9}.get(f["unit"], float("nan")) == pytest.approx(1.25e9)
    assert (f["kind"], f["source"]) == ("quoted", "de-2023-09-amazon-up-to-4b")

    f = figures["rainier_chips_claim"]
    assert (f["low"], f["high"], f["unit"], f["qualifier"]) == (200_000, 1_000_000, "chip", "range")
    assert f["value"] == pytest.approx((200_000 * 1_000_000) ** 0.5)     # geometric mean, 447,214

    f = figures["pue_ai_campus"]
    assert (f["kind"], f["source"], f["low"], f["high"]) == ("assumption", None, 1.1, 1.4)
    assert f["note"]


def test_sources_json_lists_every_source(tmp_path):
    items = json.loads(ok(calc_cli("sources", "--format", "json")).stdout)
    by_id = {s["id"]: s for s in items}
    assert set(by_id) == set(Registry.load().sources)
    for s in items:
        assert SOURCE_KEYS <= set(s), s["id"]
    assert set(DOCUMENT_SOURCES) <= set(by_id)
    s = by_id["36kr-caixin-2025-11-msft-nvda"]
    assert (s["publisher"], s["date"], s["language"], s["url"]) == ("36Kr", "2025-11", "de", None)
    assert by_id["nl-ft-amazon-new-investment"]["language"] == "nl"
    assert by_id["de-2023-09-amazon-up-to-4b"]["publisher"] == "unknown"     # never guessed


def test_figures_and_sources_as_a_table_and_csv():
    table = ok(calc_cli("figures")).stdout
    assert "anthropic_nvidia_compute_commitment" in table
    csv = ok(calc_cli("sources", "--format", "csv")).stdout.splitlines()
    assert csv[0].split(",")[:6] == ["id", "publisher", "title", "date", "language", "url"]
    assert len(csv) > len(DOCUMENT_SOURCES)


# -- check ---------------------------------------------------------------------------------------
def test_check_validates_the_shipped_registry(shipped_check):
    reg = Registry.load()
    proc = ok(shipped_check)                              # `calc check` from an empty folder
    assert proc.stdout.splitlines()[0] == (
        f"registry: ok ({len(reg.figures)} figures, {len(reg.sources)} sources, "
        f"{len(reg.accelerators)} accelerators, {len(reg.defaults)} defaults)")


def test_check_runs_a_scenarios_checks(tmp_path, scenario):
    scenario.write_text(BASE + HOLDS + FAILS)
    proc = ok(calc_cli("check", "s.yaml", cwd=tmp_path))  # a check that does not hold is a finding
    assert "s.yaml: ok, 1 of 2 checks hold" in proc.stdout
    assert "does not hold: 1 GW holds 200,000 GB200 (base): chips = 400,000 chip" in proc.stdout
    ok(calc_cli("check", "--strict", "s.yaml", cwd=tmp_path), 1)
    scenario.write_text(BASE + HOLDS)
    assert "s.yaml: ok, 1 of 1 checks hold" in ok(calc_cli("check", "--strict", "s.yaml", cwd=tmp_path)).stdout


def test_check_reports_a_broken_scenario(tmp_path, scenario):
    scenario.write_text(BASE.replace("[chips]", "[chipz]"))
    proc = ok(calc_cli("check", "s.yaml", cwd=tmp_path), 2)
    assert "calc: s.yaml:6: outputs[0]: unknown quantity 'chipz' (did you mean 'chips'?)" in proc.stderr


# -- run -----------------------------------------------------------------------------------------
def test_run_json_stdout_is_only_the_document(tmp_path, scenario):
    scenario.write_text(BASE + HOLDS + FAILS)
    proc = ok(calc_cli("run", "s.yaml", "--format", "json", cwd=tmp_path))
    doc = json.loads(proc.stdout)                        # the whole of stdout parses
    assert {"scenario", "samples", "seed", "rows", "checks", "sources"} <= set(doc)
    assert (doc["scenario"], doc["samples"], doc["seed"]) == ("t", 0, None)
    [row] = doc["rows"]
    assert (row["variant"], row["point"], row["quantity"], row["unit"]) == ("base", {}, "chips", "chip")
    assert row["value"] == pytest.approx(400_000)        # 1e9 / (2000 x 1.25)
    assert set(row["inputs"]) == {"facility_power", "pue", "it_power_per_chip"}
    assert row["sources"] == ["assumption"]
    assert [c["passed"] for c in doc["checks"]] == [True, False]
    assert {"assumption", "36kr-caixin-2025-11-msft-nvda"} <= set(doc["sources"])
    assert doc["sources"]["36kr-caixin-2025-11-msft-nvda"]["publisher"] == "36Kr"


def test_run_json_with_samples_has_quantiles(tmp_path, scenario):
    scenario.write_text(BASE.replace("{value: 1.25,", "{range: [1.1, 1.4],"))
    doc = json.loads(ok(calc_cli("run", "s.yaml", "--format", "json", "--samples", "2000", "--seed", "3",
                                 cwd=tmp_path)).stdout)
    [row] = doc["rows"]
    assert (doc["samples"], doc["seed"]) == (2000, 3)
    # central: pue = sqrt(1.1 x 1.4) = 1.2410, chips = 1e9 / (2000 x 1.2410) = 402,911
    assert row["value"] == pytest.approx(1e9 / (2000 * (1.1 * 1.4) ** 0.5), rel=1e-6)
    assert row["p05"] < row["p50"] < row["p95"]
    assert 1e9 / (2000 * 1.45) < row["p05"] and row["p95"] < 1e9 / (2000 * 1.05)
    again = json.loads(ok(calc_cli("run", "s.yaml", "--format", "json", "--samples", "2000", "--seed", "3",
                                   cwd=tmp_path)).stdout)
    assert again["rows"] == doc["rows"]                 # same seed, same numbers


def test_run_table_and_other_formats(tmp_path, scenario):
    table = ok(calc_cli("run", "s.yaml", cwd=tmp_path)).stdout
    assert "chips [chip]" in table and "400,000" in table
    csv = ok(calc_cli("run", "s.yaml", "--format", "csv", cwd=tmp_path)).stdout
    assert "chips" in csv and "400000" in csv
    md = ok(calc_cli("run", "s.yaml", "--format", "markdown", cwd=tmp_path)).stdout
    assert "|" in md and "400,000" in md
    html = ok(calc_cli("run", "s.yaml", "--format", "html", cwd=tmp_path)).stdout
    assert "<table" in html and "400,000" in html


def test_set_changes_the_number(tmp_path, scenario):
    doc = json.loads(ok(calc_cli("run", "s.yaml", "--format", "json", "--set", "pue=1.5", cwd=tmp_path)).stdout)
    assert doc["rows"][0]["value"] == pytest.approx(333_333.333)       # 1e9 / (2000 x 1.5)
    doc = json.loads(ok(calc_cli("run", "s.yaml", "--format", "json", "--set", "facility_power=2 GW",
                                 "--set", "it_power_per_chip=1000 W/chip", cwd=tmp_path)).stdout)
    assert doc["rows"][0]["value"] == pytest.approx(1_600_000)         # 2e9 / (1000 x 1.25)


def test_output_is_written_atomically(tmp_path, scenario):
    out = tmp_path / "out.json"
    out.write_text("old")
    inode = out.stat().st_ino
    proc = ok(calc_cli("run", "s.yaml", "--format", "json", "--output", "out.json", cwd=tmp_path))
    assert proc.stdout == ""
    assert json.loads(out.read_text())["rows"][0]["value"] == pytest.approx(400_000)
    assert out.stat().st_ino != inode                  # a new file renamed over the old, not rewritten
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "s.yaml"]   # no temporary left
    same = ok(calc_cli("run", "s.yaml", "--format", "json", cwd=tmp_path)).stdout
    assert json.loads(same) == json.loads(out.read_text())


def test_output_into_a_missing_folder(tmp_path, scenario):
    proc = ok(calc_cli("run", "s.yaml", "--output", "no/such/out.txt", cwd=tmp_path), 2)
    assert "calc: --output no/such/out.txt: folder no/such does not exist" in proc.stderr


def test_strict_exit_status(tmp_path, scenario):
    scenario.write_text(BASE + HOLDS + FAILS)
    ok(calc_cli("run", "s.yaml", cwd=tmp_path), 0)                      # a finding, not a failure
    ok(calc_cli("run", "s.yaml", "--strict", cwd=tmp_path), 1)
    ok(calc_cli("run", "s.yaml", "--strict", "--format", "json", cwd=tmp_path), 1)
    proc = ok(calc_cli("run", "s.yaml", "--strict", "--output", "out.txt", cwd=tmp_path), 1)
    assert "1 check(s) do not hold; see out.txt" in proc.stderr
    scenario.write_text(BASE + HOLDS)
    ok(calc_cli("run", "s.yaml", "--strict", cwd=tmp_path), 0)


def test_explain_prints_the_tree(tmp_path, scenario):
    out = ok(calc_cli("explain", "s.yaml", "chips", cwd=tmp_path)).stdout
    assert "chips = facility_power / power_per_chip = 400,000 chip" in out
    assert "power_per_chip = it_power_per_chip x pue = 2,500 W/chip" in out    # 2,000 W x 1.25
    assert "facility_power = 1 GW" in out and "pue = 1.25" in out and "it_power_per_chip = 2,000 W/chip" in out
    assert "assumption" in out


def test_explain_an_unknown_quantity(tmp_path, scenario):
    proc = ok(calc_cli("explain", "s.yaml", "chipz", cwd=tmp_path), 2)
    assert proc.stderr.startswith("calc: ") and "chipz" in proc.stderr


def test_debug_shows_a_traceback(tmp_path):
    proc = ok(calc_cli("run", "nope.yaml", cwd=tmp_path), 2)
    assert proc.stderr.startswith("calc: nope.yaml: no such file, and no shipped scenario of that name")
    for args in (("--debug", "run", "nope.yaml"), ("run", "nope.yaml", "--debug")):
        proc = calc_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2
        assert "Traceback (most recent call last)" in proc.stderr
        assert "calc.errors.CalcError: nope.yaml: no such file" in proc.stderr


def test_usage_errors_exit_2_without_a_traceback(tmp_path):
    proc = ok(calc_cli("frobnicate", cwd=tmp_path), 2)
    assert proc.stderr.startswith("calc: argument COMMAND: invalid choice 'frobnicate'; choose from run, explain, ")
    assert proc.stderr.endswith(" (see 'calc --help')\n") and proc.stderr.count("calc:") == 1
    proc = ok(calc_cli("run", cwd=tmp_path), 2)
    assert "the following arguments are required: FILE" in proc.stderr


def test_installed_console_script(tmp_path, scenario):
    script = Path(sys.executable).with_name("calc")
    if not script.exists():
        pytest.skip(f"{script} is not installed (pip install -e . creates it)")
    proc = subprocess.run([str(script), "run", "s.yaml", "--format", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows"][0]["value"] == pytest.approx(400_000)


def test_the_entry_point_in_a_fresh_process(tmp_path, scenario):
    # python -m calc.cli: bad input exits 2 with one line on stderr and no traceback; a run prints JSON only
    bad = calc_subprocess("run", "nope.yaml", cwd=tmp_path)
    assert (bad.returncode, bad.stdout) == (2, "") and bad.stderr.startswith("calc: nope.yaml: no such file")
    assert "Traceback" not in bad.stderr and len(bad.stderr.splitlines()) == 1
    good = calc_subprocess("run", "s.yaml", "--format", "json", "--set", "pue=1.6", cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    # 1 GW / (2 kW/chip x 1.6) = 312,500 chips
    assert json.loads(good.stdout)["rows"][0]["value"] == pytest.approx(312_500)
