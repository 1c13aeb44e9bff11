"""The README's examples run: its commands, its Python, its scenario file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import calc

from helpers import calc_cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


COMMANDS = [line[2:].strip() for block in blocks("console") for line in block.splitlines() if line.startswith("$ ")]


def test_readme_opens_with_the_two_commands():
    head = README[:1500]
    assert "make demo" in head and "make test" in head


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_commands_run(command, tmp_path, request):
    # run from a scratch folder that sees the shipped scenarios, so --output files land there
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    args = command.split()
    assert args[0] == "calc"
    if command == "calc check":                   # run once for the suite (tests/conftest.py)
        proc = request.getfixturevalue("shipped_check")
    else:
        proc = calc_cli(*args[1:], cwd=tmp_path)  # in-process: calc.cli.main with captured streams
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    if "--output" in args:
        out = tmp_path / args[args.index("--output") + 1]
        assert out.stat().st_size > 0
    else:
        assert proc.stdout.strip()


def test_readme_lists_at_least_the_tour_commands():
    assert {c.split()[1] for c in COMMANDS} >= {"run", "explain", "figures", "sources", "check"}


def test_readme_python_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    for code in blocks("python"):
        exec(compile(code, "README.md", "exec"), {})   # the README's own asserts must hold


def test_readme_scenario_uses_every_key_and_runs(tmp_path):
    (example,) = [b for b in blocks("yaml") if b.startswith("name: example-1gw")]
    keys = set(yaml.safe_load(example))
    from calc.scenario import TOP_KEYS
    from calc.scenario_keys import TIMELINE_KEYS
    assert keys == set(TOP_KEYS) - set(TIMELINE_KEYS)  # every scenario key is documented by example
    (timeline,) = [b for b in blocks("yaml") if b.startswith("name: example-timeline")]
    assert set(yaml.safe_load(timeline)) >= set(TIMELINE_KEYS)     # the timeline keys have their own
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    res = calc.load(path).run()
    assert len(res.cases) == 3 * 3                      # base + 2 variants, 3 sweep points
    # base at 1 GW: chips = 1e9 / (gb200 superchip IT power x central pue sqrt(1.1 x 1.4))
    it = calc.figure("gb200_superchip_it_power").value.to("W/chip").magnitude
    assert res.value("chips", point={"facility_power": "1 GW"}).magnitude == pytest.approx(
        1e9 / (it * (1.1 * 1.4) ** 0.5))
    assert [c.passed for c in res.checks if c.variant == "base"] == [True, True, True, True, True, True]
    assert res.samples == 1000 and res.seed == 1


def test_every_command_is_documented():
    for command in ("calc run", "calc explain", "calc figures", "calc sources", "calc check"):
        assert f"`{command}" in README
