"""Reopening takes back the result, and with it the after-care that result set in motion: the
unanswered survey is withdrawn and the planned follow-up visits are cancelled, each with its
reason on the timeline. The next result and the next closure bring their own (SPEC §8, §11).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client

from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.surveys.choices import SurveyStatus, VisitKind, VisitStatus
from complaintdesk.surveys.models import Survey
from complaintdesk.surveys.services import SurveyClosed, survey_answer
from complaintdesk.surveys.tests.helpers import (
    DISSATISFIED,
    SATISFIED,
    resolved_complaint,
    survey_token,
)
from complaintdesk.surveys.visits import visit_plan_for_survey, visit_record

pytestmark = pytest.mark.django_db

ANSWER = {"overall": "5", "problem_solved": "yes"}


def closed_complaint(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    return complaint_transition(complaint=complaint, action="close", actor=handler)


def reopen(complaint, actor):
    return complaint_transition(
        complaint=complaint, action="reopen", actor=actor, note="客户来电:问题仍在。"
    )


def post_answer(token: str, data: dict[str, str]):
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/survey/{token}/")
    csrf = page.cookies["csrftoken"].value
    return client.post(f"/survey/{token}/", {**data, "csrfmiddlewaretoken": csrf})


def test_reopening_a_resolved_complaint_withdraws_its_unanswered_survey(agent, handler, supervisor):
    complaint = resolved_complaint(agent=agent, handler=handler)
    token = survey_token(complaint)
    reopen(complaint, supervisor)

    survey = complaint.surveys.get()
    assert survey.status == SurveyStatus.WITHDRAWN
    assert survey.withdrawn_at is not None
    with pytest.raises(SurveyClosed) as refused:
        survey_answer(token=token, answer=SATISFIED)
    assert refused.value.why == "withdrawn"
    assert "no longer open" in refused.value.message
    survey.refresh_from_db()
    assert (survey.status, survey.overall) == (SurveyStatus.WITHDRAWN, None)
    withdrawn = complaint.events.filter(kind=EventKind.SURVEY, after__status="withdrawn").get()
    assert "reopened" in withdrawn.note


def test_the_old_link_answers_that_the_survey_is_no_longer_open(agent, handler, supervisor):
    complaint = closed_complaint(agent, handler)
    token = survey_token(complaint)
    reopen(complaint, supervisor)

    page = Client().get(f"/survey/{token}/").content.decode()
    posted = post_answer(token, ANSWER)
    assert 'data-closed="withdrawn"' in page
    assert "不再" in page  # the customer's language: the survey is no longer open
    assert 'name="overall"' not in page
    assert posted.status_code == 409
    assert complaint.surveys.get().answered_at is None


def test_reopening_a_closed_complaint_cancels_its_planned_visits(agent, handler, supervisor):
    complaint = closed_complaint(agent, handler)
    assert complaint.follow_up_visits.filter(status=VisitStatus.PLANNED).count() == 2
    reopen(complaint, supervisor)

    visits = list(complaint.follow_up_visits.all())
    assert {v.status for v in visits} == {VisitStatus.CANCELLED}
    assert all(v.cancelled_at is not None for v in visits)
    cancelled = complaint.events.filter(kind=EventKind.FOLLOW_UP, after__status="cancelled").get()
    assert sorted(cancelled.after["visits"]) == sorted(v.pk for v in visits)
    assert cancelled.actor == supervisor
    assert "reopened" in cancelled.note


def test_the_next_result_and_closure_bring_a_new_survey_and_new_visits(agent, handler, supervisor):
    complaint = closed_complaint(agent, handler)
    first = survey_token(complaint)
    reopen(complaint, supervisor)
    complaint_transition(complaint=complaint, action="start", actor=handler)
    complaint_transition(complaint=complaint, action="resolve", actor=handler, note="已修复")
    complaint_transition(complaint=complaint, action="close", actor=handler)

    old, new = complaint.surveys.order_by("round")
    assert (old.status, new.status, new.round) == ("withdrawn", "sent", 1)
    with pytest.raises(SurveyClosed):
        survey_answer(token=first, answer=SATISFIED)
    assert survey_answer(token=survey_token(complaint), answer=SATISFIED).pk == new.pk
    rounds = sorted((v.round, v.status) for v in complaint.follow_up_visits.all())
    assert rounds == [(0, "cancelled"), (0, "cancelled"), (1, "planned"), (1, "planned")]


def test_a_dissatisfied_answer_after_closure_reopens_and_cancels_the_visits(agent, handler):
    complaint = closed_complaint(agent, handler)
    survey = survey_answer(token=survey_token(complaint), answer=DISSATISFIED)

    complaint.refresh_from_db()
    assert (complaint.status, survey.status) == (Status.REOPENED, SurveyStatus.ANSWERED)
    assert not complaint.follow_up_visits.filter(status=VisitStatus.PLANNED).exists()


def test_a_problem_that_came_back_cancels_the_later_visit(agent, handler):
    complaint = closed_complaint(agent, handler)
    week, month = complaint.follow_up_visits.order_by("due_at")
    visit_record(visit=week, actor=handler, reached=True, problem_returned=True, note="又断网")

    week.refresh_from_db()
    month.refresh_from_db()
    assert (week.status, month.status) == (VisitStatus.DONE, VisitStatus.CANCELLED)


def test_a_follow_up_task_for_a_dissatisfied_customer_is_kept(agent, handler, supervisor):
    # Not a visit "after closure": a person still has to call the unhappy customer.
    complaint = closed_complaint(agent, handler)
    survey = complaint.surveys.get()
    with transaction.atomic():
        task = visit_plan_for_survey(survey=survey, note="客户不满意")
    reopen(complaint, supervisor)
    task.refresh_from_db()
    assert (task.kind, task.status) == (VisitKind.SURVEY, VisitStatus.PLANNED)


def test_a_survey_left_open_by_an_earlier_reopen_cannot_be_answered(agent, handler, supervisor):
    # Complaints reopened before this rule kept their survey open; its link is refused too.
    complaint = resolved_complaint(agent=agent, handler=handler)
    token = survey_token(complaint)
    reopen(complaint, supervisor)
    Survey.objects.filter(complaint=complaint).update(status=SurveyStatus.SENT, withdrawn_at=None)

    with pytest.raises(SurveyClosed) as refused:
        survey_answer(token=token, answer=SATISFIED)
    assert refused.value.why == "withdrawn"
    page = Client().get(f"/survey/{token}/").content.decode()
    assert 'data-closed="withdrawn"' in page
    complaint.refresh_from_db()
    assert (complaint.status, complaint.surveys.get().answered_at) == (Status.REOPENED, None)
