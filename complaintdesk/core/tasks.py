"""Housekeeping background tasks."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django_tasks import task


@task()
def prune_finished_task_results() -> None:
    """Keep the database task table small: drop results of tasks finished over a week ago."""
    if settings.TASK_BACKEND == "database":
        call_command("prune_db_task_results", "--min-age-days", "7", verbosity=0)
