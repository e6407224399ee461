"""Working calendars shared by the engine tests, shaped like the built-in ones."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from complaintdesk.calendars.engine import WorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
HONG_KONG = ZoneInfo("Asia/Hong_Kong")
LONDON = ZoneInfo("Europe/London")

OFFICE_DAY = ["09:00-12:00", "13:30-18:00"]
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

CN_OFFICE = WorkingCalendar.from_spec(
    time_zone="Asia/Shanghai",
    weekly_hours={day: OFFICE_DAY for day in WEEKDAYS},
    holiday_region="cn",
    name="cn-office",
)
HK_OFFICE = WorkingCalendar.from_spec(
    time_zone="Asia/Hong_Kong",
    weekly_hours={day: ["09:00-18:00"] for day in WEEKDAYS},
    holiday_region="hk",
    name="hk-office",
)
LONDON_OFFICE = WorkingCalendar.from_spec(
    time_zone="Europe/London",
    weekly_hours={day: ["09:00-17:30"] for day in WEEKDAYS},
    holiday_region="gb",
    name="london-office",
)
# A night desk whose shifts cross midnight, so working time touches day boundaries.
NIGHT_DESK = WorkingCalendar.from_spec(
    time_zone="America/New_York",
    weekly_hours={
        "mon": ["00:00-06:00", "22:00-24:00"],
        "tue": ["00:00-06:00", "22:00-24:00"],
        "wed": ["00:00-06:00", "22:00-24:00"],
        "thu": ["00:00-06:00", "22:00-24:00"],
        "fri": ["00:00-06:00"],
        "sun": ["22:00-24:00"],
    },
    holiday_region="us",
    name="night-desk",
)
AROUND_THE_CLOCK = WorkingCalendar.always_open("Asia/Shanghai", name="cn-24x7")


def shanghai(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)
