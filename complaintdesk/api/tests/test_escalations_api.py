"""Escalation to higher management over the API: escalate, list, decide, withdraw, and the
list of escalations waiting for me; each refusal a 4xx that says what to do."""

from __future__ import annotations

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.escalation_requests import complaint_escalate
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.core.testing.factories import user_make
from complaintdesk.handling.tests.support import handled_complaint

pytestmark = pytest.mark.django_db

WHY = "客户王女士(13800001111)要求经理出面,否则投诉到消费者协会。"


@pytest.fixture
def complaint(agent, handler) -> Complaint:
    return handled_complaint(agent, handler, customer_name="王女士", phone="13800001111")


def url(complaint: Complaint, tail: str = "") -> str:
    return f"/api/complaints/{complaint.tracking_number}/escalations{tail}"


def escalated(complaint: Complaint, handler, supervisor) -> Escalation:
    return complaint_escalate(
        complaint=complaint, actor=handler, reason="higher_level", explanation=WHY, to=supervisor
    )


def test_a_handler_escalates_and_the_supervisor_decides(complaint, handler, supervisor):
    response = post_json(
        api_client(handler),
        url(complaint),
        {"reason": "higher_level", "explanation": WHY, "to": "supervisor"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["to"], body["raised_by"], body["reason"]) == (
        "open",
        "supervisor",
        "handler",
        "higher_level",
    )
    assert (body["may_decide"], body["may_withdraw"]) == (False, True)

    boss = api_client(supervisor)
    waiting = boss.get("/api/escalations?status=open").json()
    assert waiting["count"] == 1
    assert waiting["results"][0]["may_decide"] is True

    decision = post_json(
        boss,
        url(complaint, f"/{body['id']}/decision"),
        {"decision": "approved", "note": "同意由经理回电,处理人继续跟进。"},
    )
    assert decision.status_code == 200, decision.content
    decided = decision.json()
    assert (decided["status"], decided["decision"], decided["decided_by"]) == (
        "decided",
        "approved",
        "supervisor",
    )
    assert boss.get("/api/escalations?status=open").json()["count"] == 0
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert EventKind.ESCALATION_RAISED in kinds
    assert EventKind.ESCALATION_DECIDED in kinds


def test_the_list_is_paged_and_masked_for_an_analyst(complaint, handler, supervisor, analyst):
    escalated(complaint, handler, supervisor)
    page = api_client(analyst).get(url(complaint)).json()
    assert (page["count"], page["page"]) == (1, 1)
    shown = page["results"][0]
    assert "13800001111" not in shown["explanation"]
    assert "王女士" not in shown["explanation"]
    assert (shown["may_decide"], shown["may_withdraw"]) == (False, False)
    assert (
        "13800001111"
        in api_client(supervisor).get(url(complaint)).json()["results"][0]["explanation"]
    )


def test_an_analyst_may_not_escalate(complaint, analyst, supervisor):
    response = post_json(
        api_client(analyst),
        url(complaint),
        {"reason": "complex", "explanation": WHY, "to": "supervisor"},
    )
    assert response.status_code == 403
    assert "only whoever handles it" in response.json()["detail"]
    assert not Escalation.objects.exists()


def test_a_handler_of_another_department_does_not_find_the_complaint(
    complaint, handler, other_department_handler, supervisor
):
    client = api_client(other_department_handler)
    body = {"reason": "complex", "explanation": WHY, "to": "supervisor"}
    assert post_json(client, url(complaint), body).status_code == 404
    assert client.get(url(complaint)).status_code == 404
    assert not Escalation.objects.exists()

    escalation = escalated(complaint, handler, supervisor)
    decision = {"decision": "reject", "note": "不属于升级范围"}
    assert (
        post_json(client, url(complaint, f"/{escalation.pk}/decision"), decision).status_code == 404
    )
    assert post_json(client, url(complaint, f"/{escalation.pk}/withdraw"), {}).status_code == 404
    assert client.get("/api/escalations").json()["count"] == 0
    escalation.refresh_from_db()
    assert escalation.status == "open"


def test_the_raiser_may_not_decide_their_own(complaint, handler, supervisor):
    escalation = escalated(complaint, handler, supervisor)
    response = post_json(
        api_client(handler),
        url(complaint, f"/{escalation.pk}/decision"),
        {"decision": "approved", "note": "ok"},
    )
    assert response.status_code == 403
    assert "You raised this escalation" in response.json()["detail"]
    escalation.refresh_from_db()
    assert escalation.status == "open"


def test_a_second_open_escalation_is_a_conflict(complaint, handler, supervisor):
    escalated(complaint, handler, supervisor)
    response = post_json(
        api_client(handler),
        url(complaint),
        {"reason": "threat", "explanation": "客户说要找媒体", "to": "supervisor"},
    )
    assert response.status_code == 409
    assert "already escalated to supervisor" in response.json()["detail"]
    assert Escalation.objects.count() == 1


def test_a_reassign_decision_moves_the_complaint(
    complaint, handler, supervisor, network_department
):
    user_make(Role.HANDLER, department=network_department, username="senior")
    escalation = escalated(complaint, handler, supervisor)
    response = post_json(
        api_client(supervisor),
        url(complaint, f"/{escalation.pk}/decision"),
        {"decision": "reassign", "note": "交资深处理人", "assignee": "senior"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["new_assignee"] == "senior"
    complaint.refresh_from_db()
    assert complaint.assignee.username == "senior"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "angry", "explanation": WHY, "to": "supervisor"}, "reason"),
        ({"reason": "threat", "explanation": " ", "to": "supervisor"}, "explanation"),
        ({"reason": "threat", "explanation": WHY, "to": "nobody"}, "to"),
        ({"reason": "threat", "explanation": WHY, "to": "billing-handler"}, "to"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    complaint, handler, supervisor, other_department_handler, body, field
):
    response = post_json(api_client(handler), url(complaint), body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert response.json()["detail"]
    assert not Escalation.objects.exists()


def test_a_misspelt_field_is_refused_not_dropped(complaint, handler, supervisor):
    response = post_json(
        api_client(handler),
        url(complaint),
        {"reason": "threat", "explanaton": WHY, "to": "supervisor"},
    )
    assert response.status_code == 422
    assert "explanaton" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "maybe", "note": "?"}, "decision"),
        ({"decision": "approved", "note": ""}, "note"),
        ({"decision": "reassign", "note": "换人"}, "assignee"),
        ({"decision": "reassign", "note": "换人", "assignee": "ghost"}, "assignee"),
    ],
)
def test_a_bad_decision_is_a_422_and_leaves_it_open(complaint, handler, supervisor, body, field):
    escalation = escalated(complaint, handler, supervisor)
    response = post_json(api_client(supervisor), url(complaint, f"/{escalation.pk}/decision"), body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    escalation.refresh_from_db()
    assert escalation.status == "open"


def test_withdrawn_then_decided_is_a_conflict(complaint, handler, supervisor):
    escalation = escalated(complaint, handler, supervisor)
    response = post_json(
        api_client(handler), url(complaint, f"/{escalation.pk}/withdraw"), {"note": "客户撤诉"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    again = post_json(
        api_client(supervisor),
        url(complaint, f"/{escalation.pk}/decision"),
        {"decision": "approved", "note": "同意"},
    )
    assert again.status_code == 409
    assert "withdrawn already" in again.json()["detail"]


def test_only_the_raiser_withdraws(complaint, handler, supervisor):
    escalation = escalated(complaint, handler, supervisor)
    response = post_json(api_client(supervisor), url(complaint, f"/{escalation.pk}/withdraw"), {})
    assert response.status_code == 403
    assert "who raised this escalation" in response.json()["detail"]


def test_an_unknown_escalation_is_a_404(complaint, supervisor):
    response = post_json(
        api_client(supervisor), url(complaint, "/999/decision"), {"decision": "reject", "note": "x"}
    )
    assert response.status_code == 404
    assert "No escalation 999" in response.json()["detail"]


def test_an_unknown_status_filter_is_a_422(supervisor):
    response = api_client(supervisor).get("/api/escalations?status=pending")
    assert response.status_code == 422
    assert response.json()["field"] == "status"


def test_the_openapi_document_describes_the_endpoints(supervisor):
    schema = api_client(supervisor).get("/api/openapi.json").json()
    paths = schema["paths"]
    assert "/api/complaints/{tracking_number}/escalations" in paths
    assert "/api/complaints/{tracking_number}/escalations/{escalation_id}/decision" in paths
    assert "/api/escalations" in paths
    assert "EscalationIn" in schema["components"]["schemas"]
    assert "DecisionIn" in schema["components"]["schemas"]


def test_the_complaint_list_filters_the_escalations_waiting_for_me(
    complaint, handler, supervisor, administrator
):
    escalation = escalated(complaint, handler, supervisor)
    waiting = api_client(supervisor).get("/api/complaints", {"escalated_to_me": "true"}).json()
    assert [row["tracking_number"] for row in waiting["results"]] == [complaint.tracking_number]
    others = api_client(administrator).get("/api/complaints", {"escalated_to_me": "true"}).json()
    assert others["results"] == []
    escalation.status = "withdrawn"
    escalation.save(update_fields=["status"])
    after = api_client(supervisor).get("/api/complaints", {"escalated_to_me": "true"}).json()
    assert after["results"] == []
