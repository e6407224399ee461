"""The complaint lifecycle: the transition table, its guards, and the only way a status changes.

received → registered (acknowledged) → assigned → in progress → awaiting approval → executing
→ resolved (result notified) → closed; aside: awaiting customer information (the SLA clock is
paused), reopened, rejected (reason required), merged into another complaint. A first-contact
resolution goes from in progress straight to resolved, skipping plan and approval.

`complaint_transition()` is the single entry point. It locks the row, checks the action
applies to the current status, that the actor's role may take it and that its guards pass,
applies the change and writes the timeline event in one transaction.

The plan actions (submit, approve, send back) follow a change of the plan record and are run
only by handling/plans.py, which hands over the plan; a result is notified only once the
plan is carried out and its compensation settled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import acts_for_complaint, not_acting_for_complaint, role_of
from complaintdesk.complaints import escalation, sla
from complaintdesk.complaints.choices import (
    FINISHED_STATUSES,
    EventKind,
    RejectionReason,
    Status,
    Visibility,
)
from complaintdesk.complaints.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.limits import TEXT_MAX
from complaintdesk.notifications.services import notice_for_transition

S = Status
ALL_STAFF_ACTING = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
FRONT_LINE = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})
HANDLING = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
MANAGING = frozenset({Role.SUPERVISOR, Role.ADMIN})
# The system itself (routing, sweeps) acts with actor=None, and may take only these actions:
# routing assigns, a dissatisfied survey answer reopens, the survey sweep closes.
SYSTEM_ACTIONS = frozenset({"assign", "reopen", "close"})

# The plan actions and the status the plan record handed over must already have: the plan
# service changes the record (chain, authority, budget) and then moves the complaint.
PLAN_RECORD_ACTIONS: Mapping[str, str] = {
    "submit_plan": "submitted",
    "approve_plan": "approved",
    "reject_plan": "rejected",
}

MERGEABLE = frozenset(
    {S.RECEIVED, S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_INFO, S.REOPENED}
)


@dataclass(frozen=True)
class TransitionRequest:
    """What an actor asks for: the action, a note, and the action's own parameters."""

    complaint: Complaint
    actor: User | None  # None: the system
    note: str
    params: Mapping[str, Any]
    now: datetime


Guard = Callable[[TransitionRequest], None]


@dataclass(frozen=True)
class Transition:
    action: str
    label: Any
    sources: frozenset[str]
    # None: the target is computed (resume goes back to the status before the pause).
    target: str | None
    roles: frozenset[str]
    note_required: Any = None
    guards: tuple[Guard, ...] = field(default_factory=tuple)
    customer_visible: bool = False
    # Taken only by whoever handles the complaint (accounts.permissions.acts_for_complaint):
    # an intake agent resolves at first contact what they handle, a handler what is
    # assigned to them, not a colleague's complaint.
    handler_only: bool = False


# Guards -------------------------------------------------------------------------------------


def _guard_assignee_given(request: TransitionRequest) -> None:
    assignee = request.params.get("assignee")
    if not isinstance(assignee, User) or not assignee.is_active:
        raise InvalidInput(_("Choose an active staff member to assign."), field="assignee")
    if role_of(assignee) not in {Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN}:
        raise InvalidInput(_("This staff member's role cannot handle complaints."), "assignee")
    actor = request.actor
    if role_of(actor) == Role.HANDLER and assignee.department_id != getattr(
        actor, "department_id", None
    ):
        raise NotAllowed(_("A department handler can assign only within their department."))


def _guard_has_assignee(request: TransitionRequest) -> None:
    if request.complaint.assignee_id is None:
        raise InvalidInput(_("Assign the complaint to a handler before starting work."))


