"""Background tasks of the complaint record: the time-limit sweep (every minute, see schedule)."""

from __future__ import annotations

from django_tasks import task

from complaintdesk.complaints.escalation import sla_sweep


@task()
def sla_sweep_task() -> dict[str, int]:
    """Warn at the configured share of the time limit and escalate breaches; idempotent."""
    report = sla_sweep()
    return {
        "looked_at": report.looked_at,
        "first_response_overdue": len(report.first_response_overdue),
        "warned": len(report.warned),
        "escalated": len(report.escalated),
    }
