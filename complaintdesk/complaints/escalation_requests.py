"""Escalation to higher management by hand (升级): raise, decide, withdraw (SPEC §4, §14).

Whoever handles a complaint escalates it when it is complex or special, the customer asks for
a higher level or threatens, or the remedy needs more authority than they have. It goes to
one person who stands above the raiser: a supervisor of the complaint's department, a
complaints manager (a supervisor with manager authority, handling/authority.py) or an
administrator. That person records management's decision — or someone higher over the
department, or an administrator, when they cannot; never the raiser. The raiser may withdraw
it while it waits. One escalation waits per complaint at a time; a finished complaint is not
escalated.

A decision to take the complaint over or to reassign it moves the complaint through the
assignment services — the lifecycle's "assign" while nobody works on it yet,
complaints.services.complaint_reassign after — which keep their own checks and timeline
entries. The person it goes to is told by e-mail once the transaction commits, the way the
deadline sweep tells supervisors (complaints/escalation.py); the raiser hears of the decision,
and the person it went to of a withdrawal, the same way.

A decision to authorise a higher remedy sets a ceiling: the most the complaint's whole
compensation may come to, within the decider's own authority. From then on whoever acts for
the complaint approves compensation up to it with the decider's authority
(remedies.services.authority_require_for_complaint reads `escalation_authorisation`).

Every write is keyword-only, runs in one transaction and writes a timeline event whose
sentence the timeline says again in the reader's language (complaints/events.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import acts_for_complaint, role_of
from complaintdesk.complaints.choices import (
    FINISHED_STATUSES,
    EscalationDecision,
    EscalationReason,
    EscalationStatus,
    EventKind,
    Status,
)
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed, NotFound
from complaintdesk.complaints.escalation import staff_mail
from complaintdesk.complaints.events import escalation_sentence, event_record
from complaintdesk.complaints.lifecycle import TRANSITIONS_BY_ACTION, complaint_transition
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.complaints.selectors import complaints_visible_to
from complaintdesk.complaints.services import NOTE_MAX, complaint_reassign
from complaintdesk.core import clock

# Administrators stand above every approval authority level.
_ADMINISTRATOR_RANK = 100
_ASSIGN = TRANSITIONS_BY_ACTION["assign"]


# -- who stands where --------------------------------------------------------------------------


def _rank(user: User) -> int:
    """How high a person stands for an escalation: their approval authority level (none,
    supervisor, manager), administrators above all."""
    # The handling app builds on complaints, hence the import here.
    from complaintdesk.handling.authority import authority_of

    if role_of(user) == Role.ADMIN:
        return _ADMINISTRATOR_RANK
    return int(authority_of(user).level)


def _over_department(user: User, complaint: Complaint) -> bool:
    from complaintdesk.handling.authority import acts_for_department

    return acts_for_department(user, complaint)


def may_escalate(user: User, complaint: Complaint) -> bool:
    """Whoever handles the complaint (accounts.permissions.acts_for_complaint: its assignee,
    before it has one the intake agent who registered it and its department's handlers, any
    supervisor or administrator), and the handlers of its department, who work beside the
    assignee and hear the customer as well."""
    if acts_for_complaint(user, complaint):
        return True
    return (
        role_of(user) == Role.HANDLER
        and complaint.department_id is not None
        and user.department_id == complaint.department_id
    )


def may_receive_escalations(user: User) -> bool:
    """Whether escalations can go to this person at all: supervisors and administrators."""
    return user.is_active and (user.is_superuser or role_of(user) in {Role.SUPERVISOR, Role.ADMIN})


def escalation_recipients(*, complaint: Complaint, raised_by: User) -> list[User]:
    """Whom `raised_by` may escalate the complaint to: active supervisors over its department
    (its own, or complaints managers over every department) who stand above the raiser, and
    administrators; the nearest level first."""
    candidates = (
        User.objects.filter(is_active=True)
        .filter(Q(role__in=[Role.SUPERVISOR, Role.ADMIN]) | Q(is_superuser=True))
        .exclude(pk=raised_by.pk)
        .select_related("department")
    )
    own_rank = _rank(raised_by)
    ranked = [
        (rank, user)
        for user in candidates
        if (rank := _rank(user)) == _ADMINISTRATOR_RANK
        or (rank > own_rank and _over_department(user, complaint))
    ]
    ranked.sort(key=lambda pair: (pair[0], str(pair[1]), pair[1].username))
    return [user for _rank_of, user in ranked]


def may_decide(user: User, escalation: Escalation) -> bool:
    """The person it went to, someone higher over the complaint's department, or an
    administrator; never the person who raised it."""
    role = role_of(user)
    if role is None or user.pk == escalation.raised_by_id:
        return False
    if user.pk == escalation.escalated_to_id or role == Role.ADMIN:
        return True
    return (
        role == Role.SUPERVISOR
        and _over_department(user, escalation.complaint)
        and _rank(user) > _rank(escalation.escalated_to)
    )


def may_withdraw(user: User, escalation: Escalation) -> bool:
    role = role_of(user)
    return role is not None and (user.pk == escalation.raised_by_id or role == Role.ADMIN)


# -- reads -------------------------------------------------------------------------------------


def _escalations() -> QuerySet[Escalation]:
    return Escalation.objects.select_related(
        "complaint",
        "complaint__customer",
        "complaint__department",
        "raised_by",
        "escalated_to",
        "decided_by",
        "new_assignee",
        "withdrawn_by",
    ).order_by("raised_at", "id")


def escalations_of(*, user: User, complaint: Complaint) -> QuerySet[Escalation]:
    """A complaint's escalations, oldest first; nothing for someone who may not see it."""
    return _escalations().filter(complaint__in=complaints_visible_to(user), complaint=complaint)


