"""The one unit registry, and the parser for the quantities people write.

``ureg`` is pint's default registry plus ``units.txt`` (USD, chip and FLOP as dimensions of their
own). Every module uses it; there is no second registry.

``parse_quantity`` reads what analysts write -- "2.2 GW", "$1.25B", "1.25 billion USD", "8e9 USD",
"200k chip", "80 USD/MWh", "$80/MWh", "25 %", "7 month" -- and refuses what plain pint gets wrong:
"$5" would lose its currency, "5 GB" would be gigabytes, "flops" would be a count of FLOP.
"""

from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pint

from calc import cache_dir
from calc.errors import CalcError

UNITS_FILE = Path(__file__).with_name("units.txt")


def _make_registry() -> pint.UnitRegistry:
    # pint's definition cache makes start-up ~10x faster; it lives in calc's checked cache folder
    # (calc.cache_dir), or is off where that folder fails its checks or CALC_NO_CACHE is set. pint
    # writes its files with the process's umask: while it does, the umask is 077, so they are the
    # user's alone (with a umask of 002 they would be group-writable, and the folder's check would
    # then turn the cache off on every later run). A kept file pint cannot read (truncated by a
    # full disk or a killed run) is removed and written afresh: pint would fail on it in every
    # later run (on units.txt's copy, calc stopped with an internal error).
    folder = cache_dir.pint_folder()
    umask = os.umask(0o077)
    try:
        try:
            reg = _registry(folder)
        except Exception:  # a damaged copy must never stop calc  # noqa: BLE001
            if folder is None:
                raise
            cache_dir.clear_pint()
            try:
                reg = _registry(folder)
            except Exception:  # nor an unwritable folder  # noqa: BLE001
                reg = _registry(None)
    finally:
        os.umask(umask)
    reg.formatter.default_format = "~"
    return reg


def _registry(folder: Path | None) -> pint.UnitRegistry:
    """pint's default registry and ``units.txt``; pint keeps its copies in ``folder`` (or none)."""
    reg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=folder)
    reg.load_definitions(str(UNITS_FILE))
    return reg


ureg = _make_registry()
pint.set_application_registry(ureg)     # quantities unpickled (the registry cache) belong to it
Quantity = ureg.Quantity
Unit = ureg.Unit

EXAMPLES = "'2.2 GW', '$1.25B', '1.25 billion USD', '200k chip', '80 USD/MWh', '25 %', '7 month'"

# Scale words people attach to numbers. B/bn/T/tn mean billion/trillion only beside a currency:
# elsewhere "B" is a byte and "T" a tesla.
SCALES = {
    "k": 1e3, "K": 1e3, "thousand": 1e3,
    "M": 1e6, "mn": 1e6, "million": 1e6,
    "B": 1e9, "bn": 1e9, "billion": 1e9,
    "T": 1e12, "tn": 1e12, "trillion": 1e12,
}
_MONEY_ONLY_SCALES = {"B", "bn", "T", "tn"}

# re.ASCII
_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?"
_QUANTITY_RE = re.compile(
    rf"^\s*(?P<cur>US\$|\$)?\s*(?P<num>{_NUMBER})\s*"
    rf"(?P<scale>{'|'.join(sorted(SCALES, key=len, reverse=True))})?(?![A-Za-z0-9_])\s*"
    rf"(?P<unit>.*?)\s*$", re.ASCII       # ASCII digits only: not '٣' or '２'
)
_FLOP_SPELLING = re.compile(r"(?i)^[kmgtpez]?flops?$")
_FLOP_OK = re.compile(r"^[kMGTPEZ]?FLOP$")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DATA_UNITS = re.compile(r"(?i)^[kmgtpe]?i?(b|byte|bytes|bit|bits)$")
_UNIT_TOKEN = re.compile(r"\*\*|\^|[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|\w+|\S", re.ASCII)
# largest |power| in a unit ('m**2'; pint would compute 'W**9**9**9' for ever), and largest
# |exponent| of '**' in a formula (calc.expr)
MAX_EXPONENT = 64
MAX_UNIT_TOKENS = 64  # names, numbers and operators in one unit (pint's parser recurses on them)
MAX_TEXT = 1000     # characters of one quantity as written


