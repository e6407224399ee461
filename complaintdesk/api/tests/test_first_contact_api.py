"""POST /api/complaints/first-contact: a complaint solved on the spot is registered and
resolved in one call, as on the web intake form (SPEC §5); what a department must handle is
refused with the service's reason, storing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.complaints.models import Complaint
from complaintdesk.notifications.choices import NoticePurpose
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db

URL = "/api/complaints/first-contact"
RESOLUTION = "已核实套餐变更未生效导致多扣30元,当场退还差额并更正套餐。"
BODY: dict[str, Any] = {
    "channel": "walk_in",
    "description": "话费多扣了30元,营业员当场查明是套餐变更未生效,已退还差额。",
    "customer": {"name": "赵先生", "phone": "13912345678"},
    "nature": "general",
    "resolution": RESOLUTION,
}


@pytest.fixture(autouse=True)
def telecom_taxonomy(db: None) -> None:
    taxonomy_load_preset("telecom")


def test_an_agent_registers_and_resolves_a_walk_in_in_one_call(agent):
    response = post_json(api_client(agent), URL, BODY)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["assignee"], body["department"]) == ("resolved", "agent", None)
    complaint = Complaint.objects.get(tracking_number=body["tracking_number"])
    assert RESOLUTION in complaint.notices.get(purpose=NoticePurpose.RESULT).body


def test_the_resolution_is_required(agent):
    client = api_client(agent)
    missing = post_json(client, URL, {key: v for key, v in BODY.items() if key != "resolution"})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["resolution"]
    blank = post_json(client, URL, {**BODY, "resolution": "   "})
    assert blank.status_code == 422
    assert blank.json()["field"] == "resolution"
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"channel": "regulator", "external_body": "广东省通信管理局"},
        {"channel": "hotline", "external_body": "工信部"},
    ],
)
def test_a_complaint_passed_on_by_an_outside_body_is_refused_with_422(agent, changes):
    response = post_json(api_client(agent), URL, {**BODY, **changes})
    assert response.status_code == 422
    assert response.json()["field"] == "first_contact"
    assert "cannot be solved at first contact" in response.json()["detail"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("nature", ["major", "urgent"])
def test_a_major_or_urgent_complaint_is_refused_with_409(agent, nature):
    response = post_json(api_client(agent), URL, {**BODY, "nature": nature})
    assert response.status_code == 409
    assert response.json()["field"] == "first_contact"
    assert "goes to a department" in response.json()["detail"]
    assert not Complaint.objects.exists()


def test_the_customers_open_complaint_sent_again_is_refused_with_its_number(agent):
    client = api_client(agent)
    registration = {key: v for key, v in BODY.items() if key != "resolution"}
    open_one = post_json(client, "/api/complaints", {**registration, "channel": "hotline"})
    number = open_one.json()["tracking_number"]
    response = post_json(client, URL, BODY)
    assert response.status_code == 409
    assert number in response.json()["detail"]
    assert Complaint.objects.count() == 1
    assert Complaint.objects.get().repeat_count == 0


def test_a_role_that_may_not_register_is_refused(analyst):
    response = post_json(api_client(analyst), URL, BODY)
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_the_openapi_document_describes_the_endpoint_and_its_refusals(db):
    document = Client().get("/api/openapi.json").json()
    operation = document["paths"]["/api/complaints/first-contact"]["post"]
    assert {"200", "201", "409", "422"} <= set(operation["responses"])
    headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]
    assert "Idempotency-Key" in operation["description"]
    schema = document["components"]["schemas"]["FirstContactIn"]
    assert "resolution" in schema["required"]
    assert "external_body" in schema["properties"]


def test_a_retry_with_the_same_key_returns_the_complaint_with_200_and_creates_nothing(agent):
    client = api_client(agent)
    first = post_json(client, URL, BODY, **{"Idempotency-Key": "crm-501"})
    again = post_json(client, URL, BODY, **{"Idempotency-Key": "crm-501"})
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    assert again.json()["status"] == "resolved"
    complaint = Complaint.objects.get()
    assert complaint.notices.filter(purpose=NoticePurpose.RESULT).count() == 1


def test_the_same_key_with_another_body_is_refused_with_409(agent):
    client = api_client(agent)
    first = post_json(client, URL, BODY, **{"Idempotency-Key": "crm-502"})
    changed = {**BODY, "resolution": "当场为客户办理了套餐降档。"}
    response = post_json(client, URL, changed, **{"Idempotency-Key": "crm-502"})
    assert response.status_code == 409
    assert "crm-502" in response.json()["detail"]
    assert first.json()["tracking_number"] in response.json()["detail"]
    assert Complaint.objects.count() == 1


def test_a_key_used_for_an_ordinary_registration_is_refused_here(agent):
    client = api_client(agent)
    registration = {key: v for key, v in BODY.items() if key != "resolution"}
    post_json(client, "/api/complaints", registration, **{"Idempotency-Key": "crm-503"})
    response = post_json(client, URL, BODY, **{"Idempotency-Key": "crm-503"})
    assert response.status_code == 409
    assert "crm-503" in response.json()["detail"]
    assert Complaint.objects.count() == 1


def test_a_retry_after_the_complaint_left_the_callers_view_gets_only_a_receipt(
    handler, other_department_handler
):
    client = api_client(handler)
    first = post_json(client, URL, BODY, **{"Idempotency-Key": "crm-504"})
    assert first.status_code == 201, first.content
    # Since handed to another department, whose complaints the caller may not open.
    Complaint.objects.filter(tracking_number=first.json()["tracking_number"]).update(
        assignee=other_department_handler, department=other_department_handler.department
    )
    again = post_json(client, URL, BODY, **{"Idempotency-Key": "crm-504"})
    assert again.status_code == 200, again.content
    assert set(again.json()) == {"tracking_number", "status", "status_label", "repeat", "detail"}
    assert again.json()["tracking_number"] == first.json()["tracking_number"]
    assert Complaint.objects.count() == 1


def test_a_refusal_tells_an_api_client_what_to_do_not_to_untick_a_box(agent):
    response = post_json(api_client(agent), URL, {**BODY, "nature": "major"})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "Register it without a resolution" in detail
    assert "Untick" not in detail
