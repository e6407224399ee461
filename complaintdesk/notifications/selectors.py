"""Reads of notices: a complaint's messages for staff, and what the customer may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import EventKind, Visibility
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.core.ids import normalise_tracking_number
from complaintdesk.notifications.choices import OUT_STATUSES
from complaintdesk.notifications.models import Notice


def complaint_notices(*, user: User, tracking_number: str) -> QuerySet[Notice]:
    """The notices of a complaint the user may see (404 for anyone else), oldest first."""
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return complaint.notices.select_related("created_by").order_by("created_at", "id")


def complaint_for_tracking(*, tracking_number: str, phone_tail: str) -> Complaint | None:
    """The complaint a customer asks about on the public status page, if the phone matches.

    The last four digits of any phone number on the customer's record must match; a wrong
    number and an unknown tracking number look the same.
    """
    tail = "".join(ch for ch in phone_tail if ch.isdigit())
    if len(tail) != 4:
        return None
    complaint = (
        Complaint.objects.select_related("customer")
        .filter(tracking_number=normalise_tracking_number(tracking_number))
        .first()
    )
    if complaint is None:
        return None
    customer = complaint.customer
    phones = {customer.primary_phone, *(customer.phones or [])}
    if not any(phone and phone.endswith(tail) for phone in phones):
        return None
    return complaint


@dataclass(frozen=True)
class PortalMessage:
    """One message as the customer sees it on the status page."""

    at: datetime
    title: str
    text: str


def customer_messages(*, complaint: Complaint) -> list[PortalMessage]:
    """What the customer may read: notices that went out, and notes written for them.

    Internal notes, notices still queued or failed, and the delivery details never appear.
    """
    messages = [
        PortalMessage(at=n.sent_at or n.created_at, title=n.subject, text=n.body)
        for n in complaint.notices.filter(status__in=OUT_STATUSES)
    ]
    messages += [
        PortalMessage(at=e.created_at, title="", text=e.note)
        for e in complaint.events.filter(kind=EventKind.NOTE, visibility=Visibility.CUSTOMER)
    ]
    return sorted(messages, key=lambda m: m.at)
