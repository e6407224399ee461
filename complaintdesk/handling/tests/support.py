"""Test set-up shared by the handling and remedies tests: a complaint being handled, plan
content, a month's budget, a policy clause."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from complaintdesk.accounts.models import Department, User
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.handling.plans import PlanContent
from complaintdesk.remedies.models import CompensationBudget, PolicyClause
from complaintdesk.triage.models import TaxonomyEntry


def handled_complaint(agent: User, handler: User, **fields: object) -> Complaint:
    """A registered complaint assigned to `handler` and in progress, of no special nature
    (whatever triage guessed), so only the amounts decide its approval chain."""
    complaint = complaint_make(actor=agent, **fields)
    Complaint.objects.filter(pk=complaint.pk).update(nature=None)
    complaint = complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    return complaint_transition(complaint=complaint, action="start", actor=handler)


def make_major(complaint: Complaint) -> Complaint:
    major, _ = TaxonomyEntry.objects.get_or_create(
        dimension="nature",
        key="major",
        defaults={"code": "N2", "label_en": "Major", "label_zh": "重大"},
    )
    Complaint.objects.filter(pk=complaint.pk).update(nature=major)
    complaint.refresh_from_db()
    return complaint


def plan_content(handler: User, **overrides: object) -> PlanContent:
    assert handler.department is not None
    values: dict[str, object] = {
        "measures": "派工程师上门更换光猫,减免当月宽带月租。",
        "deadline": clock.now() + timedelta(days=3),
        "responsible_department": handler.department,
        "responsible_person": handler,
        "coordination": "与装维班组电话协调上门时间。",
        "risks": "客户白天不在家:约晚间上门。",
        "agreed_scope": "更换光猫并减免一个月月租。",
        "steps": [("预约上门时间", None), ("更换光猫并测速", None)],
    }
    values.update(overrides)
    return PlanContent(**values)  # type: ignore[arg-type]


def budget_make(department: Department, amount: str, currency: str = "CNY") -> CompensationBudget:
    month = timezone.localdate(clock.now()).replace(day=1)
    budget, _ = CompensationBudget.objects.update_or_create(
        department=department,
        month=month,
        currency=currency,
        defaults={"amount": Decimal(amount)},
    )
    return budget


def clause_make(code: str = "outage-refund", max_amount: str | None = None) -> PolicyClause:
    clause, _ = PolicyClause.objects.get_or_create(
        code=code,
        defaults={
            "title": "Outage refund",
            "kind": "tariff",
            "text": "Days without service are refunded.",
            "max_amount": Decimal(max_amount) if max_amount else None,
        },
    )
    return clause
