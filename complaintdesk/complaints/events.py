"""Writing the timeline: every change to a complaint goes through `event_record`."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from complaintdesk.complaints.choices import Visibility
from complaintdesk.complaints.models import Complaint, ComplaintEvent
from complaintdesk.core import clock


def event_record(
    *,
    complaint: Complaint,
    actor: Any,
    kind: str,
    note: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    visibility: str = Visibility.INTERNAL,
) -> ComplaintEvent:
    """Append one event. Must run inside the transaction that makes the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("complaint events are written inside the transaction of the change")
    return ComplaintEvent.objects.create(
        created_at=clock.now(),
        complaint=complaint,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        note=note,
        before=before or {},
        after=after or {},
        from_status=from_status,
        to_status=to_status,
        visibility=visibility,
    )
