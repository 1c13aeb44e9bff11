"""The quantity glossary (``data/quantities.yaml``): each name's display unit and meaning."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from calc import yamlio

GLOSSARY_FILE = Path(__file__).with_name("data") / "quantities.yaml"


@lru_cache(maxsize=1)
def glossary() -> dict[str, dict]:
    """name -> {"unit": display unit, "meaning": text}."""
    data = yamlio.load(GLOSSARY_FILE) or {}
    return {name: {"unit": str(spec["unit"]), "meaning": spec.get("meaning", "")} for name, spec in data.items()}


def unit_of(name: str) -> str | None:
    """The display unit of a glossary quantity, or None for a name the glossary does not have."""
    entry = glossary().get(name)
    return None if entry is None else entry["unit"]