def _plan_record_require(*, complaint: Complaint, action: str, params: Mapping[str, Any]) -> None:
    # Bare, these actions would skip the approval chain, the authority matrix and the
    # budget check (QA: a note "approved" by another department's supervisor).
    from complaintdesk.handling.models import HandlingPlan

    plan = params.get("plan")
    if not (
        isinstance(plan, HandlingPlan)
        and plan.complaint_id == complaint.pk
        and plan.status == PLAN_RECORD_ACTIONS[action]
    ):
        raise Conflict(
            _(
                "A handling plan is submitted, approved or sent back only through its plan "
                "record: draft the plan, submit it, and its approval chain decides."
            )
        )


def _guard_handling_finished(request: TransitionRequest) -> None:
    # The result is the end of the handling (SPEC §7, §8, §10): the plan carried out and the
    # compensation fulfilled, declined or withdrawn (handling/selectors.py, which imports us).
    from complaintdesk.handling.selectors import handling_left_open

    left_open = handling_left_open(complaint=request.complaint)
    if left_open:
        raise Conflict(
            _("The result cannot be notified yet; still open: %(open)s.")
            % {"open": "; ".join(left_open)}
        )


def _guard_rejection_reason(request: TransitionRequest) -> None:
    reason = request.params.get("reason")
    if reason not in RejectionReason.values:
        choices = ", ".join(RejectionReason.values)
        raise InvalidInput(
            _("Give the rejection reason: one of %(choices)s.") % {"choices": choices},
            field="reason",
        )


def _guard_rejection_reviewed(request: TransitionRequest) -> None:
    # Proposed by one manager, confirmed by another (surveys/rejection.py, which imports us).
    from complaintdesk.surveys.rejection import rejection_review_require

    rejection_review_require(
        complaint=request.complaint, actor=request.actor, reason=request.params.get("reason")
    )


def _guard_merge_target(request: TransitionRequest) -> None:
    target = request.params.get("into")
    if not isinstance(target, Complaint):
        raise InvalidInput(_("Name the complaint to merge into."), field="into")
    if target.pk == request.complaint.pk:
        raise InvalidInput(_("A complaint cannot be merged into itself."), field="into")
    if target.status not in MERGEABLE:
        raise InvalidInput(
            _("Complaint %(number)s is %(status)s; merge into an open complaint.")
            % {"number": target.tracking_number, "status": target.get_status_display()},
            field="into",
        )


def _guard_result_notified(request: TransitionRequest) -> None:
    notified = request.complaint.events.filter(
        kind=EventKind.TRANSITION, to_status=S.RESOLVED, visibility=Visibility.CUSTOMER
    ).exists()
    if not notified:
        raise InvalidInput(_("A complaint cannot be closed before the result is notified."))


