"""Management's authorisation of a higher remedy is real: once an escalation is decided with a
ceiling, whoever acts for the complaint approves its compensation, outside a plan or through
one, with the authoriser's level and limit, as long as the complaint's whole compensation
(every currency converted) stays within the ceiling. Before it, above it, on another complaint
or for someone not acting for the complaint, the usual rules apply."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.choices import EscalationDecision, EventKind
from complaintdesk.complaints.errors import NotAllowed
from complaintdesk.complaints.escalation_requests import complaint_escalate, escalation_decide
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.core.testing.factories import user_make
from complaintdesk.handling.choices import AuthorityLevel, PlanStatus
from complaintdesk.handling.models import ApprovalAuthority, HandlingPlan
from complaintdesk.handling.plans import plan_approve, plan_create, plan_submit
from complaintdesk.handling.tests.support import (
    budget_make,
    clause_make,
    handled_complaint,
    plan_content,
)
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.models import CompensationItem
from complaintdesk.remedies.services import compensation_approve, compensation_propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(agent, handler, network_department) -> Complaint:
    budget_make(network_department, "50000")
    budget_make(network_department, "5000", currency="USD")
    return handled_complaint(agent, handler)


@pytest.fixture
def manager(billing_department):
    """A complaints manager: a supervisor of another department with manager authority."""
    person = user_make(Role.SUPERVISOR, department=billing_department, username="manager")
    ApprovalAuthority.objects.create(user=person, level=AuthorityLevel.MANAGER)
    return person


def item(complaint: Complaint, actor, amount: str, currency: str = "CNY", **kwargs):
    return compensation_propose(
        complaint=complaint,
        actor=actor,
        form="service_credit",
        amount=Decimal(amount),
        currency=currency,
        policy_clause=clause_make(),
        **kwargs,
    )


def authorised(complaint: Complaint, raiser, decider, ceiling: str, currency: str = "CNY"):
    escalation = complaint_escalate(
        complaint=complaint,
        actor=raiser,
        reason="authority",
        explanation="客户要求的补偿超出我的审批权限。",
        to=decider,
    )
    return escalation_decide(
        escalation=escalation,
        actor=decider,
        decision=EscalationDecision.AUTHORISE,
        note="准许,以此为限。",
        amount=Decimal(ceiling),
        currency=currency,
    )


def status_of(found: CompensationItem) -> str:
    found.refresh_from_db()
    return found.status


def test_a_handler_approves_within_the_ceiling_only_after_it_is_authorised(
    complaint, handler, supervisor
):
    credit = item(complaint, handler, "800")
    with pytest.raises(NotAllowed, match="needs Supervisor approval"):
        compensation_approve(item=credit, actor=handler)
    assert status_of(credit) == ItemStatus.PROPOSED

    escalation = authorised(complaint, handler, supervisor, "1000")
    approved = compensation_approve(item=credit, actor=handler)
    assert (approved.status, approved.approved_by) == (ItemStatus.APPROVED, handler)
    event = complaint.events.filter(kind=EventKind.COMPENSATION, after__step="approved").get()
    assert event.after["authorised_by_escalation"] == escalation.pk


def test_above_the_ceiling_the_usual_rules_apply_and_the_refusal_names_the_ceiling(
    complaint, handler, supervisor
):
    authorised(complaint, handler, supervisor, "1000")
    compensation_approve(item=item(complaint, handler, "800"), actor=handler)
    more = item(complaint, handler, "300")
    with pytest.raises(NotAllowed) as refused:
        compensation_approve(item=more, actor=handler)
    assert refused.value.message == (
        "This compensation needs Supervisor approval; your approval authority is No approval "
        "authority. Submit it to someone with that authority. Management authorised "
        "compensation up to 1,000.00 CNY in all on this complaint, and this goes beyond it."
    )
    assert status_of(more) == ItemStatus.PROPOSED
    # The supervisor's own authority covers it as before.
    assert compensation_approve(item=more, actor=supervisor).status == ItemStatus.APPROVED


def test_the_ceiling_weighs_every_currency_converted(complaint, handler, supervisor):
    authorised(complaint, handler, supervisor, "1000")
    compensation_approve(item=item(complaint, handler, "300"), actor=handler)
    dollars = item(complaint, handler, "100", currency="USD")  # 720 CNY: 1,020 CNY in all
    with pytest.raises(NotAllowed, match=re.escape("up to 1,000.00 CNY in all")):
        compensation_approve(item=dollars, actor=handler)
    assert status_of(dollars) == ItemStatus.PROPOSED


def test_a_manager_lends_manager_authority_up_to_the_ceiling(complaint, handler, manager):
    large = item(complaint, handler, "7000")
    authorised(complaint, handler, manager, "8000")
    assert compensation_approve(item=large, actor=handler).status == ItemStatus.APPROVED


def test_only_whoever_acts_for_the_complaint_uses_the_authorisation(
    complaint, handler, supervisor, network_department
):
    colleague = user_make(Role.HANDLER, department=network_department, username="colleague")
    authorised(complaint, handler, supervisor, "1000")
    credit = item(complaint, handler, "800")
    with pytest.raises(NotAllowed, match="needs Supervisor approval"):
        compensation_approve(item=credit, actor=colleague)
    assert status_of(credit) == ItemStatus.PROPOSED


def test_an_authorisation_on_another_complaint_lends_nothing(agent, complaint, handler, supervisor):
    authorised(handled_complaint(agent, handler), handler, supervisor, "5000")
    credit = item(complaint, handler, "800")
    with pytest.raises(NotAllowed, match="needs Supervisor approval"):
        compensation_approve(item=credit, actor=handler)


def test_an_authoriser_whose_limit_was_lowered_since_lends_only_what_they_hold(
    complaint, handler, supervisor
):
    authorised(complaint, handler, supervisor, "1000")
    ApprovalAuthority.objects.create(
        user=supervisor, level=AuthorityLevel.SUPERVISOR, limit=Decimal("500"), currency="CNY"
    )
    credit = item(complaint, handler, "800")
    with pytest.raises(NotAllowed, match="needs Supervisor approval"):
        compensation_approve(item=credit, actor=handler)
    assert status_of(credit) == ItemStatus.PROPOSED


# Through a handling plan --------------------------------------------------------------------


def submitted_plan(complaint: Complaint, author, handler, *amounts: str) -> HandlingPlan:
    plan = plan_create(complaint=complaint, actor=author, content=plan_content(handler))
    for amount in amounts:
        item(complaint, author, amount, plan=plan)
    return plan_submit(plan=plan, actor=author)


def test_a_supervisor_with_a_low_limit_approves_a_plan_within_the_authorised_ceiling(
    complaint, handler, supervisor, manager
):
    ApprovalAuthority.objects.create(
        user=supervisor, level=AuthorityLevel.SUPERVISOR, limit=Decimal("1000"), currency="CNY"
    )
    plan = submitted_plan(complaint, handler, handler, "3000")
    with pytest.raises(NotAllowed, match=re.escape("beyond your approval limit of 1,000.00 CNY")):
        plan_approve(plan=plan, actor=supervisor)

    authorised(complaint, handler, manager, "3000")
    plan = plan_approve(plan=plan, actor=supervisor)
    assert plan.status == PlanStatus.APPROVED
    assert [i.status for i in plan.compensation_items.all()] == [ItemStatus.APPROVED]
    assert plan.compensation_items.get().approved_by == supervisor


def test_a_plan_above_the_ceiling_is_refused_and_stays_submitted(
    complaint, handler, supervisor, manager
):
    ApprovalAuthority.objects.create(
        user=supervisor, level=AuthorityLevel.SUPERVISOR, limit=Decimal("1000"), currency="CNY"
    )
    authorised(complaint, handler, manager, "3000")
    plan = submitted_plan(complaint, handler, handler, "2000", "1500")
    with pytest.raises(NotAllowed, match=re.escape("up to 3,000.00 CNY in all on this complaint")):
        plan_approve(plan=plan, actor=supervisor)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert set(plan.compensation_items.values_list("status", flat=True)) == {ItemStatus.PROPOSED}


def test_a_managers_ceiling_stands_in_for_the_manager_step_of_the_chain(
    complaint, handler, supervisor, second_supervisor, manager
):
    # ¥6,000 asks a supervisor, then a manager; neither supervisor has manager authority.
    plan = submitted_plan(complaint, handler, handler, "6000")
    plan = plan_approve(plan=plan, actor=supervisor)
    with pytest.raises(NotAllowed, match="needs Manager approval"):
        plan_approve(plan=plan, actor=second_supervisor)

    authorised(complaint, handler, manager, "6000")
    plan = plan_approve(plan=plan, actor=second_supervisor)
    assert plan.status == PlanStatus.APPROVED
    assert plan.compensation_items.get().status == ItemStatus.APPROVED


def test_the_authorisation_makes_no_plan_approver_of_a_handler(
    complaint, handler, supervisor, manager
):
    # Plans are approved by supervisors (the lifecycle's approve_plan); the ceiling lends
    # authority to those who approve, it does not make the handler one — not even for the
    # first step of a longer chain.
    plan = submitted_plan(complaint, supervisor, handler, "6000")
    authorised(complaint, handler, manager, "8000")
    with pytest.raises(NotAllowed, match="needs Supervisor approval"):
        plan_approve(plan=plan, actor=handler)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert not plan.approval_steps.filter(approver=handler).exists()


def test_an_escalation_without_a_ceiling_leaves_the_handler_where_they_were(
    complaint, handler, supervisor
):
    escalation = complaint_escalate(
        complaint=complaint,
        actor=handler,
        reason="authority",
        explanation="超出权限",
        to=supervisor,
    )
    escalation_decide(escalation=escalation, actor=supervisor, decision="approved", note="同意")
    assert Escalation.objects.get().authorised_amount is None
    with pytest.raises(NotAllowed, match="needs Supervisor approval"):
        compensation_approve(item=item(complaint, handler, "800"), actor=handler)
