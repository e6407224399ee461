"""Handling plans and their approval (SPEC §7).

A plan is drafted, submitted (lifecycle "submit_plan"), approved step by step along the
chain the authority rules give (the last step runs "approve_plan" and commits the plan's
compensation to the budgets), or sent back with a reason ("reject_plan") and revised as a
new version. A draft or a plan sent back may be withdrawn with a reason, so a plan nobody
will carry out no longer holds the complaint open. Execution steps are checked off with
progress notes that may be sent to the customer. Every change writes a PLAN event on the
complaint's timeline.

Only this module runs the three plan actions: it changes the plan first and hands the plan
to the lifecycle, which refuses them without it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import (
    acts_for_complaint,
    not_acting_for_complaint,
    role_of,
)
from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.handling.authority import (
    ROLES_WITH_APPROVAL_AUTHORITY,
    acts_for_department,
    approval_chain,
    approver_require_department,
    authority_require,
    responsible_require_department,
)
from complaintdesk.handling.choices import (
    WITHDRAWABLE_PLAN_STATUSES,
    AuthorityLevel,
    Decision,
    PlanStatus,
)
from complaintdesk.handling.models import ApprovalStep, ExecutionStep, HandlingPlan
from complaintdesk.intake.services import DESCRIPTION_MAX
from complaintdesk.remedies.services import authority_require_for_complaint, compensation_totals

PLANNING = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
# Who writes a complaint's plan besides the person assigned to handle it.
SUPERVISING = frozenset({Role.SUPERVISOR, Role.ADMIN})
TEXT_FIELDS = ("measures", "coordination", "risks", "agreed_scope", "problem_spread")
STEP_TITLE_MAX = ExecutionStep._meta.get_field("title").max_length or 300


@dataclass
class PlanContent:
    """What a plan says; the same shape for a first draft, an edit and a revision."""

    measures: str
    deadline: datetime
    responsible_department: Department
    responsible_person: User
    collaborating_departments: list[Department] = field(default_factory=list)
    coordination: str = ""
    risks: str = ""
    agreed_scope: str = ""
    problem_spread: str = ""
    steps: list[tuple[str, datetime | None]] | None = None  # None: keep the current steps


def _require_planner(actor: User, complaint: Complaint) -> None:
    if role_of(actor) not in PLANNING:
        raise NotAllowed(_("Your role may not write handling plans."))
    if role_of(actor) == Role.HANDLER and complaint.department_id != actor.department_id:
        raise NotAllowed(_("This complaint is handled by another department."))


def supervises(actor: User, complaint: Complaint) -> bool:
    """A supervisor of the complaint's department, or someone above the departments."""
    return role_of(actor) in SUPERVISING and acts_for_department(actor, complaint)


def may_write_plan(actor: User, complaint: Complaint) -> bool:
    """Draft, edit, revise and submit: the person assigned to handle the complaint, or a
    supervisor of its department (QA: intake agents drafted plans for complaints they did
    not handle)."""
    if role_of(actor) not in PLANNING:
        return False
    return complaint.assignee_id == actor.pk or supervises(actor, complaint)


def _require_writer(actor: User, complaint: Complaint) -> None:
    _require_planner(actor, complaint)
    if not may_write_plan(actor, complaint):
        raise NotAllowed(
            _(
                "Only the person handling this complaint or a supervisor of its department "
                "may write its handling plan."
            )
        )


def may_withdraw_plan(actor: User, plan: HandlingPlan) -> bool:
    """The plan's author or a supervisor of the complaint's department, while the plan is a
    draft or was sent back and not revised yet."""
    if plan.status not in WITHDRAWABLE_PLAN_STATUSES or hasattr(plan, "next_version"):
        return False
    if role_of(actor) not in PLANNING:
        return False
    return plan.created_by_id == actor.pk or supervises(actor, plan.complaint)


def _clean(content: PlanContent) -> None:
    if not content.measures.strip():
        raise InvalidInput(_("Describe the measures of the plan."), field="measures")
    # The plan's free text is held to the description's limit (QA: 40,000 characters).
    for name in TEXT_FIELDS:
        if len(getattr(content, name).strip()) > DESCRIPTION_MAX:
            raise InvalidInput(
                _("This text is longer than %(max)d characters.") % {"max": DESCRIPTION_MAX},
                field=name,
            )
    # A time without its offset would be read in the server's zone, not the writer's.
    if timezone.is_naive(content.deadline):
        raise InvalidInput(_("Give the time with its time zone."), field="deadline")
    if content.deadline <= clock.now():
        raise InvalidInput(_("The deadline must be in the future."), field="deadline")
    if not content.responsible_person.is_active:
        raise InvalidInput(
            _("Choose an active staff member as the responsible person."),
            field="responsible_person",
        )
    for title, due in content.steps or []:
        if not title.strip():
            raise InvalidInput(_("Every execution step needs a title."), field="steps")
        if len(title.strip()) > STEP_TITLE_MAX:
            raise InvalidInput(
                _("A step's title is longer than %(max)d characters.") % {"max": STEP_TITLE_MAX},
                field="steps",
            )
        if due is not None and timezone.is_naive(due):
            raise InvalidInput(_("Give the time with its time zone."), field="steps")


