from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaintdesk.calendars.engine import WEEKDAY_KEYS, format_interval, parse_weekly_hours
from complaintdesk.calendars.models import BusinessCalendar, CalendarClosure


def summarise_weekly_hours(spec: object) -> str:
    """``Mon-Fri 09:00-12:00, 13:30-18:00`` for a list column; runs of equal days are joined."""
    try:
        weekly = parse_weekly_hours(spec)  # type: ignore[arg-type]
    except ValueError:
        return "?"
    names = [key.capitalize() for key in WEEKDAY_KEYS]
    parts: list[str] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and weekly[last + 1] == weekly[day]:
            last += 1
        if weekly[day]:
            days = names[day] if last == day else f"{names[day]}-{names[last]}"
            parts.append(f"{days} {', '.join(format_interval(i) for i in weekly[day])}")
        day = last + 1
    return "; ".join(parts) or "—"


class CalendarClosureInline(admin.TabularInline[CalendarClosure, BusinessCalendar]):
    model = CalendarClosure
    extra = 0
    fields = ("date", "kind", "reason")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin[BusinessCalendar]):
    list_display = ("name", "label", "time_zone", "holiday_region", "hours", "active")
    list_filter = ("active", "holiday_region", "time_zone")
    search_fields = ("name", "label")
    inlines = (CalendarClosureInline,)

    @admin.display(description=_("weekly hours"))
    def hours(self, obj: BusinessCalendar) -> str:
        return summarise_weekly_hours(obj.weekly_hours)


@admin.register(CalendarClosure)
class CalendarClosureAdmin(admin.ModelAdmin[CalendarClosure]):
    list_display = ("date", "calendar", "kind", "reason")
    list_filter = ("kind", "calendar")
    search_fields = ("reason", "calendar__name")
    date_hierarchy = "date"
    list_select_related = ("calendar",)
    autocomplete_fields = ("calendar",)
