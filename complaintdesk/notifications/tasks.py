"""Background delivery of notices: one task per notice, and the periodic sweep."""

from __future__ import annotations

from django_tasks import task

from complaintdesk.notifications.services import notice_deliver, notices_send_due


@task()
def deliver_notice(notice_id: int) -> str:
    """Send one notice. Safe to run again: a notice already out is not sent twice."""
    notice = notice_deliver(notice_id=notice_id)
    return notice.status if notice is not None else "missing"


@task()
def send_due_notices() -> int:
    """Send notices held back by quiet hours or a retry backoff, or whose enqueue was lost."""
    return notices_send_due()
