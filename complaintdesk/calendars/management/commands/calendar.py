"""`complaintdesk calendar deadline|between`: the business-time functions on the command line."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaintdesk.calendars.engine import (
    WorkingCalendar,
    add_business_time,
    business_minutes_between,
)
from complaintdesk.calendars.models import BusinessCalendar, load_calendar

_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


def parse_instant(text: str, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{what} {text!r} is not an ISO 8601 time such as 2025-09-30T17:30+08:00"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CommandError(
            f"{what} {text!r} has no UTC offset; write it with one, e.g. 2025-09-30T17:30+08:00"
        )
    return moment


def parse_hours(text: str) -> timedelta:
    try:
        hours = Decimal(text.strip())
    except InvalidOperation:
        raise CommandError(f"--hours {text!r} is not a number of hours") from None
    if not hours.is_finite():
        raise CommandError(f"--hours {text!r} is not a number of hours")
    if hours < 0:
        raise CommandError(f"--hours must not be negative, got {text}")
    # Decimal keeps 1.1 hours exact; the engine's resolution is a microsecond.
    try:
        return timedelta(microseconds=int((hours * _MICROSECONDS_PER_HOUR).to_integral_value()))
    except OverflowError:
        raise CommandError(f"--hours {text} is more than a time span can hold") from None


class Command(BaseCommand):
    help = "Compute business-time deadlines and business minutes in a stored calendar."
    # The answer goes to stdout for scripts; system check warnings would only add noise.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        deadline = actions.add_parser(
            "deadline",
            help="Print the deadline N business hours after a start time (ISO 8601).",
        )
        deadline.add_argument("--calendar", required=True, help="calendar name, e.g. cn-office")
        deadline.add_argument("--start", required=True, help="start time with UTC offset")
        deadline.add_argument("--hours", required=True, help="business hours, may be fractional")
        between = actions.add_parser(
            "between", help="Print the whole business minutes between two times."
        )
        between.add_argument("--calendar", required=True, help="calendar name, e.g. cn-office")
        between.add_argument("--start", required=True, help="start time with UTC offset")
        between.add_argument("--end", required=True, help="end time with UTC offset")

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = self._calendar(options["calendar"])
        start = parse_instant(options["start"], "--start")
        try:
            if options["action"] == "deadline":
                due = add_business_time(calendar, start, parse_hours(options["hours"]))
                self.stdout.write(due.isoformat())
            else:
                end = parse_instant(options["end"], "--end")
                self.stdout.write(str(business_minutes_between(calendar, start, end)))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

    def _calendar(self, name: str) -> WorkingCalendar:
        try:
            return load_calendar(name)
        except BusinessCalendar.DoesNotExist:
            known = ", ".join(BusinessCalendar.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"no business calendar named {name!r} (known: {known})") from None
