"""A run's results: values per case, quantiles when sampled, lineage back to the sources.

``Result.table()`` is the tidy DataFrame every writer renders (pandas is imported only there);
``result["chips"]`` is a pint quantity; ``result.explain("chips")`` is the derivation as a tree.
"""

from __future__ import annotations

import numpy as np

from calc.errors import CalcError
from calc.units import Q, format_unit
from calc.suggest import did_you_mean

STATS = ("p05", "p50", "p95", "mean")


class Result:
    """Everything one run computed, indexed by case (variant x sweep point)."""

    def __init__(self, cases, outputs, samples, seed, plans, registry, scenario: str = "", title: str = ""):
        from calc.engine import Rows

        self.case_list = list(cases)          # engine Cases: one per variant (a sweep's rows inside)
        self.cases = Rows(self.case_list)     # rows: variant x sweep point, built on demand
        self.outputs = list(outputs)          # requested outputs, then derive names, then check names
        self.shown = list(outputs)            # what tables show (the runner narrows this)
        self.samples = samples
        self.seed = seed
        self.plans = plans                    # case (variant) index -> engine.Plan
        self.registry = registry
        self.scenario = scenario
        self.title = title
        self.units: dict[str, object] = {}   # name -> pint unit
        self.central: dict[str, np.ndarray] = {}
        self.stats: dict[str, dict[str, np.ndarray]] = {}
        self.draws: dict[str, np.ndarray] = {}
        self.checks: list = []
        self.sensitivity_table = None
        self._shared_leaves: dict = {}
        self._lineage: dict = {}
        self.keep: set = set(outputs)          # names whose draws are kept (outputs and inputs)

    # -- filling (engine) ---------------------------------------------------------------------
    def absorb(self, idx, env: dict, keep_draws: int) -> None:
        """Take one evaluated chunk: central values, quantiles and (small runs) the draws."""
        n_cases = len(self.cases)
        for name, q in env.items():
            unit = self.units.setdefault(name, q.units)
            mag = np.asarray((q if q.units == unit else q.to(unit)).magnitude, dtype=float)
            mag = np.broadcast_to(mag.reshape(mag.shape[0] if mag.ndim else 1, -1), (len(idx), 1 + self.samples))
            if name not in self.central:
                self.central[name] = np.full(n_cases, np.nan)
            self.central[name][idx] = mag[:, 0]
            if self.samples > 0:
                draws = mag[:, 1:]
                if name in self.outputs:        # quantiles for what is reported, not every intermediate
                    stats = self.stats.setdefault(name, {s: np.full(n_cases, np.nan) for s in STATS})
                    p = np.percentile(draws, [5, 50, 95], axis=1)
                    stats["p05"][idx], stats["p50"][idx], stats["p95"][idx] = p
                    stats["mean"][idx] = draws.mean(axis=1)
                if n_cases * self.samples <= keep_draws and name in self.keep:
                    if name not in self.draws:
                        self.draws[name] = np.full((n_cases, self.samples), np.nan)
                    self.draws[name][idx] = draws

    # -- reading --------------------------------------------------------------------------------
    def _name(self, name: str) -> str:
        if name not in self.central:
            raise CalcError(f"no quantity {name!r} in this result{did_you_mean(name, self.central)}; "
                            f"it has {', '.join(self.outputs)}")
        return name

    def case_index(self, variant: str | None = None, point: dict | None = None) -> int:
        """The index of the case for ``variant`` (default: the first) at ``point`` (default: the first)."""
        for i, c in enumerate(self.cases):
            if variant is not None and c.variant != variant:
                continue
            if point is not None and any(str(c.point.get(k)) != str(v) for k, v in point.items()):
                continue
            return i
        variants = list(dict.fromkeys(c.variant for c in self.cases))
        if variant is not None and variant not in variants:
            raise CalcError(f"no variant {variant!r}{did_you_mean(variant, variants)}; "
                            f"variants: {', '.join(variants)}")
        points = "; ".join(", ".join(f"{k}={v}" for k, v in c.point.items())
                           for c in self.cases if c.variant == (variant or variants[0]))
        raise CalcError(f"no point {point!r} in variant {variant or variants[0]!r}; points: {points}")

    def __getitem__(self, name: str):
        """A pint quantity: a scalar for one case, an array over cases; draws when sampled."""
        name = self._name(name)
        unit = self.units[name]
        if name in self.draws:
            d = self.draws[name]
            return Q(d[0] if len(self.cases) == 1 else d, unit)
        c = self.central[name]
        return Q(float(c[0]) if len(self.cases) == 1 else c.copy(), unit)

    def value(self, name: str, variant: str | None = None, point: dict | None = None):
        """The central value of ``name`` in one case, as a scalar pint quantity."""
        name = self._name(name)
        return Q(float(self.central[name][self.case_index(variant, point)]), self.units[name])

    def __contains__(self, name: str) -> bool:
        return name in self.central

    def unit_text(self, name: str) -> str:
        return format_unit(self.units[name])

    # -- lineage ---------------------------------------------------------------------------------
    def plan(self, i: int):
        """The engine plan row ``i`` was evaluated with."""
        return self.plans[self.cases.locate(i)[0]]

    def leaf_values(self, i: int) -> dict:
        """name -> engine.Value for every given name row ``i`` used (a swept input at its point)."""
        from dataclasses import replace

        from calc.engine import _leaf_values

        c, k = self.cases.locate(i)
        plan, case = self.plans[c], self.case_list[c]
        key = (id(plan), case.accelerator)
        shared = self._shared_leaves.get(key)
        if shared is None:          # registry-backed leaves are the same for every case of a plan
            shared = {n: _leaf_values(n, plan.steps[n], [case], self.registry)[0]
                      for n in plan.leaves() if plan.steps[n].stage > 0}
            self._shared_leaves[key] = shared
        out = {}
        for n in plan.leaves():
            v = case.values[n] if plan.steps[n].stage == 0 else shared[n]
            if np.ndim(v.central.magnitude):
                v = replace(v, central=v.central[k])
            out[n] = v
        return out

    def lineage(self, i: int, name: str) -> dict:
        """The inputs ``name`` depends on in row ``i``, their sources, and which were defaults."""
        c = self.cases.locate(i)[0]
        if (c, name) not in self._lineage:       # the same for every row of a variant
            plan = self.plans[c]
            leaves = plan.depends(name)
            values = self.leaf_values(int(self.cases.offsets[c]))
            sources: list[str] = []
            for n in leaves:
                for s in values[n].sources:
                    if s not in sources:
                        sources.append(s)
            given = ("input", "sweep", "set on the command line", "figure")   # named by the scenario
            fallback = [f"{n} ({values[n].origin})" for n in leaves if values[n].origin not in given]
            self._lineage[c, name] = {"inputs": leaves, "sources": sources, "defaults": fallback}
        lin = self._lineage[c, name]
        return {k: list(v) for k, v in lin.items()}

    def first_rows(self) -> list[int]:
        """The first row of each variant: enough to list sources and inputs."""
        return [int(o) for o in self.cases.offsets[:-1]]

    def source_ids(self) -> list[str]:
        """Every source id any shown output or check rests on, in first-use order."""
        out: list[str] = []
        for i in self.first_rows():
            for name in dict.fromkeys(self.shown + self.outputs):     # outputs include what checks name
                for s in self.lineage(i, name)["sources"]:
                    if s not in out:
                        out.append(s)
        for chk in self.checks:
            if chk.source and chk.source not in out:
                out.append(chk.source)
        return out

    def used_figures(self) -> list[str]:
        """Ids of every registry figure any variant used, in first-use order."""
        out: list[str] = []
        for i in self.first_rows():
            for v in self.leaf_values(i).values():
                if v.figure and v.figure not in out:
                    out.append(v.figure)
        return out

    def assumption_notes(self) -> list[str]:
        """'name: why' for every assumption used: registry assumptions and the scenario's own."""
        notes = self.registry.assumption_notes(self.used_figures())
        for i in self.first_rows():
            for name, v in self.leaf_values(i).items():
                if not v.figure and "assumption" in v.sources and v.note and f"{name}: {v.note}" not in notes:
                    notes.append(f"{name}: {v.note}")
        return notes

    def sources(self) -> dict:
        """source id -> {publisher, title, date, url, quote, quotes}: quotes of the figures used."""
        out = {}
        figs = self.used_figures()
        for sid in self.source_ids():
            if sid == "assumption":
                out[sid] = {"publisher": "the analyst", "title": "assumption", "date": None, "url": None,
                            "quote": None, "quotes": [], "notes": self.assumption_notes()}
                continue
            if sid not in self.registry.sources:
                continue
            src = self.registry.sources[sid]
            quotes = [q for q, _ in self.registry.quotes(sid, figs)]
            out[sid] = {"publisher": src.publisher, "title": src.title, "date": src.date, "url": src.url,
                        "quote": quotes[0] if quotes else None, "quotes": quotes}
        return out

    # -- tables ----------------------------------------------------------------------------------
    def rows(self) -> list[dict]:
        """One dict per (case, shown quantity): the JSON row shape the README documents."""
        out = []
        for i, case in enumerate(self.cases):
            for name in self.shown:
                lin = self.lineage(i, name)
                row = {"variant": case.variant, "point": dict(case.point), "quantity": name,
                       "unit": self.unit_text(name), "value": float(self.central[name][i])}
                if self.samples > 0:
                    for s in STATS:
                        row[s] = float(self.stats[name][s][i])
                row.update(inputs=lin["inputs"], sources=lin["sources"], defaults=lin["defaults"])
                out.append(row)
        return out

    def table(self):
        """The tidy DataFrame: variant, point, quantity, value, unit, [p05 p50 p95 mean], inputs, sources."""
        import pandas as pd

        rows = self.rows()
        for r in rows:
            r["point"] = ", ".join(f"{k}={v}" for k, v in r["point"].items())
            r["inputs"] = ", ".join(r["inputs"])
            r["sources"] = ", ".join(r["sources"])
            r["defaults"] = ", ".join(r["defaults"])
        cols = ["variant", "point", "quantity", "value", "unit"] + (list(STATS) if self.samples else []) + \
               ["inputs", "sources", "defaults"]
        return pd.DataFrame(rows, columns=cols)

    def explain(self, name: str, variant: str | None = None, point: dict | None = None) -> str:
        """The derivation of ``name`` as an indented tree: formula, values with units, sources."""
        from calc.output.explain import explain

        return explain(self, self._name(name), self.case_index(variant, point))

    def sensitivity(self):
        """Tornado sensitivity (and rank correlation when sampled) as a DataFrame."""
        from calc.sensitivity import sensitivity

        return sensitivity(self)

    def _repr_html_(self) -> str:
        from calc.output.html import result_html

        return result_html(self)

    def __repr__(self) -> str:
        from calc.output.text import result_text

        return result_text(self)
