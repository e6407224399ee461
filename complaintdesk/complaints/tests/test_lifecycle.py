"""The transition table: every action from every status, allowed or refused, and its guards."""

from __future__ import annotations

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.choices import EventKind, Status, Visibility
from complaintdesk.complaints.errors import (
    Conflict,
    InvalidInput,
    NotAllowed,
    TransitionNotAllowed,
)
from complaintdesk.complaints.lifecycle import (
    PLAN_RECORD_ACTIONS,
    TRANSITIONS,
    TRANSITIONS_BY_ACTION,
    allowed_actions,
    complaint_transition,
)
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make, user_make
from complaintdesk.surveys.rejection import rejection_propose

pytestmark = pytest.mark.django_db

# What a successful run of each action needs besides the status.
NOTES = {
    "request_info": "请提供近三个月的账单截图。",
    "resolve": "已更换光猫,网络恢复正常,并减免当月月租。",
    "reopen": "客户反映问题再次出现。",
    "reject": "客户所述事实与系统记录不符,系恶意投诉。",
}
EXPECTED_TARGET = {t.action: t.target for t in TRANSITIONS}


def _put_in_status(complaint: Complaint, status: str, assignee=None) -> Complaint:
    # Test set-up only: real code moves status through complaint_transition.
    Complaint.objects.filter(pk=complaint.pk).update(
        status=status, assignee=assignee, status_before_pause=Status.IN_PROGRESS
    )
    complaint.refresh_from_db()
    return complaint


def _propose_rejection(complaint: Complaint, proposer, reason: str) -> None:
    rejection_propose(complaint=complaint, actor=proposer, reason=reason, note=NOTES["reject"])


def _params(action: str, handler, other_complaint) -> dict:
    if action == "assign":
        return {"assignee": handler}
    if action == "reject":
        return {"reason": "malicious"}
    if action == "merge":
        return {"into": other_complaint}
    return {}


# The plan actions follow a plan record (handling/tests/test_plans.py walks them).
@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize(
    "action", [a for a in TRANSITIONS_BY_ACTION if a not in PLAN_RECORD_ACTIONS]
)
def test_every_action_from_every_status(
    status, action, agent, handler, supervisor, second_supervisor
):
    complaint = _put_in_status(complaint_make(actor=agent), status, assignee=handler)
    other = complaint_make(actor=agent, description="另一位客户的手机信号问题,小区里打不了电话。")
    transition = TRANSITIONS_BY_ACTION[action]
    if action == "close" and status == Status.RESOLVED:
        # Closing needs a notified result on the timeline; give it one.
        _put_in_status(complaint, Status.IN_PROGRESS, assignee=handler)
        complaint_transition(
            complaint=complaint, action="resolve", actor=supervisor, note=NOTES["resolve"]
        )
    if action == "reject" and status in transition.sources:
        # A rejection confirms another supervisor's proposal.
        _propose_rejection(complaint, second_supervisor, "malicious")
    call = {
        "complaint": complaint,
        "action": action,
        "actor": supervisor,
        "note": NOTES.get(action, ""),
        "params": _params(action, handler, other),
    }
    if status in transition.sources:
        result = complaint_transition(**call)
        expected = EXPECTED_TARGET[action] or Status.IN_PROGRESS
        assert result.status == expected
        # The customer's notice, a survey or planned follow-up visits may follow the change.
        last = result.events.filter(kind=EventKind.TRANSITION).order_by("-id").first()
        assert (last.kind, last.from_status, last.to_status) == (
            EventKind.TRANSITION,
            status,
            expected,
        )
        assert last.after["action"] == action
    else:
        events_before = complaint.events.count()
        with pytest.raises(TransitionNotAllowed) as refused:
            complaint_transition(**call)
        complaint.refresh_from_db()
        assert complaint.status == status
        assert complaint.events.count() == events_before
        assert refused.value.allowed_actions == allowed_actions(complaint, supervisor)
        assert action not in refused.value.allowed_actions


def test_unknown_action_is_refused_with_the_known_ones(agent):
    complaint = complaint_make(actor=agent)
    with pytest.raises(InvalidInput, match="Unknown action fly"):
        complaint_transition(complaint=complaint, action="fly", actor=agent)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.ANALYST])
