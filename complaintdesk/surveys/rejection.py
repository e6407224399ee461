"""Rejection review: a complaint is rejected only by a second manager confirming a proposal.

One supervisor proposes the rejection with its reason and explanation
(`rejection_propose`); a different supervisor or administrator confirms it by taking the
lifecycle's "reject" action with the same reason — the lifecycle's guard asks
`rejection_review_require` and its side effect calls `rejection_review_confirm` — or
declines it (`rejection_decline`). The proposer may withdraw it (`rejection_withdraw`).
`rejection_request` is the one-button form for the web UI: it proposes, or confirms a
colleague's proposal.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.choices import EventKind, RejectionReason
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.lifecycle import (
    ROLE_REFUSALS,
    TRANSITIONS_BY_ACTION,
    complaint_transition,
)
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaints_visible_to
from complaintdesk.core import clock
from complaintdesk.surveys.choices import ReviewStatus
from complaintdesk.surveys.models import RejectionReview

REJECT = TRANSITIONS_BY_ACTION["reject"]


def _require_manager(actor: User, complaint: Complaint) -> None:
    if role_of(actor) not in REJECT.roles:
        raise NotAllowed(ROLE_REFUSALS["reject"])
    if not complaints_visible_to(actor).filter(pk=complaint.pk).exists():
        raise NotAllowed(_("This complaint belongs to another department."))


def _record(review: RejectionReview, actor: User, status: str, note: str) -> None:
    event_record(
        complaint=review.complaint,
        actor=actor,
        kind=EventKind.REJECTION_REVIEW,
        note=note,
        after={"review": review.pk, "status": status, "reason": review.reason},
    )


def rejection_propose(
    *, complaint: Complaint, actor: User, reason: str, note: str
) -> RejectionReview:
    """Propose rejecting a complaint; a different manager must confirm it."""
    _require_manager(actor, complaint)
    if reason not in RejectionReason.values:
        raise InvalidInput(
            _("Give the rejection reason: one of %(choices)s.")
            % {"choices": ", ".join(RejectionReason.values)},
            field="reason",
        )
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Explain the rejection."), field="note")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status not in REJECT.sources:
            raise Conflict(
                _("A complaint that is %(status)s cannot be rejected.")
                % {"status": locked.get_status_display()}
            )
        if RejectionReview.objects.filter(complaint=locked, status=ReviewStatus.PROPOSED).exists():
            raise Conflict(_("A rejection of this complaint is already waiting for review."))
        review = RejectionReview.objects.create(
            complaint=locked, reason=reason, note=note, proposed_by=actor, proposed_at=clock.now()
        )
        _record(review, actor, ReviewStatus.PROPOSED, note)
    return review


def rejection_review_require(
    *, complaint: Complaint, actor: User | None, reason: object
) -> RejectionReview:
    """The lifecycle's guard: the pending proposal this rejection confirms, or why not."""
    review = RejectionReview.objects.filter(
        complaint=complaint, status=ReviewStatus.PROPOSED
    ).first()
    if review is None:
        raise InvalidInput(
            _("A rejection must first be proposed, then confirmed by a second supervisor.")
        )
    if review.proposed_by_id == getattr(actor, "pk", None):
        raise NotAllowed(
            _("A rejection must be confirmed by someone other than the person who proposed it.")
        )
    if review.reason != reason:
        raise InvalidInput(
            _("The proposal gives the reason %(reason)s; confirm it with the same reason.")
            % {"reason": review.get_reason_display()},
            field="reason",
        )
    return review


def rejection_review_confirm(*, complaint: Complaint, actor: User | None, now: datetime) -> int:
    """The lifecycle's side effect of "reject": the pending proposal is confirmed."""
    review = RejectionReview.objects.select_for_update().get(
        complaint=complaint, status=ReviewStatus.PROPOSED
    )
    review.status = ReviewStatus.CONFIRMED
    review.reviewed_by = actor
    review.reviewed_at = now
    review.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return review.pk


def _settle(review: RejectionReview, *, actor: User, status: str, note: str) -> RejectionReview:
    with transaction.atomic():
        claimed = RejectionReview.objects.filter(pk=review.pk, status=ReviewStatus.PROPOSED).update(
            status=status, reviewed_by=actor, reviewed_at=clock.now(), review_note=note
        )
        if not claimed:
            raise Conflict(_("This rejection proposal has already been reviewed or withdrawn."))
        review.refresh_from_db()
        _record(review, actor, status, note)
    return review


def rejection_decline(*, review: RejectionReview, actor: User, note: str) -> RejectionReview:
    """A second manager turns the proposal down; the complaint carries on."""
    _require_manager(actor, review.complaint)
    if review.proposed_by_id == actor.pk:
        raise NotAllowed(_("Withdraw your own proposal instead of reviewing it."))
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Say why the rejection is declined."), field="note")
    return _settle(review, actor=actor, status=ReviewStatus.DECLINED, note=note)


def rejection_withdraw(*, review: RejectionReview, actor: User, note: str = "") -> RejectionReview:
    """The proposer takes the proposal back."""
    if review.proposed_by_id != actor.pk:
        raise NotAllowed(_("Only the person who proposed the rejection can withdraw it."))
    return _settle(review, actor=actor, status=ReviewStatus.WITHDRAWN, note=(note or "").strip())


def _confirm(*, review: RejectionReview, actor: User, reason: object, note: str) -> Complaint:
    """Reject the complaint through the lifecycle, keeping the confirmer's own note.

    The customer is told the explanation that was proposed and reviewed; the confirmer's note
    (what they checked, why they agree) is kept on the review and on its timeline event
    (it was dropped: QA).
    """
    note = (note or "").strip()
    with transaction.atomic():
        complaint = complaint_transition(
            complaint=review.complaint,
            action="reject",
            actor=actor,
            note=review.note,
            params={"reason": reason},
        )
        review.refresh_from_db()
        review.review_note = note
        review.save(update_fields=["review_note"])
        _record(review, actor, ReviewStatus.CONFIRMED, note)
    return complaint


def rejection_confirm(*, review: RejectionReview, actor: User, note: str = "") -> Complaint:
    """Confirm a colleague's proposal, with a note of one's own: the complaint is rejected
    with its reason."""
    review.refresh_from_db()
    if review.status != ReviewStatus.PROPOSED:
        raise Conflict(_("This rejection proposal has already been reviewed or withdrawn."))
    return _confirm(review=review, actor=actor, reason=review.reason, note=note)


def rejection_request(
    *, complaint: Complaint, actor: User, reason: str, note: str
) -> RejectionReview:
    """Reject if a colleague proposed it with this reason; otherwise propose it."""
    pending = RejectionReview.objects.filter(
        complaint=complaint, status=ReviewStatus.PROPOSED
    ).first()
    if pending is None:
        return rejection_propose(complaint=complaint, actor=actor, reason=reason, note=note)
    if pending.proposed_by_id == actor.pk:
        raise Conflict(
            _("Your proposal to reject this complaint is waiting for another supervisor.")
        )
    _confirm(review=pending, actor=actor, reason=reason, note=note)
    pending.refresh_from_db()
    return pending
