"""Messages to the customer: list a complaint's notices, send one by hand."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.api.auth import request_user
from complaintdesk.api.complaints import ERRORS
from complaintdesk.api.pagination import PageOut, PageQuery, page_of
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.core.masking import mask_email, mask_phone, mask_text
from complaintdesk.notifications.choices import NoticeChannel
from complaintdesk.notifications.models import Notice
from complaintdesk.notifications.services import notice_send_by_hand

router = Router(tags=["messages"])


class MessageIn(Schema):
    purpose: str
    note: str = ""
    channel: str = ""


class NoticeOut(Schema):
    id: int
    purpose: str
    channel: str
    requested_channel: str
    fallback_reason: str
    language: str
    recipient: str
    subject: str
    body: str
    status: str
    status_log: list[dict[str, Any]]
    not_before: datetime | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None


class NoticePage(PageOut):
    results: list[NoticeOut]


def notice_out(notice: Notice, user: User) -> dict[str, Any]:
    personal = sees_personal_data(user)
    recipient = notice.recipient
    if not personal:
        email = notice.channel == NoticeChannel.EMAIL
        recipient = mask_email(recipient) if email else mask_phone(recipient)
    return {
        "id": notice.pk,
        "purpose": notice.purpose,
        "channel": notice.channel,
        "requested_channel": notice.requested_channel,
        "fallback_reason": notice.fallback_reason,
        "language": notice.language,
        "recipient": recipient,
        "subject": notice.subject_for_staff
        if personal
        else mask_text(notice.subject_for_staff, names=[notice.complaint.customer.name]),
        "body": notice.body_for_staff
        if personal
        else mask_text(notice.body_for_staff, names=[notice.complaint.customer.name]),
        "status": notice.status,
        "status_log": notice.status_log,
        "not_before": notice.not_before,
        "attempts": notice.attempts,
        "created_at": notice.created_at,
        "sent_at": notice.sent_at,
    }


@router.get(
    "/complaints/{tracking_number}/messages",
    response={200: NoticePage, **ERRORS},
    summary="Messages sent to the customer, with their delivery status",
    description="Oldest first, a page at a time.",
)
def list_messages(
    request: HttpRequest, tracking_number: str, query: Query[PageQuery]
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    notices = complaint.notices.order_by("created_at", "id")
    return page_of(notices, query, lambda notice: notice_out(notice, user))


@router.post(
    "/complaints/{tracking_number}/messages",
    response={201: NoticeOut, **ERRORS},
    summary="Send a message to the customer",
    description=(
        "purpose: progress, suggestion_thanks or follow_up; note: the text that goes into the "
        "template; channel: email, sms or portal (default: the customer's preferred channel, "
        "falling back past opted-out channels to the portal). Delivery runs in the background."
    ),
)
def send_message(
    request: HttpRequest, tracking_number: str, payload: MessageIn
) -> Status[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    notice = notice_send_by_hand(
        complaint=complaint,
        purpose=payload.purpose,
        actor=user,
        note=payload.note,
        channel=payload.channel,
    )
    return Status(201, notice_out(notice, user))