def test_read_only_roles_cannot_act(role, agent):
    complaint = complaint_make(actor=agent)
    reader = user_make(role)
    assert allowed_actions(complaint, reader) == []
    with pytest.raises(NotAllowed):
        complaint_transition(
            complaint=complaint, action="assign", actor=reader, params={"assignee": agent}
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", sorted(PLAN_RECORD_ACTIONS))
def test_a_bare_plan_action_is_refused_from_every_status(
    status, action, agent, handler, second_supervisor
):
    # Without a plan record the approval chain, authority matrix and budget never run.
    complaint = _put_in_status(complaint_make(actor=agent), status, assignee=handler)
    events_before = complaint.events.count()
    with pytest.raises(Conflict, match="plan record") as refused:
        complaint_transition(
            complaint=complaint, action=action, actor=second_supervisor, note="退还58元。"
        )
    assert not isinstance(refused.value, TransitionNotAllowed)
    complaint.refresh_from_db()
    assert complaint.status == status
    assert complaint.events.count() == events_before


@pytest.mark.parametrize("status", Status.values)
def test_nobody_is_offered_a_bare_plan_action(status, agent, handler, supervisor):
    complaint = _put_in_status(complaint_make(actor=agent), status, assignee=handler)
    for actor in (agent, handler, supervisor):
        assert not set(allowed_actions(complaint, actor)) & set(PLAN_RECORD_ACTIONS)


@pytest.mark.parametrize("action", ["request_info", "resolve", "reopen", "reject"])
def test_actions_that_need_a_note_refuse_an_empty_one(action, agent, handler, supervisor):
    source = sorted(TRANSITIONS_BY_ACTION[action].sources)[0]
    complaint = _put_in_status(complaint_make(actor=agent), source, handler)
    params = {"reason": "invalid"} if action == "reject" else {}
    with pytest.raises(InvalidInput) as refused:
        complaint_transition(
            complaint=complaint, action=action, actor=supervisor, note="   ", params=params
        )
    assert refused.value.field == "note"


def test_reject_needs_a_known_reason(agent, supervisor, second_supervisor):
    complaint = complaint_make(actor=agent)
    with pytest.raises(InvalidInput) as refused:
        complaint_transition(
            complaint=complaint, action="reject", actor=supervisor, note="无效", params={}
        )
    assert refused.value.field == "reason"
    _propose_rejection(complaint, second_supervisor, "invalid")
    done = complaint_transition(
        complaint=complaint,
        action="reject",
        actor=supervisor,
        note="客户已撤回,非投诉事项。",
        params={"reason": "invalid"},
    )
    assert done.rejection_reason == "invalid"


def test_handler_cannot_reject(agent, handler):
    complaint = complaint_make(actor=agent)
    with pytest.raises(NotAllowed):
        complaint_transition(
            complaint=complaint,
            action="reject",
            actor=handler,
            note="恶意投诉",
            params={"reason": "malicious"},
        )


def test_assign_needs_an_assignee_and_moves_the_department(agent, handler):
    complaint = complaint_make(actor=agent)
    with pytest.raises(InvalidInput) as refused:
        complaint_transition(complaint=complaint, action="assign", actor=agent)
    assert refused.value.field == "assignee"
    assigned = complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    assert assigned.assignee == handler
    assert assigned.department == handler.department


def test_handler_assigns_only_within_their_department(agent, handler, other_department_handler):
    complaint = complaint_make(actor=agent)
    with pytest.raises(NotAllowed):
        complaint_transition(
            complaint=complaint,
            action="assign",
            actor=handler,
            params={"assignee": other_department_handler},
        )


def test_analyst_cannot_be_assigned(agent, analyst):
    complaint = complaint_make(actor=agent)
    with pytest.raises(InvalidInput):
        complaint_transition(
            complaint=complaint, action="assign", actor=agent, params={"assignee": analyst}
        )


def test_awaiting_information_returns_to_where_it_was(agent, handler):
    complaint = _put_in_status(complaint_make(actor=agent), Status.EXECUTING, handler)
    paused = complaint_transition(
        complaint=complaint, action="request_info", actor=handler, note=NOTES["request_info"]
    )
    assert paused.status == Status.AWAITING_INFO
    assert paused.sla_paused_at is not None
    resumed = complaint_transition(complaint=paused, action="receive_info", actor=handler)
    assert resumed.status == Status.EXECUTING
    assert resumed.sla_paused_at is None


def test_close_needs_a_notified_result(agent, supervisor):
    complaint = _put_in_status(complaint_make(actor=agent), Status.RESOLVED)
    with pytest.raises(InvalidInput, match="result"):
        complaint_transition(complaint=complaint, action="close", actor=supervisor)


def test_reopen_counts_and_clears_the_resolution(agent, handler, supervisor):
    complaint = _put_in_status(complaint_make(actor=agent), Status.IN_PROGRESS, handler)
    complaint_transition(complaint=complaint, action="resolve", actor=handler, note="已处理")
    reopened = complaint_transition(
        complaint=complaint, action="reopen", actor=supervisor, note=NOTES["reopen"]
    )
    assert reopened.reopen_count == 1
    assert reopened.resolved_at is None
    again = complaint_transition(complaint=reopened, action="start", actor=handler)
    assert again.status == Status.IN_PROGRESS


def test_result_and_acknowledgement_are_customer_visible(agent, handler):
    complaint = _put_in_status(complaint_make(actor=agent), Status.IN_PROGRESS, handler)
    complaint_transition(complaint=complaint, action="resolve", actor=handler, note="已退费")
    visible = complaint.events.filter(visibility=Visibility.CUSTOMER).values_list(
        "to_status", flat=True
    )
    assert Status.REGISTERED in visible
    assert Status.RESOLVED in visible


def test_merge_refuses_itself_and_finished_targets(agent, supervisor):
    complaint = complaint_make(actor=agent)
    with pytest.raises(InvalidInput):
        complaint_transition(
            complaint=complaint, action="merge", actor=agent, params={"into": complaint}
        )
    closed = _put_in_status(complaint_make(actor=agent, phone="13900001111"), Status.CLOSED)
    with pytest.raises(InvalidInput, match="open complaint"):
        complaint_transition(
            complaint=complaint, action="merge", actor=agent, params={"into": closed}
        )
    target = complaint_make(actor=agent, phone="13900002222")
    merged = complaint_transition(
        complaint=complaint, action="merge", actor=agent, params={"into": target}
    )
    assert merged.status == Status.MERGED
    assert merged.merged_into == target


def test_events_cannot_be_changed_or_deleted(agent):
    complaint = complaint_make(actor=agent)
    event = complaint.events.first()
    event.note = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        complaint.events.update(note="rewritten")
    with pytest.raises(TypeError):
        complaint.events.all().delete()


def test_reject_needs_a_proposal_confirmed_by_someone_else(agent, supervisor, second_supervisor):
    complaint = complaint_make(actor=agent)
    reject = {"action": "reject", "note": NOTES["reject"], "params": {"reason": "malicious"}}
    with pytest.raises(InvalidInput, match="proposed"):
        complaint_transition(complaint=complaint, actor=supervisor, **reject)
    _propose_rejection(complaint, supervisor, "malicious")
    with pytest.raises(NotAllowed, match="someone other"):
        complaint_transition(complaint=complaint, actor=supervisor, **reject)
    with pytest.raises(InvalidInput, match="same reason"):
        complaint_transition(
            complaint=complaint,
            actor=second_supervisor,
            **{**reject, "params": {"reason": "invalid"}},
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED
    rejected = complaint_transition(complaint=complaint, actor=second_supervisor, **reject)
    assert rejected.status == Status.REJECTED
    review = rejected.rejection_reviews.get()
    assert (review.status, review.reviewed_by) == ("confirmed", second_supervisor)
    event = rejected.events.filter(kind=EventKind.TRANSITION).order_by("-id").first()
    assert event.after["review"] == review.pk


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.EXECUTING])
def test_an_intake_agent_cannot_resolve_a_complaint_someone_else_handles(status, agent, handler):
    complaint = _put_in_status(complaint_make(actor=agent), status, assignee=handler)
    assert "resolve" not in allowed_actions(complaint, agent)
    with pytest.raises(NotAllowed, match="handler handles this complaint"):
        complaint_transition(
            complaint=complaint, action="resolve", actor=agent, note=NOTES["resolve"]
        )
    complaint.refresh_from_db()
    assert complaint.status == status


