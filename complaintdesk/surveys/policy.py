"""Survey, follow-up and closure settings, read when used; each has a default.

SURVEY_VALID_DAYS (14): how long a survey link works.
SURVEY_REMINDER_DAYS (3): a reminder goes out this many days after an unanswered survey;
0 sends none.
SURVEY_AUTO_CLOSE_DAYS (7): a resolved complaint whose survey has no answer this many days
after it was sent is closed by the sweep.
FOLLOW_UP_DAYS ((7, 30)): follow-up visits after closure, in days.
A bad value raises ImproperlyConfigured when it is first used.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from complaintdesk.notifications.policy import public_base_url

# Where links point when PUBLIC_BASE_URL is not set: the address `make run` serves on.
FALLBACK_BASE_URL = "http://127.0.0.1:8000"


def _days(name: str, default: int, *, minimum: int) -> int:
    raw = getattr(settings, name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number of days, not {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def survey_valid_days() -> int:
    return _days("SURVEY_VALID_DAYS", 14, minimum=1)


def survey_reminder_days() -> int:
    return _days("SURVEY_REMINDER_DAYS", 3, minimum=0)


def auto_close_days() -> int:
    return _days("SURVEY_AUTO_CLOSE_DAYS", 7, minimum=1)


def follow_up_days() -> tuple[int, ...]:
    raw = getattr(settings, "FOLLOW_UP_DAYS", (7, 30))
    if isinstance(raw, str):
        raw = [part for part in raw.split(",") if part.strip()]
    if not isinstance(raw, Iterable):
        raise ImproperlyConfigured(f"FOLLOW_UP_DAYS must be a list of days, not {raw!r}")
    try:
        days = sorted({int(value) for value in raw})
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"FOLLOW_UP_DAYS must be whole days, not {raw!r}") from exc
    if any(day < 1 for day in days):
        raise ImproperlyConfigured(f"FOLLOW_UP_DAYS must be at least 1 day each, not {raw!r}")
    return tuple(days)


def base_url() -> str:
    """The public address that survey links start with."""
    return public_base_url() or FALLBACK_BASE_URL
