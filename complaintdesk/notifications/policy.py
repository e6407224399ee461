"""Delivery policy read from settings: quiet hours, retries, the contact line, public links.

Each value has a default here so the project runs with no configuration; a bad value raises
ImproperlyConfigured when it is first used.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_QUIET_HOURS = "21:00-08:00"


def _clock_time(raw: str) -> time:
    try:
        hours, minutes = raw.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ImproperlyConfigured(f"NOTICE_QUIET_HOURS: {raw!r} is not a time like 21:00") from exc


def quiet_hours() -> tuple[time, time] | None:
    """(start, end) of the nightly SMS quiet period, or None when it is switched off ("")."""
    raw = getattr(settings, "NOTICE_QUIET_HOURS", DEFAULT_QUIET_HOURS)
    if not raw:
        return None
    start, sep, end = str(raw).partition("-")
    if not sep:
        raise ImproperlyConfigured(f"NOTICE_QUIET_HOURS must look like 21:00-08:00, not {raw!r}")
    return _clock_time(start), _clock_time(end)


def quiet_time_zone() -> ZoneInfo:
    """The organisation's time zone; customers carry none, so theirs is assumed the same."""
    return ZoneInfo(getattr(settings, "NOTICE_TIME_ZONE", "") or settings.TIME_ZONE)


def quiet_hours_end(at: datetime) -> datetime | None:
    """When the quiet period that `at` falls in ends, or None when `at` is not quiet."""
    period = quiet_hours()
    if period is None:
        return None
    start, end = period
    local = at.astimezone(quiet_time_zone())
    moment = local.time()
    if start == end:
        return None
    if start < end:
        quiet = start <= moment < end
        end_day = local.date()
    else:  # over midnight: 21:00-08:00
        quiet = moment >= start or moment < end
        end_day = local.date() + timedelta(days=1) if moment >= start else local.date()
    if not quiet:
        return None
    return datetime.combine(end_day, end, tzinfo=local.tzinfo)


def max_attempts() -> int:
    value = int(getattr(settings, "NOTICE_MAX_ATTEMPTS", 6))
    if value < 1:
        raise ImproperlyConfigured("NOTICE_MAX_ATTEMPTS must be at least 1")
    return value


def retry_delay(attempt: int) -> timedelta:
    """Backoff after the `attempt`-th failed try: 1, 2, 4, 8 … minutes, at most an hour."""
    base = int(getattr(settings, "NOTICE_RETRY_BASE_SECONDS", 60))
    return timedelta(seconds=min(3600, base * 2 ** max(0, attempt - 1)))


def contact_line() -> str:
    """How customers reach us when the handler has no e-mail of their own."""
    return str(getattr(settings, "NOTICE_CONTACT", "") or settings.DEFAULT_FROM_EMAIL)


def public_base_url() -> str:
    """The public address of this site (for the status page link), or "" if not configured."""
    return str(getattr(settings, "PUBLIC_BASE_URL", "")).rstrip("/")
