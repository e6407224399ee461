"""Business-time arithmetic: the one place that knows when an organisation is working.

Pure functions over a `WorkingCalendar` value object; no ORM. Instants go in and come out
as aware datetimes. Internally every instant is an integer count of microseconds since
the Unix epoch, so adding and then measuring gives back exactly what was added.

Each calendar keeps, per local year, the list of its working intervals as UTC instants
together with a running total of business time. A deadline or a measurement is then two
binary searches, however many days, weekends and holidays lie in between.

Holiday data:
- region ``cn`` uses the ``chinesecalendar`` package: statutory holidays are closed and the
  make-up working days (调休) are worked with the normal weekday hours;
- any other region is an ISO country code for the ``holidays`` package, optionally with a
  subdivision (``us-ca``, ``gb-sct``); its public holidays are closed;
- the organisation's own closures and extra working dates override both.

Years that ``chinesecalendar`` has no data for (the State Council publishes each year's
schedule only in the preceding November or December) fall back to the plain weekly pattern:
weekends off, no statutory holidays. That keeps deadlines computable at the turn of the
year; `DayInfo.provisional` and `holiday_data_covers` tell callers when a day was guessed,
a warning is logged, and administrators can enter the published schedule as closures and
extra working dates until the package is upgraded.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar
import holidays as holidays_lib
from chinese_calendar import constants as chinese_calendar_data

logger = logging.getLogger(__name__)

MINUTES_PER_DAY = 24 * 60
WEEKDAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CHINA = "cn"
# A deadline search gives up after this many years without enough working time, so a
# calendar with no working days fails loudly instead of looping.
SEARCH_HORIZON_YEARS = 25
# Measuring builds the timeline of every year in between, so a span is bounded too.
MEASURE_HORIZON_YEARS = 100

Interval = tuple[int, int]
"""Working interval as minutes after local midnight, start inclusive, end exclusive."""
DayHours = tuple[Interval, ...]
WeeklyHours = tuple[DayHours, DayHours, DayHours, DayHours, DayHours, DayHours, DayHours]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_INTERVAL_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class DayKind(StrEnum):
    """Why a local date has the working hours it has."""

    WORKING = "working"  # a normal working day of the weekly pattern
    REST = "rest"  # a normal day off of the weekly pattern (usually the weekend)
    HOLIDAY = "holiday"  # public or statutory holiday of the calendar's region
    MAKEUP = "makeup"  # weekend day made a working day by the state (调休)
    CLOSURE = "closure"  # the organisation closes
    EXTRA = "extra"  # the organisation works on a day it would otherwise not


@dataclass(frozen=True, slots=True)
class DayInfo:
    """The working hours of one local date and the reason for them."""

    day: date
    kind: DayKind
    hours: DayHours
    reason: str = ""
    # True when the region's holiday data does not cover this year and the weekly pattern
    # was used instead.
    provisional: bool = False

    @property
    def is_working(self) -> bool:
        return bool(self.hours)

    @property
    def working_minutes(self) -> int:
        return sum(end - start for start, end in self.hours)


# -- parsing and validation -------------------------------------------------------------


def _parse_clock(hours: str, minutes: str, text: str) -> int:
    value = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or value > MINUTES_PER_DAY:
        raise ValueError(f"{text!r} is not a time of day between 00:00 and 24:00")
    return value


def parse_interval(text: str) -> Interval:
    """Parse ``"09:00-12:00"`` into minutes after midnight; ``24:00`` may end a day."""
    match = _INTERVAL_RE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a working interval like '09:00-12:00'")
    start = _parse_clock(match[1], match[2], text)
    end = _parse_clock(match[3], match[4], text)
    if start >= end:
        raise ValueError(f"working interval {text!r} must end after it starts")
    return start, end


def format_interval(interval: Interval) -> str:
    start, end = interval
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def _check_day_hours(hours: Sequence[Interval], where: str) -> DayHours:
    checked: list[Interval] = []
    for start, end in hours:
        if not (0 <= start < end <= MINUTES_PER_DAY):
            raise ValueError(f"{where}: interval {start}-{end} is not within one day")
        if checked and start < checked[-1][1]:
            raise ValueError(
                f"{where}: working intervals must be in order and must not overlap "
                f"({format_interval(checked[-1])} and {format_interval((start, end))})"
            )
        checked.append((start, end))
    return tuple(checked)


def parse_weekly_hours(spec: Mapping[str, Sequence[str]]) -> WeeklyHours:
    """Parse ``{"mon": ["09:00-12:00", "13:30-18:00"], ...}``; missing days are days off."""
    if not isinstance(spec, Mapping):
        raise ValueError("weekly hours must map weekday keys (mon…sun) to lists of intervals")
    unknown = sorted(set(spec) - set(WEEKDAY_KEYS))
    if unknown:
        raise ValueError(f"unknown weekday keys {unknown}; use {', '.join(WEEKDAY_KEYS)}")
    days: list[DayHours] = []
    for key in WEEKDAY_KEYS:
        texts = spec.get(key, [])
        if isinstance(texts, str) or not isinstance(texts, Sequence):
            raise ValueError(f"{key}: expected a list of intervals like ['09:00-12:00']")
        intervals: list[Interval] = []
        for text in texts:
            if not isinstance(text, str):
                raise ValueError(f"{key}: {text!r} is not a working interval like '09:00-12:00'")
            intervals.append(parse_interval(text))
        days.append(_check_day_hours(intervals, key))
    return _weekly(days)


def format_weekly_hours(weekly: WeeklyHours) -> dict[str, list[str]]:
    """The JSON form of a weekly pattern, the inverse of `parse_weekly_hours`."""
    return {
        key: [format_interval(i) for i in day]
        for key, day in zip(WEEKDAY_KEYS, weekly, strict=True)
    }


def _weekly(days: Sequence[Sequence[Sequence[int]]]) -> WeeklyHours:
    if len(days) != 7:
        raise ValueError("weekly hours need exactly seven days, Monday first")
    d = [tuple((int(start), int(end)) for start, end in day) for day in days]
    return (d[0], d[1], d[2], d[3], d[4], d[5], d[6])


def validate_time_zone(name: str) -> ZoneInfo:
    """Return the zone for an IANA name such as ``Asia/Shanghai``; ValueError otherwise."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{name!r} is not a known IANA time zone") from exc


