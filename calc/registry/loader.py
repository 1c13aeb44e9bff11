"""Reading the data files into registry records, collecting every problem before raising.

Each problem starts with where it is (``calc/data/figures.yaml:12 (amazon_first_tranche_2023).value
| ...``). ``Loader(data_dir).run()`` gives the parts ``calc.registry.Registry`` is built from.
"""

from __future__ import annotations

import math
from pathlib import Path

import pint

from calc import dates, expr, ledger, ledger_count, yamlio
from calc.errors import CalcError
from calc.glossary import KEYS as GLOSSARY_KEYS, bound_problem, read_typical
from calc.registry.data import (ACCELERATOR_FIGURES, ACCELERATOR_KEYS, ACCELERATOR_STATUSES,
                                CHIP_COUNTS, CONFIDENCES, FIGURE_FILES, FIGURE_KEYS,
                                FIGURE_PRECISIONS, FIGURE_REQUIRED, KINDS, NEEDS_PRECISION,
                                PRECISIONS, QUALIFIERS, SLUG_RE, SNAKE_RE, SOURCE_KEYS,
                                SOURCE_REQUIRED, SUMMARY_MAX, Accelerator, Figure, Source, central)
from calc.suggest import did_you_mean
from calc.units import Q, format_unit, parse_quantity, parse_unit


def _is_time(text) -> bool:
    """Is ``text`` a unit of time ('month', 'yr')?"""
    try:
        return isinstance(text, str) and Q(1, parse_unit(text)).check("[time]")
    except CalcError:
        return False


