"""Escalation to higher management by hand, and management's decision (SPEC §4): thin over
complaints/escalation_requests.py, which holds the rules."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.accounts.selectors import staff_member_by_username
from complaintdesk.api.auth import request_user
from complaintdesk.api.complaints import ERRORS
from complaintdesk.api.pagination import PageOut, PageQuery, page_of
from complaintdesk.complaints.choices import EscalationStatus
from complaintdesk.complaints.escalation_requests import (
    complaint_escalate,
    escalation_decide,
    escalation_get,
    escalation_withdraw,
    escalations_of,
    escalations_sent_to,
    may_decide,
    may_withdraw,
)
from complaintdesk.complaints.models import Escalation
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.complaints.services import NOTE_MAX
from complaintdesk.core.masking import mask_complaint_text

router = Router(tags=["escalations"])


class EscalationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        ..., description="complex, higher_level, threat, authority or other", examples=["threat"]
    )
    explanation: str = Field(
        ..., max_length=NOTE_MAX, description="What management should know and decide"
    )
    to: str = Field(
        ...,
        description=(
            "Username of the person it goes to: a supervisor over the complaint's department "
            "or a complaints manager who stands above you, or an administrator"
        ),
    )


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(
        ..., description="approved, take_over, reassign, authorise or reject", examples=["reassign"]
    )
    note: str = Field(..., max_length=NOTE_MAX, description="Management's decision, in words")
    assignee: str | None = Field(None, description="Username of the new handler, for reassign")
    amount: Decimal | None = Field(
        None,
        max_digits=12,
        decimal_places=2,
        description=(
            "For authorise, required: the most the complaint's whole compensation may come "
            "to, within your own approval authority"
        ),
        examples=["3000.00"],
    )
    currency: str | None = Field(
        None, min_length=3, max_length=3, description="For authorise, required: e.g. CNY"
    )


class WithdrawIn(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = Field("", max_length=NOTE_MAX, description="Why it is withdrawn")


class EscalationOut(Schema):
    id: int
    tracking_number: str
    reason: str
    reason_label: str
    explanation: str
    raised_by: str
    raised_at: datetime
    to: str
    status: str
    status_label: str
    decision: str
    decision_label: str
    decision_note: str
    decided_by: str | None
    decided_at: datetime | None
    new_assignee: str | None
    authorised_amount: Decimal | None = Field(
        ..., description="For authorise: the ceiling of the complaint's whole compensation"
    )
    authorised_currency: str | None
    withdrawn_by: str | None
    withdrawn_at: datetime | None
    withdrawal_note: str
    may_decide: bool = Field(..., description="Whether the caller may decide it now")
    may_withdraw: bool = Field(..., description="Whether the caller may withdraw it now")


class EscalationPage(PageOut):
    results: list[EscalationOut]


class WaitingQuery(PageQuery):
    status: str = Field("", description="open, decided or withdrawn; empty: all")


def _name(user: User | None) -> str | None:
    return user.username if user is not None else None


def escalation_out(escalation: Escalation, user: User) -> dict[str, Any]:
    complaint = escalation.complaint
    personal = sees_personal_data(user)

    def shown(text: str) -> str:
        # The explanation retells the customer's words: masked for those who see no names.
        return text if personal else mask_complaint_text(text, complaint)

    waiting = escalation.status == EscalationStatus.OPEN
    return {
        "id": escalation.pk,
        "tracking_number": complaint.tracking_number,
        "reason": escalation.reason,
        "reason_label": str(escalation.get_reason_display()),
        "explanation": shown(escalation.explanation),
        "raised_by": escalation.raised_by.username,
        "raised_at": escalation.raised_at,
        "to": escalation.escalated_to.username,
        "status": escalation.status,
        "status_label": str(escalation.get_status_display()),
        "decision": escalation.decision,
        "decision_label": str(escalation.get_decision_display()) if escalation.decision else "",
        "decision_note": shown(escalation.decision_note),
        "decided_by": _name(escalation.decided_by),
        "decided_at": escalation.decided_at,
        "new_assignee": _name(escalation.new_assignee),
        "authorised_amount": escalation.authorised_amount,
        "authorised_currency": escalation.authorised_currency or None,
        "withdrawn_by": _name(escalation.withdrawn_by),
        "withdrawn_at": escalation.withdrawn_at,
        "withdrawal_note": shown(escalation.withdrawal_note),
        "may_decide": waiting and may_decide(user, escalation),
        "may_withdraw": waiting and may_withdraw(user, escalation),
    }


def _reply(user: User, escalation: Escalation) -> dict[str, Any]:
    # Read back as the caller sees it (a decision may have moved the complaint).
    return escalation_out(
        escalation_get(user=user, complaint=escalation.complaint, escalation_id=escalation.pk),
        user,
    )


@router.post(
    "/complaints/{tracking_number}/escalations",
    response={201: EscalationOut, **ERRORS},
    summary="Escalate a complaint to higher management",
    description=(
        "For a complaint that is complex or special, whose customer asks for a higher level "
        "or threatens, or whose remedy needs more authority than its handler has. Its "
        "assignee, a handler of its department, a supervisor or an administrator escalates "
        "it (403 otherwise) to one person above them, who is told by e-mail. 409 while "
        "another escalation of the complaint waits, or when the complaint is finished."
    ),
)
def escalate(request: HttpRequest, tracking_number: str, payload: EscalationIn) -> Any:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    to = staff_member_by_username(username=payload.to, field="to")
    escalation = complaint_escalate(
        complaint=complaint,
        actor=user,
        reason=payload.reason,
        explanation=payload.explanation,
        to=to,
    )
    return Status(201, _reply(user, escalation))


@router.get(
    "/complaints/{tracking_number}/escalations",
    response={200: EscalationPage, **ERRORS},
    summary="The complaint's escalations and management's decisions",
    description="Oldest first, a page at a time.",
)
def list_escalations(
    request: HttpRequest, tracking_number: str, query: Query[PageQuery]
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    rows = escalations_of(user=user, complaint=complaint)
    return page_of(rows, query, lambda escalation: escalation_out(escalation, user))


@router.post(
    "/complaints/{tracking_number}/escalations/{escalation_id}/decision",
    response={200: EscalationOut, **ERRORS},
    summary="Record management's decision on an escalation",
    description=(
        "By the person it went to, someone higher over the complaint's department, or an "
        "administrator; never by the person who raised it (403). `take_over` makes the "
        "decider the complaint's handler; `reassign` names the new handler in `assignee`; "
        "`authorise` sets in `amount` and `currency` the ceiling of the complaint's whole "
        "compensation, up to which whoever acts for the complaint may then approve it with "
        "the decider's authority (403 beyond the decider's own authority). "
        "409 once it is decided or withdrawn."
    ),
)
def decide(
    request: HttpRequest, tracking_number: str, escalation_id: int, payload: DecisionIn
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    escalation = escalation_get(user=user, complaint=complaint, escalation_id=escalation_id)
    assignee = (
        staff_member_by_username(username=payload.assignee, field="assignee")
        if payload.assignee
        else None
    )
    decided = escalation_decide(
        escalation=escalation,
        actor=user,
        decision=payload.decision,
        note=payload.note,
        assignee=assignee,
        amount=payload.amount,
        currency=payload.currency or "",
    )
    return _reply(user, decided)


@router.post(
    "/complaints/{tracking_number}/escalations/{escalation_id}/withdraw",
    response={200: EscalationOut, **ERRORS},
    summary="Withdraw an escalation that waits for a decision",
    description="By the person who raised it or an administrator (403 otherwise).",
)
def withdraw(
    request: HttpRequest, tracking_number: str, escalation_id: int, payload: WithdrawIn
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    escalation = escalation_get(user=user, complaint=complaint, escalation_id=escalation_id)
    withdrawn = escalation_withdraw(escalation=escalation, actor=user, note=payload.note)
    return _reply(user, withdrawn)


@router.get(
    "/escalations",
    response={200: EscalationPage, **ERRORS},
    summary="Escalations that went to me",
    description="Oldest first; `status=open` lists those waiting for my decision.",
)
def escalations_to_me(request: HttpRequest, query: Query[WaitingQuery]) -> dict[str, Any]:
    user = request_user(request)
    rows = escalations_sent_to(user=user, status=query.status)
    return page_of(rows, query, lambda escalation: escalation_out(escalation, user))
