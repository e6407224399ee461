"""Handling plans: the approval chain from the authority rules, own-plan and limit refusals,
rejection → revision → approval, budgets checked at the last approval, execution steps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.handling.choices import AuthorityLevel, Decision, PlanStatus
from complaintdesk.handling.models import ApprovalAuthority, AuthorityRule
from complaintdesk.handling.plans import (
    execution_step_check,
    plan_approve,
    plan_create,
    plan_reject,
    plan_revise,
    plan_submit,
)
from complaintdesk.handling.tests.support import (
    budget_make,
    clause_make,
    handled_complaint,
    make_major,
    plan_content,
)
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.services import compensation_propose

pytestmark = pytest.mark.django_db


def _plan_with_compensation(complaint, handler, amount: str | None = None):
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
    return plan


def _levels(plan) -> list[int]:
    return list(plan.approval_steps.values_list("level", flat=True))


def test_plan_sent_back_is_revised_as_a_new_version_and_approved(
    agent, handler, supervisor, second_supervisor
):
    complaint = handled_complaint(agent, handler)
    plan = _plan_with_compensation(complaint, handler)
    plan = plan_submit(plan=plan, actor=handler)
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert _levels(plan) == [AuthorityLevel.SUPERVISOR]

    with pytest.raises(InvalidInput):
        plan_reject(plan=plan, actor=supervisor, reason="  ")
    rejected = plan_reject(plan=plan, actor=supervisor, reason="减免金额应按故障天数折算。")
    complaint.refresh_from_db()
    assert (rejected.status, complaint.status) == (PlanStatus.REJECTED, Status.IN_PROGRESS)
    with pytest.raises(Conflict, match="revise"):
        plan_create(complaint=complaint, actor=handler, content=plan_content(handler))

    v2 = plan_revise(
        plan=rejected,
        actor=handler,
        content=plan_content(handler, measures="上门更换光猫,按故障3天折算减免。", steps=None),
    )
    assert (v2.version, v2.previous, v2.status) == (2, rejected, PlanStatus.DRAFT)
    assert list(v2.execution_steps.values_list("title", flat=True)) == [
        "预约上门时间",
        "更换光猫并测速",
    ]
    with pytest.raises(Conflict, match="already been revised"):
        plan_revise(plan=rejected, actor=handler, content=plan_content(handler))
    plan_submit(plan=v2, actor=handler)
    approved = plan_approve(plan=v2, actor=second_supervisor, note="同意。")
    complaint.refresh_from_db()
    assert (approved.status, complaint.status) == (PlanStatus.APPROVED, Status.EXECUTING)
    rejected.refresh_from_db()
    assert rejected.status == PlanStatus.REJECTED  # the old version stays as it was

    actions = [
        e.after["action"] for e in complaint.events.filter(kind=EventKind.TRANSITION).order_by("id")
    ]
    assert actions[-4:] == ["submit_plan", "reject_plan", "submit_plan", "approve_plan"]
    plan_steps = [e.after["step"] for e in complaint.events.filter(kind=EventKind.PLAN)]
    assert plan_steps == [
        "drafted",
        "submitted",
        "rejected",
        "revised",
        "submitted",
        "step_approved",
        "approved",
    ]


def test_an_agent_cannot_approve_their_own_plan(agent, handler):
    complaint = handled_complaint(agent, agent)  # an agent writes plans of their own only
    plan = plan_create(complaint=complaint, actor=agent, content=plan_content(handler))
    plan = plan_submit(plan=plan, actor=agent)
    with pytest.raises(NotAllowed, match="your own plan"):
        plan_approve(plan=plan, actor=agent)


def test_a_supervisor_cannot_approve_their_own_plan(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=supervisor, content=plan_content(handler))
    plan = plan_submit(plan=plan, actor=supervisor)
    with pytest.raises(NotAllowed, match="your own plan"):
        plan_approve(plan=plan, actor=supervisor)


def test_a_person_without_authority_cannot_approve(agent, handler, other_department_handler):
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler), actor=handler)
    with pytest.raises(NotAllowed, match="Supervisor"):
        plan_approve(plan=plan, actor=agent)


@pytest.mark.parametrize(
    ("amount", "major", "levels"),
    [
        (None, False, [AuthorityLevel.SUPERVISOR]),
        ("500.00", False, [AuthorityLevel.SUPERVISOR]),
        ("600.00", False, [AuthorityLevel.SUPERVISOR]),
        ("6000.00", False, [AuthorityLevel.SUPERVISOR, AuthorityLevel.MANAGER]),
        (None, True, [AuthorityLevel.MANAGER]),
        ("600.00", True, [AuthorityLevel.SUPERVISOR, AuthorityLevel.MANAGER]),
    ],
)
def test_the_approval_chain_follows_the_authority_rules(agent, handler, amount, major, levels):
    complaint = handled_complaint(agent, handler)
    if major:
        complaint = make_major(complaint)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler, amount), actor=handler)
    assert _levels(plan) == levels


def test_the_authority_rules_are_configuration(agent, handler):
    AuthorityRule.objects.filter(required_level=AuthorityLevel.MANAGER).update(is_active=False)
    complaint = make_major(handled_complaint(agent, handler))
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler, "9000"), actor=handler)
    assert _levels(plan) == [AuthorityLevel.SUPERVISOR]


def test_a_manager_step_needs_a_manager_and_each_step_a_different_approver(
    agent, handler, supervisor, second_supervisor, network_department
):
    budget_make(network_department, "10000")
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler, "6000"), actor=handler)
    ApprovalAuthority.objects.create(user=second_supervisor, level=AuthorityLevel.MANAGER)

    plan_approve(plan=plan, actor=supervisor)  # the supervisor step
    with pytest.raises(NotAllowed, match="Manager"):
        plan_approve(plan=plan, actor=supervisor)
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL

    plan = plan_approve(plan=plan, actor=second_supervisor)
    assert plan.status == PlanStatus.APPROVED
    assert [s.approver for s in plan.approval_steps.all()] == [supervisor, second_supervisor]
    assert plan.compensation_items.get().status == ItemStatus.APPROVED


def test_the_same_manager_cannot_sign_two_steps(
    agent, handler, second_supervisor, network_department
):
    budget_make(network_department, "10000")
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler, "6000"), actor=handler)
    ApprovalAuthority.objects.create(user=second_supervisor, level=AuthorityLevel.MANAGER)
    plan_approve(plan=plan, actor=second_supervisor)
    with pytest.raises(NotAllowed, match="different approver"):
        plan_approve(plan=plan, actor=second_supervisor)


def test_an_approver_cannot_exceed_their_limit(agent, handler, supervisor, network_department):
    budget_make(network_department, "10000")
    ApprovalAuthority.objects.create(
        user=supervisor, level=AuthorityLevel.SUPERVISOR, limit=Decimal("1000")
    )
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler, "1500"), actor=handler)
    with pytest.raises(NotAllowed, match=r"1,500.00 CNY, beyond your approval limit of 1,000.00"):
        plan_approve(plan=plan, actor=supervisor)
    plan.refresh_from_db()
    assert plan.approval_steps.get().decision == Decision.PENDING


def test_approval_is_refused_whole_when_the_budget_would_be_overdrawn(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler, "1500"), actor=handler)
    with pytest.raises(Conflict) as refused:
        plan_approve(plan=plan, actor=supervisor)
    assert "Network operations" in refused.value.message
    assert "1,000.00 CNY left, 1,500.00 CNY asked" in refused.value.message
    plan.refresh_from_db()
    complaint.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.approval_steps.get().decision == Decision.PENDING
    assert complaint.status == Status.AWAITING_APPROVAL
    assert plan.compensation_items.get().status == ItemStatus.PROPOSED


def test_steps_are_checked_off_and_progress_can_be_sent_to_the_customer(
    agent, handler, supervisor, monkeypatch
):
    sent: list[dict] = []

    def fake_notice_send(**kwargs):
        # Other steps (the acknowledgement at registration) send notices too.
        if kwargs["purpose"] == "progress":
            sent.append(kwargs)

    monkeypatch.setattr("complaintdesk.notifications.services.notice_send", fake_notice_send)
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler), actor=handler)
    first, second = plan.execution_steps.order_by("position")
    with pytest.raises(Conflict, match="approved"):
        execution_step_check(step=first, actor=handler, note="已预约")
    plan_approve(plan=plan, actor=supervisor)

    execution_step_check(step=first, actor=handler, note="已预约周六上午上门。")
    assert sent == []
    done = execution_step_check(
        step=second, actor=handler, note="光猫已更换,测速正常。", send_to_customer=True
    )
    assert done.sent_to_customer and done.done_by == handler
    assert len(sent) == 1
    assert sent[0]["purpose"] == "progress"
    assert sent[0]["context"] == {"note": "光猫已更换,测速正常。"}
    assert sent[0]["complaint"].pk == complaint.pk
    with pytest.raises(Conflict, match="already done"):
        execution_step_check(step=second, actor=handler, note="again")


def test_a_plan_needs_a_future_deadline_and_steps(agent, handler):
    from datetime import timedelta

    from complaintdesk.core import clock

    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput, match="future"):
        plan_create(
            complaint=complaint,
            actor=handler,
            content=plan_content(handler, deadline=clock.now() - timedelta(hours=1)),
        )
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler, steps=[]))
    with pytest.raises(InvalidInput, match="execution step"):
        plan_submit(plan=plan, actor=handler)


def test_a_submitted_plan_cannot_be_decided_around_its_chain(agent, handler, supervisor):
    from complaintdesk.complaints.lifecycle import complaint_transition

    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler), actor=handler)
    for action in ("approve_plan", "reject_plan"):
        with pytest.raises(Conflict, match="plan record"):
            complaint_transition(complaint=complaint, action=action, actor=supervisor, note="ok")
        # Not even with the plan in hand: the plan service changes the plan first.
        with pytest.raises(Conflict, match="plan record"):
            complaint_transition(
                complaint=complaint,
                action=action,
                actor=supervisor,
                note="ok",
                params={"plan": plan},
            )
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL
    assert plan_approve(plan=plan, actor=supervisor).status == PlanStatus.APPROVED


def test_a_bare_submit_does_not_strand_the_draft_plan(agent, handler, supervisor):
    from complaintdesk.complaints.lifecycle import complaint_transition

    complaint = handled_complaint(agent, handler)
    plan = _plan_with_compensation(complaint, handler)
    with pytest.raises(Conflict, match="plan record"):
        complaint_transition(
            complaint=complaint, action="submit_plan", actor=handler, note="退还58元。"
        )
    with pytest.raises(Conflict, match="plan record"):
        complaint_transition(
            complaint=complaint, action="approve_plan", actor=supervisor, params={"plan": plan}
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    submitted = plan_submit(plan=plan, actor=handler)
    assert submitted.status == PlanStatus.SUBMITTED
    complaint.refresh_from_db()
    assert complaint.status == Status.AWAITING_APPROVAL


def test_a_plan_of_another_complaint_does_not_move_this_one(agent, handler, supervisor):
    from complaintdesk.complaints.lifecycle import complaint_transition

    complaint = handled_complaint(agent, handler)
    other = handled_complaint(agent, handler, phone="13900003333")
    plan = plan_submit(plan=_plan_with_compensation(other, handler), actor=handler)
    with pytest.raises(Conflict, match="plan record"):
        complaint_transition(
            complaint=complaint,
            action="submit_plan",
            actor=handler,
            note="x",
            params={"plan": plan},
        )
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_progress_sent_to_the_customer_is_a_notice(agent, handler, supervisor):
    # The real notices app, not a stand-in: the contract between the two apps.
    from complaintdesk.notifications.models import Notice

    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler), actor=handler)
    plan_approve(plan=plan, actor=supervisor)
    step = plan.execution_steps.order_by("position").first()
    execution_step_check(
        step=step, actor=handler, note="工程师明早九点上门。", send_to_customer=True
    )
    notice = Notice.objects.get(complaint=complaint, purpose="progress")
    assert "工程师明早九点上门。" in notice.body


def test_similar_complaints_show_how_widespread_the_problem_is(
    agent, handler, other_department_handler
):
    from complaintdesk.handling.selectors import similar_complaints

    complaint = handled_complaint(agent, handler, product_reference="ONT-HG8245-B2311")
    handled_complaint(
        agent,
        handler,
        product_reference="ONT-HG8245-B2311",
        description="同一批次的光猫也是频繁重启,客户要求更换。",
    )
    handled_complaint(
        agent,
        handler,
        product_reference="ROUTER-AX3",
        description="路由器信号弱,离开客厅就搜不到。",
    )
    alike = similar_complaints(user=handler, complaint=complaint)
    same_batch = alike.filter(product_reference="ONT-HG8245-B2311")
    assert same_batch.count() == 1
    assert not alike.filter(pk=complaint.pk).exists()
    assert similar_complaints(user=other_department_handler, complaint=complaint).count() == 0


@pytest.mark.parametrize("name", ["measures", "coordination", "risks", "agreed_scope"])
def test_plan_text_longer_than_a_description_is_refused_and_nothing_stored(agent, handler, name):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput, match="20000") as refused:
        plan_create(
            complaint=complaint,
            actor=handler,
            content=plan_content(handler, **{name: "措" * 40_000}),
        )
    assert refused.value.field == name
    assert not complaint.handling_plans.exists()


def test_a_step_title_longer_than_its_column_is_refused(agent, handler):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput) as refused:
        plan_create(
            complaint=complaint,
            actor=handler,
            content=plan_content(handler, steps=[("步" * 301, None)]),
        )
    assert refused.value.field == "steps"


def _approved_plan_steps(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(plan=_plan_with_compensation(complaint, handler), actor=handler)
    plan_approve(plan=plan, actor=supervisor)
    return complaint, plan, list(plan.execution_steps.order_by("position"))


@pytest.fixture
def colleague(network_department):
    """A handler of the same department who is not assigned the complaint."""
    from complaintdesk.accounts.choices import Role
    from complaintdesk.core.testing.factories import user_make

    return user_make(Role.HANDLER, department=network_department, username="colleague")


def test_a_colleague_may_not_send_a_progress_note_to_the_customer(
    agent, handler, supervisor, colleague
):
    # QA: progress notes reached the customer without the rule for writing to them.
    from complaintdesk.notifications.models import Notice

    complaint, _plan, (first, _second) = _approved_plan_steps(agent, handler, supervisor)
    with pytest.raises(NotAllowed) as refused:
        execution_step_check(
            step=first, actor=colleague, note="工程师明早上门。", send_to_customer=True
        )
    assert "You may not send a progress note to the customer" in refused.value.message
    assert "handler handles this complaint" in refused.value.message
    first.refresh_from_db()
    assert first.done_at is None
    assert not Notice.objects.filter(complaint=complaint, purpose="progress").exists()
    assert not complaint.events.filter(kind=EventKind.PLAN, after__step="step_done").exists()
    # Checking the step off for the department, without writing to the customer, is open.
    done = execution_step_check(step=first, actor=colleague, note="已预约上门。")
    assert done.done_by == colleague and not done.sent_to_customer
    assert complaint.events.filter(kind=EventKind.PLAN, after__step="step_done").count() == 1


def test_the_assignee_and_a_supervisor_send_progress_notes_to_the_customer(
    agent, handler, supervisor
):
    from complaintdesk.notifications.models import Notice

    complaint, _plan, (first, second) = _approved_plan_steps(agent, handler, supervisor)
    execution_step_check(step=first, actor=handler, note="已预约周六上门。", send_to_customer=True)
    execution_step_check(
        step=second, actor=supervisor, note="光猫已更换,测速正常。", send_to_customer=True
    )
    bodies = list(
        Notice.objects.filter(complaint=complaint, purpose="progress").values_list(
            "body", flat=True
        )
    )
    assert len(bodies) == 2
    assert "已预约周六上门。" in bodies[0] and "光猫已更换" in bodies[1]


def test_the_api_answers_403_when_a_colleague_sends_a_progress_note(
    agent, handler, supervisor, colleague
):
    from complaintdesk.api.tests.test_complaints_api import api_client, post_json

    complaint, plan, (first, _second) = _approved_plan_steps(agent, handler, supervisor)
    url = f"/api/complaints/{complaint.tracking_number}/plans/{plan.pk}/steps/{first.pk}/done"
    body = {"note": "工程师明早上门。", "send_to_customer": True}
    refused = post_json(api_client(colleague), url, body)
    assert refused.status_code == 403, refused.content
    assert "handler handles this complaint" in refused.json()["detail"]
    allowed = post_json(api_client(handler), url, body)
    assert allowed.status_code == 200, allowed.content


def test_the_web_panel_says_why_a_colleague_cannot_send_a_progress_note(
    agent, handler, supervisor, colleague
):
    from django.urls import reverse

    from complaintdesk.web.tests.helpers import client_for

    complaint, plan, (first, _second) = _approved_plan_steps(agent, handler, supervisor)
    url = reverse("web:plan_step", args=[complaint.tracking_number, plan.pk, first.pk])
    response = client_for(colleague).post(
        url, {"note": "工程师明早上门。", "send_to_customer": "on"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert "handler handles this complaint" in response.content.decode()
    first.refresh_from_db()
    assert first.done_at is None


def test_the_web_panel_offers_sending_a_progress_note_only_to_whoever_handles_it(
    agent, handler, supervisor, colleague
):
    from django.urls import reverse

    from complaintdesk.web.tests.helpers import client_for

    complaint, _plan, (first, _second) = _approved_plan_steps(agent, handler, supervisor)
    url = reverse("web:complaint_plans", args=[complaint.tracking_number])
    for person, offered in ((handler, True), (supervisor, True), (colleague, False)):
        page = client_for(person).get(url, HTTP_HX_REQUEST="true").content.decode()
        assert f'data-step-form="{first.pk}"' in page  # the step may be checked off
        assert ('name="send_to_customer"' in page) is offered, person.username
