"""Reads of business calendars."""

from __future__ import annotations

from django.utils.translation import gettext as _

from complaintdesk.calendars.models import BusinessCalendar


def calendar_name_problem(name: str, *, current: str = "") -> str | None:
    """Why a department cannot be timed by the calendar ``name``, or None when it can.

    An unknown name would time every complaint of the department by the fallback calendar
    without anyone noticing. An inactive calendar is not offered any more, but a department
    that already uses it (``current``) may keep it.
    """
    calendar = BusinessCalendar.objects.filter(name=name).first()
    if calendar is not None and (calendar.active or name == current):
        return None
    names = ", ".join(BusinessCalendar.objects.filter(active=True).values_list("name", flat=True))
    if calendar is None:
        message = _("There is no business calendar %(name)s. Calendars: %(names)s.")
    else:
        message = _("The business calendar %(name)s is no longer active. Calendars: %(names)s.")
    return message % {"name": name, "names": names or "—"}
