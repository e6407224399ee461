"""Reads of surveys, follow-up visits and rejection reviews, restricted to what a user sees."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.errors import InvalidInput, NotFound
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaints_visible_to
from complaintdesk.core import clock
from complaintdesk.surveys.choices import ReviewStatus, SurveyStatus, VisitKind, VisitStatus
from complaintdesk.surveys.models import FollowUpVisit, RejectionReview, Survey


def surveys_of_complaint(*, complaint: Complaint) -> QuerySet[Survey]:
    """A complaint's surveys, newest first; the caller got the complaint via complaint_get."""
    return Survey.objects.filter(complaint=complaint).order_by("-round", "-id")


def visits_of_complaint(*, complaint: Complaint) -> QuerySet[FollowUpVisit]:
    return FollowUpVisit.objects.filter(complaint=complaint).select_related("recorded_by")


def visits_due(*, user: User, at: datetime | None = None) -> QuerySet[FollowUpVisit]:
    """Planned visits due by `at` (now) on complaints the user sees.

    A periodic visit waits for a closed complaint: if it was reopened in the meantime, the
    visit is due again only after the next closure plans a new round.
    """
    at = at or clock.now()
    return (
        FollowUpVisit.objects.filter(
            status=VisitStatus.PLANNED,
            due_at__lte=at,
            complaint__in=complaints_visible_to(user),
        )
        .filter(Q(kind=VisitKind.SURVEY) | Q(complaint__status=Status.CLOSED))
        .select_related("complaint", "complaint__customer", "complaint__department")
        .order_by("due_at", "id")
    )


def visit_get(*, user: User, visit_id: int) -> FollowUpVisit:
    visit = (
        FollowUpVisit.objects.filter(pk=visit_id, complaint__in=complaints_visible_to(user))
        .select_related("complaint")
        .first()
    )
    if visit is None:
        raise NotFound(_("No follow-up visit %(id)s.") % {"id": visit_id})
    return visit


def rejection_reviews_of_complaint(*, complaint: Complaint) -> QuerySet[RejectionReview]:
    return RejectionReview.objects.filter(complaint=complaint).select_related(
        "proposed_by", "reviewed_by"
    )


def rejection_reviews_pending(*, user: User) -> QuerySet[RejectionReview]:
    """Proposals waiting for a reviewer other than their proposer, for this user."""
    return (
        RejectionReview.objects.filter(
            status=ReviewStatus.PROPOSED, complaint__in=complaints_visible_to(user)
        )
        .exclude(proposed_by=user)
        .select_related("complaint", "proposed_by")
        .order_by("proposed_at", "id")
    )


def rejection_review_get(*, user: User, review_id: int) -> RejectionReview:
    review = (
        RejectionReview.objects.filter(pk=review_id, complaint__in=complaints_visible_to(user))
        .select_related("complaint", "proposed_by", "reviewed_by")
        .first()
    )
    if review is None:
        raise NotFound(_("No rejection review %(id)s.") % {"id": review_id})
    return review


def survey_response_counts(
    *,
    user: User,
    sent_from: date | datetime | None = None,
    sent_to: date | datetime | None = None,
) -> dict[str, int]:
    """Surveys by status (sent, reminded, answered, expired, withdrawn) for non-response.

    Both bounds are inclusive: a date counts its whole day in the local time zone (so
    from = to = one date is that day), a date with a time counts from or up to that instant.
    """
    surveys = Survey.objects.filter(complaint__in=complaints_visible_to(user))
    start = _instant(sent_from) if sent_from is not None else None
    end = _first_instant_after(sent_to) if sent_to is not None else None
    if start is not None and end is not None and start >= end:
        raise InvalidInput(
            _("sent_from (%(start)s) is after sent_to (%(end)s); give the earlier one first.")
            % {"start": sent_from, "end": sent_to},
            field="sent_from",
        )
    if start is not None:
        surveys = surveys.filter(sent_at__gte=start)
    if end is not None:
        surveys = surveys.filter(sent_at__lt=end)
    counts = {status: 0 for status in SurveyStatus.values}
    for row in surveys.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def _instant(value: date | datetime) -> datetime:
    """A time as given (local when it names no zone), or a date's first moment locally."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _first_instant_after(value: date | datetime) -> datetime:
    """The end of an inclusive range: the next day's first moment, or just after the instant
    (the database keeps microseconds)."""
    if isinstance(value, datetime):
        return _instant(value) + timedelta(microseconds=1)
    return _instant(value + timedelta(days=1))