def _apply(plan: HandlingPlan, content: PlanContent) -> None:
    for name in TEXT_FIELDS:
        setattr(plan, name, getattr(content, name).strip())
    plan.deadline = content.deadline
    plan.responsible_department = content.responsible_department
    plan.responsible_person = content.responsible_person
    plan.save()
    plan.collaborating_departments.set(
        [d for d in content.collaborating_departments if d.pk != content.responsible_department.pk]
    )
    if content.steps is not None:
        plan.execution_steps.all().delete()
        ExecutionStep.objects.bulk_create(
            ExecutionStep(plan=plan, position=i, title=title.strip(), due_at=due)
            for i, (title, due) in enumerate(content.steps, start=1)
        )


def _record(
    plan: HandlingPlan, actor: User | None, step: str, note: str = "", **after: Any
) -> None:
    event_record(
        complaint=plan.complaint,
        actor=actor,
        kind=EventKind.PLAN,
        after={"step": step, "plan": plan.pk, "version": plan.version, **after},
        note=note,
    )


def _locked(plan: HandlingPlan) -> HandlingPlan:
    return (
        HandlingPlan.objects.select_for_update(of=("self",))
        .select_related("complaint")
        .get(pk=plan.pk)
    )


def plan_compensation(plan: HandlingPlan) -> dict[str, Decimal]:
    """The plan's compensation totals per currency (cancelled items left out)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for item in plan.compensation_items.exclude(status="cancelled"):
        totals[item.currency] += item.amount
    return dict(totals)


def plan_create(*, complaint: Complaint, actor: User, content: PlanContent) -> HandlingPlan:
    """Draft the first version of a complaint's handling plan."""
    _require_writer(actor, complaint)
    _clean(content)
    responsible_require_department(person=content.responsible_person, complaint=complaint)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        if locked.status not in {Status.IN_PROGRESS, Status.REOPENED, Status.ASSIGNED}:
            raise Conflict(
                _("A plan is written while the complaint is handled, not when it is %(status)s.")
                % {"status": locked.get_status_display()}
            )
        if locked.handling_plans.filter(
            status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]
        ).exists():
            raise Conflict(_("This complaint already has a plan being drafted or approved."))
        last = locked.handling_plans.order_by("-version").first()
        if last is not None and last.status == PlanStatus.REJECTED:
            raise Conflict(_("The last plan was sent back: revise it as a new version."))
        plan = HandlingPlan(
            complaint=locked,
            version=(last.version + 1) if last else 1,
            previous=last,
            created_by=actor,
            created_at=clock.now(),
        )
        _apply(plan, content)
        _record(plan, actor, "drafted", plan.measures)
    return plan


def plan_update(*, plan: HandlingPlan, actor: User, content: PlanContent) -> HandlingPlan:
    """Edit a draft plan."""
    _clean(content)
    with transaction.atomic():
        locked = _locked(plan)
        _require_writer(actor, locked.complaint)
        responsible_require_department(
            person=content.responsible_person, complaint=locked.complaint
        )
        if locked.status != PlanStatus.DRAFT:
            raise Conflict(_("Only a draft plan can be edited; revise it as a new version."))
        _apply(locked, content)
        _record(locked, actor, "edited", locked.measures)
    return locked


def plan_revise(*, plan: HandlingPlan, actor: User, content: PlanContent) -> HandlingPlan:
    """Revise a plan that was sent back: a new draft version; the old one stays as it was.

    Compensation items still only proposed move to the new version with it.
    """
    _clean(content)
    with transaction.atomic():
        locked = _locked(plan)
        _require_writer(actor, locked.complaint)
        responsible_require_department(
            person=content.responsible_person, complaint=locked.complaint
        )
        if locked.status != PlanStatus.REJECTED:
            raise Conflict(_("Only a plan that was sent back is revised as a new version."))
        if hasattr(locked, "next_version"):
            raise Conflict(_("This plan has already been revised."))
        new = HandlingPlan(
            complaint=locked.complaint,
            version=locked.version + 1,
            previous=locked,
            created_by=actor,
            created_at=clock.now(),
        )
        if content.steps is None:
            content.steps = [(s.title, s.due_at) for s in locked.execution_steps.all()]
        _apply(new, content)
        locked.compensation_items.filter(status="proposed").update(plan=new)
        _record(new, actor, "revised", new.measures, previous_version=locked.version)
    return new


