"""Property-based tests: adding then measuring gives back what was added, and order holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from complaintdesk.calendars.engine import (
    WorkingCalendar,
    add_business_time,
    business_time_between,
)
from complaintdesk.calendars.tests.samples import (
    AROUND_THE_CLOCK,
    CN_OFFICE,
    HK_OFFICE,
    LONDON_OFFICE,
    NIGHT_DESK,
)

calendars = st.sampled_from([CN_OFFICE, HK_OFFICE, LONDON_OFFICE, NIGHT_DESK, AROUND_THE_CLOCK])
# Starts across 2024–2026: years chinesecalendar knows, two DST changes a year in London
# and New York, Spring Festival and National Day weeks.
instants = st.datetimes(
    min_value=datetime(2024, 1, 1),  # hypothesis takes naive bounds and adds the zone
    max_value=datetime(2026, 10, 31),
    timezones=st.just(UTC),
)
durations = st.one_of(
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=80)),
    # Whole minutes, as time limits are written, to land exactly on openings and closings.
    st.integers(min_value=0, max_value=80 * 60).map(lambda m: timedelta(minutes=m)),
)
examples = settings(max_examples=300, deadline=None)


@examples
@given(calendar=calendars, start=instants, duration=durations)
def test_measuring_up_to_the_deadline_gives_back_the_duration(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    deadline = add_business_time(calendar, start, duration)
    assert deadline >= start
    assert business_time_between(calendar, start, deadline) == duration


@examples
@given(calendar=calendars, start=instants, first=durations, second=durations)
def test_deadlines_grow_with_the_duration_and_compose(
    calendar: WorkingCalendar, start: datetime, first: timedelta, second: timedelta
) -> None:
    shorter, longer = sorted((first, second))
    assert add_business_time(calendar, start, shorter) <= add_business_time(calendar, start, longer)
    halfway = add_business_time(calendar, start, first)
    assert add_business_time(calendar, halfway, second) == add_business_time(
        calendar, start, first + second
    )


@examples
@given(calendar=calendars, a=instants, b=instants, duration=durations)
def test_a_later_start_never_gives_an_earlier_deadline(
    calendar: WorkingCalendar, a: datetime, b: datetime, duration: timedelta
) -> None:
    early, late = sorted((a, b))
    assert add_business_time(calendar, early, duration) <= add_business_time(
        calendar, late, duration
    )


@examples
@given(calendar=calendars, a=instants, b=instants, c=instants)
def test_business_time_adds_up_over_consecutive_spans_and_never_exceeds_elapsed_time(
    calendar: WorkingCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    start, middle, end = sorted((a, b, c))
    whole = business_time_between(calendar, start, end)
    parts = business_time_between(calendar, start, middle) + business_time_between(
        calendar, middle, end
    )
    assert whole == parts
    assert timedelta(0) <= whole <= end - start
    assert business_time_between(calendar, start, middle) <= whole
