"""Numbers and quantities formatted for reading: 400,000 / 2,500 / 1.25 / 1.26e+28 / $38.0B."""

from __future__ import annotations

import math
import re


def number(x: float, digits: int = 4) -> str:
    """A number with ``digits`` significant figures; thousands separators below 1e9, e-notation
    beyond."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e9 or ax < 1e-3:
        return f"{x:.{digits - 1}e}"
    decimals = max(0, digits - 1 - int(math.floor(math.log10(ax))))
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


MONEY_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))   # [USD], suffix


MONEY_MAX = 999.5e12        # beyond $999T: scientific notation, never a 300-digit cell


def money(x: float, digits: int = 3) -> str:
    """Dollars as a reader writes them: $38.0B, $5.43B, $561M, $50.0k; $1.43e+308 beyond $999T."""
    if x is None or math.isnan(x):
        return "-"
    sign, a = ("-" if x < 0 else ""), abs(x)          # -$16.1B, as a reader writes it (not $-16.1B)
    if a >= MONEY_MAX:
        return f"{sign}${a:.{digits - 1}e}"
    # rounded first: 99.96B is $100B, 999.96M is $1.00B
    r = float(f"{a:.{digits}g}")
    for scale, suffix in MONEY_SCALES:
        if r >= scale:
            v = r / scale
            return f"{sign}${v:.{max(0, digits - 1 - int(math.log10(v)))}f}{suffix}"
    return f"{sign}${a:,.2f}"


def quantity(x: float, unit: str) -> str:
    """A value with its unit, money in $-notation: '400,000 chip', '$30.0B', '1.25'."""
    if unit == "USD":
        return money(x)
    if unit.startswith("USD/"):
        return f"{money(x)}/{unit[4:]}"
    return f"{number(x)} {unit}".rstrip()


def precise(x: float, unit: str = "") -> str:
    """A value as messages and labels quote it: six significant figures, no separators ('0.99',
    '1e+09 W')."""
    return f"{x:.6g} {unit}".rstrip()


def share(x: float, most: int = 2) -> str:
    """A share [1] as a percentage that never rounds to 100 % or 0 % unless it is exactly all or
    none: 1.0 -> '100 %', 0.997 -> '99.7 %', 0.9999 -> '99.99 %', 0.5 -> '50 %'; one more decimal
    until the text differs from 100 and 0, at most ``most`` decimals, then '>99.99 %' or
    '<0.01 %'."""
    if x is None or math.isnan(x):
        return "-"
    pct = 100.0 * x
    if pct >= 100.0 or pct <= 0.0:
        return f"{pct:.0f} %"
    for decimals in range(most + 1):
        text = f"{pct:.{decimals}f}"
        if float(text) not in (0.0, 100.0):
            return f"{text} %"
    return f">{100 - 10.0 ** -most:.{most}f} %" if pct > 50 else f"<{10.0 ** -most:.{most}f} %"


def wrap_cell(cell: str, width: int) -> list[str]:
    """``cell`` in lines of at most ``width`` characters, filled greedily: at spaces, and a word
    longer than the line after the underscores of an id ('openai_microsoft_' / '2023_01'), the
    dash of a range ('$20.0B–' / '$100B') or a hyphen ('cloud-' / 'contract')."""
    out = [""]
    for word in cell.split():
        pieces = [word] if len(word) <= width else re.findall(r"[^_–-]*[_–-]|[^_–-]+$", word)
        for i, p in enumerate(pieces):
            sep = " " if i == 0 and out[-1] else ""
            if out[-1] and len(out[-1]) + len(sep) + len(p) > width:
                out.append("")
                sep = ""
            out[-1] += sep + p
    # a piece still too long (no space, underscore or dash in it) is cut at the width
    return [ln[i:i + width] for ln in out for i in range(0, max(len(ln), 1), width)]
