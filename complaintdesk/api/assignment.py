"""Moving a complaint to another person or department while it is handled, and changing
the customer's demands: the services are complaints.services.complaint_reassign and
complaint_update_demands; these endpoints only read the request and present the result."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from complaintdesk.accounts.models import User
from complaintdesk.accounts.selectors import staff_member_by_username
from complaintdesk.api.auth import request_user
from complaintdesk.api.complaints import ERRORS
from complaintdesk.api.presenters import complaint_out
from complaintdesk.api.schemas import ComplaintOut
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.complaints.services import complaint_reassign, complaint_update_demands

router = Router(tags=["complaints"])


class ReassignIn(Schema):
    assignee: str = Field(..., description="Username of the new handler")
    reason: str = Field(..., max_length=2000, description="Why it moves (kept on the timeline)")


class DemandsIn(Schema):
    demands: list[str] = Field(..., description="The customer's demands now, e.g. refund")


@router.post(
    "/complaints/{tracking_number}/reassign",
    response={200: ComplaintOut, **ERRORS},
    summary="Move a complaint being handled to another person (and their department)",
    description=(
        "Supervisors and administrators move it anywhere; a department handler only within "
        "their department. Another department's calendar and rules then time it."
    ),
)
def reassign(request: HttpRequest, tracking_number: str, payload: ReassignIn) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    assignee = staff_member_by_username(username=payload.assignee)
    complaint_reassign(complaint=complaint, assignee=assignee, actor=user, reason=payload.reason)
    return _visible_result(user, tracking_number)


@router.put(
    "/complaints/{tracking_number}/demands",
    response={200: ComplaintOut, **ERRORS},
    summary="Change the customer's demands (each change is kept on the timeline)",
)
def update_demands(request: HttpRequest, tracking_number: str, payload: DemandsIn) -> Any:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    complaint_update_demands(complaint=complaint, demands=payload.demands, actor=user)
    return _visible_result(user, tracking_number)


def _visible_result(user: User, tracking_number: str) -> Any:
    # A supervisor who moves a complaint still sees it; read it back as the caller sees it.
    return complaint_out(complaint_get(user=user, tracking_number=tracking_number), user)
