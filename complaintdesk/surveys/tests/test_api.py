"""The surveys API: read a complaint's survey, visits due and their outcome, rejection reviews;
a handler of another department gets 404 everywhere."""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.surveys.services import survey_answer
from complaintdesk.surveys.tests.helpers import SATISFIED, resolved_complaint, survey_token

pytestmark = pytest.mark.django_db


def test_a_complaints_surveys_with_the_answer(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    survey_answer(token=survey_token(complaint), answer=SATISFIED)
    response = api_client(handler).get(f"/api/complaints/{complaint.tracking_number}/surveys")
    assert response.status_code == 200, response.content
    [survey] = response.json()
    assert (survey["status"], survey["overall"], survey["problem_solved"]) == ("answered", 5, True)
    assert survey["comment"] == SATISFIED.comment
    assert "token_hash" not in survey


def test_analysts_read_response_counts_and_ratings(agent, handler, analyst):
    complaint = resolved_complaint(agent=agent, handler=handler)
    survey_answer(token=survey_token(complaint), answer=SATISFIED)
    counts = api_client(analyst).get("/api/surveys/response-counts").json()
    assert counts["answered"] == 1 and counts["sent"] == 0
    response = api_client(analyst).get(f"/api/complaints/{complaint.tracking_number}/surveys")
    assert response.json()[0]["overall"] == 5


def test_visits_due_and_their_outcome_through_the_api(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    complaint_transition(complaint=complaint, action="close", actor=handler)
    client = api_client(handler)
    visits = client.get(f"/api/complaints/{complaint.tracking_number}/follow-up-visits").json()
    assert [v["offset_days"] for v in visits] == [7, 30]
    assert client.get("/api/follow-up-visits/due").json()["results"] == []
    with clock.travel_to(clock.now() + timedelta(days=8)):
        due = client.get("/api/follow-up-visits/due").json()["results"]
        assert [v["id"] for v in due] == [visits[0]["id"]]
        response = post_json(
            client,
            f"/api/follow-up-visits/{visits[0]['id']}/outcome",
            {"reached": True, "problem_returned": True, "note": "又断网了"},
        )
    assert response.status_code == 200, response.content
    assert response.json()["problem_returned"] is True
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED


def test_an_outcome_without_its_answer_is_422(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    complaint_transition(complaint=complaint, action="close", actor=handler)
    visit = complaint.follow_up_visits.first()
    response = post_json(
        api_client(handler), f"/api/follow-up-visits/{visit.pk}/outcome", {"reached": True}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "problem_returned"


def test_a_handler_of_another_department_gets_404(agent, handler, other_department_handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    complaint_transition(complaint=complaint, action="close", actor=handler)
    visit = complaint.follow_up_visits.first()
    client = api_client(other_department_handler)
    number = complaint.tracking_number
    assert client.get(f"/api/complaints/{number}/surveys").status_code == 404
    assert client.get(f"/api/complaints/{number}/follow-up-visits").status_code == 404
    assert client.get(f"/api/complaints/{number}/rejection-reviews").status_code == 404
    outcome = {"reached": True, "problem_returned": False}
    assert (
        post_json(client, f"/api/follow-up-visits/{visit.pk}/outcome", outcome).status_code == 404
    )
    with clock.travel_to(clock.now() + timedelta(days=40)):
        assert client.get("/api/follow-up-visits/due").json()["results"] == []
    visit.refresh_from_db()
    assert visit.status == "planned"


def test_rejection_proposed_and_confirmed_by_two_supervisors(agent, supervisor, second_supervisor):
    complaint = complaint_make(actor=agent)
    number = complaint.tracking_number
    proposal = {"reason": "malicious", "note": "客户所述与记录不符。"}
    response = post_json(
        api_client(supervisor), f"/api/complaints/{number}/rejection-reviews", proposal
    )
    assert response.status_code == 201, response.content
    review = response.json()
    assert review["status"] == "proposed"
    assert api_client(supervisor).get("/api/rejection-reviews/pending").json()["count"] == 0
    pending = api_client(second_supervisor).get("/api/rejection-reviews/pending").json()
    pending = pending["results"]
    assert [r["id"] for r in pending] == [review["id"]]
    own = post_json(api_client(supervisor), f"/api/rejection-reviews/{review['id']}/confirm", {})
    assert own.status_code == 403
    confirmed = post_json(
        api_client(second_supervisor), f"/api/rejection-reviews/{review['id']}/confirm", {}
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["reviewed_by"] == "supervisor2"
    complaint.refresh_from_db()
    assert complaint.status == Status.REJECTED


def test_the_plain_reject_transition_needs_the_review(agent, supervisor):
    complaint = complaint_make(actor=agent)
    response = post_json(
        api_client(supervisor),
        f"/api/complaints/{complaint.tracking_number}/transitions",
        {"action": "reject", "note": "恶意投诉", "reason": "malicious"},
    )
    assert response.status_code == 422, response.content
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED


def test_handlers_cannot_propose_rejections(agent, handler):
    complaint = complaint_make(actor=agent)
    response = post_json(
        api_client(handler),
        f"/api/complaints/{complaint.tracking_number}/rejection-reviews",
        {"reason": "invalid", "note": "无效"},
    )
    assert response.status_code in {403, 404}
    assert not complaint.rejection_reviews.exists()
