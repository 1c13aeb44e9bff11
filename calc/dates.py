"""Dates as the project writes them, read in one place with one message.

Forms: ``2025`` (a year), ``2025-07`` (a month), ``2025-07-14`` (a day), ``2025-Q3`` (a quarter),
``2025-H2`` (a half), ``2023/2024`` (a span between two of these) and ``unknown``. Every form is a
span of whole days (``first`` .. ``last``) and of whole months (``first_month`` .. ``last_month``,
counted by ``month_index``), so period arithmetic never needs to know which form it was given.

>>> parse("2025-Q3").first, parse("2025-Q3").last
(datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
>>> month_index(2025, 7) - month_index(2025, 1)
6
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from calc.errors import CalcError

FORMS = "'YYYY-MM-DD', 'YYYY-MM', 'YYYY', 'YYYY-H1', 'YYYY-Q3', 'A/B' or 'unknown'"
_ONE = r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?|-H([12])|-Q([1-4]))?"    # ASCII digits only
_ONE_RE = re.compile(_ONE)


@dataclass(frozen=True)
class DateSpan:
    """A date as written, and the days it covers (``first`` .. ``last``, both included)."""

    text: str
    first: date
    last: date
    precision: str               # day | month | quarter | half | year | span

    @property
    def first_month(self) -> int:
        """The first month covered, as a ``month_index``."""
        return month_index(self.first.year, self.first.month)

    @property
    def last_month(self) -> int:
        """The last month covered, as a ``month_index``."""
        return month_index(self.last.year, self.last.month)

    def middle(self) -> date:
        """A representative day for plotting: mid-month, mid-quarter, 1 April / 1 October for a
        half, 1 July for a year, the middle of the two middles for a span."""
        if self.precision == "span":
            a, b = (parse(t).middle() for t in self.text.split("/", 1))
            return date.fromordinal((a.toordinal() + b.toordinal()) // 2)
        if self.precision == "day":
            return self.first
        if self.precision == "month":
            return self.first.replace(day=15)
        if self.precision == "quarter":
            return date(self.first.year, self.first.month + 1, 15)
        if self.precision == "half":
            return date(self.first.year, self.first.month + 3, 1)
        return date(self.first.year, 7, 1)


def month_index(year: int, month: int) -> int:
    """Months since January of year 0: consecutive months differ by 1 (``month`` is 1..12)."""
    return year * 12 + (month - 1)


def from_month_index(index: int) -> tuple[int, int]:
    """(year, month) of a ``month_index``."""
    return index // 12, index % 12 + 1


def month_text(index: int) -> str:
    """A ``month_index`` written as 'YYYY-MM'."""
    year, month = from_month_index(index)
    return f"{year:04d}-{month:02d}"


def year_text(x, step: int | None = None) -> str:
    """A decimal year [yr] written as a date: '2028' (1 January), '2028-Q2' (a quarter's start
    where ``step`` is 3), '2028-06', '2025-08-15' (inside a month); 'never' for None or NaN.
    ``step`` (months: 12, 3, 1) is the timeline's: on a monthly one 2028.0 is '2028-01'.

    >>> year_text(2028.0), year_text(2028.25, 3), year_text(2028.25), year_text(float("nan"))
    ('2028', '2028-Q2', '2028-04', 'never')
    """
    if x is None or not math.isfinite(x):
        return "never"
    months = float(x) * 12
    whole = round(months)
    if abs(months - whole) > 1e-6:                          # inside a month: its day
        first = math.floor(months)
        year, month = from_month_index(first)
        length = calendar.monthrange(year, month)[1]
        day = min(length, int(round((months - first) * length)) + 1)
        return f"{year:04d}-{month:02d}-{day:02d}"
    if whole % 12 == 0 and step != 1 and step != 3:
        return f"{whole // 12:04d}"
    if step == 3 and whole % 3 == 0:
        return f"{whole // 12:04d}-Q{whole % 12 // 3 + 1}"
    return month_text(whole)


class Date(float):
    """A date calc computed (``Result.value("break_even")``): a number, the decimal year (2028.25,
    as JSON gives it), so it compares and computes as one (``d <= 2030``, ``d + 0.5``); printed, it
    reads as tables write it ('2028-Q2' on a quarterly timeline, '2030' on a yearly one) and it
    equals that text too (``d == '2028-Q2'``). ``first_day`` is the ``datetime.date`` it starts.

    >>> d = Date(2028.25, 3)
    >>> d, str(d), d <= 2030, d == "2028-Q2", d.decimal_year, d.first_day
    (Date('2028-Q2'), '2028-Q2', True, True, 2028.25, datetime.date(2028, 4, 1))
    >>> f"{d}, {d:.2f}"
    '2028-Q2, 2028.25'
    """

    text: str

    def __new__(cls, decimal_year: float, step: int | None = None):
        out = super().__new__(cls, float(decimal_year))
        out.text = year_text(decimal_year, step)
        return out

    @property
    def decimal_year(self) -> float:
        """The decimal year [yr] (2028.25 for 2028-Q2), a plain float."""
        return float(self)

    @property
    def first_day(self) -> date:
        """The day the date starts: the period's first day, or the day itself."""
        return parse(self.text).first

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Date({self.text!r})"

    def __format__(self, spec: str) -> str:
        return self.text if not spec else format(float(self), spec)

    def __eq__(self, other) -> bool:
        return self.text == other if isinstance(other, str) else float(self) == other

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = float.__hash__