def plan_submit(*, plan: HandlingPlan, actor: User) -> HandlingPlan:
    """Submit a draft for approval along the chain the authority rules give."""
    with transaction.atomic():
        locked = _locked(plan)
        _require_writer(actor, locked.complaint)
        if locked.status != PlanStatus.DRAFT:
            raise Conflict(_("Only a draft plan can be submitted."))
        if locked.deadline <= clock.now():
            raise InvalidInput(_("The deadline has passed; set a new one."), field="deadline")
        if not locked.execution_steps.exists():
            raise InvalidInput(_("List at least one execution step."), field="steps")
        amounts = plan_compensation(locked)
        # The chain is sized on all the complaint's compensation, the plan's and any given
        # outside it, as the last approver's authority is checked on it when it commits.
        chain = approval_chain(
            complaint=locked.complaint, amounts=compensation_totals(complaint=locked.complaint)
        )
        ApprovalStep.objects.bulk_create(
            ApprovalStep(plan=locked, position=i, level=step.level, reasons=step.reasons)
            for i, step in enumerate(chain, start=1)
        )
        locked.status = PlanStatus.SUBMITTED
        locked.submitted_by, locked.submitted_at = actor, clock.now()
        locked.save()
        complaint_transition(
            complaint=locked.complaint,
            action="submit_plan",
            actor=actor,
            note=locked.measures,
            params={"plan": locked},
        )
        _record(
            locked,
            actor,
            "submitted",
            chain=[AuthorityLevel(s.level).name.lower() for s in chain],
            compensation={c: str(a) for c, a in amounts.items()},
        )
    return locked


def _pending_step(plan: HandlingPlan) -> ApprovalStep:
    step = plan.approval_steps.filter(decision=Decision.PENDING).order_by("position").first()
    if plan.status != PlanStatus.SUBMITTED or step is None:
        raise Conflict(_("This plan is not waiting for approval."))
    return step


def _require_approver(plan: HandlingPlan, step: ApprovalStep, actor: User) -> None:
    if plan.submitted_by_id == actor.pk or plan.created_by_id == actor.pk:
        raise NotAllowed(_("You cannot approve your own plan."))
    amounts = compensation_totals(complaint=plan.complaint)
    if role_of(actor) in ROLES_WITH_APPROVAL_AUTHORITY:
        # Management's authorisation of a higher remedy on the complaint may stand in for
        # the approver's own level and limit, up to its ceiling (remedies.services); it
        # makes no approver of a role that approves no plans.
        authority_require_for_complaint(
            complaint=plan.complaint,
            actor=actor,
            level=step.level,
            amounts=amounts,
            what=_("This plan"),
        )
    else:
        authority_require(user=actor, level=step.level, amounts=amounts, what=_("This plan"))
    approver_require_department(user=actor, complaint=plan.complaint)
    if plan.approval_steps.filter(approver=actor).exclude(pk=step.pk).exists():
        raise NotAllowed(_("Each step of the approval chain needs a different approver."))


def plan_approve(*, plan: HandlingPlan, actor: User, note: str = "") -> HandlingPlan:
    """Approve the plan's current step; the last one starts execution and commits its
    compensation to the budgets (refused as a whole if a budget would be overdrawn)."""
    with transaction.atomic():
        locked = _locked(plan)
        step = _pending_step(locked)
        _require_approver(locked, step, actor)
        now = clock.now()
        step.decision, step.approver, step.note, step.decided_at = (
            Decision.APPROVED,
            actor,
            (note or "").strip(),
            now,
        )
        step.save()
        is_last = not locked.approval_steps.filter(decision=Decision.PENDING).exists()
        _record(
            locked,
            actor,
            "step_approved",
            step.note,
            position=step.position,
            level=AuthorityLevel(step.level).name.lower(),
        )
        if is_last:
            from complaintdesk.remedies.services import compensation_commit_for_plan

            compensation_commit_for_plan(plan=locked, actor=actor)
            locked.status, locked.decided_at = PlanStatus.APPROVED, now
            locked.save()
            complaint_transition(
                complaint=locked.complaint,
                action="approve_plan",
                actor=actor,
                note=step.note,
                params={"plan": locked},
            )
            _record(locked, actor, "approved")
    return locked


