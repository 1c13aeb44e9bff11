"""Revenue paths: the run-rate at a time and revenue as its integral, on plain numpy magnitudes.

Times ``m`` are months after ``arr_as_of`` (negative before it); run-rates are per year, so one
month at run-rate ``A`` earns ``A / 12``. With ``L = ln(1 + g)`` for the monthly growth ``g``:

- **constant** growth: ``arr(m) = A (1 + g)^m``; over ``[m0, m1]`` revenue is
  ``A / 12 x ((1 + g)^m1 - (1 + g)^m0) / L`` (``A / 12 x (m1 - m0)`` when g = 0).
- **decaying** growth (the existing ``arr_projected_decaying`` shape): the log-growth rate
  ``L x 2^(-m / h)`` halves every ``h`` months, so ``arr(m) = A exp(L h / ln 2 x (1 - 2^(-m / h)))``.
  Its integral has no elementary form; revenue is 8-point Gauss-Legendre quadrature per month of
  the period (relative error below 1e-12 for the smooth paths here; tested against the closed
  form as h grows).
- **logistic** (saturating) growth towards a ceiling ``K``: ``arr(m) = K / (1 + c e^(-r m))`` with
  ``c = K / A - 1`` (so arr(0) = A) and ``r = L / (1 - A / K)`` (so the growth at ``arr_as_of`` is
  ``g``). Revenue is ``K / 12 x (ln(e^(r m1) + c) - ln(e^(r m0) + c)) / r``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

LN2 = np.log(2.0)


@lru_cache(maxsize=1)
def _gauss_legendre() -> tuple:
    """8-point Gauss-Legendre nodes and weights on [-1, 1] (numpy.polynomial, imported on first use)."""
    from numpy.polynomial.legendre import leggauss
    return tuple(zip(*leggauss(8)))


def _grown(L, m):
    """``e^(L m)`` with ``m = 0`` giving 1 even for ``L = -inf`` (growth of -100 %: A at arr_as_of, 0 after)."""
    return np.exp(np.where(m == 0, 0.0, L * m))


def constant_rate(arr_end, g, m):
    """Run-rate ``m`` months after arr_as_of at constant monthly growth ``g``: ``A (1 + g)^m``."""
    return arr_end * _grown(np.log1p(g), m)


def constant_revenue(arr_end, g, m0, m1):
    """Revenue over months ``[m0, m1]`` at constant growth: ``A / 12 x ((1+g)^m1 - (1+g)^m0) / ln(1+g)``.

    Written as ``A / 12 x (1+g)^m0 x expm1(L (m1 - m0)) / L`` so that g near 0 does not cancel.

    >>> round(float(constant_revenue(5e9, 0.05, 0.0, 12.0)) / 1e9, 6)   # 5e9/12 x (1.05^12-1)/ln 1.05
    6.796591
    """
    L = np.log1p(g)
    d = m1 - m0
    small = np.abs(L) < 1e-12
    safe = np.where(small, 1.0, L)
    factor = np.where(small, d, np.expm1(safe * d) / safe)      # g = -1: -1 / -inf = 0 (nothing after)
    return arr_end / 12.0 * _grown(L, m0) * factor


def decaying_rate(arr_end, g, m, half_life):
    """Run-rate with decaying growth: ``A exp(L h / ln 2 x (1 - 2^(-m / h)))``."""
    months = -half_life / LN2 * np.expm1(-LN2 * m / half_life)
    return arr_end * _grown(np.log1p(g), months)


def _quadrature(rate, m0, m1):
    """``1/12 x integral of rate(m) dm`` over ``[m0, m1]``: Gauss-Legendre, 8 nodes per month."""
    m0, m1 = np.broadcast_arrays(np.asarray(m0, dtype=float), np.asarray(m1, dtype=float))
    n = int(np.ceil(np.max(m1 - m0))) if m0.size else 1
    n = max(n, 1)
    total = 0.0
    for k in range(n):                      # one pass per month of the longest period, not per period
        a = np.minimum(m0 + k, m1)
        b = np.minimum(m0 + k + 1, m1)
        half = (b - a) / 2.0
        mid = (a + b) / 2.0
        for x, w in _gauss_legendre():
            total = total + w * half * rate(mid + half * x)
    return total / 12.0


def decaying_revenue(arr_end, g, m0, m1, half_life):
    """Revenue over ``[m0, m1]`` with decaying growth (quadrature of ``decaying_rate``)."""
    return _quadrature(lambda m: decaying_rate(arr_end, g, m, half_life), m0, m1)


def logistic_rate(arr_end, g, m, ceiling):
    """Saturating run-rate: ``K / (1 + c e^(-r m))``, ``c = K/A - 1``, ``r = ln(1+g) / (1 - A/K)``."""
    c = ceiling / arr_end - 1.0
    r = np.log1p(g) / (1.0 - arr_end / ceiling)
    return ceiling / (1.0 + c * np.exp(-r * m))


def logistic_revenue(arr_end, g, m0, m1, ceiling):
    """Revenue over ``[m0, m1]`` on the logistic path: ``K/12 x (ln(e^(r m1) + c) - ln(e^(r m0) + c)) / r``.

    Computed as ``K/12 x (m1 - m0 + (ln(1 + c e^(-r m1)) - ln(1 + c e^(-r m0))) / r)``, stable for large r m.
    """
    c = ceiling / arr_end - 1.0
    r = np.log1p(g) / (1.0 - arr_end / ceiling)
    small = np.abs(r) < 1e-12
    safe = np.where(small, 1.0, r)
    span = (m1 - m0) + (np.log1p(c * np.exp(-safe * m1)) - np.log1p(c * np.exp(-safe * m0))) / safe
    flat = arr_end * (m1 - m0)                      # r = 0: the run-rate stays at A
    return np.where(small, flat / 12.0, ceiling * span / 12.0)
