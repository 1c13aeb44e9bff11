"""Goal seek: which value of one input makes an output hit a target, per case and sample, by a
vectorised bracketing search, one solution per element (case x sample) at once.

``bisect(f, lo, hi, target, kind)`` evaluates ``f`` on whole arrays: each pass narrows every
element's bracket at once, so 10,000 samples cost as many passes as one. A pass takes the
ITP step (interpolate, truncate, project: Oliveira and Takahashi, ACM TOMS 47(1), 2020) on the
Anderson-Bjorck interpolant (regula falsi, the value at an end kept twice in a row scaled down),
so it never needs more than ``N0`` passes beyond bisection. An element stops when its bracket is
narrower than ``RTOL`` of its starting width: smooth outputs take 5-8 passes, a step 21, at most
``MAX_EVALS`` evaluations of ``f`` in all (the two ends included). A date (``break_even``,
``cash_out``) ``at_most`` a year is a step in the input: ``date_margin`` searches the smooth
margin behind it instead (7-10 passes).

- ``equals``: the value where ``f`` crosses ``target`` (a sign change of ``f - target`` between
  the bracket ends); no sign change is no solution (NaN).
- ``at_most`` / ``at_least``: the edge of the part of the bracket where ``f <= target`` (or
  ``>=``) holds. Where it holds at both ends, the end nearest to failing (where ``f`` is closest
  to the target); where it holds at neither, no solution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pint

from calc.checks import CheckResult
from calc.engine import evaluate
from calc.errors import CalcError
from calc.format import quantity as fmt_quantity
from calc.format import share as share_text
from calc.periods import PERIOD_NAMES, not_an_input
from calc.units import Q, format_unit
from calc.values import DATE_INPUTS, DATES

KINDS = ("equals", "at_most", "at_least")
SOLVE_FLAGS = {"for": "--for", "so_that": "--so-that", "equals": "--equals",    # key -> its flag
               "at_most": "--at-most", "at_least": "--at-least", "between": "--between",
               "at": "--at"}
RTOL = 1e-6                      # a solve stops below this share of its starting bracket
N0 = 2                           # passes allowed beyond bisection's worst case
MAX_EVALS = 2 + 20 + N0          # the bracket ends, bisection's passes to RTOL (2^-20), N0
MAX_SOLVE_VALUES = 2_000_000     # cases x draws x periods per pass


def solve_size(n_cases: int, samples: int, periods: int, where: str) -> None:
    """Refuse, before any work, a solve whose passes would each evaluate over MAX_SOLVE_VALUES
    values.

    Each pass evaluates the whole scenario again, so a solve costs up to MAX_EVALS runs.
    """
    size = n_cases * (1 + samples) * max(1, periods)
    if size > MAX_SOLVE_VALUES:
        fits = max(0, MAX_SOLVE_VALUES // (n_cases * max(1, periods)) - 1)
        raise CalcError(f"{where}: {n_cases:,} cases x {1 + samples:,} draws x "
                        f"{max(1, periods):,} periods = {size:,} values is more than calc solves "
                        f"({MAX_SOLVE_VALUES:,} values; a solve evaluates the scenario up to "
                        f"{MAX_EVALS} times); use at most {fits:,} samples")


@dataclass(frozen=True)
class Solution:
    """Solutions (NaN where there is none) and how many evaluations of ``f`` it took."""

    x: np.ndarray
    evaluations: int

    @property
    def no_solution_share(self) -> float:
        return float(np.mean(np.isnan(self.x))) if self.x.size else 0.0


def bisect(f, lo, hi, target, kind: str = "equals", max_evals: int = MAX_EVALS,
           rtol: float = RTOL) -> Solution:
    """Solve ``f(x) = target`` (or the edge of ``f(x) <= / >= target``) for ``x`` in ``[lo, hi]``.

    ``f`` maps an array of x to an array of the same shape; ``lo``, ``hi`` broadcast to it. Each
    element stops when its bracket is narrower than ``rtol`` x its starting width.

    >>> s = bisect(lambda x: x ** 2, np.zeros(3), np.full(3, 4.0), np.array([4.0, 2.0, 25.0]))
    >>> np.round(s.x, 6).tolist()           # sqrt(4), sqrt(2), none in [0, 4]
    [2.0, 1.414214, nan]
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    lo, hi, target = (np.asarray(a, dtype=float) for a in (lo, hi, target))
    lo, hi, target = np.broadcast_arrays(lo, hi, target)
    lo, hi = lo.copy(), hi.copy()
    f_lo = np.asarray(f(lo), dtype=float)
    f_hi = np.asarray(f(hi), dtype=float)
    shape = np.broadcast_shapes(lo.shape, f_lo.shape, f_hi.shape)
    lo, hi = np.broadcast_to(lo, shape).copy(), np.broadcast_to(hi, shape).copy()
    f_lo, f_hi = np.broadcast_to(f_lo, shape), np.broadcast_to(f_hi, shape)
    target = np.broadcast_to(target, shape)
    evals = 2
    if kind == "equals":
        d_lo, d_hi = f_lo - target, f_hi - target
        done = np.where(d_lo == 0, lo, np.where(d_hi == 0, hi, np.nan))
        search = (np.sign(d_lo) * np.sign(d_hi) < 0) & np.isnan(done)
        good = np.sign(d_lo)                                # bracket end ``a`` keeps this sign

        def holds(y):
            return np.sign(y - target) == good
        from_lo = np.ones(shape, dtype=bool)
    else:
        sat = (lambda y: y <= target) if kind == "at_most" else (lambda y: y >= target)
        c_lo, c_hi = sat(f_lo), sat(f_hi)
        nearer_hi = (f_hi > f_lo) if kind == "at_most" else (f_hi < f_lo)
        done = np.where(c_lo & c_hi, np.where(nearer_hi, hi, lo), np.nan)
        search = c_lo ^ c_hi
        holds = sat
        from_lo = c_lo
    a, b = np.where(from_lo, lo, hi), np.where(from_lo, hi, lo)   # holds(f(a)) stays true
    d_a = np.where(from_lo, f_lo, f_hi) - target
    d_b = np.where(from_lo, f_hi, f_lo) - target
    x, evals = _narrow(f, holds, target, a, b, d_a, d_b, search, kind, evals, max_evals, rtol)
    return Solution(np.where(search, x, done), evals)