def normalise_holiday_region(region: str | None) -> str | None:
    """Check a holiday region and return it lower-cased (``None`` or ``""`` mean none).

    ``cn`` is mainland China (chinesecalendar); anything else is an ISO 3166 country code
    known to the ``holidays`` package, optionally followed by ``-SUBDIVISION``.
    """
    if not region:
        return None
    region = region.strip().lower()
    if region == CHINA:
        return region
    country, _, subdivision = region.partition("-")
    supported = holidays_lib.list_supported_countries()
    if country.upper() not in supported:
        raise ValueError(f"{region!r} is not a holiday region (use 'cn' or an ISO country code)")
    if subdivision and subdivision.upper() not in supported[country.upper()]:
        raise ValueError(f"{subdivision!r} is not a subdivision of {country.upper()}")
    return region


@cache
def chinese_calendar_years() -> range:
    """The years for which chinesecalendar knows the statutory holidays and make-up days."""
    years = [day.year for day in chinese_calendar_data.holidays]
    return range(min(years), max(years) + 1)


# -- holiday sources --------------------------------------------------------------------


@cache
def _public_holidays(region: str, year: int) -> Mapping[date, str]:
    """Public holidays of a `holidays` region in one year (cached: building them is slow)."""
    country, _, subdivision = region.partition("-")
    found = holidays_lib.country_holidays(
        country.upper(), subdiv=subdivision.upper() or None, years=year
    )
    return dict(found.items())


