"""Follow-up visits (回访): planned when a complaint is closed, recorded by staff.

`visits_schedule` runs when a complaint is closed (the lifecycle's "close" calls it) and
plans one visit per configured offset (FOLLOW_UP_DAYS, 7 and 30 days by default). A reopen
cancels the visits still planned after the earlier closure (`visits_cancel_on_reopen`, the
lifecycle's "reopen" calls it); the next closure plans a new set.
`visit_record` records the outcome; "the problem came back" reopens the complaint.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.choices import EventKind, Status, Visibility
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.lifecycle import TRANSITIONS_BY_ACTION, complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaints_visible_to
from complaintdesk.core import clock
from complaintdesk.surveys import policy
from complaintdesk.surveys.choices import VisitKind, VisitStatus
from complaintdesk.surveys.models import FollowUpVisit, Survey

ROLES_RECORDING_VISITS = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
NOTE_MAX = 4000


def visits_schedule(*, complaint: Complaint, actor: User | None = None) -> list[FollowUpVisit]:
    """Plan the follow-up visits of a closed complaint; running it twice plans nothing new."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status != Status.CLOSED or locked.closed_at is None:
            raise Conflict(_("Follow-up visits are planned when a complaint is closed."))
        now = clock.now()
        # Earlier rounds' visits still planned: reopens made before reopening cancelled them.
        FollowUpVisit.objects.filter(
            complaint=locked,
            kind=VisitKind.SCHEDULED,
            round__lt=locked.reopen_count,
            status=VisitStatus.PLANNED,
        ).update(status=VisitStatus.CANCELLED, cancelled_at=now)
        planned: list[FollowUpVisit] = []
        for days in policy.follow_up_days():
            visit, created = FollowUpVisit.objects.get_or_create(
                complaint=locked,
                kind=VisitKind.SCHEDULED,
                round=locked.reopen_count,
                offset_days=days,
                defaults={"due_at": locked.closed_at + timedelta(days=days), "created_at": now},
            )
            if created:
                planned.append(visit)
        if planned:
            event_record(
                complaint=locked,
                actor=actor,
                kind=EventKind.FOLLOW_UP,
                after={
                    "status": "planned",
                    "visits": [v.pk for v in planned],
                    "due": [v.due_at.isoformat() for v in planned],
                },
            )
    return planned


def visits_cancel_on_reopen(
    *, complaint: Complaint, actor: User | None = None
) -> list[FollowUpVisit]:
    """Cancel the visits planned after a closure that a reopen took back, saying why.

    Runs in the reopen's transaction, the complaint locked and its reopen count raised. A
    follow-up task for a dissatisfied survey answer stays: someone still has to call.
    """
    now = clock.now()
    cancelled: list[FollowUpVisit] = []
    planned = FollowUpVisit.objects.filter(
        complaint=complaint,
        kind=VisitKind.SCHEDULED,
        round__lt=complaint.reopen_count,
        status=VisitStatus.PLANNED,
    )
    for visit in planned:
        # Claimed one by one: a visit recorded in the meantime keeps its outcome.
        if FollowUpVisit.objects.filter(pk=visit.pk, status=VisitStatus.PLANNED).update(
            status=VisitStatus.CANCELLED, cancelled_at=now
        ):
            cancelled.append(visit)
    if cancelled:
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.FOLLOW_UP,
            note=_(
                "The follow-up visits planned after the closure are cancelled: the complaint "
                "was reopened. The next closure plans new ones."
            ),
            after={"status": "cancelled", "visits": [v.pk for v in cancelled]},
        )
    return cancelled


def visit_plan_for_survey(*, survey: Survey, note: str) -> FollowUpVisit:
    """A follow-up task due now: the customer is dissatisfied and reopening was not possible."""
    now = clock.now()
    visit = FollowUpVisit.objects.create(
        complaint_id=survey.complaint_id,
        kind=VisitKind.SURVEY,
        round=survey.round,
        due_at=now,
        survey=survey,
        note=note,
        created_at=now,
    )
    event_record(
        complaint=visit.complaint,
        actor=None,
        kind=EventKind.FOLLOW_UP,
        note=note,
        after={"status": "planned", "visits": [visit.pk], "survey": survey.pk},
    )
    return visit


def visit_record(
    *,
    visit: FollowUpVisit,
    actor: User,
    reached: bool,
    problem_returned: bool | None = None,
    note: str = "",
) -> FollowUpVisit:
    """Record how a follow-up visit went; a problem that came back reopens the complaint."""
    if role_of(actor) not in ROLES_RECORDING_VISITS:
        raise NotAllowed(_("Your role may not record follow-up visits."))
    if not complaints_visible_to(actor).filter(pk=visit.complaint_id).exists():
        raise NotAllowed(_("This follow-up visit belongs to another department's complaint."))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("The note is too long."), field="note")
    if reached and problem_returned is None:
        raise InvalidInput(_("Say whether the problem came back."), field="problem_returned")
    if not reached:
        problem_returned = None
        if not note:
            raise InvalidInput(_("Say how you tried to reach the customer."), field="note")
    with transaction.atomic():
        now = clock.now()
        claimed = FollowUpVisit.objects.filter(pk=visit.pk, status=VisitStatus.PLANNED).update(
            status=VisitStatus.DONE,
            reached=reached,
            problem_returned=problem_returned,
            note=note,
            recorded_by=actor,
            recorded_at=now,
        )
        if not claimed:
            raise Conflict(_("This follow-up visit has already been recorded or cancelled."))
        visit.refresh_from_db()
        complaint = Complaint.objects.select_for_update().get(pk=visit.complaint_id)
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.FOLLOW_UP,
            note=note,
            after={
                "status": "recorded",
                "visit": visit.pk,
                "reached": reached,
                "problem_returned": problem_returned,
            },
            visibility=Visibility.INTERNAL,
        )
        if problem_returned and complaint.status in TRANSITIONS_BY_ACTION["reopen"].sources:
            reason = _("The problem came back (follow-up visit on %(date)s).") % {
                "date": formats.date_format(clock.now(), "SHORT_DATE_FORMAT")
            }
            complaint_transition(
                complaint=complaint,
                action="reopen",
                actor=actor,
                note=f"{reason}\n\n{note}" if note else reason,
            )
    return visit
