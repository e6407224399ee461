"""Time-limit endpoints: the policy table (administrators) and the at-risk / overdue queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from complaintdesk.api.auth import request_user
from complaintdesk.api.pagination import PageOut, PageQuery, page_of
from complaintdesk.api.presenters import complaint_summary
from complaintdesk.api.schemas import ComplaintSummary, ErrorOut, ValidationErrorOut
from complaintdesk.complaints.errors import NotFound
from complaintdesk.complaints.models import SlaPolicy
from complaintdesk.complaints.selectors import complaint_at_risk_list
from complaintdesk.complaints.sla_policies import (
    require_administrator,
    sla_policy_create,
    sla_policy_delete,
    sla_policy_update,
)

router = Router(tags=["time limits"])

ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut | ErrorOut,
}


class SlaPolicyIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    nature_key: str = Field("", description="general, major, urgent; empty: any")
    category_key: str = Field("", description="Content key, top or second level; empty: any")
    channel: str = Field("", description="Channel; empty: any")
    customer_tier: str = Field("", description="standard, silver, gold, vip; empty: any")
    first_response_minutes: int = Field(..., ge=1)
    first_response_basis: str = Field("business", description="business or calendar")
    resolution_minutes: int = Field(..., ge=1)
    resolution_basis: str = Field("business", description="business or calendar")
    time_limit_key: str = ""
    priority: int = 100
    is_active: bool = True
    description: str = ""


class SlaPolicyPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    nature_key: str | None = None
    category_key: str | None = None
    channel: str | None = None
    customer_tier: str | None = None
    first_response_minutes: int | None = Field(None, ge=1)
    first_response_basis: str | None = None
    resolution_minutes: int | None = Field(None, ge=1)
    resolution_basis: str | None = None
    time_limit_key: str | None = None
    priority: int | None = None
    is_active: bool | None = None
    description: str | None = None


class SlaPolicyOut(Schema):
    id: int
    name: str
    nature_key: str
    category_key: str
    channel: str
    customer_tier: str
    first_response_minutes: int
    first_response_basis: str
    resolution_minutes: int
    resolution_basis: str
    time_limit_key: str
    priority: int
    is_active: bool
    description: str
    updated_at: datetime


class AtRiskPage(PageOut):
    results: list[ComplaintSummary]


def _policy(policy_id: int) -> SlaPolicy:
    policy = SlaPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("No time-limit policy %(id)d.") % {"id": policy_id})
    return policy


@router.get(
    "/sla-policies", response={200: list[SlaPolicyOut], **ERRORS}, summary="List time limits"
)
def list_policies(request: HttpRequest) -> list[SlaPolicy]:
    require_administrator(request_user(request), reading=True)
    return list(SlaPolicy.objects.all())


@router.post(
    "/sla-policies", response={201: SlaPolicyOut, **ERRORS}, summary="Add a time-limit policy"
)
def create_policy(request: HttpRequest, payload: SlaPolicyIn) -> Status[SlaPolicy]:
    return Status(201, sla_policy_create(actor=request_user(request), values=payload.dict()))


@router.get(
    "/sla-policies/{policy_id}",
    response={200: SlaPolicyOut, **ERRORS},
    summary="Read a time-limit policy",
)
def get_policy(request: HttpRequest, policy_id: int) -> SlaPolicy:
    require_administrator(request_user(request), reading=True)
    return _policy(policy_id)


@router.patch(
    "/sla-policies/{policy_id}",
    response={200: SlaPolicyOut, **ERRORS},
    summary="Change a time-limit policy",
    description="Complaints already registered keep the terms their clock started with.",
)
def update_policy(request: HttpRequest, policy_id: int, payload: SlaPolicyPatch) -> SlaPolicy:
    user = request_user(request)
    require_administrator(user)
    values = payload.dict(exclude_unset=True)
    return sla_policy_update(actor=user, policy=_policy(policy_id), values=values)


@router.delete(
    "/sla-policies/{policy_id}", response={204: None, **ERRORS}, summary="Delete a policy"
)
def delete_policy(request: HttpRequest, policy_id: int) -> Status[None]:
    user = request_user(request)
    require_administrator(user)
    sla_policy_delete(actor=user, policy=_policy(policy_id))
    return Status(204, None)


class AtRiskQuery(PageQuery):
    overdue: bool = Field(False, description="Only complaints past their resolution due time")


@router.get(
    "/complaints/at-risk",
    response={200: AtRiskPage, **ERRORS},
    tags=["complaints"],
    summary="At risk and overdue",
    description="Open complaints that have used the warning share of their time limit or are "
    "overdue, the earliest due first; only complaints the caller may see.",
)
def at_risk(request: HttpRequest, query: Query[AtRiskQuery]) -> dict[str, Any]:
    user = request_user(request)
    queryset = complaint_at_risk_list(user=user, overdue_only=query.overdue)
    return page_of(queryset, query, lambda complaint: complaint_summary(complaint, user))