def plan_reject(*, plan: HandlingPlan, actor: User, reason: str) -> HandlingPlan:
    """Send the plan back with a reason; it is then revised as a new version."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the plan is sent back."), field="reason")
    with transaction.atomic():
        locked = _locked(plan)
        step = _pending_step(locked)
        if locked.submitted_by_id == actor.pk:
            raise NotAllowed(_("You cannot decide on your own plan."))
        authority_require(user=actor, level=step.level, amounts={}, what=_("This plan"))
        approver_require_department(user=actor, complaint=locked.complaint)
        now = clock.now()
        step.decision, step.approver, step.note, step.decided_at = (
            Decision.REJECTED,
            actor,
            reason,
            now,
        )
        step.save()
        locked.status, locked.decided_at, locked.rejection_reason = (
            PlanStatus.REJECTED,
            now,
            reason,
        )
        locked.save()
        complaint_transition(
            complaint=locked.complaint,
            action="reject_plan",
            actor=actor,
            note=reason,
            params={"plan": locked},
        )
        _record(locked, actor, "rejected", reason, position=step.position)
    return locked


def plan_withdraw(*, plan: HandlingPlan, actor: User, reason: str) -> HandlingPlan:
    """Withdraw a draft or a plan sent back, with a reason: nobody will carry it out, so it
    no longer holds the complaint open (a new plan may be drafted instead).

    Its compensation items still only proposed are withdrawn with it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the plan is withdrawn."), field="reason")
    with transaction.atomic():
        locked = _locked(plan)
        if locked.status not in WITHDRAWABLE_PLAN_STATUSES:
            raise Conflict(
                _(
                    "A plan that is %(status)s cannot be withdrawn; only a draft or a plan "
                    "sent back can."
                )
                % {"status": locked.get_status_display()}
            )
        if hasattr(locked, "next_version"):
            raise Conflict(_("This plan has been revised; withdraw the new version instead."))
        if not may_withdraw_plan(actor, locked):
            raise NotAllowed(
                _(
                    "Only the plan's author or a supervisor of the complaint's department "
                    "may withdraw it."
                )
            )
        from complaintdesk.remedies.choices import ItemStatus

        # Proposed with the plan, they go with it: left proposed they would hold the
        # complaint open. They hold no budget yet (that is committed at approval).
        proposed = locked.compensation_items.filter(status=ItemStatus.PROPOSED)
        cancelled = list(proposed.values_list("pk", flat=True))
        proposed.update(status=ItemStatus.CANCELLED)
        locked.status = PlanStatus.WITHDRAWN
        locked.withdrawn_by, locked.withdrawn_at = actor, clock.now()
        locked.withdrawal_reason = reason
        locked.save()
        _record(locked, actor, "withdrawn", reason, cancelled_compensation=cancelled)
    return locked


def _send_progress(*, complaint: Complaint, actor: User, note: str) -> None:
    try:
        from complaintdesk.notifications.services import notice_send
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("complaintdesk.notifications"):
            raise
        raise Conflict(
            _("Customer notices are not available in this installation; the step was not saved.")
        ) from exc
    notice_send(complaint=complaint, purpose="progress", actor=actor, context={"note": note})


def execution_step_check(
    *, step: ExecutionStep, actor: User, note: str, send_to_customer: bool = False
) -> ExecutionStep:
    """Check off an execution step with a progress note, optionally sent to the customer.

    Sending it is writing to the customer, so it follows the rule for that once the complaint
    is assigned (acts_for_complaint: its assignee, a supervisor, an administrator; QA: a
    colleague's progress note reached the customer of a complaint they did not handle).
    Checking the step off without sending stays open to the department's planners.
    """
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Write a progress note for this step."), field="note")
    with transaction.atomic():
        locked = (
            ExecutionStep.objects.select_for_update(of=("self",))
            .select_related("plan__complaint")
            .get(pk=step.pk)
        )
        plan = locked.plan
        _require_planner(actor, plan.complaint)
        if send_to_customer and not acts_for_complaint(actor, plan.complaint):
            raise NotAllowed(
                not_acting_for_complaint(
                    plan.complaint,
                    _(
                        "You may not send a progress note to the customer of this complaint; "
                        "check the step off without sending it."
                    ),
                )
            )
        if plan.status != PlanStatus.APPROVED:
            raise Conflict(_("Steps are checked off once the plan is approved."))
        if locked.done_at is not None:
            raise Conflict(_("This step is already done."))
        locked.done_at, locked.done_by, locked.progress_note = clock.now(), actor, note
        locked.sent_to_customer = send_to_customer
        locked.save()
        _record(
            plan,
            actor,
            "step_done",
            note,
            position=locked.position,
            title=locked.title,
            sent_to_customer=send_to_customer,
        )
        if send_to_customer:
            _send_progress(complaint=plan.complaint, actor=actor, note=note)
    return locked