def _fail(text: str, why: str) -> CalcError:
    return CalcError(f"cannot read {text!r} as a quantity: {why}")


@lru_cache(maxsize=4096)
def parse_unit(unit: str, *, text: str | None = None) -> pint.Unit:
    """The pint unit for a unit expression such as ``"USD/MWh"`` or ``"TFLOP/s/chip"``.

    Refuses the spellings pint would silently misread (``flops``, ``GB``) with a hint.
    """
    text = unit if text is None else text
    if len(unit) > MAX_TEXT:        # pint's parser takes minutes on a 100 KB unit
        raise CalcError(f"cannot read the unit {unit[:40]!r}...: {len(unit):,} characters; a "
                        f"unit is at most {MAX_TEXT:,}")
    unit = re.sub(r"\s+per\s+", "/", unit.strip())
    for name in _IDENT.findall(unit):
        if _FLOP_SPELLING.match(name) and not _FLOP_OK.match(name):
            raise _fail(text, f"{name!r} is ambiguous (pint reads it as a count of "
                              "FLOP); write 'FLOP' for operations and 'FLOP/s' for a "
                              "rate, e.g. '989 TFLOP/s/chip'")
        if _DATA_UNITS.match(name) and name not in ("T",):
            raise _fail(text, f"{name!r} is a data size (bytes or bits), which calc does not use; "
                              "for money write '$5B' or '5 billion USD'")
    _check_powers(unit, text)
    try:
        parsed = ureg.parse_units(unit or "dimensionless")
    except pint.UndefinedUnitError as exc:          # calc's words, not pint's
        names = " ".join(map(repr, exc.unit_names)) or repr(unit)
        raise _fail(text, f"unknown unit {names}; expected forms like {EXAMPLES}") from None
    # pint's parser raises many types (ValueError, TokenError, ...): all are bad input
    except Exception:  # noqa: BLE001
        raise _fail(text, f"unknown unit {unit!r}; expected forms like {EXAMPLES}") from None
    _check_spaces(unit, text, parsed)
    if any(abs(power) > MAX_EXPONENT for _, power in parsed._units.items()):
        raise _fail(text, f"a unit power beyond {MAX_EXPONENT} ({parsed}); no "
                          "quantity calc uses needs one")
    try:                # 'kW**64' is 1e384 g**64 m**128 / s**192: no float holds its size
        ureg.get_root_units(parsed)
    except OverflowError:
        raise _fail(text, f"the unit {unit!r} is too large to convert (its size overflows a "
                          "float); no quantity calc uses needs one") from None
    return parsed


def _check_spaces(unit: str, text: str, parsed: pint.Unit) -> None:
    """Refuse a space that multiplies where a prefix was meant: pint reads 'G W' as G x W (the
    gravitational constant times watts) and 'k W' as Boltzmann's constant times watts. A space
    whose removal gives another unit (GW) is refused with that unit; 'W h' (= Wh) and 'billion
    USD' pass."""
    for gap in re.finditer(r"(?<=[A-Za-z])\s+(?=[A-Za-z])", unit):
        joined = unit[:gap.start()] + unit[gap.end():]
        try:
            other = ureg.parse_units(joined)
        except Exception:  # noqa: BLE001 -- no unit without the space: nothing was meant
            continue
        if ureg.get_root_units(other) != ureg.get_root_units(parsed):
            left = re.search(r"\w+$", unit[:gap.start()])[0]
            right = re.match(r"\w+", unit[gap.end():])[0]
            raise _fail(text, f"a space between two units multiplies them ({left!r} x "
                              f"{right!r}); did you mean {joined!r}?")


