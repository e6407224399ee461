"""Escalation (升级): warnings at a share of the time limit, escalation on breach, notices.

- A first response not given by its due time is reported to the assignee and the
  department's supervisors (FIRST_RESPONSE_OVERDUE event and an e-mail); the resolution
  clock runs on, so the urgency is raised only by the resolution breach below.
- When a complaint has used the configured share of its resolution time (SLA_WARNING_PERCENT,
  default 80 %), its assignee is warned — the department's supervisors when nobody is
  assigned — with an SLA_WARNING event and an e-mail.
- On breach it is escalated to the department's supervisors (all supervisors when the
  department has none): SLA_BREACHED and ESCALATED events naming who was notified, and the
  urgency goes up one level.
- Major and urgent complaints notify management (the supervisors) at registration.

`sla_sweep` runs every minute as a task and as `complaintdesk sla sweep`. It reads only the
complaints whose `sla_check_at` has passed — an index range scan, however many complaints
are open — and claims each with a conditional UPDATE before acting, so two workers never
warn or escalate the same complaint twice (healthchecks' sendalerts pattern). E-mails go out
after the claim's transaction commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import (
    Case,
    DateTimeField,
    F,
    PositiveSmallIntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.complaints import sla
from complaintdesk.complaints.choices import OPEN_STATUSES, EventKind, Level
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock

logger = logging.getLogger(__name__)

SERIOUS_NATURES = frozenset({"major", "urgent"})


# -- who hears about it ----------------------------------------------------------------------


class _Supervisors:
    """The supervisors to notify per department, looked up once per sweep."""

    def __init__(self) -> None:
        self._by_department: dict[int | None, list[User]] = {}

    def of(self, department_id: int | None) -> list[User]:
        if department_id not in self._by_department:
            active = User.objects.filter(is_active=True, role=Role.SUPERVISOR).order_by("username")
            own = list(active.filter(department_id=department_id)) if department_id else []
            # A department without a supervisor escalates to all of management.
            self._by_department[department_id] = own or list(active)
        return self._by_department[department_id]


def _send(subject: str, body: str, addresses: list[str]) -> None:
    try:
        send_mail(subject, body, None, addresses)
    except OSError:
        # The event is already recorded; a mail server outage must not undo it.
        logger.exception("could not send the time-limit notice to %d recipients", len(addresses))


def staff_mail(recipients: list[User], subject: str, body: str) -> list[str]:
    """Send after commit to those with an address; return the usernames mailed."""
    with_address = [user for user in recipients if user.email]
    if with_address:
        addresses = [user.email for user in with_address]
        transaction.on_commit(partial(_send, subject, body, addresses))
    return [user.username for user in with_address]


def _local(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


# -- management notice at registration -------------------------------------------------------


def notify_management_of_serious(*, complaint: Complaint, now: datetime) -> None:
    """A major or urgent complaint was registered: tell the supervisors at once.

    Runs inside the registration's transaction, so the event is part of it.
    """
    nature = complaint.nature.key if complaint.nature else ""
    if nature not in SERIOUS_NATURES:
        return
    managers = _Supervisors().of(complaint.department_id)
    subject = _("%(nature)s complaint %(number)s registered") % {
        "nature": complaint.nature.label if complaint.nature else nature,
        "number": complaint.tracking_number,
    }
    body = _(
        "Complaint %(number)s (%(subject)s) was registered as %(nature)s.\n"
        "First response due: %(first)s. Resolution due: %(due)s."
    ) % {
        "number": complaint.tracking_number,
        "subject": complaint.subject,
        "nature": nature,
        "first": _local(complaint.first_response_due_at),
        "due": _local(complaint.resolution_due_at),
    }
    mailed = staff_mail(managers, subject, body)
    event_record(
        complaint=complaint,
        actor=None,
        kind=EventKind.MANAGEMENT_NOTIFIED,
        after={
            "nature": nature,
            "notified": [user.username for user in managers],
            "mailed": mailed,
        },
    )


# -- the sweep -------------------------------------------------------------------------------


@dataclass
class SweepReport:
    looked_at: int = 0
    first_response_overdue: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)


def _first_response_missed(complaint: Complaint, now: datetime) -> bool:
    due = complaint.first_response_due_at
    return sla.awaiting_first_response(complaint) and due is not None and due <= now


def _schedule_next_look(pk: int) -> Complaint:
    """After a claim, in its transaction (the row is locked): the sweep's next look, by the
    clock's one rule (sla.next_check_at). Returns the row as the claim left it."""
    claimed = Complaint.objects.get(pk=pk)
    claimed.sla_check_at = sla.next_check_at(claimed)
    Complaint.objects.filter(pk=pk).update(sla_check_at=claimed.sla_check_at)
    return claimed


