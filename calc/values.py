"""What a user wrote, made a value: the one constructor, with the glossary's units and bounds.

Every way a value comes in -- a scenario file, ``--set``, a sweep, ``calc.evaluate``, a registry
figure -- goes through ``value`` (or ``range_value`` for a range), which refuses NaN, infinity,
the wrong dimension and anything outside the quantity's bounds (``data/quantities.yaml``) with a
``CalcError`` naming the quantity, the value and the bound. A range becomes a distribution by one
rule (``range_value``): a 90 % interval, lognormal when both ends are positive, else normal,
truncated at the quantity's bounds.

The input types of a run live here too: ``Value`` (one name's value and provenance), ``Axis`` (a
sweep dimension), ``Case`` (a variant, holding its sweep grid as arrays) and ``Rows`` (the rows
of a run: variant x sweep point, built on demand).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field

import numpy as np
import pint

from calc import dates
from calc.errors import CalcError
from calc.glossary import bound_problem, bounds_of, glossary, unit_of
from calc.format import money, precise
from calc.models import Formula
from calc.models.commitments import spread_excel
from calc.periods import Timeline
from calc.registry import Figure, registry
from calc.suggest import did_you_mean
from calc.uncertainty import DISTS, Dist
from calc.units import Q, check_dimension, format_unit, parse_quantity, parse_unit

# The limits of one run, the same for the command line and the library.
MAX_CASES = 1_000_000               # variants x sweep points
# one row's samples form one chunk: exact quantiles, bounded memory
MAX_SAMPLES = 2_000_000
MAX_VALUES = 2_000_000_000          # cases x samples: beyond this a run is refused with its size
MAX_SEED = 2**63 - 1
# rows of output (cases x quantities x periods): each costs ~10 KB
MAX_ROWS = 50_000
FORMS = "'1 GW', '$1.25B', '200k chip', a plain number, [low, high], or a figure id"
_FIGURE_ID = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_PLAIN = re.compile(r"\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*")


def plain_number(given) -> float | None:
    """``given`` if it is a plain number without a unit (5, 0.05, '5'), else None: a share or rate
    written so is a fraction, and 5 may have meant 5 %."""
    if isinstance(given, bool):
        return None
    if isinstance(given, numbers.Real):
        return float(given)
    if isinstance(given, str) and _PLAIN.fullmatch(given):
        return float(given)
    return None


def _written(*given) -> tuple:
    return tuple(x for x in map(plain_number, given) if x is not None)


def percent_hint(name: str, *written) -> str:
    """'; written as 5; for 5 % write `5 %`' where a plain number of 1 or more (``written``: plain
    numbers or None) was given for a quantity shown in % (a growth rate, a share); else ''. The
    unit written is the one the quantity shows: `5 %/yr` for a rate per year (interest_rate)."""
    entry = glossary().get(name)
    display = str(entry.get("display") or "") if entry is not None else ""
    if not display.startswith("%"):
        return ""
    big = [x for x in written if x is not None and x >= 1]
    if not big:
        return ""
    return f"; written as {big[0]:g}; for {big[0]:g} {display} write `{big[0]:g} {display}`"


def rate_hint(name: str, q) -> str:
    """'; interest_rate is a rate per year: write `5 %/yr`' where a percentage (``q``, a
    dimensionless quantity) was given for a quantity shown in % per a time; else ''."""
    entry = glossary().get(name)
    display = str(entry.get("display") or "") if entry is not None else ""
    if not display.startswith("%/") or not q.dimensionless:
        return ""
    amount = precise(float(q.to("percent").magnitude))
    per = {"yr": "year", "month": "month"}.get(display[2:], display[2:])
    return f"; {name} is a rate per {per}: write `{amount} {display}`"


def _hinted(name: str, given, where: str) -> pint.Quantity:
    """``checked(name, to_quantity(given))``, a refusal of a plain number for a % quantity saying
    how to write the percentage ('mfu = 40 is out of bounds ...; for 40 % write `40 %`')."""
    q = to_quantity(given, where)
    try:
        return checked(name, q, where)
    except CalcError as exc:
        hint = percent_hint(name, plain_number(given)) or rate_hint(name, q)
        if not hint:
            raise
        raise CalcError(str(exc) + hint) from None


@dataclass(frozen=True)
class Value:
    """A value for one name, with its provenance: a point, or a distribution over a range."""

    central: pint.Quantity
    dist: Dist | None = None          # magnitudes in ``central``'s unit
    sources: tuple[str, ...] = ()
    # input | accelerator <id> | default | figure | sweep | set on the command line
    origin: str = "input"
    figure: str | None = None
    note: str | None = None
    summary: str | None = None        # one line standing for a long note in tables
    written: tuple = ()               # the plain numbers (no unit) a user wrote for it, as written

    @property
    def is_uncertain(self) -> bool:
        return self.dist is not None and self.dist.low != self.dist.high

    def describe(self) -> str:
        """'1.25', '[1.1, 1.4]', '1e+09 W': the value as written back in messages and tables."""
        unit = format_unit(self.central.units)
        if self.dist is not None:
            return f"[{precise(self.dist.low)}, {precise(self.dist.high)}] {unit}".rstrip()
        return precise(float(self.central.magnitude), unit)


@dataclass(frozen=True)
class Axis:
    """One sweep dimension: a name and its values (a 1-D quantity array), with labels as written."""

    name: str
    values: pint.Quantity
    labels: tuple | None = None

    def __len__(self) -> int:
        return int(np.size(self.values.magnitude))

    def label(self, j: int):
        if self.labels is not None:
            return self.labels[j]
        return precise(float(self.values.magnitude[j]), format_unit(self.values.units))


@dataclass
class Case:
    """One variant. With sweep ``axes`` it stands for every grid point (its rows): swept inputs are
    array Values over the flattened grid, so a sweep is evaluated as arrays, never point by
    point."""

    variant: str = "base"
    values: dict = field(default_factory=dict)         # name -> Value (the scenario's inputs)
    accelerator: str | None = None
    # quantity -> formula name (alternative shapes)
    models: dict = field(default_factory=dict)
    axes: tuple = ()                                   # sweep Axis objects, grid in this order

    @property
    def size(self) -> int:
        return math.prod(len(a) for a in self.axes)

    def point(self, k: int) -> dict:
        """The sweep point of row ``k``: name -> value as written."""
        if not self.axes:
            return {}
        idx = np.unravel_index(k, tuple(len(a) for a in self.axes))
        return {a.name: a.label(int(j)) for a, j in zip(self.axes, idx)}


@dataclass(frozen=True)
class Row:
    """One row of a result: a variant at a sweep point (``case``/``k`` locate it)."""

    variant: str
    point: dict
    case: int
    k: int


class Rows:
    """The rows of a run, built on demand: a 10,000-point sweep holds 10,000 rows, not 10,000
    objects."""

    def __init__(self, cases: list[Case]):
        self.cases = cases
        self.offsets = np.cumsum([0] + [c.size for c in cases])

    def __len__(self) -> int:
        return int(self.offsets[-1])

    def locate(self, i: int) -> tuple[int, int]:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        c = int(np.searchsorted(self.offsets, i, side="right") - 1)
        return c, i - int(self.offsets[c])

    def __getitem__(self, i: int) -> Row:
        c, k = self.locate(i)
        case = self.cases[c]
        return Row(case.variant, case.point(k), c, k)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


# -- the one constructor -------------------------------------------------------------------------

def _at(where: str, text: str) -> CalcError:
    return CalcError(f"{where}: {text}" if where else text)


def to_quantity(given, where: str = "") -> pint.Quantity:
    """A finite quantity from what a user wrote: a string with a unit, a plain number, or a
    Quantity."""
    if isinstance(given, pint.Quantity):
        if np.ndim(given.magnitude) != 0:
            raise _at(where, f"expected one value, got an array of {np.size(given.magnitude)}; "
                             "use a sweep for several values")
        try:
            q = Q(given)
        except CalcError as exc:
            raise _at(where, str(exc)) from None
    elif isinstance(given, bool) or given is None or not isinstance(given, (str, numbers.Real)):
        raise _at(where, f"expected a quantity like '1 GW' or a number, got {given!r}"[:200])
    elif isinstance(given, str):
        try:
            q = parse_quantity(given)
        except CalcError as exc:
            raise _at(where, str(exc)) from None
    else:
        q = Q(given if isinstance(given, numbers.Integral) else float(given))
    try:
        mag = float(q.magnitude)
    except OverflowError:
        raise _at(where, f"the number {str(int(q.magnitude))[:20]}... is too large for calc to "
                         "compute with (the largest number is about 1.8e308)") from None
    except (TypeError, ValueError):
        raise _at(where, f"expected a number, got {q.magnitude!r}"[:200]) from None
    if not math.isfinite(mag):
        raise _at(where, f"{mag!r} is not a finite number")
    return q if isinstance(q.magnitude, float) else Q(mag, q.units)


def checked(name: str, q: pint.Quantity, where: str = "") -> pint.Quantity:
    """``q`` if it can be ``name``: the glossary's dimension, finite in its unit, inside its
    bounds."""
    unit = unit_of(name)
    if unit is None:
        return q
    try:
        check_dimension(name, q, unit)
    except CalcError as exc:
        raise _at(where, str(exc)) from None
    with np.errstate(all="ignore"):     # 1e308 TW is finite, but not in GW
        if not np.all(np.isfinite(np.asarray(q.to(parse_unit(unit)).magnitude, dtype=float))):
            raise _at(where, f"{name} is too large to compute with in {unit}")
    problem = bound_problem(name, q)
    if problem:
        raise _at(where, problem)
    return q


def value(name: str, given, *, where: str = "", origin: str = "input", sources=("assumption",),
          note: str | None = None, reg=None, figures: bool = True) -> Value:
    """The Value of ``name`` from what a user wrote, checked against the quantity's unit and bounds.

    ``given`` is a string with a unit (``"1 GW"``, ``"$1.25B"``), a plain number, a pint Quantity, a
    ``[low, high]`` range (a 90 % interval), a registry figure id or ``Figure``, a mapping in the
    scenario form (``{value: ...}``, ``{range: [...]}``, ``{dist: ..., low: ..., high: ...}``,
    ``{figure: ...}``), or a ``Value`` (checked again). ``where`` starts every message. ``figures``
    False reads a string as a quantity only (a scenario's ``value:`` is never a figure id).
    """
    if isinstance(given, Value):
        checked(name, given.central, where)
        if given.dist is not None:
            for end in (given.dist.low, given.dist.high):
                checked(name, Q(end, given.central.units), where)
        return given
    if isinstance(given, Figure):
        return figure_value(given.id, origin, reg, name=name, where=where)
    if isinstance(given, dict):
        return spec_value(name, given, where=where, origin=origin, sources=sources, note=note,
                          reg=reg)
    if isinstance(given, (list, tuple)):
        if len(given) != 2:
            raise _at(where, f"a range is [low, high], got {given!r}"[:200])
        return range_value(name, given[0], given[1], where=where, origin=origin, sources=sources,
                           note=note)
    if figures and isinstance(given, str) and _FIGURE_ID.match(given.strip()):
        reg = reg or registry()
        if given.strip() in reg.figures:
            return figure_value(given.strip(), origin, reg, name=name, where=where)
        hint = did_you_mean(given, reg.figures)
        if hint:
            raise _at(where, f"cannot read {given!r}: not a quantity and not a figure "
                             f"id{hint}; expected {FORMS}")
    return Value(central=_hinted(name, given, where), sources=tuple(sources), origin=origin,
                 note=note, written=_written(given))


def literal(name: str, text, where: str = "", origin: str = "input", sources=("assumption",),
            note: str | None = None) -> Value:
    """A literal as a file writes it (a string with a unit, or a bare number) as a point Value:
    never a list or a figure id (a file says ``{figure: id}`` for those)."""
    if isinstance(text, (list, tuple, dict)):
        raise _at(where, f"expected a quantity like '1 GW' or a number, got {text!r}"[:200])
    return value(name, text, where=where, origin=origin, sources=sources, note=note, figures=False)


def spec_value(name: str, spec: dict, *, where: str = "", origin: str = "input",
               sources=("assumption",), note: str | None = None, reg=None) -> Value:
    """A Value from the scenario form: exactly one of ``figure``, ``value``, ``range`` or
    ``dist``."""
    forms = [k for k in ("figure", "value", "range", "dist") if k in spec]
    if len(forms) != 1:
        raise _at(where, "give exactly one of 'figure', 'value', 'range' or 'dist' "
                         f"(got {', '.join(forms) or 'none'})")
    note = spec.get("note", note)
    if "figure" in spec:
        reg = reg or registry()
        fid = spec["figure"]
        if not isinstance(fid, str) or fid not in reg.figures:
            raise _at(where, f"unknown figure id {fid!r}{did_you_mean(fid, reg.figures)}; "
                             "`calc figures` lists them")
        return figure_value(fid, origin, reg, name=name, where=where)
    if "value" in spec:
        if isinstance(spec["value"], (list, tuple, dict)):
            raise _at(where, f"expected a quantity like '1 GW' or a number, got {spec['value']!r}; "
                             "a range is written {range: [low, high]}"[:200])
        return value(name, spec["value"], where=where, origin=origin, sources=sources, note=note,
                     figures=False)
    if "range" in spec:
        rng = spec["range"]
        if not isinstance(rng, list) or len(rng) != 2:
            raise _at(where, f"a range is [low, high], got {rng!r}"[:200])
        return range_value(name, rng[0], rng[1], where=where, origin=origin, sources=sources,
                           note=note)
    kind = spec.get("dist")
    if kind not in DISTS:
        raise _at(where, f"dist {kind!r} is not one of "
                         f"{', '.join(DISTS)}{did_you_mean(kind, DISTS)}")
    for k in ("low", "high") + (("mode",) if kind in ("triangular", "pert") else ()):
        if k not in spec:
            raise _at(where, f"a {kind} distribution needs {k!r}")
    return range_value(name, spec["low"], spec["high"], kind=kind, mode=spec.get("mode"),
                       where=where, origin=origin, sources=sources, note=note)


def range_value(name: str, low, high, *, kind: str | None = None, mode=None, where: str = "",
                origin: str = "input", sources=("assumption",), note: str | None = None) -> Value:
    """The one range-to-distribution rule.

    ``[low, high]`` is a 90 % interval: lognormal when both ends are positive, else normal, unless
    ``kind`` names another shape. Both ends must lie inside the quantity's bounds; draws beyond the
    bounds are redrawn (``Dist.lower``/``upper``), so the central value -- the geometric mean of a
    positive range, else the midpoint -- does not move.
    """
    lo_q, hi_q = (_hinted(name, x, where) for x in (low, high))
    mode_q = None if mode is None else checked(name, to_quantity(mode, where), where)
    try:
        hi_q = hi_q.to(lo_q.units)
        mode_q = None if mode_q is None else mode_q.to(lo_q.units)
    except pint.errors.DimensionalityError:
        raise _at(where, f"low and high differ in dimension: {format_unit(lo_q.units)} vs "
                         f"{format_unit(hi_q.units)}") from None
    lo, hi = float(lo_q.magnitude), float(hi_q.magnitude)
    if lo > hi:
        raise _at(where, f"low {precise(lo)} is greater than high {precise(hi)}; write [low, high]")
    lower, upper = _bounds_in(name, lo_q.units)
    try:
        dist = Dist(kind or ("lognormal" if lo > 0 else "normal"), lo, hi,
                    None if mode_q is None else float(mode_q.magnitude), lower, upper)
    except CalcError as exc:
        raise _at(where, str(exc)) from None
    return Value(central=Q(dist.central, lo_q.units), dist=dist, sources=tuple(sources),
                 origin=origin, note=note, written=_written(low, high))


def _bounds_in(name: str, unit) -> tuple[float, float]:
    """``name``'s bounds as magnitudes in ``unit``."""
    b = bounds_of(name)
    if b.unbounded:
        return -math.inf, math.inf
    factor = float(Q(1, parse_unit(unit_of(name))).to(unit).magnitude)
    return b.low * factor, b.high * factor


def figure_value(fid: str, origin: str, reg=None, name: str | None = None,
                 where: str = "") -> Value:
    """The Value of a registry figure feeding ``name``: checked against ``name``'s unit and bounds;
    a range becomes a distribution by ``range_value``'s rule."""
    reg = reg or registry()
    cache = reg.__dict__.setdefault("_value_cache", {})
    key = (fid, origin, name)
    if key in cache:
        return cache[key]
    fig = reg.figure(fid)
    label = f"{where}: figure {fid}" if where else f"figure {fid}"
    sources, quantity_name = tuple(reg.figure_sources(fid)), name or fig.quantity or ""
    if fig.is_range:
        out = range_value(quantity_name, fig.low, fig.high, where=label, origin=origin,
                          sources=sources)
        out = Value(central=fig.value, dist=out.dist, sources=sources, origin=origin, figure=fid,
                    note=fig.note)
    else:
        out = Value(central=checked(quantity_name, fig.value, label), sources=sources,
                    origin=origin, figure=fid, note=fig.note)
    cache[key] = out
    return out


# -- the size of a run ---------------------------------------------------------------------------

def samples_count(samples, where: str = "samples") -> int:
    """``samples`` if it is a whole number from 0 to MAX_SAMPLES."""
    if (isinstance(samples, bool) or not isinstance(samples, numbers.Integral)
            or not 0 <= samples <= MAX_SAMPLES):
        raise CalcError(f"{where}: expected a whole number from 0 to {MAX_SAMPLES:,}, "
                        f"got {samples!r}"[:200])
    return int(samples)


def seed_number(seed, where: str = "seed") -> int | None:
    """``seed`` if it is None or a whole number from 0 to 2**63 - 1."""
    if seed is None:
        return None
    if (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
            or not 0 <= seed <= MAX_SEED):
        raise CalcError(
            f"{where}: expected a whole number from 0 to {MAX_SEED:,}, got {seed!r}"[:200])
    return int(seed)


def run_size(n_cases: int, samples: int, where: str = "") -> None:
    """Refuse a run of more than MAX_CASES cases or MAX_VALUES values per quantity, before building
    it."""
    size = n_cases * max(1, samples)
    if n_cases > MAX_CASES:                      # name the limit that was hit, not another one
        raise _at(where, f"{n_cases:,} cases (variants x sweep points) is more than calc evaluates "
                         f"({MAX_CASES:,} cases); use fewer variants or sweep points")
    if size > MAX_VALUES:
        raise _at(where, f"{n_cases:,} cases x {max(1, samples):,} samples = {size:,} values per "
                         f"quantity is more than calc evaluates ({MAX_VALUES:,} values); use "
                         "fewer sweep points or samples")


def rows_size(n_cases: int, n_names: int, n_periods: int = 1, where: str = "") -> None:
    """Refuse output of more than MAX_ROWS rows (cases x shown quantities x periods), before any is
    built: every format is built from these rows, at about 10 KB of memory each."""
    n = n_cases * max(1, n_names) * max(1, n_periods)
    if n > MAX_ROWS:
        periods = f" x {n_periods:,} periods" if n_periods > 1 else ""
        raise _at(where, f"{n_cases:,} cases x {n_names:,} quantities{periods} = {n:,} rows of "
                         f"output is more than calc writes ({MAX_ROWS:,} rows); use fewer sweep "
                         "points, variants or outputs (in Python, calc.load(...).run() keeps "
                         "every case as arrays: res.central)")


def checks_size(n_cases: int, n_checks: int, where: str = "") -> None:
    """Refuse more than MAX_ROWS check results (cases x checks, each a result of its own), before
    any is built."""
    n = n_cases * n_checks
    if n > MAX_ROWS:
        raise _at(where, f"{n_cases:,} cases x {n_checks:,} checks = {n:,} check results is "
                         f"more than calc tests ({MAX_ROWS:,}); use fewer sweep points or "
                         "variants, or fewer checks")


# -- the period axis -------------------------------------------------------------------------------

PER_PERIOD = ("timeline", "over_time")       # Value.origin of a leaf that varies by period
TIMELESS = ("funding_need", "break_even", "shortfall", "cash_out")    # one value per case
DATE_OUTPUTS = ("break_even", "cash_out")    # outputs that are dates (decimal years; null: never)
DATE_INPUTS = ("arr_as_of",)                 # inputs whose value is a date
DATES = DATE_OUTPUTS + DATE_INPUTS           # a target or bracket may be written as a date
# samples x periods of a row (one chunk: 160 MB an array)
MAX_ROW_VALUES = 20_000_000
# values one row holds at once over every name its plan computes (a row is never split): 960 MB
# of arrays. 1,200 months x 16,000 samples x 14 computed names (8 derives) peaked at 3.5 GB;
# 7,000 samples, just under this bound, at 1.6 GB.
MAX_PLAN_VALUES = 120_000_000


@dataclass(frozen=True)
class PeriodAxis:
    """The period axis of a run: a timeline's periods, or one period without a timeline (no labels).

    With a timeline it also holds what the timeline adds to a run: each commitment's spread over the
    periods (``spreads``, described in ``spread_text``), series inputs and the commitments' terms.
    Without one, arrays keep their shape ``(rows, draws)`` (a period axis of length 1 left implicit,
    which keeps the plain Monte Carlo and sweep paths as fast as they were); with one they are
    ``(rows, draws, periods)``. Only this class looks at which it is.
    """

    timeline: Timeline | None = None
    spreads: dict = field(default_factory=dict)      # amount name -> models.commitments.Spread
    spread_text: dict = field(default_factory=dict)  # amount name -> how it is spread, for formulas
    series: dict = field(default_factory=dict)       # input name -> Value, central (periods,)
    terms: dict = field(default_factory=dict)        # amount name -> the input holding its term
    raises: dict | None = None                       # financing: raise input -> (periods,) 0/1
    capacity: dict = field(default_factory=dict)     # amount name -> CapacityCommitment
    amounts: dict = field(default_factory=dict)      # name -> Formula: amount, capacity, price
    notes: list = field(default_factory=list)        # what reading the dates changed (a day)

    @property
    def count(self) -> int:
        """How many periods (1 without a timeline)."""
        return 1 if self.timeline is None else self.timeline.count

    @property
    def labels(self) -> tuple[str, ...]:
        """The period labels ('2026', '2026-Q1', '2026-01'); () without a timeline."""
        return () if self.timeline is None else self.timeline.labels

    @property
    def step(self) -> int | None:
        """Months per period (12, 3 or 1); None without a timeline (dates print as decimal years
        there, not as periods)."""
        return None if self.timeline is None else self.timeline.step

    @property
    def implicit(self) -> bool:
        """True when arrays carry no period dimension (no timeline: one period, left implicit)."""
        return self.timeline is None

    def decimal_years(self, which: str = "start") -> np.ndarray:
        """Period starts (or ends) as decimal years [yr]; empty without a timeline."""
        return np.empty(0) if self.timeline is None else self.timeline.decimal_years(which)

    def label(self, month: int) -> str:
        """The label of the period starting at month index ``month``."""
        return self.timeline.label(month)

    def index_of(self, at, where: str) -> int:
        """The period a date names (``at: 2030``); a CalcError without a timeline."""
        if self.timeline is None:
            raise CalcError(f"{where}: {at} names a period, but the scenario "
                            "has no timeline; drop it")
        return self.timeline.index_of(at, where)

    def date_text(self, x) -> str:
        """A decimal year [yr] as a date, a period's start as its label ('2028', '2028-Q2';
        '2028-06' inside a yearly period); None or NaN: 'never'."""
        return dates.year_text(x, None if self.timeline is None else self.timeline.step)

    # -- what the engine asks of it ---------------------------------------------------------------
    def period_values(self) -> dict:
        """``period_start`` and ``period_end`` as per-period Values [yr] (none without periods)."""
        if self.timeline is None:
            return {}
        tl = self.timeline
        return {"period_start": Value(central=Q(tl.decimal_years("start"), "yr"), origin="timeline",
                                      note="the start of each period"),
                "period_end": Value(central=Q(tl.decimal_years("end"), "yr"), origin="timeline",
                                    note="the end of each period")}

    def formulas(self) -> dict:
        """``commitment_spend`` from the commitments' amounts, when the scenario has any, and
        ``raises`` with financing."""
        out = {} if self.raises is None else {"raises": self.raises_formula()}
        if not self.spreads and not self.capacity:
            return out
        names = tuple(self.spreads)
        weights = {n: self.spreads[n].weights for n in names}
        caps = tuple(self.capacity.values())

        def commitment_spend(**kw):
            total = 0.0
            for n in names:
                total = total + np.asarray(kw[n].m_as("USD"), dtype=float) * weights[n]
            for c in caps:
                total = total + c.spend(kw[c.capacity], kw[c.price])
            return Q(total, "USD")

        text = " + ".join([f"{n} x {self.spread_text[n]}" for n in names]
                          + [c.text for c in caps])
        terms = tuple(self.terms[n] for n in names if n in self.terms)   # lineage, not arithmetic
        priced = tuple(dict.fromkeys(i for c in caps for i in (c.capacity, c.price)))
        excel = "+".join([spread_excel(n, self.spreads[n], self.terms.get(n)) for n in names]
                         + [c.excel() for c in caps])
        out["commitment_spend"] = Formula(
            name="commitments", output="commitment_spend", inputs=names + terms + priced,
            text=text, func=commitment_spend, excel=excel)
        out.update(self.amounts)
        for n, c in self.capacity.items():      # <name>_commitment: the spend inside the timeline
            out[n] = Formula(name=n, output=n, inputs=(c.capacity, c.price),
                             text=f"the sum over the periods of {c.text}", func=c.total,
                             excel=f"SUMPRODUCT({c.excel(row=True)})")
        return out

    def raises_formula(self) -> Formula:
        """``raises``: each financing raise in the period that contains its date (0 without)."""
        names, hits = tuple(self.raises), dict(self.raises)

        def raises(period_start, **amounts):
            total = 0.0 * np.asarray(period_start.m_as("yr"), dtype=float)
            for n in names:
                total = total + np.asarray(amounts[n].m_as("USD"), dtype=float) * hits[n]
            return Q(total, "USD")

        at = {n: f"in {self.labels[int(np.argmax(w))]}" if w.sum() == 1 else "per period"
              for n, w in hits.items() if w.any()}          # from_ledger: a value per period
        text = " + ".join(f"{n} {at[n]}" for n in names if n in at) or "0 (no raises)"
        excel = "+".join(["0*{period_start}"] + [
            "{%s@USD}*{periods:%s}" % (n, ";".join(repr(float(x)) for x in hits[n]))
            for n in names if hits[n].any()])
        return Formula(name="financing_raises", output="raises", inputs=("period_start",) + names,
                       text=text, func=raises, excel=excel)

    def leaf(self, value: Value, stack, unit, z=None, masked: bool = False) -> pint.Quantity:
        """A leaf's array on the axis: a per-period Value as ``(1, 1, P)`` (``(1, 1 + draws, P)``
        for a series of ranges, from the standard-normal draws ``z``; NaN draws at the central
        value when ``masked``); ``stack()`` (its ``(rows, draws)`` array) with a period axis of
        length 1 on a timeline, as it is without."""
        if self.timeline is None:
            return stack()
        if value.origin in PER_PERIOD:
            factor = float(Q(1, value.central.units).to(unit).magnitude)
            mag = np.asarray(value.central.magnitude, dtype=float) * factor
            if z is None or not value.is_uncertain:
                return Q(mag.reshape(1, 1, -1), unit)
            draws = value.dist.from_normal(z) * factor
            if masked:
                draws[np.isnan(z)] = mag
            return Q(np.concatenate([mag[None], draws])[None], unit)
        stacked = stack()
        return Q(np.asarray(stacked.magnitude)[..., None], stacked.units)

    def trial(self, x: np.ndarray) -> np.ndarray:
        """A solve's trial values ``(rows, draws)`` as a leaf array on the axis."""
        return x if self.timeline is None else x[..., None]

    def draws_per_row(self, samples: int) -> int:
        """Values one row of one name holds: ``(1 + samples) x periods``."""
        return (1 + samples) * self.count

    def columns(self, a: np.ndarray) -> np.ndarray:
        """Central values as ``(rows, periods)`` (a view: one column without a timeline)."""
        return a[:, None] if self.timeline is None else a

    def column(self, a: np.ndarray, j: int) -> np.ndarray:
        """An evaluated array (any shape the engine gives) in period ``j``: ``(rows, draws)``."""
        if self.timeline is None:
            return a
        return a.reshape(a.shape + (1,) * (3 - a.ndim))[..., j]

    def at(self, a: np.ndarray, j: int) -> np.ndarray:
        """Values ``(rows[, samples])`` in period ``j`` (the one period without a timeline)."""
        return a if self.timeline is None else a[..., j]

    def timeless_roots(self, plans, names) -> set:
        """Names that rest on funding_need or break_even (one value per case); with a period axis of
        length 1 in their arrays they are reported once, without a period."""
        out: set = set()
        if self.timeline is None:
            return out
        for plan in plans:
            memo: dict = {}

            def walk(n) -> bool:
                if n not in memo:
                    step = plan.steps.get(n)
                    memo[n] = n in TIMELESS or n in self.capacity or (
                        step is not None and step.formula is not None
                        and any(walk(i) for i in step.formula.inputs))
                return memo[n]

            out |= {n for n in names if n in plan.steps and walk(n)}
        return out

    def size(self, n_cases: int, samples: int, where: str) -> None:
        """Refuse, before any work, a run whose periods x samples are more than calc evaluates; the
        message names the limit that was hit (``where``: "file:line: timeline")."""
        if self.timeline is None:
            return
        count = self.count
        per_row, kept = (1 + samples) * count, n_cases * count
        if kept > MAX_CASES:            # a value per case and period is kept for every output
            raise CalcError(f"{where}: {n_cases:,} cases x {count:,} periods = {kept:,} is more "
                            f"than calc keeps ({MAX_CASES:,} cases x periods); use fewer sweep "
                            "points, a longer step or a shorter timeline")
        if per_row > MAX_ROW_VALUES:
            raise CalcError(f"{where}: {count:,} periods x {samples:,} samples is more than calc "
                            f"evaluates per case ({MAX_ROW_VALUES:,} values); use fewer samples, a "
                            "longer step or a shorter timeline")
        if n_cases * per_row > MAX_VALUES:
            raise CalcError(f"{where}: {n_cases:,} cases x {per_row:,} values per case = "
                            f"{n_cases * per_row:,} values per quantity is more than calc "
                            f"evaluates ({MAX_VALUES:,}); use fewer samples or sweep points")

    def plan_size(self, plans: dict, samples: int, where: str) -> None:
        """Refuse, before evaluating, a run whose rows would hold more than ``MAX_PLAN_VALUES``
        values at once: periods x samples for every name a plan computes (``samples``: 0 where
        no input is uncertain; ``where``: "timeline", located by the scenario)."""
        if self.timeline is None or not plans:
            return
        names = max(len(p.order) for p in plans.values())
        held = names * self.draws_per_row(samples)
        if held > MAX_PLAN_VALUES:
            most = MAX_PLAN_VALUES // (names * self.count) - 1
            raise CalcError(f"{where}: {self.count:,} periods x {samples:,} samples x {names} "
                            f"computed quantities = {held:,} values held at once is more than "
                            f"calc holds ({MAX_PLAN_VALUES:,}, about 1 GB); use at most "
                            f"{max(most, 0):,} samples, a longer step, a shorter timeline or "
                            "fewer derives")

    def outside_notes(self, central_amounts: dict) -> list[str]:
        """A note per commitment with spend before the first or after the last period."""
        out = []
        for n, s in self.spreads.items():
            share = s.outside
            if share > 1e-12:
                amount = central_amounts.get(n)
                left = "" if amount is None else f" ({money(share * amount)} at the central amount)"
                out.append(f"{n}: {100 * share:.3g} % of the amount{left} falls outside the "
                           f"timeline {self.labels[0]} .. {self.labels[-1]} and is left out "
                           "of the per-period rows")
        return out

@dataclass(frozen=True)
class CapacityCommitment:
    """A commitment stated as capacity at a price: spend = price x capacity x years, where
    ``years`` [yr] per period is the part of the period inside the commitment and the capacity
    input holds, per period, its exact average over that part (0 where none is inside)."""

    capacity: str                # the input [GW]
    price: str                   # the input [USD/GW/yr]
    years: np.ndarray            # (periods,) [yr]
    text: str

    def spend(self, capacity: pint.Quantity, price: pint.Quantity) -> np.ndarray:
        """Spend per period [USD] as magnitudes, broadcast over rows and draws."""
        return (np.asarray(price.m_as("USD/GW/yr"), dtype=float)
                * np.asarray(capacity.m_as("GW"), dtype=float) * self.years)

    def excel(self, row: bool = False) -> str:
        """The Excel form (calc.models._formula) of the spend in a period, or with ``row`` of the
        spend in every period (an array, for the total)."""
        if row:
            years = ",".join(repr(float(y)) for y in self.years)
            return f"{{{self.price}@USD/GW/yr}}*{{row:{self.capacity}@GW}}*{{{years}}}"
        years = ";".join(repr(float(y)) for y in self.years)
        return f"{{{self.price}@USD/GW/yr}}*{{{self.capacity}@GW}}*{{periods:{years}}}"

    def total(self, **kw) -> pint.Quantity:
        """The spend inside the timeline [USD]: one value per case, a period axis of length 1."""
        per = self.spend(kw[self.capacity], kw[self.price])
        return Q(np.sum(per, axis=-1, keepdims=True), "USD")


NO_PERIODS = PeriodAxis()      # the axis of a run without a timeline: one period, no labels
