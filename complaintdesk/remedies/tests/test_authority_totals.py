"""Approval authority is judged on the complaint's whole compensation, in every currency:
splitting it into small items or giving it in dollars does not get round a limit. Zero is
no compensation, a currency without a rate is refused, and policy maxima convert too."""

from __future__ import annotations

from decimal import Decimal

import pytest

from complaintdesk.complaints.errors import InvalidInput, NotAllowed
from complaintdesk.handling.choices import AuthorityLevel, PlanStatus
from complaintdesk.handling.models import ApprovalAuthority
from complaintdesk.handling.plans import plan_approve, plan_create, plan_submit
from complaintdesk.handling.tests.support import (
    budget_make,
    clause_make,
    handled_complaint,
    plan_content,
)
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.currency import convert
from complaintdesk.remedies.services import (
    compensation_approve,
    compensation_cancel,
    compensation_propose,
    compensation_totals,
)

pytestmark = pytest.mark.django_db


def _item(complaint, actor, amount: str, currency: str = "CNY", **kwargs):
    return compensation_propose(
        complaint=complaint,
        actor=actor,
        form="service_credit",
        amount=Decimal(amount),
        currency=currency,
        policy_clause=kwargs.pop("clause", None) or clause_make(),
        **kwargs,
    )


def test_a_handler_cannot_self_approve_a_large_item_in_dollars(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    budget_make(handler.department, "100000", currency="USD")
    dollars = _item(complaint, handler, "9000", currency="USD")
    with pytest.raises(NotAllowed) as refused:
        compensation_approve(item=dollars, actor=handler)
    # 9,000 USD is 64,800 CNY: beyond the ¥5,000 rule, so a manager decides.
    assert "needs Manager approval" in refused.value.message
    with pytest.raises(NotAllowed, match="needs Manager approval"):
        compensation_approve(item=dollars, actor=supervisor)
    dollars.refresh_from_db()
    assert dollars.status == ItemStatus.PROPOSED


def test_small_items_on_one_complaint_add_up_to_the_supervisors_threshold(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "5000")
    complaint = handled_complaint(agent, handler)
    first = compensation_approve(item=_item(complaint, handler, "499"), actor=handler)
    assert first.status == ItemStatus.APPROVED
    second = _item(complaint, handler, "499")
    with pytest.raises(NotAllowed, match="needs Supervisor approval"):
        compensation_approve(item=second, actor=handler)
    assert compensation_totals(complaint=complaint) == {"CNY": Decimal("998.00")}
    assert compensation_approve(item=second, actor=supervisor).status == ItemStatus.APPROVED


def test_withdrawn_items_do_not_count_towards_the_total(agent, handler, network_department):
    budget_make(network_department, "5000")
    complaint = handled_complaint(agent, handler)
    mistaken = _item(complaint, handler, "450")
    compensation_cancel(item=mistaken, actor=handler, reason="金额录错")
    item = compensation_approve(item=_item(complaint, handler, "300"), actor=handler)
    assert item.status == ItemStatus.APPROVED


def test_a_limit_in_yuan_covers_the_whole_compensation_in_any_currency(
    agent, handler, supervisor, network_department
):
    ApprovalAuthority.objects.create(
        user=supervisor, level=AuthorityLevel.SUPERVISOR, limit=Decimal("1000"), currency="CNY"
    )
    budget_make(network_department, "5000")
    budget_make(network_department, "5000", currency="HKD")
    complaint = handled_complaint(agent, handler)
    compensation_approve(item=_item(complaint, handler, "600"), actor=supervisor)
    hong_kong = _item(complaint, handler, "500", currency="HKD")
    with pytest.raises(NotAllowed) as refused:
        compensation_approve(item=hong_kong, actor=supervisor)
    assert refused.value.message == (
        "This compensation commits 600.00 CNY + 500.00 HKD ≈ 1,060.00 CNY, beyond your "
        "approval limit of 1,000.00 CNY. It must go to someone with a higher limit."
    )


def test_a_manager_without_a_limit_approves_other_currencies(
    agent, handler, supervisor, network_department
):
    # A manager's authority row has no limit; it is no limit in any currency, not zero.
    ApprovalAuthority.objects.create(user=supervisor, level=AuthorityLevel.MANAGER, limit=None)
    budget_make(network_department, "10000", currency="USD")
    complaint = handled_complaint(agent, handler)
    item = compensation_approve(
        item=_item(complaint, handler, "900", currency="USD"), actor=supervisor
    )
    assert item.status == ItemStatus.APPROVED


def test_a_plans_approval_chain_covers_compensation_given_outside_the_plan(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "20000")
    complaint = handled_complaint(agent, handler)
    outside = _item(complaint, handler, "4000")
    ApprovalAuthority.objects.create(user=supervisor, level=AuthorityLevel.SUPERVISOR)
    compensation_approve(item=outside, actor=supervisor)
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    _item(complaint, handler, "2000", plan=plan)
    plan = plan_submit(plan=plan, actor=handler)
    # 6,000 CNY on the complaint in all: the chain asks a manager after the supervisor, and
    # the supervisor's approval does not commit the plan's share.
    assert [s.level for s in plan.approval_steps.order_by("position")][-1] == (
        AuthorityLevel.MANAGER
    )
    plan = plan_approve(plan=plan, actor=supervisor)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.compensation_items.get().status == ItemStatus.PROPOSED


@pytest.mark.parametrize("amount", ["0", "0.00", "-5"])
def test_compensation_of_nothing_is_refused(agent, handler, amount):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput, match="must be more than zero") as refused:
        _item(complaint, handler, amount)
    assert refused.value.field == "amount"
    assert not complaint.compensation_items.exists()


def test_a_currency_without_an_exchange_rate_is_refused_not_taken_for_yuan(agent, handler):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput, match="no exchange rate for XAU") as refused:
        _item(complaint, handler, "10", currency="XAU")
    assert refused.value.field == "currency"
    assert not complaint.compensation_items.exists()


def test_a_policy_maximum_in_yuan_applies_to_items_in_other_currencies(agent, handler):
    complaint = handled_complaint(agent, handler)
    capped = clause_make("goodwill-small", max_amount="100")
    with pytest.raises(InvalidInput, match=r"at most 100\.00 CNY"):
        _item(complaint, handler, "20", currency="USD", clause=capped)
    assert _item(complaint, handler, "100", currency="HKD", clause=capped).currency == "HKD"


def test_rates_convert_through_yuan_to_the_cent(settings):
    settings.EXCHANGE_RATES = {"CNY": Decimal(1), "USD": Decimal("7.2"), "HKD": Decimal("0.92")}
    assert convert(Decimal(9000), "USD", "CNY") == Decimal("64800.00")
    assert convert(Decimal(100), "HKD", "USD") == Decimal("12.78")
    with pytest.raises(InvalidInput):
        convert(Decimal(1), "EUR", "CNY")