def test_an_intake_agent_cannot_close_a_complaint_someone_else_handles(agent, handler):
    complaint = _put_in_status(complaint_make(actor=agent), Status.IN_PROGRESS, handler)
    complaint_transition(complaint=complaint, action="resolve", actor=handler, note="已处理")
    complaint.refresh_from_db()
    assert "close" not in allowed_actions(complaint, agent)
    with pytest.raises(NotAllowed, match="handler handles this complaint"):
        complaint_transition(complaint=complaint, action="close", actor=agent)
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_an_intake_agent_resolves_and_closes_at_first_contact_what_they_handle(agent):
    complaint = _put_in_status(complaint_make(actor=agent), Status.IN_PROGRESS, agent)
    assert "resolve" in allowed_actions(complaint, agent)
    resolved = complaint_transition(
        complaint=complaint, action="resolve", actor=agent, note="已当场解释资费并退还差额。"
    )
    assert "close" in allowed_actions(resolved, agent)
    closed = complaint_transition(complaint=resolved, action="close", actor=agent)
    assert closed.status == Status.CLOSED


def test_a_handler_cannot_resolve_or_close_a_colleagues_complaint(agent, handler, supervisor):
    # QA: ma.xiulan resolved hu.yutong's complaint with a two-word note sent as the result.
    colleague = user_make(Role.HANDLER, department=handler.department, username="hu.yutong")
    complaint = _put_in_status(complaint_make(actor=agent), Status.IN_PROGRESS, colleague)
    assert "resolve" not in allowed_actions(complaint, handler)
    with pytest.raises(NotAllowed, match=r"hu\.yutong handles this complaint: only they, a sup"):
        complaint_transition(complaint=complaint, action="resolve", actor=handler, note="已处理")
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert not complaint.notices.filter(purpose="result").exists()
    resolved = complaint_transition(
        complaint=complaint, action="resolve", actor=colleague, note=NOTES["resolve"]
    )
    assert "close" not in allowed_actions(resolved, handler)
    with pytest.raises(NotAllowed, match=r"may not close this complaint\. hu\.yutong handles"):
        complaint_transition(complaint=resolved, action="close", actor=handler)
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_a_handler_cannot_ask_the_customer_of_a_colleagues_complaint_for_information(
    agent, handler
):
    # QA: a colleague's information request e-mailed the customer and paused the clock.
    colleague = user_make(Role.HANDLER, department=handler.department, username="hu.yutong")
    complaint = _put_in_status(complaint_make(actor=agent), Status.IN_PROGRESS, colleague)
    assert "request_info" not in allowed_actions(complaint, handler)
    with pytest.raises(NotAllowed, match=r"may not ask this complaint's customer"):
        complaint_transition(
            complaint=complaint, action="request_info", actor=handler, note="请提供账单截图"
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert not complaint.notices.filter(purpose="info_needed").exists()
    paused = complaint_transition(
        complaint=complaint, action="request_info", actor=colleague, note="请提供账单截图"
    )
    assert paused.status == Status.AWAITING_INFO
    assert paused.notices.filter(purpose="info_needed").exists()


def test_supervisors_and_administrators_resolve_and_close_any_complaint(
    agent, handler, supervisor, administrator
):
    complaint = _put_in_status(complaint_make(actor=agent), Status.IN_PROGRESS, handler)
    assert "resolve" in allowed_actions(complaint, supervisor)
    resolved = complaint_transition(
        complaint=complaint, action="resolve", actor=supervisor, note=NOTES["resolve"]
    )
    closed = complaint_transition(complaint=resolved, action="close", actor=administrator)
    assert closed.status == Status.CLOSED


def test_every_action_for_whoever_handles_the_complaint_has_its_refusal():
    from complaintdesk.complaints.lifecycle import HANDLER_ONLY_REFUSALS

    assert {t.action for t in TRANSITIONS if t.handler_only} == set(HANDLER_ONLY_REFUSALS)
