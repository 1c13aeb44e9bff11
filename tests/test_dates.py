"""calc.dates: every date form the project accepts, one message, month arithmetic."""

from datetime import date, datetime

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


@pytest.mark.parametrize("text", ["25", "2025-Q5", "2025-H3", "2025/2023", "July 2025", ""])
def test_one_message_for_every_bad_date(text):
    with pytest.raises(CalcError) as info:
        dates.parse(text, "as_of")
    assert str(info.value) == (f"as_of {text!r} is not a date form calc reads: 'YYYY-MM-DD', 'YYYY-MM', 'YYYY', "
                               "'YYYY-H1', 'YYYY-Q3', 'A/B' or 'unknown'")


@pytest.mark.parametrize("text, why", [
    ("2025-02-30", "February 2025 has 28 days"),   # in the form YYYY-MM-DD: say what is wrong
    ("2024-02-30", "February 2024 has 29 days"),
    ("2025-04-31", "April 2025 has 30 days"),
    ("2025-13", "there is no month 13; months run 01 to 12"),
    ("2025-00-10", "there is no month 0; months run 01 to 12"),
    ("0000", "there is no year 0 (1 BC is followed by 1 AD)"),
    ("0000-Q1", "there is no year 0 (1 BC is followed by 1 AD)"),
    ("2025-01/2025-02-30", "February 2025 has 28 days"),
])
def test_a_date_in_a_form_that_names_no_real_day_says_why(text, why):
    with pytest.raises(CalcError) as info:
        dates.parse(text, "as_of")
    assert str(info.value) == f"as_of {text!r} is not a real date: {why}"


def test_a_datetime_is_read_as_its_date_and_a_date_as_itself():
    assert dates.parse(datetime(2025, 11, 30, 23, 59)).first == date(2025, 11, 30)
    assert dates.parse(date(2024, 2, 29)).precision == "day"
    assert dates.text_of(datetime(2025, 11, 30, 12)) == "2025-11-30"
    assert dates.parse(2025).last == date(2025, 12, 31)                 # a year number


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
