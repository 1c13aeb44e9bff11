"""Resolution: which formulas give the requested names from what a case is given.

Resolution is staged forward chaining. Names become known in this order, each stage running to a
fixpoint before the next adds anything:

0. the scenario's inputs (after variant overrides and the sweep point),
1. the accelerator catalogue entry's per-chip figures,
2. the registry defaults,
3. figure ids named by ``derive`` or ``checks``.

So a user who gives ``facility_power`` and ``chips`` gets the implied ``power_per_chip`` before any
catalogue value or default could offer another, and asking for ``pue`` then gives the PUE that
makes the quote true. Two formulas for one quantity that are both possible within a stage are
both evaluated (``Step.alternatives``); if they disagree, the engine reports both -- never a
silent choice. A plan is symbolic: lineage (which inputs an output rests on) is read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import pint

from calc.errors import CalcError
from calc.glossary import glossary
from calc.models import FORMULAS, Formula
from calc.registry import Registry, registry
from calc.suggest import closest, did_you_mean
from calc.units import check_dimension
from calc.values import Case


@dataclass(frozen=True)
class Step:
    """How one name is known: given at a stage, or computed by a formula."""

    name: str
    stage: int
    formula: Formula | None = None
    alternatives: tuple = ()


class Plan:
    """The resolved steps for one set of given names, pruned to what the outputs need."""

    def __init__(self, steps: dict, order: list[str]):
        self.steps = steps            # name -> Step
        self.order = order            # computed names in evaluation order

    def leaves(self) -> list[str]:
        return [n for n, s in self.steps.items() if s.formula is None]

    def depends(self, name: str) -> list[str]:
        """The given names ``name`` depends on, transitively, in a stable order."""
        out, stack, seen = [], [name], set()
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            step = self.steps[n]
            if step.formula is None:
                out.append(n)
            else:
                stack.extend(reversed(step.formula.inputs))
        return out


def active_formulas(models: dict, extra: dict) -> list[Formula]:
    """Default formulas, with alternative shapes swapped in where ``models`` chooses them."""
    chosen = {}
    for quantity, fname in models.items():
        f = FORMULAS.get(fname)
        if f is None or f.output != quantity:
            options = [g.name for g in FORMULAS.values() if g.output == quantity]
            raise CalcError(f"models.{quantity}: unknown model {fname!r}; "
                            f"{quantity} can use {', '.join(options) or 'no model'}")
        chosen[quantity] = f
    out = [f for f in FORMULAS.values() if f.default and f.output not in chosen
           and f.output not in extra]
    return list(extra.values()) + list(chosen.values()) + out


def resolve(wanted: list[str], stages: list[set[str]], formulas: list[Formula]) -> Plan:
    """Staged forward chaining from the given names to ``wanted``; errors name what is missing."""
    known: dict[str, Step] = {}
    for stage, given in enumerate(stages):
        for name in sorted(given):
            known.setdefault(name, Step(name, stage))
        changed = True
        while changed:
            changed = False
            for f in formulas:
                if f.output not in known and all(i in known for i in f.inputs):
                    known[f.output] = Step(f.output, stage, f)
                    changed = True
    missing = [w for w in wanted if w not in known]
    if missing:
        raise CalcError(_missing_problems(missing, known, formulas, stages[0],
                                          with_accelerator=len(stages) > 1 and not stages[1]))
    order: list[str] = []
    needed: dict[str, Step] = {}

    def visit(name: str, trail: tuple) -> None:
        if name in needed:
            return
        step = known[name]
        if step.formula is not None:
            for i in step.formula.inputs:
                visit(i, trail + (name,))
            alts = tuple(f for f in formulas if f.output == name and f is not step.formula
                         and all(i in known and known[i].stage <= step.stage for i in f.inputs)
                         and not any(name in _deps(i, known) for i in f.inputs))
            step = Step(name, step.stage, step.formula, alts)
            for f in alts:
                for i in f.inputs:
                    visit(i, trail + (name,))
            order.append(name)
        needed[name] = step

    for w in wanted:
        visit(w, ())
    return Plan(needed, order)


def _deps(name: str, known: dict) -> set[str]:
    out, stack = set(), [name]
    while stack:
        n = stack.pop()
        if n in out:
            continue
        out.add(n)
        step = known.get(n)
        if step is not None and step.formula is not None:
            stack.extend(step.formula.inputs)
    return out


def _missing_problems(missing: list[str], known: dict, formulas: list[Formula],
                      given: set[str], with_accelerator: bool) -> list[str]:
    """One message per misspelt input first (the fix: did you mean ...), then one per missing
    output the misspelling does not explain."""
    typos: dict[str, tuple[str, list[str]]] = {}     # given name -> (meant, outputs it blocks)
    rest = []
    for m in missing:
        hits = _misspelt(m, known, formulas, given)
        for g, best in hits:
            typos.setdefault(g, (best, []))[1].append(m)
        if not hits:
            rest.append(m)
    out = [f"inputs.{g}: did you mean {best!r}? {g!r} is not a quantity calc knows, and without "
           f"{best} calc cannot compute {_and(outs)}" for g, (best, outs) in typos.items()]
    return out + [_missing_message(m, known, formulas, with_accelerator) for m in rest]


def _and(names) -> str:
    """'a', 'a and b', 'a, b and c'."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


