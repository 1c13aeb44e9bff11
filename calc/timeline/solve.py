"""Goal seek: vectorised bisection, one solution per element (case x sample) at once.

``bisect(f, lo, hi, target, kind)`` evaluates ``f`` on whole arrays: each pass halves every
element's bracket at once, so 10,000 samples cost as many passes as one. At most ``MAX_EVALS``
evaluations of ``f`` in all (the two bracket ends included); it stops early when every bracket is
as narrow as floating point allows.

- ``equals``: the value where ``f`` crosses ``target`` (a sign change of ``f - target`` between
  the bracket ends); no sign change is no solution (NaN).
- ``at_most`` / ``at_least``: the edge of the part of the bracket where ``f <= target`` (or
  ``>=``) holds. Where it holds at both ends, the end nearest to failing (where ``f`` is closest
  to the target); where it holds at neither, no solution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("equals", "at_most", "at_least")
MAX_EVALS = 60
MAX_SOLVE_VALUES = 2_000_000     # cases x draws x periods per pass; at this size 60 passes take up to a minute


def solve_size(n_cases: int, samples: int, periods: int, where: str) -> None:
    """Refuse, before any work, a solve whose passes would each evaluate over MAX_SOLVE_VALUES values.

    Each bisection pass evaluates the whole scenario again, so a solve costs up to MAX_EVALS runs.
    """
    from calc.errors import CalcError

    size = n_cases * (1 + samples) * max(1, periods)
    if size > MAX_SOLVE_VALUES:
        fits = max(0, MAX_SOLVE_VALUES // (n_cases * max(1, periods)) - 1)
        raise CalcError(f"{where}: {n_cases:,} cases x {1 + samples:,} draws x {max(1, periods):,} periods = "
                        f"{size:,} values is more than calc solves ({MAX_SOLVE_VALUES:,} values; bisection "
                        f"evaluates the scenario up to {MAX_EVALS} times); use at most {fits:,} samples")


@dataclass(frozen=True)
class Solution:
    """Solutions (NaN where there is none) and how many evaluations of ``f`` it took."""

    x: np.ndarray
    evaluations: int

    @property
    def no_solution_share(self) -> float:
        return float(np.mean(np.isnan(self.x))) if self.x.size else 0.0


def bisect(f, lo, hi, target, kind: str = "equals", max_evals: int = MAX_EVALS) -> Solution:
    """Solve ``f(x) = target`` (or the edge of ``f(x) <= / >= target``) for ``x`` in ``[lo, hi]``.

    ``f`` maps an array of x to an array of the same shape; ``lo``, ``hi`` broadcast to it.

    >>> s = bisect(lambda x: x ** 2, np.zeros(3), np.full(3, 4.0), np.array([4.0, 2.0, 25.0]))
    >>> np.round(s.x, 12).tolist()           # sqrt(4), sqrt(2), none in [0, 4]
    [2.0, 1.414213562373, nan]
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
        a, b = lo, hi                                       # holds(f(a)) stays true
    else:
        sat = (lambda y: y <= target) if kind == "at_most" else (lambda y: y >= target)
        c_lo, c_hi = sat(f_lo), sat(f_hi)
        nearer_hi = (f_hi > f_lo) if kind == "at_most" else (f_hi < f_lo)
        done = np.where(c_lo & c_hi, np.where(nearer_hi, hi, lo), np.nan)
        search = c_lo ^ c_hi
        a = np.where(c_lo, lo, hi)                          # the end where it holds
        b = np.where(c_lo, hi, lo)
        holds = sat
    a, b = a.copy(), b.copy()
    while evals < max_evals and search.any():
        width = np.abs(b - a)
        scale = np.maximum(np.abs(a), np.abs(b))
        if not (search & (width > 4 * np.finfo(float).eps * np.maximum(scale, 1e-300))).any():
            break
        mid = (a + b) / 2.0
        ok = holds(np.asarray(f(mid), dtype=float))
        evals += 1
        a = np.where(search & ok, mid, a)
        b = np.where(search & ~ok, mid, b)
    found = a if kind != "equals" else (a + b) / 2.0
    x = np.where(search, found, done)
    return Solution(x, evals)
