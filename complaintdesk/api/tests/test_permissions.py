"""The permission matrix: each role × list, detail, transition, note, create."""

from __future__ import annotations

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.api.tests.test_complaints_api import PAYLOAD, api_client, post_json
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.services import complaint_reassign
from complaintdesk.core.testing.factories import complaint_make, department_make, user_make

pytestmark = pytest.mark.django_db

# role persona → (sees it in the list, detail status, start status, note status, create status)
MATRIX = {
    "agent": (True, 200, 200, 201, 201),
    "handler": (True, 200, 200, 201, 201),
    "other_department_handler": (False, 404, 404, 404, 201),
    "supervisor": (True, 200, 200, 201, 201),
    "auditor": (True, 200, 403, 201, 403),
    "analyst": (True, 200, 403, 403, 403),
    "administrator": (True, 200, 200, 201, 201),
}


@pytest.fixture
def routed_complaint(agent, handler):
    complaint = complaint_make(
        actor=agent,
        customer_name="张伟",
        phone="13812345678",
        description="我的手机号13812345678这个月被多扣了58元,请核查。",
    )
    return complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )


@pytest.mark.parametrize("persona", list(MATRIX))
def test_permission_matrix(persona, request, routed_complaint):
    user = request.getfixturevalue(persona)
    sees, detail, start, note, create = MATRIX[persona]
    client = api_client(user)
    number = routed_complaint.tracking_number
    listed = [r["tracking_number"] for r in client.get("/api/complaints").json()["results"]]
    assert (number in listed) is sees
    assert client.get(f"/api/complaints/{number}").status_code == detail
    assert client.get(f"/api/complaints/{number}/events").status_code == detail
    response = post_json(client, f"/api/complaints/{number}/transitions", {"action": "start"})
    assert response.status_code == start, response.content
    response = post_json(client, f"/api/complaints/{number}/notes", {"text": "核查中"})
    assert response.status_code == note, response.content
    response = post_json(client, "/api/complaints", PAYLOAD)
    assert response.status_code == create, response.content


def test_other_department_handler_cannot_see_complaint_even_by_number(
    routed_complaint, other_department_handler
):
    client = api_client(other_department_handler)
    response = client.get(f"/api/complaints/{routed_complaint.tracking_number}")
    assert response.status_code == 404
    assert "No complaint" in response.json()["detail"]


def test_handler_without_department_sees_nothing(routed_complaint):
    orphan = user_make(Role.HANDLER)
    assert api_client(orphan).get("/api/complaints").json()["count"] == 0


def test_analyst_sees_personal_data_masked(routed_complaint, analyst):
    body = api_client(analyst).get(f"/api/complaints/{routed_complaint.tracking_number}").json()
    assert body["customer"]["name"] == "张**"
    assert body["customer"]["phone"].endswith("5678")
    assert "13812345678" not in body["customer"]["phone"]
    assert "13812345678" not in body["description"]
    assert "58元" in body["description"]


def test_analyst_cannot_open_attachments(routed_complaint, analyst):
    response = api_client(analyst).get(
        f"/api/complaints/{routed_complaint.tracking_number}/attachments/1"
    )
    assert response.status_code == 403


def test_inactive_user_token_is_refused(agent):
    client = api_client(agent)
    agent.is_active = False
    agent.save()
    assert client.get("/api/complaints").status_code == 401


def test_handler_moves_with_department_after_reassignment(agent, handler):
    billing = department_make("billing-2")
    billing_handler = user_make(Role.HANDLER, department=billing)
    complaint = complaint_make(actor=agent)
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    client = api_client(billing_handler)
    assert client.get(f"/api/complaints/{complaint.tracking_number}").status_code == 404
    complaint_transition(complaint=complaint, action="start", actor=handler)
    supervisor = user_make(Role.SUPERVISOR, department=handler.department)
    complaint_reassign(
        complaint=complaint, assignee=billing_handler, actor=supervisor, reason="计费问题"
    )
    assert client.get(f"/api/complaints/{complaint.tracking_number}").status_code == 200


@pytest.mark.parametrize("query", ["13812345678", "138 1234 5678", "1381234", "zhang@example.com"])
def test_analyst_cannot_confirm_masked_personal_data_by_searching(routed_complaint, analyst, query):
    # The analyst sees the phone masked; a search hit over the stored text would confirm it.
    response = api_client(analyst).get("/api/complaints", {"q": query})
    assert response.status_code == 422
    assert "personal data masked" in str(response.json())


def test_analyst_still_searches_by_words_and_tracking_number(routed_complaint, analyst):
    client = api_client(analyst)
    assert client.get("/api/complaints", {"q": "多扣了58元"}).json()["count"] == 1
    number = routed_complaint.tracking_number
    assert client.get("/api/complaints", {"q": number}).json()["count"] == 1


def test_staff_who_see_personal_data_search_by_phone(routed_complaint, agent):
    assert api_client(agent).get("/api/complaints", {"q": "13812345678"}).json()["count"] == 1