def _check_powers(unit: str, text: str) -> None:
    """Refuse powers pint would take for ever to compute: each must be one plain number up to
    ``MAX_EXPONENT`` (``m**2``, ``s**-1``), never a power of a power (``W**9**9**9``)."""
    tokens = _UNIT_TOKEN.findall(unit)
    if len(tokens) > MAX_UNIT_TOKENS:
        raise _fail(text, f"a unit of more than {MAX_UNIT_TOKENS} names and "
                          "operators; write a shorter unit")
    for i, tok in enumerate(tokens):
        if tok not in ("**", "^"):
            continue
        power = tokens[i + 1] if i + 1 < len(tokens) else ""
        try:
            ok = (power.isascii() and abs(float(power)) <= MAX_EXPONENT
                  and tokens[i + 2:i + 3] not in (["**"], ["^"]))
        except ValueError:
            ok = False
        if not ok:
            raise _fail(text, f"a unit power must be one number up to {MAX_EXPONENT}, as in "
                              "'m**2' or 's**-1' (no powers of powers such as 'W**9**9'), got "
                              f"{' '.join(tokens[i:i + 4])!r}")


def parse_quantity(text: str) -> pint.Quantity:
    """Read a quantity as people write it.

    >>> parse_quantity("$1.25B")
    <Quantity(1250000000.0, 'USD')>
    >>> parse_quantity("200k chip")
    <Quantity(200000.0, 'chip')>
    """
    if not isinstance(text, str):
        raise CalcError(
            f"cannot read {text!r} as a quantity: expected a string such as {EXAMPLES}"[:300])
    if len(text) > MAX_TEXT:
        raise _fail(f"{text[:40]}...", f"{len(text):,} characters; a quantity is "
                                       f"at most {MAX_TEXT:,}")
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        raise _fail(text, "write its digits as 0-9 (ASCII); other scripts' digits are not read")
    if re.fullmatch(r"\s*[-+]?\d+(?::[0-5]?\d)+(?:\.\d*)?\s*", text):
        raise _fail(text, "':' is not part of a number (YAML 1.1 would read this as a base-60 "
                          "number; calc reads YAML 1.2, where it is text); write the number you "
                          "mean in decimal digits")
    if text.strip().lower() in ("yes", "no", "on", "off", "y", "n", "true", "false"):
        raise _fail(text, "a yes/no word is not a quantity (calc reads YAML 1.2, where yes, no, "
                          f"on and off are text); expected a number and a unit, like {EXAMPLES}")
    if re.fullmatch(r"\s*[0-9]{4}-(?:[0-9]{1,2}(?:-[0-9]{1,2})?|[QH][0-9])\s*", text):
        raise _fail(text, "it is written as a date, and a date is not a quantity here; expected "
                          f"a number and a unit, like {EXAMPLES}")
    m = _QUANTITY_RE.match(text)
    if not m:
        if re.search(r"(?i)\b(nan|inf|infinity)\b", text):
            raise _fail(text, "not a finite number")
        raise _fail(text, f"expected a number and a unit, like {EXAMPLES}")
    cur, num, scale, unit = m["cur"], m["num"], m["scale"], m["unit"]
    if cur:
        if re.search(r"\b(USD|usd|US_dollar)\b", unit):
            raise _fail(text, "the currency is given twice; write '$5B' or '5 billion USD'")
        if unit and not unit.startswith("/"):
            raise _fail(text, f"after '{cur}<number>' only a scale and '/unit' may follow, got "
                              f"{unit!r}; write e.g. '$80/MWh' or '80 USD/MWh'")
        unit = "USD" + unit
    elif unit.startswith("/"):
        unit = "1" + unit           # '0.1/yr': a rate such as cost_of_capital
    value = float(num.replace(",", ""))
    if not math.isfinite(value):
        raise _fail(text, "not a finite number")
    if scale:
        if scale in _MONEY_ONLY_SCALES and not (cur or re.search(r"\bUSD\b", unit)):
            raise _fail(text, f"{scale!r} means billion/trillion only beside a currency; "
                              f"write '{num} billion <unit>' or '${num}{scale}'")
        value *= SCALES[scale]
    return Quantity(value, parse_unit(unit, text=text))


