"""The time-limit policy admin refuses taxonomy keys that are not active entries, naming the
field and the keys that are, as the API does; a retired key a policy already has may stay."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import ApiToken
from complaintdesk.complaints.models import SlaPolicy
from complaintdesk.core.testing.factories import user_make
from complaintdesk.triage.models import TaxonomyEntry
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db

ADD = "/admin/complaints/slapolicy/add/"


@pytest.fixture
def admin_client(db) -> Client:
    taxonomy_load_preset("telecom")
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
        "first_response_minutes": "60",
        "first_response_basis": "business",
        "resolution_minutes": "600",
        "resolution_basis": "business",
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


def test_an_unknown_category_key_is_refused_with_the_active_keys(admin_client):
    response = admin_client.post(ADD, form(category_key="billing.chrage"))
    assert response.status_code == 200
    [message] = errors_of(response)["category_key"]
    assert "billing.chrage is not a content key" in message
    assert "billing.charge" in message
    assert not SlaPolicy.objects.filter(name="Billing disputes").exists()


@pytest.mark.parametrize(("field", "key"), [("nature_key", "huge"), ("time_limit_key", "48h")])
def test_unknown_nature_and_time_limit_keys_are_refused(admin_client, field, key):
    response = admin_client.post(ADD, form(**{field: key}))
    assert field in errors_of(response)
    assert not SlaPolicy.objects.filter(name="Billing disputes").exists()


def test_known_keys_are_saved(admin_client):
    response = admin_client.post(ADD, form(category_key="billing.charge", nature_key="major"))
    assert response.status_code == 302, errors_of(response)
    assert SlaPolicy.objects.get(name="Billing disputes").category_key == "billing.charge"


def test_a_retired_key_is_refused_for_a_new_policy_but_kept_on_an_old_one(admin_client):
    policy = SlaPolicy.objects.create(
        name="Old speed rule",
        category_key="network.speed",
        first_response_minutes=60,
        resolution_minutes=600,
    )
    TaxonomyEntry.objects.filter(key="network.speed").update(is_active=False)
    refused = admin_client.post(ADD, form(category_key="network.speed"))
    assert "retired" in errors_of(refused)["category_key"][0]
    change = f"/admin/complaints/slapolicy/{policy.pk}/change/"
    kept = admin_client.post(change, form(name="Old speed rule", category_key="network.speed"))
    assert kept.status_code == 302


def test_the_api_refuses_a_retired_key_with_the_same_message(admin_client, administrator):
    TaxonomyEntry.objects.filter(key="network.speed").update(is_active=False)
    _token, raw = ApiToken.issue(user=administrator)
    body = {
        "name": "Speed",
        "category_key": "network.speed",
        "first_response_minutes": 60,
        "resolution_minutes": 600,
    }
    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        "/api/sla-policies", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "category_key"
    assert "network.speed is a retired content key" in response.json()["detail"]


def test_a_resolution_limit_beyond_a_year_is_refused(admin_client):
    # Above a year but within every database's integer column (PostgreSQL's form field adds
    # its own range check for larger values).
    response = admin_client.post(ADD, form(resolution_minutes="600000"))
    assert response.status_code == 200
    [message] = errors_of(response)["resolution_minutes"]
    assert "525600" in message
    assert not SlaPolicy.objects.filter(name="Billing disputes").exists()
