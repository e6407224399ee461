"""Turning domain objects into API output, masking personal data for those who may not see it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.complaints.choices import OPEN_STATUSES
from complaintdesk.complaints.lifecycle import allowed_actions
from complaintdesk.complaints.models import Attachment, Complaint, ComplaintEvent
from complaintdesk.complaints.sla import sla_state
from complaintdesk.core import clock
from complaintdesk.core.masking import mask_complaint_text, mask_email, mask_name, mask_phone
from complaintdesk.notifications.masking import mask_one_time_links
from complaintdesk.triage.models import TaxonomyEntry


def _taxonomy(entry: TaxonomyEntry | None) -> dict[str, str] | None:
    if entry is None:
        return None
    return {"key": entry.key, "code": entry.code, "label": entry.label}


def is_overdue(complaint: Complaint) -> bool:
    return (
        complaint.status in OPEN_STATUSES
        and complaint.sla_paused_at is None
        and complaint.resolution_due_at is not None
        and complaint.resolution_due_at < clock.now()
    )


def _shown_text(complaint: Complaint, personal: bool) -> Callable[[str], str]:
    """How the complaint's free text reads to a role: in full, or masked."""
    if personal:
        return lambda text: text
    return lambda text: mask_complaint_text(text, complaint)


def _masked_values(value: Any, complaint: Complaint) -> Any:
    """An event's before/after with every text masked (a file name, a reason)."""
    if isinstance(value, str):
        return mask_complaint_text(value, complaint)
    if isinstance(value, dict):
        return {key: _masked_values(item, complaint) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked_values(item, complaint) for item in value]
    return value


def complaint_out(complaint: Complaint, user: User) -> dict[str, Any]:
    customer = complaint.customer
    personal = sees_personal_data(user)
    shown = _shown_text(complaint, personal)
    return {
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "status_label": str(complaint.get_status_display()),
        "channel": complaint.channel,
        "channel_reference": complaint.channel_reference,
        "received_at": complaint.received_at,
        "registered_at": complaint.registered_at,
        "subject": shown(complaint.subject),
        "description": shown(complaint.description),
        "expected_resolution": shown(complaint.expected_resolution),
        "demands": complaint.demands,
        "language": complaint.language,
        "customer": {
            "id": customer.pk,
            "name": customer.name if personal else mask_name(customer.name),
            "phone": customer.primary_phone if personal else mask_phone(customer.primary_phone),
            "email": customer.primary_email if personal else mask_email(customer.primary_email),
            "account_number": (
                customer.account_number if personal else mask_phone(customer.account_number)
            ),
            "tier": customer.tier,
        },
        "category": _taxonomy(complaint.content_category),
        "nature": _taxonomy(complaint.nature),
        "urgency": complaint.urgency,
        "importance": complaint.importance,
        "emotion": complaint.emotion,
        "motive": complaint.motive,
        "behaviour": complaint.behaviour,
        "crisis_signals": complaint.crisis_signals,
        "triage_confidence": complaint.triage_confidence,
        "needs_triage": complaint.needs_triage,
        "department": complaint.department.code if complaint.department else None,
        "assignee": complaint.assignee.username if complaint.assignee else None,
        "first_response_due_at": complaint.first_response_due_at,
        "resolution_due_at": complaint.resolution_due_at,
        "sla_paused": complaint.sla_paused_at is not None,
        "overdue": is_overdue(complaint),
        "sla": asdict(sla_state(complaint, clock.now())),
        "duplicate_of": complaint.duplicate_of.tracking_number if complaint.duplicate_of else None,
        "merged_into": complaint.merged_into.tracking_number if complaint.merged_into else None,
        "reopen_count": complaint.reopen_count,
        "allowed_actions": allowed_actions(complaint, user),
    }


def complaint_summary(complaint: Complaint, user: User) -> dict[str, Any]:
    personal = sees_personal_data(user)
    return {
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "channel": complaint.channel,
        "received_at": complaint.received_at,
        "subject": _shown_text(complaint, personal)(complaint.subject),
        "customer_name": (
            complaint.customer.name if personal else mask_name(complaint.customer.name)
        ),
        "category": complaint.content_category.key if complaint.content_category else None,
        "nature": complaint.nature.key if complaint.nature else None,
        "department": complaint.department.code if complaint.department else None,
        "assignee": complaint.assignee.username if complaint.assignee else None,
        "resolution_due_at": complaint.resolution_due_at,
        "overdue": is_overdue(complaint),
    }


def event_out(event: ComplaintEvent, user: User) -> dict[str, Any]:
    personal = sees_personal_data(user)
    # Messages written before their links were masked at the source still carry them.
    note = mask_one_time_links(event.note)
    complaint = event.complaint
    return {
        "id": event.pk,
        "created_at": event.created_at,
        "actor": event.actor.username if event.actor else None,
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "before": event.before if personal else _masked_values(event.before, complaint),
        "after": event.after if personal else _masked_values(event.after, complaint),
        "note": note if personal else mask_complaint_text(note, complaint),
        "visibility": event.visibility,
    }


def attachment_out(attachment: Attachment, user: User) -> dict[str, Any]:
    """An attachment's record; its file name often carries the customer's name or number
    (张伟_身份证.jpg). Whether the file may be opened is the download endpoint's question."""
    name = attachment.original_name
    return {
        "id": attachment.pk,
        "original_name": (
            name if sees_personal_data(user) else mask_complaint_text(name, attachment.complaint)
        ),
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
    }
