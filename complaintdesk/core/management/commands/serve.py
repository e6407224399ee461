"""Run the whole service: the web server, the background task worker and the scheduler.

One command starts them and stops them all: Ctrl-C or SIGTERM stops every process, and if one
of them dies the others are stopped too, so a half-running service never goes unnoticed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve complaintdesk with gunicorn, the task worker and the periodic scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 3)))
        parser.add_argument("--no-worker", action="store_true", help="Web server only.")

    def _commands(self, options: dict[str, Any]) -> dict[str, list[str]]:
        python = sys.executable
        manage = [python, "-m", "complaintdesk"]
        commands = {
            "web": [
                python, "-m", "gunicorn", "complaintdesk.wsgi:application",
                "--bind", options["bind"], "--workers", str(options["workers"]),
                "--threads", "4", "--worker-class", "gthread", "--timeout", "60",
                "--graceful-timeout", "10", "--access-logfile", "-",
            ],
        }  # fmt: skip
        if not options["no_worker"]:
            if settings.TASK_BACKEND == "rq":
                commands["worker"] = [*manage, "rqworker", "--job-class", "django_tasks_rq.Job"]
            else:
                commands["worker"] = [*manage, "db_worker", "--queue-name", "*"]
            commands["scheduler"] = [*manage, "scheduler"]
        return commands

    def handle(self, *args: Any, **options: Any) -> None:
        processes: dict[str, subprocess.Popen[bytes]] = {}
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for name, command in self._commands(options).items():
            processes[name] = subprocess.Popen(command)  # noqa: S603 - our own fixed commands
            self.stdout.write(f"started {name} (pid {processes[name].pid})")
        self.stdout.write(f"complaintdesk is serving on http://{options['bind']}/")
        exit_code = 0
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    self.stderr.write(f"{name} exited with code {process.returncode}; stopping")
                    exit_code = 1
                    stopping = True
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        self.stdout.write("complaintdesk stopped")
        if exit_code:
            sys.exit(exit_code)
