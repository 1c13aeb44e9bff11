"""The engine: resolve the requested quantities through the formulas, evaluate once over arrays.

Resolution is staged forward chaining. Names become known in this order, each stage running to a
fixpoint before the next adds anything:

0. the scenario's inputs (after variant overrides and the sweep point),
1. the accelerator catalogue entry's per-chip figures,
2. the registry defaults,
3. figure ids named by ``derive`` or ``checks``.

So a user who gives ``facility_power`` and ``chips`` gets the implied ``power_per_chip`` before any
catalogue value or default could offer another, and asking for ``pue`` then gives the PUE that
makes the quote true. Two formulas for one quantity that are both possible within a stage are
both evaluated; if they disagree, that is an error naming both -- never a silent choice.

Evaluation runs every formula once over arrays of shape ``(cases, draws)``: cases are variants x
sweep points, draw 0 is the all-central evaluation and draws 1..N are Monte Carlo samples. Cases
with the same plan are evaluated together; large runs are split into chunks of cases.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np
import pint

from calc.errors import CalcError
from calc.glossary import glossary, undefined_note, unit_of
from calc.models import FORMULAS, Formula
from calc.output.format import precise
from calc.registry import Registry, registry
from calc.uncertainty import standard_normal
from calc.units import Q, check_dimension, described, format_unit, parse_unit
from calc.values import Case, Value, figure_value

STAGES = ("input", "accelerator", "default", "figure")
MAX_CHUNK_ELEMENTS = 2_000_000      # cases x draws evaluated at once (about 16 MB per array)


@dataclass(frozen=True)
class Row:
    """One row of a result: a variant at a sweep point (``case``/``k`` locate it)."""

    variant: str
    point: dict
    case: int
    k: int


class Rows:
    """The rows of a run, built on demand: a 10,000-point sweep holds 10,000 rows, not 10,000 objects."""

    def __init__(self, cases: list[Case]):
        self.cases = cases
        self.offsets = np.cumsum([0] + [c.size for c in cases])

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def locate(self, i: int) -> tuple[int, int]:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        c = int(np.searchsorted(self.offsets, i, side="right") - 1)
        return c, i - int(self.offsets[c])

    def __getitem__(self, i: int) -> Row:
        c, k = self.locate(i)
        case = self.cases[c]
        return Row(case.variant, case.point(k), c, k)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


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
    out = [f for f in FORMULAS.values() if f.default and f.output not in chosen and f.output not in extra]
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
        raise CalcError([_missing_message(m, known, formulas) + _misspelt(m, known, formulas, stages[0])
                         for m in missing])
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


def _missing_leaves(name: str, known: dict, formulas: list[Formula], seen: frozenset = frozenset(),
                    direct: bool = True) -> list[str] | None:
    """The fewest names to give so that ``name`` can be computed (None: no way without a cycle)."""
    if name in known:
        return []
    if name in seen:
        return None
    ways = []                   # ways through formulas first: on a tie they name the real input
    for f in formulas:
        if f.output != name:
            continue
        need: list[str] | None = []
        for i in f.inputs:
            sub = _missing_leaves(i, known, formulas, seen | {name})
            if sub is None:
                need = None
                break
            need += [m for m in sub if m not in need]
        if need is not None:
            ways.append(need)
    if direct:
        ways.append([name])
    return min(ways, key=len) if ways else None


def _misspelt(name: str, known: dict, formulas: list[Formula], given: set[str]) -> str:
    """'; the input 'facilty_power' is not a quantity calc knows (did you mean 'facility_power'?)' when
    a given name that nothing computes with is close to a name ``name`` is missing."""
    import difflib

    lacking: set[str] = {name}
    stack = [name]
    while stack:                        # every name below ``name`` that is not known
        n = stack.pop()
        for f in formulas:
            if f.output == n:
                for i in f.inputs:
                    if i not in known and i not in lacking:
                        lacking.add(i)
                        stack.append(i)
    used = {i for f in formulas for i in f.inputs} | {f.output for f in formulas}
    hints = []
    for g in sorted(given - used - set(glossary())):
        best = difflib.get_close_matches(g, sorted(lacking), n=1, cutoff=0.6)
        if best:
            hints.append(f"the input {g!r} is not a quantity calc knows (did you mean {best[0]!r}?)")
    return "; " + "; ".join(hints) if hints else ""


def _missing_message(name: str, known: dict, formulas: list[Formula]) -> str:
    options = [f for f in formulas if f.output == name]
    if not options:
        from calc.suggest import did_you_mean
        return (f"cannot compute {name!r}: no formula gives it and no input, catalogue entry or default "
                f"supplies it{did_you_mean(name, list(glossary()) + list(known))}")
    ways = []
    for f in options:
        lacking = [i for i in f.inputs if i not in known]
        ways.append(f"{f.text} (missing {', '.join(lacking)})")
    leaves = _missing_leaves(name, known, formulas, direct=False)
    fewest = f" -- the fewest inputs that would do: {', '.join(leaves)}" if leaves else ""
    return (f"cannot compute {name!r}: give it as an input, or give what one of its formulas needs: "
            + "; ".join(ways) + fewest)


# -- evaluation ----------------------------------------------------------------------------------

def _stack(values: list[Value], sizes: list[int], unit, z: np.ndarray | None, rows: slice,
           masked: bool = False) -> pint.Quantity:
    """One array ``(rows or 1, 1 + draws)`` for a leaf: per-case Values over the group's rows ``rows``.

    A Value's central may be an array over its case's rows (a sweep). Draws of an uncertain Value
    are computed once and broadcast over its rows. Loops run over cases (variants), never rows.
    """
    first = values[0]
    factors: dict = {}
    for v in values:
        if v.central.units not in factors:
            factors[v.central.units] = float(Q(1, v.central.units).to(unit).magnitude)
    if all(v is first for v in values) and np.ndim(first.central.magnitude) == 0:
        values, sizes, rows = values[:1], [1], slice(0, 1)          # one value for every row
    uncertain = z is not None and any(v.is_uncertain for v in values)
    n_draws = z.shape[0] if uncertain else 0
    parts, start = [], 0
    for v, size in zip(values, sizes):
        lo, hi = max(rows.start, start), min(rows.stop, start + size)
        start += size
        if lo >= hi:
            continue
        mag = np.asarray(v.central.magnitude, dtype=float) * factors[v.central.units]
        central = np.broadcast_to(mag, (size,))[lo - (start - size):hi - (start - size)]
        block = np.empty((hi - lo, 1 + n_draws))
        block[:, 0] = central
        if n_draws:
            if v.is_uncertain:
                block[:, 1:] = v.dist.from_normal(z) * factors[v.central.units]
                if masked:      # a NaN draw means "this input at its central value" (the tornado)
                    block[:, 1:][:, np.isnan(z)] = central[:, None]
            else:
                block[:, 1:] = central[:, None]
        parts.append(block)
    return Q(parts[0] if len(parts) == 1 else np.concatenate(parts), unit)


def _leaf_values(name: str, step: Step, cases: list[Case], reg: Registry) -> list[Value]:
    """The Value of a given name in each case: the case's own input, or one shared registry figure."""
    if step.stage == 0:
        return [case.values[name] for case in cases]
    shared: dict = {}
    out = []
    for case in cases:
        key = case.accelerator if step.stage == 1 else None
        if key not in shared:
            if step.stage == 1:
                acc = reg.accelerator(case.accelerator)
                shared[key] = figure_value(acc.figure_id(name), f"accelerator {acc.id}", reg, name=name)
            elif step.stage == 2:
                shared[key] = figure_value(reg.defaults[name], "default", reg, name=name)
            else:
                shared[key] = figure_value(name, "figure", reg)
        out.append(shared[key])
    return out


