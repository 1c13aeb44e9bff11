"""The tidy table as CSV: one row per variant x point x quantity, numbers at full precision."""

from __future__ import annotations


def result_csv(result) -> str:
    """``result.table()`` as CSV: variant, point, quantity, value, unit, [p05, p50, p95, mean],
    inputs, sources, defaults. Numbers are written as numbers (``repr`` precision), never formatted."""
    return result.table().to_csv(index=False, lineterminator="\n")
