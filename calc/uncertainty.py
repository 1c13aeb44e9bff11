"""Distributions for ranges: a ``[low, high]`` is a 90 % interval, sampled in one vectorised pass.

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

    def __post_init__(self):
        if self.kind not in DISTS:
            raise CalcError(f"unknown distribution {self.kind!r}; calc knows {', '.join(DISTS)}")
        if not self.low <= self.high:
            raise CalcError(f"distribution low {self.low:g} is greater than high {self.high:g}")
        if self.kind == "lognormal" and self.low <= 0:
            raise CalcError(f"a lognormal range needs positive ends, got [{self.low:g}, {self.high:g}]; "
                            "use {dist: normal} for a range that reaches zero or below")
        if self.kind in ("triangular", "pert"):
            if self.mode is None or not self.low <= self.mode <= self.high:
                raise CalcError(f"a {self.kind} distribution needs a mode between low and high")

    @property
    def central(self) -> float:
        """The value used for the all-central evaluation."""
        if self.kind == "lognormal":
            return math.sqrt(self.low * self.high)
        if self.kind in ("triangular", "pert") and self.mode is not None:
            return self.mode if self.kind == "triangular" else (self.low + 4 * self.mode + self.high) / 6
        return (self.low + self.high) / 2

    def from_normal(self, z: np.ndarray) -> np.ndarray:
        """Values for standard-normal draws ``z`` (inverse-CDF transform, so correlations carry over)."""
        lo, hi = self.low, self.high
        if self.kind == "lognormal":
            mu, sigma = (math.log(lo) + math.log(hi)) / 2, (math.log(hi) - math.log(lo)) / (2 * Z95)
            return np.exp(mu + sigma * z)
        if self.kind == "normal":
            return (lo + hi) / 2 + (hi - lo) / (2 * Z95) * z
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
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    erf = 1 - poly * np.exp(-a * a)
    return 0.5 * (1 + np.sign(x) * erf)


def _beta_ppf(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Inverse CDF of Beta(a, b) by bisection on a tabulated CDF (vectorised, 1e-6 accurate)."""
    grid = np.linspace(0.0, 1.0, 4097)
    mid = (grid[1:] + grid[:-1]) / 2
    pdf = mid ** (a - 1) * (1 - mid) ** (b - 1)
    cdf = np.concatenate([[0.0], np.cumsum(pdf)])
    cdf /= cdf[-1]
    return np.interp(u, cdf, grid)


def standard_normal(rng: np.random.Generator, n_inputs: int, n: int, corr: np.ndarray | None = None) -> np.ndarray:
    """``(n_inputs, n)`` standard-normal draws, optionally correlated by a Pearson matrix ``corr``."""
    z = rng.standard_normal((n_inputs, n))
    if corr is not None and n_inputs > 1:
        z = np.linalg.cholesky(corr) @ z
    return z


def rank_to_pearson(rho: float) -> float:
    """The normal-copula Pearson correlation giving Spearman rank correlation ``rho``."""
    return 2 * math.sin(math.pi * rho / 6)