def _report_missed_first_response(
    complaint: Complaint, now: datetime, supervisors: _Supervisors
) -> bool:
    with transaction.atomic():
        claimed = Complaint.objects.filter(
            pk=complaint.pk,
            status__in=OPEN_STATUSES,
            sla_paused_at=None,
            first_responded_at=None,
            first_response_breached_at=None,
            first_response_due_at__lte=now,
        ).update(first_response_breached_at=now)
        if claimed != 1:
            return False
        _schedule_next_look(complaint.pk)
        assignee = complaint.assignee
        recipients = [assignee] if assignee is not None and assignee.is_active else []
        recipients += [
            user for user in supervisors.of(complaint.department_id) if user not in recipients
        ]
        subject = _("Complaint %(number)s has had no first response in time") % {
            "number": complaint.tracking_number
        }
        body = _(
            "Complaint %(number)s (%(subject)s) should have had its first response by "
            "%(first)s. Contact the customer now; it must be resolved by %(due)s."
        ) % {
            "number": complaint.tracking_number,
            "subject": complaint.subject,
            "first": _local(complaint.first_response_due_at),
            "due": _local(complaint.resolution_due_at),
        }
        mailed = staff_mail(recipients, subject, body)
        first_due = complaint.first_response_due_at
        event_record(
            complaint=complaint,
            actor=None,
            kind=EventKind.FIRST_RESPONSE_OVERDUE,
            after={
                "first_response_due_at": first_due.isoformat() if first_due else None,
                "notified": [user.username for user in recipients],
                "mailed": mailed,
            },
        )
    return True


def _warn(complaint: Complaint, now: datetime, supervisors: _Supervisors) -> bool:
    with transaction.atomic():
        claimed = Complaint.objects.filter(
            pk=complaint.pk,
            status__in=OPEN_STATUSES,
            sla_paused_at=None,
            sla_warned_at=None,
            sla_warn_at__lte=now,
        ).update(sla_warned_at=now)
        if claimed != 1:
            return False
        _schedule_next_look(complaint.pk)
        assignee = complaint.assignee
        recipients = (
            [assignee]
            if assignee is not None and assignee.is_active
            else supervisors.of(complaint.department_id)
        )
        share = sla.warning_share()
        subject = _("Complaint %(number)s has used %(percent)d%% of its time limit") % {
            "number": complaint.tracking_number,
            "percent": round(share * 100),
        }
        body = _("Complaint %(number)s (%(subject)s) must be resolved by %(due)s.") % {
            "number": complaint.tracking_number,
            "subject": complaint.subject,
            "due": _local(complaint.resolution_due_at),
        }
        mailed = staff_mail(recipients, subject, body)
        event_record(
            complaint=complaint,
            actor=None,
            kind=EventKind.SLA_WARNING,
            after={
                "share": share,
                "resolution_due_at": complaint.resolution_due_at.isoformat()
                if complaint.resolution_due_at
                else None,
                "notified": [user.username for user in recipients],
                "mailed": mailed,
            },
        )
    return True