def _check_leaf(name: str, values: list[Value]) -> None:
    unit = unit_of(name)
    if unit is None:
        return
    for v in {id(v): v for v in values}.values():
        check_dimension(f"{name} ({v.origin}{' ' + v.figure if v.figure else ''})", v.central, unit)


def evaluate(plan: Plan, cases: list[Case], reg: Registry, z_rows: dict | None, n_draws: int,
             rows: slice | None = None, masked: bool = False) -> dict[str, pint.Quantity]:
    """Every name in the plan as an array ``(rows or 1, 1 + n_draws)`` (draw 0 is central).

    ``rows`` selects a slice of the cases' concatenated rows (a chunk); default: all of them.
    ``masked``: NaN draws in ``z_rows`` mean "at the central value" (one input at a time, for tornados).
    """
    sizes = [c.size for c in cases]
    rows = rows or slice(0, sum(sizes))
    env: dict[str, pint.Quantity] = {}
    for name in plan.leaves():
        values = _leaf_values(name, plan.steps[name], cases, reg)
        _check_leaf(name, values)
        unit = parse_unit(unit_of(name)) if unit_of(name) else values[0].central.units
        z = z_rows.get(name) if z_rows else None
        env[name] = _stack(values, sizes, unit, z, rows, masked)
    for name in plan.order:
        step = plan.steps[name]
        env[name] = _call(step.formula, env)
        for alt in step.alternatives:
            other = _call(alt, env)
            _compare(name, step.formula, env[name], alt, other, cases)
    return env


