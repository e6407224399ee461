"""Responsibility determination: review by another person, communication, finalisation,
accountability, rectification to done, the periodic listing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.services import complaint_add_note
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.handling.choices import ActionStatus, DeterminationStatus
from complaintdesk.handling.responsibility import (
    accountability_add,
    determination_communicate,
    determination_finalise,
    determination_propose,
    determination_review,
    determination_revise,
    rectification_add,
    rectification_update,
)
from complaintdesk.handling.selectors import determinations_for_period
from complaintdesk.handling.tests.support import handled_complaint

pytestmark = pytest.mark.django_db

FACTS = "装维人员未按约定时间上门,也未提前告知客户。"


def _propose(complaint, actor, **kwargs):
    values = {"party": "company", "reason": "staff_broke_rules", "facts": FACTS}
    values.update(kwargs)
    return determination_propose(complaint=complaint, actor=actor, **values)


def test_determination_goes_through_review_by_another_person_to_final(
    agent, handler, supervisor, second_supervisor
):
    complaint = handled_complaint(agent, handler)
    note = complaint_add_note(complaint=complaint, actor=handler, text="调取派单记录:无改约记录。")
    determination = _propose(
        complaint, handler, note_ids=[note.pk], staff_ids=[second_supervisor.pk]
    )
    assert determination.status == DeterminationStatus.IN_REVIEW
    assert list(determination.evidence_notes.all()) == [note]

    with pytest.raises(NotAllowed, match="other than its proposer"):
        determination_review(determination=determination, actor=handler, approve=True)
    with pytest.raises(InvalidInput, match="why"):
        determination_review(determination=determination, actor=supervisor, approve=False)

    sent_back = determination_review(
        determination=determination, actor=supervisor, approve=False, note="缺少客户通话录音。"
    )
    assert sent_back.status == DeterminationStatus.DRAFT
    revised = determination_revise(
        determination=sent_back,
        actor=supervisor,
        party="company",
        reason="company_failed_to_inform",
        facts=FACTS + "通话录音已调取。",
    )
    # The reviser is now the proposer: they cannot review their own revision either.
    with pytest.raises(NotAllowed):
        determination_review(determination=revised, actor=supervisor, approve=True)
    reviewed = determination_review(determination=revised, actor=handler, approve=True)
    assert (reviewed.status, reviewed.reviewed_by) == (DeterminationStatus.REVIEWED, handler)

    communicated = determination_communicate(
        determination=reviewed,
        actor=handler,
        communication="已向客户说明并致歉。",
        response="accepts",
        apologised=False,
    )
    with pytest.raises(InvalidInput, match="apology"):
        determination_finalise(determination=communicated, actor=handler)
    communicated = determination_communicate(
        determination=communicated,
        actor=handler,
        communication="再次致电致歉。",
        response="accepts",
        apologised=True,
    )
    with pytest.raises(InvalidInput, match="corrective or disciplinary"):
        determination_finalise(determination=communicated, actor=handler)
    accountability_add(
        determination=communicated,
        actor=supervisor,
        kind="staff",
        staff=second_supervisor,
        measure="disciplinary",
        note="未按规范改约。",
    )
    final = determination_finalise(determination=communicated, actor=handler)
    assert final.status == DeterminationStatus.FINAL
    steps = [e.after["step"] for e in complaint.events.filter(kind=EventKind.RESPONSIBILITY)]
    assert steps == [
        "proposed",
        "sent_back",
        "revised",
        "reviewed",
        "communicated",
        "communicated",
        "accountability",
        "final",
    ]


def test_customer_fault_needs_no_apology_to_be_final(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    d = _propose(complaint, handler, party="customer", reason="malicious")
    d = determination_review(determination=d, actor=supervisor, approve=True)
    d = determination_communicate(
        determination=d, actor=handler, communication="出示通话记录,说明情况。", response="disputes"
    )
    assert determination_finalise(determination=d, actor=handler).status == "final"


def test_reason_must_belong_to_the_party(agent, handler):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput, match="reason"):
        _propose(complaint, handler, party="customer", reason="service_defect")


def test_evidence_is_cited_from_this_complaint_only(agent, handler):
    complaint = handled_complaint(agent, handler)
    other = complaint_make(actor=agent, description="另一位客户:营业厅排队两个小时无人处理。")
    foreign = complaint_add_note(complaint=other, actor=agent, text="别的投诉的记录。")
    with pytest.raises(InvalidInput, match="notes written on this complaint"):
        _propose(complaint, handler, note_ids=[foreign.pk])


def test_one_determination_in_progress_at_a_time(agent, handler):
    complaint = handled_complaint(agent, handler)
    _propose(complaint, handler)
    with pytest.raises(Conflict):
        _propose(complaint, handler)


def test_handler_of_another_department_cannot_propose(agent, handler, other_department_handler):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(NotAllowed):
        _propose(complaint, other_department_handler)


def test_rectification_is_tracked_to_done_by_its_owner(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    d = _propose(complaint, handler)
    action = rectification_add(
        determination=d,
        actor=supervisor,
        description="装维班组改约流程培训",
        owner=handler,
        due_on=clock.now().date() + timedelta(days=14),
    )
    with pytest.raises(InvalidInput, match="past"):
        rectification_add(
            determination=d,
            actor=supervisor,
            description="x",
            owner=handler,
            due_on=clock.now().date() - timedelta(days=1),
        )
    with pytest.raises(NotAllowed):
        rectification_update(action=action, actor=agent, status="done", note="完成")
    action = rectification_update(action=action, actor=handler, status="in_progress")
    with pytest.raises(InvalidInput):
        rectification_update(action=action, actor=handler, status="done")
    action = rectification_update(
        action=action, actor=handler, status="done", note="已完成培训,12人参加。"
    )
    assert action.status == ActionStatus.DONE and action.done_at is not None
    with pytest.raises(Conflict):
        rectification_update(action=action, actor=handler, status="open")


def _final(complaint, handler, supervisor, **kwargs):
    d = _propose(complaint, handler, **kwargs)
    d = determination_review(determination=d, actor=supervisor, approve=True)
    d = determination_communicate(
        determination=d, actor=handler, communication="已说明。", response="accepts"
    )
    return determination_finalise(determination=d, actor=handler)


def test_determinations_are_listed_by_period_for_analysis(
    agent, handler, supervisor, other_department_handler
):
    start = clock.now() - timedelta(hours=1)
    first = handled_complaint(agent, handler)
    second = handled_complaint(agent, handler, description="客户称未开通的增值业务被扣费。")
    _final(first, handler, supervisor, party="misunderstanding", reason="explained")
    _final(second, handler, supervisor, party="customer", reason="against_agreement")
    _propose(handled_complaint(agent, handler, description="信号差,通话经常中断。"), handler)

    period = determinations_for_period(
        user=supervisor, date_from=start, date_to=clock.now() + timedelta(hours=1)
    )
    assert len(period.determinations) == 2
    assert period.by_party == {"misunderstanding": 1, "customer": 1}
    assert period.by_reason == {"explained": 1, "against_agreement": 1}
    later = determinations_for_period(
        user=supervisor,
        date_from=clock.now() + timedelta(hours=1),
        date_to=clock.now() + timedelta(days=1),
    )
    assert later.determinations == []
    not_theirs = determinations_for_period(
        user=other_department_handler, date_from=start, date_to=clock.now() + timedelta(hours=1)
    )
    assert not_theirs.determinations == []
