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
    assert ("| `pue` | 1 | power usage effectiveness: facility power / IT power | at least 1; "
            "typical 1-2 (outside: a finding) | "
            "facility_power / it_power; power_per_chip / it_power_per_chip | `pue_ai_campus` |") in text


def test_the_scenario_file_reference_is_current_and_names_every_key():
    from calc import scenario
    from calc.output.docs import SCENARIO_DOC, scenario_keys_markdown, with_keys

    text = SCENARIO_DOC.read_text(encoding="utf-8")
    assert text == with_keys(text, scenario_keys_markdown()), \
        "docs/scenario-files.md's key tables are out of date: run `python -m calc.output.docs` (or `make docs`)"
    keys = set(scenario.TOP_KEYS) | set(scenario.INPUT_KEYS) | set(scenario.VARIANT_KEYS) \
        | set(scenario.CHECK_KEYS) | set(scenario.INLINE_SOURCE_KEYS) | {"from", "to", "steps", "expr", "unit"}
    assert sorted(k for k in keys if f"| `{k}` |" not in text) == []
    assert "| `samples` |  | integer (minimum 0, maximum 2,000,000) | Monte Carlo samples over ranges" in text


# -- notes: a one-line summary in tables, the whole note in `calc figures` and explain ------------
LONG = 200


def _notes(node, path=""):
    if isinstance(node, dict):
        if isinstance(node.get("note"), str):
            yield path, node
        for k, v in node.items():
            yield from _notes(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            label = v.get("id", i) if isinstance(v, dict) else i
            yield from _notes(v, f"{path}[{label}]")


def test_every_long_note_has_a_one_line_summary():
    import yaml

    files = sorted((ROOT / "calc" / "data").glob("*.yaml")) + sorted((ROOT / "scenarios").glob("*.yaml"))
    missing, bad = [], []
    for path in files:
        for where, node in _notes(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if len(node["note"]) > LONG and not node.get("summary"):
                missing.append(f"{path.name}: {where}")
            if node.get("summary") and (len(node["summary"]) > 160 or len(node["summary"]) >= len(node["note"])):
                bad.append(f"{path.name}: {where}")
    assert missing == [], "add a one-line `summary:` beside each of these notes"
    assert bad == []


def test_tables_show_summaries_once_and_explain_the_whole_note(tmp_path):
    from helpers import calc_cli

    run = calc_cli("run", "nvidia-1gw", "--samples", "0", cwd=tmp_path).stdout
    flat = " ".join(run.split())
    assert ("pue_ai_campus: Our assumption: PUE 1.1-1.4 for a liquid-cooled AI campus (Google fleet 1.10 to "
            "below the 1.58 average)") in flat
    assert "so the upper end is widened to 1.4" not in flat       # the full note is not in the table
    assert flat.count("pue_ai_campus:") == 1                       # three variants, one note
    explain = " ".join(calc_cli("explain", "nvidia-1gw", "chips", cwd=tmp_path).stdout.split())
    assert "pue_ai_campus: Our assumption for a new hyperscale AI campus, liquid cooled" in explain
    assert "so the upper end is widened to 1.4" in explain
    # a scenario's own assumption: its summary in the table
    tpu = " ".join(calc_cli("run", "google-tpu-1gw", "--samples", "0", cwd=tmp_path).stdout.split())
    assert "chip_capex: Our assumption: 15,000-40,000 USD per Ironwood chip with its server share" in tpu


def test_calc_figures_shows_confidence_notes_publisher_and_date(tmp_path):
    import json

    from helpers import calc_cli

    text = calc_cli("figures", cwd=tmp_path).stdout
    block = text[text.index("\ngb200_nvl72_rack_power "):]
    block = block[:block.index("\n", block.index("note:") + 200)]
    assert "from: Yahoo News (syndicated), 2024-03; confidence V-secondary" in block
    assert "Our reading of these reports: 120-135 kW." in " ".join(block.split())     # the whole note
    figures = {f["id"]: f for f in json.loads(calc_cli("figures", "--format", "json", cwd=tmp_path).stdout)}
    rack = figures["gb200_nvl72_rack_power"]
    assert (rack["publisher"], rack["published"], rack["confidence"]) == ("Yahoo News (syndicated)", "2024-03",
                                                                         "V-secondary")
    assert rack["summary"] == "Rack IT power at launch (GTC 2024); reports range about 120-135 kW."
    assert rack["note"].startswith("Rack IT power as described at launch")
    csv = calc_cli("figures", "--format", "csv", cwd=tmp_path).stdout.splitlines()[0].split(",")
    assert {"confidence", "note", "summary", "publisher", "published", "url"} <= set(csv)


def test_a_summary_is_one_short_line(tmp_path):
    import shutil

    import pytest

    from calc.errors import CalcError
    from calc.registry import Registry
    from calc.registry.data import DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    ref = data / "reference.yaml"
    ref.write_text(ref.read_text(encoding="utf-8").replace(
        '  summary: "Our assumption: PUE 1.1-1.4', '  summary: "' + "x" * 170 + ' PUE 1.1-1.4', 1), encoding="utf-8")
    with pytest.raises(CalcError) as err:
        Registry.load(data)
    assert any("(pue_ai_campus).summary | a summary is one line of at most 160 characters standing for the note"
               in p for p in err.value.problems)


def test_sources_link_to_the_publishers_own_pages():
    from calc.registry import registry

    sources = registry().sources
    urls = {sid: s.url for sid, s in sources.items() if s.url}
    assert all(u.startswith("https://") or u.startswith("http://") for u in urls.values())
    # found with the project's page search, each on the publisher's own site
    assert urls["verda-gb300-nvl72"] == "https://verda.com/blog/gb300-nvl72-architecture"
    assert urls["arxiv-2506-14551-h100-power"] == "https://arxiv.org/abs/2506.14551"
    assert urls["datacenternews-aws-indiana"].startswith("https://datacenter.news/story/")
    assert len(urls) >= 65


def test_each_note_is_printed_once_per_run(tmp_path):
    import json

    from helpers import calc_cli

    out = calc_cli("run", "nvidia-1gw", "rainier", "google-tpu-1gw", "--samples", "0", cwd=tmp_path).stdout
    flat = " ".join(out.split())
    assert flat.count("pue_ai_campus: Our assumption: PUE 1.1-1.4") == 1
    assert flat.count("pue_ai_campus: as above") == 2
    # a JSON document stands alone: each run keeps its notes
    docs = json.loads(calc_cli("run", "nvidia-1gw", "rainier", "--format", "json", "--samples", "0",
                               cwd=tmp_path).stdout)
    assert all(any(n.startswith("pue_ai_campus: Our assumption") for n in d["sources"]["assumption"]["notes"])
               for d in docs)
