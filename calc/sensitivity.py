"""Which inputs move each output most: a tornado table and, from samples, rank correlations.

The tornado evaluates every output with one uncertain input at its 5th and then its 95th
percentile and all others central -- all inputs and both ends in one vectorised pass (each
input's draw row holds +-1.645 in its own two columns and "central" elsewhere). With samples,
Spearman rank correlation between each input's draws and the output's draws says how much of the
spread it explains.

A date output (break_even, cash_out) that never comes within the timeline is ranked as the
timeline's end (``never_year``: 2034.0 for a yearly 2025-2033 timeline, the end of its last
period) and shown as "never"; a swing to or from "never" is then a lower bound.
"""

from __future__ import annotations

import numpy as np

from calc.dates import year_text
from calc.display import range_text
from calc.engine import evaluate
from calc.uncertainty import Z95
from calc.values import DATE_OUTPUTS, DATES
from calc.optional import need


def _ranks(a: np.ndarray) -> np.ndarray:
    """Ranks along the last axis of a (rows, n) array, ties (every "never") at their mean rank."""
    pd = need("pandas")
    return pd.DataFrame(np.asarray(a, dtype=float)).rank(axis=1).to_numpy(copy=True)


def _spearman(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row-wise Spearman rank correlation of two (cases, n) arrays."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.zeros(x.shape[:-1])          # a fixed input explains nothing
    rx, ry = _ranks(x), _ranks(y)
    rx -= rx.mean(axis=-1, keepdims=True)
    ry -= ry.mean(axis=-1, keepdims=True)
    den = np.sqrt((rx ** 2).sum(axis=-1) * (ry ** 2).sum(axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (rx * ry).sum(axis=-1) / den, 0.0)


def never_year(result) -> float:
    """The decimal year [yr] a date output that never comes is ranked at: the end of the
    timeline's last period (NaN without a timeline)."""
    ends = result.axis.decimal_years("end")
    return float(ends[-1]) if len(ends) else float("nan")


def is_never(x: float, never: float) -> bool:
    """True when ``x`` [yr] is the ``never_year`` stand-in (or past it)."""
    return bool(np.isfinite(never)) and x >= never - 1e-9


def sensitivity(result, at=None):
    """A DataFrame: for each case, output and input it depends on, the output at the input's p05
    and p95 (others central), the swing, and (when sampled) the rank correlation.

    On a timeline each per-period output is taken in the period ``at`` names (``at="2030"``; by
    default the last period), labelled "revenue (2030)"; quantities with one value per case
    (``result.timeless``: funding_need, break_even as a decimal year [yr], ...) as they are.
    A date that never comes (NaN in the result) is ``never_year(result)``, the timeline's end.
    """
    pd = need("pandas")

    axis = result.axis

    j_at = -1 if at is None else axis.index_of(at, "sensitivity: at")
    never = never_year(result)
    rows = []
    for c, case in enumerate(result.case_list):
        plan = result.plans[c]
        first = int(result.cases.offsets[c])
        values = result.leaf_values(first)
        uncertain = [n for n in plan.leaves() if values[n].is_uncertain]
        z = {n: np.full(2 * len(uncertain), np.nan) for n in uncertain}
        for k, n in enumerate(uncertain):
            z[n][2 * k], z[n][2 * k + 1] = -Z95, Z95
        env = evaluate(plan, [case], result.registry, z, 2 * len(uncertain), masked=True,
                       axis=axis) if uncertain else {}
        for name in result.shown:
            whole = name in result.timeless                    # one value per case, no period
            j_col = 0 if whole else j_at                       # the period asked, or the one value
            label = f"{name} ({result.periods[j_col]})" if result.periods and not whole else name
            # a date that never comes ranks as the timeline's end
            fill = never if name in DATE_OUTPUTS else np.nan
            if name in env:
                mag = axis.column(np.asarray(env[name].to(result.units[name]).magnitude), j_col)
                mag = np.broadcast_to(np.where(np.isnan(mag), fill, mag),
                                      (case.size, 1 + 2 * len(uncertain)))
            for n in plan.depends(name):
                if values[n].origin == "timeline":             # period_start, period_end: the axis
                    continue
                for k in range(case.size):
                    i = first + k
                    central = float(axis.columns(result.central[name])[i][j_col])
                    central = fill if np.isnan(central) else central
                    lo = hi = central
                    if n in uncertain:
                        j = uncertain.index(n)
                        lo, hi = float(mag[k, 1 + 2 * j]), float(mag[k, 2 + 2 * j])
                    rho = np.nan
                    if name in result.draws and n in result.draws:
                        dn, dq = result.draws[n][i:i + 1], result.draws[name][i:i + 1]
                        # an input: constant or series
                        dn, dq = axis.at(dn, 0), axis.at(dq, j_col)
                        dq = np.where(np.isnan(dq), fill, dq)
                        rho = float(_spearman(dn, dq)[0])
                    point = case.point(k)
                    rows.append({"_case": i, "variant": case.variant,
                                 "point": ", ".join(f"{a}={b}" for a, b in point.items()),
                                 "quantity": label,
                                 "unit": result.unit_text(name), "input": n,
                                 "input_range": _range(n, values[n], result.display),
                                 "value": central,
                                 "at_input_p05": lo, "at_input_p95": hi, "swing": abs(hi - lo),
                                 "rank_corr": rho})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        # cases in run order (arr_horizon=4 month before 10 month), each quantity's inputs by swing
        frame = frame.sort_values(["_case", "quantity", "swing"], ascending=[True, True, False],
                                  kind="stable").reset_index(drop=True)
    frame = frame.drop(columns="_case", errors="ignore")
    return frame


def _range(name: str, value, chosen: dict) -> str:
    """The input's range as tables show it ('[3 %, 12 %]', '[$20.0B, $100B]'); its value where it
    has no range; 'per period' for a series."""
    if np.ndim(value.central.magnitude):
        return "per period"
    if name in DATES:
        return year_text(float(value.central.m_as("yr")))
    return range_text(name, value, chosen)
