"""Reassigning a complaint being handled, and changing the customer's demands, over the API."""

from __future__ import annotations

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core.testing.factories import complaint_make, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(agent, handler):
    complaint = complaint_make(actor=agent)
    return complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )


def test_a_supervisor_moves_a_misrouted_complaint_to_another_department(
    assigned, supervisor, billing_department
):
    billing_handler = user_make(Role.HANDLER, department=billing_department, username="bill")
    url = f"/api/complaints/{assigned.tracking_number}/reassign"
    response = post_json(
        api_client(supervisor), url, {"assignee": "bill", "reason": "It is a billing dispute"}
    )
    assert response.status_code == 200, response.content
    assigned.refresh_from_db()
    assert assigned.assignee == billing_handler
    assert assigned.department == billing_department
    event = assigned.events.filter(kind=EventKind.ASSIGNED).latest("id")
    assert event.note == "It is a billing dispute"


def test_a_handler_may_not_move_a_complaint_out_of_their_department(
    assigned, handler, billing_department
):
    user_make(Role.HANDLER, department=billing_department, username="bill")
    url = f"/api/complaints/{assigned.tracking_number}/reassign"
    response = post_json(api_client(handler), url, {"assignee": "bill", "reason": "billing"})
    assert response.status_code == 403
    assigned.refresh_from_db()
    assert assigned.assignee.username == "handler"


def test_reassigning_to_the_current_assignee_is_refused_and_writes_nothing(assigned, supervisor):
    events = assigned.events.count()
    url = f"/api/complaints/{assigned.tracking_number}/reassign"
    response = post_json(api_client(supervisor), url, {"assignee": "handler", "reason": "again"})
    assert response.status_code == 409, response.content
    assert "already assigned to handler" in response.json()["detail"]
    assert assigned.events.count() == events


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"assignee": "nobody", "reason": "x"}, "assignee"),
        ({"assignee": "handler", "reason": " "}, "reason"),
    ],
)
def test_reassignment_names_what_is_wrong(assigned, supervisor, body, field):
    url = f"/api/complaints/{assigned.tracking_number}/reassign"
    response = post_json(api_client(supervisor), url, body)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_demands_change_with_history(assigned, handler):
    client = api_client(handler)
    url = f"/api/complaints/{assigned.tracking_number}/demands"
    response = client.put(
        url, data='{"demands": ["refund", "apology"]}', content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["demands"] == ["refund", "apology"]
    event = assigned.events.filter(kind=EventKind.FIELD_CHANGED).latest("id")
    assert event.after == {"demands": ["refund", "apology"]}
    wrong = client.put(url, data='{"demands": ["a pony"]}', content_type="application/json")
    assert wrong.status_code == 422
    assigned.refresh_from_db()
    assert assigned.demands == ["refund", "apology"]


@pytest.mark.parametrize("name", ["nobody", "left"])
def test_moving_a_complaint_to_an_unknown_or_departed_person_names_the_field(
    assigned, supervisor, network_department, name
):
    user_make(Role.HANDLER, department=network_department, username="left", is_active=False)
    url = f"/api/complaints/{assigned.tracking_number}/reassign"
    response = post_json(api_client(supervisor), url, {"assignee": name, "reason": "holiday"})
    assert response.status_code == 422, response.content
    assert response.json() == {"detail": f"No active staff member {name}.", "field": "assignee"}