class Loader:
    """Reads the data files and collects every problem before raising."""

    def __init__(self, data_dir: Path):
        self.dir = data_dir
        self.problems: list[str] = []

    def where(self, fname: str, node, key=None, label: str = "") -> str:
        line = (node.line_of(key) if key is not None and hasattr(node, "line_of")
                else getattr(node, "line", 0))
        path = self.dir / fname
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            pass
        return (f"{path}:{line}{f' ({label})' if label else ''}"
                f"{f'.{key}' if key is not None else ''}")

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where} | {text}")

    def read(self, fname: str, kind: type):
        try:
            data = yamlio.load(self.dir / fname)
        except CalcError as exc:
            self.problems += exc.problems
            return kind()
        if data is None:
            return kind()
        if not isinstance(data, kind):
            self.problem(self.where(fname, data), "expected a "
                                                  f"{'list' if kind is list else 'mapping'} at the "
                                                  f"top of the file, got {type(data).__name__}")
            return kind()
        return data

    def summary(self, fname: str, item: dict, label: str) -> str | None:
        """An entry's ``summary``: one line of at most SUMMARY_MAX characters, shorter than its
        note."""
        text = item.get("summary")
        if text is None:
            return None
        if (not isinstance(text, str) or "\n" in text.strip() or not text.strip()
                or len(text) > SUMMARY_MAX):
            self.problem(self.where(fname, item, "summary", label),
                         f"a summary is one line of at most {SUMMARY_MAX} characters standing for "
                         f"the note, got {str(text)[:60]!r}{'...' if len(str(text)) > 60 else ''} "
                         f"({len(str(text))} characters)")
            return None
        return text.strip()

    def check_keys(self, fname: str, item, allowed: set, required, label: str) -> bool:
        if not isinstance(item, dict):
            self.problem(self.where(fname, item), f"expected a mapping, got {item!r}")
            return False
        for key in item:
            if key not in allowed:
                self.problem(self.where(fname, item, key, label),
                             f"unknown key {key!r}{did_you_mean(key, allowed)}; allowed: "
                             f"{', '.join(sorted(allowed))}")
        ok = True
        for key in required:
            if item.get(key) in (None, ""):
                self.problem(self.where(fname, item, key, label), f"missing required key {key!r}")
                ok = False
        return ok

    # -- each file ----------------------------------------------------------------------------
    def run(self) -> dict:
        quantities = self.load_quantities()
        sources = self.load_sources()
        figures, raw = self.load_figures(quantities, sources)
        self.check_formulas(figures, raw)
        accelerators = self.load_accelerators(figures, quantities)
        deals = ledger.load(self, figures, sources, accelerators, quantities, Figure, QUALIFIERS)
        if not self.problems:
            ledger_count.add_total_figures(deals, figures, quantities, Figure)
        defaults = self.load_defaults(figures, quantities)
        if self.problems:
            raise CalcError(self.problems)
        return {"quantities": quantities, "sources": sources, "figures": figures,
                "accelerators": accelerators, "defaults": defaults, "ledger": deals}

    def load_quantities(self) -> dict:
        data = self.read("quantities.yaml", dict)
        out = {}
        for name, spec in data.items():
            where = self.where("quantities.yaml", data, name)
            if not isinstance(spec, dict) or "unit" not in spec:
                self.problem(where, "expected {unit: ..., meaning: ...}")
                continue
            try:
                parse_unit(str(spec["unit"]))
            except CalcError as exc:
                self.problem(where, str(exc))
                continue
            for key in spec:
                if key not in GLOSSARY_KEYS:
                    self.problem(self.where("quantities.yaml", spec, key, name), "unknown key "
                                 f"{key!r}{did_you_mean(key, GLOSSARY_KEYS)}; allowed: "
                                 f"{', '.join(GLOSSARY_KEYS)}")
            for key in ("min", "max", "above"):
                if key in spec and (isinstance(spec[key], bool)
                                    or not isinstance(spec[key], (int, float))
                                    or not math.isfinite(spec[key])):
                    self.problem(self.where("quantities.yaml", spec, key, name),
                                 f"{key} must be a number in {spec['unit']}, got {spec[key]!r}")
            if "display" in spec:          # the unit tables show it in: it must parse and fit
                try:
                    shown = parse_unit(str(spec["display"]))
                    if ((1 * shown).dimensionality
                            != (1 * parse_unit(str(spec["unit"]))).dimensionality):
                        raise CalcError(f"display {spec['display']!r} does not fit "
                                        f"unit {spec['unit']!r}")
                except CalcError as exc:
                    self.problem(self.where("quantities.yaml", spec, "display", name), str(exc))
            typical = None
            try:                # where it usually lies: a finding outside, never an error
                typical = read_typical(spec)
            except CalcError as exc:
                key = "typical" if "typical" in spec else "typical_note"
                self.problem(self.where("quantities.yaml", spec, key, name), str(exc))
            if "per" in spec and not _is_time(spec["per"]):
                self.problem(self.where("quantities.yaml", spec, "per", name),
                             f"per is the period a rate is per, such as month, got {spec['per']!r}")
            out[name] = {"unit": str(spec["unit"]), "meaning": spec.get("meaning", ""),
                         "typical": typical}
        return out

    def load_sources(self) -> dict:
        fname = "sources.yaml"
        out: dict[str, Source] = {}
        for item in self.read(fname, list):
            label = item.get("id", "?") if isinstance(item, dict) else "?"
            if not self.check_keys(fname, item, SOURCE_KEYS, SOURCE_REQUIRED, label):
                continue
            sid = str(item["id"])
            if not SLUG_RE.match(sid):
                self.problem(self.where(fname, item, "id", label), f"source id {sid!r} must be a "
                             "slug (lowercase letters, digits, hyphens), e.g. "
                             "'de-2023-09-amazon-up-to-4b'")
            if sid in out:
                self.problem(self.where(fname, item, "id", label), f"duplicate source id {sid!r}")
            date = str(item["date"])
            try:
                dates.parse(date, "date")
            except CalcError as exc:
                self.problem(self.where(fname, item, "date", label), str(exc))
            out[sid] = Source(id=sid, publisher=str(item["publisher"]), title=str(item["title"]),
                              date=date, language=str(item["language"]), url=item.get("url"),
                              document=item.get("document"), note=item.get("note"),
                              summary=self.summary(fname, item, label))
        return out

    def load_figures(self, quantities: dict, sources: dict) -> tuple[dict, dict]:
        out: dict[str, Figure] = {}
        raw: dict[str, tuple[str, dict]] = {}
        for fname in FIGURE_FILES:
            for item in self.read(fname, list):
                label = str(item.get("id", "?")) if isinstance(item, dict) else "?"
                if not self.check_keys(fname, item, FIGURE_KEYS, FIGURE_REQUIRED, label):
                    continue
                fig = self.load_figure(fname, item, label, quantities, sources)
                if fig is None:
                    continue
                if fig.id in out:
                    self.problem(self.where(fname, item, "id", label),
                                 f"duplicate figure id {fig.id!r} (also at {out[fig.id].where})")
                    continue
                out[fig.id] = fig
                raw[fig.id] = (fname, item)
        return out, raw

    def load_figure(self, fname, item, label, quantities, sources) -> Figure | None:
        at = lambda key: self.where(fname, item, key, label)  # noqa: E731
        fid = str(item["id"])
        ok = True
        if not SNAKE_RE.match(fid):
            self.problem(at("id"), f"figure id {fid!r} must be snake_case (lowercase words joined "
                                   "by '_'), so expressions can name it")
            ok = False
        qualifier, kind = item["qualifier"], item["kind"]
        if qualifier not in QUALIFIERS:
            self.problem(at("qualifier"),
                         f"qualifier {qualifier!r} is not one of {', '.join(QUALIFIERS)}"
                                          f"{did_you_mean(qualifier, QUALIFIERS)}")
            ok = False
        if kind not in KINDS:
            self.problem(at("kind"), f"kind {kind!r} is not one of "
                                     f"{', '.join(KINDS)}{did_you_mean(kind, KINDS)}")
            ok = False
        as_of = str(item["as_of"])
        try:
            dates.parse(as_of, "as_of")
        except CalcError as exc:
            self.problem(at("as_of"), str(exc))
        source = item.get("source")
        if source is not None and str(source) not in sources:
            self.problem(at("source"), "unknown source id "
                                       f"{source!r}{did_you_mean(source, sources)}; add it to "
                                       "sources.yaml or fix the id")
        if kind in ("quoted", "spec", "estimate"):
            for key in ("source", "quote"):
                if not item.get(key):
                    self.problem(at(key), f"a {kind} figure needs {key!r}: the publication and "
                                          "its verbatim sentence")
        if kind == "assumption" and not item.get("note"):
            self.problem(at("note"), "an assumption needs a 'note' saying why this value")
        if kind == "derived" and not item.get("formula"):
            self.problem(at("formula"), "a derived figure needs a 'formula' over other figure ids")
        precision, known = item.get("precision"), ", ".join(FIGURE_PRECISIONS)
        if precision is not None and precision not in FIGURE_PRECISIONS:
            self.problem(at("precision"), f"precision {precision!r} is not one of {known}")
        elif precision is None and item.get("quantity") in NEEDS_PRECISION:
            self.problem(at("quantity"), f"a {item['quantity']} figure needs 'precision' "
                                         f"({known}): the number format its peak is for, or the "
                                         "peak an MFU is measured against")
        if item.get("confidence") is not None and item["confidence"] not in CONFIDENCES:
            self.problem(at("confidence"), f"confidence {item['confidence']!r} is not one of "
                                           f"{', '.join(CONFIDENCES)}")
        value, low, high = self.read_value(fname, item, label)
        if value is None:
            return None
        if (low is not None) != (qualifier == "range") and qualifier in QUALIFIERS:
            self.problem(at("qualifier"), "qualifier 'range' goes with a 'range: [low, "
                                          "high]' and only with it")
        name = item.get("quantity")
        if name is not None:
            if name not in quantities:
                self.problem(at("quantity"), "unknown quantity "
                                             f"{name!r}{did_you_mean(name, quantities)}; "
                                             "quantities.yaml lists them")
            elif value.dimensionality != parse_unit(quantities[name]["unit"]).dimensionality:
                self.problem(at("value"), f"{format_unit(value.units) or 'a plain number'} cannot "
                                          f"feed {name!r}, which is measured in "
                                          f"{quantities[name]['unit']}")
            else:
                for q in (value, low, high):
                    bad = None if q is None else bound_problem(name, q)
                    if bad:
                        self.problem(at("range" if low is not None else "value"), bad)
                        break
        if not ok:
            return None
        return Figure(id=fid, value=value, low=low, high=high, qualifier=qualifier, kind=kind,
                      as_of=as_of,
                      source=None if source is None else str(source), quote=item.get("quote"),
                      gloss=item.get("gloss"), quantity=name, confidence=item.get("confidence"),
                      formula=item.get("formula"), note=item.get("note"), where=at(None),
                      summary=self.summary(fname, item, str(item.get("id", "?"))),
                      precision=precision)

    def read_value(self, fname, item, label):
        """(central, low, high) from ``value`` or ``range``; (None, ..) after reporting a
        problem."""
        at = lambda key: self.where(fname, item, key, label)  # noqa: E731
        has_value, has_range = "value" in item, "range" in item
        if has_value == has_range:
            self.problem(at(None), "give exactly one of 'value' or 'range'")
            return None, None, None
        try:
            if has_value:
                return _quantity(item["value"]), None, None
            rng = item["range"]
            if not isinstance(rng, list) or len(rng) != 2:
                self.problem(at("range"), f"a range is [low, high], got {rng!r}")
                return None, None, None
            low, high = _quantity(rng[0]), _quantity(rng[1])
        except CalcError as exc:
            self.problem(at("range" if has_range else "value"), str(exc))
            return None, None, None
        if low.dimensionality != high.dimensionality:
            self.problem(at("range"), "low and high differ in dimension: "
                                      f"{format_unit(low.units)} vs {format_unit(high.units)}")
            return None, None, None
        if low > high:
            self.problem(at("range"), f"low {rng[0]!r} is greater than high "
                                      f"{rng[1]!r}; write [low, high]")
            return None, None, None
        return central(low, high), low, high

    def check_formulas(self, figures: dict, raw: dict) -> None:
        """Every derived figure's value must agree with its formula (within 0.5 %)."""
        for fid, fig in figures.items():
            if not fig.formula:
                continue
            fname, item = raw[fid]
            at = self.where(fname, item, "formula", fid)
            try:
                tree = expr.parse(fig.formula, names=figures.keys())
                unknown = [n for n in tree.names if n not in figures]
                if unknown:
                    self.problem(at, f"formula names unknown figure(s) {', '.join(unknown)}")
                    continue
                if fid in tree.names:
                    self.problem(at, "the formula refers to the figure itself")
                    continue
                got = tree.evaluate({n: figures[n].value for n in tree.names})
            except CalcError as exc:
                self.problem(at, str(exc))
                continue
            if not isinstance(got, pint.Quantity) or got.dimensionality != fig.value.dimensionality:
                self.problem(at, f"formula {fig.formula!r} gives "
                                 f"{format_unit(getattr(got, 'units', ''))}, but the "
                                 f"value is in {fig.unit}")
                continue
            want = float(fig.value.magnitude)
            have = float(got.to(fig.value.units).magnitude)
            if not math.isclose(have, want, rel_tol=5e-3):
                self.problem(at, f"formula {fig.formula!r} gives {have:.6g} {fig.unit}, "
                                 f"but the value says {want:.6g} {fig.unit}; fix one of them")

    def load_accelerators(self, figures: dict, quantities: dict) -> dict:
        fname = "accelerators.yaml"
        out = {}
        for item in self.read(fname, list):
            label = item.get("id", "?") if isinstance(item, dict) else "?"
            if not self.check_keys(fname, item, ACCELERATOR_KEYS,
                                   ("id", "name", "counts", "describes", "precision", "figures"),
                                   label):
                continue
            at = lambda key, item=item, label=label: self.where(  # noqa: E731
                fname, item, key, label)
            if item["counts"] not in CHIP_COUNTS:
                self.problem(at("counts"), f"counts {item['counts']!r} is not one of "
                                           f"{', '.join(CHIP_COUNTS)}")
            if item.get("status", "shipping") not in ACCELERATOR_STATUSES:
                self.problem(at("status"), f"status {item['status']!r} is not one of "
                                           f"{', '.join(ACCELERATOR_STATUSES)}")
            if item["precision"] not in PRECISIONS:
                self.problem(at("precision"), f"precision {item['precision']!r} is not one of "
                                              f"{', '.join(PRECISIONS)}")
            figs = item["figures"] if isinstance(item["figures"], dict) else {}
            for key, fid in figs.items():
                quantity = "peak_flops_per_chip" if key.startswith("peak_flops_per_chip_") else key
                if key not in ACCELERATOR_FIGURES:
                    self.problem(self.where(fname, figs, key, label),
                                 "unknown catalogue figure "
                                 f"{key!r}{did_you_mean(key, ACCELERATOR_FIGURES)}")
                elif fid not in figures:
                    self.problem(self.where(fname, figs, key, label),
                                 f"unknown figure id {fid!r}{did_you_mean(fid, figures)}")
                elif (figures[fid].value.dimensionality
                      != parse_unit(quantities[quantity]["unit"]).dimensionality):
                    self.problem(self.where(fname, figs, key, label),
                                 f"figure {fid!r} is in {figures[fid].unit}, but {key} is "
                                 f"measured in {quantities[quantity]['unit']}")
                elif quantity != key and figures[fid].precision != key.rsplit("_", 1)[1]:
                    self.problem(self.where(fname, figs, key, label),
                                 f"figure {fid!r} has precision {figures[fid].precision!r}, "
                                 f"but {key} is for {key.rsplit('_', 1)[1]}")
            out[str(item["id"])] = Accelerator(
                id=str(item["id"]), name=str(item["name"]), counts=item["counts"],
                describes=str(item["describes"]),
                gpus_per_chip=float(item.get("gpus_per_chip", 1)), precision=item["precision"],
                figures=dict(figs), note=item.get("note"),
                status=str(item.get("status", "shipping")),
                summary=self.summary(fname, item, str(item.get("id", "?"))))
        return out

    def load_defaults(self, figures: dict, quantities: dict) -> dict:
        fname = "defaults.yaml"
        data = self.read(fname, dict)
        for name, fid in data.items():
            at = self.where(fname, data, name)
            if name not in quantities:
                self.problem(at, f"unknown quantity {name!r}{did_you_mean(name, quantities)}")
            elif fid not in figures:
                self.problem(at, f"unknown figure id {fid!r}{did_you_mean(fid, figures)}")
            elif (figures[fid].value.dimensionality
                  != parse_unit(quantities[name]["unit"]).dimensionality):
                self.problem(at, f"figure {fid!r} is in {figures[fid].unit}, but {name} is "
                                 f"measured in {quantities[name]['unit']}")
            else:
                self.typical_default(at, name, figures[fid], quantities[name])
        return dict(data)

    def typical_default(self, at: str, name: str, fig: Figure, quantity: dict) -> None:
        """A default (each end of a range) lies inside its quantity's typical range, if any."""
        typical = quantity.get("typical")
        if typical is None:
            return
        unit = parse_unit(quantity["unit"])
        ends = [fig.value] + ([fig.low, fig.high] if fig.is_range else [])
        mags = [float(q.to(unit).magnitude) for q in ends]
        if any(typical.outside(mags)):
            shown = ", ".join(f"{m:g}" for m in mags)
            self.problem(at, f"figure {fig.id!r} ({shown} {quantity['unit']}) lies outside the "
                             f"typical {typical.low:g}-{typical.high:g} of {name}; a default never "
                             "does: check the figure, or the range and its note")


def _quantity(value) -> pint.Quantity:
    if isinstance(value, bool) or value is None:
        raise CalcError(f"cannot read {value!r} as a quantity")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise CalcError(f"cannot read {value!r} as a quantity: not a finite number")
        return Q(float(value))
    return parse_quantity(str(value))
