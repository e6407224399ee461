"""Budget months are written YYYY-MM and stored as the first day; the cost report shows each
role the departments it may see, a handler only the money charged to their own."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from complaintdesk.accounts.choices import Role
from complaintdesk.api.tests.test_complaints_api import api_client
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import user_make
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.remedies.models import CompensationBudget
from complaintdesk.remedies.selectors import compensation_cost_report
from complaintdesk.remedies.services import (
    budget_month,
    budget_set,
    compensation_approve,
    compensation_propose,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = datetime(2026, 10, 15, 10, tzinfo=SHANGHAI)


@pytest.mark.parametrize("text", ["2026-11", " 2026-11 "])
def test_a_budget_month_is_written_year_dash_month(text):
    assert budget_month(text) == date(2026, 11, 1)


@pytest.mark.parametrize("text", ["2026-11-15", "11/2026", "2026-13", "202611", "", "2026-1"])
def test_other_shapes_of_month_are_refused_clearly(text):
    with pytest.raises(InvalidInput, match="YYYY-MM, for example 2026-11") as refused:
        budget_month(text)
    assert refused.value.field == "month"


def test_an_administrator_sets_a_budget_for_a_month(administrator, network_department, handler):
    budget = budget_set(
        department=network_department, month="2026-11", amount=Decimal(8000), actor=administrator
    )
    assert (budget.month, budget.amount, budget.currency) == (
        date(2026, 11, 1),
        Decimal("8000.00"),
        "CNY",
    )
    again = budget_set(
        department=network_department, month="2026-11", amount=Decimal(9000), actor=administrator
    )
    assert again.pk == budget.pk and again.amount == Decimal("9000.00")
    with pytest.raises(NotAllowed):
        budget_set(department=network_department, month="2026-11", amount=1, actor=handler)


def test_a_budget_is_not_set_below_what_is_committed(
    administrator, agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    item = compensation_propose(
        complaint=complaint,
        actor=handler,
        form="service_credit",
        amount=Decimal(600),
        policy_clause=clause_make(),
    )
    compensation_approve(item=item, actor=supervisor)
    with pytest.raises(Conflict, match=r"600\.00 CNY is already committed"):
        budget_set(
            department=network_department,
            month=f"{clock.now():%Y-%m}",
            amount=Decimal(500),
            actor=administrator,
        )


def test_the_admin_takes_the_month_as_year_dash_month(administrator, network_department):
    client = Client()
    client.force_login(administrator)
    url = "/admin/remedies/compensationbudget/add/"
    fields = {"department": network_department.pk, "currency": "CNY", "amount": "5000"}
    response = client.post(url, {**fields, "month": "2026-11"})
    assert response.status_code == 302, response.content.decode()
    budget = CompensationBudget.objects.get()
    assert budget.month == date(2026, 11, 1)
    page = client.get(f"/admin/remedies/compensationbudget/{budget.pk}/change/")
    assert 'value="2026-11"' in page.content.decode()

    refused = client.post(url, {**fields, "month": "2026-12-15"})
    assert refused.status_code == 200
    assert "Write the month as YYYY-MM" in refused.content.decode()
    refused = client.post(url, {**fields, "month": "2026-12", "currency": "XAU"})
    assert "no exchange rate for XAU" in refused.content.decode()
    assert CompensationBudget.objects.count() == 1


def test_the_budgets_api_filters_by_year_dash_month(supervisor, network_department):
    budget_make(network_department, "1000")
    month = f"{clock.now():%Y-%m}"
    listed = api_client(supervisor).get(f"/api/compensation/budgets?month={month}")
    assert listed.status_code == 200
    assert [b["month"] for b in listed.json()] == [f"{month}-01"]
    refused = api_client(supervisor).get("/api/compensation/budgets?month=May")
    assert refused.status_code == 422
    assert "YYYY-MM" in refused.json()["detail"]


@pytest.fixture
def spending(agent, handler, supervisor, network_department, billing_department):
    """In October, a network complaint costs network 300 and billing 150 (a gift it pays)."""
    for department in (network_department, billing_department):
        CompensationBudget.objects.create(
            department=department, month=date(2026, 10, 1), amount=Decimal(10000)
        )
    complaint = handled_complaint(agent, handler)
    with clock.travel_to(OCTOBER):
        for amount, department in (("300", None), ("150", billing_department)):
            item = compensation_propose(
                complaint=complaint,
                actor=handler,
                form="service_credit",
                amount=Decimal(amount),
                policy_clause=clause_make(),
                department=department,
            )
            compensation_approve(item=item, actor=supervisor)


def _report(user) -> list[tuple[str, Decimal]]:
    rows = compensation_cost_report(
        user=user,
        date_from=datetime(2026, 10, 1, tzinfo=SHANGHAI),
        date_to=datetime(2026, 11, 1, tzinfo=SHANGHAI),
    )
    return [(row.department, row.total) for row in rows]


EVERYTHING = [("billing", Decimal("150.00")), ("network", Decimal("300.00"))]


def test_a_handler_sees_only_what_is_charged_to_their_department(
    spending, handler, other_department_handler
):
    # The billing centre's gift on a network complaint is billing's money, not network's.
    assert _report(handler) == [("network", Decimal("300.00"))]
    assert _report(other_department_handler) == [("billing", Decimal("150.00"))]


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR, Role.AUDITOR, Role.ANALYST])
def test_roles_that_see_every_department_see_every_departments_cost(spending, role):
    assert _report(user_make(role)) == EVERYTHING


def test_an_administrator_sees_every_departments_cost(spending, administrator):
    assert _report(administrator) == EVERYTHING


def test_a_handler_without_a_department_or_an_inactive_account_sees_no_cost(spending, handler):
    assert _report(user_make(Role.HANDLER, department=None)) == []
    handler.is_active = False
    assert _report(handler) == []


def test_the_report_api_is_scoped_the_same_way(spending, handler):
    response = api_client(handler).get(
        "/api/compensation/report",
        {"date_from": "2026-10-01T00:00:00+08:00", "date_to": "2026-11-01T00:00:00+08:00"},
    )
    assert response.status_code == 200
    assert [row["department"] for row in response.json()] == ["network"]


def test_the_admin_ticks_the_forms_a_clause_justifies(administrator):
    from complaintdesk.remedies.models import PolicyClause

    client = Client()
    client.force_login(administrator)
    fields = {
        "code": "handset-warranty",
        "title": "Handset warranty",
        "kind": "warranty",
        "text": "Faults within a year are repaired or the handset replaced.",
        "currency": "CNY",
        "is_active": "on",
    }
    response = client.post(
        "/admin/remedies/policyclause/add/",
        {**fields, "allowed_forms": ["free_repair", "replacement"]},
    )
    assert response.status_code == 302, response.content.decode()
    clause = PolicyClause.objects.get(code="handset-warranty")
    assert clause.allowed_forms == ["free_repair", "replacement"]
    assert not clause.allows("cash") and clause.allows("replacement")
