"""Sources a reader can follow: the project cites only itself and its sources; docs/ is shipped and current."""

from __future__ import annotations

import re

from helpers import ROOT

# The maintainers' working notes, which users do not have: no project file may send a reader there.
UNSHIPPED = re.compile(r"FIGURES\.md|DESIGN\.md|INDEX\.md|STYLE\.md|ARCHITECTURE\.md|shared/")
TEXT = (".py", ".yaml", ".md", ".ipynb", ".txt", ".toml", ".cfg")
# tests/test_registry.py checks the quotes against the maintainers' copies of the source texts when
# they are present (a developer's check, skipped elsewhere): it opens them, it cites nothing.
DEVELOPER_CHECKS = {"tests/test_registry.py", "tests/test_docs.py"}


def project_files():
    for top in ("calc", "scenarios", "notebooks", "docs", "tests", "benchmarks"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.is_file() and path.suffix in TEXT and ".venv" not in path.parts:
                yield path
    yield ROOT / "README.md"
    yield ROOT / "Makefile"


def test_no_project_file_cites_the_maintainers_notes():
    cited = []
    for path in project_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel in DEVELOPER_CHECKS:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if UNSHIPPED.search(line):
                cited.append(f"{rel}:{n}: {line.strip()[:100]}")
    assert cited == []


def test_the_glossary_doc_is_current():
    from calc.output.docs import GLOSSARY_DOC, glossary_markdown

    assert GLOSSARY_DOC == ROOT / "docs" / "glossary.md"
    assert GLOSSARY_DOC.read_text(encoding="utf-8") == glossary_markdown(), \
        "docs/glossary.md is out of date: run `python -m calc.output.docs` (or `make docs`)"


def test_the_glossary_doc_lists_every_quantity_with_its_unit():
    from calc.glossary import glossary

    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    for name, entry in glossary().items():
        unit = "1" if entry["unit"] == "dimensionless" else entry["unit"]
        assert f"| `{name}` | {unit}" in text, name
    # a row as a reader sees it: unit, meaning, bounds, formulas and the registry default
    assert ("| `pue` | 1 | power usage effectiveness: facility power / IT power | at least 1 | "
            "facility_power / it_power; power_per_chip / it_power_per_chip | `pue_ai_campus` |") in text


def test_the_scenario_file_reference_names_every_key():
    from calc import scenario

    text = (ROOT / "docs" / "scenario-files.md").read_text(encoding="utf-8")
    keys = set(scenario.TOP_KEYS) | set(scenario.INPUT_KEYS) | set(scenario.VARIANT_KEYS) \
        | set(scenario.CHECK_KEYS) | set(scenario.INLINE_SOURCE_KEYS) | {"from", "to", "steps", "expr", "unit"}
    missing = sorted(k for k in keys if f"`{k}`" not in text and f"{k}," not in text and f"{k}}}" not in text)
    assert missing == []
