"""Enqueue the periodic tasks of core/schedule.py when they are due, until stopped."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from complaintdesk.core.schedule import SCHEDULE


class Command(BaseCommand):
    help = "Run the periodic schedule: enqueue each periodic task when it is due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue every task once and exit.")
        parser.add_argument("--tick", type=float, default=5.0, help="Seconds between checks.")

    def handle(self, *args: Any, **options: Any) -> None:
        tasks = [(entry, import_string(entry.task_path)) for entry in SCHEDULE]
        if options["once"]:
            for entry, task in tasks:
                task.enqueue()
                self.stdout.write(f"enqueued {entry.task_path}")
            return
        running = True

        def stop(signum: int, frame: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        next_run = {entry.task_path: 0.0 for entry, _ in tasks}
        self.stdout.write(f"scheduler: {len(tasks)} periodic tasks")
        while running:
            now = time.monotonic()
            for entry, task in tasks:
                if now >= next_run[entry.task_path]:
                    task.enqueue()
                    next_run[entry.task_path] = now + entry.every_seconds
            time.sleep(options["tick"])
