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