def Q(value, unit=None) -> pint.Quantity:
    """A quantity in calc's registry: ``Q("2.2 GW")``, ``Q(2.2, "GW")``, ``Q(0.25)``
    (dimensionless)."""
    if unit is not None and not isinstance(unit, pint.Unit):
        if not isinstance(unit, str):
            raise CalcError(f"cannot read the unit {unit!r}: expected a string such as 'GW'"[:300])
        unit = parse_unit(unit)
    if isinstance(value, pint.Quantity) or (isinstance(value, str) and unit is not None):
        given = ours(value) if isinstance(value, pint.Quantity) else parse_quantity(value)
        if unit is None:
            return given
        # Q("1 GW", "W") reads the text, then converts (not a quantity of the text in watts)
        where = f"calc.Q({str(value)[:100]!r}, {format_unit(unit) or '1'!r})"
        return check_dimension(where, given, unit).to(unit)
    if isinstance(value, (bytes, bytearray, memoryview, complex, dict, set)) or value is None:
        raise CalcError(f"cannot read {value!r} as a quantity: expected a number or a string "
                        f"such as {EXAMPLES}"[:300])
    if unit is not None:
        return Quantity(value, unit)
    if isinstance(value, str):
        return parse_quantity(value)
    if isinstance(value, bool):
        raise CalcError(f"cannot read {value!r} as a quantity: expected a number or a "
                        f"string such as {EXAMPLES}")
    return Quantity(value, ureg.dimensionless)


def quantity(value, unit=None) -> pint.Quantity:
    """``calc.Q``: ``Q`` for a value a person gives. True/False are not numbers, and NaN or
    infinity is no amount (``calc.Q("nan GW")`` is refused too): each is a CalcError, as is
    an array holding one."""
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, np.ndarray)
                                               and value.dtype == bool):
        raise CalcError(f"cannot read {value!r} as a quantity: True and False are not numbers; "
                        f"expected a number or a string such as {EXAMPLES}"[:300])
    q = Q(value, unit)
    mag = np.asarray(q.magnitude)
    if mag.dtype.kind == "O":       # a Python int beyond float's range, a Decimal, a Fraction
        try:
            as_float = mag.astype(float)
        except (OverflowError, TypeError, ValueError, ArithmeticError):
            shown = (f"an integer of {len(str(abs(value)))} digits" if isinstance(value, int)
                     else repr(value)[:100])
            raise CalcError(f"cannot read {shown} as a quantity: a number beyond "
                            f"the float range (about 1.8e308); expected a finite number") from None
        if not np.all(np.isfinite(as_float)):
            raise CalcError(f"cannot read {repr(value)[:100]} as a quantity: not a finite "
                            "number")
    if mag.dtype.kind in "fc" and not np.all(np.isfinite(mag)):
        shown = (repr(value) if mag.ndim == 0
                 else f"an array holding {float(mag[~np.isfinite(mag)][0])}")
        raise CalcError(f"cannot read {shown[:100]} as a quantity: not a finite number")
    return q


def ours(q: pint.Quantity) -> pint.Quantity:
    """``q`` if it belongs to calc's unit registry; a quantity of another pint registry is refused
    (its units may be defined differently: read by name, it could be misread)."""
    if q._REGISTRY is not ureg:
        raise CalcError(f"{q!r} comes from another pint unit registry; give a string such as "
                        "'1 GW' or calc.Q(1, 'GW') (calc's registry)"[:300])
    return q


