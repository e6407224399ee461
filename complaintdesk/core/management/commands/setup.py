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
        industry = options["industry"]
        rules = routing_rules_load_defaults(industry)
        self.stdout.write(
            f"routing rules: {len(rules.created)} new, {len(rules.kept)} kept, "
            f"{len(rules.skipped)} skipped"
        )
        if not rules.skipped:
            return
        # Not an error: on a fresh install the departments come later (the demo creates its
        # own and loads these rules itself), so set-up still succeeds.
        missing = sorted({code for _name, code in rules.skipped})
        self.stdout.write(
            f"{len(rules.skipped)} routing rules skipped because their departments do not "
            f"exist yet ({', '.join(missing)}):"
        )
        for name, code in rules.skipped:
            self.stdout.write(f"  - {name} (needs department {code!r})")
        self.stdout.write(
            "To load them later: create those departments, then run "
            f"`complaintdesk setup --industry {industry}` again (rules already there are kept "
            "as they are). `complaintdesk demo` creates the demo departments and loads them "
            "itself."
        )