def _narrow(f, holds, target, a, b, d_a, d_b, search, kind, evals, max_evals, rtol):
    """Passes on the brackets [a, b] (``holds`` true at ``a``, false at ``b``; ``d_*`` is f - target
    there) until each is narrower than ``rtol`` x its start: the solutions and the evaluations made.

    ``equals`` answers the interpolated root inside the last bracket; the others the end ``a``."""
    w0 = np.abs(b - a)
    tol = rtol * w0                                        # stop below this width
    n_max = int(np.ceil(np.log2(1 / rtol))) + N0
    scale = np.maximum(np.abs(a), np.abs(b))
    floor = 4 * np.finfo(float).eps * np.maximum(scale, 1e-300)
    j = 0
    last = np.full(a.shape, -1, dtype=np.int8)           # the end moved last: 0 is a, 1 is b
    with np.errstate(all="ignore"):
        while evals < max_evals:
            w = b - a                                      # signed: a may lie above b
            active = search & (np.abs(w) > np.maximum(tol, floor))
            if not active.any():
                break
            # in t, the place in [a, b] as a fraction of w: ITP's interpolate (Anderson-Bjorck),
            # truncate (delta past the interpolant) and project (within r of the midpoint, r the
            # slack left over bisection's worst case plus N0 passes)
            t = d_a / (d_a - d_b)                          # NaN where f failed at an end
            t = np.where(np.isfinite(t), np.clip(t, 0.0, 1.0), 0.5)
            sigma = np.sign(0.5 - t)                       # ITP's truncation: past the interpolant
            delta = 0.2 * np.abs(w) / np.where(w0 > 0, w0, 1.0)
            t = np.where(delta <= np.abs(0.5 - t), t + sigma * delta, 0.5)
            r = (tol / 2 * 2.0 ** (n_max - j) - np.abs(w) / 2) / np.where(w != 0, np.abs(w), 1.0)
            t = np.clip(t, 0.5 - np.maximum(r, 0.0), 0.5 + np.maximum(r, 0.0))
            h = np.minimum(0.5, tol / 2 / np.where(w != 0, np.abs(w), 1.0))
            t = np.clip(t, h, 1 - h)            # >= tol / 2 from each end: a root found next to
            #                                     one end is bracketed on the next pass (as Brent)
            x = a + t * w
            y = np.asarray(f(np.where(active, x, a)), dtype=float)
            evals += 1
            j += 1
            ok = holds(y)
            moved_a, moved_b = active & ok, active & ~ok
            d = y - target                                 # Anderson-Bjorck: scale the kept end
            m_a = np.where(moved_b, 1 - d / np.where(d_b != 0, d_b, 1.0), 1.0)
            m_b = np.where(moved_a, 1 - d / np.where(d_a != 0, d_a, 1.0), 1.0)
            m_a, m_b = np.where(m_a > 0, m_a, 0.5), np.where(m_b > 0, m_b, 0.5)
            d_a = np.where(moved_a, d, np.where(moved_b & (last == 1), d_a * m_a, d_a))
            d_b = np.where(moved_b, d, np.where(moved_a & (last == 0), d_b * m_b, d_b))
            a, b = np.where(moved_a, x, a), np.where(moved_b, x, b)
            last = np.where(moved_a, 0, np.where(moved_b, 1, last))
        if kind != "equals":
            return a, evals                                # the end where it holds
        t_f = d_a / (d_a - d_b)                            # the root by the last interpolation
        t_f = np.where(np.isfinite(t_f), np.clip(t_f, 0.0, 1.0), 0.5)
        return a + t_f * (b - a), evals


