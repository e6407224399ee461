"""Authorising a higher remedy over the API: the decision takes the ceiling in `amount` and
`currency` (required for authorise, refused with another decision or beyond the decider's own
authority), the escalation shows it, and the handler then approves compensation up to it.
The remedies endpoints take free text up to the one shared cap."""

from __future__ import annotations

import pytest

from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.complaints.escalation_requests import complaint_escalate
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.intake.services import DESCRIPTION_MAX
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.models import CompensationItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(agent, handler, network_department) -> Complaint:
    budget_make(network_department, "5000")
    clause_make()
    return handled_complaint(agent, handler)


@pytest.fixture
def escalation(complaint, handler, supervisor) -> Escalation:
    return complaint_escalate(
        complaint=complaint,
        actor=handler,
        reason="authority",
        explanation="客户要求补偿800元,超出我的权限。",
        to=supervisor,
    )


def decision_url(escalation: Escalation) -> str:
    number = escalation.complaint.tracking_number
    return f"/api/complaints/{number}/escalations/{escalation.pk}/decision"


def items_url(complaint: Complaint) -> str:
    return f"/api/complaints/{complaint.tracking_number}/compensation"


def test_the_handler_approves_up_to_the_ceiling_once_management_authorises_it(
    complaint, escalation, handler, supervisor
):
    proposed = post_json(
        api_client(handler),
        items_url(complaint),
        {"form": "service_credit", "amount": "800.00", "policy_clause": "outage-refund"},
    )
    assert proposed.status_code == 201, proposed.content
    approve = f"{items_url(complaint)}/{proposed.json()['id']}/approve"
    before = post_json(api_client(handler), approve, {})
    assert before.status_code == 403
    assert "needs Supervisor approval" in before.json()["detail"]

    decided = post_json(
        api_client(supervisor),
        decision_url(escalation),
        {
            "decision": "authorise",
            "note": "同意补偿,以1000元为限。",
            "amount": "1000",
            "currency": "CNY",
        },
    )
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert (body["decision"], body["authorised_amount"], body["authorised_currency"]) == (
        "authorise",
        "1000.00",
        "CNY",
    )
    listed = (
        api_client(handler).get(f"/api/complaints/{complaint.tracking_number}/escalations").json()
    )
    assert listed["results"][0]["authorised_amount"] == "1000.00"

    after = post_json(api_client(handler), approve, {})
    assert after.status_code == 200, after.content
    assert (after.json()["status"], after.json()["approved_by"]) == ("approved", "handler")

    more = post_json(
        api_client(handler),
        items_url(complaint),
        {"form": "service_credit", "amount": "300.00", "policy_clause": "outage-refund"},
    )
    above = post_json(
        api_client(handler), f"{items_url(complaint)}/{more.json()['id']}/approve", {}
    )
    assert above.status_code == 403
    assert "up to 1,000.00 CNY in all on this complaint" in above.json()["detail"]


def test_other_decisions_show_no_ceiling(escalation, supervisor):
    decided = post_json(
        api_client(supervisor), decision_url(escalation), {"decision": "approved", "note": "同意"}
    )
    assert decided.status_code == 200, decided.content
    assert (decided.json()["authorised_amount"], decided.json()["authorised_currency"]) == (
        None,
        None,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"decision": "authorise", "note": "准许"}, "amount"),
        ({"decision": "authorise", "note": "准许", "amount": "1000"}, "currency"),
        ({"decision": "authorise", "note": "准许", "amount": "0", "currency": "CNY"}, "amount"),
        ({"decision": "approved", "note": "同意", "amount": "1000", "currency": "CNY"}, "amount"),
        ({"decision": "reject", "note": "不同意", "currency": "CNY"}, "currency"),
    ],
)
def test_a_missing_or_misplaced_ceiling_is_a_422_and_leaves_it_open(
    escalation, supervisor, body, field
):
    response = post_json(api_client(supervisor), decision_url(escalation), body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    escalation.refresh_from_db()
    assert (escalation.status, escalation.authorised_amount) == ("open", None)


def test_a_ceiling_beyond_the_deciders_authority_is_a_403(escalation, supervisor):
    response = post_json(
        api_client(supervisor),
        decision_url(escalation),
        {"decision": "authorise", "note": "准许", "amount": "6000", "currency": "CNY"},
    )
    assert response.status_code == 403, response.content
    refusal = response.json()["detail"]
    assert refusal.startswith("You may authorise only as much as you could approve yourself")
    escalation.refresh_from_db()
    assert escalation.status == "open"


def test_the_remedies_endpoints_take_text_up_to_the_shared_cap(
    complaint, handler, network_department
):
    proposed = post_json(
        api_client(handler),
        items_url(complaint),
        {"form": "service_credit", "amount": "50.00", "policy_clause": "outage-refund"},
    )
    cancel = f"{items_url(complaint)}/{proposed.json()['id']}/cancel"
    too_long = post_json(api_client(handler), cancel, {"reason": "长" * (DESCRIPTION_MAX + 1)})
    assert too_long.status_code == 422
    assert CompensationItem.objects.get().status == ItemStatus.PROPOSED
    # 5,001 characters, refused before by a cap of the remedies API's own.
    long = post_json(api_client(handler), cancel, {"reason": "长" * 5001})
    assert long.status_code == 200, long.content
    assert long.json()["status"] == "cancelled"
