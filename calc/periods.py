"""The period axis: a timeline's periods as calendar-month indices, their labels, and series on it.

Time on a timeline is counted in calendar months: a year is exactly 12 months and a quarter 3.
A month index counts months since January of year 0 (``2025-07`` is 2025 x 12 + 6), so period
arithmetic is integer arithmetic. A date on a timeline is one of ``2025`` (1 January),
``2025-07`` or ``2025-Q3`` (both 1 July) -- and, for ``arr_as_of`` only, a day ``2025-08-15``,
counted as a fractional month (14 / 31 of August). As a quantity a date is a decimal year
(month index / 12, unit ``yr``): 2025.5 is 1 July 2025.

>>> tl = Timeline.parse({"start": 2026, "end": "2026-Q2", "step": "quarter"})
>>> tl.labels
('2026-Q1', '2026-Q2')
>>> tl.starts.tolist(), tl.ends.tolist()      # 2026 x 12 = 24312
([24312, 24315], [24315, 24318])
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

import numpy as np

from calc import dates
from calc.errors import CalcError

# The names a timeline gives each period [yr]: read by formulas, never an input.
PERIOD_NAMES = ("period_start", "period_end")


def not_an_input(name: str) -> str:
    """Why ``name`` (one of PERIOD_NAMES) cannot be given, --set or solved for."""
    edge = "start" if name == "period_start" else "end"
    return (f"{name} is the {edge} of each period, which the timeline supplies; it is not an "
            f"input, so it cannot be given, set or solved for -- move timeline.{edge} instead")

STEPS = {"year": 12, "quarter": 3, "month": 1}
MAX_PERIODS = 1200                     # a century of months
DATE_FORMS = "'2025' (a year), '2025-07' (a month) or '2025-Q3' (a quarter)"


@dataclass(frozen=True)
class Span:
    """A date as written: its first month (a month index), how many months it covers, and the
    fraction of its first month already gone (a day's date: 14/31 on 15 August)."""

    text: str
    first: int
    months: int
    precision: str                     # year | quarter | month | day
    day_fraction: float = 0.0

    @property
    def last(self) -> int:
        return self.first + self.months - 1

    @property
    def decimal_year(self) -> float:
        """The date as a decimal year: month index / 12 (a day's date includes its fraction)."""
        return (self.first + self.day_fraction) / 12.0


month_index = dates.month_index          # one home for dates and month arithmetic: calc.dates
month_label = dates.month_text


def day_note(span: Span, what: str) -> str | None:
    """The note for a date given with a day (``what``: 'commitments.azure.start'): it counts from
    the start of its month, as time on a timeline is counted in whole months; None otherwise."""
    if span.precision != "day":
        return None
    return (f"{what} {span.text} is a day: it counts from the start of its month, "
            f"{month_label(span.first)} (time on a timeline is counted in whole months)")


def date_year(given, where: str = "date") -> float | None:
    """``given``, where a date is expected, as a decimal year [yr] when it is written as a date --
    2028, '2028', '2028-06', '2028-Q2', '2028-06-15', 2028.5 -- else None (a quantity such as
    '2028 yr' is read as one). A bare number that is no four-digit year (0, 2, '0000') and a
    date naming no real day ('2030-13') are a CalcError starting with ``where``."""
    if isinstance(given, bool):
        return None
    shown = given
    if isinstance(given, str):
        text = given.strip()
        if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):   # a number written as text: '2', '0000'
            given = float(text) if "." in text or len(text) != 4 else text
        elif not re.match(r"[0-9]{1,4}-", text):
            return None                        # not written as a date: a quantity, '2028 yr'
    if isinstance(given, (int, float)):
        if not 1000 <= given < 10000:          # year 0 does not exist; year 2 is no target
            raise CalcError(f"{where}: {shown!r} is not a year; a date is expected here: "
                            f"write {DATE_FORMS} or '2025-08-15' (a day)")
        if isinstance(given, float) and not given.is_integer():
            return float(given)                # a decimal year: 2028.5 is 1 July 2028
        given = f"{int(given)}"
    if not isinstance(given, (str, _dt.date)):
        return None
    why = dates.why_not_real(given.strip()) if isinstance(given, str) else None
    if why:                                    # '0000', '2030-13': say why
        raise CalcError(f"{where}: {given!r} is not a real date: {why}")
    return parse_date(given, where, days=True).decimal_year


