from __future__ import annotations

from datetime import date

from complaintdesk.calendars.apps import chinese_holiday_data_warnings
from complaintdesk.calendars.engine import chinese_calendar_years


def test_no_warning_while_this_and_next_year_are_known() -> None:
    last_known = chinese_calendar_years().stop - 1
    assert chinese_holiday_data_warnings(date(last_known - 1, 12, 1)) == []


def test_no_warning_early_in_the_last_known_year() -> None:
    last_known = chinese_calendar_years().stop - 1
    assert chinese_holiday_data_warnings(date(last_known, 6, 1)) == []


def test_warning_from_november_when_next_years_schedule_is_missing() -> None:
    last_known = chinese_calendar_years().stop - 1
    (warning,) = chinese_holiday_data_warnings(date(last_known, 11, 1))
    assert warning.id == "calendars.W001"
    assert f"business time in {last_known + 1}" in warning.msg


def test_warning_when_this_years_schedule_is_missing() -> None:
    (warning,) = chinese_holiday_data_warnings(date(chinese_calendar_years().stop, 3, 1))
    assert warning.id == "calendars.W001"
