from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from complaintdesk.calendars.choices import ClosureKind
from complaintdesk.calendars.engine import (
    WorkingCalendar,
    format_weekly_hours,
    normalise_holiday_region,
    parse_weekly_hours,
    validate_time_zone,
)

# Other processes notice an edited calendar within this many seconds; the process that
# saved it notices at once. An edit read inside its own transaction and then rolled back
# stays visible to this process for at most this long.
CALENDAR_CACHE_SECONDS = 60.0


def validate_time_zone_name(value: str) -> None:
    try:
        validate_time_zone(value)
    except ValueError as exc:
        raise ValidationError(
            _("%(value)s is not a known time zone (use an IANA name such as Asia/Shanghai)."),
            code="invalid_time_zone",
            params={"value": value},
        ) from exc


def validate_holiday_region(value: str) -> None:
    try:
        normalise_holiday_region(value)
    except ValueError as exc:
        raise ValidationError(
            _(
                "%(value)s is not a holiday region. Use cn for mainland China or an ISO "
                "country code such as hk, tw, gb, us, optionally with a subdivision (us-ca)."
            ),
            code="invalid_holiday_region",
            params={"value": value},
        ) from exc


class BusinessCalendar(models.Model):
    """The working time of a department: weekly hours in one time zone, minus holidays.

    Time limits counted in business hours run only while the calendar is open. The holiday
    region decides which public holidays close it; for mainland China (`cn`) the statutory
    holidays close it and the make-up working days (调休) open it with the normal weekday
    hours. Closures on particular dates are the organisation's own exceptions.

    Departments refer to a calendar by its name. A calendar that is no longer active stays
    loadable, so complaints already timed by it keep their deadlines.
    """

    name = models.SlugField(_("name"), max_length=60, unique=True)
    label = models.CharField(_("label"), max_length=100)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Shanghai",
        validators=[validate_time_zone_name],
        help_text=_("IANA time zone of the working hours, e.g. Asia/Shanghai."),
    )
    holiday_region = models.CharField(
        _("holiday region"),
        max_length=16,
        blank=True,
        validators=[validate_holiday_region],
        help_text=_(
            "cn for mainland China statutory holidays and make-up working days; another ISO "
            "country code (hk, tw, gb, us, us-ca…) for its public holidays; empty for none."
        ),
    )
    weekly_hours = models.JSONField(
        _("weekly hours"),
        default=dict,
        blank=True,
        help_text=_(
            'Working intervals per weekday, e.g. {"mon": ["09:00-12:00", "13:30-18:00"]}. '
            "Days left out are days off; 00:00-24:00 is a whole day."
        ),
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Offered for departments; inactive calendars still time old complaints."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.label or self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _forget_after_edit()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        _forget_after_edit()
        return result

    def clean(self) -> None:
        super().clean()
        try:
            # Stored in canonical form so the admin and exports show one spelling.
            self.weekly_hours = format_weekly_hours(parse_weekly_hours(self.weekly_hours))
        except ValueError as exc:
            raise ValidationError(
                {
                    "weekly_hours": ValidationError(
                        _("These weekly hours are not valid: %(problem)s"),
                        code="invalid_weekly_hours",
                        params={"problem": str(exc)},
                    )
                }
            ) from exc
        # An invalid region is already reported by the field validator.
        with contextlib.suppress(ValueError):
            self.holiday_region = normalise_holiday_region(self.holiday_region) or ""

    def to_working_calendar(self) -> WorkingCalendar:
        """The engine's value object for this calendar with its closures."""
        closures: dict[Any, str] = {}
        extra = []
        for closure in self.closures.all():
            if closure.kind == ClosureKind.EXTRA_WORKING_DAY:
                extra.append(closure.date)
            else:
                closures[closure.date] = closure.reason
        return WorkingCalendar.from_spec(
            time_zone=self.time_zone,
            weekly_hours=self.weekly_hours,
            holiday_region=self.holiday_region or None,
            closures=closures,
            extra_working_days=extra,
            name=self.name,
        )


class CalendarClosure(models.Model):
    """An organisation's own exception to a business calendar on one date.

    *Closed* shuts the calendar for the whole day (a company holiday, a move, a local
    emergency). *Extra working day* opens it with the normal weekday hours on a day it
    would otherwise be shut, which is also how a newly published holiday schedule can be
    entered before the holiday data package knows it.
    """

    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("business calendar"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"), max_length=20, choices=ClosureKind.choices, default=ClosureKind.CLOSED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar closure")
        verbose_name_plural = _("calendar closures")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"], name="calendars_one_closure_per_calendar_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.calendar.name} {self.date.isoformat()} {self.get_kind_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _forget_after_edit()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        _forget_after_edit()
        return result


_loaded: dict[str, tuple[float, WorkingCalendar]] = {}
_loaded_lock = threading.Lock()


def forget_calendars() -> None:
    """Drop the calendars this process has loaded, so the next load reads the database."""
    with _loaded_lock:
        _loaded.clear()


def _forget_after_edit() -> None:
    forget_calendars()
    # A reader between the save and the commit may have cached the old rows again.
    transaction.on_commit(forget_calendars)


def load_calendar(name: str) -> WorkingCalendar:
    """The working calendar stored under ``name``, cached for the SLA sweep.

    Raises ``BusinessCalendar.DoesNotExist`` when there is none. Inactive calendars load
    too: they still time the complaints that were registered under them.
    """
    now = time.monotonic()
    hit = _loaded.get(name)
    if hit is not None and now - hit[0] < CALENDAR_CACHE_SECONDS:
        return hit[1]
    try:
        stored = BusinessCalendar.objects.get(name=name)
    except BusinessCalendar.DoesNotExist:
        raise BusinessCalendar.DoesNotExist(f"no business calendar named {name!r}") from None
    calendar = stored.to_working_calendar()
    if (
        hit is not None
        and hit[1] == calendar
        and hit[1].closure_reasons == calendar.closure_reasons
    ):
        # Unchanged after the cache period: keep the old object and its computed years.
        calendar = hit[1]
    with _loaded_lock:
        _loaded[name] = (now, calendar)
    return calendar