@cache
def _china_year(year: int) -> tuple[Mapping[date, str], Mapping[date, str]] | None:
    """Statutory holidays and make-up working days of one year, or None if unknown."""
    if year not in chinese_calendar_years():
        return None
    closed: dict[date, str] = {}
    worked: dict[date, str] = {}
    day = date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        # get_holiday_detail names only the days that differ from the plain week:
        # (True, name) is a statutory holiday, (False, name) a make-up working day.
        if name is not None:
            (closed if on_holiday else worked)[day] = name
        day += timedelta(days=1)
    return closed, worked


# -- the calendar -----------------------------------------------------------------------


@dataclass(slots=True)
class _Timeline:
    """Working intervals of a run of local years as UTC microseconds, with running totals.

    ``cum[i]`` is the business time from ``lo`` to ``starts[i]``; ``cum_end[i]`` adds the
    length of interval ``i``. Never mutated once published: extending builds a new one.
    """

    first_year: int
    last_year: int
    lo: int
    hi: int
    starts: list[int]
    ends: list[int]
    cum: list[int]
    cum_end: list[int]

    def business_before(self, instant: int) -> int:
        i = bisect_right(self.starts, instant) - 1
        if i < 0:
            return 0
        return self.cum[i] + min(instant, self.ends[i]) - self.starts[i]

    @property
    def total(self) -> int:
        return self.cum_end[-1] if self.cum_end else 0


