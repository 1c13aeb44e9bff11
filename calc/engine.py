"""The engine: evaluate resolved plans once over arrays -- numbers only, no result, no rendering.

Evaluation runs every formula once over arrays of shape ``(rows, draws)``: rows are variants x
sweep points, draw 0 is the all-central evaluation and draws 1..N are Monte Carlo samples. Cases
with the same plan (``calc.plan``) are evaluated together; large runs are split into chunks of
rows, each row's samples in one chunk, so quantiles are exact and memory is bounded. ``compute``
returns the numbers a run keeps (``Arrays``); ``calc.run`` builds the result from them.
"""

from __future__ import annotations

import warnings
from functools import lru_cache

import numpy as np
import pint

from calc.errors import CalcError
from calc.glossary import Bounds, bounds_of, undefined_note, unit_of
from calc.models import Formula
from calc.format import precise
from calc.plan import Plan, Step, variants_where
from calc.registry import Registry
from calc.uncertainty import rank_to_pearson, standard_normal
from calc.units import Q, check_dimension, described, format_unit, parse_unit
from calc.values import (DATE_OUTPUTS, NO_PERIODS, PER_PERIOD, Case, PeriodAxis, Value,
                         figure_value)

MAX_CHUNK_ELEMENTS = 2_000_000      # rows x draws evaluated at once (about 16 MB per array)
STATS = ("p05", "p50", "p95", "mean")