# -- goal seek on a run ----------------------------------------------------------------------------
#
# Goal seek on a run: which value of one input makes an output hit a target, per case and sample.
#
# The scenario's plan is evaluated again with the solved input replaced by a trial array (one trial
# per case x sample) inside ``bisect``: every pass is one vectorised evaluation
# of the whole plan, so 10,000 samples need as many passes as one. The answer is one extra row per
# case (``solved: true``); no solution in the bracket is a finding, not an error.

WORDS = {"equals": "equal", "at_most": "at most", "at_least": "at least"}


def goal_seek(result, spec: dict, cases, reg, z_rows, tick=None) -> tuple[list, list]:
    """``spec``'s solution rows (with their row index under "case") and no-solution findings.

    ``z_rows``: the run's standard-normal draws, so each sample is solved with its own inputs.
    ``tick(rows)``, when given, is called after each evaluation with the rows it evaluated, and
    after each group with the rows of the passes it did not need (MAX_EVALS passes in all).
    """
    tick = tick or (lambda rows: None)
    flags = spec.get("flags", False)       # from the command line: messages name the flag
    k = (lambda key: SOLVE_FLAGS[key] if flags else f"solve: {key}")      # noqa: E731
    so_that = spec["so_that"].text.strip()
    solutions: list = []
    findings: list = []
    name, axis = spec["for"], result.axis
    groups: dict[int, list[int]] = {}
    for c in range(len(cases)):
        groups.setdefault(id(result.plans[c]), []).append(c)
    offsets = result.cases.offsets
    samples = result.samples
    if name in PERIOD_NAMES:
        raise CalcError(f"{k('for')}{' ' if flags else ': '}{not_an_input(name)}")
    for idx in groups.values():
        plan = result.plans[idx[0]]
        group = [cases[c] for c in idx]
        if name not in plan.steps or plan.steps[name].formula is not None:
            how = ("it is computed by a formula" if name in plan.steps
                   else "nothing in this scenario uses it")
            raise CalcError(f"{k('for')}{' ' if flags else ': '}{name!r} is not an input of this "
                            f"scenario ({how}); inputs: {', '.join(sorted(plan.leaves()))}")
        lo, hi = spec["between"]
        unit = result.units.get(name, lo.units)
        n_rows = sum(c.size for c in group)
        rows = np.concatenate([np.arange(offsets[c], offsets[c + 1]) for c in idx])
        used = {d for n in spec["so_that"].names if n in plan.steps for d in plan.depends(n)}
        if name not in used:                 # bisection would answer a bracket end: say why not
            uses = ", ".join(sorted(used)) or "no input"
            detail = (f"{spec['so_that'].text} does not depend on {name}: no value of {name} "
                      f"changes it (it uses {uses}); solve for one of those")
            for i in rows:
                _add(result, spec, int(i), np.full(1 + samples, np.nan), unit, 0, solutions,
                     findings, detail)
            tick(MAX_EVALS * n_rows)
            continue

        margin = date_margin(spec, axis, plan)

        def f(x, plan=plan, group=group, n_rows=n_rows, unit=unit):
            trial = Q(axis.trial(x), unit)
            env = evaluate(plan, group, reg, z_rows, samples, rows=slice(0, n_rows), axis=axis,
                           fixed={name: trial})
            tick(n_rows)
            if margin is not None:
                return np.broadcast_to(margin(env), (n_rows, 1 + samples))
            y = spec["so_that"].evaluate(env)
            if not isinstance(y, pint.Quantity):
                raise CalcError(f"{k('so_that')} {so_that!r} is a comparison; give a quantity")
            try:
                mag = np.asarray(y.to(spec["target"].units).magnitude, dtype=float)
            except pint.errors.DimensionalityError:
                raise CalcError(_unit_mismatch(spec, y, flags)) from None
            # periods last
            mag = mag if mag.ndim >= 3 else mag.reshape(mag.shape + (1,) * (3 - mag.ndim))
            if mag.shape[-1] > 1:
                if spec["at"] is None:
                    at = (f"--at (e.g. --at {result.periods[-1]})" if flags
                          else f"at: (e.g. at: {result.periods[-1]})")
                    raise CalcError(f"{'--so-that ' if flags else 'solve: '}{so_that} has a "
                                    f"value per period; say which with {at}")
                mag = mag[..., spec["at"]]
            else:
                whole = [n for n in spec["so_that"].names if n in result.timeless]
                if whole and spec["at"] is not None:
                    at = f"--at {spec['text']['at']}" if flags else "solve: at"
                    raise CalcError(f"{at}: {', '.join(whole)} has one value for the whole "
                                    "timeline, not one per period; drop "
                                    f"{'--at' if flags else 'at:'}")
                mag = mag[..., 0]
            return np.broadcast_to(mag, (n_rows, 1 + samples))

        shape = (n_rows, 1 + samples)
        sol = bisect(f, np.full(shape, float(lo.to(unit).magnitude)),
                     np.full(shape, float(hi.to(unit).magnitude)),
                     0.0 if margin else float(spec["target"].magnitude), spec["kind"], MAX_EVALS,
                     RTOL)
        tick((MAX_EVALS - sol.evaluations) * n_rows)
        for k, i in enumerate(rows):
            _add(result, spec, int(i), sol.x[k], unit, sol.evaluations, solutions, findings)
    return solutions, findings


