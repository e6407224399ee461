"""A complaint is resolved only when its handling plan is carried out and its compensation
settled: fulfilled, declined by the customer or withdrawn (SPEC §7, §8, §10)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.errors import Conflict
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.handling.plans import (
    execution_step_check,
    plan_approve,
    plan_create,
    plan_reject,
    plan_submit,
)
from complaintdesk.handling.tests.support import (
    budget_make,
    clause_make,
    handled_complaint,
    plan_content,
)
from complaintdesk.remedies.consent import compensation_offer, offer_record_consent
from complaintdesk.remedies.services import (
    compensation_approve,
    compensation_cancel,
    compensation_fulfil,
    compensation_propose,
)

pytestmark = pytest.mark.django_db

RESULT = "光猫已更换,网络恢复正常;断网期间月租已退还。"


def _resolve(complaint, actor):
    return complaint_transition(complaint=complaint, action="resolve", actor=actor, note=RESULT)


def _refused(complaint, actor, *open_things: str) -> None:
    status_before = complaint.status
    with pytest.raises(Conflict) as refused:
        _resolve(complaint, actor)
    for thing in open_things:
        assert thing in refused.value.message
    complaint.refresh_from_db()
    assert complaint.status == status_before
    assert complaint.resolved_at is None


def _approved_plan(complaint, handler, supervisor, amount: str | None = None):
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    if amount is not None:
        compensation_propose(
            complaint=complaint,
            actor=handler,
            form="service_credit",
            amount=Decimal(amount),
            policy_clause=clause_make(),
            plan=plan,
        )
    plan_submit(plan=plan, actor=handler)
    plan = plan_approve(plan=plan, actor=supervisor)
    complaint.refresh_from_db()
    return plan


def _check_off_all_steps(plan, handler) -> None:
    for step in plan.execution_steps.order_by("position"):
        execution_step_check(step=step, actor=handler, note=f"{step.title}:已完成。")


def test_a_complaint_with_a_draft_plan_is_not_resolved(agent, handler):
    complaint = handled_complaint(agent, handler)
    plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    _refused(complaint, handler, "v1", "draft")


def test_a_complaint_whose_plan_was_sent_back_is_not_resolved(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    plan_submit(plan=plan, actor=handler)
    plan_reject(plan=plan, actor=supervisor, reason="请写明上门时限。")
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    _refused(complaint, handler, "v1", "sent back")


def test_a_plan_is_resolved_only_when_its_execution_steps_are_done(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    plan = _approved_plan(complaint, handler, supervisor)
    assert complaint.status == Status.EXECUTING
    first = plan.execution_steps.order_by("position").first()
    execution_step_check(step=first, actor=handler, note="已预约周六上门。")
    _refused(complaint, handler, "更换光猫并测速")

    second = plan.execution_steps.exclude(pk=first.pk).get()
    execution_step_check(step=second, actor=handler, note="光猫已更换,测速正常。")
    assert _resolve(complaint, handler).status == Status.RESOLVED


def test_approved_compensation_must_be_fulfilled_before_the_result(
    agent, handler, supervisor, network_department
):
    # 79FQ-63F5-R: plan approved, steps open, compensation approved but never offered.
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    plan = _approved_plan(complaint, handler, supervisor, amount="100")
    _refused(complaint, handler, "更换光猫并测速", "100.00 CNY")
    _check_off_all_steps(plan, handler)

    item = plan.compensation_items.get()
    _refused(complaint, handler, "100.00 CNY", "Approved")
    offer, _link = compensation_offer(
        complaint=complaint, actor=handler, base_url="https://cd.example", send_notice=False
    )
    _refused(complaint, handler, "100.00 CNY", "Offered")
    offer_record_consent(
        offer=offer, actor=handler, decision="accepted", method="phone", note="电话确认。"
    )
    _refused(complaint, handler, "100.00 CNY", "Accepted")
    compensation_fulfil(item=item, actor=handler, reference="ADJ-2026-0058")
    assert _resolve(complaint, handler).status == Status.RESOLVED


def test_compensation_declined_by_the_customer_no_longer_holds_the_result(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    plan = _approved_plan(complaint, handler, supervisor, amount="100")
    _check_off_all_steps(plan, handler)
    offer, _link = compensation_offer(
        complaint=complaint, actor=handler, base_url="https://cd.example", send_notice=False
    )
    offer_record_consent(
        offer=offer, actor=handler, decision="declined", method="phone", note="客户不需要。"
    )
    assert _resolve(complaint, handler).status == Status.RESOLVED


def test_compensation_outside_a_plan_must_be_settled_or_withdrawn(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    item = compensation_propose(
        complaint=complaint,
        actor=handler,
        form="gift",
        amount=Decimal("58"),
        policy_clause=clause_make(),
    )
    _refused(complaint, handler, "58.00 CNY", "Proposed")
    compensation_approve(item=item, actor=supervisor)
    _refused(complaint, handler, "58.00 CNY", "Approved")
    compensation_cancel(item=item, actor=supervisor, reason="客户改为要求上门维修。")
    assert _resolve(complaint, handler).status == Status.RESOLVED


def test_a_first_contact_resolution_needs_no_plan(agent, handler):
    complaint = handled_complaint(agent, handler)
    assert _resolve(complaint, handler).status == Status.RESOLVED
