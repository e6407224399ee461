"""`complaintdesk setup --industry NAME`: load an industry's classification preset."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from complaintdesk.routing.defaults import routing_rules_load_defaults
from complaintdesk.triage.taxonomy import available_presets, organisation_industry_set


class Command(BaseCommand):
    help = "Set up the organisation's classification taxonomy from an industry preset."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--industry", required=True, help=", ".join(available_presets()))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            # Records the industry too, so triage uses that industry's category head.
            created = organisation_industry_set(industry=options["industry"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"taxonomy preset {options['industry']!r} loaded ({created} new entries)")
        rules = routing_rules_load_defaults(options["industry"])
        self.stdout.write(f"routing rules: {len(rules.created)} new, {len(rules.kept)} kept")
        for name, code in rules.skipped:
            # Departments may be created later; running set-up again adds these rules.
            self.stdout.write(f"  skipped {name!r}: no department {code!r} yet")