ACCELERATOR = "an accelerator"          # stands for the per-chip names a catalogue entry gives


def _accelerator_names() -> dict[str, list[str]]:
    """Catalogue entry id -> the per-chip names it gives (chip_capex, it_power_per_chip, ...)."""
    return {k: list(a.quantities()) for k, a in registry().accelerators.items()}


def _givable(known: dict, formulas: list[Formula], supplied: set[str]) -> set[str]:
    """Names a user may give in place of a formula's result: those on a cycle of formulas that
    nothing outside the cycle computes (facility_power, it_power and chips compute one another;
    one of them must be given). A name with a formula from such names (tco_per_year_per_power)
    is not: the message names what it is computed from instead."""
    outputs = {f.output for f in formulas}
    have = _closure(set(known) | supplied | {i for f in formulas for i in f.inputs
                                              if i not in outputs}, formulas)
    blocked = outputs - have
    edges = {n: {i for f in formulas if f.output == n for i in f.inputs if i in blocked}
             for n in blocked}
    out = set()
    for n in blocked:                   # on a cycle: n reaches itself
        stack, seen = list(edges[n]), set()
        while stack:
            m = stack.pop()
            if m == n:
                out.add(n)
                break
            if m not in seen:
                seen.add(m)
                stack.extend(edges[m])
    return out


def _closure(have: set[str], formulas: list[Formula]) -> set[str]:
    """Every name forward chaining reaches from ``have``."""
    have = set(have)
    changed = True
    while changed:
        changed = False
        for f in formulas:
            if f.output not in have and all(i in have for i in f.inputs):
                have.add(f.output)
                changed = True
    return have


MAX_SUGGESTED = 4           # the largest set of inputs a message searches for


def _missing_leaves(name: str, known: dict, formulas: list[Formula],
                    with_accelerator: bool = False) -> list[str] | None:
    """The fewest inputs to give so that ``name`` can be computed (at most ``MAX_SUGGESTED``),
    each a name or, when ``with_accelerator`` (the case names no catalogue entry),
    ``ACCELERATOR`` for the per-chip names an entry gives; None when no such set exists.

    Names that formulas compute from other inputs are not offered (``_givable``); among sets of
    one size, the one whose names more formulas use (facility_power before it_power)."""
    supplied = {n for names in _accelerator_names().values() for n in names} \
        if with_accelerator else set()
    outputs = {f.output for f in formulas}
    below = _lacking(name, known, formulas) - {name}
    givable = _givable(known, formulas, supplied)
    options = sorted(n for n in below if n not in supplied
                     and (n not in outputs or n in givable))
    if below & supplied:
        options.append(ACCELERATOR)
    uses: dict[str, int] = {}
    for f in formulas:
        for i in f.inputs:
            uses[i] = uses.get(i, 0) + 1
    base = set(known)
    for size in range(1, MAX_SUGGESTED + 1):
        found = [c for c in combinations(options, size)
                 if name in _closure(base | set(c) | (supplied if ACCELERATOR in c else set()),
                                     formulas)]
        if found:
            return list(max(found, key=lambda c: sum(uses.get(n, 0) for n in c)))
    return None


def _lacking(name: str, known: dict, formulas: list[Formula]) -> set[str]:
    """``name`` and every name below it (an input of a formula for it, and so on) not known."""
    lacking: set[str] = {name}
    stack = [name]
    while stack:
        n = stack.pop()
        for f in formulas:
            if f.output == n:
                for i in f.inputs:
                    if i not in known and i not in lacking:
                        lacking.add(i)
                        stack.append(i)
    return lacking


def _misspelt(name: str, known: dict, formulas: list[Formula],
              given: set[str]) -> list[tuple[str, str]]:
    """(given, meant) for each given name that nothing computes with, no glossary entry has, and
    that is close to a name ``name`` lacks ('facilty_power' for 'facility_power')."""
    lacking = _lacking(name, known, formulas)
    used = {i for f in formulas for i in f.inputs} | {f.output for f in formulas}
    hints = []
    for g in sorted(given - used - set(glossary())):
        best = closest(g, sorted(lacking))
        if best:
            hints.append((g, best))
    return hints


