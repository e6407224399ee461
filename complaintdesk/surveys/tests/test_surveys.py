"""Satisfaction surveys: sent on resolve, answered once, expiring, acting on dissatisfaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from complaintdesk.complaints.choices import EventKind, Status, Visibility
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotFound
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.surveys.choices import SurveyConsequence, SurveyStatus, VisitKind
from complaintdesk.surveys.models import Survey
from complaintdesk.surveys.services import (
    SurveyClosed,
    survey_answer,
    survey_by_token,
    survey_send,
    surveys_sweep,
)
from complaintdesk.surveys.tests.helpers import (
    DISSATISFIED,
    NOT_SOLVED,
    SATISFIED,
    resolved_complaint,
    survey_token,
)

pytestmark = pytest.mark.django_db


def test_resolving_sends_one_survey_with_a_single_use_link(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    survey = complaint.surveys.get()
    assert (survey.status, survey.round, survey.language) == (SurveyStatus.SENT, 0, "zh-hans")
    assert survey.expires_at == survey.sent_at + timedelta(days=14)
    notice = complaint.notices.get(purpose="survey")
    token = survey_token(complaint)
    assert complaint.tracking_number in notice.body
    # Only the hash is kept: the secret in the link is not stored anywhere on the row.
    assert token not in {survey.token_hash, survey.reminder_token_hash}
    assert survey_by_token(token) == survey
    kinds = list(complaint.events.values_list("kind", flat=True))
    assert EventKind.SURVEY in kinds and EventKind.MESSAGE in kinds


def test_sending_again_for_the_same_resolution_returns_the_same_survey(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    again = survey_send(complaint=complaint, actor=handler)
    assert again == complaint.surveys.get()
    assert complaint.notices.filter(purpose="survey").count() == 1


def test_a_survey_is_sent_only_for_a_resolved_complaint(agent):
    with pytest.raises(Conflict):
        survey_send(complaint=complaint_make(actor=agent))
    assert not Survey.objects.exists()


def test_the_customer_answers_once_and_a_second_answer_is_refused(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    token = survey_token(complaint)
    survey = survey_answer(token=token, answer=SATISFIED)
    assert survey.status == SurveyStatus.ANSWERED
    assert (survey.overall, survey.procedural_fairness, survey.problem_solved) == (5, 4, True)
    assert survey.consequence == SurveyConsequence.NONE
    with pytest.raises(SurveyClosed) as refused:
        survey_answer(token=token, answer=DISSATISFIED)
    assert refused.value.why == "answered"
    survey.refresh_from_db()
    assert survey.overall == 5
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_an_expired_link_is_refused(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    token = survey_token(complaint)
    with clock.travel_to(clock.now() + timedelta(days=15)), pytest.raises(SurveyClosed) as refused:
        survey_answer(token=token, answer=SATISFIED)
    assert refused.value.why == "expired"
    assert complaint.surveys.get().answered_at is None


def test_an_unknown_link_is_not_found(db):
    with pytest.raises(NotFound):
        survey_answer(token="not-a-real-token", answer=SATISFIED)


@pytest.mark.parametrize("field", ["overall", "handler_attitude"])
def test_ratings_outside_one_to_five_are_refused(agent, handler, field):
    complaint = resolved_complaint(agent=agent, handler=handler)
    with pytest.raises(InvalidInput) as refused:
        survey_answer(token=survey_token(complaint), answer=replace(SATISFIED, **{field: 6}))
    assert refused.value.field == field
    assert complaint.surveys.get().status == SurveyStatus.SENT


@pytest.mark.parametrize("answer", [DISSATISFIED, NOT_SOLVED], ids=["overall_2", "not_solved"])
def test_a_dissatisfied_answer_reopens_the_complaint_as_the_system(agent, handler, answer):
    complaint = resolved_complaint(agent=agent, handler=handler)
    survey = survey_answer(token=survey_token(complaint), answer=answer)
    assert survey.consequence == SurveyConsequence.REOPENED
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    assert complaint.reopen_count == 1
    reopen = complaint.events.filter(kind=EventKind.TRANSITION).order_by("-id").first()
    assert reopen.after["action"] == "reopen"
    assert reopen.actor is None
    assert reopen.visibility == Visibility.CUSTOMER
    assert "satisfaction survey" in reopen.note


def test_a_dissatisfied_answer_that_cannot_reopen_the_complaint_plans_a_follow_up_task(
    agent, handler, monkeypatch
):
    # A complaint reopened by staff withdraws its survey (test_reopen.py); this is the answer
    # the lifecycle refuses to act on, whatever the reason.
    complaint = resolved_complaint(agent=agent, handler=handler)

    def refuse(**_kwargs):
        raise Conflict("not now")

    monkeypatch.setattr("complaintdesk.surveys.services.complaint_transition", refuse)
    survey = survey_answer(token=survey_token(complaint), answer=DISSATISFIED)
    assert survey.consequence == SurveyConsequence.FOLLOW_UP_TASK
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reopen_count) == (Status.RESOLVED, 0)
    task = complaint.follow_up_visits.get()
    assert (task.kind, task.survey) == (VisitKind.SURVEY, survey)
    assert complaint.events.filter(kind=EventKind.FOLLOW_UP).exists()


def test_resolving_again_after_a_reopen_sends_a_new_survey_and_withdraws_the_old(
    agent, handler, supervisor
):
    complaint = resolved_complaint(agent=agent, handler=handler)
    first = survey_token(complaint)
    complaint_transition(complaint=complaint, action="reopen", actor=supervisor, note="再次出现")
    complaint_transition(complaint=complaint, action="start", actor=handler)
    complaint_transition(complaint=complaint, action="resolve", actor=handler, note="已修复")
    old, new = complaint.surveys.order_by("round")
    assert (old.status, new.status, new.round) == (SurveyStatus.WITHDRAWN, SurveyStatus.SENT, 1)
    with pytest.raises(SurveyClosed) as refused:
        survey_answer(token=first, answer=SATISFIED)
    assert refused.value.why == "withdrawn"
    assert survey_answer(token=survey_token(complaint), answer=SATISFIED).pk == new.pk


def test_the_sweep_reminds_once_with_a_link_that_also_works(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    with clock.travel_to(clock.now() + timedelta(days=3, minutes=1)):
        assert surveys_sweep().reminded == 1
        assert surveys_sweep().reminded == 0
    survey = complaint.surveys.get()
    assert survey.status == SurveyStatus.REMINDED
    assert complaint.notices.filter(purpose="survey").count() == 2
    reminder = survey_token(complaint)
    assert reminder != survey_token(complaint, latest=False)
    assert survey_answer(token=reminder, answer=SATISFIED).status == SurveyStatus.ANSWERED


def test_the_sweep_marks_unanswered_surveys_expired(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    with clock.travel_to(clock.now() + timedelta(days=14, minutes=1)):
        first = surveys_sweep()
        second = surveys_sweep()
    assert (first.expired, second.expired) == (1, 0)
    survey = complaint.surveys.get()
    assert survey.status == SurveyStatus.EXPIRED
    statuses = [e.after["status"] for e in complaint.events.filter(kind=EventKind.SURVEY)]
    assert statuses.count("expired") == 1


def test_the_sweep_closes_only_complaints_past_the_deadline_without_an_answer(
    agent, handler, network_department
):
    unanswered = resolved_complaint(agent=agent, handler=handler)
    answered = resolved_complaint(agent=agent, handler=handler, phone="13900000001")
    survey_answer(token=survey_token(answered), answer=SATISFIED)
    with clock.travel_to(clock.now() + timedelta(days=2)):
        recent = resolved_complaint(agent=agent, handler=handler, phone="13900000002")
    with clock.travel_to(clock.now() + timedelta(days=6, hours=23)):
        assert surveys_sweep().closed == 0
    with clock.travel_to(clock.now() + timedelta(days=7, minutes=1)):
        assert surveys_sweep().closed == 1
        assert surveys_sweep().closed == 0
    for complaint in (unanswered, answered, recent):
        complaint.refresh_from_db()
    assert unanswered.status == Status.CLOSED
    assert answered.status == Status.RESOLVED
    assert recent.status == Status.RESOLVED
    closes = unanswered.events.filter(kind=EventKind.TRANSITION, after__action="close")
    assert closes.count() == 1
    close = closes.get()
    assert close.actor is None
    assert "not answered within 7 days" in close.note
    # Closing plans the follow-up visits.
    assert unanswered.follow_up_visits.count() == 2


def test_an_answer_after_the_automatic_closure_can_still_reopen(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    token = survey_token(complaint)
    with clock.travel_to(clock.now() + timedelta(days=8)):
        surveys_sweep()
        survey_answer(token=token, answer=NOT_SOLVED)
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    assert complaint.reopen_count == 1


def test_the_sweep_task_is_scheduled_and_reports_what_it_did(agent, handler):
    from complaintdesk.core.schedule import SCHEDULE
    from complaintdesk.surveys.tasks import surveys_sweep_task

    assert "complaintdesk.surveys.tasks.surveys_sweep_task" in {t.task_path for t in SCHEDULE}
    resolved_complaint(agent=agent, handler=handler)
    with clock.travel_to(clock.now() + timedelta(days=15)):
        assert surveys_sweep_task.call() == {"expired": 1, "reminded": 0, "closed": 1}
        assert surveys_sweep_task.call() == {"expired": 0, "reminded": 0, "closed": 0}