def parse_date(value, where: str, days: bool = False) -> Span:
    """A timeline date: ``2025``, ``2025-07``, ``2025-Q3`` (and ``2025-08-15`` when ``days``), read
    by ``calc.dates.parse`` (the project's one date parser); the other forms it knows (halves,
    spans, 'unknown') are not period boundaries and are refused here.

    ``where`` starts the message of a CalcError for anything else.
    """
    if isinstance(value, _dt.date):
        value = dates.text_of(value)            # a datetime: its date
    text = str(value).strip()
    forms = DATE_FORMS + (" or '2025-08-15' (a day)" if days else "")
    try:
        span = None if isinstance(value, (bool, float)) else dates.parse(text, "date")
    except CalcError:
        span = None
    if span is None or span.precision not in ("year", "quarter", "month", "day"):
        why = dates.why_not_real(text)         # '0000', '2025-13', '2025-02-30': say why
        raise CalcError(f"{where}: {value!r} is not a date" + (f": {why}" if why else "")
                        + f"; write {forms}")
    if span.precision == "day" and not days:
        raise CalcError(f"{where}: {value!r} is a day; here write {DATE_FORMS}")
    months = (span.last_month - span.first_month) + 1
    fraction = (span.first.day - 1) / calendar.monthrange(span.first.year, span.first.month)[1]
    return Span(text, span.first_month, months, span.precision,
                fraction if span.precision == "day" else 0.0)


@dataclass(frozen=True)
class Timeline:
    """Periods ``[starts[i], ends[i])`` in month indices, all ``step`` months long, with labels."""

    start: int
    step: int
    count: int
    where: str = "timeline"

    @classmethod
    def parse(cls, spec, where: str = "timeline") -> "Timeline":
        """``{start, end, step}`` as a scenario writes it; CalcError naming ``where`` otherwise."""
        if not isinstance(spec, dict):
            raise CalcError(f"{where}: expected a mapping like {{start: 2025, end: 2030, step: "
                            f"year}}, got {spec!r}")
        unknown = sorted(map(str, set(spec) - {"start", "end", "step"}))
        if unknown:
            raise CalcError(f"{where}: unknown key {unknown[0]!r}; a timeline "
                            "has start, end and step")
        missing = [k for k in ("start", "end") if k not in spec]
        if missing:
            raise CalcError(f"{where}: {missing[0]} is missing; e.g. {{start: 2025, "
                            "end: 2030, step: year}")
        step_name = str(spec.get("step", "year"))
        if step_name not in STEPS:
            raise CalcError(f"{where}.step: unknown step {step_name!r}; use year, quarter or month")
        step = STEPS[step_name]
        start = parse_date(spec["start"], f"{where}.start")
        end = parse_date(spec["end"], f"{where}.end")
        if start.first % step:
            boundary = {12: "a year (2025)",
                        3: "a quarter's first month (2025-Q3 or 2025-07)"}[step]
            raise CalcError(f"{where}.start: {start.text} is not on a period boundary of a "
                            f"{step_name} step; start at {boundary}")
        if end.last < start.first:
            raise CalcError(f"{where}: end {end.text} is before start {start.text}; "
                            "end must be the same as start or later")
        count = (end.last - start.first) // step + 1
        if count > MAX_PERIODS:
            raise CalcError(f"{where}: {count:,} periods is more than calc evaluates "
                            f"({MAX_PERIODS:,}); use a longer step or a shorter timeline")
        return cls(start.first, step, count, where)

    @property
    def starts(self) -> np.ndarray:
        return self.start + self.step * np.arange(self.count)

    @property
    def ends(self) -> np.ndarray:
        return self.starts + self.step

    @property
    def step_name(self) -> str:
        return {v: k for k, v in STEPS.items()}[self.step]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.label(int(s)) for s in self.starts)

    def label(self, start: int) -> str:
        """'2026', '2026-Q1' or '2026-01' for the period starting at month index ``start``."""
        if self.step == 12:
            return f"{start // 12:04d}"
        if self.step == 3:
            return f"{start // 12:04d}-Q{start % 12 // 3 + 1}"
        return month_label(start)

    def decimal_years(self, which: str = "start") -> np.ndarray:
        """Period starts (or ends) as decimal years: 2028.25 is the start of 2028-Q2."""
        return (self.starts if which == "start" else self.ends) / 12.0

    def index_of(self, value, where: str) -> int:
        """The period a date names (``at: 2030``): the one whose span holds the whole date, which
        is the period or starts it (2026-07 on quarters); part of a period (2030-Q2 on years) is
        refused."""
        span = parse_date(value, where)
        i = (span.first - self.start) // self.step
        # 2030-Q2 on a yearly timeline names part of a period (2026-07, a quarter's first month,
        # names that quarter)
        if 0 <= i < self.count and span.months < self.step \
                and (span.first - self.start) % self.step:
            raise CalcError(f"{where}: {span.text} is not a period of this timeline (its periods "
                            f"are {self.step_name}s); name the period that holds it: "
                            f"{self.label(self.start + i * self.step)}")
        if not 0 <= i < self.count or span.last >= self.start + (i + 1) * self.step:
            first, last = self.labels[0], self.labels[-1]
            inside = 0 <= i < self.count
            hint = (f"it spans more than one {self.step_name}; name one period, e.g. "
                    f"{self.label(self.start + i * self.step)} (the timeline runs {first} .. "
                    f"{last})" if inside else f"the timeline runs {first} .. {last}")
            raise CalcError(f"{where}: {span.text} is not a period of the timeline; {hint}")
        return int(i)

    def series(self, points: dict, where: str) -> tuple[np.ndarray, list[str]]:
        """Per period, the index of the series point in force at the period's start.

        ``points`` maps dates to anything (kept in the order written). Before the first point the
        first value holds. Returns (indices into the points, the dates as written); points out of
        order or duplicated are a CalcError.
        """
        if not isinstance(points, dict) or not points:
            raise CalcError(f"{where}: expected dates with values, e.g. {{2026: 1 GW, 2028: 3 GW}}")
        spans = [parse_date(k, f"{where}.{k}") for k in points]
        for a, b in zip(spans, spans[1:]):
            if b.first == a.first:
                raise CalcError(f"{where}: {a.text} and {b.text} are the same "
                                "date; give each date once")
            if b.first < a.first:
                raise CalcError(f"{where}: {b.text} comes after {a.text}; list the dates in order")
        firsts = np.array([s.first for s in spans])
        # no point is ever in force: the first would hold throughout
        if firsts[0] > self.starts[-1]:
            raise CalcError(f"{where}: every date falls after the start of the last period "
                            f"({self.labels[-1]}); a period takes the value in force at its "
                            "start, so none would apply; give the first date at or before "
                            f"{self.labels[-1]} (the timeline starts {self.labels[0]})")
        idx = np.searchsorted(firsts, self.starts, side="right") - 1
        return np.maximum(idx, 0), [s.text for s in spans]


