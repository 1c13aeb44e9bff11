"""Checks: claims a source made, tested against what the scenario computes.

A check names the claim (``says``), who made it (``source``), an expression (``that``) and one
expectation: ``near`` + ``within``, ``above``, ``below`` or ``between``; or ``that`` is itself a
comparison. A check that does not hold is a finding, not an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pint

from calc.dates import year_text
from calc.errors import CalcError
from calc.format import quantity as fmt_quantity
from calc.format import share as share_text
from calc.units import Q, format_unit

KINDS = ("near", "above", "below", "between")


@dataclass(frozen=True)
class Check:
    """One claim to test. ``target`` is a quantity, or (low, high) for ``between``."""

    says: str
    source: str | None
    that: object                  # calc.expr.Expr
    kind: str | None              # near | above | below | between | None (``that`` is a comparison)
    target: object = None
    within: object = None         # a fraction (0.2) or a quantity, for ``near``
    note: str | None = None
    where: str = ""
    summary: str | None = None    # one line standing for a long note
    at: int | None = None         # on a timeline: the period index the check is about
    at_text: str | None = None    # that period as written ('2030')
    variant: str | None = None    # the variant it applies in; every variant when None


@dataclass(frozen=True)
class CheckResult:
    """A check in one case: did it hold, the computed value and what was expected."""

    says: str
    source: str | None
    that: str
    variant: str
    point: dict
    passed: bool
    value: float | None           # the computed central value, in ``unit``
    unit: str
    expected: str                 # e.g. "near 200,000 chip (within 20 %)"
    detail: str                   # one sentence a reader can take in
    probability: float | None = None   # share of samples for which it holds (when sampled)
    note: str | None = None
    summary: str | None = None

    def to_json(self) -> dict:
        return {"says": self.says, "source": self.source, "that": self.that,
                "variant": self.variant,
                "point": dict(self.point), "passed": bool(self.passed), "value": self.value,
                "unit": self.unit,
                "expected": self.expected, "detail": self.detail, "probability": self.probability,
                "note": self.note, "summary": self.summary}


DATES = ("break_even", "cash_out", "arr_as_of")   # decimal years: shown as years, never for null


def expectation(check: Check) -> str:
    """The expectation in words, units included."""
    def q(x):
        return fmt_quantity(float(x.magnitude), format_unit(x.units))

    # a target; a date as a date: 2027 or 2030-06, not '2,027 yr'
    def qt(x):
        if check.that.text in DATES and isinstance(x, pint.Quantity) and x.check("[time]"):
            return year_text(x.m_as("yr"))
        return q(x)
    if check.kind == "near":
        within = check.within
        w = f"{within * 100:g} %" if not isinstance(within, pint.Quantity) else q(within)
        return f"near {qt(check.target)} (within {w})"
    if check.kind == "above":
        return f"above {qt(check.target)}"
    if check.kind == "below":
        return f"below {qt(check.target)}"
    if check.kind == "between":
        return f"between {qt(check.target[0])} and {qt(check.target[1])}"
    return "true"


def holds(check: Check, value) -> np.ndarray:
    """Elementwise: does ``value`` (a quantity array, or booleans) meet the expectation?"""
    if check.kind is None:
        if isinstance(value, pint.Quantity):
            raise CalcError(f"{check.where}: 'that' gives a quantity "
                            f"({format_unit(value.units) or 'a number'}); add near/within, above, "
                            "below or between, or write a comparison")
        return np.asarray(value, dtype=bool)
    if not isinstance(value, pint.Quantity):
        raise CalcError(f"{check.where}: 'that' is a comparison; drop {check.kind!r} or "
                        "make 'that' a quantity")
    try:
        if check.kind == "near":
            target = check.target.to(value.units).magnitude
            within = check.within
            tol = (abs(target) * float(within)) if not isinstance(within, pint.Quantity) \
                else within.to(value.units).magnitude
            return np.abs(value.magnitude - target) <= tol
        if check.kind == "above":
            return value.magnitude > check.target.to(value.units).magnitude
        if check.kind == "below":
            return value.magnitude < check.target.to(value.units).magnitude
        lo, hi = (t.to(value.units).magnitude for t in check.target)
        return (value.magnitude >= lo) & (value.magnitude <= hi)
    except pint.errors.DimensionalityError:
        got = format_unit(value.units) or "a plain number"
        want = (format_unit((check.target[0] if check.kind == "between" else check.target).units)
                or "a plain number")
        hint = ("; a date (break_even, arr_as_of) needs 'near' with 'within' in time: write "
                "e.g. near: 2027 with within: 1 yr, or below: 2028-06, between: [2026, 2028-Q2]"
                ) if got == "yr" and want == "a plain number" else ""
        raise CalcError(f"{check.where}: 'that' is in {got} but the expectation is in "
                        f"{want}{hint}") from None


def run_checks(checks: list[Check], result) -> list[CheckResult]:
    """Evaluate every check in every case of ``result`` (central values; sample share when kept)."""
    out = []
    problems: list[str] = []          # every check's problem, in one run
    for check in checks:
        try:
            env, draws = period_views(result, check)
            value = _evaluate(check, env)
            ok = np.broadcast_to(holds(check, value), (len(result.cases),))
            prob = None
            if draws and all(n in draws for n in check.that.names):
                sampled = holds(check, _evaluate(check, draws))
                prob = np.mean(np.broadcast_to(sampled, (len(result.cases), result.samples)),
                               axis=1)
        except CalcError as exc:
            problems += exc.problems
            continue
        for i, case in enumerate(result.cases):
            if check.variant is not None and case.variant != check.variant:
                continue
            v = None
            unit = ""
            if isinstance(value, pint.Quantity):
                mag = np.broadcast_to(np.asarray(value.magnitude, dtype=float),
                                      (len(result.cases),))
                v, unit = float(mag[i]), format_unit(value.units)
            exp = expectation(check)
            shown = _shown(check, v, value.units) if v is not None else (
                "true" if ok[i] else "false")
            verdict = "holds" if ok[i] else "does not hold"
            at = f" at {check.at_text}" if check.at_text else ""
            detail = f"{check.that.text}{at} = {shown}; expected {exp}: {verdict}"
            if prob is not None:
                detail += f" (in {share_text(prob[i])} of samples)"
            out.append(CheckResult(says=check.says, source=check.source, that=check.that.text,
                                   variant=case.variant, point=dict(case.point), passed=bool(ok[i]),
                                   value=v, unit=unit, expected=exp, detail=detail,
                                   probability=None if prob is None else float(prob[i]),
                                   note=check.note, summary=check.summary))
    if problems:
        raise CalcError(problems)
    return out


def _shown(check: Check, v: float, unit) -> str:
    """The computed value in the unit the expectation is written in ('400 %' against 'near 400
    %')."""
    target = check.target[0] if check.kind == "between" else check.target
    if check.that.text in DATES and Q(1.0, unit).check("[time]"):     # break_even: 2028, or never
        return year_text(Q(v, unit).m_as("yr"))
    if isinstance(target, pint.Quantity) and target.units != unit:
        try:
            return fmt_quantity(float(Q(v, unit).to(target.units).magnitude),
                                format_unit(target.units))
        except pint.errors.DimensionalityError:
            pass
    if Q(1.0, unit).dimensionless and unit != Q(1.0).units and format_unit(unit) != "%":
        # never '1.1e-09 GW/W'
        return fmt_quantity(float(Q(v, unit).to("dimensionless").magnitude), "")
    return fmt_quantity(v, format_unit(unit))


def _evaluate(check: Check, env: dict):
    try:
        return check.that.evaluate(env)
    except CalcError as exc:
        raise CalcError(f"{check.where}: {exc}") from None


def period_views(result, check) -> tuple[dict, dict]:
    """Central values (cases,) and draws (cases, samples) of the check's names at its period.

    A name with a value per period needs ``at``; a name with one value per case needs none.
    """
    axis = result.axis

    def varies(n) -> bool:          # an input without a time pattern is the same in every period
        c = axis.columns(result.central[n])
        same = np.array_equal(c, np.broadcast_to(c[:, :1], c.shape), equal_nan=True)
        return c.shape[-1] > 1 and not same

    names = check.that.names
    per = [n for n in names if n in result.central and n not in result.timeless and varies(n)]
    if per and check.at is None:
        raise CalcError(f"{check.where}: {', '.join(per)} has a value per period; say which with "
                        f"at: (e.g. at: {result.periods[-1]})")
    whole = [n for n in names if n in result.timeless]
    if whole and not per and check.at is not None:
        raise CalcError(f"{check.where}: at: {', '.join(whole)} has one value for the "
                        f"whole timeline, not one per period, so 'at: {check.at_text}' "
                        "does not apply; drop at:")
    col = 0 if check.at is None else check.at
    env, draws = {}, {}
    for n in dict.fromkeys(names):
        if n not in result.central:
            continue
        j = 0 if n in result.timeless else col
        env[n] = Q(axis.at(result.central[n], j), result.units[n])
        if n in result.draws:
            draws[n] = Q(axis.at(result.draws[n], j), result.units[n])
    return env, draws
