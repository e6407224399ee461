"""Responsibility determination and handling plan endpoints: parse, call one service, present."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.accounts.selectors import staff_member_by_username
from complaintdesk.api.auth import request_user
from complaintdesk.api.complaints import ERRORS
from complaintdesk.api.handling_schemas import (
    AccountabilityIn,
    CommunicationIn,
    DecisionIn,
    DeterminationIn,
    DeterminationOut,
    PeriodOut,
    PlanIn,
    PlanOut,
    RectificationIn,
    RectificationOut,
    RectificationPage,
    RectificationUpdateIn,
    RejectIn,
    ReviewIn,
    StepCheckIn,
)
from complaintdesk.api.pagination import PageQuery, page_of
from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.handling import plans, responsibility
from complaintdesk.handling.choices import AuthorityLevel
from complaintdesk.handling.models import Determination, HandlingPlan
from complaintdesk.handling.plans import PlanContent, plan_compensation
from complaintdesk.handling.selectors import (
    determination_get,
    determinations_for_period,
    determinations_of,
    execution_step_get,
    plan_get,
    plans_of,
    rectification_get,
    rectifications_open,
    similar_complaints,
)

router = Router(tags=["handling"])


# Presenters -----------------------------------------------------------------------------


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def _text(value: str, user: User, complaint: Complaint) -> str:
    # Free text may quote the customer's name, number or address; analysts read it masked.
    return value if sees_personal_data(user) else mask_complaint_text(value, complaint)


def determination_out(d: Determination, user: User) -> dict[str, Any]:
    return {
        "id": d.pk,
        "tracking_number": d.complaint.tracking_number,
        "status": d.status,
        "party": d.party,
        "reason": d.reason,
        "facts": _text(d.facts, user, d.complaint),
        "outlet": _text(d.outlet, user, d.complaint),
        "staff_involved": [u.username for u in d.staff_involved.all()],
        "note_ids": [e.pk for e in d.evidence_notes.all()],
        "attachment_ids": [a.pk for a in d.evidence_attachments.all()],
        "proposed_by": d.proposed_by.username,
        "proposed_at": d.proposed_at,
        "reviewed_by": _name(d.reviewed_by),
        "reviewed_at": d.reviewed_at,
        "review_note": _text(d.review_note, user, d.complaint),
        "apologised": d.apologised,
        "customer_communication": _text(d.customer_communication, user, d.complaint),
        "customer_response": d.customer_response,
        "finalised_at": d.finalised_at,
        "accountability": [
            {
                "id": a.pk,
                "kind": a.kind,
                "measure": a.measure,
                "department": a.department.code if a.department else None,
                "staff": _name(a.staff),
                "party_name": a.party_name,
                "note": _text(a.note, user, d.complaint),
            }
            for a in d.accountability_items.all()
        ],
        "rectifications": [rectification_out(r, user) for r in d.rectification_actions.all()],
    }


def rectification_out(r: Any, user: User) -> dict[str, Any]:
    complaint = r.determination.complaint
    return {
        "id": r.pk,
        "tracking_number": r.determination.complaint.tracking_number,
        "description": _text(r.description, user, complaint),
        "owner": r.owner.username,
        "due_on": r.due_on,
        "status": r.status,
        "progress_note": _text(r.progress_note, user, complaint),
        "done_at": r.done_at,
    }


def plan_out(plan: HandlingPlan, user: User) -> dict[str, Any]:
    complaint = plan.complaint
    return {
        "id": plan.pk,
        "tracking_number": plan.complaint.tracking_number,
        "version": plan.version,
        "status": plan.status,
        "measures": _text(plan.measures, user, complaint),
        "deadline": plan.deadline,
        "responsible_department": plan.responsible_department.code,
        "responsible_person": plan.responsible_person.username,
        "collaborating_departments": [d.code for d in plan.collaborating_departments.all()],
        "coordination": _text(plan.coordination, user, complaint),
        "risks": _text(plan.risks, user, complaint),
        "agreed_scope": _text(plan.agreed_scope, user, complaint),
        "problem_spread": _text(plan.problem_spread, user, complaint),
        "similar_complaints": similar_complaints(user=user, complaint=plan.complaint).count(),
        "submitted_by": _name(plan.submitted_by),
        "submitted_at": plan.submitted_at,
        "rejection_reason": _text(plan.rejection_reason, user, complaint),
        "compensation": {c: str(a) for c, a in plan_compensation(plan).items()},
        "approval_chain": [
            {
                "position": s.position,
                "level": AuthorityLevel(s.level).name.lower(),
                "reasons": s.reasons,
                "decision": s.decision,
                "approver": _name(s.approver),
                "note": _text(s.note, user, complaint),
                "decided_at": s.decided_at,
            }
            for s in plan.approval_steps.all()
        ],
        "steps": [
            {
                "id": s.pk,
                "position": s.position,
                "title": s.title,
                "due_at": s.due_at,
                "done_at": s.done_at,
                "done_by": _name(s.done_by),
                "progress_note": _text(s.progress_note, user, complaint),
                "sent_to_customer": s.sent_to_customer,
            }
            for s in plan.execution_steps.all()
        ],
    }


# Look-ups by the names the API uses -------------------------------------------------------


def _department(code: str, field: str) -> Department:
    department = Department.objects.filter(code=code, is_active=True).first()
    if department is None:
        raise InvalidInput(_("No active department %(code)s.") % {"code": code}, field)
    return department


def _plan_content(payload: PlanIn) -> PlanContent:
    return PlanContent(
        measures=payload.measures,
        deadline=payload.deadline,
        responsible_department=_department(
            payload.responsible_department, "responsible_department"
        ),
        responsible_person=staff_member_by_username(
            username=payload.responsible_person, field="responsible_person"
        ),
        collaborating_departments=[
            _department(c, "collaborating_departments") for c in payload.collaborating_departments
        ],
        coordination=payload.coordination,
        risks=payload.risks,
        agreed_scope=payload.agreed_scope,
        problem_spread=payload.problem_spread,
        steps=None if payload.steps is None else [(s.title, s.due_at) for s in payload.steps],
    )


def _determination(request: HttpRequest, tracking_number: str, determination_id: int) -> Any:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return determination_get(user=user, complaint=complaint, determination_id=determination_id)


def _determination_reply(user: User, d: Determination) -> dict[str, Any]:
    fresh = determinations_of(user=user, complaint=d.complaint).get(pk=d.pk)
    return determination_out(fresh, user)


def _plan(request: HttpRequest, tracking_number: str, plan_id: int) -> HandlingPlan:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return plan_get(user=user, complaint=complaint, plan_id=plan_id)


def _plan_reply(user: User, plan: HandlingPlan) -> dict[str, Any]:
    return plan_out(plan_get(user=user, complaint=plan.complaint, plan_id=plan.pk), user)


# Responsibility -------------------------------------------------------------------------

DET = "/complaints/{tracking_number}/determinations"


@router.get(DET, response={200: list[DeterminationOut], **ERRORS}, summary="Determinations")
def list_determinations(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return [determination_out(d, user) for d in determinations_of(user=user, complaint=complaint)]


@router.post(DET, response={201: DeterminationOut, **ERRORS}, summary="Propose a determination")
def propose_determination(
    request: HttpRequest, tracking_number: str, payload: DeterminationIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    d = responsibility.determination_propose(
        complaint=complaint,
        actor=user,
        party=payload.party,
        reason=payload.reason,
        facts=payload.facts,
        outlet=payload.outlet,
        staff_ids=[staff_member_by_username(username=u, field="staff").pk for u in payload.staff],
        note_ids=payload.note_ids,
        attachment_ids=payload.attachment_ids,
    )
    return Status(201, _determination_reply(user, d))


@router.post(
    DET + "/{determination_id}/revise",
    response={200: DeterminationOut, **ERRORS},
    summary="Revise a determination sent back",
)
def revise_determination(
    request: HttpRequest, tracking_number: str, determination_id: int, payload: DeterminationIn
) -> dict[str, Any]:
    user = request_user(request)
    d = responsibility.determination_revise(
        determination=_determination(request, tracking_number, determination_id),
        actor=user,
        party=payload.party,
        reason=payload.reason,
        facts=payload.facts,
        outlet=payload.outlet,
        staff_ids=[staff_member_by_username(username=u, field="staff").pk for u in payload.staff],
        note_ids=payload.note_ids,
        attachment_ids=payload.attachment_ids,
    )
    return _determination_reply(user, d)


@router.post(
    DET + "/{determination_id}/review",
    response={200: DeterminationOut, **ERRORS},
    summary="Review: approve or send back",
)
def review_determination(
    request: HttpRequest, tracking_number: str, determination_id: int, payload: ReviewIn
) -> dict[str, Any]:
    user = request_user(request)
    d = responsibility.determination_review(
        determination=_determination(request, tracking_number, determination_id),
        actor=user,
        approve=payload.approve,
        note=payload.note,
    )
    return _determination_reply(user, d)


@router.post(
    DET + "/{determination_id}/communication",
    response={200: DeterminationOut, **ERRORS},
    summary="Record the communication with the customer",
)
def communicate_determination(
    request: HttpRequest, tracking_number: str, determination_id: int, payload: CommunicationIn
) -> dict[str, Any]:
    user = request_user(request)
    d = responsibility.determination_communicate(
        determination=_determination(request, tracking_number, determination_id),
        actor=user,
        communication=payload.communication,
        response=payload.response,
        apologised=payload.apologised,
    )
    return _determination_reply(user, d)


@router.post(
    DET + "/{determination_id}/final",
    response={200: DeterminationOut, **ERRORS},
    summary="Make the determination final",
)
def finalise_determination(
    request: HttpRequest, tracking_number: str, determination_id: int
) -> dict[str, Any]:
    user = request_user(request)
    d = responsibility.determination_finalise(
        determination=_determination(request, tracking_number, determination_id), actor=user
    )
    return _determination_reply(user, d)


@router.post(
    DET + "/{determination_id}/accountability",
    response={201: DeterminationOut, **ERRORS},
    summary="Hold someone to account",
)
def add_accountability(
    request: HttpRequest, tracking_number: str, determination_id: int, payload: AccountabilityIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    d = _determination(request, tracking_number, determination_id)
    responsibility.accountability_add(
        determination=d,
        actor=user,
        kind=payload.kind,
        measure=payload.measure,
        department=_department(payload.department, "department") if payload.department else None,
        staff=staff_member_by_username(username=payload.staff, field="staff")
        if payload.staff
        else None,
        party_name=payload.party_name,
        note=payload.note,
    )
    return Status(201, _determination_reply(user, d))


@router.post(
    DET + "/{determination_id}/rectifications",
    response={201: RectificationOut, **ERRORS},
    summary="Decide a rectification action",
)
def add_rectification(
    request: HttpRequest, tracking_number: str, determination_id: int, payload: RectificationIn
) -> Status[dict[str, Any]]:
    action = responsibility.rectification_add(
        determination=_determination(request, tracking_number, determination_id),
        actor=request_user(request),
        description=payload.description,
        owner=staff_member_by_username(username=payload.owner, field="owner"),
        due_on=payload.due_on,
    )
    return Status(201, rectification_out(action, request_user(request)))


@router.post(
    "/complaints/{tracking_number}/rectifications/{action_id}",
    response={200: RectificationOut, **ERRORS},
    summary="Update a rectification action",
)
def update_rectification(
    request: HttpRequest, tracking_number: str, action_id: int, payload: RectificationUpdateIn
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    action = responsibility.rectification_update(
        action=rectification_get(user=user, complaint=complaint, action_id=action_id),
        actor=user,
        status=payload.status,
        note=payload.note,
    )
    return rectification_out(action, user)


class OpenRectificationsQuery(PageQuery):
    owner: str = Field("", description="A username, or 'me'")
    overdue: bool = False


@router.get(
    "/rectifications",
    response={200: RectificationPage, **ERRORS},
    summary="Rectification actions not done yet",
    description="The soonest due first, a page at a time.",
)
def open_rectifications(
    request: HttpRequest, query: Query[OpenRectificationsQuery]
) -> dict[str, Any]:
    user = request_user(request)
    owner = None
    if query.owner:
        owner = (
            user
            if query.owner == "me"
            else staff_member_by_username(username=query.owner, field="owner")
        )
    actions = rectifications_open(user=user, owner=owner, overdue_only=query.overdue)
    return page_of(actions, query, lambda action: rectification_out(action, user))


class PeriodQuery(Schema):
    date_from: datetime
    date_to: datetime
    department: str = ""


@router.get(
    "/determinations",
    response={200: PeriodOut, **ERRORS},
    summary="Final determinations of a period, for analysis",
)
def determinations_in_period(request: HttpRequest, query: Query[PeriodQuery]) -> dict[str, Any]:
    user = request_user(request)
    period = determinations_for_period(
        user=user,
        date_from=query.date_from,
        date_to=query.date_to,
        department=query.department,
    )
    return {
        "count": len(period.determinations),
        "by_party": period.by_party,
        "by_reason": period.by_reason,
        "results": [determination_out(d, user) for d in period.determinations],
    }


# Plans ------------------------------------------------------------------------------------

PLANS = "/complaints/{tracking_number}/plans"


@router.get(PLANS, response={200: list[PlanOut], **ERRORS}, summary="Handling plans, all versions")
def list_plans(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return [plan_out(p, user) for p in plans_of(user=user, complaint=complaint)]


@router.post(PLANS, response={201: PlanOut, **ERRORS}, summary="Draft a handling plan")
def create_plan(
    request: HttpRequest, tracking_number: str, payload: PlanIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    plan = plans.plan_create(complaint=complaint, actor=user, content=_plan_content(payload))
    return Status(201, _plan_reply(user, plan))


@router.put(PLANS + "/{plan_id}", response={200: PlanOut, **ERRORS}, summary="Edit a draft plan")
def update_plan(
    request: HttpRequest, tracking_number: str, plan_id: int, payload: PlanIn
) -> dict[str, Any]:
    user = request_user(request)
    plan = plans.plan_update(
        plan=_plan(request, tracking_number, plan_id),
        actor=user,
        content=_plan_content(payload),
    )
    return _plan_reply(user, plan)


@router.post(
    PLANS + "/{plan_id}/revision",
    response={201: PlanOut, **ERRORS},
    summary="Revise a plan sent back as a new version",
)
def revise_plan(
    request: HttpRequest, tracking_number: str, plan_id: int, payload: PlanIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    plan = plans.plan_revise(
        plan=_plan(request, tracking_number, plan_id),
        actor=user,
        content=_plan_content(payload),
    )
    return Status(201, _plan_reply(user, plan))


@router.post(PLANS + "/{plan_id}/submit", response={200: PlanOut, **ERRORS}, summary="Submit")
def submit_plan(request: HttpRequest, tracking_number: str, plan_id: int) -> dict[str, Any]:
    user = request_user(request)
    plan = plans.plan_submit(plan=_plan(request, tracking_number, plan_id), actor=user)
    return _plan_reply(user, plan)


@router.post(
    PLANS + "/{plan_id}/approve",
    response={200: PlanOut, **ERRORS},
    summary="Approve the current step of the approval chain",
)
def approve_plan(
    request: HttpRequest, tracking_number: str, plan_id: int, payload: DecisionIn
) -> dict[str, Any]:
    user = request_user(request)
    plan = plans.plan_approve(
        plan=_plan(request, tracking_number, plan_id), actor=user, note=payload.note
    )
    return _plan_reply(user, plan)


@router.post(
    PLANS + "/{plan_id}/reject",
    response={200: PlanOut, **ERRORS},
    summary="Send the plan back with a reason",
)
def reject_plan(
    request: HttpRequest, tracking_number: str, plan_id: int, payload: RejectIn
) -> dict[str, Any]:
    user = request_user(request)
    plan = plans.plan_reject(
        plan=_plan(request, tracking_number, plan_id), actor=user, reason=payload.reason
    )
    return _plan_reply(user, plan)


@router.post(
    PLANS + "/{plan_id}/withdraw",
    response={200: PlanOut, **ERRORS},
    summary="Withdraw a draft or a plan sent back, with a reason",
)
def withdraw_plan(
    request: HttpRequest, tracking_number: str, plan_id: int, payload: RejectIn
) -> dict[str, Any]:
    user = request_user(request)
    plan = plans.plan_withdraw(
        plan=_plan(request, tracking_number, plan_id), actor=user, reason=payload.reason
    )
    return _plan_reply(user, plan)


@router.post(
    PLANS + "/{plan_id}/steps/{step_id}/done",
    response={200: PlanOut, **ERRORS},
    summary="Check off an execution step, optionally telling the customer",
)
def check_step(
    request: HttpRequest, tracking_number: str, plan_id: int, step_id: int, payload: StepCheckIn
) -> dict[str, Any]:
    user = request_user(request)
    plan = _plan(request, tracking_number, plan_id)
    plans.execution_step_check(
        step=execution_step_get(plan=plan, step_id=step_id),
        actor=user,
        note=payload.note,
        send_to_customer=payload.send_to_customer,
    )
    return _plan_reply(user, plan)
