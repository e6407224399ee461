"""Compensation in the demo: monthly budgets per department, and the items a handling plan
promises (the refund, credit or data its note quotes) proposed, approved with the plan,
offered for the customer's consent, fulfilled and checked through the remedies services.

The items are planned in memory with the plan's note, so the plan and the money agree; the
budgets are then sized from what the months will approve, with the margin a finance
department keeps, so no approval in the replay is refused for lack of budget.
"""

from __future__ import annotations

import math
import random
import string
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from complaintdesk.accounts.models import Department, User
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.demo import organisation as org
from complaintdesk.core.demo.notes import localise
from complaintdesk.handling.choices import Decision
from complaintdesk.handling.models import HandlingPlan
from complaintdesk.remedies.choices import CompensationForm, ConfirmationMethod, ItemStatus
from complaintdesk.remedies.consent import (
    compensation_offer,
    offer_decide_by_link,
    offer_record_consent,
)
from complaintdesk.remedies.models import CompensationOffer, PolicyClause
from complaintdesk.remedies.services import (
    budget_set,
    compensation_cancel,
    compensation_confirm,
    compensation_fulfil,
    compensation_propose,
)

# Currencies the demo operator keeps compensation budgets in: the mainland and Hong Kong.
CURRENCIES = ("CNY", "HKD")
# What each department may spend on compensation in a month of the full demo (2,000
# complaints), in CNY; the Hong Kong budgets are a fifth of it in HKD.
MONTHLY_BUDGET_CNY: dict[str, int] = {
    org.CUSTOMER_SERVICE: 30_000,
    org.NETWORK: 60_000,
    org.BILLING: 60_000,
    org.MARKETING: 30_000,
    org.DEVICES: 30_000,
    org.LEGAL: 10_000,
    org.PUBLIC_RELATIONS: 10_000,
}
HKD_SHARE = Decimal("0.2")
DATA_VALUE_PER_GB = Decimal(3)  # what a gigabyte of data is booked at

_DESCRIPTIONS = {
    "refund": {"zh": "退还多收或未使用的费用", "en": "Refund of the amount charged"},
    "credit": {"zh": "赠送话费致歉", "en": "Goodwill service credit"},
    "data": {"zh": "赠送{gb}GB流量", "en": "{gb} GB of mobile data"},
}
_CONSENT_NOTES = {
    "zh": "电话告知补偿方案,客户表示接受。",
    "en": "Read the compensation out on the phone; the customer accepted it.",
}


@dataclass(frozen=True)
class DemoItem:
    """One compensation item a plan note promises."""

    form: str
    amount: Decimal
    currency: str
    clause: str
    description: str
    quantity: Decimal | None = None
    unit: str = ""


def _currency(sign: str, hong_kong: bool) -> str | None:
    """The currency of the sign a note quotes; None for one the operator keeps no budget in."""
    sign = sign.strip()
    if sign == "HK$" or (sign == "$" and hong_kong):
        return "HKD"
    if sign in {"", "RMB", "¥"}:
        return "CNY"
    return None


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except ArithmeticError:
        return None
    return value if value > 0 else None


def items_promised(
    template: str, values: Mapping[str, str], *, language: str, content_key: str, hong_kong: bool
) -> list[DemoItem]:
    """The items a plan note written from `template` with `values` promises."""
    fields = {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name}
    currency = _currency(values.get("cur", ""), hong_kong)
    if currency is None:
        return []
    key = "en" if language == "en" else "zh"

    def describe(kind: str) -> str:
        text = _DESCRIPTIONS[kind][key].format(gb=values.get("gb", ""))
        return localise(text, language) if key == "zh" else text

    network = content_key.startswith("network")
    items = []
    refund = _amount(values.get("amount", "")) if "amount" in fields else None
    if refund is not None:
        items.append(
            DemoItem(
                CompensationForm.REFUND, refund, currency, "tariff-overcharge", describe("refund")
            )
        )
    credit = _amount(values.get("credit", "")) if "credit" in fields else None
    if credit is not None:
        items.append(
            DemoItem(
                CompensationForm.SERVICE_CREDIT,
                credit,
                currency,
                "goodwill-care",
                describe("credit"),
            )
        )
    gigabytes = _amount(values.get("gb", "")) if "gb" in fields else None
    if gigabytes is not None:
        items.append(
            DemoItem(
                CompensationForm.DATA,
                gigabytes * DATA_VALUE_PER_GB,
                currency,
                "tariff-outage-credit" if network else "goodwill-care",
                describe("data"),
                quantity=gigabytes,
                unit="GB",
            )
        )
    return items


# Budgets --------------------------------------------------------------------------------


