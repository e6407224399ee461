"""Responsibility determination (SPEC §6): propose, review by someone else, communicate,
finalise; accountability items and rectification actions tracked to done.

Every function is keyword-only, runs in one transaction, checks the actor's role and
writes a RESPONSIBILITY event on the complaint's timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.choices import FINISHED_STATUSES, EventKind, Status
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.models import Attachment, Complaint, ComplaintEvent
from complaintdesk.core import clock
from complaintdesk.handling.choices import (
    COMPANY_AT_FAULT,
    REASONS_BY_PARTY,
    RECORD_MEASURES,
    AccountabilityMeasure,
    AccountableKind,
    ActionStatus,
    CustomerResponse,
    DeterminationStatus,
    ResponsibleParty,
)
from complaintdesk.handling.models import AccountabilityItem, Determination, RectificationAction

DETERMINING = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
REVIEWING = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
DS = DeterminationStatus


def _require_role(actor: User, roles: frozenset[str], message: str) -> None:
    if role_of(actor) not in roles:
        raise NotAllowed(message)


def _require_department(actor: User, complaint: Complaint) -> None:
    # A department handler acts only on the complaints routed to their department.
    if role_of(actor) == Role.HANDLER and complaint.department_id != actor.department_id:
        raise NotAllowed(_("This complaint is handled by another department."))


def _clean_reason(party: str, reason: str) -> None:
    if party not in ResponsibleParty.values:
        raise InvalidInput(
            _("Unknown responsible party %(party)s; use one of: %(known)s.")
            % {"party": party, "known": ", ".join(ResponsibleParty.values)},
            field="party",
        )
    allowed = sorted(REASONS_BY_PARTY[party])
    if reason not in allowed:
        raise InvalidInput(
            _("The reason for %(party)s must be one of: %(known)s.")
            % {"party": ResponsibleParty(party).label, "known": ", ".join(allowed)},
            field="reason",
        )


def _evidence(
    complaint: Complaint, note_ids: Iterable[int], attachment_ids: Iterable[int]
) -> tuple[list[ComplaintEvent], list[Attachment]]:
    note_ids, attachment_ids = list(dict.fromkeys(note_ids)), list(dict.fromkeys(attachment_ids))
    notes = list(complaint.events.filter(pk__in=note_ids, kind=EventKind.NOTE))
    if len(notes) != len(note_ids):
        raise InvalidInput(_("Cite only notes written on this complaint."), field="note_ids")
    attachments = list(complaint.attachments.filter(pk__in=attachment_ids))
    if len(attachments) != len(attachment_ids):
        raise InvalidInput(_("Cite only attachments of this complaint."), field="attachment_ids")
    return notes, attachments


def _staff(staff_ids: Iterable[int]) -> list[User]:
    ids = list(dict.fromkeys(staff_ids))
    staff = list(User.objects.filter(pk__in=ids))
    if len(staff) != len(ids):
        raise InvalidInput(_("Name existing staff members only."), field="staff_ids")
    return staff


def _locked(determination: Determination) -> Determination:
    return (
        Determination.objects.select_for_update(of=("self",))
        .select_related("complaint")
        .get(pk=determination.pk)
    )


def _record(
    determination: Determination, actor: User, step: str, note: str = "", **after: Any
) -> None:
    event_record(
        complaint=determination.complaint,
        actor=actor,
        kind=EventKind.RESPONSIBILITY,
        after={
            "step": step,
            "determination": determination.pk,
            "party": determination.party,
            "reason": determination.reason,
            **after,
        },
        note=note,
    )


def determination_propose(
    *,
    complaint: Complaint,
    actor: User,
    party: str,
    reason: str,
    facts: str,
    outlet: str = "",
    staff_ids: Iterable[int] = (),
    note_ids: Iterable[int] = (),
    attachment_ids: Iterable[int] = (),
) -> Determination:
    """Draft and propose who is responsible, citing the investigation notes and evidence."""
    _require_role(actor, DETERMINING, _("Your role may not determine responsibility."))
    _require_department(actor, complaint)
    _clean_reason(party, reason)
    facts = (facts or "").strip()
    if not facts:
        raise InvalidInput(_("State the facts the determination rests on."), field="facts")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        if locked.status in FINISHED_STATUSES | {Status.RECEIVED}:
            raise Conflict(
                _(
                    "Responsibility is determined while a complaint is handled, "
                    "not when it is %(status)s."
                )
                % {"status": locked.get_status_display()}
            )
        if locked.determinations.exclude(status=DS.FINAL).exists():
            raise Conflict(
                _("This complaint already has a determination in progress; revise that one.")
            )
        notes, attachments = _evidence(locked, note_ids, attachment_ids)
        staff = _staff(staff_ids)
        determination = Determination.objects.create(
            complaint=locked,
            party=party,
            reason=reason,
            facts=facts,
            outlet=outlet.strip(),
            proposed_by=actor,
            proposed_at=clock.now(),
            status=DS.IN_REVIEW,
        )
        determination.evidence_notes.set(notes)
        determination.evidence_attachments.set(attachments)
        determination.staff_involved.set(staff)
        _record(determination, actor, "proposed", facts)
    return determination


def determination_revise(
    *,
    determination: Determination,
    actor: User,
    party: str,
    reason: str,
    facts: str,
    outlet: str = "",
    staff_ids: Iterable[int] = (),
    note_ids: Iterable[int] = (),
    attachment_ids: Iterable[int] = (),
) -> Determination:
    """Revise a determination sent back by its reviewer and propose it again."""
    _require_role(actor, DETERMINING, _("Your role may not determine responsibility."))
    _clean_reason(party, reason)
    facts = (facts or "").strip()
    if not facts:
        raise InvalidInput(_("State the facts the determination rests on."), field="facts")
    with transaction.atomic():
        locked = _locked(determination)
        _require_department(actor, locked.complaint)
        if locked.status != DS.DRAFT:
            raise Conflict(_("Only a determination sent back for revision can be revised."))
        notes, attachments = _evidence(locked.complaint, note_ids, attachment_ids)
        locked.party, locked.reason, locked.facts = party, reason, facts
        locked.outlet = outlet.strip()
        locked.status = DS.IN_REVIEW
        # The reviser proposes anew: the next reviewer must differ from them.
        locked.proposed_by, locked.proposed_at = actor, clock.now()
        locked.reviewed_by, locked.reviewed_at = None, None
        locked.save()
        locked.evidence_notes.set(notes)
        locked.evidence_attachments.set(attachments)
        locked.staff_involved.set(_staff(staff_ids))
        _record(locked, actor, "revised", facts)
    return locked


def determination_review(
    *, determination: Determination, actor: User, approve: bool, note: str = ""
) -> Determination:
    """Internal review by someone other than the proposer: approve, or send back with a reason."""
    _require_role(actor, REVIEWING, _("Your role may not review responsibility determinations."))
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidInput(_("Say why the determination is sent back."), field="note")
    with transaction.atomic():
        locked = _locked(determination)
        _require_department(actor, locked.complaint)
        if locked.status != DS.IN_REVIEW:
            raise Conflict(_("This determination is not waiting for review."))
        if locked.proposed_by_id == actor.pk:
            raise NotAllowed(
                _("A determination must be reviewed by someone other than its proposer.")
            )
        locked.reviewed_by, locked.reviewed_at = actor, clock.now()
        locked.review_note = note
        locked.status = DS.REVIEWED if approve else DS.DRAFT
        locked.save()
        _record(locked, actor, "reviewed" if approve else "sent_back", note)
    return locked


def determination_communicate(
    *,
    determination: Determination,
    actor: User,
    communication: str,
    response: str,
    apologised: bool = False,
) -> Determination:
    """Record what the customer was told about the determination and how they took it."""
    _require_role(actor, DETERMINING, _("Your role may not determine responsibility."))
    communication = (communication or "").strip()
    if not communication:
        raise InvalidInput(_("Write what the customer was told."), field="communication")
    if response not in CustomerResponse.values:
        raise InvalidInput(
            _("The customer's response must be one of: %(known)s.")
            % {"known": ", ".join(CustomerResponse.values)},
            field="response",
        )
    with transaction.atomic():
        locked = _locked(determination)
        _require_department(actor, locked.complaint)
        if locked.status not in {DS.REVIEWED, DS.COMMUNICATED}:
            raise Conflict(_("Communicate a determination once it has been reviewed."))
        locked.customer_communication = communication
        locked.customer_response = response
        locked.apologised = locked.apologised or apologised
        locked.communicated_by, locked.communicated_at = actor, clock.now()
        locked.status = DS.COMMUNICATED
        locked.save()
        _record(locked, actor, "communicated", communication, response=response)
    return locked


def determination_finalise(*, determination: Determination, actor: User) -> Determination:
    """Make the determination final; company fault needs an apology and a record first."""
    _require_role(actor, DETERMINING, _("Your role may not determine responsibility."))
    with transaction.atomic():
        locked = _locked(determination)
        _require_department(actor, locked.complaint)
        if locked.status != DS.COMMUNICATED:
            raise Conflict(
                _("A determination is final only after review and communication to the customer.")
            )
        if locked.party in COMPANY_AT_FAULT:
            if not locked.apologised:
                raise InvalidInput(
                    _("The company is at fault: record the apology to the customer first.")
                )
            if not locked.accountability_items.filter(measure__in=RECORD_MEASURES).exists():
                raise InvalidInput(
                    _("The company is at fault: add a corrective or disciplinary record first.")
                )
        locked.finalised_by, locked.finalised_at = actor, clock.now()
        locked.status = DS.FINAL
        locked.save()
        _record(locked, actor, "final")
    return locked


def accountability_add(
    *,
    determination: Determination,
    actor: User,
    kind: str,
    measure: str,
    department: Department | None = None,
    staff: User | None = None,
    party_name: str = "",
    note: str = "",
) -> AccountabilityItem:
    """Hold a department, a staff member, the customer or a third party to account."""
    _require_role(actor, REVIEWING, _("Your role may not record accountability."))
    if kind not in AccountableKind.values:
        raise InvalidInput(
            _("Accountable must be one of: %(known)s.")
            % {"known": ", ".join(AccountableKind.values)},
            field="kind",
        )
    if measure not in AccountabilityMeasure.values:
        raise InvalidInput(
            _("The measure must be one of: %(known)s.")
            % {"known": ", ".join(AccountabilityMeasure.values)},
            field="measure",
        )
    if kind == AccountableKind.DEPARTMENT and department is None:
        raise InvalidInput(_("Name the department held to account."), field="department")
    if kind == AccountableKind.STAFF and staff is None:
        raise InvalidInput(_("Name the staff member held to account."), field="staff")
    if kind == AccountableKind.THIRD_PARTY and not party_name.strip():
        raise InvalidInput(_("Name the partner or third party."), field="party_name")
    with transaction.atomic():
        locked = _locked(determination)
        _require_department(actor, locked.complaint)
        if locked.status == DS.DRAFT:
            raise Conflict(_("Revise the determination before recording accountability."))
        item = AccountabilityItem.objects.create(
            determination=locked,
            kind=kind,
            measure=measure,
            department=department if kind == AccountableKind.DEPARTMENT else None,
            staff=staff if kind == AccountableKind.STAFF else None,
            party_name=party_name.strip() if kind == AccountableKind.THIRD_PARTY else "",
            note=note.strip(),
            created_by=actor,
            created_at=clock.now(),
        )
        who = (
            department.code
            if department and kind == AccountableKind.DEPARTMENT
            else staff.username
            if staff and kind == AccountableKind.STAFF
            else item.party_name or kind
        )
        _record(locked, actor, "accountability", note, accountable=who, measure=measure)
    return item


def rectification_add(
    *, determination: Determination, actor: User, description: str, owner: User, due_on: date
) -> RectificationAction:
    """Decide a rectification measure with an owner and a due date."""
    _require_role(actor, REVIEWING, _("Your role may not decide rectification actions."))
    description = (description or "").strip()
    if not description:
        raise InvalidInput(_("Describe the rectification action."), field="description")
    if not owner.is_active:
        raise InvalidInput(_("Choose an active staff member as owner."), field="owner")
    if due_on < clock.now().date():
        raise InvalidInput(_("The due date is in the past."), field="due_on")
    with transaction.atomic():
        locked = _locked(determination)
        _require_department(actor, locked.complaint)
        action = RectificationAction.objects.create(
            determination=locked,
            description=description,
            owner=owner,
            due_on=due_on,
            created_by=actor,
            created_at=clock.now(),
        )
        _record(
            locked,
            actor,
            "rectification",
            description,
            action=action.pk,
            owner=owner.username,
            due_on=due_on.isoformat(),
        )
    return action


def rectification_update(
    *, action: RectificationAction, actor: User, status: str, note: str = ""
) -> RectificationAction:
    """Move a rectification action on (in progress, done, cancelled) with a progress note."""
    if status not in ActionStatus.values:
        raise InvalidInput(
            _("The status must be one of: %(known)s.") % {"known": ", ".join(ActionStatus.values)},
            field="status",
        )
    note = (note or "").strip()
    with transaction.atomic():
        locked = (
            RectificationAction.objects.select_for_update(of=("self",))
            .select_related("determination__complaint")
            .get(pk=action.pk)
        )
        is_owner = locked.owner_id == actor.pk
        if not is_owner and role_of(actor) not in REVIEWING:
            raise NotAllowed(_("Only the owner or a reviewer may update this action."))
        if not is_owner:
            _require_department(actor, locked.determination.complaint)
        if locked.status in {ActionStatus.DONE, ActionStatus.CANCELLED}:
            raise Conflict(_("This action is already finished."))
        if status in {ActionStatus.DONE, ActionStatus.CANCELLED} and not note:
            raise InvalidInput(_("Say what was done, or why it is cancelled."), field="note")
        before = locked.status
        locked.status = status
        if note:
            locked.progress_note = note
        if status == ActionStatus.DONE:
            locked.done_at = clock.now()
        locked.save()
        _record(
            locked.determination,
            actor,
            "rectification_update",
            note,
            action=locked.pk,
            before=before,
            status=status,
        )
    return locked