# Physical dimensions by name, and the words for calc's own base dimensions (calc/units.txt).
_PHYSICAL = (("power", "[power]"), ("energy", "[energy]"), ("time", "[time]"),
             ("length", "[length]"), ("mass", "[mass]"), ("area", "[area]"), ("speed", "[speed]"),
             ("temperature", "[temperature]"))
_OWN = {"[currency]": "money", "[chip]": "chip", "[compute]": "FLOP"}


def _times(words: list[str]) -> str:
    return " x ".join(words)


def dimension_text(unit) -> str:
    """The dimension of ``unit`` in words: ``power`` for GW, ``power per chip`` for W/chip,
    ``money per time`` for USD/yr, ``FLOP per time`` for FLOP/s, ``a plain number`` for 1."""
    if isinstance(unit, str):
        unit = parse_unit(unit)
    dim = dict(ureg.get_dimensionality(unit))
    if not dim:
        return "a plain number"
    up, down = [], []
    for base, word in _OWN.items():
        power = dim.pop(base, 0)
        if power:
            (up if power > 0 else down).append(word if abs(power) == 1
                                               else f"{word}^{abs(power):g}")
    if dim:
        physical = ureg.get_dimensionality("")
        for base, power in dim.items():
            physical = physical * ureg.get_dimensionality(base) ** power
        time = ureg.get_dimensionality("[time]")
        for name, ref in _PHYSICAL:
            ref = ureg.get_dimensionality(ref)
            if physical == ref:
                up.insert(0, name)
                break
            if physical == 1 / ref:
                down.insert(0, name)
                break
            if name != "time" and physical == ref / time:
                up.insert(0, name)
                down.insert(0, "time")
                break
        # no name for it: its base dimensions, e.g. mass x length per time
        else:
            for base, power in dim.items():
                word = base.strip("[]") + ("" if abs(power) == 1 else f"^{abs(power):g}")
                (up if power > 0 else down).append(word)
    text = _times(up)
    if not down:
        return text
    return f"{text} per {' per '.join(down)}" if up else f"per {' per '.join(down)}"


def described(unit) -> str:
    """A unit with its dimension in words: ``power per chip [W/chip]``; ``a plain number`` for 1."""
    shown = format_unit(unit)
    words = dimension_text(unit)
    return f"{words} [{shown}]" if shown else words


def format_unit(unit) -> str:
    """A unit as a header shows it: ``USD/yr``, ``W/chip``, ``FLOP/s``; '' for dimensionless."""
    u = unit if isinstance(unit, pint.Unit) else parse_unit(str(unit))
    if u == ureg.dimensionless:
        return ""
    text = f"{u:~}".replace(" ", "")
    text = re.sub(r"(?<![A-Za-z])a(?![A-Za-z])", "yr", text)
    # a scale word leads, as a literal writes it: 'billion USD', 'billion USD/yr'
    m = re.fullmatch(r"(.*?)\*?\b(thousand|million|billion|trillion)\b\*?(.*)", text)
    if m and "/" not in m[1] and m[0].count("thousand") + m[0].count("illion") == 1:
        rest = (m[1] + ("*" if m[1] and m[3] and not m[3].startswith("/") else "") + m[3])
        return f"{m[2]} {rest}".strip()
    return text


def check_dimension(name: str, quantity: pint.Quantity, expected: str | pint.Unit) -> pint.Quantity:
    """Return ``quantity`` if it has the dimension of ``expected``; else a CalcError naming
    ``name``.

    Unlike ``ureg.check``, the message names the argument, the expected unit and what was given.
    """
    exp = expected if isinstance(expected, pint.Unit) else parse_unit(expected)
    if not isinstance(quantity, pint.Quantity):
        quantity = Q(quantity)
    if quantity.dimensionality != exp.dimensionality:
        raise CalcError(f"{name}: expected {described(exp)}, got {described(quantity.units)}")
    return quantity