def escalation_get(*, user: User, complaint: Complaint, escalation_id: int) -> Escalation:
    found = escalations_of(user=user, complaint=complaint).filter(pk=escalation_id).first()
    if found is None:
        raise NotFound(
            _("No escalation %(id)d on complaint %(number)s.")
            % {"id": escalation_id, "number": complaint.tracking_number}
        )
    return found


def escalation_authorisation(*, complaint: Complaint) -> Escalation | None:
    """The latest decision on the complaint that authorised a higher remedy with a ceiling,
    or None."""
    return (
        Escalation.objects.select_related("decided_by")
        .filter(
            complaint=complaint,
            status=EscalationStatus.DECIDED,
            decision=EscalationDecision.AUTHORISE,
            authorised_amount__isnull=False,
        )
        .order_by("-decided_at", "-id")
        .first()
    )


def escalations_sent_to(*, user: User, status: str = "") -> QuerySet[Escalation]:
    """The escalations that went to this user, oldest first; ``status`` narrows them (open:
    those waiting for their decision)."""
    if status and status not in EscalationStatus.values:
        raise InvalidInput(
            _("Unknown escalation status %(status)s; use one of: %(known)s.")
            % {"status": status, "known": ", ".join(EscalationStatus.values)},
            field="status",
        )
    rows = _escalations().filter(complaint__in=complaints_visible_to(user), escalated_to=user)
    return rows.filter(status=status) if status else rows


# -- writes ------------------------------------------------------------------------------------


