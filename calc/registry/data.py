"""What the registry holds: sources, figures and catalogue entries, and the words their fields take.

Plain frozen records; ``calc.registry.loader`` reads and validates them from ``calc/data``,
``calc.registry.Registry`` holds them together.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pint

from calc.units import Q, format_unit

DATA_DIR = Path(__file__).parent.parent / "data"
FIGURE_FILES = ("figures.yaml", "reference.yaml")

QUALIFIERS = ("exact", "approx", "at_least", "more_than", "up_to", "less_than", "range")
KINDS = ("quoted", "spec", "estimate", "derived", "assumption")
CONFIDENCES = ("V-primary", "V-secondary", "V-weak")
CHIP_COUNTS = ("gpu", "superchip", "tpu_chip", "trainium_chip")
PRECISIONS = ("bf16", "fp8")                   # an accelerator entry's default peak
# The number format a peak-compute figure is for, or an MFU figure is measured against, with its
# dense peak relative to BF16 (FP8 about 2x BF16, FP4 about 2x FP8) [1]
FIGURE_PRECISIONS = {"bf16": 1.0, "fp8": 2.0, "fp4": 4.0}
NEEDS_PRECISION = ("peak_flops_per_chip", "peak_compute", "mfu")   # their figures name one

SOURCE_KEYS = {"id", "publisher", "title", "date", "language", "url", "document", "note", "summary"}
SOURCE_REQUIRED = ("id", "publisher", "title", "date", "language")
FIGURE_KEYS = {"id", "value", "range", "qualifier", "kind", "quantity", "as_of", "source", "quote",
               "gloss", "confidence", "formula", "note", "summary", "precision"}
FIGURE_REQUIRED = ("id", "qualifier", "kind", "as_of")
ACCELERATOR_KEYS = {"id", "name", "counts", "describes", "gpus_per_chip", "precision", "figures",
                    "note", "status", "summary"}
SUMMARY_MAX = 160
# projected: announced, not shipping; its figures are the vendor's intent
ACCELERATOR_STATUSES = ("shipping", "projected")
ACCELERATOR_FIGURES = ("chip_board_power", "it_power_per_chip", "peak_flops_per_chip_bf16",
                       "peak_flops_per_chip_fp8", "chip_capex")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SNAKE_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")


@dataclass(frozen=True)
class Source:
    """A publication: who published it, what it is called, when, in which language."""

    id: str
    publisher: str
    title: str
    date: str
    language: str
    url: str | None = None
    document: str | None = None
    note: str | None = None
    summary: str | None = None          # one line standing for a long note in tables

    def to_json(self) -> dict:
        return {"id": self.id, "publisher": self.publisher, "title": self.title, "date": self.date,
                "language": self.language, "url": self.url, "note": self.note,
                "summary": self.summary}


@dataclass(frozen=True)
class Figure:
    """A named, sourced quantity: a value or a range, with the sentence that says it."""

    id: str
    value: pint.Quantity            # central: the point value, or the geometric mean of a range
    low: pint.Quantity | None
    high: pint.Quantity | None
    qualifier: str
    kind: str
    as_of: str
    source: str | None = None
    quote: str | None = None
    gloss: str | None = None
    quantity: str | None = None
    confidence: str | None = None
    formula: str | None = None
    note: str | None = None
    where: str = ""
    summary: str | None = None          # one line standing for a long note in tables
    precision: str | None = None        # bf16 | fp8 | fp4: a peak's, or the peak an MFU is of

    @property
    def short_note(self) -> str | None:
        """The note as tables show it: its one-line summary when it has one."""
        return self.summary or self.note

    @property
    def unit(self) -> str:
        return format_unit(self.value.units)

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def to_json(self) -> dict:
        """The ``calc figures --format json`` shape: numbers in ``unit``."""
        num = lambda q: None if q is None else float(q.to(self.value.units).magnitude)  # noqa: E731
        return {"id": self.id, "value": num(self.value), "unit": self.unit, "low": num(self.low),
                "high": num(self.high), "qualifier": self.qualifier, "kind": self.kind,
                "quantity": self.quantity, "source": self.source, "quote": self.quote,
                "gloss": self.gloss, "as_of": self.as_of, "confidence": self.confidence,
                "formula": self.formula, "note": self.note, "summary": self.summary,
                "precision": self.precision}


@dataclass(frozen=True)
class Accelerator:
    """A catalogue entry: what one "chip" is, and the figures giving its per-chip values."""

    id: str
    name: str
    counts: str
    describes: str
    gpus_per_chip: float
    precision: str
    figures: dict = field(default_factory=dict)
    note: str | None = None
    status: str = "shipping"
    summary: str | None = None

    def figure_id(self, quantity: str) -> str | None:
        """The figure id supplying ``quantity`` (peak FLOP/s at the entry's precision), if any."""
        if quantity == "peak_flops_per_chip":
            return self.figures.get(f"peak_flops_per_chip_{self.precision}")
        return self.figures.get(quantity)

    def quantities(self) -> list[str]:
        names = [k for k in self.figures if not k.startswith("peak_flops_per_chip_")]
        if self.figure_id("peak_flops_per_chip"):
            names.append("peak_flops_per_chip")
        return names


def central(low: pint.Quantity, high: pint.Quantity) -> pint.Quantity:
    """The central value of a range: the geometric mean when both ends are positive, else the
    midpoint."""
    lo, hi = low.magnitude, high.to(low.units).magnitude
    if lo > 0 and hi > 0:
        return Q(math.sqrt(lo * hi), low.units)
    return Q((lo + hi) / 2, low.units)