def _call(f: Formula, env: dict) -> pint.Quantity:
    try:
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            out = f.func(**{i: env[i] for i in f.inputs})
    except CalcError:
        raise
    except pint.errors.DimensionalityError as exc:
        raise CalcError(f"{f.output} = {f.text}: units do not fit: {_described(exc.units1)} "
                        f"against {_described(exc.units2)}") from None
    if not isinstance(out, pint.Quantity):
        out = Q(out)
    unit = unit_of(f.output)
    if unit is not None and out.units != parse_unit(unit):
        with np.errstate(over="ignore"):
            out = check_dimension(f"{f.output} = {f.text}", out, unit).to(unit)
    mag = out.magnitude
    if not np.isfinite(np.sum(mag)) and not np.all(np.isfinite(mag)):
        out = _not_finite(f, out, env)
    return out


def _not_finite(f: Formula, out: pint.Quantity, env: dict) -> pint.Quantity:
    """An output that is infinite or NaN where its inputs are finite: null for a ratio the glossary
    lets be undefined (a zero denominator), else a CalcError naming the output and its inputs."""
    mag = np.asarray(out.magnitude, dtype=float)
    ins = {i: np.asarray(env[i].magnitude, dtype=float) for i in f.inputs}
    finite_in = np.ones(mag.shape, dtype=bool)
    for m in ins.values():
        finite_in &= np.broadcast_to(np.isfinite(m), mag.shape) if m.shape != mag.shape else np.isfinite(m)
    bad = ~np.isfinite(mag) & finite_in
    if not bad.any():
        return out                      # not finite only where an input already was (undefined upstream)
    if undefined_note(f.output):
        return Q(np.where(np.isfinite(mag), mag, np.nan), out.units)
    at = tuple(np.argwhere(bad)[0])
    given = ", ".join(f"{i} = {precise(float(np.broadcast_to(m, mag.shape)[at]), format_unit(env[i].units))}"
                      for i, m in ins.items())
    raise CalcError(f"{f.output} = {f.text} is {'infinite' if np.isinf(mag[at]) else 'not a number'} "
                    f"(too large to compute, or a division by zero) from finite inputs: {given}; "
                    "check those inputs' values and units")


def _described(unit) -> str:
    try:
        return described(unit)
    except Exception:          # pint may report a unit calc cannot parse back; show it as it is
        return str(unit)


def _compare(name, f, a, g, b, cases) -> None:
    am, bm = np.broadcast_arrays(np.asarray(a.magnitude), np.asarray(b.to(a.units).magnitude))
    if not np.allclose(am[..., :1], bm[..., :1], rtol=1e-6, atol=0):
        diff = np.argwhere(~np.isclose(am[..., :1], bm[..., :1], rtol=1e-6, atol=0))[0]
        variants = ", ".join(dict.fromkeys(c.variant for c in cases))
        unit = format_unit(a.units)
        raise CalcError(
            f"ambiguous {name!r} (variant {variants}): {f.text} gives {am[tuple(diff)]:.6g} {unit}, "
            f"but {g.text} gives {bm[tuple(diff)]:.6g} {unit}; the inputs over-determine it -- "
            f"drop one of {', '.join(sorted(set(f.inputs) ^ set(g.inputs)))} or ask for a check instead")


def signature(case: Case, reg: Registry) -> tuple:
    acc = reg.accelerator(case.accelerator).quantities() if case.accelerator else []
    return (tuple(sorted(case.values)), tuple(sorted(acc)), tuple(sorted(case.models.items())))


def stages_for(case: Case, reg: Registry, figure_names: set[str]) -> list[set[str]]:
    acc = set(reg.accelerator(case.accelerator).quantities()) if case.accelerator else set()
    return [set(case.values), acc, set(reg.defaults), set(figure_names)]