# -- series between their points: step or linear, averaged or integrated over months ------------
INTERPOLATIONS = ("step", "linear")


def series_integral(knots: np.ndarray, ys: np.ndarray, t: np.ndarray, linear: bool) -> np.ndarray:
    """The integral of a series from its first point to month ``t`` [value x month] (negative
    before the first point); ``ys`` may carry leading axes (samples), the points on the last.

    Step: the value in force holds until the next point; linear: straight lines between points.
    Either way the first value holds before the first point and the last after the last.

    >>> knots = np.array([0, 60])                           # 0 GW at month 0, 12 GW at month 60
    >>> series_integral(knots, np.array([0.0, 12.0]), np.array([24, 36]), True).tolist()
    [57.6, 129.6]
    """
    knots = np.asarray(knots, dtype=float)
    ys = np.asarray(ys, dtype=float)
    t = np.asarray(t, dtype=float)
    widths = np.diff(knots)
    slopes = np.diff(ys, axis=-1) / widths if linear else np.zeros(ys.shape[:-1] + widths.shape)
    seg = ys[..., :-1] * widths + 0.5 * slopes * widths ** 2        # each segment's area
    at_knot = np.concatenate([np.zeros(ys.shape[:-1] + (1,)), np.cumsum(seg, axis=-1)], axis=-1)
    k = np.clip(np.searchsorted(knots, t, side="right") - 1, 0, len(knots) - 1)
    dt = t - knots[k]
    slope = np.concatenate([slopes, np.zeros(ys.shape[:-1] + (1,))], axis=-1)[..., k]
    slope = np.where(dt < 0, 0.0, slope)                     # before the first point: flat
    return at_knot[..., k] + ys[..., k] * dt + 0.5 * slope * dt ** 2


def series_average(knots, ys, a, b, linear: bool) -> np.ndarray:
    """The average of a series over months ``[a, b)`` (exact for step and linear series).

    >>> series_average(np.array([0, 60]), np.array([0.0, 12.0]), np.array([24]), np.array([36]),
    ...                True).tolist()                        # (4.8 + 7.2) / 2
    [6.0]
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return (series_integral(knots, ys, b, linear) - series_integral(knots, ys, a, linear)) / (b - a)
