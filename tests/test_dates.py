"""calc.dates: every date form the project accepts, one message, month arithmetic."""

from datetime import date

import pytest

from calc import dates
from calc.errors import CalcError


@pytest.mark.parametrize("text, first, last, precision", [
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "year"),
    ("2025-07", date(2025, 7, 1), date(2025, 7, 31), "month"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),          # a leap year
    ("2025-07-14", date(2025, 7, 14), date(2025, 7, 14), "day"),
    ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30), "quarter"),
    ("2025-H2", date(2025, 7, 1), date(2025, 12, 31), "half"),
    ("2023/2024", date(2023, 1, 1), date(2024, 12, 31), "span"),
    ("2025-03/2025-Q4", date(2025, 3, 1), date(2025, 12, 31), "span"),
])
def test_every_form_is_a_span_of_days(text, first, last, precision):
    span = dates.parse(text)
    assert (span.first, span.last, span.precision) == (first, last, precision)


@pytest.mark.parametrize("text", ["2025-13", "2025-02-30", "25", "2025-Q5", "2025-H3", "2025/2023", "July 2025", ""])
def test_one_message_for_every_bad_date(text):
    with pytest.raises(CalcError) as info:
        dates.parse(text, "as_of")
    assert str(info.value) == (f"as_of {text!r} is not a date form calc reads: 'YYYY-MM-DD', 'YYYY-MM', 'YYYY', "
                               "'YYYY-H1', 'YYYY-Q3', 'A/B' or 'unknown'")


def test_unknown_is_no_date():
    assert dates.parse("unknown") is None and dates.is_date("unknown") and not dates.is_date("soon")


def test_month_arithmetic():
    # January 2025 to July 2025 is 6 months; month_index counts from January of year 0
    assert dates.month_index(2025, 7) - dates.month_index(2025, 1) == 6
    assert dates.month_index(2025, 1) == 2025 * 12
    assert dates.from_month_index(dates.month_index(2024, 12) + 1) == (2025, 1)
    assert dates.month_text(dates.parse("2025-Q3").last_month) == "2025-09"
    assert dates.parse("2025-H2").first_month == dates.month_index(2025, 7)


@pytest.mark.parametrize("text, middle", [
    ("2023-09", date(2023, 9, 15)), ("2023-H2", date(2023, 10, 1)), ("2025-Q1", date(2025, 2, 15)),
    ("2025", date(2025, 7, 1)), ("2023/2024", date(2023, 12, 31)), ("unknown", None), ("nonsense", None),
])
def test_the_day_a_plot_uses(text, middle):
    assert dates.plot_date(text) == middle