def _unit_mismatch(spec: dict, y, flags: bool) -> str:
    """The message for a target not in the unit of so_that ``y`` (its values): names the flag
    (``--equals``) or key and gives an example target in so_that's unit, its central value."""
    key = spec["kind"]
    unit = format_unit(y.units)
    mag = np.asarray(y.magnitude, dtype=float).ravel()
    mag = mag[np.isfinite(mag)]
    example = f"{float(mag[0]) if mag.size else 1.0:.3g}{' ' + unit if unit else ''}"
    given = spec["text"]["target"]
    if flags:
        flag = SOLVE_FLAGS[key]
        ex, what = (f"'{t}'" if " " in t else t for t in (example, spec["so_that"].text.strip()))
        return (f"{flag} {given}: --so-that {what} is in "
                f"{unit or 'a plain number'} but {flag} is in "
                f"{format_unit(spec['target'].units) or 'a plain number'}; give {flag} in the "
                f"unit of --so-that, e.g. {flag} {ex}")
    return (f"solve: so_that is in {unit or 'a plain number'} but the target is in "
            f"{format_unit(spec['target'].units) or 'a plain number'}; give the target in the "
            f"unit of so_that (e.g. {key}: {example})")


def date_margin(spec: dict, axis, plan):
    """For ``so_that: break_even`` or ``cash_out`` ``at_most`` (or ``at_least``) a date T on a
    timeline (``plan`` computing what the date rests on): a function of the evaluated names giving
    a margin ``(rows, draws)`` that is <= 0 exactly where the date is at most T (>= 0 where it is
    at least T), and moves continuously with the inputs (None for any other solve).

    A date is a step in the solved input: bisecting it takes 20 passes to 1e-6 of the bracket;
    the margin behind it (coverage, the cash balance) is smooth, so the steps of ``bisect``
    interpolate, 5-10 passes. ``break_even <= T``: coverage at least 1 from the last period with
    spend starting by T to the end (periods without spend do not count): the margin is 1 minus
    the lowest such coverage. ``cash_out <= T``: a balance below 0 in a period starting by T: the
    lowest such balance [USD] (at 0 exactly it counts as run out)."""
    name = spec["so_that"].text.strip()
    needs = {"break_even": ("coverage", "commitment_spend"), "cash_out": ("cash_balance",)}
    if (spec["kind"] not in ("at_most", "at_least") or name not in needs or axis.implicit
            or spec["at"] is not None or not all(n in plan.steps for n in needs[name])):
        return None                                 # f evaluates so_that (and says what is wrong)
    try:
        t = float(spec["target"].to("yr").magnitude)
    except pint.errors.DimensionalityError:
        return None
    # at_most T: the date falls in a period starting by T (margin <= 0). at_least T: it does not
    # fall in one starting before T (margin >= 0; "never" is later than any date)
    side = "right" if spec["kind"] == "at_most" else "left"
    k = int(np.searchsorted(axis.decimal_years("start"), t, side=side)) - 1   # last such start

    def by_year(env, n):
        m = np.asarray(env[n].magnitude, dtype=float)
        return m.reshape(m.shape + (1,) * (3 - m.ndim))

    def break_even(env):
        cov, spend = np.broadcast_arrays(by_year(env, "coverage"),
                                         by_year(env, "commitment_spend"))
        with np.errstate(invalid="ignore"):
            m = np.where(spend == 0, np.inf, np.where(np.isnan(cov), -np.inf, cov - 1))
        low = np.minimum.accumulate(m[..., ::-1], axis=-1)[..., ::-1]    # lowest from p to the end
        p = np.arange(m.shape[-1])
        q = np.max(np.where((spend != 0) & (p <= k), p, -1), axis=-1)    # last spend by T
        got = np.take_along_axis(low, np.maximum(q, 0)[..., None], axis=-1)[..., 0]
        # no spend by T: fails where there is spend later; without any spend break_even is the
        # first period, at most T when T is inside the timeline
        none = np.where((spend != 0).any(axis=-1) | (k < 0), np.inf, -np.inf)
        return np.where(q >= 0, -got, none)

    def cash_out(env):
        bal = by_year(env, "cash_balance")
        return np.min(bal[..., :k + 1], axis=-1) if k >= 0 else np.full(bal.shape[:-1], np.inf)

    return break_even if name == "break_even" else cash_out