def _stack(values: list[Value], sizes: list[int], unit, z: np.ndarray | None, rows: slice,
           masked: bool = False) -> pint.Quantity:
    """One array ``(rows or 1, 1 + draws)`` for a leaf: per-case Values over the group's rows
    ``rows``.

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
        factor = factors[v.central.units]
        mag = np.asarray(v.central.magnitude, dtype=float)
        mag = mag * factor if factor != 1.0 else mag
        central = np.broadcast_to(mag, (size,))[lo - (start - size):hi - (start - size)]
        # a swept input: its values, as a column, uncopied
        if not n_draws and np.ndim(mag):
            parts.append(central.reshape(-1, 1))
            continue
        block = np.empty((hi - lo, 1 + n_draws))
        block[:, 0] = central
        if n_draws:
            if v.is_uncertain:
                draws = v.dist.from_normal(z)
                block[:, 1:] = draws * factor if factor != 1.0 else draws
                if masked:      # a NaN draw means "this input at its central value" (the tornado)
                    block[:, 1:][:, np.isnan(z)] = central[:, None]
            else:
                block[:, 1:] = central[:, None]
        parts.append(block)
    return Q(parts[0] if len(parts) == 1 else np.concatenate(parts), unit)


def _per_case(values: list[Value], sizes: list[int], rows: slice, leaf) -> pint.Quantity:
    """A leaf whose Value differs between cases and is a series in some (a variant's own series):
    ``leaf(v, part)`` of each case's Value over its rows ``part`` inside ``rows``, each broadcast
    to ``(rows, draws, periods)`` and stacked."""
    parts, start = [], 0
    for v, size in zip(values, sizes):
        lo, hi = max(rows.start, start), min(rows.stop, start + size)
        if lo < hi:
            parts.append((leaf(v, size, slice(lo - start, hi - start)), hi - lo))
        start += size
    unit = parts[0][0].units
    mags = [(np.asarray(q.m_as(unit), dtype=float), n) for q, n in parts]
    draws = max(m.shape[1] for m, _ in mags)
    periods = max(m.shape[2] for m, _ in mags)
    return Q(np.concatenate([np.broadcast_to(m, (n, draws, periods)) for m, n in mags]), unit)


def leaf_values(name: str, step: Step, cases: list[Case], reg: Registry) -> list[Value]:
    """The Value of a given name in each case: the case's own input, or one shared registry
    figure."""
    if step.stage == 0:
        return [case.values[name] for case in cases]
    shared: dict = {}
    out = []
    for case in cases:
        key = case.accelerator if step.stage == 1 else None
        if key not in shared:
            if step.stage == 1:
                acc = reg.accelerator(case.accelerator)
                shared[key] = figure_value(acc.figure_id(name), f"accelerator {acc.id}", reg,
                                           name=name)
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
             rows: slice | None = None, masked: bool = False, axis: PeriodAxis = NO_PERIODS,
             fixed: dict | None = None) -> dict[str, pint.Quantity]:
    """Every name in the plan as an array ``(rows or 1, 1 + n_draws)`` (draw 0 is central) on the
    period ``axis`` (``values.PeriodAxis``: a timeline adds a last axis of periods).

    ``rows`` selects a slice of the cases' concatenated rows (a chunk); default: all of them.
    ``masked``: NaN draws in ``z_rows`` mean "at the central value" (one input at a time, for
    tornados). ``fixed``: name -> array replacing that leaf (a solve's trial values).
    """
    sizes = [c.size for c in cases]
    rows = rows or slice(0, sum(sizes))
    env: dict[str, pint.Quantity] = {}
    for name in plan.leaves():
        values = leaf_values(name, plan.steps[name], cases, reg)
        _check_leaf(name, values)
        unit = parse_unit(unit_of(name)) if unit_of(name) else values[0].central.units
        z = z_rows.get(name) if z_rows else None
        if fixed and name in fixed:
            env[name] = fixed[name]
            continue
        if any(v.origin in PER_PERIOD for v in values) and len({id(v) for v in values}) > 1:
            env[name] = _per_case(values, sizes, rows, lambda v, size, part: axis.leaf(
                v, lambda: _stack([v], [size], unit, z, part, masked), unit, z=z,
                masked=masked))
            continue
        env[name] = axis.leaf(values[0], lambda: _stack(values, sizes, unit, z, rows, masked), unit,
                              z=z, masked=masked)
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
        target = parse_unit(unit)
        check_dimension(f"{f.output} = {f.text}", out, target)
        with np.errstate(over="ignore"):            # one multiplication by a cached factor
            out = Q(np.asarray(out.magnitude, dtype=float) * _factor(out.units, target), target)
    mag = out.magnitude
    # a sum of finite 1e308s is inf: then look closer
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(mag)
    if not np.isfinite(total) and not np.all(np.isfinite(mag)):
        out = _not_finite(f, out, env)
    return out


@lru_cache(maxsize=4096)
def _factor(source, target) -> float:
    """The factor from unit ``source`` to unit ``target`` (multiplicative units only: calc has no
    others)."""
    return float(Q(1.0, source).to(target).magnitude)


def _not_finite(f: Formula, out: pint.Quantity, env: dict) -> pint.Quantity:
    """An output that is infinite or NaN where its inputs are finite: null for a ratio the glossary
    lets be undefined (a zero denominator), else a CalcError naming the output and its inputs."""
    mag = np.asarray(out.magnitude, dtype=float)
    ins = {i: np.asarray(env[i].magnitude, dtype=float) for i in f.inputs}
    finite_in = np.ones(mag.shape, dtype=bool)
    for m in ins.values():
        fin = np.isfinite(m)
        if fin.shape != mag.shape and fin.shape[-1:] != (1,) and mag.shape[-1:] == (1,):
            fin = fin.all(axis=-1, keepdims=True)       # a formula that reduces the period axis
        finite_in &= np.broadcast_to(fin, mag.shape) if fin.shape != mag.shape else fin
    bad = ~np.isfinite(mag) & finite_in
    if not bad.any():
        # not finite only where an input already was (undefined upstream)
        return out
    if undefined_note(f.output):
        return Q(np.where(np.isfinite(mag), mag, np.nan), out.units)
    at = tuple(np.argwhere(bad)[0])
    given = ", ".join(
        f"{i} = {precise(float(np.broadcast_to(m, mag.shape)[at]), format_unit(env[i].units))}"
                      for i, m in ins.items())
    raise CalcError(f"{f.output} = {f.text} is "
                    f"{'infinite' if np.isinf(mag[at]) else 'not a number'} (too large to "
                    f"compute, or a division by zero) from finite inputs: {given}; check those "
                    "inputs' values and units")


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
            f"ambiguous {name!r} (variant {variants}): {f.text} gives {am[tuple(diff)]:.6g} "
            f"{unit}, but {g.text} gives {bm[tuple(diff)]:.6g} {unit}; the inputs "
            "over-determine it -- drop one of "
            f"{', '.join(sorted(set(f.inputs) ^ set(g.inputs)))} or ask for a check instead")


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


class Arrays:
    """What a run keeps, filled chunk by chunk: per kept name (outputs and given inputs) its unit
    and central values over all rows; quantiles of the outputs; draws (small runs only); per bounded
    output, how many draws lie outside its bounds; and, for every computed name, the rows whose
    central value lies outside its bounds (``flagged``: the findings). Intermediates are not kept:
    ``explain`` evaluates the one row it shows again.

    On the period ``axis`` (``values.PeriodAxis``) of a timeline every name is kept, central values
    are ``(rows, periods)`` -- one column for a name with one value per row (``timeless``) --,
    quantiles are per period and draws ``(rows, samples, periods)``; a row is flagged by its most
    telling period. Without a timeline arrays keep their plain ``(rows, draws)`` shape."""

    def __init__(self, n_rows: int, samples: int, outputs: list[str], keep: set, keep_draws: int,
                 axis: PeriodAxis = NO_PERIODS, plans=()):
        self.n_rows, self.samples = n_rows, samples
        self.outputs = set(outputs)
        self.keep = keep
        self.keep_limit = keep_draws
        self.keep_draws = n_rows * samples <= keep_draws
        self.axis = axis
        self.roots = axis.timeless_roots(plans, outputs)
        self.timeless: set = set()                      # names with one value per row on a timeline
        self.units: dict[str, pint.Unit] = {}
        self.central: dict[str, np.ndarray] = {}
        self.stats: dict[str, dict[str, np.ndarray]] = {}
        self.draws: dict[str, np.ndarray] = {}
        self.outside: dict[str, np.ndarray] = {}       # output -> draws outside its bounds, per row
        # computed name -> [(rows, central values)] outside
        self.flagged: dict[str, list] = {}
        self.z_rows: dict = {}                          # the draws, for a solve's evaluations

    def _put(self, store: dict, name: str, idx, values: np.ndarray, shape: tuple) -> None:
        """``store[name][idx] = values``; a chunk covering every row is stored as it is (no
        copy)."""
        if name not in store:
            if isinstance(idx, slice) and idx.start == 0 and idx.stop == self.n_rows:
                store[name] = values
                return
            store[name] = np.full(shape, np.nan)
        store[name][idx] = values

    def absorb(self, idx, env: dict, computed: set) -> None:
        """Take one evaluated chunk of rows ``idx`` (a slice or an index array), in the shape the
        axis gives arrays."""
        if self.axis.implicit:
            self._absorb_rows(idx, env, computed)
        else:
            self._absorb_periods(idx, env, computed)

    def _absorb_rows(self, idx, env: dict, computed: set) -> None:
        """Take one evaluated chunk ``(rows, draws)`` (rows ``idx``: a slice or an index array)."""
        n = idx.stop - idx.start if isinstance(idx, slice) else len(idx)
        samples = self.samples
        for name, q in env.items():
            keep, is_computed = name in self.keep, name in computed
            if not keep and not is_computed:
                continue
            unit = self.units.setdefault(name, q.units)
            mag = np.asarray((q if q.units == unit else q.to(unit)).magnitude, dtype=float)
            mag = np.broadcast_to(mag.reshape(mag.shape[0] if mag.ndim else 1, -1),
                                  (n, 1 + samples))
            central = mag[:, 0]
            if is_computed:
                self._flag(name, unit, idx, central)
            if not keep:
                continue
            self._put(self.central, name, idx, central, (self.n_rows,))
            if samples == 0:
                continue
            draws = mag[:, 1:]
            if name in self.outputs:        # quantiles for what is reported, not every intermediate
                stats = self.stats.setdefault(name, {})
                p = np.percentile(draws, [5, 50, 95], axis=1)
                for s, values in zip(STATS, (*p, draws.mean(axis=1))):
                    self._put(stats, s, idx, values, (self.n_rows,))
                if is_computed:
                    self._count_outside(name, unit, idx, draws)
            if self.keep_draws:
                self._put(self.draws, name, idx, draws, (self.n_rows, samples))

    def _absorb_periods(self, idx, env: dict, computed: set) -> None:
        """Take one evaluated chunk of ``(rows, draws, periods)``: every name, quantiles per period.

        ``break_even`` is a date: its quantiles are order statistics over the samples that break
        even (period starts, not interpolated) and ``never_share`` is the rest."""
        n_rows, samples = self.n_rows, self.samples
        n = idx.stop - idx.start if isinstance(idx, slice) else len(idx)
        for name, q in env.items():
            unit = self.units.setdefault(name, q.units)
            mag = np.asarray((q if q.units == unit else q.to(unit)).magnitude, dtype=float)
            if mag.ndim < 3:                # no period axis: the same value in every period
                mag = mag[..., None] if mag.ndim == 2 else mag.reshape(1, -1, 1)
            one = name in self.roots and mag.shape[-1] == 1
            if one:
                self.timeless.add(name)
            width = 1 if one else self.axis.count
            mag = np.broadcast_to(mag, (n, 1 + samples, width))
            if name not in self.central:
                self.central[name] = np.full((n_rows, width), np.nan)
            self.central[name][idx] = mag[:, 0, :]
            if name in computed:
                self._flag(name, unit, idx, self._telling(name, unit, mag[:, 0, :]))
            if samples <= 0:
                continue
            draws = mag[:, 1:, :]
            if name in self.outputs:
                stats = self.stats.setdefault(name, {s: np.full((n_rows, width), np.nan)
                                                     for s in STATS + ("never_share",)})
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)      # all-NaN columns: null
                    if name in DATE_OUTPUTS:
                        p = np.nanquantile(draws, [0.05, 0.5, 0.95], axis=1, method="inverted_cdf")
                        stats["never_share"][idx] = np.isnan(draws).mean(axis=1)
                        stats["mean"][idx] = np.nanmean(draws, axis=1)
                    elif np.isnan(draws).any():
                        p = np.nanpercentile(draws, [5, 50, 95], axis=1)
                        stats["mean"][idx] = np.nanmean(draws, axis=1)
                    else:
                        p = np.percentile(draws, [5, 50, 95], axis=1)
                        stats["mean"][idx] = draws.mean(axis=1)
                stats["p05"][idx], stats["p50"][idx], stats["p95"][idx] = p
            if n_rows * samples * width <= self.keep_limit and name in self.keep:
                self._keep_draws(name, idx, draws, (n_rows, samples, width))

    def _keep_draws(self, name: str, idx, draws: np.ndarray, shape: tuple) -> None:
        """Keep a chunk's ``draws`` ``(rows, samples, periods)`` of ``name``. A chunk covering every
        row is kept as it is: an input with one value per sample stays a read-only view broadcast
        over the periods (no copy per period: 21 inputs x 10,000 samples x 120 periods were 200 MB
        of copies)."""
        if name not in self.draws and isinstance(idx, slice) and idx.start == 0 \
                and idx.stop == self.n_rows:
            self.draws[name] = draws
            return
        if name not in self.draws:
            self.draws[name] = np.full(shape, np.nan)
        self.draws[name][idx] = draws

    def _telling(self, name: str, unit, values: np.ndarray) -> np.ndarray:
        """(rows, periods) -> (rows,): NaN where any period is undefined (for a name that may be),
        else the value furthest outside the bounds (the first period's when none is)."""
        b = self._bounds(name, unit)
        if b is None or values.shape[1] == 1:
            return values[:, 0]
        with np.errstate(invalid="ignore"):
            dist = np.maximum(b.low - values, values - b.high)
        far = np.nanargmax(np.where(np.isnan(dist), -np.inf, dist), axis=1)
        pick = np.take_along_axis(values, far[:, None], axis=1)[:, 0]
        return np.where(np.isnan(values).any(axis=1) & bool(undefined_note(name)), np.nan, pick)

    def _bounds(self, name: str, unit) -> Bounds | None:
        """``name``'s bounds in ``unit`` (None when it has none)."""
        b = bounds_of(name)
        if b.unbounded or unit_of(name) is None:
            return None
        f = float(Q(1, parse_unit(unit_of(name))).to(unit).magnitude)
        return Bounds(b.low * f, b.high * f, b.open)

    def _flag(self, name: str, unit, idx, central: np.ndarray) -> None:
        """Remember the rows where a computed name lies outside its bounds (or is undefined:
        NaN)."""
        b = self._bounds(name, unit)
        if b is None:
            return
        with np.errstate(invalid="ignore"):
            low = central.min()                     # NaN when any value is NaN
            high = central.max() if b.high < np.inf else -np.inf
            nan = low != low and undefined_note(name) is not None
            if not (nan or low < b.low or high > b.high or (b.open and low <= b.low)):
                return
            bad = np.flatnonzero(b.outside(central) | (np.isnan(central) if nan else False))
        rows = np.arange(self.n_rows)[idx][bad]
        self.flagged.setdefault(name, []).append((rows, central[bad].copy()))

    def _count_outside(self, name: str, unit, idx, draws: np.ndarray) -> None:
        b = self._bounds(name, unit)
        if b is None:
            return
        if (not (draws.min() <= b.low if b.open else draws.min() < b.low)
                and not draws.max() > b.high):
            return
        out = self.outside.setdefault(name, np.zeros(self.n_rows))
        out[idx] = np.count_nonzero(b.outside(draws), axis=1)


def uncertain_leaves(plans: dict[int, Plan], cases: list[Case], reg: Registry) -> list[str]:
    """The given names with a distribution in some case: each gets one row of normal draws."""
    out = set()
    for plan, idx in groups(plans).items():
        group = [cases[i] for i in idx]
        out |= {n for n in plan.leaves()
                if any(v.is_uncertain for v in leaf_values(n, plan.steps[n], group, reg))}
    return sorted(out)


def groups(plans: dict[int, Plan]) -> dict[Plan, list[int]]:
    """Plan -> the indices of the cases that share it (evaluated together)."""
    out: dict[Plan, list[int]] = {}
    for i, plan in plans.items():
        out.setdefault(plan, []).append(i)
    return out


def compute(cases: list[Case], plans: dict[int, Plan], outputs: list[str], reg: Registry, *,
            samples: int = 0, seed: int | None = None, correlations: dict | None = None,
            keep_draws: int = 5_000_000, progress=None, axis: PeriodAxis = NO_PERIODS) -> Arrays:
    """Evaluate every case's plan over all its rows (and ``samples`` draws) in chunks; keep what a
    result needs: central values of every name, quantiles of ``outputs``, draws of outputs and
    inputs when the run is small (at most ``keep_draws`` values per name)."""
    rng = np.random.default_rng(seed) if samples > 0 else None
    # One row of normal draws per uncertain leaf, shared by every case: same seed, same numbers.
    z_rows = normal_draws(uncertain_leaves(plans, cases, reg), samples, rng, correlations)
    offsets = np.cumsum([0] + [c.size for c in cases])
    keep = set(outputs) | {n for p in plans.values() for n in p.leaves()}
    arrays = Arrays(int(offsets[-1]), samples, outputs, keep, keep_draws, axis, set(plans.values()))
    arrays.z_rows = z_rows
    done = 0
    for plan, idx in groups(plans).items():
        group = [cases[i] for i in idx]
        row_index = np.concatenate([np.arange(offsets[i], offsets[i + 1]) for i in idx])
        contiguous = idx == list(range(idx[0], idx[-1] + 1))       # rows as a slice: no copies
        for part in chunks(len(row_index), axis.draws_per_row(samples) - 1):
            try:
                env = evaluate(plan, group, reg, z_rows, samples, rows=part, axis=axis)
            except CalcError as exc:
                raise CalcError([p if p.startswith("ambiguous") else variants_where(cases, idx) + p
                                 for p in exc.problems]) from None
            rows = slice(int(row_index[part.start]),
                         int(row_index[part.stop - 1]) + 1) if contiguous \
                else row_index[part]
            arrays.absorb(rows, env, set(plan.order))
            done += part.stop - part.start
            if progress is not None:
                progress(done, arrays.n_rows)
    return arrays