TRANSITIONS: tuple[Transition, ...] = (
    Transition("register", _("Register and acknowledge"), frozenset({S.RECEIVED}),
               S.REGISTERED, ALL_STAFF_ACTING, customer_visible=True),
    Transition("assign", _("Assign"), frozenset({S.REGISTERED, S.REOPENED}), S.ASSIGNED,
               ALL_STAFF_ACTING, guards=(_guard_assignee_given,)),
    Transition("start", _("Start handling"), frozenset({S.ASSIGNED, S.REOPENED}),
               S.IN_PROGRESS, ALL_STAFF_ACTING, guards=(_guard_has_assignee,)),
    Transition("request_info", _("Ask the customer for information"),
               frozenset({S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.EXECUTING, S.REOPENED}),
               S.AWAITING_INFO, ALL_STAFF_ACTING,
               note_required=_("Say what information is needed and how to send it."),
               customer_visible=True, handler_only=True),
    Transition("receive_info", _("Customer information received"),
               frozenset({S.AWAITING_INFO}), None, ALL_STAFF_ACTING),
    Transition("submit_plan", _("Submit the handling plan for approval"),
               frozenset({S.IN_PROGRESS}), S.AWAITING_APPROVAL, HANDLING | {Role.AGENT},
               note_required=_("Describe the handling plan.")),
    Transition("approve_plan", _("Approve the plan"), frozenset({S.AWAITING_APPROVAL}),
               S.EXECUTING, MANAGING),
    Transition("reject_plan", _("Send the plan back for revision"),
               frozenset({S.AWAITING_APPROVAL}), S.IN_PROGRESS, MANAGING,
               note_required=_("Say why the plan is sent back.")),
    Transition("resolve", _("Resolve and notify the result"),
               frozenset({S.IN_PROGRESS, S.EXECUTING}), S.RESOLVED, ALL_STAFF_ACTING,
               note_required=_("Write the result notified to the customer."),
               guards=(_guard_handling_finished,), customer_visible=True, handler_only=True),
    Transition("close", _("Close"), frozenset({S.RESOLVED}), S.CLOSED,
               HANDLING | {Role.AGENT}, guards=(_guard_result_notified,), handler_only=True),
    Transition("reopen", _("Reopen"), frozenset({S.RESOLVED, S.CLOSED}), S.REOPENED,
               ALL_STAFF_ACTING, note_required=_("Say why the complaint is reopened."),
               customer_visible=True),
    Transition("reject", _("Reject as invalid or malicious"),
               frozenset({S.RECEIVED, S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS,
                          S.AWAITING_INFO, S.REOPENED}),
               S.REJECTED, MANAGING, note_required=_("Explain the rejection."),
               guards=(_guard_rejection_reason, _guard_rejection_reviewed),
               customer_visible=True),
    Transition("merge", _("Merge into another complaint"), MERGEABLE, S.MERGED,
               ALL_STAFF_ACTING, guards=(_guard_merge_target,), customer_visible=True),
)  # fmt: skip

TRANSITIONS_BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}

# Whole sentences, one per action, so each translates as a sentence: built from the action's
# label they read "Your role may not Approve the plan complaints." (found by a QA pass).
ROLE_REFUSALS: Mapping[str, Any] = {
    "register": _("Your role may not register complaints."),
    "assign": _("Your role may not assign complaints."),
    "start": _("Your role may not start handling complaints."),
    "request_info": _("Your role may not ask customers for information."),
    "receive_info": _("Your role may not record information received from customers."),
    "submit_plan": _("Your role may not submit handling plans for approval."),
    "approve_plan": _("Your role may not approve handling plans."),
    "reject_plan": _("Your role may not send handling plans back for revision."),
    "resolve": _("Your role may not resolve complaints or notify their result."),
    "close": _("Your role may not close complaints."),
    "reopen": _("Your role may not reopen complaints."),
    "reject": _("Your role may not reject complaints as invalid or malicious."),
    "merge": _("Your role may not merge complaints."),
}
# The same for the actions only whoever handles the complaint takes; who may follows.
HANDLER_ONLY_REFUSALS: Mapping[str, Any] = {
    "resolve": _("You may not resolve this complaint or notify its result."),
    "close": _("You may not close this complaint."),
    # It writes to the customer and stops the clock of whoever handles it.
    "request_info": _("You may not ask this complaint's customer for information."),
}


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS if status in t.sources]


def _may_take(transition: Transition, actor: User | None) -> bool:
    if actor is None:
        return transition.action in SYSTEM_ACTIONS
    return role_of(actor) in transition.roles


def _may_take_on(transition: Transition, actor: User | None, complaint: Complaint) -> bool:
    if transition.handler_only and actor is not None:
        return acts_for_complaint(actor, complaint)
    return True


def allowed_actions(complaint: Complaint, actor: User | None) -> list[str]:
    """The actions this actor may try now (guards that need parameters are checked later).

    The plan actions are left out: people take them on the plan record, not here.
    """
    return [
        t.action
        for t in transitions_from(complaint.status)
        if t.action not in PLAN_RECORD_ACTIONS
        and _may_take(t, actor)
        and _may_take_on(t, actor, complaint)
    ]