def _one(text: str) -> DateSpan | None:
    """The span of one form (no '/'); None when ``text`` is not one, or names no real day (year 0,
    month 13, 30 February)."""
    m = _ONE_RE.fullmatch(text)
    if not m:
        return None
    try:
        return _span(text, *m.groups())
    except ValueError:
        return None


def _span(text: str, year: str, month: str | None, day: str | None, half: str | None,
          quarter: str | None) -> DateSpan:
    y = int(year)
    if day:
        d = date(y, int(month), int(day))
        return DateSpan(text, d, d, "day")
    if month:
        m_ = int(month)
        return DateSpan(text, date(y, m_, 1), date(y, m_, calendar.monthrange(y, m_)[1]), "month")
    if quarter:
        last = 3 * int(quarter)
        return DateSpan(text, date(y, last - 2, 1), date(y, last, calendar.monthrange(y, last)[1]),
                        "quarter")
    if half:
        return DateSpan(text, date(y, 1 if half == "1" else 7, 1),
                        date(y, 6, 30) if half == "1" else date(y, 12, 31), "half")
    return DateSpan(text, date(y, 1, 1), date(y, 12, 31), "year")


def text_of(value) -> str:
    """The text of a date given as text, a year (2025), a ``datetime.date`` or a
    ``datetime.datetime`` (its date: the time of day is dropped), as ``parse`` reads it."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def why_not_real(text: str) -> str | None:
    """Why a text written in one of the forms names no real day (year 0, month 13, 30 February);
    None when it is not in a form, or names a real day."""
    m = _ONE_RE.fullmatch(text)
    if not m:
        return None
    year, month, day = (int(g) if g else None for g in m.groups()[:3])
    if year == 0:
        return "there is no year 0 (1 BC is followed by 1 AD)"
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month}; months run 01 to 12"
    if day is not None:
        length = calendar.monthrange(year, month)[1]
        if not 1 <= day <= length:
            return f"{calendar.month_name[month]} {year} has {length} days"
    return None


def parse(text, what: str = "date") -> DateSpan | None:
    """The span a date covers; None for 'unknown'. Anything else is a CalcError naming the forms.

    ``text`` may be a ``datetime.date`` or ``datetime.datetime`` (its date), or a year number.
    ``what`` names the field in the message (``as_of``, ``date``, ``start``).
    """
    raw = text_of(text)
    if raw == "unknown":
        return None
    if "/" in raw:
        a, _, b = raw.partition("/")
        first, last = _one(a), _one(b)
        if first is not None and last is not None and first.first <= last.last:
            return DateSpan(raw, first.first, last.last, "span")
    else:
        span = _one(raw)
        if span is not None:
            return span
    shown = raw if len(raw) <= 60 else f"{raw[:60]}..."
    why = [w for w in map(why_not_real, raw.split("/", 1)) if w]
    if why:                                 # in a form, but no real day: say which part
        raise CalcError(f"{what} {shown!r} is not a real date: {why[0]}")
    raise CalcError(f"{what} {shown!r} is not a date form calc reads: {FORMS}")


def is_date(text) -> bool:
    """Is ``text`` one of the forms (or 'unknown')?"""
    try:
        parse(text)
    except CalcError:
        return False
    return True


def plot_date(text) -> date | None:
    """The day a plot puts ``text`` at (``DateSpan.middle``); None for 'unknown', '' or a bad
    date."""
    try:
        span = parse(text)
    except CalcError:
        return None
    return None if span is None else span.middle()
