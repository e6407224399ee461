"""The SLA clock: due times, pauses while awaiting the customer, restarts after a reopen.

The pause shifts both deadlines by the time spent waiting, so time paused for customer
information is never counted against the handler.
"""

from __future__ import annotations

from datetime import datetime

from complaintdesk.complaints.models import Complaint


def pause_clock(complaint: Complaint, at: datetime) -> None:
    if complaint.sla_paused_at is None:
        complaint.sla_paused_at = at


def resume_clock(complaint: Complaint, at: datetime) -> None:
    if complaint.sla_paused_at is None:
        return
    paused_for = at - complaint.sla_paused_at
    if complaint.first_responded_at is None and complaint.first_response_due_at is not None:
        complaint.first_response_due_at += paused_for
    if complaint.resolution_due_at is not None:
        complaint.resolution_due_at += paused_for
    complaint.sla_paused_at = None


def record_first_response(complaint: Complaint, at: datetime) -> None:
    if complaint.first_responded_at is None:
        complaint.first_responded_at = at


def restart_clock_after_reopen(complaint: Complaint, at: datetime) -> None:
    complaint.sla_warned_at = None
    complaint.sla_breached_at = None
    complaint.escalated_at = None
