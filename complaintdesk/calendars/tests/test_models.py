"""Stored calendars: the built-in rows, validation, closures and the load cache."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from complaintdesk.calendars.choices import ClosureKind
from complaintdesk.calendars.engine import add_business_time, business_time_between
from complaintdesk.calendars.models import BusinessCalendar, CalendarClosure, load_calendar
from complaintdesk.calendars.tests.samples import shanghai

pytestmark = pytest.mark.django_db

HOURS = timedelta(hours=1)


def test_built_in_calendars_exist_after_migrating() -> None:
    stored = {c.name: c for c in BusinessCalendar.objects.all()}
    assert {"cn-office", "cn-24x7", "hk-office"} <= set(stored)
    assert stored["cn-office"].time_zone == "Asia/Shanghai"
    assert stored["cn-office"].holiday_region == "cn"
    assert stored["hk-office"].time_zone == "Asia/Hong_Kong"
    assert stored["hk-office"].holiday_region == "hk"
    assert all(c.active for c in stored.values())


def test_built_in_cn_office_has_lunch_break_and_counts_make_up_days() -> None:
    office = load_calendar("cn-office")
    assert office.describe_day(date(2025, 9, 3)).hours == ((540, 720), (810, 1080))
    assert office.describe_day(date(2025, 9, 6)).hours == ()
    due = add_business_time(office, shanghai(2025, 9, 30, 17, 30), 24 * HOURS)
    assert due == shanghai(2025, 10, 13, 10, 0)


def test_built_in_around_the_clock_calendar_counts_every_minute() -> None:
    always = load_calendar("cn-24x7")
    assert always.always_open_exactly
    start = shanghai(2025, 10, 1, 8, 0)
    assert add_business_time(always, start, 24 * HOURS) == shanghai(2025, 10, 2, 8, 0)


def test_built_in_hong_kong_office_closes_on_hong_kong_holidays() -> None:
    hong_kong = load_calendar("hk-office")
    assert hong_kong.zone.key == "Asia/Hong_Kong"
    start, end = shanghai(2025, 10, 1), shanghai(2025, 10, 2)
    assert business_time_between(hong_kong, start, end) == timedelta(0)
    assert business_time_between(load_calendar("cn-office"), start, end) == timedelta(0)
    assert business_time_between(hong_kong, end, shanghai(2025, 10, 3)) == 9 * HOURS


def test_loaded_calendar_is_reused_until_a_closure_is_saved() -> None:
    first = load_calendar("cn-office")
    assert load_calendar("cn-office") is first
    office = BusinessCalendar.objects.get(name="cn-office")
    CalendarClosure.objects.create(calendar=office, date=date(2025, 10, 9), reason="office move")
    reloaded = load_calendar("cn-office")
    assert reloaded is not first
    due = add_business_time(reloaded, shanghai(2025, 9, 30, 17, 30), 24 * HOURS)
    assert due == shanghai(2025, 10, 14, 10, 0)
    assert reloaded.describe_day(date(2025, 10, 9)).reason == "office move"


def test_extra_working_day_stored_as_a_closure_row_opens_the_calendar() -> None:
    office = BusinessCalendar.objects.get(name="cn-office")
    load_calendar("cn-office")
    CalendarClosure.objects.create(
        calendar=office, date=date(2025, 10, 12), kind=ClosureKind.EXTRA_WORKING_DAY
    )
    sunday = business_time_between(
        load_calendar("cn-office"), shanghai(2025, 10, 12), shanghai(2025, 10, 13)
    )
    assert sunday == timedelta(hours=7, minutes=30)


def test_editing_weekly_hours_is_seen_by_the_next_load() -> None:
    load_calendar("hk-office")
    stored = BusinessCalendar.objects.get(name="hk-office")
    stored.weekly_hours = {"mon": ["10:00-12:00"]}
    stored.save()
    assert load_calendar("hk-office").describe_day(date(2025, 9, 1)).hours == ((600, 720),)


def test_unknown_calendar_name_raises_does_not_exist() -> None:
    with pytest.raises(BusinessCalendar.DoesNotExist, match="no business calendar named 'nope'"):
        load_calendar("nope")


def test_inactive_calendar_still_times_old_complaints() -> None:
    BusinessCalendar.objects.filter(name="hk-office").update(active=False)
    assert load_calendar("hk-office").name == "hk-office"


def test_only_one_exception_per_calendar_and_date() -> None:
    office = BusinessCalendar.objects.get(name="cn-office")
    CalendarClosure.objects.create(calendar=office, date=date(2025, 10, 9))
    with pytest.raises(IntegrityError):
        CalendarClosure.objects.create(
            calendar=office, date=date(2025, 10, 9), kind=ClosureKind.EXTRA_WORKING_DAY
        )


def _calendar(**fields: object) -> BusinessCalendar:
    values: dict[str, object] = {
        "name": "night-desk",
        "label": "Night desk",
        "time_zone": "Asia/Shanghai",
        "holiday_region": "",
        "weekly_hours": {"mon": ["22:00-24:00"]},
    }
    return BusinessCalendar(**(values | fields))


def test_clean_stores_weekly_hours_and_region_in_canonical_form() -> None:
    calendar = _calendar(weekly_hours={"mon": [" 9:00 - 12:00"]}, holiday_region="GB-SCT")
    calendar.full_clean()
    assert calendar.weekly_hours["mon"] == ["09:00-12:00"]
    assert calendar.weekly_hours["sun"] == []
    assert calendar.holiday_region == "gb-sct"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"weekly_hours": {"mon": ["12:00-09:00"]}}, "weekly_hours", "must end after it starts"),
        ({"weekly_hours": {"lundi": []}}, "weekly_hours", "unknown weekday keys"),
        ({"weekly_hours": ["09:00-18:00"]}, "weekly_hours", "must map weekday keys"),
        ({"time_zone": "Beijing"}, "time_zone", "not a known time zone"),
        ({"holiday_region": "zz"}, "holiday_region", "not a holiday region"),
    ],
)
def test_clean_rejects_bad_calendar_settings(
    fields: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        _calendar(**fields).full_clean()
    assert message in " ".join(caught.value.message_dict[field])
