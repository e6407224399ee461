"""Real calendar cases for the business-time engine (no database)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest

from complaintdesk.calendars.engine import (
    DayKind,
    WorkingCalendar,
    add_business_time,
    business_minutes_between,
    business_time_between,
    chinese_calendar_years,
    format_weekly_hours,
    normalise_holiday_region,
    parse_weekly_hours,
    working_day_length,
)
from complaintdesk.calendars.tests.samples import (
    AROUND_THE_CLOCK,
    CN_OFFICE,
    HK_OFFICE,
    LONDON,
    LONDON_OFFICE,
    OFFICE_DAY,
    SHANGHAI,
    WEEKDAYS,
    shanghai,
)

HOURS = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


# -- National Day week ----------------------------------------------------------------


def test_official_2025_national_day_schedule_is_what_chinesecalendar_reports() -> None:
    # 国办发明电〔2024〕12号: 10月1日至8日放假，9月28日（周日）、10月11日（周六）上班。
    for day in range(1, 9):
        assert chinese_calendar.is_holiday(date(2025, 10, day))
    assert chinese_calendar.is_workday(date(2025, 9, 28))
    assert chinese_calendar.is_workday(date(2025, 10, 11))
    assert chinese_calendar.is_holiday(date(2025, 10, 12))


def test_official_2026_national_day_schedule_is_what_chinesecalendar_reports() -> None:
    # 2026: 10月1日至7日放假，9月20日（周日）、10月10日（周六）上班。
    for day in range(1, 8):
        assert chinese_calendar.is_holiday(date(2026, 10, day))
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert chinese_calendar.is_workday(date(2026, 9, 20))
    assert chinese_calendar.is_workday(date(2026, 10, 10))


def test_complaint_at_1730_before_national_day_2025_is_due_on_monday_13_october() -> None:
    # 0.5 h on 30 Sep, closed 1–8 Oct, 7.5 h on Thu 9, Fri 10 and the make-up Sat 11 Oct
    # (23.5 h), the last hour on Mon 13 Oct.
    due = add_business_time(CN_OFFICE, shanghai(2025, 9, 30, 17, 30), 24 * HOURS)
    assert due == shanghai(2025, 10, 13, 10, 0)


def test_complaint_at_1730_before_national_day_2026_is_due_on_monday_12_october() -> None:
    # 0.5 h on 30 Sep, closed 1–7 Oct, 7.5 h on Thu 8, Fri 9 and the make-up Sat 10 Oct,
    # Sunday 11 off, the last hour on Mon 12 Oct.
    due = add_business_time(CN_OFFICE, shanghai(2026, 9, 30, 17, 30), 24 * HOURS)
    assert due == shanghai(2026, 10, 12, 10, 0)


def test_nothing_counts_during_the_national_day_holiday() -> None:
    start, end = shanghai(2025, 10, 1, 0, 0), shanghai(2025, 10, 8, 23, 59)
    assert business_time_between(CN_OFFICE, start, end) == timedelta(0)


def test_deadline_is_returned_in_the_calendars_time_zone_whatever_the_input_offset() -> None:
    start_utc = datetime(2025, 9, 30, 9, 30, tzinfo=UTC)  # 17:30 in Shanghai
    due = add_business_time(CN_OFFICE, start_utc, 24 * HOURS)
    assert due == shanghai(2025, 10, 13, 10, 0)
    assert due.utcoffset() == timedelta(hours=8)


# -- make-up working days --------------------------------------------------------------


def test_make_up_saturday_counts_as_a_working_day_with_weekday_hours() -> None:
    info = CN_OFFICE.describe_day(date(2025, 10, 11))
    assert info.kind is DayKind.MAKEUP
    assert info.working_minutes == 450
    assert info.reason == "National Day"
    due = add_business_time(CN_OFFICE, shanghai(2025, 10, 10, 17, 0), 2 * HOURS)
    assert due == shanghai(2025, 10, 11, 10, 0)


def test_make_up_sunday_counts_as_a_working_day() -> None:
    due = add_business_time(CN_OFFICE, shanghai(2025, 9, 26, 17, 0), 2 * HOURS)
    assert due == shanghai(2025, 9, 28, 10, 0)


def test_spring_festival_2026_make_up_saturdays_are_worked() -> None:
    # 14 Feb (Sat) and 28 Feb (Sat) 2026 are make-up days around 15–23 Feb.
    week = business_time_between(CN_OFFICE, shanghai(2026, 2, 14), shanghai(2026, 2, 15))
    assert week == timedelta(hours=7, minutes=30)
    holiday = business_time_between(CN_OFFICE, shanghai(2026, 2, 15), shanghai(2026, 2, 24))
    assert holiday == timedelta(0)
    assert CN_OFFICE.describe_day(date(2026, 2, 28)).kind is DayKind.MAKEUP


def test_ordinary_saturday_is_not_worked() -> None:
    assert CN_OFFICE.describe_day(date(2025, 10, 18)).kind is DayKind.REST
    due = add_business_time(CN_OFFICE, shanghai(2025, 10, 17, 17, 0), 2 * HOURS)
    assert due == shanghai(2025, 10, 20, 10, 0)


# -- working hours within a day --------------------------------------------------------


def test_lunch_break_is_not_counted() -> None:
    assert add_business_time(CN_OFFICE, shanghai(2025, 9, 3, 11, 30), HOURS) == shanghai(
        2025, 9, 3, 14, 0
    )
    between = business_time_between(CN_OFFICE, shanghai(2025, 9, 3, 11), shanghai(2025, 9, 3, 14))
    assert between == timedelta(hours=1, minutes=30)


def test_start_during_lunch_counts_from_the_afternoon_opening() -> None:
    due = add_business_time(CN_OFFICE, shanghai(2025, 9, 3, 12, 30), 30 * MINUTE)
    assert due == shanghai(2025, 9, 3, 14, 0)


def test_start_before_opening_counts_from_opening() -> None:
    due = add_business_time(CN_OFFICE, shanghai(2025, 9, 22, 7, 0), 30 * MINUTE)
    assert due == shanghai(2025, 9, 22, 9, 30)


def test_start_on_a_saturday_evening_counts_from_monday_morning() -> None:
    due = add_business_time(CN_OFFICE, shanghai(2025, 9, 20, 22, 0), HOURS)
    assert due == shanghai(2025, 9, 22, 10, 0)


def test_deadline_at_closing_time_is_closing_time_not_next_opening() -> None:
    due = add_business_time(CN_OFFICE, shanghai(2025, 9, 3, 17, 30), 30 * MINUTE)
    assert due == shanghai(2025, 9, 3, 18, 0)


def test_one_minute_after_closing_is_the_first_minute_of_the_next_day() -> None:
    due = add_business_time(CN_OFFICE, shanghai(2025, 9, 3, 18, 0), MINUTE)
    assert due == shanghai(2025, 9, 4, 9, 1)


def test_minutes_and_seconds_are_exact() -> None:
    start = shanghai(2025, 9, 3, 11, 59, 30)
    assert add_business_time(CN_OFFICE, start, MINUTE) == shanghai(2025, 9, 3, 13, 30, 30)
    end = shanghai(2025, 9, 3, 17, 59)
    assert business_minutes_between(CN_OFFICE, shanghai(2025, 9, 3, 9), end) == 180 + 269
    assert business_minutes_between(CN_OFFICE, start, shanghai(2025, 9, 3, 13, 31)) == 1


def test_zero_duration_returns_the_start_even_outside_working_hours() -> None:
    start = shanghai(2025, 9, 20, 22, 0)
    assert add_business_time(CN_OFFICE, start, timedelta(0)) == start


def test_end_before_start_measures_zero() -> None:
    start, end = shanghai(2025, 9, 3, 15), shanghai(2025, 9, 3, 10)
    assert business_time_between(CN_OFFICE, start, end) == timedelta(0)


def test_five_working_days_span_a_weekend() -> None:
    due = add_business_time(CN_OFFICE, shanghai(2025, 9, 3, 9), 5 * timedelta(hours=7.5))
    assert due == shanghai(2025, 9, 9, 18, 0)


def test_a_working_day_is_as_long_as_the_calendars_own_working_day() -> None:
    assert working_day_length(CN_OFFICE) == 7.5 * HOURS
    assert working_day_length(HK_OFFICE) == 9 * HOURS
    # Around the clock a working day is a calendar day, so five of them end five days later.
    assert working_day_length(AROUND_THE_CLOCK) == 24 * HOURS
    start = shanghai(2025, 9, 3, 9)
    five_days = add_business_time(AROUND_THE_CLOCK, start, 5 * working_day_length(AROUND_THE_CLOCK))
    assert five_days == shanghai(2025, 9, 8, 9)
    # In the office: the same clock time on the fifth working day after the start.
    office = add_business_time(
        CN_OFFICE, shanghai(2025, 9, 3, 10), 5 * working_day_length(CN_OFFICE)
    )
    assert office == shanghai(2025, 9, 10, 10)


def test_a_calendar_without_working_days_has_no_working_day_length() -> None:
    closed = WorkingCalendar.from_spec(time_zone="Asia/Shanghai", weekly_hours={}, name="shut")
    with pytest.raises(ValueError, match="shut has no working days"):
        working_day_length(closed)


# -- time zones -------------------------------------------------------------------------


def test_same_instant_gets_deadlines_in_each_departments_own_hours_and_zone() -> None:
    registered = datetime(2025, 6, 4, 8, 30, tzinfo=UTC)  # 16:30 Shanghai, 09:30 London
    assert add_business_time(CN_OFFICE, registered, 6 * HOURS) == shanghai(2025, 6, 5, 15, 0)
    assert add_business_time(HK_OFFICE, registered, 6 * HOURS) == shanghai(2025, 6, 5, 13, 30)
    london_due = add_business_time(LONDON_OFFICE, registered, 6 * HOURS)
    assert london_due == datetime(2025, 6, 4, 15, 30, tzinfo=LONDON)
    assert london_due.utcoffset() == timedelta(hours=1)


def test_complaint_transferred_to_another_zone_keeps_the_time_already_used() -> None:
    registered = shanghai(2025, 6, 4, 10, 0)
    transferred = shanghai(2025, 6, 4, 16, 0)  # 09:00 in London
    used = business_time_between(CN_OFFICE, registered, transferred)
    assert used == timedelta(hours=4, minutes=30)
    due = add_business_time(LONDON_OFFICE, transferred, 8 * HOURS - used)
    assert due == datetime(2025, 6, 4, 12, 30, tzinfo=LONDON)


def test_office_hours_follow_the_wall_clock_across_a_daylight_saving_change() -> None:
    friday = datetime(2025, 3, 28, 17, 0, tzinfo=LONDON)  # GMT; BST from Sunday
    monday = add_business_time(LONDON_OFFICE, friday, HOURS)
    assert monday == datetime(2025, 3, 31, 9, 30, tzinfo=LONDON)
    assert monday.astimezone(UTC) == datetime(2025, 3, 31, 8, 30, tzinfo=UTC)


def test_a_whole_working_day_on_a_daylight_saving_change_has_its_real_length() -> None:
    sundays = WorkingCalendar.from_spec(
        time_zone="Europe/London", weekly_hours={"sun": ["00:00-24:00"]}
    )
    spring = datetime(2025, 3, 30, tzinfo=LONDON), datetime(2025, 3, 31, tzinfo=LONDON)
    autumn = datetime(2025, 10, 26, tzinfo=LONDON), datetime(2025, 10, 27, tzinfo=LONDON)
    assert business_time_between(sundays, *spring) == timedelta(hours=23)
    assert business_time_between(sundays, *autumn) == timedelta(hours=25)


def test_hong_kong_public_holidays_close_the_hong_kong_office() -> None:
    # 1 Oct 2025 is National Day in Hong Kong too, but 2–3 Oct are ordinary working days.
    due = add_business_time(HK_OFFICE, shanghai(2025, 9, 30, 17, 30), 8 * HOURS)
    assert due == shanghai(2025, 10, 2, 16, 30)


# -- around the clock -------------------------------------------------------------------


def test_around_the_clock_counts_every_minute_including_holidays() -> None:
    start = shanghai(2025, 9, 30, 17, 30)
    assert AROUND_THE_CLOCK.always_open_exactly
    assert add_business_time(AROUND_THE_CLOCK, start, 24 * HOURS) == shanghai(2025, 10, 1, 17, 30)
    end = shanghai(2025, 10, 8, 17, 30)
    assert business_time_between(AROUND_THE_CLOCK, start, end) == timedelta(days=8)


def test_around_the_clock_spec_in_a_daylight_saving_zone_matches_elapsed_time() -> None:
    spec = WorkingCalendar.from_spec(
        time_zone="Europe/London",
        weekly_hours={day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
        | {"sat": ["00:00-12:00", "12:00-24:00"], "sun": ["00:00-24:00"]},
        closures={date(1999, 1, 1): "forces the general path"},
    )
    assert not spec.always_open_exactly
    start = datetime(2025, 3, 29, 10, 0, tzinfo=LONDON)
    end = datetime(2025, 11, 2, 10, 0, tzinfo=LONDON)
    assert business_time_between(spec, start, end) == end - start
    assert add_business_time(spec, start, end - start) == end


# -- closures and extra working days ----------------------------------------------------


def _cn_office_with(**kwargs: object) -> WorkingCalendar:
    return WorkingCalendar.from_spec(
        time_zone="Asia/Shanghai",
        weekly_hours={day: OFFICE_DAY for day in WEEKDAYS},
        holiday_region="cn",
        **kwargs,  # type: ignore[arg-type]
    )


def test_closure_moves_the_deadline_by_a_working_day() -> None:
    closed = _cn_office_with(closures={date(2025, 10, 9): "office move"})
    due = add_business_time(closed, shanghai(2025, 9, 30, 17, 30), 24 * HOURS)
    assert due == shanghai(2025, 10, 14, 10, 0)
    info = closed.describe_day(date(2025, 10, 9))
    assert (info.kind, info.reason, info.is_working) == (DayKind.CLOSURE, "office move", False)


def test_extra_working_day_is_worked_with_weekday_hours() -> None:
    calendar = _cn_office_with(
        closures={date(2025, 10, 9): "office move"}, extra_working_days=[date(2025, 10, 12)]
    )
    assert calendar.describe_day(date(2025, 10, 12)).working_minutes == 450
    due = add_business_time(calendar, shanghai(2025, 9, 30, 17, 30), 24 * HOURS)
    assert due == shanghai(2025, 10, 13, 10, 0)


def test_extra_working_day_can_open_a_statutory_holiday() -> None:
    calendar = _cn_office_with(extra_working_days=[date(2025, 10, 3)])
    start, end = shanghai(2025, 10, 1), shanghai(2025, 10, 9)
    assert business_time_between(calendar, start, end) == timedelta(hours=7, minutes=30)


def test_a_date_cannot_be_both_closed_and_extra() -> None:
    with pytest.raises(ValueError, match="both a closure and an extra working day"):
        _cn_office_with(closures=[date(2025, 10, 9)], extra_working_days=[date(2025, 10, 9)])


# -- years chinesecalendar does not know -------------------------------------------------


def test_years_without_statutory_data_fall_back_to_weekends_only_and_say_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unknown_year = chinese_calendar_years().stop
    calendar = _cn_office_with(name="fallback-probe")
    new_year = date(unknown_year, 1, 1)
    assert not calendar.holiday_data_covers(new_year)
    assert calendar.holiday_data_covers(date(2025, 1, 1))
    saturday = date(unknown_year, 1, 1) + timedelta(days=(5 - new_year.weekday()) % 7)
    with caplog.at_level(logging.WARNING, logger="complaintdesk.calendars.engine"):
        monday_after = saturday + timedelta(days=2)
        start = datetime(saturday.year, saturday.month, saturday.day, 10, tzinfo=SHANGHAI)
        due = add_business_time(calendar, start, HOURS)
    assert due == datetime(
        monday_after.year, monday_after.month, monday_after.day, 10, tzinfo=SHANGHAI
    )
    assert calendar.describe_day(saturday).provisional
    assert f"no statutory holidays for {unknown_year}" in caplog.text


def test_known_years_are_not_provisional() -> None:
    assert not CN_OFFICE.describe_day(date(2026, 12, 31)).provisional


def test_a_closure_entered_by_hand_covers_a_year_the_package_does_not_know() -> None:
    new_year = date(chinese_calendar_years().stop, 1, 1)
    calendar = _cn_office_with(closures={new_year: "New Year's Day"})
    assert calendar.describe_day(new_year).kind is DayKind.CLOSURE


# -- input checking ---------------------------------------------------------------------


def test_naive_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        add_business_time(CN_OFFICE, datetime(2025, 9, 3, 9, 0), HOURS)


def test_naive_end_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"end .* naive datetime"):
        business_time_between(CN_OFFICE, shanghai(2025, 9, 3), datetime(2025, 9, 4))


def test_negative_duration_is_rejected() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        add_business_time(CN_OFFICE, shanghai(2025, 9, 3), -MINUTE)


def test_calendar_without_any_working_time_fails_instead_of_searching_forever() -> None:
    closed = WorkingCalendar.from_spec(time_zone="UTC", weekly_hours={})
    with pytest.raises(ValueError, match="too little working time"):
        add_business_time(closed, datetime(2025, 1, 1, tzinfo=UTC), MINUTE)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"mon": ["9-12"]}, "not a working interval"),
        ({"mon": ["12:00-09:00"]}, "must end after it starts"),
        ({"mon": ["09:00-12:00", "11:00-13:00"]}, "must not overlap"),
        ({"mon": ["09:00-25:00"]}, "not a time of day"),
        ({"mon": ["09:60-10:00"]}, "not a time of day"),
        ({"monday": ["09:00-12:00"]}, "unknown weekday keys"),
        ({"mon": "09:00-12:00"}, "expected a list"),
        (["09:00-12:00"], "must map weekday keys"),
    ],
)
def test_bad_weekly_hours_are_rejected_with_a_clear_message(spec: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weekly_hours(spec)  # type: ignore[arg-type]


def test_weekly_hours_round_trip_through_their_json_form() -> None:
    spec = {"mon": ["09:00-12:00", "13:30-18:00"], "sat": ["00:00-24:00"]}
    canonical = format_weekly_hours(parse_weekly_hours(spec))
    assert canonical["mon"] == spec["mon"]
    assert canonical["sat"] == spec["sat"]
    assert canonical["sun"] == []


def test_unknown_time_zone_is_rejected() -> None:
    with pytest.raises(ValueError, match="not a known IANA time zone"):
        WorkingCalendar.from_spec(time_zone="Asia/Beijing", weekly_hours={})


@pytest.mark.parametrize(
    ("region", "expected"), [("CN", "cn"), ("hk", "hk"), ("US-CA", "us-ca"), ("", None)]
)
def test_holiday_regions_are_normalised(region: str, expected: str | None) -> None:
    assert normalise_holiday_region(region) == expected


@pytest.mark.parametrize("region", ["xx", "us-zz", "china"])
def test_unknown_holiday_regions_are_rejected(region: str) -> None:
    with pytest.raises(ValueError, match=r"not a (holiday region|subdivision)"):
        normalise_holiday_region(region)


# -- inputs past the years a datetime holds ---------------------------------------------


def test_a_deadline_past_the_year_9999_is_a_value_error_not_an_overflow() -> None:
    start = shanghai(2026, 9, 30, 17)
    huge = timedelta(minutes=1_000_000_000_000)
    with pytest.raises(ValueError, match="beyond the year 9999"):
        add_business_time(AROUND_THE_CLOCK, start, huge)
    with pytest.raises(ValueError, match="more than 25 years ahead"):
        add_business_time(CN_OFFICE, start, huge)


def test_a_start_in_the_first_year_is_a_value_error_not_an_overflow() -> None:
    start = datetime(1, 1, 1, tzinfo=SHANGHAI)
    with pytest.raises(ValueError, match="outside the years 1 to 9999"):
        business_time_between(CN_OFFICE, start, shanghai(2026, 1, 1, 9))
    with pytest.raises(ValueError, match="outside the years 1 to 9999"):
        add_business_time(CN_OFFICE, start, HOURS)


def test_measuring_over_centuries_is_refused_rather_than_built_year_by_year() -> None:
    with pytest.raises(ValueError, match="more than 100 years apart"):
        business_time_between(CN_OFFICE, shanghai(2026, 1, 1, 9), shanghai(2500, 1, 1, 9))