@dataclass(slots=True)
class _Cache:
    days: dict[date, DayInfo] = field(default_factory=dict)
    years: dict[int, list[Interval]] = field(default_factory=dict)
    timeline: _Timeline | None = None


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """When an organisational unit works: weekly hours in a time zone, minus holidays.

    Build one with `WorkingCalendar.from_spec` or `WorkingCalendar.always_open`; the
    constructor takes parsed values. Instances are immutable and safe to share between
    threads; each keeps a private cache of the days and years it has looked at.
    """

    time_zone: str
    weekly_hours: WeeklyHours
    holiday_region: str | None = None
    closures: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    name: str = ""
    closure_reasons: Mapping[date, str] = field(default_factory=dict, compare=False, hash=False)
    zone: ZoneInfo = field(init=False, compare=False, hash=False, repr=False)
    workday_hours: DayHours = field(init=False, compare=False, hash=False, repr=False)
    always_open_exactly: bool = field(init=False, compare=False, hash=False, repr=False)
    _cache: _Cache = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        # Frozen dataclass: derived attributes are set once here and never again.
        setattr_ = object.__setattr__
        setattr_(self, "zone", validate_time_zone(self.time_zone))
        weekly = _weekly(self.weekly_hours)
        for key, day in zip(WEEKDAY_KEYS, weekly, strict=True):
            _check_day_hours(day, key)
        setattr_(self, "weekly_hours", weekly)
        setattr_(self, "holiday_region", normalise_holiday_region(self.holiday_region))
        setattr_(self, "closures", frozenset(self.closures))
        setattr_(self, "extra_working_days", frozenset(self.extra_working_days))
        setattr_(self, "closure_reasons", MappingProxyType(dict(self.closure_reasons)))
        both = self.closures & self.extra_working_days
        if both:
            raise ValueError(
                "a date cannot be both a closure and an extra working day: "
                + ", ".join(d.isoformat() for d in sorted(both))
            )
        setattr_(self, "workday_hours", _normal_weekday_hours(weekly))
        full_day: DayHours = ((0, MINUTES_PER_DAY),)
        setattr_(
            self,
            "always_open_exactly",
            all(day == full_day for day in weekly)
            and self.holiday_region is None
            and not self.closures,
        )
        setattr_(self, "_cache", _Cache())

    @classmethod
    def from_spec(
        cls,
        *,
        time_zone: str,
        weekly_hours: Mapping[str, Sequence[str]],
        holiday_region: str | None = None,
        closures: Iterable[date] | Mapping[date, str] = (),
        extra_working_days: Iterable[date] = (),
        name: str = "",
    ) -> WorkingCalendar:
        """Build a calendar from the JSON form of its weekly hours (see `parse_weekly_hours`).

        ``closures`` may map each date to its reason, which `describe_day` then reports.
        """
        reasons = dict(closures) if isinstance(closures, Mapping) else {}
        return cls(
            time_zone=time_zone,
            weekly_hours=parse_weekly_hours(weekly_hours),
            holiday_region=holiday_region,
            closures=frozenset(closures),
            extra_working_days=frozenset(extra_working_days),
            name=name,
            closure_reasons=reasons,
        )

    @classmethod
    def always_open(cls, time_zone: str = "UTC", name: str = "24x7") -> WorkingCalendar:
        """Every minute counts: the calendar for time limits stated in calendar hours."""
        full_day: DayHours = ((0, MINUTES_PER_DAY),)
        return cls(time_zone=time_zone, weekly_hours=_weekly([full_day] * 7), name=name)

    def holiday_data_covers(self, day: date) -> bool:
        """False when the region's holiday data does not know ``day``'s year (see module doc)."""
        return self.holiday_region != CHINA or day.year in chinese_calendar_years()

    def describe_day(self, day: date) -> DayInfo:
        """The working hours of a local date and why (cached per calendar)."""
        info = self._cache.days.get(day)
        if info is None:
            info = self._classify(day)
            self._cache.days[day] = info
        return info

    def _classify(self, day: date) -> DayInfo:
        if day in self.closures:
            return DayInfo(day, DayKind.CLOSURE, (), self.closure_reasons.get(day, ""))
        if day in self.extra_working_days:
            return DayInfo(day, DayKind.EXTRA, self.workday_hours)
        region = self.holiday_region
        provisional = False
        if region == CHINA:
            china = _china_year(day.year)
            if china is None:
                provisional = True
            else:
                closed, worked = china
                if day in closed:
                    return DayInfo(day, DayKind.HOLIDAY, (), closed[day])
                if day in worked:
                    return DayInfo(day, DayKind.MAKEUP, self.workday_hours, worked[day])
        elif region is not None:
            public = _public_holidays(region, day.year)
            if day in public:
                return DayInfo(day, DayKind.HOLIDAY, (), public[day])
        hours = self.weekly_hours[day.weekday()]
        kind = DayKind.WORKING if hours else DayKind.REST
        return DayInfo(day, kind, hours, provisional=provisional)

    # -- timeline, used by the two public functions below ---------------------------

    def _local_midnight(self, day: date) -> int:
        return _to_us(datetime.combine(day, time(), tzinfo=self.zone))

    def _year_intervals(self, year: int) -> list[Interval]:
        """Working intervals of one local year as UTC microseconds (cached)."""
        found = self._cache.years.get(year)
        if found is not None:
            return found
        if self.holiday_region == CHINA and year not in chinese_calendar_years():
            logger.warning(
                "calendar %s: chinesecalendar has no statutory holidays for %s; "
                "counting weekends only (upgrade chinesecalendar or enter closures)",
                self.name or self.time_zone,
                year,
            )
        intervals: list[Interval] = []
        day = date(year, 1, 1)
        while day.year == year:
            hours = self.describe_day(day).hours
            if hours:
                midnight = datetime.combine(day, time())
                for start, end in hours:
                    # Wall-clock times through the zone, so DST days get their real length.
                    a = _to_us((midnight + timedelta(minutes=start)).replace(tzinfo=self.zone))
                    b = _to_us((midnight + timedelta(minutes=end)).replace(tzinfo=self.zone))
                    if a < b:
                        intervals.append((a, b))
            day += timedelta(days=1)
        self._cache.years[year] = intervals
        return intervals

    def _build_timeline(self, first_year: int, last_year: int) -> _Timeline:
        raw = [i for year in range(first_year, last_year + 1) for i in self._year_intervals(year)]
        raw.sort()
        # Merge touching and overlapping intervals (DST gaps can make wall-clock intervals
        # overlap; 24-hour days touch at midnight) so every instant is counted once.
        starts: list[int] = []
        ends: list[int] = []
        for a, b in raw:
            if ends and a <= ends[-1]:
                ends[-1] = max(ends[-1], b)
            else:
                starts.append(a)
                ends.append(b)
        cum: list[int] = []
        cum_end: list[int] = []
        total = 0
        for a, b in zip(starts, ends, strict=True):
            cum.append(total)
            total += b - a
            cum_end.append(total)
        lo = self._local_midnight(date(first_year, 1, 1))
        hi = self._local_midnight(date(last_year + 1, 1, 1)) if last_year < 9999 else _MAX_US
        timeline = _Timeline(first_year, last_year, lo, hi, starts, ends, cum, cum_end)
        self._cache.timeline = timeline
        return timeline

    def _local_year(self, instant: int) -> int:
        return _from_us(instant, self.zone).year

    def _timeline_reaching(self, timeline: _Timeline, target: int) -> _Timeline:
        """Extend ``timeline`` by whole years until its business time reaches ``target``."""
        horizon = min(timeline.last_year + SEARCH_HORIZON_YEARS, _LAST_YEAR)
        while target > timeline.total:
            if timeline.last_year >= _LAST_YEAR:
                raise ValueError(_BEYOND_RANGE)
            if timeline.last_year >= horizon:
                raise ValueError(
                    f"calendar {self.name or self.time_zone} has too little working time: "
                    f"the deadline lies more than {SEARCH_HORIZON_YEARS} years ahead"
                )
            # Extending forward keeps the running totals, so ``target`` stays valid.
            timeline = self._build_timeline(timeline.first_year, timeline.last_year + 1)
        return timeline

    def _timeline_covering(self, earliest: int, latest: int) -> _Timeline:
        """A timeline whose years include both instants (``earliest <= latest``)."""
        timeline = self._cache.timeline
        if timeline is not None and timeline.lo <= earliest and latest < timeline.hi:
            return timeline
        first, last = self._local_year(earliest), self._local_year(latest)
        if timeline is not None:
            first, last = min(first, timeline.first_year), max(last, timeline.last_year)
        return self._build_timeline(first, last)


