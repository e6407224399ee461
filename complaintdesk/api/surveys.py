"""Satisfaction surveys, follow-up visits and rejection reviews: thin endpoints."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.api.auth import request_user
from complaintdesk.api.complaints import ERRORS
from complaintdesk.api.pagination import PageOut, PageQuery, page_of
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.surveys.models import FollowUpVisit, RejectionReview, Survey
from complaintdesk.surveys.rejection import (
    rejection_confirm,
    rejection_decline,
    rejection_propose,
    rejection_withdraw,
)
from complaintdesk.surveys.selectors import (
    rejection_review_get,
    rejection_reviews_of_complaint,
    rejection_reviews_pending,
    survey_response_counts,
    surveys_of_complaint,
    visit_get,
    visits_due,
    visits_of_complaint,
)
from complaintdesk.surveys.visits import visit_record

router = Router(tags=["surveys and follow-up"])


class SurveyOut(Schema):
    id: int
    round: int
    status: str
    language: str
    sent_at: datetime
    expires_at: datetime
    reminded_at: datetime | None
    answered_at: datetime | None
    expired_at: datetime | None
    overall: int | None
    outcome_fairness: int | None
    procedural_fairness: int | None
    interactional_fairness: int | None
    handler_attitude: int | None
    problem_solved: bool | None
    comment: str
    consequence: str


class VisitOut(Schema):
    id: int
    tracking_number: str
    kind: str
    round: int
    offset_days: int | None
    due_at: datetime
    status: str
    reached: bool | None
    problem_returned: bool | None
    note: str
    recorded_by: str | None
    recorded_at: datetime | None


class VisitPage(PageOut):
    results: list[VisitOut]


class VisitOutcomeIn(Schema):
    reached: bool
    problem_returned: bool | None = None
    note: str = ""


class ReviewOut(Schema):
    id: int
    tracking_number: str
    reason: str
    note: str
    status: str
    proposed_by: str
    proposed_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str


class ReviewPage(PageOut):
    results: list[ReviewOut]


class ProposalIn(Schema):
    reason: str
    note: str


class ReviewNoteIn(Schema):
    note: str = ""


def survey_out(survey: Survey, user: User) -> dict[str, Any]:
    data = {name: getattr(survey, name) for name in SurveyOut.model_fields if name != "id"}
    data["id"] = survey.pk
    if not sees_personal_data(user):
        data["comment"] = mask_complaint_text(survey.comment, survey.complaint)
    return data


def visit_out(visit: FollowUpVisit) -> dict[str, Any]:
    return {
        "id": visit.pk,
        "tracking_number": visit.complaint.tracking_number,
        "kind": visit.kind,
        "round": visit.round,
        "offset_days": visit.offset_days,
        "due_at": visit.due_at,
        "status": visit.status,
        "reached": visit.reached,
        "problem_returned": visit.problem_returned,
        "note": visit.note,
        "recorded_by": visit.recorded_by.username if visit.recorded_by else None,
        "recorded_at": visit.recorded_at,
    }


def review_out(review: RejectionReview) -> dict[str, Any]:
    return {
        "id": review.pk,
        "tracking_number": review.complaint.tracking_number,
        "reason": review.reason,
        "note": review.note,
        "status": review.status,
        "proposed_by": review.proposed_by.username,
        "proposed_at": review.proposed_at,
        "reviewed_by": review.reviewed_by.username if review.reviewed_by else None,
        "reviewed_at": review.reviewed_at,
        "review_note": review.review_note,
    }


@router.get(
    "/complaints/{tracking_number}/surveys",
    response={200: list[SurveyOut], **ERRORS},
    summary="The complaint's satisfaction surveys and their answers",
)
def list_surveys(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return [survey_out(s, user) for s in surveys_of_complaint(complaint=complaint)]


@router.get(
    "/surveys/response-counts",
    response={200: dict[str, int], **ERRORS},
    summary="Surveys by status: sent, reminded, answered, expired, withdrawn",
    description=(
        "Surveys sent from `sent_from` to `sent_to`, both inclusive: a date (2026-11-20) "
        "counts its whole day in the server's time zone, so `sent_from=sent_to=2026-11-20` "
        "is that day; a date and time counts from or up to that instant. Either may be left "
        "out. `sent_from` after `sent_to` is refused with 422."
    ),
)
def response_counts(
    request: HttpRequest,
    sent_from: date | datetime | None = None,
    sent_to: date | datetime | None = None,
) -> dict[str, int]:
    return survey_response_counts(user=request_user(request), sent_from=sent_from, sent_to=sent_to)


@router.get(
    "/complaints/{tracking_number}/follow-up-visits",
    response={200: list[VisitOut], **ERRORS},
    summary="The complaint's follow-up visits",
)
def list_visits(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    complaint = complaint_get(user=request_user(request), tracking_number=tracking_number)
    return [visit_out(v) for v in visits_of_complaint(complaint=complaint)]


@router.get(
    "/follow-up-visits/due",
    response={200: VisitPage, **ERRORS},
    summary="Follow-up visits due now on the complaints you see",
    description="The longest due first, a page at a time.",
)
def list_due_visits(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return page_of(visits_due(user=request_user(request)), query, visit_out)


@router.post(
    "/follow-up-visits/{visit_id}/outcome",
    response={200: VisitOut, **ERRORS},
    summary="Record a follow-up visit's outcome",
    description=(
        "reached: whether the customer was reached; problem_returned: required when reached — "
        "true reopens the complaint; note: required when the customer was not reached."
    ),
)
def record_visit(request: HttpRequest, visit_id: int, payload: VisitOutcomeIn) -> dict[str, Any]:
    user = request_user(request)
    visit = visit_get(user=user, visit_id=visit_id)
    visit = visit_record(
        visit=visit,
        actor=user,
        reached=payload.reached,
        problem_returned=payload.problem_returned,
        note=payload.note,
    )
    return visit_out(visit)


@router.get(
    "/complaints/{tracking_number}/rejection-reviews",
    response={200: list[ReviewOut], **ERRORS},
    summary="Proposed rejections of the complaint and their reviews",
)
def list_reviews(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    complaint = complaint_get(user=request_user(request), tracking_number=tracking_number)
    return [review_out(r) for r in rejection_reviews_of_complaint(complaint=complaint)]


@router.post(
    "/complaints/{tracking_number}/rejection-reviews",
    response={201: ReviewOut, **ERRORS},
    summary="Propose rejecting the complaint (a second supervisor confirms)",
    description="reason: invalid, malicious or duplicate; note: the explanation.",
)
def propose_rejection(
    request: HttpRequest, tracking_number: str, payload: ProposalIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    review = rejection_propose(
        complaint=complaint, actor=user, reason=payload.reason, note=payload.note
    )
    return Status(201, review_out(review))


@router.get(
    "/rejection-reviews/pending",
    response={200: ReviewPage, **ERRORS},
    summary="Proposed rejections waiting for your review",
    description="The longest waiting first, a page at a time.",
)
def list_pending_reviews(request: HttpRequest, query: Query[PageQuery]) -> dict[str, Any]:
    return page_of(rejection_reviews_pending(user=request_user(request)), query, review_out)


@router.post(
    "/rejection-reviews/{review_id}/confirm",
    response={200: ReviewOut, **ERRORS},
    summary="Confirm a colleague's proposal: the complaint is rejected",
)
def confirm_review(request: HttpRequest, review_id: int, payload: ReviewNoteIn) -> dict[str, Any]:
    user = request_user(request)
    review = rejection_review_get(user=user, review_id=review_id)
    rejection_confirm(review=review, actor=user, note=payload.note)
    return review_out(rejection_review_get(user=user, review_id=review_id))


@router.post(
    "/rejection-reviews/{review_id}/decline",
    response={200: ReviewOut, **ERRORS},
    summary="Decline a colleague's proposal; the complaint carries on",
)
def decline_review(request: HttpRequest, review_id: int, payload: ReviewNoteIn) -> dict[str, Any]:
    user = request_user(request)
    review = rejection_review_get(user=user, review_id=review_id)
    return review_out(rejection_decline(review=review, actor=user, note=payload.note))


@router.post(
    "/rejection-reviews/{review_id}/withdraw",
    response={200: ReviewOut, **ERRORS},
    summary="Withdraw your own proposal",
)
def withdraw_review(request: HttpRequest, review_id: int, payload: ReviewNoteIn) -> dict[str, Any]:
    user = request_user(request)
    review = rejection_review_get(user=user, review_id=review_id)
    return review_out(rejection_withdraw(review=review, actor=user, note=payload.note))
