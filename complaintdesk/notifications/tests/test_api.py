"""POST/GET /api/complaints/{tn}/messages: who may send, and what comes back."""

from __future__ import annotations

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core.testing.factories import user_make
from complaintdesk.notifications.models import Notice
from complaintdesk.notifications.tests.helpers import complaint_for_customer

pytestmark = pytest.mark.django_db


def _url(complaint) -> str:
    return f"/api/complaints/{complaint.tracking_number}/messages"


def test_an_agent_sends_a_progress_message(agent, django_capture_on_commit_callbacks):
    complaint = complaint_for_customer(actor=agent, opted_out_channels=["sms"])
    with django_capture_on_commit_callbacks() as callbacks:
        response = post_json(
            api_client(agent),
            _url(complaint),
            {"purpose": "progress", "note": "我们已安排工程师明天上门检修。"},
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["purpose"] == "progress"
    assert body["channel"] == "portal"  # SMS opted out, no e-mail on record
    assert "SMS" in body["fallback_reason"]
    assert body["status"] == "published"
    assert "明天上门检修" in body["body"]
    assert callbacks == []  # nothing to deliver for the portal
    listed = api_client(agent).get(_url(complaint)).json()["results"]
    assert [n["purpose"] for n in listed] == ["acknowledgement", "progress"]


@pytest.mark.parametrize("persona", ["analyst", "auditor"])
def test_analysts_and_auditors_cannot_send_messages(agent, persona, request):
    complaint = complaint_for_customer(actor=agent)
    user = request.getfixturevalue(persona)
    response = post_json(api_client(user), _url(complaint), {"purpose": "progress", "note": "x"})
    assert response.status_code == 403
    assert not Notice.objects.filter(purpose="progress").exists()


def test_a_handler_of_another_department_gets_not_found(agent, handler, other_department_handler):
    complaint = complaint_for_customer(actor=agent)
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    client = api_client(other_department_handler)
    response = post_json(client, _url(complaint), {"purpose": "progress", "note": "x"})
    assert response.status_code == 404
    assert client.get(_url(complaint)).status_code == 404
    ok = post_json(api_client(handler), _url(complaint), {"purpose": "progress", "note": "x"})
    assert ok.status_code == 201


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"purpose": "result", "note": "x"}, "purpose"),
        ({"purpose": "progress", "note": ""}, "note"),
        ({"purpose": "progress", "note": "x", "channel": "fax"}, "channel"),
    ],
)
def test_invalid_messages_are_refused_naming_the_field(agent, payload, field):
    complaint = complaint_for_customer(actor=agent)
    response = post_json(api_client(agent), _url(complaint), payload)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_an_unknown_purpose_is_said_to_be_no_purpose_and_the_purposes_are_listed(agent):
    complaint = complaint_for_customer(actor=agent)
    response = post_json(api_client(agent), _url(complaint), {"purpose": "spam", "note": "x"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "spam is not a message purpose" in detail
    assert "progress, suggestion_thanks, follow_up" in detail
    assert "its own step" not in detail


def test_an_intake_agent_cannot_write_to_the_customer_of_a_complaint_assigned_to_a_handler(
    agent, handler
):
    # QA: chen.jing sent a progress message on a complaint another department worked on.
    complaint = complaint_for_customer(actor=agent)
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    response = post_json(api_client(agent), _url(complaint), {"purpose": "progress", "note": "x"})
    assert response.status_code == 403
    assert "handler handles this complaint" in response.json()["detail"]
    assert not Notice.objects.filter(purpose="progress").exists()


def test_a_colleague_of_the_assignee_cannot_write_to_the_customer(agent, handler):
    colleague = user_make(Role.HANDLER, department=handler.department)
    complaint = complaint_for_customer(actor=agent)
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    response = post_json(
        api_client(colleague), _url(complaint), {"purpose": "progress", "note": "x"}
    )
    assert response.status_code == 403
    ok = post_json(api_client(handler), _url(complaint), {"purpose": "progress", "note": "x"})
    assert ok.status_code == 201


def test_only_the_registering_agent_writes_before_the_complaint_is_assigned(agent, supervisor):
    complaint = complaint_for_customer(actor=agent)
    assert complaint.assignee_id is None
    other_agent = user_make(Role.AGENT)
    refused = post_json(
        api_client(other_agent), _url(complaint), {"purpose": "progress", "note": "x"}
    )
    assert refused.status_code == 403
    assert "registered it" in refused.json()["detail"]
    for sender in (agent, supervisor):
        ok = post_json(api_client(sender), _url(complaint), {"purpose": "progress", "note": "x"})
        assert ok.status_code == 201
