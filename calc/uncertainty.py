"""Distributions for ranges: a ``[low, high]`` is a 90 % interval, sampled in one vectorised pass.

A distribution may be truncated at a quantity's bounds (``lower``/``upper``): a draw beyond a
bound is redrawn from the part of the distribution inside them, so draws inside stay as they were
and the central value does not move. Only normal and lognormal ranges have tails that can cross
a bound; the other shapes live between their ``low`` and ``high``, which lie inside the bounds.

A distribution turns standard-normal draws ``z`` (one row per input, shared by every case so that
variants and sweep points are compared on the same draws) into values. The central value stays
the all-central evaluation: the geometric mean of a positive range, the midpoint otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calc.errors import CalcError

Z95 = 1.6448536269514722          # the standard normal's 95th percentile: a 90 % interval is +-Z95
DISTS = ("lognormal", "normal", "uniform", "triangular", "pert")
# No standard-normal draw calc makes lies beyond +-Z_MAX: numpy's ziggurat stays within about 14 and
# normal_ppf within 38 (its p is clipped at 1e-300). A range whose draws could overflow past it is
# absurd.
Z_MAX = 40.0
FLOAT_MAX = float(np.finfo(float).max)


@dataclass(frozen=True)
class Dist:
    """A distribution over one input, in the input's unit (magnitudes only).

    ``low``/``high`` bound the 90 % interval (lognormal, normal) or the support (uniform,
    triangular, pert); ``mode`` is the peak for triangular and pert.
    """

    kind: str
    low: float
    high: float
    mode: float | None = None
    lower: float = -math.inf          # the quantity's bounds, in the same unit: draws stay inside
    upper: float = math.inf

    def __post_init__(self):
        if self.kind not in DISTS:
            raise CalcError(f"unknown distribution {self.kind!r}; calc knows {', '.join(DISTS)}")
        if not self.low <= self.high:
            raise CalcError(f"distribution low {self.low:g} is greater than high {self.high:g}")
        if self.kind == "lognormal" and self.low <= 0:
            raise CalcError(f"a lognormal range needs positive ends, got [{self.low:g}, "
                            f"{self.high:g}]; use {{dist: normal}} for a range that "
                            "reaches zero or below")
        if self.kind in ("triangular", "pert"):
            if self.mode is None or not self.low <= self.mode <= self.high:
                raise CalcError(f"a {self.kind} distribution needs a mode between low and high")

    @property
    def central(self) -> float:
        """The value used for the all-central evaluation."""
        if self.kind == "lognormal":
            return math.sqrt(self.low * self.high)
        if self.kind in ("triangular", "pert") and self.mode is not None:
            return (self.mode if self.kind == "triangular"
                    else (self.low + 4 * self.mode + self.high) / 6)
        return (self.low + self.high) / 2

    def from_normal(self, z: np.ndarray) -> np.ndarray:
        """Values for standard-normal draws ``z`` (inverse-CDF transform, so correlations carry
        over).

        A draw beyond the bounds is redrawn inside them: its place within the tail it fell in is
        itself a uniform draw, mapped onto the truncated distribution.
        """
        x = self._transform(z)
        z_lo, z_hi = self._z_bounds()
        if z_lo == -math.inf and z_hi == math.inf:
            return x
        with np.errstate(invalid="ignore"):       # NaN (the tornado's "central") is never out
            if (z_lo == -math.inf or z.min() >= z_lo) and (z_hi == math.inf or z.max() <= z_hi):
                # one pass per finite bound (a NaN fails it: masked below)
                return x
            out = (z < z_lo) | (z > z_hi)
        zo = z[out]
        p_lo, p_hi = _normal_cdf(np.array(z_lo)), _normal_cdf(np.array(z_hi))
        p = _normal_cdf(zo)
        with np.errstate(divide="ignore", invalid="ignore"):
            u = np.where(zo < z_lo, p / p_lo, (p - p_hi) / (1 - p_hi))
        u = np.clip(np.nan_to_num(u, nan=0.5), 0.0, 1.0)
        redrawn = self._transform(normal_ppf(p_lo + u * (p_hi - p_lo)))
        x = np.asarray(x, dtype=float)          # fresh from _transform: redraw in place
        x[out] = np.clip(redrawn, self.lower, self.upper)
        return x

    def _z_bounds(self) -> tuple[float, float]:
        """The bounds in standard-normal units (where ``_transform`` crosses them)."""
        if (self.lower == -math.inf and self.upper == math.inf
                or self.kind not in ("normal", "lognormal") or self.high == self.low):
            return -math.inf, math.inf
        if self.kind == "normal":
            mid, sd = (self.low + self.high) / 2, (self.high - self.low) / (2 * Z95)
            return (self.lower - mid) / sd, (self.upper - mid) / sd
        mu = (math.log(self.low) + math.log(self.high)) / 2
        sigma = (math.log(self.high) - math.log(self.low)) / (2 * Z95)
        z_lo = (math.log(self.lower) - mu) / sigma if self.lower > 0 else -math.inf
        z_hi = (math.log(self.upper) - mu) / sigma if self.upper < math.inf else math.inf
        return z_lo, z_hi

    def _transform(self, z: np.ndarray) -> np.ndarray:
        lo, hi = self.low, self.high
        if self.kind == "lognormal":
            mu, sigma = (math.log(lo) + math.log(hi)) / 2, (math.log(hi) - math.log(lo)) / (2 * Z95)
            if mu + sigma * Z_MAX < math.log(FLOAT_MAX):            # no draw can overflow
                return np.exp(mu + sigma * z)
            # one that does is the largest number, which the engine's overflow check then names
            with np.errstate(over="ignore"):
                return np.minimum(np.exp(mu + sigma * z), FLOAT_MAX)
        if self.kind == "normal":
            mid, sd = (lo + hi) / 2, (hi - lo) / (2 * Z95)
            if abs(mid) + sd * Z_MAX < FLOAT_MAX:
                return mid + sd * z
            with np.errstate(over="ignore"):
                return np.clip(mid + sd * z, -FLOAT_MAX, FLOAT_MAX)
        u = _normal_cdf(z)
        if self.kind == "uniform":
            return lo + (hi - lo) * u
        if self.kind == "triangular":
            if hi == lo:
                return np.full_like(u, lo)
            c = (self.mode - lo) / (hi - lo)
            return np.where(u < c, lo + np.sqrt(u * (hi - lo) * (self.mode - lo)),
                            hi - np.sqrt((1 - u) * (hi - lo) * (hi - self.mode)))
        return lo + (hi - lo) * _beta_ppf(u, *self._pert_shape())

    def _pert_shape(self) -> tuple[float, float]:
        span = self.high - self.low
        if span == 0:
            return 1.0, 1.0
        return 1 + 4 * (self.mode - self.low) / span, 1 + 4 * (self.high - self.mode) / span


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """The standard normal CDF, vectorised (erf by Abramowitz & Stegun 7.1.26: |error| < 1.5e-7)."""
    x = np.asarray(z, dtype=float) / math.sqrt(2)
    a = np.abs(x)
    t = 1 / (1 + 0.3275911 * a)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
            + 0.254829592) * t
    erf = 1 - poly * np.exp(-a * a)
    return 0.5 * (1 + np.sign(x) * erf)


def normal_ppf(p: np.ndarray) -> np.ndarray:
    """The standard normal's inverse CDF, vectorised (Acklam's rational approximation: relative
    error below 1.2e-9)."""
    p = np.clip(np.asarray(p, dtype=float), 1e-300, 1 - 1e-16)
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00)
    q = np.minimum(p, 1 - p)
    out = np.empty_like(p)
    tail = q < 0.02425
    t = np.sqrt(-2 * np.log(q[tail]))
    out[tail] = (((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]) / \
        ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1)
    out[tail] *= np.where(p[tail] < 0.5, 1, -1)
    r = p[~tail] - 0.5
    s = r * r
    out[~tail] = (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / \
        (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
    return out


def _beta_ppf(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Inverse CDF of Beta(a, b) by bisection on a tabulated CDF (vectorised, 1e-6 accurate)."""
    grid = np.linspace(0.0, 1.0, 4097)
    mid = (grid[1:] + grid[:-1]) / 2
    pdf = mid ** (a - 1) * (1 - mid) ** (b - 1)
    cdf = np.concatenate([[0.0], np.cumsum(pdf)])
    cdf /= cdf[-1]
    return np.interp(u, cdf, grid)