def _normal_weekday_hours(weekly: WeeklyHours) -> DayHours:
    """Hours of a make-up or extra working day: the most common Monday–Friday pattern."""
    patterns = Counter(day for day in weekly[:5] if day)
    if not patterns:
        patterns = Counter(day for day in weekly if day)
    if not patterns:
        return ()
    best = max(patterns.values())
    # Ties go to the earliest weekday, so the choice does not depend on dict ordering.
    return next(day for day in weekly if day and patterns[day] == best)


# -- conversions ------------------------------------------------------------------------

_ZERO = timedelta(0)
_MAX_US = (datetime.max.replace(tzinfo=UTC) - _EPOCH) // _MICROSECOND
# Instants the engine accepts and returns: a day inside Python's years 1–9999 at each end,
# so converting to any time zone cannot step outside them (which raises OverflowError).
_FIRST_US = (datetime(1, 1, 2, tzinfo=UTC) - _EPOCH) // _MICROSECOND
_LAST_US = (datetime(9999, 12, 30, tzinfo=UTC) - _EPOCH) // _MICROSECOND
_LAST_YEAR = 9998
_BEYOND_RANGE = "the result lies beyond the year 9999, the last date a calendar can hold"


def _to_us(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def _from_us(instant: int, zone: ZoneInfo) -> datetime:
    if not _FIRST_US <= instant <= _LAST_US:
        raise ValueError(_BEYOND_RANGE)
    return (_EPOCH + timedelta(microseconds=instant)).astimezone(zone)


def _require_aware(moment: datetime, what: str) -> int:
    try:
        # Subtracting from an aware epoch is the cheapest check and conversion in one: it
        # fails with TypeError for naive datetimes and for anything that is not a datetime.
        instant = (moment - _EPOCH) // _MICROSECOND
    except TypeError:
        pass
    else:
        if not _FIRST_US <= instant <= _LAST_US:
            raise ValueError(
                f"{what} {moment.isoformat()} is outside the years 1 to 9999 that business "
                "time can be counted in"
            )
        return instant
    if not isinstance(moment, datetime):
        raise ValueError(f"{what} must be a datetime, not {type(moment).__name__}")
    raise ValueError(
        f"{what} {moment.isoformat()} is a naive datetime; business time needs an aware "
        "datetime (with a time zone or UTC offset)"
    )


# -- the two core functions -------------------------------------------------------------


def add_business_time(calendar: WorkingCalendar, start: datetime, duration: timedelta) -> datetime:
    """The instant at which ``duration`` of business time has passed since ``start``.

    A start outside working hours begins counting at the next opening. A deadline that
    falls exactly at a closing time is that closing time, not the next opening. A zero
    duration returns ``start`` itself. The result is in the calendar's time zone.
    """
    begin = _require_aware(start, "start")
    if not isinstance(duration, timedelta):
        raise ValueError(f"duration must be a timedelta, not {type(duration).__name__}")
    amount = duration // _MICROSECOND
    if amount <= 0:
        if amount < 0:
            raise ValueError(f"duration must not be negative, got {duration}")
        return _from_us(begin, calendar.zone)
    if calendar.always_open_exactly:
        return _from_us(begin + amount, calendar.zone)
    timeline = calendar._timeline_covering(begin, begin)
    target = timeline.business_before(begin) + amount
    if target > timeline.total:
        timeline = calendar._timeline_reaching(timeline, target)
    i = bisect_left(timeline.cum_end, target)
    return _from_us(timeline.starts[i] + target - timeline.cum[i], calendar.zone)


def business_time_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> timedelta:
    """The business time from ``start`` to ``end``; zero when ``end`` is not after ``start``."""
    begin = _require_aware(start, "start")
    finish = _require_aware(end, "end")
    if finish <= begin:
        return _ZERO
    if calendar.always_open_exactly:
        return timedelta(microseconds=finish - begin)
    if calendar._local_year(finish) - calendar._local_year(begin) > MEASURE_HORIZON_YEARS:
        raise ValueError(
            f"{start.isoformat()} and {end.isoformat()} lie more than "
            f"{MEASURE_HORIZON_YEARS} years apart; business time is measured over shorter spans"
        )
    timeline = calendar._timeline_covering(begin, finish)
    amount = timeline.business_before(finish) - timeline.business_before(begin)
    return timedelta(microseconds=amount)


def working_day_length(calendar: WorkingCalendar) -> timedelta:
    """The business time one working day of ``calendar`` holds: the hours of its normal
    weekday (`WorkingCalendar.workday_hours`), a whole day on a calendar open around the clock.

    This is what a limit stated in working days is counted in: five working days are five of
    these, so on an office calendar they end at the same clock time on the fifth working day
    after the start (at closing time when the start is before opening), and on a 24×7
    calendar five calendar days later, not 5 × 7.5 hours (QA: due in 37.5 hours).
    """
    minutes = sum(end - start for start, end in calendar.workday_hours)
    if not minutes:
        raise ValueError(
            f"calendar {calendar.name or calendar.time_zone} has no working days, so a limit "
            "in working days cannot be counted in it"
        )
    return timedelta(minutes=minutes)


def business_minutes_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> int:
    """Whole business minutes from ``start`` to ``end`` (seconds are truncated)."""
    return business_time_between(calendar, start, end) // timedelta(minutes=1)
