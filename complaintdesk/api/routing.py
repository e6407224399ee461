"""Routing rule endpoints (administrators only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from complaintdesk.api.auth import request_user
from complaintdesk.api.schemas import ErrorOut, ValidationErrorOut
from complaintdesk.complaints.errors import NotFound
from complaintdesk.complaints.sla_policies import require_administrator
from complaintdesk.routing.models import RoutingRule
from complaintdesk.routing.services import (
    routing_rule_create,
    routing_rule_delete,
    routing_rule_update,
)

router = Router(tags=["routing"])

ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ValidationErrorOut | ErrorOut,
}


class RoutingRuleIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    order: int = Field(100, ge=0)
    is_active: bool = True
    category_key: str = Field("", description="Content key; a top-level key covers its children")
    nature_key: str = ""
    object_key: str = ""
    channels: list[str] = Field(default_factory=list)
    customer_tiers: list[str] = Field(default_factory=list)
    language: str = Field("", description="zh or en; empty: any")
    keywords: list[str] = Field(default_factory=list)
    confidence_below: float | None = Field(None, ge=0, le=1)
    confidence_at_least: float | None = Field(None, ge=0, le=1)
    department: str = Field(..., description="Target department code")
    skill: str = Field("", description="Needed skill; empty: the complaint's category; *: none")
    queue_role: str = Field("", description="supervisor or handler; empty: handlers and agents")
    description: str = ""


class RoutingRulePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    order: int | None = Field(None, ge=0)
    is_active: bool | None = None
    category_key: str | None = None
    nature_key: str | None = None
    object_key: str | None = None
    channels: list[str] | None = None
    customer_tiers: list[str] | None = None
    language: str | None = None
    keywords: list[str] | None = None
    confidence_below: float | None = Field(None, ge=0, le=1)
    confidence_at_least: float | None = Field(None, ge=0, le=1)
    department: str | None = None
    skill: str | None = None
    queue_role: str | None = None
    description: str | None = None


class RoutingRuleOut(Schema):
    id: int
    name: str
    order: int
    is_active: bool
    category_key: str
    nature_key: str
    object_key: str
    channels: list[str]
    customer_tiers: list[str]
    language: str
    keywords: list[str]
    confidence_below: float | None
    confidence_at_least: float | None
    department: str
    skill: str
    queue_role: str
    description: str
    updated_at: datetime


def _out(rule: RoutingRule) -> dict[str, Any]:
    return {
        **{
            name: getattr(rule, name)
            for name in RoutingRuleOut.model_fields
            if name != "department"
        },
        "department": rule.department.code,
    }


def _rule(rule_id: int) -> RoutingRule:
    rule = RoutingRule.objects.select_related("department").filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("No routing rule %(id)d.") % {"id": rule_id})
    return rule


@router.get("/routing-rules", response={200: list[RoutingRuleOut], **ERRORS}, summary="List rules")
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    require_administrator(request_user(request), reading=True)
    return [_out(rule) for rule in RoutingRule.objects.select_related("department")]


@router.post("/routing-rules", response={201: RoutingRuleOut, **ERRORS}, summary="Add a rule")
def create_rule(request: HttpRequest, payload: RoutingRuleIn) -> Status[dict[str, Any]]:
    return Status(
        201, _out(routing_rule_create(actor=request_user(request), values=payload.dict()))
    )


@router.get("/routing-rules/{rule_id}", response={200: RoutingRuleOut, **ERRORS}, summary="Read")
def get_rule(request: HttpRequest, rule_id: int) -> dict[str, Any]:
    require_administrator(request_user(request), reading=True)
    return _out(_rule(rule_id))


@router.patch(
    "/routing-rules/{rule_id}", response={200: RoutingRuleOut, **ERRORS}, summary="Change a rule"
)
def update_rule(request: HttpRequest, rule_id: int, payload: RoutingRulePatch) -> dict[str, Any]:
    user = request_user(request)
    require_administrator(user)
    values = payload.dict(exclude_unset=True)
    return _out(routing_rule_update(actor=user, rule=_rule(rule_id), values=values))


@router.delete("/routing-rules/{rule_id}", response={204: None, **ERRORS}, summary="Delete")
def delete_rule(request: HttpRequest, rule_id: int) -> Status[None]:
    user = request_user(request)
    require_administrator(user)
    routing_rule_delete(actor=user, rule=_rule(rule_id))
    return Status(204, None)
