"""Compensation, consent, fulfilment, care and cost report endpoints: thin over the services."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.api.auth import request_user
from complaintdesk.api.complaints import ERRORS
from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.core.limits import TEXT_MAX
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.handling.selectors import plan_get
from complaintdesk.notifications.policy import public_base_url
from complaintdesk.remedies import care, consent, services
from complaintdesk.remedies.models import (
    CareAction,
    CompensationBudget,
    CompensationItem,
    CompensationOffer,
    PolicyClause,
)
from complaintdesk.remedies.selectors import (
    budgets_visible_to,
    care_action_get,
    care_actions_of,
    compensation_cost_report,
    compensation_item_get,
    compensation_items_of,
    offer_get,
    offers_of,
)

router = Router(tags=["compensation and care"])


class PolicyClauseOut(Schema):
    code: str
    title: str
    kind: str
    text: str
    max_amount: Decimal | None
    currency: str
    allowed_forms: list[str] = Field(..., description="Forms it justifies; empty: any form")


class ItemIn(Schema):
    form: str = Field(..., description="service_credit, data, value_added, gift, coupon, …")
    # Zero and below are refused by the service, with a message that says why.
    amount: Decimal = Field(..., max_digits=12, decimal_places=2)
    currency: str = Field("CNY", min_length=3, max_length=3)
    policy_clause: str = Field(..., description="Code of the policy clause that justifies it")
    assessed_loss: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    description: str = Field("", max_length=300)
    quantity: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    unit: str = Field("", max_length=20)
    plan_id: int | None = Field(None, description="A draft plan of this complaint")
    department: str = Field("", description="Department charged; default the complaint's")


class ItemOut(Schema):
    id: int
    form: str
    description: str
    quantity: Decimal | None
    unit: str
    amount: Decimal
    currency: str
    assessed_loss: Decimal | None
    policy_clause: str
    department: str
    plan_id: int | None
    status: str
    offer_id: int | None
    approved_by: str | None
    approved_at: datetime | None
    fulfilment_reference: str
    fulfilled_at: datetime | None
    confirmed_at: datetime | None
    confirmation_method: str
    effect_note: str


class ReasonIn(Schema):
    reason: str = Field(..., max_length=TEXT_MAX)


class OfferIn(Schema):
    send_notice: bool = True
    valid_days: int = Field(7, ge=1, le=60)


class OfferOut(Schema):
    id: int
    expires_at: datetime
    decision: str
    method: str
    decided_at: datetime | None
    note: str
    item_ids: list[int]


class OfferCreatedOut(OfferOut):
    link: str = Field(..., description="The single-use consent link; shown only now")


class ConsentIn(Schema):
    decision: str = Field(..., description="accepted or declined")
    method: str = Field(..., description="phone, in_person, written or message")
    note: str = Field(..., max_length=TEXT_MAX)


class FulfilIn(Schema):
    reference: str = Field(..., max_length=200)
    note: str = Field("", max_length=TEXT_MAX)


class ConfirmIn(Schema):
    method: str = Field(..., description="customer, records or site")
    effect_note: str = Field("", max_length=TEXT_MAX)


class CareIn(Schema):
    kind: str = Field(..., description="call, visit, sms or web_reply")
    scheduled_for: datetime
    purpose: str = Field(..., max_length=TEXT_MAX)
    assignee: str = Field("", description="Username; default yourself")


class CareRecordIn(Schema):
    outcome: str = Field(..., max_length=TEXT_MAX)
    effect: str = Field("", description="improved, unchanged, worse or unknown")
    done: bool = True


class CareOut(Schema):
    id: int
    kind: str
    purpose: str
    scheduled_for: datetime
    assignee: str
    status: str
    outcome: str
    effect: str
    done_at: datetime | None


class BudgetOut(Schema):
    department: str
    month: date
    currency: str
    amount: Decimal
    committed: Decimal
    remaining: Decimal


class CostRowOut(Schema):
    month: date
    department: str
    form: str
    cause: str
    currency: str
    items: int
    total: Decimal


class ReportQuery(Schema):
    date_from: datetime
    date_to: datetime


class BudgetQuery(Schema):
    month: str = Field("", description="YYYY-MM, e.g. 2026-11; empty: every month")


def _text(value: str, user: User, complaint: Complaint) -> str:
    # Free text may quote the customer's name, number or address; analysts read it masked.
    return value if sees_personal_data(user) else mask_complaint_text(value, complaint)


def item_out(item: CompensationItem, user: User) -> dict[str, Any]:
    return {
        "id": item.pk,
        "form": item.form,
        "description": _text(item.description, user, item.complaint),
        "quantity": item.quantity,
        "unit": item.unit,
        "amount": item.amount,
        "currency": item.currency,
        "assessed_loss": item.assessed_loss,
        "policy_clause": item.policy_clause.code,
        "department": item.department.code,
        "plan_id": item.plan_id,
        "status": item.status,
        "offer_id": item.offer_id,
        "approved_by": item.approved_by.username if item.approved_by else None,
        "approved_at": item.approved_at,
        "fulfilment_reference": item.fulfilment_reference,
        "fulfilled_at": item.fulfilled_at,
        "confirmed_at": item.confirmed_at,
        "confirmation_method": item.confirmation_method,
        "effect_note": _text(item.effect_note, user, item.complaint),
    }


def offer_out(offer: CompensationOffer, user: User) -> dict[str, Any]:
    return {
        "id": offer.pk,
        "expires_at": offer.expires_at,
        "decision": offer.decision,
        "method": offer.method,
        "decided_at": offer.decided_at,
        "note": _text(offer.note, user, offer.complaint),
        "item_ids": sorted(i.pk for i in offer.items.all()),
    }


def care_out(action: CareAction, user: User) -> dict[str, Any]:
    return {
        "id": action.pk,
        "kind": action.kind,
        "purpose": _text(action.purpose, user, action.complaint),
        "scheduled_for": action.scheduled_for,
        "assignee": action.assignee.username,
        "status": action.status,
        "outcome": _text(action.outcome, user, action.complaint),
        "effect": action.effect,
        "done_at": action.done_at,
    }


def budget_out(budget: CompensationBudget) -> dict[str, Any]:
    return {
        "department": budget.department.code,
        "month": budget.month,
        "currency": budget.currency,
        "amount": budget.amount,
        "committed": budget.committed,
        "remaining": budget.remaining,
    }


def _item(request: HttpRequest, tracking_number: str, item_id: int) -> CompensationItem:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return compensation_item_get(user=user, complaint=complaint, item_id=item_id)


def _item_reply(request: HttpRequest, item: CompensationItem) -> dict[str, Any]:
    user = request_user(request)
    found = compensation_item_get(user=user, complaint=item.complaint, item_id=item.pk)
    return item_out(found, user)


ITEMS = "/complaints/{tracking_number}/compensation"


@router.get("/policy-clauses", response={200: list[PolicyClauseOut], **ERRORS}, summary="Policy")
def list_policy_clauses(request: HttpRequest) -> Any:
    request_user(request)
    return list(PolicyClause.objects.filter(is_active=True))


@router.get(ITEMS, response={200: list[ItemOut], **ERRORS}, summary="Compensation items")
def list_items(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return [item_out(i, user) for i in compensation_items_of(user=user, complaint=complaint)]


@router.post(ITEMS, response={201: ItemOut, **ERRORS}, summary="Propose compensation")
def propose_item(
    request: HttpRequest, tracking_number: str, payload: ItemIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    clause = PolicyClause.objects.filter(code=payload.policy_clause).first()
    if clause is None:
        raise InvalidInput(
            _("No policy clause %(code)s.") % {"code": payload.policy_clause}, "policy_clause"
        )
    department = None
    if payload.department:
        department = Department.objects.filter(code=payload.department, is_active=True).first()
        if department is None:
            raise InvalidInput(
                _("No active department %(code)s.") % {"code": payload.department}, "department"
            )
    plan = (
        plan_get(user=user, complaint=complaint, plan_id=payload.plan_id)
        if payload.plan_id
        else None
    )
    item = services.compensation_propose(
        complaint=complaint,
        actor=user,
        form=payload.form,
        amount=payload.amount,
        currency=payload.currency,
        policy_clause=clause,
        assessed_loss=payload.assessed_loss,
        description=payload.description,
        quantity=payload.quantity,
        unit=payload.unit,
        plan=plan,
        department=department,
    )
    return Status(201, _item_reply(request, item))


@router.post(ITEMS + "/{item_id}/approve", response={200: ItemOut, **ERRORS}, summary="Approve")
def approve_item(request: HttpRequest, tracking_number: str, item_id: int) -> dict[str, Any]:
    item = services.compensation_approve(
        item=_item(request, tracking_number, item_id), actor=request_user(request)
    )
    return _item_reply(request, item)


@router.post(ITEMS + "/{item_id}/cancel", response={200: ItemOut, **ERRORS}, summary="Withdraw")
def cancel_item(
    request: HttpRequest, tracking_number: str, item_id: int, payload: ReasonIn
) -> dict[str, Any]:
    item = services.compensation_cancel(
        item=_item(request, tracking_number, item_id),
        actor=request_user(request),
        reason=payload.reason,
    )
    return _item_reply(request, item)


@router.post(ITEMS + "/{item_id}/fulfil", response={200: ItemOut, **ERRORS}, summary="Fulfil")
def fulfil_item(
    request: HttpRequest, tracking_number: str, item_id: int, payload: FulfilIn
) -> dict[str, Any]:
    item = services.compensation_fulfil(
        item=_item(request, tracking_number, item_id),
        actor=request_user(request),
        reference=payload.reference,
        note=payload.note,
    )
    return _item_reply(request, item)


@router.post(
    ITEMS + "/{item_id}/confirm", response={200: ItemOut, **ERRORS}, summary="Confirm delivery"
)
def confirm_item(
    request: HttpRequest, tracking_number: str, item_id: int, payload: ConfirmIn
) -> dict[str, Any]:
    item = services.compensation_confirm(
        item=_item(request, tracking_number, item_id),
        actor=request_user(request),
        method=payload.method,
        effect_note=payload.effect_note,
    )
    return _item_reply(request, item)


OFFERS = "/complaints/{tracking_number}/compensation-offers"


@router.get(OFFERS, response={200: list[OfferOut], **ERRORS}, summary="Compensation offers")
def list_offers(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return [offer_out(o, user) for o in offers_of(user=user, complaint=complaint)]


@router.post(
    OFFERS,
    response={201: OfferCreatedOut, **ERRORS},
    summary="Offer the approved compensation to the customer",
)
def make_offer(
    request: HttpRequest, tracking_number: str, payload: OfferIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    offer, link = consent.compensation_offer(
        complaint=complaint,
        actor=user,
        # Customers open the link from outside: the public address, not the caller's host.
        base_url=public_base_url() or request.build_absolute_uri("/"),
        send_notice=payload.send_notice,
        valid_days=payload.valid_days,
    )
    return Status(201, {**offer_out(offer, user), "link": link})


@router.post(
    OFFERS + "/{offer_id}/consent",
    response={200: OfferOut, **ERRORS},
    summary="Record the customer's answer and how it was obtained",
)
def record_consent(
    request: HttpRequest, tracking_number: str, offer_id: int, payload: ConsentIn
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    offer = consent.offer_record_consent(
        offer=offer_get(user=user, complaint=complaint, offer_id=offer_id),
        actor=user,
        decision=payload.decision,
        method=payload.method,
        note=payload.note,
    )
    return offer_out(offer, user)


CARE = "/complaints/{tracking_number}/care"


@router.get(CARE, response={200: list[CareOut], **ERRORS}, summary="Care actions")
def list_care(request: HttpRequest, tracking_number: str) -> list[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return [care_out(a, user) for a in care_actions_of(user=user, complaint=complaint)]


@router.post(CARE, response={201: CareOut, **ERRORS}, summary="Schedule a care action")
def schedule_care(
    request: HttpRequest, tracking_number: str, payload: CareIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    assignee: User | None = None
    if payload.assignee:
        assignee = User.objects.filter(username=payload.assignee, is_active=True).first()
        if assignee is None:
            raise InvalidInput(
                _("No active staff member %(name)s.") % {"name": payload.assignee}, "assignee"
            )
    action = care.care_schedule(
        complaint=complaint,
        actor=user,
        kind=payload.kind,
        scheduled_for=payload.scheduled_for,
        purpose=payload.purpose,
        assignee=assignee,
    )
    return Status(201, care_out(action, user))


@router.post(CARE + "/{action_id}/record", response={200: CareOut, **ERRORS}, summary="Record")
def record_care(
    request: HttpRequest, tracking_number: str, action_id: int, payload: CareRecordIn
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    action = care.care_record(
        action=care_action_get(user=user, complaint=complaint, action_id=action_id),
        actor=user,
        outcome=payload.outcome,
        effect=payload.effect,
        done=payload.done,
    )
    return care_out(action, user)


@router.get("/compensation/budgets", response={200: list[BudgetOut], **ERRORS}, summary="Budgets")
def list_budgets(request: HttpRequest, query: Query[BudgetQuery]) -> list[dict[str, Any]]:
    user = request_user(request)
    month = services.budget_month(query.month) if query.month else None
    return [budget_out(b) for b in budgets_visible_to(user, month)]


@router.get(
    "/compensation/report",
    response={200: list[CostRowOut], **ERRORS},
    summary="Compensation cost by month, department, form and cause",
)
def cost_report(request: HttpRequest, query: Query[ReportQuery]) -> list[Any]:
    return list(
        compensation_cost_report(
            user=request_user(request), date_from=query.date_from, date_to=query.date_to
        )
    )
