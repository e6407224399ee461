from __future__ import annotations

from datetime import date
from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "complaintdesk.calendars"
    label = "calendars"
    verbose_name = _("Business calendars")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        checks.register(check_chinese_holiday_data, "calendars")


def check_chinese_holiday_data(**kwargs: Any) -> list[checks.CheckMessage]:
    return chinese_holiday_data_warnings(timezone.localdate())


def chinese_holiday_data_warnings(today: date) -> list[checks.CheckMessage]:
    """Warn before `cn` calendars run out of statutory holiday data.

    The State Council publishes next year's schedule in November or December; until
    chinesecalendar ships it, the engine counts that year's weekends only (see engine).
    """
    from complaintdesk.calendars.engine import chinese_calendar_years

    known = chinese_calendar_years()
    missing = [
        year
        for year in (today.year, today.year + 1)
        if year not in known and (year == today.year or today.month >= 11)
    ]
    if not missing:
        return []
    return [
        checks.Warning(
            f"chinesecalendar knows statutory holidays for {known.start}-{known.stop - 1} "
            f"only; business time in {missing[0]} on 'cn' calendars counts weekends only.",
            hint=(
                "Upgrade chinesecalendar once it ships that year, or enter the published "
                "schedule as closures and extra working days on each 'cn' calendar and then "
                "add calendars.W001 to SILENCED_SYSTEM_CHECKS."
            ),
            id="calendars.W001",
        )
    ]
