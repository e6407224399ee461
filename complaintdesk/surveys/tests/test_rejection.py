"""Rejection review: proposed by one manager, confirmed or declined by a different one."""

from __future__ import annotations

import pytest

from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.surveys.choices import ReviewStatus
from complaintdesk.surveys.rejection import (
    rejection_confirm,
    rejection_decline,
    rejection_propose,
    rejection_request,
    rejection_withdraw,
)
from complaintdesk.surveys.selectors import rejection_reviews_pending

pytestmark = pytest.mark.django_db
NOTE = "客户所述事实与系统记录不符,系恶意投诉。"


def test_a_rejection_takes_effect_only_when_a_different_supervisor_confirms_it(
    agent, supervisor, second_supervisor
):
    complaint = complaint_make(actor=agent)
    review = rejection_propose(complaint=complaint, actor=supervisor, reason="malicious", note=NOTE)
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED
    assert list(rejection_reviews_pending(user=second_supervisor)) == [review]
    assert not rejection_reviews_pending(user=supervisor).exists()
    with pytest.raises(NotAllowed):
        rejection_confirm(review=review, actor=supervisor)
    rejected = rejection_confirm(review=review, actor=second_supervisor)
    assert (rejected.status, rejected.rejection_reason) == (Status.REJECTED, "malicious")
    review.refresh_from_db()
    assert (review.status, review.reviewed_by) == (ReviewStatus.CONFIRMED, second_supervisor)
    kinds = list(rejected.events.values_list("kind", flat=True))
    assert EventKind.REJECTION_REVIEW in kinds


def test_an_administrator_may_confirm(agent, supervisor, administrator):
    complaint = complaint_make(actor=agent)
    review = rejection_propose(complaint=complaint, actor=supervisor, reason="invalid", note=NOTE)
    assert rejection_confirm(review=review, actor=administrator).status == Status.REJECTED


def test_handlers_and_agents_cannot_propose(agent, handler):
    complaint = complaint_make(actor=agent)
    for actor in (agent, handler):
        with pytest.raises(NotAllowed):
            rejection_propose(complaint=complaint, actor=actor, reason="invalid", note=NOTE)


def test_a_proposal_needs_a_reason_and_an_explanation(agent, supervisor):
    complaint = complaint_make(actor=agent)
    with pytest.raises(InvalidInput) as refused:
        rejection_propose(complaint=complaint, actor=supervisor, reason="boring", note=NOTE)
    assert refused.value.field == "reason"
    with pytest.raises(InvalidInput) as refused:
        rejection_propose(complaint=complaint, actor=supervisor, reason="invalid", note=" ")
    assert refused.value.field == "note"


def test_one_proposal_waits_at_a_time(agent, supervisor, second_supervisor):
    complaint = complaint_make(actor=agent)
    rejection_propose(complaint=complaint, actor=supervisor, reason="invalid", note=NOTE)
    with pytest.raises(Conflict):
        rejection_propose(complaint=complaint, actor=second_supervisor, reason="invalid", note=NOTE)


def test_the_reviewer_declines_and_the_complaint_carries_on(agent, supervisor, second_supervisor):
    complaint = complaint_make(actor=agent)
    review = rejection_propose(complaint=complaint, actor=supervisor, reason="invalid", note=NOTE)
    with pytest.raises(NotAllowed):
        rejection_decline(review=review, actor=supervisor, note="不")
    with pytest.raises(InvalidInput):
        rejection_decline(review=review, actor=second_supervisor, note="")
    declined = rejection_decline(review=review, actor=second_supervisor, note="证据充分,需处理。")
    assert declined.status == ReviewStatus.DECLINED
    with pytest.raises(Conflict):
        rejection_confirm(review=review, actor=second_supervisor)
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED


def test_only_the_proposer_withdraws(agent, supervisor, second_supervisor):
    complaint = complaint_make(actor=agent)
    review = rejection_propose(complaint=complaint, actor=supervisor, reason="invalid", note=NOTE)
    with pytest.raises(NotAllowed):
        rejection_withdraw(review=review, actor=second_supervisor)
    assert rejection_withdraw(review=review, actor=supervisor).status == ReviewStatus.WITHDRAWN
    # A new proposal may follow.
    rejection_propose(complaint=complaint, actor=second_supervisor, reason="invalid", note=NOTE)


def test_request_proposes_then_confirms(agent, supervisor, second_supervisor):
    complaint = complaint_make(actor=agent)
    review = rejection_request(complaint=complaint, actor=supervisor, reason="invalid", note=NOTE)
    assert review.status == ReviewStatus.PROPOSED
    with pytest.raises(Conflict, match="waiting for another supervisor"):
        rejection_request(complaint=complaint, actor=supervisor, reason="invalid", note=NOTE)
    confirmed = rejection_request(
        complaint=complaint, actor=second_supervisor, reason="invalid", note=NOTE
    )
    assert confirmed.status == ReviewStatus.CONFIRMED
    complaint.refresh_from_db()
    assert complaint.status == Status.REJECTED


CONFIRMER_NOTE = "已核对通话录音,同意驳回。"


def _review_events(complaint):
    return list(
        complaint.events.filter(kind=EventKind.REJECTION_REVIEW).values_list("after", "note")
    )


def test_the_confirmers_note_is_kept_on_the_review_and_its_timeline_event(
    agent, supervisor, second_supervisor
):
    complaint = complaint_make(actor=agent)
    review = rejection_propose(complaint=complaint, actor=supervisor, reason="malicious", note=NOTE)
    rejected = rejection_confirm(review=review, actor=second_supervisor, note=CONFIRMER_NOTE)
    review.refresh_from_db()
    assert review.review_note == CONFIRMER_NOTE
    after, note = _review_events(rejected)[-1]
    assert (after["status"], note) == (ReviewStatus.CONFIRMED, CONFIRMER_NOTE)
    # The customer is told the explanation that was proposed and reviewed.
    transition = rejected.events.get(kind=EventKind.TRANSITION, to_status=Status.REJECTED)
    assert transition.note == NOTE


def test_the_one_button_confirmation_keeps_the_confirmers_note_too(
    agent, supervisor, second_supervisor
):
    complaint = complaint_make(actor=agent)
    rejection_request(complaint=complaint, actor=supervisor, reason="invalid", note=NOTE)
    review = rejection_request(
        complaint=complaint, actor=second_supervisor, reason="invalid", note=CONFIRMER_NOTE
    )
    assert (review.status, review.review_note) == (ReviewStatus.CONFIRMED, CONFIRMER_NOTE)
    assert _review_events(complaint)[-1][1] == CONFIRMER_NOTE
