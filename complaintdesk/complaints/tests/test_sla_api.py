"""The time-limit API: the live sla object, the at-risk queue, and the policy table."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

from complaintdesk.accounts.models import ApiToken, User
from complaintdesk.complaints.models import Complaint, SlaPolicy
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db


def client(user: User) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_complaint_api_shows_the_live_time_limit_state(agent):
    taxonomy_load_preset("telecom")
    complaint = complaint_make(actor=agent, content_category="billing.charge", nature="major")
    body = client(agent).get(f"/api/complaints/{complaint.tracking_number}").json()
    sla = body["sla"]
    assert sla["policy"] == "Major: 1 hour / 24 hours"
    assert sla["calendar"] == "cn-office"
    assert sla["resolution_due_at"] is not None and sla["paused"] is False
    assert sla["breached"] is False and 0 <= sla["share_used"] < 0.01
    assert isinstance(sla["business_minutes_left"], int)


def test_the_at_risk_queue_lists_warned_and_overdue_complaints_the_caller_may_see(
    agent, handler, other_department_handler
):
    now = clock.now()
    late, risky, calm, elsewhere = (
        complaint_make(actor=agent, phone=f"1390000000{i}") for i in range(4)
    )
    Complaint.objects.filter(pk=late.pk).update(
        sla_warn_at=now - timedelta(hours=3),
        resolution_due_at=now - timedelta(hours=1),
        department=handler.department,
    )
    Complaint.objects.filter(pk=risky.pk).update(
        sla_warn_at=now - timedelta(minutes=5),
        resolution_due_at=now + timedelta(hours=1),
        department=handler.department,
    )
    Complaint.objects.filter(pk=calm.pk).update(
        sla_warn_at=now + timedelta(hours=5), department=handler.department
    )
    Complaint.objects.filter(pk=elsewhere.pk).update(
        sla_warn_at=now - timedelta(hours=1),
        resolution_due_at=now - timedelta(minutes=1),
        department=other_department_handler.department,
    )
    mine = client(handler).get("/api/complaints/at-risk").json()
    assert [r["tracking_number"] for r in mine["results"]] == [
        late.tracking_number,
        risky.tracking_number,
    ]
    assert mine["count"] == 2
    overdue = client(handler).get("/api/complaints/at-risk?overdue=true").json()
    assert [r["tracking_number"] for r in overdue["results"]] == [late.tracking_number]
    everyone = client(agent).get("/api/complaints/at-risk").json()
    assert everyone["count"] == 3


def test_time_limit_policies_are_for_administrators_only(administrator, supervisor):
    body = {
        "name": "VIP billing",
        "category_key": "",
        "customer_tier": "vip",
        "first_response_minutes": 30,
        "resolution_minutes": 480,
        "resolution_basis": "calendar",
    }
    refused = client(supervisor).post(
        "/api/sla-policies", data=json.dumps(body), content_type="application/json"
    )
    assert refused.status_code == 403
    assert client(supervisor).get("/api/sla-policies").status_code == 403
    admin = client(administrator)
    created = admin.post(
        "/api/sla-policies", data=json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    policy_id = created.json()["id"]
    wrong = admin.patch(
        f"/api/sla-policies/{policy_id}",
        data=json.dumps({"resolution_basis": "lunar"}),
        content_type="application/json",
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "resolution_basis"
    changed = admin.patch(
        f"/api/sla-policies/{policy_id}",
        data=json.dumps({"resolution_minutes": 240}),
        content_type="application/json",
    )
    assert changed.json()["resolution_minutes"] == 240
    assert SlaPolicy.objects.get(pk=policy_id).resolution_minutes == 240
    assert admin.delete(f"/api/sla-policies/{policy_id}").status_code == 204
    assert admin.get(f"/api/sla-policies/{policy_id}").status_code == 404


def test_a_first_response_later_than_the_resolution_is_refused(administrator):
    body = {
        "name": "Backwards",
        "first_response_minutes": 6000,
        "resolution_minutes": 60,
        "resolution_basis": "business",
        "first_response_basis": "business",
    }
    response = client(administrator).post(
        "/api/sla-policies", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "first_response_minutes"
    assert not SlaPolicy.objects.filter(name="Backwards").exists()


HUGE = 1_000_000_000_000
# The largest value the column holds on PostgreSQL (a 4-byte integer): about 4,000 years.
LARGEST_STORED = 2_147_483_647


def test_a_time_limit_beyond_a_year_is_refused_on_create_and_on_change(administrator):
    admin = client(administrator)
    body = {
        "name": "QA VIP urgent",
        "customer_tier": "vip",
        "first_response_minutes": 30,
        "resolution_minutes": HUGE,
        "priority": 10,
    }
    created = admin.post(
        "/api/sla-policies", data=json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 422
    assert created.json()["field"] == "resolution_minutes"
    assert not SlaPolicy.objects.filter(name="QA VIP urgent").exists()

    body["resolution_minutes"] = 600
    policy_id = admin.post(
        "/api/sla-policies", data=json.dumps(body), content_type="application/json"
    ).json()["id"]
    changed = admin.patch(
        f"/api/sla-policies/{policy_id}",
        data=json.dumps({"resolution_minutes": HUGE, "resolution_basis": "calendar"}),
        content_type="application/json",
    )
    assert changed.status_code == 422
    assert SlaPolicy.objects.get(pk=policy_id).resolution_minutes == 600


def test_a_complaint_under_a_stored_policy_too_long_to_compute_is_still_registered(agent):
    # A policy stored before limits were capped: its deadline lies past the year 9999.
    SlaPolicy.objects.create(
        name="Legacy", first_response_minutes=30, resolution_minutes=LARGEST_STORED, priority=999
    )
    body = {
        "channel": "hotline",
        "description": "The internet has been down since Monday.",
        "customer": {"name": "Li Wei", "phone": "13800000000"},
    }
    response = client(agent).post(
        "/api/complaints", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_number=response.json()["tracking_number"])
    assert complaint.resolution_due_at is None
    assert complaint.first_response_due_at is not None
