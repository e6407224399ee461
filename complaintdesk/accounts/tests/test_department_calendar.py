"""A department's business calendar must be one that exists (and is active, unless the
department already uses it): the admin says which calendars there are."""

from __future__ import annotations

import pytest
from django.test import Client

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department
from complaintdesk.calendars.models import BusinessCalendar
from complaintdesk.core.testing.factories import user_make

pytestmark = pytest.mark.django_db

ADD = "/admin/accounts/department/add/"


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(user_make(Role.ADMIN, username="configurer", is_staff=True))
    return client


def form(calendar_name: str) -> dict[str, str]:
    return {"code": "legal", "name": "Legal", "calendar_name": calendar_name, "is_active": "on"}


def calendar_errors(response) -> list[str]:
    return list(response.context["adminform"].form.errors.get("calendar_name", []))


def test_an_unknown_calendar_is_refused_naming_the_calendars_there_are(admin_client):
    response = admin_client.post(ADD, form("cn-ofice"))
    assert response.status_code == 200
    [message] = calendar_errors(response)
    assert "There is no business calendar cn-ofice" in message
    assert "cn-office" in message and "cn-24x7" in message
    assert not Department.objects.filter(code="legal").exists()


def test_a_known_calendar_is_saved(admin_client):
    response = admin_client.post(ADD, form("cn-24x7"))
    assert response.status_code == 302
    assert Department.objects.get(code="legal").calendar_name == "cn-24x7"


def test_an_inactive_calendar_is_refused_for_a_new_choice_but_kept_where_in_use(admin_client):
    BusinessCalendar.objects.filter(name="hk-office").update(active=False)
    refused = admin_client.post(ADD, form("hk-office"))
    assert "no longer active" in calendar_errors(refused)[0]
    department = Department.objects.create(code="hk", name="Hong Kong", calendar_name="hk-office")
    change = f"/admin/accounts/department/{department.pk}/change/"
    kept = admin_client.post(change, {**form("hk-office"), "code": "hk", "name": "HK desk"})
    assert kept.status_code == 302
    department.refresh_from_db()
    assert department.name == "HK desk"
