"""The tidy table as CSV: one row per variant x point x quantity, numbers at full precision.

The other facts of a run follow the result rows in the same columns, told apart by ``kind``
(``result`` for the rows above): ``check`` (each check result: ``quantity`` is what it tests,
``detail`` the claim and the verdict), ``finding``, ``sensitivity`` (``quantity`` the output,
``inputs`` the input moved, ``value`` the swing), ``set`` (``--set`` values) and ``unsourced``
(values given without a source). Filter on ``kind == "result"`` for the table alone.
"""

from __future__ import annotations

import math

from calc.output.json import facts
from calc.output.layout import point_text
from calc.optional import need


def result_csv(result) -> str:
    """``result.table()`` as CSV: variant, point, quantity, value, unit, [p05, p50, p95, mean],
    inputs, sources, defaults, kind, detail. Numbers are written as numbers (``repr`` precision)."""
    pd = need("pandas")

    frame = result.table()
    frame["kind"], frame["detail"] = "result", ""
    extra = []
    for c in result.checks:
        extra.append({"variant": c.variant, "point": point_text(c.point), "quantity": c.that,
                      "value": c.value, "unit": c.unit, "sources": c.source or "", "kind": "check",
                      "detail": f"{'holds' if c.passed else 'does not hold'}: "
                                f"{c.says}: {c.detail}"})
    for f in result.findings:
        extra.append({"variant": f.variant, "point": point_text(f.point), "quantity": f.quantity,
                      "value": f.value, "unit": f.unit, "kind": "finding", "detail": f.labelled})
    if result.sensitivity_table is not None:
        for r in result.sensitivity_table.to_dict("records"):
            if not r["swing"] > 0:              # an input that does not move this output
                continue
            rho = r.get("rank_corr")
            extra.append({"variant": r["variant"], "point": r["point"], "quantity": r["quantity"],
                          "value": r["swing"], "unit": r["unit"], "inputs": r["input"],
                          "kind": "sensitivity",
                          "detail": f"{r['input']} over {r['input_range']}: "
                                    f"{r['at_input_p05']:.6g} at its p05, "
                                    f"{r['at_input_p95']:.6g} at its p95"
                                    + ("" if rho is None or math.isnan(rho)
                                       else f", rank correlation {rho:+.2f}")})
    for key, kind in (("overrides", "set"), ("unsourced", "unsourced")):
        for item in facts(result).get(key, []):
            extra.append({"quantity": item["name"], "value": item["value"], "unit": item["unit"],
                          "kind": kind,
                          "detail": "set on the command line" if kind == "set"
                          else "given without a source"})
    if extra:
        frame = pd.concat([frame, pd.DataFrame(extra, columns=frame.columns)], ignore_index=True)
    return frame.to_csv(index=False, lineterminator="\n")