def _missing_message(name: str, known: dict, formulas: list[Formula],
                     with_accelerator: bool = False) -> str:
    options = [f for f in formulas if f.output == name]
    if not options:
        return (f"cannot compute {name!r}: no formula gives it and no input, catalogue entry or "
                f"default supplies it{did_you_mean(name, list(glossary()) + list(known))}")
    ways = []
    for f in options:
        lacking = [i for i in f.inputs if i not in known]
        ways.append(f"{f.text} (missing {', '.join(lacking)})")
    formulas_text = "; ".join(ways)
    leaves = _missing_leaves(name, known, formulas, with_accelerator)
    if not leaves:
        return (f"cannot compute {name!r}: give it as an input, or give what one of its formulas "
                f"needs: {formulas_text}")
    acc = ""
    if ACCELERATOR in leaves:
        need = {i for f in formulas for i in f.inputs} - set(known)
        entries = _accelerator_names()
        best = max(entries, key=lambda k: len(need & set(entries[k])))
        acc = f" (e.g. accelerator: {best}; calc/data/accelerators.yaml lists them)"
    return (f"cannot compute {name!r}: give {_and(leaves)}{acc} -- the fewest inputs that would "
            f"do -- or {name} itself; its formulas: {formulas_text}")


def signature(case: Case, reg: Registry) -> tuple:
    acc = reg.accelerator(case.accelerator).quantities() if case.accelerator else []
    return (tuple(sorted(case.values)), tuple(sorted(acc)), tuple(sorted(case.models.items())))


def stages_for(case: Case, reg: Registry, figure_names: set[str]) -> list[set[str]]:
    acc = set(reg.accelerator(case.accelerator).quantities()) if case.accelerator else set()
    return [set(case.values), acc, set(reg.defaults), set(figure_names)]


def plans_for(cases: list[Case], wanted: list[str], extra: dict, figure_names: set[str],
              reg: Registry) -> dict[int, Plan]:
    """case index -> Plan; cases with the same inputs, catalogue entry and models share one plan."""
    groups: dict[tuple, list[int]] = {}
    for i, case in enumerate(cases):
        groups.setdefault(signature(case, reg), []).append(i)
    out: dict[int, Plan] = {}
    failed: dict[str, list[int]] = {}                  # message -> the cases it holds for
    for idx in groups.values():
        case = cases[idx[0]]
        # a name the run computes by a formula of its own (a derive, an input given as a
        # formula) is never taken from the catalogue, a default or a figure instead
        stages = [names if k == 0 else names - set(extra)
                  for k, names in enumerate(stages_for(case, reg, figure_names))]
        try:
            plan = resolve(wanted, stages, active_formulas(case.models, extra))
        except CalcError as exc:
            for p in exc.problems:
                failed.setdefault(p, []).extend(idx)
            continue
        out.update({i: plan for i in idx})
    if failed:
        raise CalcError([variants_where(cases, idx) + p for p, idx in failed.items()])
    return out


def variants_where(cases: list[Case], idx) -> str:
    """'variant per-gpu: ' for an error that holds for some cases of a run with variants; ''
    without."""
    if len({c.variant for c in cases}) < 2:
        return ""
    names = list(dict.fromkeys(cases[i].variant for i in idx))
    return f"variant{'s' if len(names) > 1 else ''} {', '.join(names)}: "


def derive_formula(name: str, tree, unit: str | None = None) -> Formula:
    """A scenario's ``derive`` entry as a formula: its names are its inputs."""

    def func(**env):
        try:
            out = tree.evaluate(env)
        except CalcError as exc:
            raise CalcError(f"derive.{name}: {exc}") from None
        if not isinstance(out, pint.Quantity):
            raise CalcError(f"derive.{name}: {tree.text!r} is a comparison, not a quantity")
        if unit is not None:
            out = check_dimension(f"derive.{name}", out, unit).to(unit)
        return out

    return Formula(name=f"derive.{name}", output=name, inputs=tuple(sorted(tree.names)),
                   text=tree.text, func=func, excel=tree)


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle among ``graph``'s keys (name -> names it uses), as a path, or None."""
    state: dict[str, int] = {}

    def walk(n, path):
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if m not in graph:
                continue
            if state.get(m) == 1:
                return path[path.index(m):] + [m] if m in path else [n, m]
            if m not in state:
                found = walk(m, path + [m])
                if found:
                    return found
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = walk(n, [n])
            if found:
                return found
    return None
