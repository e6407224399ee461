"""Follow-up visits: planned on closure, recorded by staff, "the problem came back" reopens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core import clock
from complaintdesk.surveys.choices import VisitKind, VisitStatus
from complaintdesk.surveys.selectors import visits_due
from complaintdesk.surveys.tests.helpers import resolved_complaint
from complaintdesk.surveys.visits import visit_record, visits_schedule

pytestmark = pytest.mark.django_db


def closed_complaint(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    return complaint_transition(complaint=complaint, action="close", actor=handler)


def test_closing_plans_visits_after_seven_and_thirty_days(agent, handler):
    complaint = closed_complaint(agent, handler)
    visits = list(complaint.follow_up_visits.order_by("due_at"))
    assert [v.offset_days for v in visits] == [7, 30]
    assert [v.due_at - complaint.closed_at for v in visits] == [timedelta(7), timedelta(30)]
    assert {v.kind for v in visits} == {VisitKind.SCHEDULED}
    assert complaint.events.filter(kind=EventKind.FOLLOW_UP).count() == 1
    assert visits_schedule(complaint=complaint) == []
    assert complaint.follow_up_visits.count() == 2


def test_the_offsets_are_configurable(agent, handler, settings):
    settings.FOLLOW_UP_DAYS = "3,14,90"
    complaint = closed_complaint(agent, handler)
    assert sorted(complaint.follow_up_visits.values_list("offset_days", flat=True)) == [3, 14, 90]


def test_visits_are_listed_when_due_for_those_who_see_the_complaint(
    agent, handler, other_department_handler
):
    complaint = closed_complaint(agent, handler)
    assert not visits_due(user=handler).exists()
    later = clock.now() + timedelta(days=7, minutes=1)
    assert [v.offset_days for v in visits_due(user=handler, at=later)] == [7]
    assert [v.offset_days for v in visits_due(user=agent, at=later)] == [7]
    assert not visits_due(user=other_department_handler, at=later).exists()
    assert complaint.department == handler.department


def test_the_problem_came_back_reopens_the_complaint(agent, handler):
    complaint = closed_complaint(agent, handler)
    visit = complaint.follow_up_visits.order_by("due_at").first()
    done = visit_record(
        visit=visit, actor=handler, reached=True, problem_returned=True, note="又断网"
    )
    assert (done.status, done.problem_returned, done.recorded_by) == ("done", True, handler)
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    assert complaint.reopen_count == 1
    reopen = complaint.events.filter(kind=EventKind.TRANSITION).order_by("-id").first()
    assert reopen.after["action"] == "reopen" and reopen.actor == handler
    assert "又断网" in reopen.note
    # The 30-day visit of that closure is cancelled; the next closure plans a new round.
    assert not visits_due(user=handler, at=clock.now() + timedelta(days=31)).exists()


def test_a_visit_where_the_problem_stayed_away_leaves_the_complaint_closed(agent, handler):
    complaint = closed_complaint(agent, handler)
    visit = complaint.follow_up_visits.first()
    visit_record(visit=visit, actor=handler, reached=True, problem_returned=False)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    with pytest.raises(Conflict):
        visit_record(visit=visit, actor=handler, reached=True, problem_returned=True)
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED


def test_an_outcome_needs_its_answers(agent, handler):
    visit = closed_complaint(agent, handler).follow_up_visits.first()
    with pytest.raises(InvalidInput) as refused:
        visit_record(visit=visit, actor=handler, reached=True)
    assert refused.value.field == "problem_returned"
    with pytest.raises(InvalidInput) as refused:
        visit_record(visit=visit, actor=handler, reached=False)
    assert refused.value.field == "note"
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_only_staff_who_see_the_complaint_record_visits(
    agent, handler, other_department_handler, analyst
):
    visit = closed_complaint(agent, handler).follow_up_visits.first()
    for outsider in (other_department_handler, analyst):
        with pytest.raises(NotAllowed):
            visit_record(visit=visit, actor=outsider, reached=True, problem_returned=False)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_closing_again_after_a_reopen_cancels_the_old_rounds_visits(agent, handler, supervisor):
    complaint = closed_complaint(agent, handler)
    complaint_transition(complaint=complaint, action="reopen", actor=supervisor, note="再次出现")
    complaint_transition(complaint=complaint, action="start", actor=handler)
    complaint_transition(complaint=complaint, action="resolve", actor=handler, note="已修复")
    complaint_transition(complaint=complaint, action="close", actor=handler)
    rounds = {(v.round, v.status) for v in complaint.follow_up_visits.all()}
    assert rounds == {(0, VisitStatus.CANCELLED), (1, VisitStatus.PLANNED)}
    assert complaint.follow_up_visits.filter(status=VisitStatus.PLANNED).count() == 2