def chunks(n_rows: int, n_draws: int) -> list[slice]:
    """Slices of rows so that one chunk holds at most MAX_CHUNK_ELEMENTS values per array."""
    per = max(1, MAX_CHUNK_ELEMENTS // max(1, n_draws + 1))
    return [slice(i, min(i + per, n_rows)) for i in range(0, n_rows, per)]


def normal_draws(names: list[str], n: int, rng: np.random.Generator | None,
                 correlations: dict | None = None) -> dict[str, np.ndarray]:
    """One row of standard-normal draws per name, correlated where ``correlations`` says."""
    if n <= 0 or rng is None:
        return {}
    corr = None
    if correlations:
        from calc.uncertainty import rank_to_pearson
        corr = np.eye(len(names))
        for (a, b), rho in correlations.items():
            if a in names and b in names:
                i, j = names.index(a), names.index(b)
                corr[i, j] = corr[j, i] = rank_to_pearson(rho)
        try:
            np.linalg.cholesky(corr)
        except np.linalg.LinAlgError:
            raise CalcError("correlations: the rank correlations given are not mutually consistent "
                            "(the matrix is not positive definite); weaken one of them") from None
    z = standard_normal(rng, len(names), n, corr)
    return dict(zip(names, z))


# -- a whole run ---------------------------------------------------------------------------------

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

    return Formula(name=f"derive.{name}", output=name, inputs=tuple(sorted(tree.names)), text=tree.text,
                   func=func)


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


def run(cases: list[Case], outputs: list[str], *, derive: dict | None = None, extra_names=(),
        samples: int = 0, seed: int | None = None, correlations: dict | None = None,
        reg: Registry | None = None, keep_draws: int = 5_000_000, progress=None):
    """Evaluate ``outputs`` (and ``derive`` entries) for every case in one pass per plan.

    ``derive`` maps a name to a parsed expression (calc.expr) or (expression, unit); ``extra_names``
    are names other code (checks) will read from the result. Returns a ``calc.result.Result``.
    """
    from calc.result import Result

    reg = reg or registry()
    derive = derive or {}
    extra = {}
    for name, spec in derive.items():
        tree, unit = spec if isinstance(spec, tuple) else (spec, None)
        extra[name] = derive_formula(name, tree, unit)
    cycle = find_cycle({n: set(f.inputs) for n, f in extra.items()})
    if cycle:
        raise CalcError(f"derive: cycle {' -> '.join(cycle)}; a derived name cannot depend on itself")
    wanted = list(dict.fromkeys(list(outputs) + list(derive) + list(extra_names)))
    referenced = {i for f in extra.values() for i in f.inputs} | set(extra_names)
    figure_names = {n for n in referenced if n in reg.figures}
    rng = np.random.default_rng(seed) if samples > 0 else None

    groups: dict[tuple, list[int]] = {}
    for i, case in enumerate(cases):
        groups.setdefault(signature(case, reg), []).append(i)

    named = len({c.variant for c in cases}) > 1       # with variants, every error names its variant(s)

    def where(idx) -> str:
        if not named:
            return ""
        names = list(dict.fromkeys(cases[i].variant for i in idx))
        return f"variant{'s' if len(names) > 1 else ''} {', '.join(names)}: "

    plans: dict[int, Plan] = {}
    failed: dict[str, list[int]] = {}                  # message -> the cases it holds for
    for sig, idx in groups.items():
        case = cases[idx[0]]
        try:
            formulas = active_formulas(case.models, extra)
            plan = resolve(wanted, stages_for(case, reg, figure_names), formulas)
        except CalcError as exc:
            for p in exc.problems:
                failed.setdefault(p, []).extend(idx)
            continue
        for i in idx:
            plans[i] = plan
    if failed:
        raise CalcError([where(idx) + p for p, idx in failed.items()])

    # One row of normal draws per uncertain leaf, shared by every case: same seed, same numbers.
    uncertain = set()
    for idx in groups.values():
        plan = plans[idx[0]]
        group = [cases[i] for i in idx]
        uncertain |= {n for n in plan.leaves() if any(v.is_uncertain for v in _leaf_values(n, plan.steps[n], group, reg))}
    uncertain = sorted(uncertain)
    z_rows = normal_draws(uncertain, samples, rng, correlations)

    result = Result(cases=cases, outputs=wanted, samples=samples, seed=seed, plans=plans, registry=reg)
    result.keep = set(wanted) | {n for p in plans.values() for n in p.leaves()}   # draws worth keeping
    offsets = result.cases.offsets
    total = len(result.cases)
    done = 0
    for sig, idx in groups.items():
        plan = plans[idx[0]]
        group = [cases[i] for i in idx]
        row_index = np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in idx])
        for part in chunks(len(row_index), samples):
            try:
                env = evaluate(plan, group, reg, z_rows, samples, rows=part)
            except CalcError as exc:
                raise CalcError([p if p.startswith("ambiguous") else where(idx) + p
                                 for p in exc.problems]) from None
            result.absorb(row_index[part], env, keep_draws=keep_draws)
            done += part.stop - part.start
            if progress is not None:
                progress(done, total)
    return result
