"""Satisfaction surveys: sending on resolution, the customer's one answer, the sweep.

`survey_send` runs when the result is notified (the lifecycle's "resolve" calls it): one
survey per resolution, a single-use expiring link whose secret is never stored, the
invitation through the notifications module. A reopen takes the result back, so its
unanswered survey is withdrawn (`surveys_withdraw_on_reopen`, the lifecycle's "reopen" calls
it) and the next result brings a new one. `survey_answer` consumes the link atomically;
a dissatisfied answer (overall 1–2, or "not solved") reopens the complaint through the
lifecycle as the system, or plans a follow-up task when it cannot be reopened. The sweep
(`surveys_sweep`) reminds once, marks expiry, and closes resolved complaints whose survey
went unanswered for SURVEY_AUTO_CLOSE_DAYS.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import EventKind, Status, Visibility
from complaintdesk.complaints.errors import Conflict, DomainError, InvalidInput, NotFound
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.lifecycle import TRANSITIONS_BY_ACTION, complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.notifications.choices import NoticePurpose
from complaintdesk.notifications.services import normalise_language, notice_send
from complaintdesk.surveys import policy
from complaintdesk.surveys.choices import (
    OPEN_SURVEY_STATUSES,
    UNANSWERED_SURVEY_STATUSES,
    SurveyConsequence,
    SurveyStatus,
)
from complaintdesk.surveys.models import RATING_FIELDS, Survey
from complaintdesk.surveys.visits import visit_plan_for_survey

logger = logging.getLogger("complaintdesk.surveys")

COMMENT_MAX = 4000
REOPENABLE = TRANSITIONS_BY_ACTION["reopen"].sources


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def survey_link(raw: str) -> str:
    return policy.base_url() + reverse("surveys:answer", args=[raw])


def _survey_event(survey: Survey, status: str, note: str = "", **after: Any) -> None:
    event_record(
        complaint=survey.complaint,
        actor=None,
        kind=EventKind.SURVEY,
        note=note,
        after={"survey": survey.pk, "round": survey.round, "status": status, **after},
        visibility=Visibility.INTERNAL,
    )


def survey_send(*, complaint: Complaint, actor: User | None = None) -> Survey:
    """Invite the customer to rate how their resolved complaint was handled.

    Once per resolution: sending again for the same resolution returns the survey already
    sent. A survey of an earlier resolution that is still open is withdrawn, so only the
    latest result can be rated.
    """
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status != Status.RESOLVED:
            raise Conflict(
                _("A satisfaction survey is sent when the result has been notified; the "
                  "complaint is %(status)s.") % {"status": locked.get_status_display()}
            )  # fmt: skip
        existing = Survey.objects.filter(complaint=locked, round=locked.reopen_count).first()
        if existing is not None:
            return existing
        now = clock.now()
        Survey.objects.filter(
            complaint=locked, round__lt=locked.reopen_count, status__in=OPEN_SURVEY_STATUSES
        ).update(status=SurveyStatus.WITHDRAWN, withdrawn_at=now)
        raw = secrets.token_urlsafe(32)
        survey = Survey.objects.create(
            complaint=locked,
            round=locked.reopen_count,
            token_hash=token_hash(raw),
            sent_at=now,
            expires_at=now + timedelta(days=policy.survey_valid_days()),
            sent_by=actor if getattr(actor, "pk", None) else None,
        )
        notice = notice_send(
            complaint=locked,
            purpose=NoticePurpose.SURVEY,
            actor=actor,
            context={"link": survey_link(raw), "due_at": survey.expires_at},
        )
        survey.language = normalise_language(notice.language)
        survey.save(update_fields=["language"])
        _survey_event(
            survey,
            SurveyStatus.SENT,
            notice=notice.pk,
            expires_at=survey.expires_at.isoformat(),
        )
    return survey


def survey_by_token(raw: str) -> Survey:
    """The survey a link points to (the invitation's or the reminder's), or NotFound."""
    digest = token_hash(raw or "")
    survey = (
        Survey.objects.select_related("complaint", "complaint__customer")
        .filter(token_hash=digest)
        .first()
        or Survey.objects.select_related("complaint", "complaint__customer")
        .filter(reminder_token_hash=digest)
        .first()
    )
    if survey is None:
        raise NotFound(_("This survey link is not valid."))
    return survey


class SurveyClosed(Conflict):
    """The link can no longer be answered: `why` is answered, expired or withdrawn."""

    def __init__(self, message: str, *, why: str) -> None:
        super().__init__(message)
        self.why = why


@dataclass(frozen=True)
class SurveyAnswer:
    """The customer's answer: overall 1–5 and "solved" are required, the rest optional."""

    overall: int
    problem_solved: bool
    outcome_fairness: int | None = None
    procedural_fairness: int | None = None
    interactional_fairness: int | None = None
    handler_attitude: int | None = None
    comment: str = ""

    def validated(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in RATING_FIELDS:
            value = values[name]
            if value is None and name != "overall":
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                raise InvalidInput(_("Choose a rating from 1 to 5."), field=name)
        if not isinstance(self.problem_solved, bool):
            raise InvalidInput(_("Say whether the problem was solved."), field="problem_solved")
        comment = (self.comment or "").strip()
        if len(comment) > COMMENT_MAX:
            raise InvalidInput(
                _("Please keep the comment under %(max)d characters.") % {"max": COMMENT_MAX},
                field="comment",
            )
        values["comment"] = comment
        return values


def survey_closed_reason(survey: Survey) -> SurveyClosed | None:
    """Why the survey can no longer be answered, or None while it can."""
    complaint = survey.complaint
    # A survey of a result taken back by a reopen is closed even if still marked open:
    # reopens made before reopening withdrew surveys left them so.
    superseded = survey.round < complaint.reopen_count
    if survey.status in OPEN_SURVEY_STATUSES and survey.expires_at > clock.now() and not superseded:
        return None
    if survey.status == SurveyStatus.ANSWERED:
        return SurveyClosed(
            _("This survey has already been answered. Thank you; the link works only once."),
            why="answered",
        )
    if survey.status == SurveyStatus.WITHDRAWN or superseded:
        if Survey.objects.filter(complaint=complaint, round__gt=survey.round).exists():
            return SurveyClosed(
                _("This survey has been replaced by a newer one; please use the latest link."),
                why="withdrawn",
            )
        return SurveyClosed(
            _("This survey is no longer open: complaint %(number)s was reopened and we are "
              "handling it again. We will ask for your opinion once it is resolved.")
            % {"number": complaint.tracking_number},
            why="withdrawn",
        )  # fmt: skip
    return SurveyClosed(
        _("This survey link has expired. Please contact us if you would like to tell us more."),
        why="expired",
    )


def survey_answer(*, token: str, answer: SurveyAnswer) -> Survey:
    """Record the customer's one answer through the link, and act on a dissatisfied one."""
    values = answer.validated()
    survey = survey_by_token(token)
    with transaction.atomic():
        # The complaint first, as a reopen locks it before withdrawing the survey: an answer
        # and a reopen at once queue up instead of deadlocking, and the round is current.
        complaint = Complaint.objects.select_for_update().get(pk=survey.complaint_id)
        now = clock.now()
        # The claim is the single use: of two submissions at once, one updates the row.
        claimed = Survey.objects.filter(
            pk=survey.pk,
            status__in=OPEN_SURVEY_STATUSES,
            expires_at__gt=now,
            round=complaint.reopen_count,
        ).update(status=SurveyStatus.ANSWERED, answered_at=now, **values)
        survey.refresh_from_db()
        survey.complaint = complaint
        if not claimed:
            raise survey_closed_reason(survey) or SurveyClosed(
                _("This survey link has expired."), why="expired"
            )
        scores = {name: getattr(survey, name) for name in RATING_FIELDS}
        _survey_event(
            survey,
            SurveyStatus.ANSWERED,
            note=survey.comment,
            problem_solved=survey.problem_solved,
            **scores,
        )
        if survey.is_dissatisfied:
            survey.consequence = _follow_through(survey)
            survey.save(update_fields=["consequence"])
    return survey


def surveys_withdraw_on_reopen(*, complaint: Complaint) -> list[Survey]:
    """Withdraw the unanswered surveys of the results a reopen took back.

    Runs in the reopen's transaction, the complaint locked and its reopen count raised; the
    link then answers that the survey is no longer open. Each withdrawal is on the timeline.
    """
    now = clock.now()
    withdrawn: list[Survey] = []
    stale = Survey.objects.filter(
        complaint=complaint, round__lt=complaint.reopen_count, status__in=OPEN_SURVEY_STATUSES
    )
    for survey in stale.select_related("complaint"):
        # Claimed one by one: a survey answered in the meantime stays answered.
        claimed = Survey.objects.filter(pk=survey.pk, status__in=OPEN_SURVEY_STATUSES).update(
            status=SurveyStatus.WITHDRAWN, withdrawn_at=now
        )
        if claimed:
            _survey_event(
                survey,
                SurveyStatus.WITHDRAWN,
                note=_(
                    "The unanswered satisfaction survey is withdrawn: the complaint was "
                    "reopened. The next result brings a new survey."
                ),
            )
            withdrawn.append(survey)
    return withdrawn


def _dissatisfaction_note(survey: Survey) -> str:
    solved = _("yes") if survey.problem_solved else _("no")
    note = _(
        "The customer is not satisfied with the result (satisfaction survey: overall "
        "%(overall)s of 5, problem solved: %(solved)s)."
    ) % {"overall": survey.overall, "solved": solved}
    if survey.comment:
        note = f"{note}\n\n{survey.comment}"
    return note


def _follow_through(survey: Survey) -> str:
    """Reopen the complaint this answer rates, or plan a follow-up task if it cannot be."""
    complaint = Complaint.objects.get(pk=survey.complaint_id)
    note = _dissatisfaction_note(survey)
    if complaint.status in REOPENABLE and complaint.reopen_count == survey.round:
        try:
            with transaction.atomic():
                complaint_transition(complaint=complaint, action="reopen", actor=None, note=note)
        except DomainError as exc:
            logger.info("survey %s: complaint not reopened: %s", survey.pk, exc.message)
        else:
            return SurveyConsequence.REOPENED
    visit_plan_for_survey(survey=survey, note=note)
    return SurveyConsequence.FOLLOW_UP_TASK


# The sweep ---------------------------------------------------------------------------------


@dataclass
class SweepReport:
    expired: int = 0
    reminded: int = 0
    closed: int = 0


def surveys_expire(*, limit: int = 500) -> int:
    """Mark surveys whose link ran out unanswered as expired (non-response)."""
    now = clock.now()
    due = Survey.objects.filter(status__in=OPEN_SURVEY_STATUSES, expires_at__lte=now)
    done = 0
    for survey_id in due.order_by("expires_at", "id").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            claimed = Survey.objects.filter(
                pk=survey_id, status__in=OPEN_SURVEY_STATUSES, expires_at__lte=now
            ).update(status=SurveyStatus.EXPIRED, expired_at=now)
            if claimed:
                survey = Survey.objects.select_related("complaint").get(pk=survey_id)
                _survey_event(survey, SurveyStatus.EXPIRED)
                done += 1
    return done


def surveys_remind(*, limit: int = 500) -> int:
    """Send one reminder, with a fresh link, to customers who have not answered yet."""
    days = policy.survey_reminder_days()
    if not days:
        return 0
    now = clock.now()
    due = Survey.objects.filter(
        status=SurveyStatus.SENT,
        reminded_at__isnull=True,
        sent_at__lte=now - timedelta(days=days),
        expires_at__gt=now,
    )
    done = 0
    for survey_id in due.order_by("sent_at", "id").values_list("pk", flat=True)[:limit]:
        raw = secrets.token_urlsafe(32)
        with transaction.atomic():
            claimed = Survey.objects.filter(
                pk=survey_id, status=SurveyStatus.SENT, reminded_at__isnull=True
            ).update(
                status=SurveyStatus.REMINDED, reminded_at=now, reminder_token_hash=token_hash(raw)
            )
            if not claimed:
                continue
            survey = Survey.objects.select_related("complaint").get(pk=survey_id)
            try:
                with transaction.atomic():
                    notice = notice_send(
                        complaint=survey.complaint,
                        purpose=NoticePurpose.SURVEY,
                        context={"link": survey_link(raw), "due_at": survey.expires_at},
                    )
            except DomainError as exc:
                # The claim stands: one reminder, even if it could not be written.
                logger.warning("survey %s: reminder not sent: %s", survey.pk, exc.message)
                _survey_event(survey, SurveyStatus.REMINDED, note=exc.message, sent=False)
            else:
                _survey_event(survey, SurveyStatus.REMINDED, notice=notice.pk)
                done += 1
    return done


def complaints_close_unanswered(*, limit: int = 500) -> int:
    """Close resolved complaints whose survey went unanswered for SURVEY_AUTO_CLOSE_DAYS.

    Each survey is claimed once, so two sweeps never close (or try to close) twice.
    """
    days = policy.auto_close_days()
    now = clock.now()
    due = Survey.objects.filter(
        status__in=UNANSWERED_SURVEY_STATUSES,
        closure_checked_at__isnull=True,
        sent_at__lte=now - timedelta(days=days),
        complaint__status=Status.RESOLVED,
        round=F("complaint__reopen_count"),
    )
    closed = 0
    for survey_id in due.order_by("sent_at", "id").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            claimed = Survey.objects.filter(pk=survey_id, closure_checked_at__isnull=True).update(
                closure_checked_at=now
            )
            if not claimed:
                continue
            survey = Survey.objects.select_related("complaint").get(pk=survey_id)
            note = _(
                "Closed automatically: the satisfaction survey was not answered within "
                "%(days)d days of the result."
            ) % {"days": days}
            try:
                with transaction.atomic():
                    complaint_transition(
                        complaint=survey.complaint, action="close", actor=None, note=note
                    )
            except DomainError as exc:
                logger.info("survey %s: complaint not closed: %s", survey.pk, exc.message)
            else:
                closed += 1
    return closed


def surveys_sweep() -> SweepReport:
    """The periodic pass: expire, remind, and close what waited long enough."""
    return SweepReport(
        expired=surveys_expire(), reminded=surveys_remind(), closed=complaints_close_unanswered()
    )
