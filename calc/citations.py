"""One model of what a source says: who published it, when, and the sentences a run used.

A ``Citation`` is built once per source id (``cite``) and rendered by every writer, ``explain``
and the charts: ``text()`` for tables and footnotes, ``line()`` for explain, ``short()`` for a
chart's footnote, ``to_json()`` for JSON. The analyst's own assumptions are one citation too
(id ``assumption``), whose ``notes`` say why each assumed value was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

ASSUMPTION = "assumption"
UNKNOWN = "unknown"          # what the registry gives for a title nobody knows


def shown_title(title: str | None) -> str | None:
    """A source's title as printed, in quotes ('"OpenAI and NVIDIA ..."'); None where the registry
    gives none or says "unknown", so a line reads 'TechBuzz, 2025-11', not 'TechBuzz, "unknown"'."""
    return None if not title or title == UNKNOWN else f"\"{title}\""


NO_PUBLISHER = "publisher not recorded"


def _known(v: str | None) -> str | None:
    return None if not v or v == UNKNOWN else v


def described(publisher: str | None, title: str | None, date: str | None) -> str:
    """What is known of a source, for a line: 'Reuters, "title", 2025-11-03'; a publisher the
    registry gives as "unknown" reads 'publisher not recorded, 2023-09', an unknown title or date
    is left out (never 'unknown, 2023-09')."""
    return ", ".join(p for p in (_known(publisher) or NO_PUBLISHER, shown_title(title),
                                 _known(date)) if p)


def is_unsourced(v) -> bool:
    """A value (``calc.values.Value``) given as an input with no source at all (``calc.evaluate``):
    no source, no figure."""
    return v.origin == "input" and not v.sources and not v.figure


@dataclass(frozen=True)
class Citation:
    """A source as a run cites it: the publication and the quotes of the figures the run used."""

    id: str
    publisher: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    quotes: tuple = ()                    # (quote in the original language, English gloss or None)
    notes: tuple = ()                     # for assumptions: 'name: why', one per assumed value

    @property
    def is_assumption(self) -> bool:
        return self.id == ASSUMPTION

    @property
    def known(self) -> bool:
        """Is the source in the registry (or inline in the scenario)? Unknown ids are shown as they
        are."""
        return self.is_assumption or self.publisher is not None

    def said(self, dash: str = "—") -> str:
        """'"quote" (gloss); "quote"' -- every sentence used, glossed in English where it is not."""
        return "; ".join(f"\"{q}\"" + (f" ({g})" if g else "") for q, g in self.quotes)

    def text(self, dash: str = "—") -> str:
        """'36Kr, "title", 2025-11 — "quote" (gloss)'; 'assumption (the analyst's own): why'."""
        if self.is_assumption:
            notes = "; ".join(n.rstrip(".") for n in self.notes)
            return "assumption (the analyst's own)" + (f": {notes}" if notes else "")
        if self.publisher is None:
            return self.id
        parts = described(self.publisher, self.title, self.date)
        said = self.said()
        return parts + (f" {dash} {said}" if said else "")

    def line(self) -> str:
        """The explain form: 'id: publisher, "title", date -- "quote" (gloss) <url>'."""
        if self.is_assumption or self.publisher is None:
            return self.text()
        text = f"{self.id}: " + described(self.publisher, self.title, self.date)
        for quote, gloss in self.quotes:
            text += f" -- \"{quote}\"" + (f" ({gloss})" if gloss else "")
        return text + (f" <{self.url}>" if self.url else "")

    def short(self) -> str:
        """A chart footnote's form: '36Kr (2025-11)', "the analyst's assumptions"; where the
        publisher is unknown, the id with a word: 'de-2023-09-amazon-up-to-4b (publisher not
        recorded, 2023-09)'."""
        if self.is_assumption:
            return "the analyst's assumptions"
        date = _known(self.date)
        if _known(self.publisher) is None:
            return f"{self.id} ({NO_PUBLISHER}" + (f", {date})" if date else ")")
        return f"{self.publisher} ({date})" if date else str(self.publisher)

    def to_json(self) -> dict:
        """The ``sources`` entry of ``calc run --format json``."""
        if self.is_assumption:
            return {"publisher": "the analyst", "title": "assumption", "date": None, "url": None,
                    "quote": None, "quotes": [], "notes": list(self.notes)}
        return {"publisher": self.publisher, "title": self.title, "date": self.date,
                "url": self.url,
                "quote": self.quotes[0][0] if self.quotes else None,
                "quotes": [q for q, _ in self.quotes]}


def assumption_notes(reg, leaves, full: bool = False) -> list[str]:
    """'name: why' for every assumption among ``leaves`` (Values), each once: registry assumptions
    behind the figures used, then the scenario's own assumed values. A long note is given by its
    one-line summary, or in full with ``full`` (explain)."""
    leaves = list(leaves.items()) if isinstance(leaves, dict) else list(leaves)
    notes = reg.assumption_notes([v.figure for _, v in leaves if v.figure], full=full)
    for name, v in leaves:
        text = v.note if full else (getattr(v, "summary", None) or v.note)
        if not v.figure and ASSUMPTION in v.sources and text and f"{name}: {text}" not in notes:
            notes.append(f"{name}: {text}")
    return notes


def cite(reg, sid: str, leaves, full: bool = False) -> Citation:
    """The citation of source ``sid`` for a run (or one derivation) that used ``leaves``
    (name -> Value, or (name, Value) pairs): quotes of the figures used, through derived figures.
    Assumption notes are one-line summaries, or whole with ``full``."""
    if sid == ASSUMPTION:
        return Citation(sid, notes=tuple(assumption_notes(reg, leaves, full)))
    src = reg.sources.get(sid)
    if src is None:
        return Citation(sid)
    pairs = leaves.items() if isinstance(leaves, dict) else leaves
    figures = list(dict.fromkeys(v.figure for _, v in pairs if v.figure))
    return Citation(sid, src.publisher, src.title, src.date, src.url,
                    tuple(reg.quotes(sid, figures)))


def source_citation(reg, sid: str) -> Citation:
    """A registry source as a citation, without quotes (a list of sources, a chart of figures)."""
    src = reg.sources.get(sid)
    if sid == ASSUMPTION or src is None:
        return Citation(sid)
    return Citation(sid, src.publisher, src.title, src.date, src.url)


def figure_citations(reg, figure_ids) -> list[Citation]:
    """The citations behind registry figures (for charts of figures): one per source, first-use
    order."""
    sids = dict.fromkeys(sid for fid in figure_ids for sid in reg.figure_sources(fid))
    return [source_citation(reg, sid) for sid in sids]
