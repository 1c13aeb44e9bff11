"""Plausibility: inputs outside where their quantity usually lies, as findings (not errors).

The glossary may give a quantity ``typical: [low, high]`` (``calc.glossary.Typical``). A growth
rate typed ``5`` instead of ``5 %`` is not impossible, so its bounds let it through; here it
becomes a finding of kind ``unusual``, worded
"arr_growth_per_month = 500 %/month is outside the typical 0-30 %/month", with "written as 5;
for 5 % write `5 %`" where a plain number of 1 or more was given for a quantity shown in %.
A range whose central value lies inside but an end outside gets a ``note``. A solve bracket with
an end more than 10x beyond the typical range gets the finding too (``bracket_findings``).
"""

from __future__ import annotations

import numpy as np

from calc.findings import NOTE, UNUSUAL, Finding
from calc.glossary import Typical, glossary, shown_unit, typical_of
from calc.format import precise
from calc.units import Q, format_unit, parse_unit
from calc.values import Case, Value, percent_hint, plain_number


def input_findings(cases: list[Case], leaves: tuple) -> list[Finding]:
    """One finding per case and given input (``leaves``: per case, name -> Value) lying outside its
    quantity's typical range; a sweep gives one per input, at its point furthest outside."""
    out = []
    for case, given in zip(cases, leaves):
        for name, v in given.items():
            typical = typical_of(name)
            found = None if typical is None else _finding(name, v, typical, case)
            if found is not None:
                out.append(found)
    return out


def bracket_findings(spec: dict) -> list[Finding]:
    """A finding for each end of a solve bracket (``spec["between"]``, as ``parse_solve`` gives it)
    more than 10x beyond the solved input's typical range: `--between 0 50` for a rate in %."""
    name = spec["for"]
    typical = typical_of(name)
    if typical is None:
        return []
    unit = parse_unit(glossary()[name]["unit"])
    written = spec.get("text", {}).get("between") or [None, None]
    shown = "[" + ", ".join(str(w) for w in written) + "]"
    out = []
    for end, text in zip(spec["between"], written):
        x = float(end.to(unit).magnitude)
        if bool(typical.far(x)):
            words = (f"{_is_outside(name, x)} (an end of the solve bracket {shown})"
                     + percent_hint(name, plain_number(text)))
            out.append(Finding(UNUSUAL, name, "", {}, x, _unit(name), text=words))
    return out


def _finding(name: str, v: Value, typical: Typical, case: Case) -> Finding | None:
    unit = parse_unit(glossary()[name]["unit"])
    try:
        mag = np.asarray(v.central.to(unit).magnitude, dtype=float)
    except Exception:  # noqa: BLE001 -- another dimension is refused where the value is read
        return None
    if mag.ndim == 0:                   # a point, or a range by its central value, then its ends
        x = float(mag)
        if bool(typical.outside(x)):
            words = _is_outside(name, x) + percent_hint(name, *v.written)
            return _made(UNUSUAL, name, case, x, words)
        if not v.is_uncertain:
            return None
        to_unit = float(Q(1, v.central.units).to(unit).magnitude)
        ends = np.array([v.dist.low, v.dist.high]) * to_unit
        if not typical.outside(ends).any():
            return None
        return _made(NOTE, name, case, x, _reaches(name, ends) + percent_hint(name, *v.written))
    flat = mag.reshape(-1)
    bad = typical.outside(flat)
    if not bad.any():
        return None
    k = int(np.argmax(np.maximum(typical.low - flat, flat - typical.high)))
    swept = v.origin == "sweep" and flat.size == case.size
    point = case.point(k) if swept else {}
    label = point.get(name) if swept else None
    return _made(UNUSUAL, name, case, float(flat[k]), _is_outside(name, float(flat[k]))
                 + percent_hint(name, plain_number(label)), point, int(bad.sum()) if swept else 1,
                 flat.size if swept else 1)


def _made(kind: str, name: str, case: Case, x: float, text: str, point=None, points: int = 1,
          of: int = 1) -> Finding:
    return Finding(kind, name, case.variant, point or {}, x, _unit(name), points=points, of=of,
                   text=text)


def _unit(name: str) -> str:
    """The glossary unit as a finding's ``unit`` gives it ('' for a plain number)."""
    return format_unit(parse_unit(glossary()[name]["unit"]))


def _factor(name: str) -> float:
    """Display value = factor x value in the glossary unit (100 for a fraction shown in %)."""
    entry = glossary()[name]
    if not entry["display"]:
        return 1.0
    return float(Q(1, parse_unit(entry["unit"])).to(parse_unit(entry["display"])).magnitude)


def typical_text(name: str) -> str:
    """'0-30 %/month', '1-2', '-5 to 30 %': ``name``'s typical range in the unit findings use."""
    t, f, unit = typical_of(name), _factor(name), shown_unit(name)
    lo, hi = precise(t.low * f), precise(t.high * f)
    return f"{lo} to {hi} {unit}".rstrip() if t.low < 0 else f"{lo}-{hi} {unit}".rstrip()


def _is_outside(name: str, x: float) -> str:
    """'arr_growth_per_month = 500 %/month is outside the typical 0-30 %/month'."""
    return (f"{name} = {precise(x * _factor(name), shown_unit(name))} is outside the typical "
            f"{typical_text(name)}")


def _reaches(name: str, ends) -> str:
    """'mfu = 1 to 80 % reaches outside the typical 5-75 %': a range with an end outside."""
    f = _factor(name)
    return (f"{name} = {precise(ends[0] * f)} to {precise(ends[1] * f, shown_unit(name))} reaches "
            f"outside the typical {typical_text(name)}")
