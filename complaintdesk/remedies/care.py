"""Care actions for the customer (SPEC §10): a call, a visit, an SMS or a web reply,
scheduled for someone and then recorded with its outcome and effect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.errors import Conflict, InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.remedies.choices import CareEffect, CareKind, CareStatus
from complaintdesk.remedies.models import CareAction
from complaintdesk.remedies.services import ACTING, record_event, require_actor, text_within

# How far a scheduled time may lie behind our clock: the caller's may run a little ahead.
CLOCK_SKEW = timedelta(minutes=5)


def care_schedule(
    *,
    complaint: Complaint,
    actor: User,
    kind: str,
    scheduled_for: datetime,
    purpose: str,
    assignee: User | None = None,
) -> CareAction:
    """Plan a care action for the customer (call, visit, SMS, web reply)."""
    require_actor(actor, complaint)
    if kind not in CareKind.values:
        raise InvalidInput(
            _("The care action must be one of: %(known)s.") % {"known": ", ".join(CareKind.values)},
            field="kind",
        )
    purpose = text_within(purpose, field="purpose")
    if not purpose:
        raise InvalidInput(_("Say what the care action is for."), field="purpose")
    if timezone.is_naive(scheduled_for):
        raise InvalidInput(_("Give the time with its time zone."), field="scheduled_for")
    # A care action planned in the past is overdue the moment it exists; a few minutes'
    # difference between clocks is not.
    if scheduled_for < clock.now() - CLOCK_SKEW:
        raise InvalidInput(
            _("The care action is scheduled in the past; give a time from now on."),
            field="scheduled_for",
        )
    # Stored and answered in UTC, as every other time of the API: the caller's offset
    # would otherwise come back on the POST answer and not on a later GET.
    scheduled_for = scheduled_for.astimezone(UTC)
    assignee = assignee or actor
    if not assignee.is_active or role_of(assignee) not in ACTING:
        raise InvalidInput(_("Choose an active staff member who handles complaints."), "assignee")
    with transaction.atomic():
        action = CareAction.objects.create(
            complaint=complaint,
            kind=kind,
            purpose=purpose,
            scheduled_for=scheduled_for,
            assignee=assignee,
            created_by=actor,
            created_at=clock.now(),
        )
        record_event(
            complaint,
            actor,
            EventKind.CARE,
            "scheduled",
            purpose,
            care=action.pk,
            care_kind=kind,
            scheduled_for=scheduled_for.isoformat(),
            assignee=assignee.username,
        )
    return action


def care_record(
    *, action: CareAction, actor: User, outcome: str, effect: str, done: bool = True
) -> CareAction:
    """Record a care action as done with its outcome and effect, or as cancelled."""
    outcome = text_within(outcome, field="outcome")
    if not outcome:
        raise InvalidInput(_("Write the outcome of the care action."), field="outcome")
    if done and effect not in CareEffect.values:
        raise InvalidInput(
            _("The effect must be one of: %(known)s.") % {"known": ", ".join(CareEffect.values)},
            field="effect",
        )
    with transaction.atomic():
        locked = (
            CareAction.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .get(pk=action.pk)
        )
        require_actor(actor, locked.complaint)
        if locked.status != CareStatus.SCHEDULED:
            raise Conflict(_("This care action has already been recorded."))
        locked.status = CareStatus.DONE if done else CareStatus.CANCELLED
        locked.outcome, locked.effect = outcome, effect if done else ""
        locked.done_at, locked.done_by = clock.now(), actor
        locked.save()
        record_event(
            locked.complaint,
            actor,
            EventKind.CARE,
            "done" if done else "cancelled",
            outcome,
            care=locked.pk,
            care_kind=locked.kind,
            effect=locked.effect,
        )
    return locked