def _months(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months


def budgets_set(
    *,
    approvals: Iterable[tuple[str, datetime, list[DemoItem]]],
    departments: Mapping[str, Department],
    admin: User,
    start: datetime,
    now: datetime,
    scale: float,
) -> None:
    """Every department's budget for every month of the demo, in CNY and HKD: its usual
    amount (scaled to the demo's size), or more where the plans will approve more — what
    the month approves in the department with a quarter more, plus the month's largest
    item, in case routing sends one somewhere else."""
    demand: dict[tuple[str, date, str], Decimal] = defaultdict(Decimal)
    largest: dict[tuple[date, str], Decimal] = defaultdict(Decimal)
    for charged_to, approved_at, items in approvals:
        month = timezone.localdate(approved_at).replace(day=1)
        for item in items:
            demand[(charged_to, month, item.currency)] += item.amount
            largest[(month, item.currency)] = max(largest[(month, item.currency)], item.amount)
    for code, department in departments.items():
        usual_cny = Decimal(MONTHLY_BUDGET_CNY.get(code, 10_000)) * Decimal(scale)
        for month in _months(timezone.localdate(start), timezone.localdate(now)):
            for currency in CURRENCIES:
                usual = usual_cny if currency == "CNY" else usual_cny * HKD_SHARE
                needed = demand[(code, month, currency)] * Decimal("1.25")
                needed += largest[(month, currency)]
                amount = Decimal(math.ceil(max(usual, needed) / 1000) * 1000)
                budget_set(
                    department=department,
                    month=month,
                    currency=currency,
                    amount=amount,
                    actor=admin,
                )


# On the plan ----------------------------------------------------------------------------


def _clauses() -> dict[str, PolicyClause]:
    return {clause.code: clause for clause in PolicyClause.objects.filter(is_active=True)}


_REVISED = {
    "zh": "方案修改,补偿按新方案调整。",
    "en": "The plan was revised; the compensation follows the new version.",
}


def items_propose(*, plan: HandlingPlan, actor: User, items: list[DemoItem], language: str) -> None:
    """Put the items the plan's note promises on the draft plan; on a revision, the items
    carried over from the version sent back are withdrawn first if the promise changed."""
    carried = list(plan.compensation_items.filter(status=ItemStatus.PROPOSED))
    wanted = [(i.form, i.amount, i.currency) for i in items]
    if [(c.form, c.amount, c.currency) for c in carried] == wanted:
        return
    reason = _REVISED["en"] if language == "en" else localise(_REVISED["zh"], language)
    for old in carried:
        compensation_cancel(item=old, actor=actor, reason=reason)
    clauses = _clauses()
    for new in items:
        compensation_propose(
            complaint=plan.complaint,
            actor=actor,
            form=new.form,
            amount=new.amount,
            currency=new.currency,
            policy_clause=clauses[new.clause],
            description=new.description,
            quantity=new.quantity,
            unit=new.unit,
            plan=plan,
        )


def offer_after_approval(
    *, complaint: Complaint, rng: random.Random, links: dict[int, str]
) -> None:
    """The handler offers the approved items to the customer: by SMS or e-mail with the
    consent link, or read out on the phone (the answer is then recorded)."""
    if not complaint.compensation_items.filter(
        status=ItemStatus.APPROVED, offer__isnull=True
    ).exists():
        return
    assert complaint.assignee is not None
    send = rng.random() < 0.6
    _offer, link = compensation_offer(
        complaint=complaint,
        actor=complaint.assignee,
        base_url=settings.PUBLIC_BASE_URL,
        send_notice=send,
    )
    if send:
        links[complaint.pk] = link.rstrip("/").rsplit("/", 1)[-1]


def consent_obtained(
    *, complaint: Complaint, actor: User, language: str, links: dict[int, str]
) -> None:
    """The customer accepts the open offer: through the link, or on the phone."""
    offer = (
        CompensationOffer.objects.filter(complaint=complaint, decided_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if offer is None:
        return
    token = links.pop(complaint.pk, None)
    if token is not None and offer.expires_at > clock.now():
        offer_decide_by_link(token=token, decision="accepted")
        return
    note = _CONSENT_NOTES["en" if language == "en" else "zh"]
    offer_record_consent(
        offer=offer,
        actor=actor,
        decision="accepted",
        method="phone",
        note=localise(note, language) if language != "en" else note,
    )


def fulfil_and_check(
    *, complaint: Complaint, actor: User, plan: HandlingPlan, rng: random.Random
) -> None:
    """The handler carries out the accepted compensation; the approver checks it in the
    billing records."""
    checker = (
        plan.approval_steps.filter(decision=Decision.APPROVED)
        .exclude(approver=actor)
        .order_by("-position")
        .first()
    )
    for item in complaint.compensation_items.filter(status=ItemStatus.ACCEPTED):
        local = timezone.localtime(clock.now())
        prefix = "DATA" if item.form == CompensationForm.DATA else "ADJ"
        reference = f"{prefix}-{local:%Y%m%d}-{rng.randrange(10**5, 10**6)}"
        item = compensation_fulfil(item=item, actor=actor, reference=reference)
        if checker is not None and checker.approver is not None:
            compensation_confirm(
                item=item, actor=checker.approver, method=ConfirmationMethod.RECORDS
            )