def _apply_side_effects(transition: Transition, request: TransitionRequest) -> dict[str, Any]:
    """Change the complaint's fields for this action; return what the event should record."""
    complaint, now, params = request.complaint, request.now, request.params
    recorded: dict[str, Any] = {}
    match transition.action:
        case "register":
            complaint.registered_at = now
            sla.start_clock(complaint, now)
        case "assign":
            assignee: User = params["assignee"]
            recorded["assignee"] = assignee.username
            complaint.assignee = assignee
            complaint.needs_assignment = False
            if assignee.department_id not in {None, complaint.department_id}:
                complaint.department_id = assignee.department_id
                # Another department: its calendar and rules time the complaint now.
                sla.recompute_clock(complaint, now)
        case "request_info":
            complaint.status_before_pause = complaint.status
            sla.pause_clock(complaint, now)
        case "receive_info":
            sla.resume_clock(complaint, now)
            complaint.status_before_pause = ""
        case "submit_plan" | "approve_plan" | "reject_plan":
            recorded["plan"] = params["plan"].pk
        case "resolve":
            complaint.resolved_at = now
        case "close":
            complaint.closed_at = now
        case "reopen":
            complaint.reopen_count += 1
            complaint.resolved_at = None
            complaint.closed_at = None
            sla.restart_clock_after_reopen(complaint, now)
        case "reject":
            from complaintdesk.surveys.rejection import rejection_review_confirm

            complaint.rejection_reason = params["reason"]
            recorded["reason"] = params["reason"]
            recorded["review"] = rejection_review_confirm(
                complaint=complaint, actor=request.actor, now=now
            )
        case "merge":
            target: Complaint = params["into"]
            complaint.merged_into = target
            recorded["into"] = target.tracking_number
            carried = _carry_external_deadline(source=complaint, target=target, actor=request.actor)
            if carried is not None:
                recorded["external_deadline_carried"] = carried.isoformat()
    if transition.customer_visible and transition.action != "register":
        # The acknowledgement at registration is automatic; the first real answer counts.
        sla.record_first_response(complaint, now)
    if transition.target in FINISHED_STATUSES:
        sla.stop_clock(complaint, now)
        # Nothing is left for management to decide (escalation_requests builds on this module).
        from complaintdesk.complaints.escalation_requests import escalations_withdraw_on_finish

        withdrawn = escalations_withdraw_on_finish(
            complaint=complaint, actor=request.actor, status=str(transition.target)
        )
        if withdrawn:
            recorded["escalations_withdrawn"] = withdrawn
    return recorded


def _carry_external_deadline(
    *, source: Complaint, target: Complaint, actor: User | None
) -> datetime | None:
    """An outside body's deadline outlives the merge: a regulator's or the media's complaint
    merged into the customer's earlier one hands its deadline (and body, if the target names
    none) to the target, whose clock then runs to the earlier of the two. Returns the deadline
    carried, or None when the target's own was already as early."""
    deadline = source.external_deadline
    if deadline is None:
        return None
    locked = Complaint.objects.select_for_update().get(pk=target.pk)
    if locked.external_deadline is not None and locked.external_deadline <= deadline:
        return None
    earlier = locked.external_deadline
    before = {
        "external_deadline": earlier.isoformat() if earlier else None,
        "external_body": locked.external_body,
    }
    locked.external_deadline = deadline
    locked.external_body = locked.external_body or source.external_body
    sla.recompute_clock(locked, clock.now())
    locked.save()
    event_record(
        complaint=locked,
        actor=actor,
        kind=EventKind.FIELD_CHANGED,
        note=_("Deadline of %(body)s carried over from merged complaint %(number)s.")
        % {
            "body": source.external_body or source.get_channel_display(),
            "number": source.tracking_number,
        },
        before=before,
        after={
            "external_deadline": deadline.isoformat(),
            "external_body": locked.external_body,
            # What the note says, so the timeline says it in the reader's language.
            "from_complaint": source.tracking_number,
            "from_body": source.external_body,
            "from_channel": source.channel,
        },
    )
    return deadline


