from __future__ import annotations

import pytest
from django.test import Client

from complaintdesk.calendars.admin import summarise_weekly_hours
from complaintdesk.calendars.models import BusinessCalendar
from complaintdesk.core.testing.factories import user_make


def test_weekly_hours_summary_joins_runs_of_equal_days() -> None:
    office = {day: ["09:00-12:00", "13:30-18:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
    assert summarise_weekly_hours(office) == "Mon-Fri 09:00-12:00, 13:30-18:00"
    shop = {"mon": ["09:00-18:00"], "sat": ["10:00-14:00"], "sun": ["10:00-14:00"]}
    assert summarise_weekly_hours(shop) == "Mon 09:00-18:00; Sat-Sun 10:00-14:00"
    assert summarise_weekly_hours({}) == "—"
    assert summarise_weekly_hours({"mon": ["bad"]}) == "?"


@pytest.mark.django_db
def test_admin_lists_calendars_and_their_closures() -> None:
    admin = user_make(username="calendar-admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/calendars/businesscalendar/")
    assert listing.status_code == 200
    assert "Mon-Fri 09:00-12:00, 13:30-18:00" in listing.content.decode()
    office = BusinessCalendar.objects.get(name="cn-office")
    change = client.get(f"/admin/calendars/businesscalendar/{office.pk}/change/")
    assert change.status_code == 200
    assert client.get("/admin/calendars/calendarclosure/").status_code == 200
