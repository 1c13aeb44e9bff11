"""The registry: sources, figures, the accelerator catalogue and defaults, read and checked at once.

``calc.registry.data`` holds the records and the words their fields take, ``calc.registry.loader``
reads and checks them from ``calc/data``; this module holds them together.

Data flows one way: the YAML files in ``calc/data`` -> this registry -> models and engine. Loading
checks everything and raises one ``CalcError`` listing every problem, each line starting with
where it is (``calc/data/figures.yaml:12 (amazon_first_tranche_2023).value | ...``).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from calc import expr
from calc.cache import cached, data_files
from calc.errors import CalcError
from calc.registry.data import DATA_DIR, Accelerator, Figure, Source
from calc.registry.loader import Loader
from calc.suggest import did_you_mean


class Registry:
    """Every source, figure, catalogue entry and default, validated together."""

    def __init__(self, quantities: dict, sources: dict, figures: dict, accelerators: dict,
                 defaults: dict, ledger=None):
        self.quantities = quantities        # name -> {"unit": str, "meaning": str}
        self.sources = sources              # id -> Source
        self.figures = figures              # id -> Figure (deal and deal-total figures included)
        self.accelerators = accelerators    # id -> Accelerator
        self.defaults = defaults            # quantity -> figure id
        self.ledger = ledger                # calc.ledger.Ledger: the deals of data/deals.yaml

    # -- look-ups with friendly errors -------------------------------------------------------
    def figure(self, fid: str) -> Figure:
        try:
            return self.figures[fid]
        except KeyError:
            raise CalcError(f"unknown figure id {fid!r}{did_you_mean(fid, self.figures)}; "
                            "`calc figures` lists them") from None

    def source(self, sid: str) -> Source:
        try:
            return self.sources[sid]
        except KeyError:
            raise CalcError(f"unknown source id {sid!r}{did_you_mean(sid, self.sources)}; "
                            "`calc sources` lists them") from None

    def accelerator(self, aid: str) -> Accelerator:
        try:
            return self.accelerators[aid]
        except KeyError:
            raise CalcError(f"unknown accelerator {aid!r}{did_you_mean(aid, self.accelerators)}; "
                            f"the catalogue has {', '.join(self.accelerators)}") from None

    def figure_sources(self, fid: str) -> list[str]:
        """Source ids behind a figure: its own, 'assumption', or those of the figures in its
        formula."""
        out: list[str] = []
        for fig in self.behind(fid):
            sid = fig.source or ("assumption" if fig.kind == "assumption" else None)
            if sid and sid not in out:
                out.append(sid)
        return out

    def behind(self, fid: str) -> list[Figure]:
        """The figures a figure rests on: itself if it has its own source, else (derived) the
        figures named in its formula, recursively."""
        fig = self.figure(fid)
        if fig.source or fig.kind == "assumption" or not fig.formula:
            return [fig]
        out: list[Figure] = []
        for name in _formula_names(fig.formula):
            if name in self.figures:
                out += [f for f in self.behind(name) if f not in out]
        return out

    def quotes(self, sid: str, figure_ids) -> list[tuple[str, str | None]]:
        """(quote, English gloss or None) of every figure from source ``sid`` behind
        ``figure_ids``, each sentence once: a quote that repeats one already listed, or is part of
        it, is left out (its first gloss kept); a longer quote takes the place of a part of it."""
        out: list[tuple[str, str | None]] = []
        for fid in figure_ids:
            for fig in self.behind(fid):
                if fig.source != sid or not fig.quote:
                    continue
                pair = (fig.quote, fig.gloss if fig.gloss and fig.gloss != fig.quote else None)
                if any(fig.quote in q for q, _ in out):
                    continue
                inside = [k for k, (q, _) in enumerate(out) if q in fig.quote]
                if inside:
                    out[inside[0]] = pair
                    out = [p for k, p in enumerate(out) if k not in inside[1:]]
                else:
                    out.append(pair)
        return out

    def assumption_notes(self, figure_ids, full: bool = False) -> list[str]:
        """'figure_id: note' for every assumption behind ``figure_ids``, each once: the one-line
        summary of a long note, or (``full``) the whole note."""
        out: list[str] = []
        for fid in figure_ids:
            for fig in self.behind(fid):
                text = fig.note if full else fig.short_note
                if fig.kind == "assumption" and text and f"{fig.id}: {text}" not in out:
                    out.append(f"{fig.id}: {text}")
        return out

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def load(cls, data_dir: str | Path = DATA_DIR) -> Registry:
        """Load and validate every data file in ``data_dir``; one CalcError lists every problem."""
        return cls(**Loader(Path(data_dir)).run())


@lru_cache(maxsize=1)
def registry() -> Registry:
    """The shipped registry, loaded once per process.

    A validated copy is kept in calc's cache folder (``calc.cache``), so a start-up reads it instead
    of parsing and checking the YAML again; a changed data file is loaded and validated afresh, and
    so is every copy made on another day (the ledger's totals as of today are part of the registry).
    ``CALC_NO_CACHE=1`` turns the copy off; any trouble with it falls back to loading.
    """
    return cached("registry", built_from(), Registry.load, Registry)


def built_from() -> list[bytes]:
    """What the kept copy of the shipped registry is keyed by: its data files and today's date."""
    return [*data_files(DATA_DIR), date.today().isoformat().encode()]


@lru_cache(maxsize=1024)
def _formula_names(formula: str | None) -> list[str]:
    if not formula:
        return []
    return tuple(sorted(expr.parse(formula).names))
