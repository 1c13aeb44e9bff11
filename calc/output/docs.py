"""docs/glossary.md, generated from the glossary (calc/data/quantities.yaml), the models and the defaults.

    python -m calc.output.docs          # rewrite docs/glossary.md (tests/test_docs.py checks it is current)
"""

from __future__ import annotations

import sys
from pathlib import Path

from calc.glossary import GLOSSARY_FILE, glossary

GLOSSARY_DOC = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"


def _sections() -> list[tuple[str, list[str]]]:
    """(heading, names) in file order: a one-line comment right above an entry starts a section."""
    out: list[tuple[str, list[str]]] = []
    comment = None
    for line in GLOSSARY_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment = line.strip("# -").strip() or None
            continue
        name = line.split(":", 1)[0].strip()
        if not line.strip() or line.startswith(" ") or not name:
            comment = None
            continue
        if comment is not None or not out:
            heading = (comment or "Quantities").split("(")[0].strip().rstrip(":")
            out.append((heading[:1].upper() + heading[1:], []))
            comment = None
        out[-1][1].append(name)
    return out


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def glossary_markdown() -> str:
    """The glossary as Markdown: one table per section, with units, bounds, formulas and defaults."""
    from calc.models import FORMULAS
    from calc.registry import registry

    gloss = glossary()
    defaults = registry().defaults
    lines = ["# Quantity glossary", "",
             "<!-- Generated from calc/data/quantities.yaml by `python -m calc.output.docs`; do not edit. -->", "",
             "Every name a scenario, a model or a figure may use, with the unit it is checked and shown in.",
             "A scenario gives some of them as `inputs` and asks for others as `outputs`; calc finds a",
             "formula chain between them (`calc explain FILE QUANTITY` shows it). A name a scenario does not",
             "give falls back to its accelerator's catalogue entry, then to the registry default below.",
             "Bounds are what the quantity can physically be: an input outside them is refused, an output",
             "outside them is reported as a finding. Names in the first sections are the contract; renaming",
             "one needs a migration note in the README.", ""]
    for heading, names in _sections():
        lines += [f"## {heading}", "", "| name | unit | meaning | bounds | computed by | default |",
                  "|---|---|---|---|---|---|"]
        for name in names:
            entry = gloss.get(name)
            if entry is None:
                continue
            unit = entry["unit"] if entry["unit"] != "dimensionless" else "1"
            if entry.get("display"):
                unit += f" (shown in {entry['display']})"
            bounds = entry["bounds"].text() if "bounds" in entry else ""
            if entry.get("undefined"):
                bounds += f"; null when {entry['undefined']}"
            formulas = "; ".join(f"{f.text}" + ("" if f.default else f" (model `{f.name}`)")
                                 for f in FORMULAS.values() if f.output == name)
            default = f"`{defaults[name]}`" if name in defaults else ""
            lines.append(f"| `{name}` | {_cell(unit)} | {_cell(entry['meaning'])} | {_cell(bounds)} | "
                         f"{_cell(formulas)} | {default} |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    GLOSSARY_DOC.write_text(glossary_markdown(), encoding="utf-8")
    print(f"wrote {GLOSSARY_DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
