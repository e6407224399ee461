"""The time-limit policy admin takes and shows a limit counted in working days in days, and
keeps it in minutes (1,440 a working day) as the SLA clock and the API read it; a limit
counted in business or calendar hours stays in minutes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.admin_forms import minutes_to_working_days, working_days_to_minutes
from complaintdesk.complaints.models import MAX_LIMIT_MINUTES, SlaPolicy
from complaintdesk.core.testing.factories import user_make

pytestmark = pytest.mark.django_db

ADD = "/admin/complaints/slapolicy/add/"
LIST = "/admin/complaints/slapolicy/"


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(user_make(Role.ADMIN, username="configurer", is_staff=True))
    return client


def form(**fields: str) -> dict[str, str]:
    return {
        "name": "Billing disputes",
        "nature_key": "",
        "category_key": "",
        "channel": "",
        "customer_tier": "",
        "first_response_basis": "business",
        "first_response_minutes": "120",
        "first_response_days": "",
        "resolution_basis": "workdays",
        "resolution_minutes": "",
        "resolution_days": "5",
        "time_limit_key": "",
        "priority": "100",
        "is_active": "on",
        "description": "",
        **fields,
    }


def errors_of(response) -> dict[str, list[str]]:
    return {
        name: list(errors) for name, errors in response.context["adminform"].form.errors.items()
    }


def saved() -> SlaPolicy:
    return SlaPolicy.objects.get(name="Billing disputes")


def change_url(policy: SlaPolicy) -> str:
    return f"/admin/complaints/slapolicy/{policy.pk}/change/"


def policy_make(**fields) -> SlaPolicy:
    values = {
        "name": "Billing disputes",
        "first_response_minutes": 120,
        "first_response_basis": "business",
        "resolution_minutes": 7200,
        "resolution_basis": "workdays",
        **fields,
    }
    return SlaPolicy.objects.create(**values)


def shown(response, name: str):
    return response.context["adminform"].form[name].value()


# -- creating -------------------------------------------------------------------------------


def test_five_working_days_are_stored_as_7200_minutes(admin_client):
    response = admin_client.post(ADD, form())
    assert response.status_code == 302, errors_of(response)
    policy = saved()
    assert (policy.resolution_minutes, policy.resolution_basis) == (7200, "workdays")
    assert (policy.first_response_minutes, policy.first_response_basis) == (120, "business")


@pytest.mark.parametrize(
    ("days", "minutes"),
    [("1", 1440), ("0.5", 720), ("1.25", 1800), ("15", 21600), ("0.69", 994), ("365", 525600)],
)
def test_part_days_are_that_share_of_a_working_day_to_the_minute(admin_client, days, minutes):
    response = admin_client.post(
        ADD,
        form(
            first_response_basis="workdays",
            first_response_minutes="",
            first_response_days="0.5",
            resolution_days=days,
        ),
    )
    assert response.status_code == 302, errors_of(response)
    assert (saved().first_response_minutes, saved().resolution_minutes) == (720, minutes)


def test_a_limit_in_working_days_needs_its_days(admin_client):
    # 7,200 typed in the minutes, as the form used to want: the days are asked for instead.
    response = admin_client.post(ADD, form(resolution_minutes="7200", resolution_days=""))
    assert response.status_code == 200
    [message] = errors_of(response)["resolution_days"]
    assert "counted in working days" in message
    assert not SlaPolicy.objects.filter(name="Billing disputes").exists()


def test_a_limit_in_business_hours_needs_its_minutes(admin_client):
    response = admin_client.post(ADD, form(resolution_basis="business"))
    assert response.status_code == 200
    [message] = errors_of(response)["resolution_minutes"]
    assert "enter it in minutes" in message
    assert not SlaPolicy.objects.filter(name="Billing disputes").exists()


def test_days_and_minutes_that_disagree_are_refused(admin_client):
    business = admin_client.post(ADD, form(resolution_basis="business", resolution_minutes="600"))
    [message] = errors_of(business)["resolution_days"]
    assert "leave the working days empty" in message
    workdays = admin_client.post(ADD, form(resolution_minutes="600"))
    [message] = errors_of(workdays)["resolution_days"]
    assert "leave the minutes empty" in message
    assert not SlaPolicy.objects.filter(name="Billing disputes").exists()


def test_days_and_minutes_that_agree_are_accepted(admin_client):
    response = admin_client.post(ADD, form(resolution_minutes="7200"))
    assert response.status_code == 302, errors_of(response)
    assert saved().resolution_minutes == 7200


@pytest.mark.parametrize(
    ("days", "says"),
    [("0", "more than 0"), ("-1", "more than 0"), ("366", "365"), ("1.00001", "4 decimal")],
)
def test_days_out_of_range_or_too_fine_are_refused(admin_client, days, says):
    response = admin_client.post(ADD, form(resolution_days=days))
    assert response.status_code == 200
    [message] = errors_of(response)["resolution_days"]
    assert says in message
    assert not SlaPolicy.objects.filter(name="Billing disputes").exists()


def test_a_first_response_due_after_the_resolution_is_refused_on_its_days(admin_client):
    response = admin_client.post(
        ADD,
        form(
            first_response_basis="workdays",
            first_response_minutes="",
            first_response_days="5",
            resolution_days="1",
        ),
    )
    assert response.status_code == 200
    errors = errors_of(response)
    assert "first_response_minutes" not in errors
    assert "cannot be due later than the resolution" in errors["first_response_days"][0]


# -- editing --------------------------------------------------------------------------------


def test_a_limit_in_working_days_is_shown_in_days(admin_client):
    response = admin_client.get(change_url(policy_make()))
    assert str(shown(response, "resolution_days")) == "5"
    assert shown(response, "resolution_minutes") is None
    assert shown(response, "first_response_minutes") == 120
    assert shown(response, "first_response_days") is None
    assert 'name="resolution_days" value="5"' in response.content.decode()


def test_saving_unchanged_keeps_the_minutes_even_when_they_are_not_whole_days(admin_client):
    policy = policy_make(resolution_minutes=1000)  # as the API may store it
    page = admin_client.get(change_url(policy))
    assert str(shown(page, "resolution_days")) == "0.6944"
    response = admin_client.post(change_url(policy), form(resolution_days="0.6944"))
    assert response.status_code == 302, errors_of(response)
    policy.refresh_from_db()
    assert policy.resolution_minutes == 1000


def test_changing_the_days_changes_the_minutes(admin_client):
    policy = policy_make()
    response = admin_client.post(change_url(policy), form(resolution_days="3"))
    assert response.status_code == 302, errors_of(response)
    policy.refresh_from_db()
    assert policy.resolution_minutes == 3 * 1440


def test_switching_to_business_hours_takes_the_minutes_and_leaves_the_days_shown(admin_client):
    policy = policy_make()
    # The days field still holds what the page showed: it is not read for business hours.
    response = admin_client.post(
        change_url(policy),
        form(resolution_basis="business", resolution_minutes="2250", resolution_days="5"),
    )
    assert response.status_code == 302, errors_of(response)
    policy.refresh_from_db()
    assert (policy.resolution_minutes, policy.resolution_basis) == (2250, "business")


def test_switching_to_working_days_takes_the_days_and_leaves_the_minutes_shown(admin_client):
    policy = policy_make(resolution_minutes=2250, resolution_basis="business")
    response = admin_client.post(
        change_url(policy), form(resolution_minutes="2250", resolution_days="5")
    )
    assert response.status_code == 302, errors_of(response)
    policy.refresh_from_db()
    assert (policy.resolution_minutes, policy.resolution_basis) == (7200, "workdays")


def test_switching_to_working_days_without_days_is_refused(admin_client):
    policy = policy_make(resolution_minutes=2250, resolution_basis="business")
    response = admin_client.post(
        change_url(policy), form(resolution_minutes="2250", resolution_days="")
    )
    assert "resolution_days" in errors_of(response)
    policy.refresh_from_db()
    assert (policy.resolution_minutes, policy.resolution_basis) == (2250, "business")


def test_days_typed_for_a_limit_in_business_hours_are_refused(admin_client):
    policy = policy_make(resolution_minutes=2250, resolution_basis="business")
    response = admin_client.post(
        change_url(policy),
        form(resolution_basis="business", resolution_minutes="2250", resolution_days="5"),
    )
    [message] = errors_of(response)["resolution_days"]
    assert "counted in business or calendar hours" in message
    policy.refresh_from_db()
    assert policy.resolution_minutes == 2250


# -- the list and the conversion ------------------------------------------------------------


def test_the_list_shows_each_limit_in_its_unit(admin_client):
    policy_make()
    policy_make(name="Half a day", resolution_minutes=720, first_response_minutes=1)
    page = admin_client.get(LIST).content.decode()
    assert "5 working days" in page
    assert "0.5 working days" in page
    assert "120 minutes" in page
    assert "1 minute<" in page


def test_every_stored_minute_count_comes_back_from_its_days_unchanged():
    for minutes in [*range(1, 3000), MAX_LIMIT_MINUTES - 1, MAX_LIMIT_MINUTES]:
        assert working_days_to_minutes(minutes_to_working_days(minutes)) == minutes


def test_whole_days_are_shown_without_decimals():
    assert str(minutes_to_working_days(7200)) == "5"
    assert str(minutes_to_working_days(14400)) == "10"
    assert str(minutes_to_working_days(720)) == "0.5"
    assert working_days_to_minutes(Decimal("0.0001")) == 1
