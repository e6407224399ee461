"""Reads of determinations and plans, restricted to the complaints the user may see."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.complaints.errors import InvalidInput, NotFound
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaints_visible_to
from complaintdesk.core import clock
from complaintdesk.handling.authority import money
from complaintdesk.handling.choices import ActionStatus, DeterminationStatus, PlanStatus
from complaintdesk.handling.models import (
    Determination,
    ExecutionStep,
    HandlingPlan,
    RectificationAction,
)
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.models import CompensationItem

# Compensation still to be decided or delivered; fulfilled, confirmed, declined and
# withdrawn (cancelled) items are settled.
COMPENSATION_OPEN = frozenset(
    {ItemStatus.PROPOSED, ItemStatus.APPROVED, ItemStatus.OFFERED, ItemStatus.ACCEPTED}
)


def determinations_visible_to(user: User) -> QuerySet[Determination]:
    return Determination.objects.filter(complaint__in=complaints_visible_to(user))


def determination_get(*, user: User, complaint: Complaint, determination_id: int) -> Determination:
    found = determinations_visible_to(user).filter(complaint=complaint, pk=determination_id).first()
    if found is None:
        raise NotFound(_("No determination %(id)d on this complaint.") % {"id": determination_id})
    return found


def determinations_of(*, user: User, complaint: Complaint) -> QuerySet[Determination]:
    return (
        determinations_visible_to(user)
        .filter(complaint=complaint)
        .select_related("proposed_by", "reviewed_by", "communicated_by", "finalised_by")
        .prefetch_related(
            "accountability_items__department",
            "accountability_items__staff",
            "rectification_actions__owner",
            "evidence_notes",
            "evidence_attachments",
            "staff_involved",
        )
        .order_by("proposed_at", "id")
    )


@dataclass(frozen=True)
class DeterminationPeriod:
    """Final determinations of a period, with counts by party and by reason."""

    determinations: list[Determination]
    by_party: dict[str, int]
    by_reason: dict[str, int]


def determinations_for_period(
    *, user: User, date_from: datetime, date_to: datetime, department: str = ""
) -> DeterminationPeriod:
    """Determinations made final in [date_from, date_to), for the periodic analysis."""
    if date_to <= date_from:
        raise InvalidInput(_("The period ends before it starts."), field="date_to")
    queryset = determinations_visible_to(user).filter(
        status=DeterminationStatus.FINAL, finalised_at__gte=date_from, finalised_at__lt=date_to
    )
    if department:
        queryset = queryset.filter(complaint__department__code=department)
    rows = list(
        queryset.select_related("complaint", "complaint__department").order_by("finalised_at", "id")
    )
    return DeterminationPeriod(
        determinations=rows,
        by_party=dict(Counter(d.party for d in rows)),
        by_reason=dict(Counter(d.reason for d in rows)),
    )


def rectification_get(*, user: User, complaint: Complaint, action_id: int) -> RectificationAction:
    found = RectificationAction.objects.filter(
        determination__complaint=complaint,
        determination__complaint__in=complaints_visible_to(user),
        pk=action_id,
    ).first()
    if found is None:
        raise NotFound(_("No rectification action %(id)d on this complaint.") % {"id": action_id})
    return found


def plans_of(*, user: User, complaint: Complaint) -> QuerySet[HandlingPlan]:
    return (
        HandlingPlan.objects.filter(complaint=complaint, complaint__in=complaints_visible_to(user))
        .select_related(
            "complaint",
            "responsible_department",
            "responsible_person",
            "submitted_by",
            "withdrawn_by",
        )
        .prefetch_related(
            "collaborating_departments",
            "approval_steps__approver",
            "execution_steps__done_by",
            "compensation_items",
        )
        .order_by("version")
    )


def plan_get(*, user: User, complaint: Complaint, plan_id: int) -> HandlingPlan:
    found = plans_of(user=user, complaint=complaint).filter(pk=plan_id).first()
    if found is None:
        raise NotFound(_("No handling plan %(id)d on this complaint.") % {"id": plan_id})
    return found


def _plan_in_force(complaint: Complaint) -> HandlingPlan | None:
    """The plan the complaint's handling answers to: its latest version, or, when that was
    withdrawn, the last approved one (a withdrawn draft or plan sent back binds nobody, nor
    does the version it revised)."""
    plans = complaint.handling_plans.order_by("-version")
    latest = plans.first()
    if latest is None or latest.status != PlanStatus.WITHDRAWN:
        return latest
    return plans.filter(status=PlanStatus.APPROVED).first()


def _plan_left_open(complaint: Complaint) -> list[str]:
    plan = _plan_in_force(complaint)
    if plan is None:
        return []  # a first-contact resolution, or every plan withdrawn: nothing to approve
    match plan.status:
        case PlanStatus.DRAFT:
            return [
                _("handling plan v%(version)d is a draft: submit it for approval")
                % {"version": plan.version}
            ]
        case PlanStatus.SUBMITTED:
            return [
                _("handling plan v%(version)d is waiting for approval") % {"version": plan.version}
            ]
        case PlanStatus.REJECTED:
            return [
                _("handling plan v%(version)d was sent back: revise it and have it approved")
                % {"version": plan.version}
            ]
    steps = plan.execution_steps.filter(done_at=None).order_by("position")
    if not steps:
        return []
    return [
        _("execution steps of handling plan v%(version)d not done: %(steps)s")
        % {"version": plan.version, "steps": ", ".join(s.title for s in steps)}
    ]


def _compensation_left_open(complaint: Complaint) -> list[str]:
    items = CompensationItem.objects.filter(complaint=complaint, status__in=COMPENSATION_OPEN)
    return [
        _("compensation %(form)s %(amount)s is %(status)s")
        % {
            "form": item.get_form_display(),
            "amount": money(item.amount, item.currency),
            "status": item.get_status_display(),
        }
        for item in items.order_by("created_at", "id")
    ]


def handling_left_open(*, complaint: Complaint) -> list[str]:
    """What must still happen before the result is notified: the latest plan version
    approved and all its execution steps done (withdrawn plans left out), every
    compensation fulfilled, declined or withdrawn. Empty when nothing is open."""
    return _plan_left_open(complaint) + _compensation_left_open(complaint)


def execution_step_get(*, plan: HandlingPlan, step_id: int) -> ExecutionStep:
    found = plan.execution_steps.filter(pk=step_id).first()
    if found is None:
        raise NotFound(_("No step %(id)d in this plan.") % {"id": step_id})
    return found


def similar_complaints(*, user: User, complaint: Complaint, days: int = 30) -> QuerySet[Complaint]:
    """Complaints like this one received within `days` of it — same second-level content
    category, or same product or batch — to judge how widespread the problem is (SPEC §7)."""
    alike = Q()
    if complaint.content_category_id is not None:
        alike |= Q(content_category_id=complaint.content_category_id)
    if complaint.product_reference:
        alike |= Q(product_reference=complaint.product_reference)
    if not alike:
        return Complaint.objects.none()
    window = timedelta(days=days)
    return (
        complaints_visible_to(user)
        .filter(alike)
        .filter(
            received_at__gte=complaint.received_at - window,
            received_at__lte=complaint.received_at + window,
        )
        .exclude(pk=complaint.pk)
    )


def rectifications_open(
    *, user: User, owner: User | None = None, overdue_only: bool = False
) -> QuerySet[RectificationAction]:
    """Rectification actions not done yet, soonest due first: the list they are chased from."""
    queryset = RectificationAction.objects.filter(
        determination__complaint__in=complaints_visible_to(user),
        status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS],
    )
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if overdue_only:
        queryset = queryset.filter(due_on__lt=clock.now().date())
    return queryset.select_related("owner", "determination__complaint").order_by("due_on", "id")
