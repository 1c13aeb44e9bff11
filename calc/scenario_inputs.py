"""Scenario keys that give values: ``inputs`` (and a variant's), each with its ``source``, and
inline sources. A mixin of ``calc.scenario_reader.Reader``: it uses the reader's ``problem``,
``at``, ``keys``, ``reg``, ``inline``, ``input_where`` and ``tl``.
"""

from __future__ import annotations

import dataclasses
import re

from calc import dates
from calc.errors import CalcError
from calc.registry.data import SUMMARY_MAX, Source
from calc.scenario_keys import NAME
from calc.suggest import did_you_mean
from calc.timeline import read as tl_read
from calc.values import Value, spec_value


class InputKeys:
    """Readers of inputs, their sources and their notes' summaries."""

    def source(self, spec, keypath) -> tuple[tuple[str, ...], bool]:
        """(source ids, ok) of an input's or check's ``source``; inline mappings are registered."""
        src = spec.get("source")
        if src is None:
            self.problem(self.at(spec, None, keypath), "a literal needs a 'source': a source id from "
                         "`calc sources`, 'assumption' (with a 'note'), or {publisher, title, date}")
            return (), False
        if src == "assumption":
            if not spec.get("note"):
                self.problem(self.at(spec, "source", f"{keypath}.source"),
                             "source: assumption needs a 'note' saying why this value")
                return (), False
            return ("assumption",), True
        if isinstance(src, dict):
            return self.inline_source(src, spec, keypath)
        if isinstance(src, list):
            self.problem(self.at(spec, "source", f"{keypath}.source"), f"expected one source, got a list {src!r}; "
                         "write a source id from `calc sources`, 'assumption' (with a 'note'), or "
                         "{publisher, title, date}")
            return (), False
        if src not in self.reg.sources and src not in self.inline:
            self.problem(self.at(spec, "source", f"{keypath}.source"), f"unknown source id {src!r}"
                         f"{did_you_mean(src, self.reg.sources)}; `calc sources` lists them")
            return (), False
        return (str(src),), True

    def inline_source(self, src, spec, keypath):
        kp = f"{keypath}.source"
        self.keys(src, "inline_source", kp + ".")
        missing = [k for k in ("publisher", "title", "date") if not src.get(k)]
        if missing:
            self.problem(self.at(spec, "source", kp), f"an inline source needs {', '.join(missing)}")
            return (), False
        try:
            dates.parse(src["date"], "date")
        except CalcError as exc:
            self.problem(self.at(src, "date", kp + ".date"), str(exc))
        sid = re.sub(r"[^a-z0-9]+", "-", f"inline {src['publisher']} {src['date']} {src['title']}".lower()).strip("-")[:80]
        self.inline[sid] = Source(id=sid, publisher=str(src["publisher"]), title=str(src["title"]),
                                  date=str(src["date"]), language=str(src.get("language", "en")),
                                  url=src.get("url"), note=src.get("note"))
        return (sid,), True

    def inputs(self, node, parent, keypath) -> dict:
        if node is None:
            return {}
        if not isinstance(node, dict):
            self.problem(self.at(parent, "inputs", keypath), "expected a mapping of name: {figure: id} or "
                         "{value: ..., source: ...}")
            return {}
        out = {}
        for name, spec in node.items():
            kp = f"{keypath}.{name}"
            if not isinstance(name, str) or not NAME.match(name):
                self.problem(self.at(node, name, kp), "input names are snake_case words such as 'facility_power'")
                continue
            self.input_where.setdefault(name, self.at(node, name, kp))
            value = self.input(name, spec, node, kp)
            if value is not None:
                out[name] = value
        return out

    def input(self, name, spec, node, kp) -> Value | None:
        where = self.at(node, name, kp)
        if not isinstance(spec, dict):
            self.problem(where, f"got {spec!r}; write {{value: {spec!r}, source: <id>}} or {{figure: <id>}} -- "
                                "every literal needs a source")
            return None
        self.keys(spec, "input", kp + ".")
        forms = [k for k in ("figure", "value", "range", "dist", "over_time") if k in spec]
        if len(forms) != 1:
            self.problem(where, "give exactly one of 'figure', 'value', 'range' or 'dist' "
                                f"(got {', '.join(forms) or 'none'})")
            return None
        sources = ()
        if "figure" not in spec:
            sources, ok = self.source(spec, kp)
            if not ok:
                return None
        try:
            if "over_time" in spec:
                value = tl_read.series_value(self, name, spec, where, sources, getattr(self, "tl", None))
            elif name in tl_read.DATE_INPUTS:
                value = tl_read.date_value(self, name, spec, where, sources)
            else:
                value = spec_value(name, spec, sources=sources, reg=self.reg)
        except CalcError as exc:
            self.problem(where, str(exc))
            return None
        summary = self.summary(spec, kp)
        return dataclasses.replace(value, summary=summary) if summary else value

    def summary(self, spec, kp) -> str | None:
        """A note's one-line ``summary`` (shown in tables; the note in full in explain)."""
        text = spec.get("summary")
        if text is None:
            return None
        if not isinstance(text, str) or not text.strip() or "\n" in text.strip() or len(text) > SUMMARY_MAX:
            self.problem(self.at(spec, "summary", f"{kp}.summary"),
                         f"a summary is one line of at most {SUMMARY_MAX} characters standing for the note")
            return None
        return text.strip()