def _target_status(transition: Transition, complaint: Complaint) -> str:
    if transition.target is not None:
        return transition.target
    # Resume after a pause: back where it was, or registered if that was never recorded.
    return complaint.status_before_pause or S.REGISTERED


def _note_require_length(note: str) -> None:
    """An action note is as long as a description may be, no longer (QA: a 300,000-character
    note was stored and made the complaint page weigh a megabyte)."""
    if len(note) > TEXT_MAX:
        raise InvalidInput(
            _("The note is longer than %(max)d characters.") % {"max": TEXT_MAX},
            field="note",
        )


def complaint_transition(
    *,
    complaint: Complaint,
    action: str,
    actor: User | None,
    note: str = "",
    params: Mapping[str, Any] | None = None,
) -> Complaint:
    """Run one lifecycle action on a complaint, or raise a DomainError that says why not.

    `actor=None` is the system (routing, survey answers, sweeps); it may take only the
    SYSTEM_ACTIONS.
    """
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        known = ", ".join(TRANSITIONS_BY_ACTION)
        raise InvalidInput(
            _("Unknown action %(action)s; known actions: %(known)s.")
            % {"action": action, "known": known},
            field="action",
        )
    params = params or {}
    if action in PLAN_RECORD_ACTIONS:
        # Before the status check: whatever the status, the answer is the plan record.
        _plan_record_require(complaint=complaint, action=action, params=params)
    with transaction.atomic():
        # The lock makes two people acting at once queue up; the second sees the new status.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status not in transition.sources:
            raise TransitionNotAllowed(
                _("Cannot %(action)s a complaint that is %(status)s.")
                % {"action": str(transition.label).lower(), "status": locked.get_status_display()},
                status=locked.status,
                allowed_actions=allowed_actions(locked, actor),
            )
        if not _may_take(transition, actor):
            raise NotAllowed(ROLE_REFUSALS[action])
        if not _may_take_on(transition, actor, locked):
            raise NotAllowed(not_acting_for_complaint(locked, HANDLER_ONLY_REFUSALS[action]))
        note = (note or "").strip()
        if transition.note_required and not note:
            raise InvalidInput(transition.note_required, field="note")
        _note_require_length(note)
        request = TransitionRequest(
            complaint=locked, actor=actor, note=note, params=params, now=clock.now()
        )
        for guard in transition.guards:
            guard(request)
        from_status = locked.status
        target = _target_status(transition, locked)
        recorded = _apply_side_effects(transition, request)
        locked.status = target
        locked.save()
        event_record(
            complaint=locked,
            actor=actor,
            kind=EventKind.TRANSITION,
            from_status=from_status,
            to_status=locked.status,
            after={"action": action, **recorded},
            note=note,
            visibility=Visibility.CUSTOMER if transition.customer_visible else Visibility.INTERNAL,
        )
        # Acknowledgement, information needed, result: the customer is told in this step.
        notice_for_transition(complaint=locked, action=action, actor=actor, note=note)
        if action == "register":
            escalation.notify_management_of_serious(complaint=locked, now=request.now)
        elif action in {"resolve", "close", "reopen"}:
            # The surveys app imports the lifecycle, hence the import here.
            from complaintdesk.surveys.services import survey_send, surveys_withdraw_on_reopen
            from complaintdesk.surveys.visits import visits_cancel_on_reopen, visits_schedule

            if action == "resolve":
                survey_send(complaint=locked, actor=actor)
            elif action == "close":
                visits_schedule(complaint=locked, actor=actor)
            else:
                # The result is taken back, and the after-care it set in motion with it.
                surveys_withdraw_on_reopen(complaint=locked)
                visits_cancel_on_reopen(complaint=locked, actor=actor)
    complaint.refresh_from_db()
    return complaint
