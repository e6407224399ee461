"""The periodic schedule: which background tasks run how often.

The `scheduler` command enqueues each entry through Django's tasks API when it is due; the
task backend (database or RQ) and its workers do the work. Tasks are idempotent and sweeps
claim rows atomically, so an extra run never does the work twice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicTask:
    task_path: str
    every_seconds: int


SCHEDULE: tuple[PeriodicTask, ...] = (
    PeriodicTask("complaintdesk.core.tasks.prune_finished_task_results", 6 * 3600),
    PeriodicTask("complaintdesk.notifications.tasks.send_due_notices", 60),
    PeriodicTask("complaintdesk.complaints.tasks.sla_sweep_task", 60),
    PeriodicTask("complaintdesk.triage.tasks.retrain_triage_model", 24 * 3600),
    PeriodicTask("complaintdesk.surveys.tasks.surveys_sweep_task", 15 * 60),
)
