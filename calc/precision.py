"""Precision: a peak compute of one number format combined with an MFU measured against another.

A peak-compute figure names its precision (``bf16``, ``fp8``, ``fp4``) and an MFU figure the
peak it is measured against (registry ``precision``). A run whose given peak (the catalogue's
``peak_flops_per_chip``, or ``peak_compute``) and ``mfu`` come from figures of different
precisions gets a finding of kind ``precision`` naming both and the factor between their peaks
(FP8 peak is about 2x BF16): ``compute_per_year`` is then off by about that factor. A value typed
in a scenario carries no precision, so it is never compared.
"""

from __future__ import annotations

from calc.findings import PRECISION, Finding
from calc.registry import Registry
from calc.registry.data import FIGURE_PRECISIONS
from calc.values import Case

PEAKS = ("peak_flops_per_chip", "peak_compute")


def precision_findings(cases: list[Case], leaves: tuple, reg: Registry) -> list[Finding]:
    """One finding per case whose given peak and ``mfu`` (``leaves``: per case, name -> Value) are
    figures of different precisions."""
    out = []
    for case, given in zip(cases, leaves):
        mfu = _figure(given.get("mfu"), reg)
        peak = next((p for p in (_figure(given.get(n), reg) for n in PEAKS) if p), None)
        if mfu is None or peak is None or mfu.precision == peak.precision:
            continue
        out.append(Finding(PRECISION, "mfu", case.variant, text=_words(peak, mfu)))
    return out


def _figure(value, reg: Registry):
    """The registry figure a given Value came from, if it names a precision."""
    fid = getattr(value, "figure", None)
    fig = reg.figures.get(fid) if fid else None
    return fig if fig is not None and fig.precision else None


def _words(peak, mfu) -> str:
    """'mfu (mfu_large_bf16_training) is measured against BF16 peak, but the peak compute ...'."""
    p, m = peak.precision, mfu.precision
    ratio = FIGURE_PRECISIONS[p] / FIGURE_PRECISIONS[m]
    hi, lo = (p, m) if ratio >= 1 else (m, p)
    factor = max(ratio, 1 / ratio)
    way = "high" if ratio > 1 else "low"
    p, m, hi, lo = p.upper(), m.upper(), hi.upper(), lo.upper()
    return (f"mfu ({mfu.id}) is measured against {m} peak, but the peak compute ({peak.id}) is "
            f"{p} peak: {hi} peak is about {factor:g}x {lo}, so compute_per_year is about "
            f"{factor:g}x too {way}; use an MFU measured against {p} peak or the {m} peak")
