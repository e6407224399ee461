"""Who may write, withdraw and decide a complaint's handling plan, and whom it may name as
responsible: the handler assigned and the department's supervisors write it, its author or a
supervisor withdraws a draft or a plan sent back, and approvers and responsible people come
from the complaint's department or stand above it (a complaints manager, an administrator)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core.testing.factories import user_make
from complaintdesk.handling.choices import AuthorityLevel, PlanStatus
from complaintdesk.handling.models import ApprovalAuthority
from complaintdesk.handling.plans import (
    execution_step_check,
    plan_approve,
    plan_create,
    plan_reject,
    plan_revise,
    plan_submit,
    plan_update,
    plan_withdraw,
)
from complaintdesk.handling.tests.support import clause_make, handled_complaint, plan_content
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.services import compensation_propose

pytestmark = pytest.mark.django_db

RESULT = "光猫已更换,网络恢复正常。"


@pytest.fixture
def billing_supervisor(billing_department):
    return user_make(Role.SUPERVISOR, department=billing_department, username="billing-sup")


@pytest.fixture
def complaints_manager(billing_department):
    # A supervisor of another department holding manager authority stands above departments.
    manager = user_make(Role.SUPERVISOR, department=billing_department, username="manager")
    ApprovalAuthority.objects.create(user=manager, level=AuthorityLevel.MANAGER)
    return manager


def _sent_back(complaint, handler, supervisor):
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    plan_submit(plan=plan, actor=handler)
    return plan_reject(plan=plan, actor=supervisor, reason="减免金额应按故障天数折算。")


def _resolve(complaint, actor):
    return complaint_transition(complaint=complaint, action="resolve", actor=actor, note=RESULT)


# Withdrawing ------------------------------------------------------------------------------


def test_a_plan_sent_back_and_withdrawn_no_longer_blocks_resolving(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    plan = _sent_back(complaint, handler, supervisor)
    complaint.refresh_from_db()
    with pytest.raises(Conflict, match="sent back"):
        _resolve(complaint, handler)

    withdrawn = plan_withdraw(plan=plan, actor=handler, reason="客户已自行解决,无需方案。")
    assert withdrawn.status == PlanStatus.WITHDRAWN
    assert (withdrawn.withdrawn_by, withdrawn.withdrawal_reason) == (
        handler,
        "客户已自行解决,无需方案。",
    )
    event = complaint.events.filter(kind=EventKind.PLAN).latest("id")
    assert event.after["step"] == "withdrawn"
    assert event.note == "客户已自行解决,无需方案。"
    assert _resolve(complaint, handler).status == Status.RESOLVED


def test_a_withdrawn_revision_takes_the_version_it_revised_with_it(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    rejected = _sent_back(complaint, handler, supervisor)
    revision = plan_revise(plan=rejected, actor=handler, content=plan_content(handler))
    with pytest.raises(Conflict, match="withdraw the new version"):
        plan_withdraw(plan=rejected, actor=handler, reason="不再需要。")
    plan_withdraw(plan=revision, actor=supervisor, reason="不再需要。")
    complaint.refresh_from_db()
    assert _resolve(complaint, handler).status == Status.RESOLVED


def test_a_withdrawn_draft_takes_its_proposed_compensation_with_it(agent, handler):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    item = compensation_propose(
        complaint=complaint,
        actor=handler,
        form="service_credit",
        amount=Decimal("50"),
        policy_clause=clause_make(),
        plan=plan,
    )
    plan_withdraw(plan=plan, actor=handler, reason="改为首问解决。")
    item.refresh_from_db()
    assert item.status == ItemStatus.CANCELLED
    complaint.refresh_from_db()
    assert _resolve(complaint, handler).status == Status.RESOLVED


def test_a_new_plan_may_be_drafted_after_a_withdrawal(agent, handler):
    complaint = handled_complaint(agent, handler)
    first = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    plan_withdraw(plan=first, actor=handler, reason="方案写错了。")
    second = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    assert (second.version, second.status) == (2, PlanStatus.DRAFT)
    complaint.refresh_from_db()
    with pytest.raises(Conflict, match="v2 is a draft"):
        _resolve(complaint, handler)


def test_a_withdrawn_plan_after_an_approved_one_leaves_the_approved_one_in_force(
    agent, handler, supervisor
):
    complaint = handled_complaint(agent, handler)
    approved = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    plan_submit(plan=approved, actor=handler)
    plan_approve(plan=approved, actor=supervisor)
    for step in approved.execution_steps.all():
        execution_step_check(step=step, actor=handler, note="已完成。")
    complaint.refresh_from_db()
    _resolve(complaint, handler)
    complaint_transition(complaint=complaint, action="reopen", actor=agent, note="客户说又断了。")
    complaint_transition(complaint=complaint, action="start", actor=handler)
    extra = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    complaint.refresh_from_db()
    with pytest.raises(Conflict, match="v2 is a draft"):
        _resolve(complaint, handler)
    plan_withdraw(plan=extra, actor=handler, reason="原方案已足够。")
    assert _resolve(complaint, handler).status == Status.RESOLVED


def test_withdrawing_needs_a_reason_and_the_author_or_a_supervisor_of_the_department(
    agent, handler, supervisor, billing_supervisor
):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    with pytest.raises(InvalidInput) as refused:
        plan_withdraw(plan=plan, actor=handler, reason="  ")
    assert refused.value.field == "reason"
    for outsider in (agent, billing_supervisor):
        with pytest.raises(NotAllowed, match="author or a supervisor"):
            plan_withdraw(plan=plan, actor=outsider, reason="不需要。")
    assert plan_withdraw(plan=plan, actor=supervisor, reason="不需要。").status == (
        PlanStatus.WITHDRAWN
    )


def test_a_submitted_or_approved_plan_cannot_be_withdrawn(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    plan_submit(plan=plan, actor=handler)
    with pytest.raises(Conflict, match="cannot be withdrawn"):
        plan_withdraw(plan=plan, actor=handler, reason="不需要。")
    plan_approve(plan=plan, actor=supervisor)
    with pytest.raises(Conflict, match="cannot be withdrawn"):
        plan_withdraw(plan=plan, actor=supervisor, reason="不需要。")


# Writing ----------------------------------------------------------------------------------


def test_an_intake_agent_cannot_draft_a_plan_for_a_complaint_they_do_not_handle(agent, handler):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(NotAllowed, match="person handling this complaint"):
        plan_create(complaint=complaint, actor=agent, content=plan_content(handler))
    assert not complaint.handling_plans.exists()


def test_a_colleague_of_the_handler_cannot_draft_or_revise_their_plan(
    agent, handler, supervisor, network_department
):
    colleague = user_make(Role.HANDLER, department=network_department, username="colleague")
    complaint = handled_complaint(agent, handler)
    with pytest.raises(NotAllowed, match="person handling this complaint"):
        plan_create(complaint=complaint, actor=colleague, content=plan_content(handler))
    plan = _sent_back(complaint, handler, supervisor)
    with pytest.raises(NotAllowed, match="person handling this complaint"):
        plan_revise(plan=plan, actor=colleague, content=plan_content(handler))


def test_a_supervisor_of_another_department_cannot_draft_the_plan(
    agent, handler, billing_supervisor
):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(NotAllowed, match="supervisor of its department"):
        plan_create(complaint=complaint, actor=billing_supervisor, content=plan_content(handler))


def test_the_handler_a_supervisor_of_the_department_and_an_agent_assigned_draft_plans(
    agent, handler, supervisor, administrator
):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=supervisor, content=plan_content(handler))
    plan_update(plan=plan, actor=handler, content=plan_content(handler))
    plan_withdraw(plan=plan, actor=administrator, reason="重写。")

    own = handled_complaint(agent, agent)  # an intake agent solving it themselves
    assert plan_create(complaint=own, actor=agent, content=plan_content(handler)).version == 1


# Deciding and the responsible person -------------------------------------------------------


def test_a_supervisor_of_another_department_cannot_approve_or_send_back(
    agent, handler, billing_supervisor
):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    plan_submit(plan=plan, actor=handler)
    with pytest.raises(NotAllowed, match="decided by that department's supervisors"):
        plan_approve(plan=plan, actor=billing_supervisor)
    with pytest.raises(NotAllowed, match="decided by that department's supervisors"):
        plan_reject(plan=plan, actor=billing_supervisor, reason="不行。")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


@pytest.mark.parametrize("approver", ["complaints_manager", "administrator"])
def test_a_complaints_manager_or_an_administrator_approves_any_departments_plan(
    agent, handler, approver, request
):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    plan_submit(plan=plan, actor=handler)
    approved = plan_approve(plan=plan, actor=request.getfixturevalue(approver))
    assert approved.status == PlanStatus.APPROVED


def test_the_responsible_person_comes_from_the_complaints_department(
    agent, handler, other_department_handler, complaints_manager
):
    complaint = handled_complaint(agent, handler)
    outsider = plan_content(handler, responsible_person=other_department_handler)
    with pytest.raises(InvalidInput, match="billing-handler is not in") as refused:
        plan_create(complaint=complaint, actor=handler, content=outsider)
    assert refused.value.field == "responsible_person"
    plan = plan_create(
        complaint=complaint,
        actor=handler,
        content=plan_content(handler, responsible_person=complaints_manager),
    )
    with pytest.raises(InvalidInput, match="responsible person"):
        plan_update(plan=plan, actor=handler, content=outsider)