def standard_normal(rng: np.random.Generator, n_inputs: int, n: int,
                    corr: np.ndarray | None = None) -> np.ndarray:
    """``(n_inputs, n)`` standard-normal draws, optionally correlated by a Pearson matrix
    ``corr``."""
    z = rng.standard_normal((n_inputs, n))
    if corr is not None and n_inputs > 1:
        z = np.linalg.cholesky(corr) @ z
    return z


def rank_to_pearson(rho: float) -> float:
    """The normal-copula Pearson correlation giving Spearman rank correlation ``rho``."""
    return 2 * math.sin(math.pi * rho / 6)


@dataclass(frozen=True, eq=False)
class SeriesDist:
    """A series whose points are ranges: in each draw every point takes the same quantile (a path
    moves together), and each period takes ``weights`` (periods x points) times the points, so the
    median of the series is the series of medians.

    ``points`` holds a Dist per point, or a float for a point given as one value.
    """

    points: tuple
    weights: np.ndarray              # (periods, points): a period's value from the points' values
    kind: str = "series"

    @property
    def low(self) -> float:
        """The lowest low end of the points (for messages and tables)."""
        return min(p.low if isinstance(p, Dist) else p for p in self.points)

    @property
    def high(self) -> float:
        """The highest high end of the points."""
        return max(p.high if isinstance(p, Dist) else p for p in self.points)

    @property
    def central(self) -> np.ndarray:
        """Per period, the series at the points' central values."""
        return self.weights @ np.array([p.central if isinstance(p, Dist) else p
                                        for p in self.points])

    def from_normal(self, z: np.ndarray) -> np.ndarray:
        """Per draw ``z`` (one standard-normal value per draw) the series ``(draws, periods)``.

        >>> d = SeriesDist((Dist("uniform", 1.0, 3.0), 10.0), np.array([[1.0, 0.0], [0.5, 0.5]]))
        >>> d.from_normal(np.array([0.0])).tolist()          # the median: 2 and (2 + 10) / 2
        [[2.0, 6.0]]
        """
        z = np.asarray(z, dtype=float)
        cols = [p.from_normal(z) if isinstance(p, Dist) else np.full(z.shape, p)
                for p in self.points]
        return np.stack(cols, axis=-1) @ self.weights.T