def describe(result, spec: dict) -> str:
    """The solve request in words: 'cumulative_gap equals $0.00 at 2030, arr_growth_per_month
    searched in [0 %, 30 %]'."""
    lo, hi = (_shown(result, spec["for"], q) for q in spec["between"])
    at = f" at {spec['text']['at']}" if spec["text"]["at"] else ""
    what = spec["so_that"].text.strip()
    verb = {"equals": "equals", "at_most": "stays at most", "at_least": "stays at least"}
    return (f"{what} {verb[spec['kind']]} {_shown(result, what, spec['target'])}{at}, "
            f"{spec['for']} searched in [{lo}, {hi}]")


def _shown(result, name: str, q) -> str:
    """A target or bracket end as tables show ``name``: a date as a date ('2028-06'), a growth
    in % ('5 %'), money as '$30.0B'."""
    if name in DATES:
        return result.axis.date_text(float(q.to("yr").magnitude))
    if name in result.units:
        try:
            conv = result.shown_unit(name)
            return fmt_quantity(float(conv(q.to(result.units[name]).magnitude)), conv.unit)
        except pint.errors.DimensionalityError:
            pass
    return fmt_quantity(float(q.magnitude), format_unit(q.units))


def _add(result, spec, i: int, x: np.ndarray, unit, evaluations: int, solutions: list,
         findings: list, why: str | None = None) -> None:
    """The solution row of row ``i`` and, where there is no solution, its finding (``why`` replaces
    the no-solution text)."""
    case = result.cases[i]
    name = spec["for"]
    lin = (result.lineage(i, name) if name in result.central
           else {"inputs": [name], "sources": [], "defaults": []})
    row = {"case": i, "variant": case.variant, "point": dict(case.point)}
    if result.periods:
        row["period"] = None
    row.update(quantity=name, solved=True,
               unit="date" if name in DATE_INPUTS else format_unit(unit), value=float(x[0]))
    draws = x[1:]
    if result.samples > 0:
        ok = draws[np.isfinite(draws)]
        p = np.percentile(ok, [5, 50, 95]) if ok.size else [np.nan] * 3
        row.update(p05=float(p[0]), p50=float(p[1]), p95=float(p[2]),
                   mean=float(ok.mean()) if ok.size else float("nan"))
        row["no_solution_share"] = float(np.mean(~np.isfinite(draws)))
    else:
        row["no_solution_share"] = float(not np.isfinite(x[0]))
    row.update(inputs=lin["inputs"], sources=lin["sources"], defaults=lin["defaults"],
               evaluations=evaluations)
    solutions.append(row)
    share = row["no_solution_share"]
    if np.isfinite(x[0]) and share == 0:
        return
    lo, hi = (_shown(result, name, q) for q in spec["between"])
    at = f" at {spec['text']['at']}" if spec["text"]["at"] else ""
    text = (f"no value of {name} in [{lo}, {hi}] makes {spec['so_that'].text} "
            f"{WORDS[spec['kind']]} {_shown(result, spec['so_that'].text.strip(), spec['target'])}"
            f"{at}")
    detail = text + ("" if np.isfinite(x[0]) else " (at the central values)")
    if why is not None:
        detail = why
    elif result.samples > 0:
        detail += f"; no solution in {share_text(share)} of samples"
    findings.append(CheckResult(says=f"solve {name}", source=None, that=spec["so_that"].text,
                                     variant=case.variant, point=dict(case.point),
                                     passed=bool(np.isfinite(x[0])), value=None, unit="",
                                     expected=f"a solution in the bracket", detail=detail,
                                     probability=None if result.samples == 0 else 1 - share))
