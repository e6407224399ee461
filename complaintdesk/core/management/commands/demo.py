"""`complaintdesk demo`: load the demo telecom operator and print its logins."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaintdesk.core.demo.generator import (
    DEFAULT_COMPLAINTS,
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    DemoConflict,
    DemoReport,
    demo_load,
)


class Command(BaseCommand):
    verbosity = 1
    help = (
        "Create a demo telecom operator: departments, staff of every role, about 2,000 "
        "complaints in Chinese and English over the last 90 days with consistent timelines. "
        "Safe to run again: once loaded, nothing changes. Every demo user gets the same "
        f"password (default {DEFAULT_PASSWORD!r}); the administrator's login is 'admin'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--complaints",
            type=int,
            default=DEFAULT_COMPLAINTS,
            help=f"how many complaints to create (default {DEFAULT_COMPLAINTS})",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"random seed; the same seed gives the same demo (default {DEFAULT_SEED})",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"password of every demo user (default {DEFAULT_PASSWORD!r})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["complaints"] < 0:
            raise CommandError("--complaints must be 0 or more")
        self.verbosity = int(options["verbosity"])
        started = time.monotonic()
        try:
            report = demo_load(
                complaints=options["complaints"],
                seed=options["seed"],
                password=options["password"],
                progress=self._progress,
            )
        except DemoConflict as exc:
            raise CommandError(str(exc)) from exc
        if report.loaded:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo operator loaded: {report.complaints} complaints from "
                    f"{report.customers} customers in {time.monotonic() - started:.1f} s."
                )
            )
            password = options["password"]
        else:
            self.stdout.write(
                "The demo operator is already loaded (user 'admin' in the demo group); "
                "nothing changed."
            )
            password = "(as set when the demo was loaded; default " + DEFAULT_PASSWORD + ")"
        self._print_logins(report, password)

    def _progress(self, done: int, total: int) -> None:
        # The load takes a while; show it is moving.
        if self.verbosity >= 1:
            self.stderr.write(f"  {done}/{total} complaints")

    def _print_logins(self, report: DemoReport, password: str) -> None:
        rows = [("username", "role", "department", "name")]
        rows += [(row.username, row.role, row.department, row.name) for row in report.staff]
        widths = [max(_width(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("")
        for row in rows:
            cells = [_pad(row[column], widths[column]) for column in range(3)]
            self.stdout.write("  ".join([*cells, row[3]]).rstrip())
        self.stdout.write(f"\nPassword for every demo user: {password}")


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
