"""Cumulative quantities along the period axis (the last axis), as array operations.

Arrays are ``(..., periods)``: cases x samples in front, periods last. Nothing loops over samples
or periods.
"""

from __future__ import annotations

import numpy as np


def coverage(share, revenue, spend):
    """``share x revenue / spend``; NaN (null) in a period with no spend.

    >>> coverage(1.0, np.array([2.0, 1.0]), np.array([1.0, 0.0])).tolist()
    [2.0, nan]
    """
    share, revenue, spend = np.broadcast_arrays(share, revenue, spend)
    out = np.full(spend.shape, np.nan)
    np.divide(share * revenue, spend, out=out, where=spend != 0)
    return out


def cumulative_gap(spend, share, revenue):
    """Running sum of ``spend - share x revenue`` from the first period.

    >>> cumulative_gap(np.array([3.0, 3.0, 3.0]), 1.0, np.array([1.0, 3.0, 6.0])).tolist()
    [2.0, 2.0, -1.0]
    """
    return np.cumsum(spend - share * revenue, axis=-1)


def funding_need(gap):
    """The largest cumulative gap over the timeline, 0 if never positive; keeps a length-1 period axis.

    >>> funding_need(np.array([2.0, 5.0, -1.0])).tolist()
    [5.0]
    """
    return np.maximum(np.max(gap, axis=-1, keepdims=True), 0.0)


def break_even_index(cov, spend):
    """The first period WITH SPEND from which coverage stays >= 1 to the end (no-spend periods
    do not interrupt it, nor can they be the break-even: nothing is covered in them), or -1 for
    never; keeps a length-1 period axis. Without spend in any period: the first period.

    >>> break_even_index(np.array([0.5, 1.2, 0.9, 1.1, np.nan]), np.array([1, 1, 1, 1, 0.0])).tolist()
    [3]
    >>> break_even_index(np.array([1.5, 0.5]), np.array([1.0, 1.0])).tolist()
    [-1]
    >>> break_even_index(np.array([np.nan, 2.0, 3.0]), np.array([0.0, 1.0, 1.0])).tolist()
    [1]
    """
    cov, spend = np.broadcast_arrays(cov, spend)
    ok = (spend == 0) | (cov >= 1)              # NaN coverage compares False; spend == 0 covers it
    holds = np.logical_and.accumulate(ok[..., ::-1], axis=-1)[..., ::-1]   # ok from here to the end
    spent = (spend != 0).any(axis=-1)
    start = holds & ((spend != 0) | ~spent[..., None])   # a break-even period has spend (if any has)
    first = np.argmax(start, axis=-1)
    found = start.any(axis=-1)
    return np.where(found, first, -1)[..., None]


def break_even(cov, spend, starts):
    """The start (decimal year) of the break-even period; NaN for never.

    >>> break_even(np.array([0.5, 1.2]), np.array([1.0, 1.0]), np.array([2027.0, 2028.0])).tolist()
    [2028.0]
    """
    idx = break_even_index(cov, spend)
    starts = np.broadcast_to(starts, np.broadcast_shapes(np.shape(cov), np.shape(spend)))
    picked = np.take_along_axis(starts, np.maximum(idx, 0), axis=-1)
    return np.where(idx >= 0, picked, np.nan)