def _text_require(text: str, *, field: str, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(missing, field=field)
    if len(text) > NOTE_MAX:
        raise InvalidInput(
            _("The text is longer than %(max)d characters.") % {"max": NOTE_MAX}, field=field
        )
    return text


def _record(
    escalation: Escalation, actor: User | None, kind: str, words: str, **after: object
) -> None:
    """The timeline event: our sentence, then the person's words; the timeline says the
    sentence again in the reader's language from the event's data."""
    data = {
        "escalation": escalation.pk,
        "reason": escalation.reason,
        "to": escalation.escalated_to.username,
        "to_name": str(escalation.escalated_to),
        **after,
    }
    sentence = escalation_sentence(kind, data) or ""
    event_record(
        complaint=escalation.complaint,
        actor=actor,
        kind=kind,
        note=f"{sentence}\n\n{words}".strip(),
        after=data,
    )


def complaint_escalate(
    *, complaint: Complaint, actor: User, reason: str, explanation: str, to: User
) -> Escalation:
    """Escalate a complaint to one person of higher management, saying why; they are told
    by e-mail and decide it."""
    if not may_escalate(actor, complaint):
        raise NotAllowed(
            _(
                "You may not escalate this complaint: only whoever handles it (its assignee or "
                "a handler of its department), a supervisor or an administrator may."
            )
        )
    if reason not in EscalationReason.values:
        raise InvalidInput(
            _("Give the reason for the escalation: one of %(known)s.")
            % {"known": ", ".join(EscalationReason.values)},
            field="reason",
        )
    explanation = _text_require(
        explanation,
        field="explanation",
        missing=_("Explain what management should know and decide."),
    )
    if to.pk == actor.pk:
        raise InvalidInput(_("You cannot escalate a complaint to yourself."), field="to")
    if to not in escalation_recipients(complaint=complaint, raised_by=actor):
        raise InvalidInput(
            _(
                "%(person)s cannot decide this escalation: choose a supervisor over "
                "%(department)s or a complaints manager who stands above you, or an "
                "administrator."
            )
            % {
                "person": to,
                "department": complaint.department or _("the complaint's department"),
            },
            field="to",
        )
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status in FINISHED_STATUSES:
            raise Conflict(
                _("A complaint that is %(status)s cannot be escalated; reopen it first.")
                % {"status": locked.get_status_display()}
            )
        waiting = (
            Escalation.objects.filter(complaint=locked, status=EscalationStatus.OPEN)
            .select_related("escalated_to")
            .first()
        )
        if waiting is not None:
            raise Conflict(
                _(
                    "This complaint is already escalated to %(person)s and waits for their "
                    "decision; withdraw that escalation first or wait for it."
                )
                % {"person": waiting.escalated_to}
            )
        escalation = Escalation.objects.create(
            complaint=locked,
            reason=reason,
            explanation=explanation,
            raised_by=actor,
            raised_at=clock.now(),
            escalated_to=to,
        )
        subject = _("Complaint %(number)s is escalated to you") % {"number": locked.tracking_number}
        said = _("%(person)s escalated complaint %(number)s (%(subject)s) to you: %(reason)s.") % {
            "person": actor,
            "number": locked.tracking_number,
            "subject": locked.subject,
            "reason": EscalationReason(reason).label,
        }
        body = "\n\n".join([said, explanation, _("Record your decision on the complaint's page.")])
        mailed = staff_mail([to], subject, body)
        _record(
            escalation,
            actor,
            EventKind.ESCALATION_RAISED,
            explanation,
            notified=[to.username],
            mailed=mailed,
        )
    return escalation


def _locked_open(escalation: Escalation) -> Escalation:
    """The escalation locked, its complaint first (the order the assignment services lock
    in), refused unless it still waits for a decision."""
    Complaint.objects.select_for_update().filter(pk=escalation.complaint_id).first()
    locked = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("complaint", "raised_by", "escalated_to")
        .get(pk=escalation.pk)
    )
    if locked.status != EscalationStatus.OPEN:
        raise Conflict(
            _("This escalation is %(status)s already; nothing waits for a decision.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _hand_over(*, complaint: Complaint, assignee: User, actor: User, note: str) -> None:
    """Through the assignment services, which check the new handler and write their event."""
    if complaint.status in _ASSIGN.sources:
        complaint_transition(
            complaint=complaint,
            action="assign",
            actor=actor,
            note=note,
            params={"assignee": assignee},
        )
    else:
        complaint_reassign(complaint=complaint, assignee=assignee, actor=actor, reason=note)


def escalation_decide(
    *,
    escalation: Escalation,
    actor: User,
    decision: str,
    note: str,
    assignee: User | None = None,
    amount: Decimal | None = None,
    currency: str = "",
) -> Escalation:
    """Record management's decision. Taking the complaint over makes the decider its
    handler; a reassignment names the new handler (`assignee`); authorising a higher remedy
    sets the ceiling of the complaint's whole compensation (`amount` in `currency`), within
    the decider's own authority."""
    if decision not in EscalationDecision.values:
        raise InvalidInput(
            _("Give the decision: one of %(known)s.")
            % {"known": ", ".join(EscalationDecision.values)},
            field="decision",
        )
    note = _text_require(
        note, field="note", missing=_("Write management's decision: what is decided and why.")
    )
    if decision == EscalationDecision.REASSIGN and assignee is None:
        raise InvalidInput(_("Choose who handles the complaint from now on."), field="assignee")
    if decision != EscalationDecision.REASSIGN and assignee is not None:
        raise InvalidInput(
            _("Only a decision to reassign the complaint names a new handler."), field="assignee"
        )
    currency = (currency or "").strip()
    if decision == EscalationDecision.AUTHORISE and (amount is None or not currency):
        raise InvalidInput(
            _(
                "Give the ceiling you authorise: the most the complaint's whole compensation "
                "may come to, and its currency."
            ),
            field="amount" if amount is None else "currency",
        )
    if decision != EscalationDecision.AUTHORISE and (amount is not None or currency):
        raise InvalidInput(
            _(
                "Only a decision to authorise a higher remedy sets a ceiling; leave the amount "
                "and the currency out."
            ),
            field="amount" if amount is not None else "currency",
        )
    with transaction.atomic():
        locked = _locked_open(escalation)
        if actor.pk == locked.raised_by_id:
            raise NotAllowed(
                _("You raised this escalation: someone above you decides it, not you.")
            )
        if not may_decide(actor, locked):
            raise NotAllowed(
                _(
                    "Only %(person)s, to whom it was escalated, someone above them over the "
                    "complaint's department, or an administrator may decide this escalation."
                )
                % {"person": locked.escalated_to}
            )
        if decision == EscalationDecision.AUTHORISE and amount is not None:
            # The remedies app builds on complaints, hence the import here.
            from complaintdesk.remedies.services import compensation_ceiling_require

            amount, currency = compensation_ceiling_require(
                complaint=locked.complaint, actor=actor, amount=amount, currency=currency
            )
            locked.authorised_amount, locked.authorised_currency = amount, currency
        new_assignee = actor if decision == EscalationDecision.TAKE_OVER else assignee
        if new_assignee is not None:
            _hand_over(complaint=locked.complaint, assignee=new_assignee, actor=actor, note=note)
        locked.status = EscalationStatus.DECIDED
        locked.decision = decision
        locked.decision_note = note
        locked.decided_by = actor
        locked.decided_at = clock.now()
        locked.new_assignee = new_assignee
        locked.save()
        subject = _("Management decided the escalation of complaint %(number)s") % {
            "number": locked.complaint.tracking_number
        }
        said = _("%(person)s decided: %(decision)s.") % {
            "person": actor,
            "decision": EscalationDecision(decision).label,
        }
        after: dict[str, object] = {"decision": decision}
        if new_assignee is not None:
            after |= {"new_assignee": new_assignee.username, "new_assignee_name": str(new_assignee)}
        if locked.authorised_amount is not None:
            after |= {
                "amount": str(locked.authorised_amount),
                "currency": locked.authorised_currency,
            }
            # The raiser reads the ceiling in the mail as the timeline says it.
            ceiling = escalation_sentence(
                EventKind.ESCALATION_DECIDED, {"to_name": str(locked.escalated_to), **after}
            )
            said = f"{said}\n\n{ceiling or ''}".strip()
        body = f"{said}\n\n{note}"
        after["mailed"] = staff_mail([locked.raised_by], subject, body)
        _record(locked, actor, EventKind.ESCALATION_DECIDED, note, **after)
    return locked


def escalation_withdraw(*, escalation: Escalation, actor: User, note: str = "") -> Escalation:
    """The raiser (or an administrator) takes back an escalation still waiting, e.g. when the
    customer calmed down; the person it went to is told."""
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(
            _("The text is longer than %(max)d characters.") % {"max": NOTE_MAX}, field="note"
        )
    with transaction.atomic():
        locked = _locked_open(escalation)
        if not may_withdraw(actor, locked):
            raise NotAllowed(
                _(
                    "Only %(person)s, who raised this escalation, or an administrator may "
                    "withdraw it."
                )
                % {"person": locked.raised_by}
            )
        locked.status = EscalationStatus.WITHDRAWN
        locked.withdrawn_by = actor
        locked.withdrawn_at = clock.now()
        locked.withdrawal_note = note
        locked.save()
        subject = _("The escalation of complaint %(number)s to you was withdrawn") % {
            "number": locked.complaint.tracking_number
        }
        body = _("%(person)s withdrew it; no decision is needed.") % {"person": actor}
        if note:
            body = f"{body}\n\n{note}"
        mailed = staff_mail([locked.escalated_to], subject, body)
        _record(locked, actor, EventKind.ESCALATION_WITHDRAWN, note, mailed=mailed)
    return locked


def escalations_withdraw_on_finish(
    *, complaint: Complaint, actor: User | None, status: str
) -> list[int]:
    """A complaint that finishes (resolved, closed, rejected, merged) while an escalation
    waits: nothing is left to decide, so it is withdrawn and the person it went to is told.
    Called by the lifecycle inside the finishing transition's transaction; returns the ids."""
    waiting = list(
        Escalation.objects.select_for_update(of=("self",))
        .select_related("complaint", "escalated_to")
        .filter(complaint=complaint, status=EscalationStatus.OPEN)
    )
    for escalation in waiting:
        escalation.status = EscalationStatus.WITHDRAWN
        escalation.withdrawn_by = actor
        escalation.withdrawn_at = clock.now()
        escalation.save()
        subject = _("The escalation of complaint %(number)s to you was withdrawn") % {
            "number": complaint.tracking_number
        }
        body = _("The complaint is %(status)s; no decision is needed.") % {
            "status": Status(status).label
        }
        mailed = staff_mail([escalation.escalated_to], subject, body)
        _record(
            escalation,
            actor,
            EventKind.ESCALATION_WITHDRAWN,
            "",
            mailed=mailed,
            finished=status,
        )
    return [escalation.pk for escalation in waiting]
