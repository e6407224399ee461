"""The survey sweep, run periodically (core/schedule.py)."""

from __future__ import annotations

from dataclasses import asdict

from django_tasks import task

from complaintdesk.surveys.services import surveys_sweep


@task()
def surveys_sweep_task() -> dict[str, int]:
    """Remind, mark expiry, and close complaints whose survey went unanswered; idempotent."""
    return asdict(surveys_sweep())
