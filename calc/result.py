"""A run's result, built once by ``calc.run`` and then only read.

Values per row (variant x sweep point), quantiles when sampled, lineage back to the sources, one
citation per source, check results and findings. Every field is frozen: mappings are read-only
views and arrays are not writeable. ``Result.table()`` is the tidy DataFrame every writer renders
(pandas is imported only there); ``result["chips"]`` is a pint quantity; ``result.explain("chips")``
is the derivation as a tree (rendered by ``calc.output.explain``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pint

from calc.citations import ASSUMPTION
from calc.engine import STATS
from calc.registry import Registry
from calc.sensitivity import sensitivity as tornado
from calc.errors import CalcError
from calc.suggest import did_you_mean
from calc.units import Q, format_unit, parse_unit
from calc.display import check_unit, shown
from calc.dates import Date
from calc.glossary import unit_of
from calc.values import (DATE_OUTPUTS, DATES, NO_PERIODS, PeriodAxis, Rows, rows_size,
                         to_quantity)
from calc.optional import need

if TYPE_CHECKING:               # names for the fields' types only
    import pandas as pd

    from calc.checks import CheckResult
    from calc.citations import Citation
    from calc.findings import Finding
    from calc.plan import Plan
    from calc.values import Case, Value

# origins the scenario names itself
GIVEN = ("input", "sweep", "set on the command line", "figure", "timeline", "over_time")


def _same_point(name: str, label, given) -> bool:
    """Whether the sweep point ``label`` of ``name`` (as written) is ``given``: the same text, or
    the same quantity ('10 month', '10' in name's glossary unit, as --set reads a bare number)."""
    if label is None or str(label) == str(given):
        return label is not None
    try:
        a, b = to_quantity(str(label)), to_quantity(str(given))
        unit = unit_of(name)
        if unit is not None and b.dimensionless and not Q(1, parse_unit(unit)).dimensionless:
            b = Q(float(b.magnitude), unit)
        return bool(np.isclose(float(a.magnitude), float(b.to(a.units).magnitude), rtol=1e-12))
    except (CalcError, pint.errors.PintError):      # not a quantity (a date), another dimension
        return False


def freeze(obj):
    """A read-only view: mappings become MappingProxyType (recursively), arrays non-writeable."""
    if isinstance(obj, dict):
        return MappingProxyType({k: freeze(v) for k, v in obj.items()})
    if isinstance(obj, np.ndarray):
        obj.flags.writeable = False
    return obj


def lineage_of(plan, leaves: dict, name: str) -> dict:
    """The inputs ``name`` rests on in ``plan``, their sources, and which fell back to a default.

    Symbolic: read from the plan and the given Values, never from computed numbers.
    """
    inputs = plan.depends(name)
    sources: list[str] = []
    for n in inputs:
        sources += [s for s in leaves[n].sources if s not in sources]
    fallback = [f"{n} ({leaves[n].origin})" for n in inputs if leaves[n].origin not in GIVEN]
    return {"inputs": tuple(inputs), "sources": tuple(sources), "defaults": tuple(fallback)}


def _label(row: dict) -> str:
    """A wide table's row label as the terminal prints it: 'chips [chip]',
    'arr_growth_per_month (solved) [%]'."""
    name = row["quantity"] + (" (solved)" if row.get("solved") else "")
    return f"{name} [{row['unit']}]" if row["unit"] else name


@dataclass(frozen=True, eq=False, repr=False)
class Result:
    """Everything one run computed, indexed by row (variant x sweep point)."""

    scenario: str
    title: str
    samples: int
    seed: int | None
    case_list: tuple[Case, ...]   # one per variant (a sweep's rows inside)
    cases: Rows                   # variant x sweep point, built on demand
    outputs: tuple[str, ...]      # requested outputs, then derive names, then what checks name
    shown: tuple[str, ...]        # what tables show
    plans: MappingProxyType[int, Plan]      # case (variant) index -> its plan
    registry: Registry
    units: MappingProxyType[str, pint.Unit]        # name -> its unit
    central: MappingProxyType[str, np.ndarray]     # name -> central values over rows [, periods]
    # output -> {p05, p50, p95, mean} over rows [, periods]
    stats: MappingProxyType[str, dict[str, np.ndarray]]
    draws: MappingProxyType[str, np.ndarray]  # name -> (rows, samples[, periods]), small runs
    # per case: name -> the Value given (a swept input as its array)
    leaves: tuple[dict[str, Value], ...]
    # (case, name) -> {"inputs", "sources", "defaults"}
    lineages: MappingProxyType[tuple[int, str], dict[str, tuple]]
    citations: MappingProxyType[str, Citation]   # source id -> citation, in first-use order
    checks: tuple[CheckResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    sensitivity_table: pd.DataFrame | None = None   # calc.sensitivity's table, when asked for
    # name -> the unit the run chose to show it in
    display: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    axis: PeriodAxis = NO_PERIODS  # the period axis: a timeline's periods, or one without labels
    # on a timeline: names with one value per row (funding_need, ...)
    timeless: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()   # notes under the table (commitment spend outside the timeline)
    solutions: tuple[dict, ...] = ()   # solve rows (calc.solve), with their row index under "case"
    solve_text: str = ""          # the solve as explain names it: its request and where it is
    # dates set on the command line that are no input: (("ledger_as_of", "2025-06-01"), ...)
    date_sets: tuple[tuple[str, str], ...] = ()

    @property
    def periods(self) -> tuple[str, ...]:
        """The period labels ('2026', '2026-Q1', '2026-01'); () without a timeline."""
        return self.axis.labels

    # -- reading --------------------------------------------------------------------------------
    def _name(self, name: str) -> str:
        if name not in self.central:
            raise CalcError(f"no quantity {name!r} in this result"
                            f"{did_you_mean(name, self.central)}; "
                            f"it has {', '.join(self.outputs)}")
        return name

    def case_index(self, variant: str | None = None, point: dict | None = None) -> int:
        """The index of the row for ``variant`` (default: the first) at ``point`` (default: the
        first)."""
        for i, c in enumerate(self.cases):
            if variant is not None and c.variant != variant:
                continue
            if point is not None and not all(_same_point(k, c.point.get(k), v)
                                             for k, v in point.items()):
                continue
            return i
        variants = list(dict.fromkeys(c.variant for c in self.case_list))
        if variant is not None and variant not in variants:
            raise CalcError(f"no variant {variant!r}{did_you_mean(variant, variants)}; "
                            f"variants: {', '.join(variants)}")
        text = lambda p: ", ".join(f"{k}={v}" for k, v in p.items())      # noqa: E731
        swept = list(dict.fromkeys(k for c in self.cases for k in c.point))
        for k in point or {}:
            if k not in swept:
                raise CalcError(f"point {text(point)}: {k} is not swept"
                                f"{did_you_mean(k, swept)}; "
                                + (f"swept: {', '.join(swept)}" if swept else "this result has "
                                   "no sweep"))
        points = "; ".join(text(c.point) for c in self.cases
                           if c.variant == (variant or variants[0]))
        raise CalcError(f"no point {text(point or {})} in variant {variant or variants[0]!r}; "
                        f"points: {points}")

    def __getitem__(self, name: str):
        """A pint quantity: a scalar for one row, an array over rows; draws when sampled."""
        name = self._name(name)
        unit = self.units[name]
        if name in self.draws:
            d = self.draws[name]
            d = d[..., 0] if name in self.timeless else d
            return Q(d[0].copy() if len(self.cases) == 1 else d.copy(), unit)
        c = self.central[name]
        c = c[:, 0] if name in self.timeless else c          # (rows,) or (rows, periods)
        if len(self.cases) == 1:
            return Q(float(c[0]) if c.ndim == 1 else c[0].copy(), unit)
        return Q(c.copy(), unit)

    def value(self, name: str, variant: str | None = None, point: dict | None = None, at=None):
        """The central value of ``name`` in one row, as a pint quantity; on a timeline ``at``
        names a period ('2030'), else every period's value comes back as an array.

        A date (break_even, cash_out, arr_as_of) comes back as a ``calc.dates.Date``: the decimal
        year as a number (``d <= 2030``) that prints as tables show it ('2030', '2028-Q2'), with
        ``.first_day``; None for never.
        """
        name = self._name(name)
        c = self.central[name][self.case_index(variant, point)]
        unit = self.units[name]
        flat = np.ravel(c)
        if name in DATES and (name in self.timeless or np.all(flat == flat[0])):   # one date
            x = float(flat[0])
            # a date output prints as its period ('2028-Q2'), an input date (arr_as_of) as a day
            step = self.axis.step if name in DATE_OUTPUTS else None
            return Date(x, step) if np.isfinite(x) else None
        if name in self.timeless or np.ndim(c) == 0:         # one value for the row
            return Q(float(np.ravel(c)[0]), unit)
        return Q(c.copy() if at is None else float(c[self.axis.index_of(at, "at")]), unit)

    def __contains__(self, name: str) -> bool:
        return name in self.central

    def unit_text(self, name: str) -> str:
        return format_unit(self.units[name])

    def with_display(self, units: dict, where: str = "--display ") -> Result:
        """This result with ``units`` (name -> unit text, '%' and 'percent' alike) as the units
        every format shows those names in, as a new Result. A name the result lacks, or a unit of
        another kind, is a CalcError starting with ``where`` + the name."""
        if not isinstance(units, dict):
            raise CalcError("display: expected a mapping name -> unit, "
                            f"e.g. {{'peak_compute': 'EFLOP/s'}}, got {units!r}"[:200])
        if not units:
            return self

        chosen = dict(self.display)
        for name, text in units.items():
            if not isinstance(name, str) or not isinstance(text, str):
                raise CalcError(f"{where}{name!r}: expected a name and a unit as text, "
                                f"got {text!r}"[:200])
            if name not in self.central:
                raise CalcError(f"{where}{name}: no quantity {name!r} in this result"
                                f"{did_you_mean(name, self.central)}; "
                                f"it has {', '.join(self.shown)}")
            chosen[name] = check_unit(name, text, f"{where}{name}", self.units[name])
        return replace(self, display=freeze(chosen))

    def shown_unit(self, name: str, tables: bool = True):
        """How ``name`` is shown (``calc.display.Shown``): in tables (True) or JSON and CSV
        (False)."""

        return shown(name, self.units[name], self.central.get(name), self.display, tables=tables)

    # -- lineage ---------------------------------------------------------------------------------
    def plan(self, i: int):
        """The plan row ``i`` was evaluated with."""
        return self.plans[self.cases.locate(i)[0]]

    def leaf_values(self, i: int) -> dict:
        """name -> values.Value for every given name row ``i`` used (a swept input at its point)."""
        c, k = self.cases.locate(i)
        return {n: replace(v, central=v.central[k])
                if np.ndim(v.central.magnitude) and v.origin not in ("timeline", "over_time") else v
                for n, v in self.leaves[c].items()}

    def lineage(self, i: int, name: str) -> dict:
        """The inputs ``name`` depends on in row ``i``, their sources, and which were defaults."""
        c = self.cases.locate(i)[0]
        lin = self.lineages.get((c, name)) or lineage_of(self.plans[c], self.leaves[c], name)
        return {k: list(v) for k, v in lin.items()}

    def first_rows(self) -> list[int]:
        """The first row of each variant: enough to list sources and inputs."""
        return [int(o) for o in self.cases.offsets[:-1]]

    def source_ids(self) -> list[str]:
        """Every source id any shown output or check rests on, in first-use order."""
        return list(self.citations)

    def used_figures(self) -> list[str]:
        """Ids of every registry figure any variant used, in first-use order."""
        return list(dict.fromkeys(v.figure for lv in self.leaves for v in lv.values() if v.figure))

    def assumption_notes(self) -> list[str]:
        """'name: why' for every assumption used: registry assumptions and the scenario's own."""
        cit = self.citations.get(ASSUMPTION)
        return list(cit.notes) if cit is not None else []

    def sources(self) -> dict:
        """source id -> its citation as JSON (publisher, title, date, url, quote,
        quotes[, notes])."""
        return {sid: c.to_json() for sid, c in self.citations.items() if c.known}

    # -- tables ----------------------------------------------------------------------------------
    def rows(self, tables: bool = False) -> list[dict]:
        """One dict per (row, shown quantity): the JSON row shape the README documents.

        Values are in the unit the run chose (``display``), else the glossary unit, a dimensionless
        one reduced to a plain number; ``tables=True`` also applies the glossary's display defaults
        (% for shares) and SI prefixes for FLOP, as tables show them.
        """
        rows_size(len(self.cases), len(self.shown), self.axis.count)
        labels = self.periods
        out = []
        per_name = {}
        for name in self.shown:
            conv = (lambda x: x) if name in DATE_OUTPUTS else self.shown_unit(name, tables)
            unit = "date" if name in DATE_OUTPUTS else conv.unit
            stats = {s: self.axis.columns(self.stats[name][s]) for s in self.stats.get(name, {})}
            per_name[name] = conv, unit, self.axis.columns(self.central[name]), stats
        for i, case in enumerate(self.cases):
            for name in self.shown:
                lin = self.lineage(i, name)
                conv, unit, central, stats = per_name[name]
                one = name in self.timeless
                for p in range(central.shape[1]):
                    row = {"variant": case.variant, "point": dict(case.point)}
                    if labels:
                        row["period"] = None if one else labels[p]
                    row.update(quantity=name, unit=unit, value=float(conv(central[i, p])))
                    if self.samples > 0:
                        for s in STATS:
                            row[s] = float(conv(stats[s][i, p]))
                        if name in DATE_OUTPUTS:
                            row["never_share"] = float(stats["never_share"][i, p])
                    row.update(inputs=lin["inputs"], sources=lin["sources"],
                               defaults=lin["defaults"])
                    out.append(row)
            out.extend(self._solution_shown(r, tables) for r in self.solutions if r["case"] == i)
        return out

    def _solution_shown(self, row: dict, tables: bool) -> dict:
        """A solve row (without its row index) in the solved input's display unit, as its other rows
        are shown (% for a growth)."""
        row = {k: v for k, v in row.items() if k != "case"}
        if row["unit"] == "date":                   # a date input, solved: a decimal year
            return row
        conv = shown(row["quantity"], parse_unit(row["unit"]), None, self.display, tables)
        if conv.factor == 1.0 and conv.unit == row["unit"]:
            return row
        out = dict(row, unit=conv.unit)
        for k in ("value",) + STATS:
            if out.get(k) is not None:
                out[k] = float(conv(out[k]))
        return out

    def table(self, wide: bool = False, stat: str = "value", formatted: bool = False):
        """The tidy DataFrame: variant, point, quantity, value, unit, [p05 p50 p95 mean], inputs,
        sources.

        ``wide=True``: the spreadsheet layout -- a row per quantity labelled with the unit tables
        show it in ('peak_compute [ZFLOP/s]'), a column per variant (and sweep point), ``stat``
        (value, p05, p50, p95 or mean) in each cell.

        ``formatted=True``: the cells as text, as the tables print them: display units, money as
        '$1.19B', dates as periods; wide, the value with its range in brackets when sampled; a cell
        that holds nothing is '' (numbers stay numbers without it).
        """
        pd = need("pandas")

        if wide:
            return self._wide(stat, formatted)
        rows = self.rows(tables=formatted)
        if formatted:
            # imported here: Result stays a peer of the writers (layer 5), loaded when used
            from calc.output.frame import cell, flags

            for r in rows:
                for k in ("value",) + (STATS if self.samples else ()):
                    r[k] = cell(self, r, k, spread=False)
        for r in rows:
            r["point"] = ", ".join(f"{k}={v}" for k, v in r["point"].items())
            r["inputs"] = ", ".join(r["inputs"])
            r["sources"] = ", ".join(r["sources"])
            r["defaults"] = ", ".join(r["defaults"])
        cols = (["variant", "point", "quantity", "value", "unit"]
                + (list(STATS) if self.samples else []) + ["inputs", "sources", "defaults"])
        if self.periods:
            cols.insert(2, "period")
        if self.solutions:
            cols += ["solved", "no_solution_share"]
        if self.samples and any(n in DATE_OUTPUTS for n in self.shown):
            cols.append("never_share")
        frame = pd.DataFrame(rows, columns=cols)
        if formatted:
            frame = flags(frame.fillna({"period": ""}) if self.periods else frame)
        return frame

    def _wide(self, stat: str, formatted: bool = False):
        pd = need("pandas")

        if stat not in ("value",) + (STATS if self.samples else ()):
            raise CalcError(f"stat {stat!r}: expected value"
                            + (f" or {', '.join(STATS)}" if self.samples
                               else " (p05, p50, p95 and mean need samples)"))
        rows = self.rows(tables=True)
        value = lambda r: r.get(stat)                                       # noqa: E731
        if formatted:
            # imported here: Result stays a peer of the writers (layer 5), loaded when used
            from calc.output.frame import cell

            value = lambda r: cell(self, r, stat)                           # noqa: E731
        if self.periods:                # periods as columns; variant, point and quantity label rows
            frame = pd.DataFrame([{"variant": r["variant"],
                                   "point": ", ".join(f"{k}={v}" for k, v in r["point"].items()),
                                   "quantity": _label(r),
                                   "period": r.get("period") or "whole timeline",
                                   "x": value(r)} for r in rows])
            wide = frame.pivot_table(index=["variant", "point", "quantity"], columns="period",
                                     values="x", sort=False, dropna=False, aggfunc="first")
            return wide.fillna("") if formatted else wide
        cases = list(self.cases)
        sweep = any(c.point for c in cases)
        columns = (pd.MultiIndex.from_tuples(
                       [(c.variant, ", ".join(f"{k}={v}" for k, v in c.point.items()))
                        for c in cases], names=["variant", "point"])
                   if sweep else pd.Index([c.variant for c in cases], name="variant"))
        n = len(self.shown)
        labels = [_label(r) for r in rows[:n]]
        data = [[value(rows[i * n + q]) for i in range(len(cases))] for q in range(n)]
        return pd.DataFrame(data, index=pd.Index(labels, name="quantity"), columns=columns)

    def impossible(self) -> list:
        """The findings that are physically impossible figures (not undefined ratios)."""
        return [f for f in self.findings if f.kind == "impossible"]

    def failing(self) -> list:
        """The findings ``--strict`` exits 1 on: impossible, unusual and precision (not undefined or
        note)."""
        return [f for f in self.findings if f.fails]

    def explain(self, name: str, variant: str | None = None, point: dict | None = None,
                at=None) -> str:
        """The derivation of ``name`` as an indented tree: formula, values with units, sources (on a
        timeline, in the period ``at``, e.g. '2027')."""
        # a peer writer, imported when used: at the top it would load with every run (tens of ms)
        from calc.output.explain import explain

        return explain(self, self._name(name), self.case_index(variant, point), at)

    def sensitivity(self, at=None):
        """Tornado sensitivity (and rank correlation when sampled) as a DataFrame: the table built
        with the result (``run(sensitivity=True)``, ``with_sensitivity``), else computed now.
        ``at`` (a period, e.g. "2030") ranks per-period outputs in that period, not the last."""
        if self.sensitivity_table is not None and at is None:
            return self.sensitivity_table
        return tornado(self, at)

    def with_sensitivity(self, at=None) -> Result:
        """This result with its tornado table (per-period outputs at ``at``, else in the last
        period), as a new Result (writers then show it)."""
        if self.sensitivity_table is not None and at is None:
            return self
        return replace(self, sensitivity_table=tornado(self, at))

    def _repr_html_(self) -> str:
        # a peer writer, imported when used: at the top it would load with every run (tens of ms)
        from calc.output.html import result_html

        return result_html(self)

    def __repr__(self) -> str:
        # a peer writer, imported when used: at the top it would load with every run (tens of ms)
        from calc.output.text import result_text

        return result_text(self)
