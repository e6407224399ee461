"""`complaintdesk sla sweep`: warn and escalate complaints by their time limits, once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaintdesk.complaints.escalation import sla_sweep


class Command(BaseCommand):
    help = "Time-limit (SLA) operations: `sweep` warns and escalates the complaints now due."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sweep = actions.add_parser(
            "sweep", help="Warn at the configured share of the time limit; escalate breaches."
        )
        sweep.add_argument("--batch-size", type=int, default=200, help="rows read per query")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] != "sweep":
            raise CommandError(f"unknown action {options['action']!r}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more")
        report = sla_sweep(batch_size=options["batch_size"])
        self.stdout.write(
            f"looked at {report.looked_at}, "
            f"first response overdue {len(report.first_response_overdue)}, "
            f"warned {len(report.warned)}, escalated {len(report.escalated)}"
        )
        for number in report.first_response_overdue:
            self.stdout.write(f"first response overdue {number}")
        for number in report.escalated:
            self.stdout.write(f"escalated {number}")
