"""A proposed rejection waits for a second supervisor, who sees it (who proposed it, the reason,
the explanation) on the complaint and in the reject form, which offers the proposed reason;
they confirm or decline it there, and the proposer may withdraw it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.surveys.choices import ReviewStatus
from complaintdesk.surveys.models import RejectionReview
from complaintdesk.surveys.rejection import rejection_propose
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db

EXPLANATION = "客户所述扣费记录经核查不存在,系编造。"


def reject_url(complaint: Complaint) -> str:
    return reverse("web:complaint_action", args=[complaint.tracking_number, "reject"])


def review_url(complaint: Complaint, review: RejectionReview, decision: str) -> str:
    return reverse("web:rejection_review", args=[complaint.tracking_number, review.pk, decision])


@pytest.fixture
def proposal(agent, supervisor) -> RejectionReview:
    complaint = complaint_make(actor=agent)
    return rejection_propose(
        complaint=complaint, actor=supervisor, reason="malicious", note=EXPLANATION
    )


def test_the_second_supervisor_sees_the_proposal_and_its_reason_is_offered(
    proposal, second_supervisor
):
    complaint = proposal.complaint
    client = client_for(second_supervisor)
    detail = client.get(reverse("web:complaint_detail", args=[complaint.tracking_number]))
    assert "supervisor proposed to reject this complaint (Malicious, with fabricated facts)" in (
        detail.content.decode()
    )
    form = client.get(reject_url(complaint), **HTMX).content.decode()
    assert "Rejection proposed by supervisor" in form
    assert EXPLANATION in form
    assert '<option value="malicious" selected>' in form
    assert "data-rejection-confirm" in form and "data-rejection-decline" in form


def test_confirming_with_the_offered_reason_rejects_the_complaint(proposal, second_supervisor):
    complaint = proposal.complaint
    response = client_for(second_supervisor).post(
        reject_url(complaint), {"reason": "malicious", "note": "已核对扣费记录"}, **HTMX
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.REJECTED
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reviewed_by) == (ReviewStatus.CONFIRMED, second_supervisor)


def test_confirming_with_another_reason_is_refused_and_the_proposal_stays_in_view(
    proposal, second_supervisor
):
    complaint = proposal.complaint
    response = client_for(second_supervisor).post(
        reject_url(complaint), {"reason": "invalid", "note": "核对"}, **HTMX
    )
    assert response.status_code == 422
    shown = response.content.decode()
    assert "confirm it with the same reason" in shown
    assert "Rejection proposed by supervisor" in shown
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED


def test_the_second_supervisor_declines_with_a_reason(proposal, second_supervisor):
    complaint = proposal.complaint
    client = client_for(second_supervisor)
    without = client.post(
        review_url(complaint, proposal, "decline"), {"reason": "malicious"}, **HTMX
    )
    assert without.status_code == 422
    assert "Say why the rejection is declined." in without.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ReviewStatus.PROPOSED

    declined = client.post(
        review_url(complaint, proposal, "decline"),
        {"reason": "malicious", "note": "录音显示客户确有扣费"},
        **HTMX,
    )
    assert declined.status_code == 200
    assert declined["HX-Redirect"] == reverse(
        "web:complaint_detail", args=[complaint.tracking_number]
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_note) == (
        ReviewStatus.DECLINED,
        "录音显示客户确有扣费",
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED


def test_the_proposer_sees_their_proposal_waiting_and_may_withdraw_it(proposal, supervisor):
    complaint = proposal.complaint
    client = client_for(supervisor)
    detail = client.get(reverse("web:complaint_detail", args=[complaint.tracking_number]))
    assert "Your proposal to reject this complaint" in detail.content.decode()
    form = client.get(reject_url(complaint), **HTMX).content.decode()
    assert "data-rejection-withdraw" in form
    assert "data-rejection-confirm" not in form and "data-rejection-decline" not in form

    withdrawn = client.post(review_url(complaint, proposal, "withdraw"), {"note": ""}, **HTMX)
    assert withdrawn.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ReviewStatus.WITHDRAWN


def test_the_proposer_cannot_decline_their_own_proposal(proposal, supervisor):
    complaint = proposal.complaint
    response = client_for(supervisor).post(
        review_url(complaint, proposal, "decline"), {"note": "算了"}, **HTMX
    )
    assert response.status_code == 403
    assert "Withdraw your own proposal instead of reviewing it." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ReviewStatus.PROPOSED


def test_an_agent_neither_sees_the_proposal_nor_declines_it(proposal, agent, analyst):
    complaint = proposal.complaint
    for user in (agent, analyst):
        client = client_for(user)
        detail = client.get(reverse("web:complaint_detail", args=[complaint.tracking_number]))
        assert "data-pending-rejection" not in detail.content.decode()
        refused = client.post(review_url(complaint, proposal, "decline"), {"note": "不同意"})
        assert refused.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == ReviewStatus.PROPOSED


def test_a_handler_of_another_department_gets_not_found(
    proposal, network_department, other_department_handler
):
    complaint = proposal.complaint
    Complaint.objects.filter(pk=complaint.pk).update(department=network_department)
    response = client_for(other_department_handler).post(
        review_url(complaint, proposal, "decline"), {"note": "不同意"}
    )
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ReviewStatus.PROPOSED