def _escalate(complaint: Complaint, now: datetime, supervisors: _Supervisors) -> bool:
    with transaction.atomic():
        claimed = Complaint.objects.filter(
            pk=complaint.pk,
            status__in=OPEN_STATUSES,
            sla_paused_at=None,
            sla_breached_at=None,
            resolution_due_at__lte=now,
        ).update(
            sla_breached_at=now,
            escalated_at=now,
            sla_warned_at=Coalesce(F("sla_warned_at"), Value(now, output_field=DateTimeField())),
            urgency=Case(
                When(urgency__lt=Level.CRITICAL, then=F("urgency") + 1),
                default=F("urgency"),
                output_field=PositiveSmallIntegerField(),
            ),
        )
        if claimed != 1:
            return False
        urgency = _schedule_next_look(complaint.pk).urgency
        managers = supervisors.of(complaint.department_id)
        subject = _("Complaint %(number)s is past its time limit and escalated to you") % {
            "number": complaint.tracking_number
        }
        body = _(
            "Complaint %(number)s (%(subject)s) was due by %(due)s and is not resolved.\n"
            "Assignee: %(assignee)s. Its urgency is raised to %(urgency)s."
        ) % {
            "number": complaint.tracking_number,
            "subject": complaint.subject,
            "due": _local(complaint.resolution_due_at),
            "assignee": complaint.assignee.username if complaint.assignee else _("nobody"),
            "urgency": Level(urgency).label,
        }
        mailed = staff_mail(managers, subject, body)
        due = complaint.resolution_due_at
        event_record(
            complaint=complaint,
            actor=None,
            kind=EventKind.SLA_BREACHED,
            after={"resolution_due_at": due.isoformat() if due else None},
        )
        event_record(
            complaint=complaint,
            actor=None,
            kind=EventKind.ESCALATED,
            before={"urgency": complaint.urgency},
            after={
                "urgency": urgency,
                "to": "supervisor",
                "notified": [user.username for user in managers],
                "mailed": mailed,
            },
        )
    return True


def _rearm(complaint: Complaint) -> None:
    """Nothing to do now although the check time passed: set the right next check time."""
    wanted = sla.next_check_at(complaint) if complaint.status in OPEN_STATUSES else None
    if wanted != complaint.sla_check_at:
        Complaint.objects.filter(pk=complaint.pk, sla_check_at=complaint.sla_check_at).update(
            sla_check_at=wanted
        )


def sla_sweep(*, now: datetime | None = None, batch_size: int = 200) -> SweepReport:
    """Report missed first responses, warn and escalate every complaint whose check time has
    passed; safe to run in parallel.

    One pass in (sla_check_at, id) order; the cursor only moves forward, so the pass ends
    even while other workers change rows. A complaint found already overdue is escalated at
    once and counts as warned. A warned complaint's next check is its due time.
    """
    now = now or clock.now()
    report = SweepReport()
    supervisors = _Supervisors()
    cursor: tuple[datetime, int] | None = None
    while True:
        due = Complaint.objects.filter(sla_check_at__lte=now)
        if cursor is not None:
            due = due.filter(
                Q(sla_check_at__gt=cursor[0]) | Q(sla_check_at=cursor[0], pk__gt=cursor[1])
            )
        batch = list(due.select_related("assignee").order_by("sla_check_at", "pk")[:batch_size])
        for complaint in batch:
            report.looked_at += 1
            if complaint.status not in OPEN_STATUSES or complaint.sla_paused_at is not None:
                _rearm(complaint)
                continue
            acted = False
            if _first_response_missed(complaint, now) and _report_missed_first_response(
                complaint, now, supervisors
            ):
                report.first_response_overdue.append(complaint.tracking_number)
                acted = True
            overdue = complaint.resolution_due_at is not None and complaint.resolution_due_at <= now
            warn_due = complaint.sla_warn_at is not None and complaint.sla_warn_at <= now
            if overdue and complaint.sla_breached_at is None:
                if _escalate(complaint, now, supervisors):
                    report.escalated.append(complaint.tracking_number)
                    acted = True
            elif (
                warn_due and complaint.sla_warned_at is None and _warn(complaint, now, supervisors)
            ):
                report.warned.append(complaint.tracking_number)
                acted = True
            if not acted:
                _rearm(complaint)
        if len(batch) < batch_size:
            return report
        last = batch[-1]
        assert last.sla_check_at is not None
        cursor = (last.sla_check_at, last.pk)
