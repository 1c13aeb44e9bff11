"""Scenario files: a YAML description of inputs, outputs, variants, sweeps, derives and checks.

Loading is strict and collects every problem in a file before raising; each message starts with
``file:line: key.path:``. YAML is read safely and bounded in size (calc.yamlio). The keys are
declared once, as data, in ``calc.scenario_keys`` (the contract: docs/scenario-files.md), each
with its reader; ``calc.scenario_keys.Reader`` walks that declaration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from calc import financing_keys, ledger_count, periods, shipped, values
from calc.errors import CalcError
from calc.glossary import glossary
from calc.registry import Registry, registry
from calc.run import run
from calc.scenario_keys import (DATE_INPUTS, Reader, allowed, check_set_units, pair_models,
                                 set_date)
from calc.suggest import did_you_mean
from calc.units import Q
from calc.solve import solve_size
from calc.values import NO_PERIODS, Case, PeriodAxis, Value

# The keys, from the declaration (calc/scenario_keys.py), for code that lists them.
TOP_KEYS = allowed("scenario")
INPUT_KEYS, VARIANT_KEYS, CHECK_KEYS = allowed("input"), allowed("variant"), allowed("check")
INLINE_SOURCE_KEYS = allowed("inline_source")


@dataclass
class Scenario:
    """A loaded scenario: ``run()`` evaluates it, ``cases()`` lists variants x sweep points."""

    name: str
    path: str
    title: str = ""
    description: str = ""
    outputs: list = field(default_factory=list)
    base: Case = field(default_factory=Case)
    # name -> (accelerator, models, {input: Value})
    variants: dict = field(default_factory=dict)
    sweep: dict = field(default_factory=dict)          # name -> engine.Axis
    derive: dict = field(default_factory=dict)         # name -> (Expr, unit | None)
    formulas: dict = field(default_factory=dict)       # input given as {expr, unit}: as derive
    checks: list = field(default_factory=list)
    samples: int = 0
    seed: int | None = None
    correlations: dict = field(default_factory=dict)
    inline_sources: dict = field(default_factory=dict)
    # input name -> "file:line: key.path" of its first mention
    input_where: dict = field(default_factory=dict)
    # input name -> the key of the commitment it belongs to (c_commitment -> c)
    commitment_inputs: dict = field(default_factory=dict)
    # name -> display unit (display:, a derive's unit:)
    display: dict = field(default_factory=dict)
    # key path (sweep, derive.x, ...) -> "file:line: key.path"
    where: dict = field(default_factory=dict)
    timeline: PeriodAxis | None = None                 # the timeline's period axis, as written
    solve: dict | None = None                          # calc.scenario_keys.parse_solve's request
    ledger_as_of: dict = field(default_factory=dict)   # "base" or variant -> datetime.date
    from_ledger: str | None = None                     # financing.from_ledger's buyer
    # --set ledger_as_of: (the day as written back, the notes it adds)
    ledger_set: tuple = ()

    def locate(self, problem: str) -> str:
        """``problem`` ("derive.x: ...") prefixed with the file and line of the key it names."""
        key = problem.split(":", 1)[0]
        if key in self.where:
            return f"{self.where[key]}{problem[len(key):]}"
        name = key.removeprefix("inputs.")
        # a model's refusal of an input
        if key.startswith("inputs.") and name in self.input_where:
            return f"{self.input_where[name]}{problem[len(key):]}"
        return f"{self.path}: {problem}"

    @property
    def axis(self) -> PeriodAxis:
        """The run's period axis: the timeline's, or one period without labels."""
        return NO_PERIODS if self.timeline is None else self.timeline

    def cases(self, sets: dict | None = None) -> list[Case]:
        """One Case per variant (base first); each holds the whole sweep grid as array inputs.

        ``sets`` override inputs (a set sweep name drops that axis).
        """
        sets = sets or {}
        axes = tuple(a for n, a in self.sweep.items() if n not in sets)
        swept = {a.name: Value(central=column, sources=("sweep",), origin="sweep")
                 for a, column in zip(axes, grid_columns(axes))}
        variants = [("base", self.base.accelerator, self.base.models, {})]
        variants += [(n, acc, models, vals) for n, (acc, models, vals) in self.variants.items()]
        return [Case(variant=vname, values={**self.base.values, **overrides,
                                            **self._ledger_values(vname, overrides), **swept,
                                            **sets},
                     accelerator=acc if acc is not None else self.base.accelerator,
                     models=pair_models({**self.base.models, **models}), axes=axes)
                for vname, acc, models, overrides in variants]

    def ledger_names(self, overrides: dict | None = None) -> set:
        """Every name this scenario reads that may be a ledger figure: derives, checks, input
        formulas, commitment formulas, and the figures its inputs (``overrides``: a variant's
        too) take, commitment amounts, capacities and raises included."""
        names = {n for tree, _ in self.derive.values() for n in tree.names}
        names |= {n for c in self.checks for n in c.that.names}
        names |= {n for tree, _ in self.formulas.values() for n in tree.names}
        names |= {n for f in self.axis.amounts.values() for n in f.inputs}
        given = {**self.base.values, **(overrides or {})}
        return names | {v.figure for v in given.values() if getattr(v, "figure", None)}

    def reads_ledger(self, at) -> bool:
        """Whether a name this scenario reads (any variant) is a ledger figure at day ``at``."""
        ledger = registry().ledger
        totals = ledger_count.total_values(ledger, at)
        names = self.ledger_names().union(*(self.ledger_names(v[2])
                                            for v in self.variants.values()))
        return self.from_ledger is not None or any(
            n in totals or (n.startswith("deal_")
                            and ledger_count.deal_of_figure(ledger, n) is not None)
            for n in names)

    def _ledger_values(self, variant: str, overrides: dict | None = None) -> dict:
        """The deals_* totals and deal_* rows this scenario names, as the ledger stood on its
        ledger_as_of date (the variant's, else the scenario's), under the names read (an input
        taking such a figure: under the input's name); {} without a date (the registry's figures
        are today's)."""
        at = self.ledger_as_of.get(variant, self.ledger_as_of.get("base"))
        if at is None:
            return {}
        out = {}
        if self.from_ledger is not None and variant in self.ledger_as_of:    # its own date
            out["raises_from_ledger"] = financing_keys.ledger_raises(
                registry().ledger, self.from_ledger, at, self.timeline)
        names = self.ledger_names(overrides)
        ledger = registry().ledger
        dated = self._deal_values(ledger, names, at)
        totals = ledger_count.total_values(ledger, at)
        for name in sorted(n for n in names if n in totals):
            q, parts = totals[name]
            rows = ", ".join(p.deal.id for p in parts) or "none"
            dated[name] = Value(central=q,
                                sources=tuple(dict.fromkeys(p.deal.source for p in parts)),
                                origin="figure", figure=name,
                                note=f"the deals ledger as of {at.isoformat()} "
                                     f"{ledger_count.LEDGER_DATED}: rows {rows}")
        out.update(dated)
        given = {**self.base.values, **(overrides or {})}
        for name, v in given.items():       # an input, amount, capacity or raise taking one
            if getattr(v, "figure", None) in dated and name not in dated:
                out[name] = dated[v.figure]
        return out

    @staticmethod
    def _deal_values(ledger, names: set, at) -> dict:
        """The deal_<id>_<part> figures named whose row was not in force at ``at`` (not yet
        announced, ended, superseded): 0, with a note saying why, so that one column of a run
        reads one date (README, "The deals ledger")."""
        counting, out = ledger_count.Counting(ledger, at), {}
        for name in sorted(n for n in names if n.startswith("deal_")):
            d = ledger_count.deal_of_figure(ledger, name)
            why = ledger_count.not_in_force(counting, d) if d is not None else None
            if why is None:
                continue
            unit = "GW" if name.endswith("_power") else "USD"
            out[name] = Value(central=Q(0.0, unit), sources=(d.source,), origin="figure",
                              figure=name, note=f"0: row {d.id} was not in force on the deals "
                                                f"ledger as of {at.isoformat()} "
                                                f"{ledger_count.LEDGER_DATED}: {why}")
        return out

    def output_size(self, sets: dict | None = None, where: str | None = None) -> None:
        """Refuse, before running, a run whose output would exceed ``values.MAX_ROWS`` rows."""
        axes = [a for n, a in self.sweep.items() if n not in (sets or {})]
        n_cases = (1 + len(self.variants)) * math.prod(len(a) for a in axes)
        shown = len(dict.fromkeys(self.outputs + list(self.derive)))
        values.rows_size(n_cases, shown, self.axis.count, where or self.where.get("sweep")
                         or self.where.get("variants") or f"{self.path}: outputs")

    def run(self, samples: int | None = None, seed: int | None = None, sets: dict | None = None,
            progress=None, sensitivity: bool = False, solve_request: dict | None = None,
            for_output: bool = False):
        """Evaluate the scenario (``calc.run``): a frozen Result.

        ``samples``/``seed`` override the file's; ``sets`` maps name -> literal; ``sensitivity``
        adds the tornado table; ``solve_request`` (a parsed ``solve``) replaces the file's
        ``solve``; ``for_output``: every row will be written (the command line), so a run of more
        than ``values.MAX_ROWS`` rows is refused before it is evaluated.
        """
        if isinstance(sets, dict) and LEDGER_AS_OF in sets:     # a date, not an input: re-date
            rest = type(sets)((n, v) for n, v in sets.items() if n != LEDGER_AS_OF)
            return self.redated(sets[LEDGER_AS_OF], set_label(LEDGER_AS_OF, sets)).run(
                samples, seed, rest, progress, sensitivity, solve_request, for_output)
        samples = values.samples_count(self.samples if samples is None else samples,
                                       f"{self.path}: samples")
        seed = values.seed_number(self.seed if seed is None else seed, f"{self.path}: seed")
        if sets is not None and not isinstance(sets, dict):
            raise CalcError("sets: expected a mapping name -> value, e.g. {'pue': 1.3}, got "
                            f"{type(sets).__name__}")
        set_values = CommandLineSets() if isinstance(sets, CommandLineSets) else {}
        for name, text in (sets or {}).items():
            if not isinstance(name, str):
                raise CalcError(f"sets: names are strings such as 'pue', got {name!r}"[:200])
            set_values[name] = _set_value(str(name), text, set_label(name, sets))
        # Count the cases before building them: a refused run must not build a million first.
        n_cases = (1 + len(self.variants)) * math.prod(len(v) for v in self.sweep.values())
        values.run_size(n_cases, samples, self.where.get("sweep") or self.where.get("variants")
                        or f"{self.path}: samples")
        values.checks_size(n_cases, len(self.checks), self.where.get("checks")
                           or f"{self.path}: checks")
        axis = self.axis
        axis.size(n_cases, samples, self.where.get("timeline") or f"{self.path}: timeline")
        if solve_request or self.solve:
            solve_size(n_cases, samples, axis.count,
                       self.where.get("solve") or f"{self.path}: solve")
        self._check_terms(set_values)
        check_set_units(self.base.values, set_values, {n: set_label(n, sets) for n in set_values})
        cases = self.cases(set_values)
        notes = tuple(axis.notes + axis.outside_notes({n: float(v.central.m_as("USD"))
                                          for n, v in self.base.values.items()
                                          if n in axis.spreads}))
        unused_commitments: list[str] = []       # declared spend no output uses: a note
        try:
            result = run(cases, self.outputs, derive={**self.formulas, **self.derive},
                       checks=self.checks,
                       shown=list(dict.fromkeys(self.outputs + list(self.derive))),
                       scenario=self.name,
                       title=self.title, samples=samples, seed=seed, correlations=self.correlations,
                       reg=_registry_with(self.inline_sources), sensitivity=sensitivity,
                       progress=progress,
                       check_plans=lambda plans: (unused_commitments.extend(
                                                      self._check_unused(plans, set_values)),
                                                  for_output and self.output_size(set_values)),
                       axis=self.axis, solve=solve_request or self.solve, notes=notes)
            twice = tuple(financing_keys.double_count_findings(result, cases))
            if unused_commitments:
                many = len(unused_commitments) > 1
                notes += (f"commitment{'s' * many} {', '.join(unused_commitments)} "
                          f"{'are' if many else 'is'} not used by any output: add "
                          "commitment_spend to outputs",)
            if result.solutions and not solve_request and "solve" in self.where:
                result = replace(result, solve_text=f"{result.solve_text}; {self.where['solve']}")
            notes += tuple(self.ledger_notes() + zeroed_notes(result))
            dated = ((LEDGER_AS_OF, self.ledger_set[0]),) if self.ledger_set else ()
            return replace(result, findings=result.findings + twice,
                           notes=notes, date_sets=dated).with_display(
                self.display, where=f"{self.path}: display.")
        # every message says where: the file, or the --set that caused it
        except CalcError as exc:
            raise CalcError([p if p.startswith((self.path, "--", "sets={")) else self.locate(p)
                             for p in exc.problems]) from None

    def redated(self, given, where: str) -> Scenario:
        """This scenario with every deals_*/deal_* figure it reads and ``financing.from_ledger``
        read on the day ``given`` (``--set ledger_as_of=2025-01-01``: the base and every variant,
        their own dates replaced). A day before the ledger's first deal is a CalcError starting
        with ``where``; a coarse date and a scenario reading no ledger figure add a note."""
        at = ledger_count.as_of_day(given, where)
        ledger_first_day(at, where)
        said = (f"{where}={given}" if where.startswith("--set")
                else f"sets={{{LEDGER_AS_OF!r}: {given!r}}}")
        notes = [f"{said}: every column reads the deals ledger as of {at.isoformat()}"
                 + (" (the variants' own ledger_as_of replaced)"
                    if set(self.ledger_as_of) - {"base"} else "")]
        coarse = ledger_count.as_of_note(str(given), where)
        if coarse:
            notes.append(coarse.replace(f"{where} {given}", said, 1))
        timeline = self.timeline
        if self.from_ledger is not None:        # its notes on rows outside the timeline: re-dated
            tl_notes = [n for n in timeline.notes if not n.startswith("financing.from_ledger:")]
            financing_keys.ledger_raises(registry().ledger, self.from_ledger, at, timeline,
                                         tl_notes)
            timeline = replace(timeline, notes=tl_notes)
        return replace(self, ledger_as_of={v: at for v in ("base", *self.variants)},
                       timeline=timeline, ledger_set=(at.isoformat(), tuple(notes)))

    def ledger_notes(self) -> list[str]:
        """The notes on this scenario's ledger dates: the --set one's, and a date that changes
        nothing (no name read is a ledger figure)."""
        notes = list(self.ledger_set[1]) if self.ledger_set else []
        dates = sorted(set(self.ledger_as_of.values()))
        if dates and not self.reads_ledger(dates[0]):
            notes.append("ledger_as_of: this scenario reads no deals_*/deal_* figure and no "
                         "financing.from_ledger, so the ledger's date changes no number")
        return notes

    def _check_terms(self, sets: dict) -> None:
        """Refuse a --set or a variant that gives a commitment's term (``<key>_commitment_term``):
        the term spreads the amount over whole months when the file is read, so a new value there
        would change no number (it is edited in the file, or in the xlsx model sheet)."""
        terms = {t: a for a, t in self.axis.terms.items()}
        moved = [(set_label(n, sets), n) for n in sets if n in terms]
        moved += [(f"{self.path}: variants.{v}.inputs.{n}", n)
                  for v, (_, _, vals) in self.variants.items() for n in vals if n in terms]
        if moved:
            raise CalcError([f"{where}: {n} is the term of commitments."
                             f"{self.commitment_inputs.get(n, terms[n])}, read with the file to "
                             "spread its amount over whole months; an override cannot move it -- "
                             f"edit term: in commitments.{self.commitment_inputs.get(n, terms[n])}"
                             for where, n in moved])

    def _check_unused(self, plans: dict, sets: dict) -> list[str]:
        """Refuse inputs, sweep names and --set names no plan uses, before anything is evaluated:
        a typo in a huge sweep never waits for it. Commitments are declared spend, not typos:
        returns the keys of those no output uses, for a note."""
        used = set().union(*(set(p.leaves()) for p in set(plans.values())))
        unused = [n for n in self.base.values if n not in used
                  and self.base.values[n].origin not in ("timeline",
                                                          financing_keys.DEFAULT_ORIGIN)]
        idle = list(dict.fromkeys(self.commitment_inputs[n] for n in unused
                                  if n in self.commitment_inputs))
        unused = [n for n in unused if n not in self.commitment_inputs]
        for _, _, vals in self.variants.values():
            unused += [n for n in vals if n not in used and n not in unused]
        # --set pue_=1.3 is a typo too
        unused += [n for n in sets if n not in used and n not in unused]
        # sweep: facility_pwer
        unused += [n for n in self.sweep if n not in used and n not in unused and n not in sets]
        if unused:
            known = sorted(set(glossary()) | used)
            where = {**{n: f"{self.path}: inputs.{n}" for n in unused}, **self.input_where,
                     **{n: self.where[f"sweep.{n}"] for n in self.sweep
                        if f"sweep.{n}" in self.where and n not in self.input_where},
                     **{n: set_label(n, sets) for n in sets if n not in self.input_where}}
            raise CalcError([f"{where[n]}: not used by any output, derive or check"
                             f"{did_you_mean(n, [k for k in known if k != n])}; remove it or use it"
                             for n in unused])
        return idle


def _registry_with(inline: dict) -> Registry:
    reg = registry()
    if not inline:
        return reg
    return Registry(reg.quantities, {**reg.sources, **inline}, reg.figures, reg.accelerators,
                    reg.defaults)


def load(spec: str | Path | dict) -> Scenario:
    """Load and validate a scenario; one CalcError lists every problem.

    ``spec`` is a file path, a shipped scenario's name (``"nvidia-1gw"``, found from any working
    directory), YAML text (a string with a newline) or a dict of the same keys.
    """
    data, where = shipped.read(spec)
    return Reader(where, Scenario).read(data)


LEDGER_AS_OF = "ledger_as_of"          # --set ledger_as_of=DATE re-dates the deals ledger


def zeroed_notes(result) -> list[str]:
    """'deal_x_power is 0 in nov-2026: row x was not in force ...' for each deal_* figure a run
    read as 0 at its ledger date (README, "The deals ledger"): one note per figure and reason,
    naming the variants it holds in."""
    where: dict = {}                        # (name, why) -> the variants, in order
    for case, leaves in zip(result.case_list, result.leaves):
        for name, v in sorted(leaves.items()):
            if v.note and v.note.startswith("0: row ") and ledger_count.LEDGER_DATED in v.note:
                where.setdefault((name, v.note.removeprefix("0: ")), []).append(case.variant)
    return [f"{name} is 0 in {', '.join(dict.fromkeys(vs))}: {why}"
            for (name, why), vs in where.items()]


def ledger_first_day(at, where: str) -> None:
    """Refuse a ledger date before the deals ledger's first deal, as ``calc deals --as-of``
    does (the message starts with ``where``)."""
    try:
        ledger_count.check_any(ledger_count.Counting(registry().ledger, at))
    except CalcError as exc:
        raise CalcError(f"{where}: {exc}") from None


class CommandLineSets(dict):
    """``run(sets=...)`` from ``--set NAME=VALUE`` options: messages name the option."""


def set_label(name: str, sets) -> str:
    """Where an override came from, as messages say it: ``--set pue`` on the command line,
    ``sets={'pue': ...}`` from Python."""
    return f"--set {name}" if isinstance(sets, CommandLineSets) else f"sets={{{name!r}: ...}}"


def _set_value(name: str, text, where: str):
    """An override (``where``: its label) as a Value; a date input (``arr_as_of=2025-08``) is read
    as a date."""
    if name in periods.PERIOD_NAMES:
        raise CalcError(f"{where}: {periods.not_an_input(name)}")
    if name in DATE_INPUTS:
        return set_date(name, text, where)
    return values.value(name, text, where=where, origin="set on the command line")


def grid_columns(axes: tuple) -> list:
    """Each axis's values over the flattened grid (row-major, the last axis fastest) [its unit].

    One axis gives its own array, uncopied; with several, each column is one broadcast copy."""
    shape = tuple(len(a) for a in axes)
    columns = []
    for j, a in enumerate(axes):
        along = [1] * len(axes)
        along[j] = shape[j]
        mag = np.broadcast_to(np.asarray(a.values.magnitude).reshape(along), shape).reshape(-1)
        columns.append(Q(mag, a.values.units))
    return columns
