"""Reads of compensation, offers, care and budgets, and the compensation cost report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import department_scope
from complaintdesk.complaints.errors import InvalidInput, NotFound
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaints_visible_to
from complaintdesk.remedies.choices import COMMITTED_STATUSES
from complaintdesk.remedies.models import (
    CareAction,
    CompensationBudget,
    CompensationItem,
    CompensationOffer,
)


def compensation_items_of(*, user: User, complaint: Complaint) -> QuerySet[CompensationItem]:
    return (
        CompensationItem.objects.filter(
            complaint=complaint, complaint__in=complaints_visible_to(user)
        )
        .select_related("policy_clause", "department", "budget")
        .order_by("created_at", "id")
    )


def compensation_item_get(*, user: User, complaint: Complaint, item_id: int) -> CompensationItem:
    found = compensation_items_of(user=user, complaint=complaint).filter(pk=item_id).first()
    if found is None:
        raise NotFound(_("No compensation item %(id)d on this complaint.") % {"id": item_id})
    return found


def offers_of(*, user: User, complaint: Complaint) -> QuerySet[CompensationOffer]:
    return (
        CompensationOffer.objects.filter(
            complaint=complaint, complaint__in=complaints_visible_to(user)
        )
        .prefetch_related("items")
        .order_by("created_at", "id")
    )


def offer_get(*, user: User, complaint: Complaint, offer_id: int) -> CompensationOffer:
    found = offers_of(user=user, complaint=complaint).filter(pk=offer_id).first()
    if found is None:
        raise NotFound(_("No compensation offer %(id)d on this complaint.") % {"id": offer_id})
    return found


def care_actions_of(*, user: User, complaint: Complaint) -> QuerySet[CareAction]:
    return (
        CareAction.objects.filter(complaint=complaint, complaint__in=complaints_visible_to(user))
        .select_related("assignee", "done_by")
        .order_by("scheduled_for", "id")
    )


def care_action_get(*, user: User, complaint: Complaint, action_id: int) -> CareAction:
    found = care_actions_of(user=user, complaint=complaint).filter(pk=action_id).first()
    if found is None:
        raise NotFound(_("No care action %(id)d on this complaint.") % {"id": action_id})
    return found


def budgets_visible_to(user: User, month: date | None = None) -> QuerySet[CompensationBudget]:
    """Budgets of the user's department; every department's for roles that see them all."""
    scope = department_scope(user)
    if scope is None:
        return CompensationBudget.objects.none()
    queryset = CompensationBudget.objects.select_related("department").filter(**scope)
    if month is not None:
        queryset = queryset.filter(month=month.replace(day=1))
    return queryset.order_by("-month", "department__name")


def compensation_charged_visible_to(user: User) -> QuerySet[CompensationItem]:
    """Compensation as money spent, by the department it is charged to: every department's
    for roles that see them all, a handler only their own department's (whichever
    department's complaint it was given on), nobody else anything."""
    scope = department_scope(user)
    items = CompensationItem.objects
    return items.none() if scope is None else items.filter(**scope)


CENT = Decimal("0.01")


@dataclass(frozen=True)
class CostRow:
    """Compensation cost of one month, department, form and cause, in one currency."""

    month: date
    department: str
    form: str
    cause: str
    currency: str
    items: int
    total: Decimal


def compensation_cost_report(
    *, user: User, date_from: datetime, date_to: datetime
) -> list[CostRow]:
    """Committed compensation approved in [date_from, date_to), by month (of approval, in
    the site's time zone), department charged, form and cause (the complaint's top-level
    content category; blank when unclassified). Declined and withdrawn items cost nothing.
    A handler sees only what is charged to their own department, like its budget."""
    if date_to <= date_from:
        raise InvalidInput(_("The period ends before it starts."), field="date_to")
    rows = (
        compensation_charged_visible_to(user)
        .filter(
            status__in=COMMITTED_STATUSES,
            approved_at__gte=date_from,
            approved_at__lt=date_to,
        )
        .annotate(
            month=TruncMonth("approved_at"),
            department_code=F("department__code"),
            cause=Coalesce(
                "complaint__content_category__parent__key",
                "complaint__content_category__key",
                Value(""),
            ),
        )
        .values("month", "department_code", "form", "cause", "currency")
        .annotate(items=Count("id"), total=Sum("amount"))
        .order_by("month", "department_code", "form", "cause", "currency")
    )
    return [
        CostRow(
            month=row["month"].date() if isinstance(row["month"], datetime) else row["month"],
            department=row["department_code"],
            form=row["form"],
            cause=row["cause"],
            currency=row["currency"],
            items=row["items"],
            # SQLite loses the scale of a sum; money is always shown to the cent.
            total=Decimal(row["total"]).quantize(CENT),
        )
        for row in rows
    ]
