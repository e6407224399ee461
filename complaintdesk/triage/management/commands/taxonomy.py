"""`complaintdesk taxonomy export|import`: the classification taxonomy as YAML or JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from complaintdesk.complaints.errors import DomainError
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.taxonomy import (
    FORMATS,
    ImportReport,
    format_for,
    taxonomy_dump,
    taxonomy_export,
    taxonomy_import,
    taxonomy_parse,
)


class Command(BaseCommand):
    help = "Export the classification taxonomy to a YAML or JSON file, or import one."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="Write the taxonomy, retired entries included.")
        export.add_argument("--format", choices=FORMATS, default="yaml")
        export.add_argument("--output", help="File to write; standard output if left out.")
        export.add_argument("--dimension", choices=Dimension.values, help="Only this dimension.")
        load = actions.add_parser(
            "import", help="Add, update and retire entries from a file; nothing is deleted."
        )
        load.add_argument("file", help="A .yaml, .yml or .json file.")
        load.add_argument("--dry-run", action="store_true", help="Report, change nothing.")
        load.add_argument(
            "--retire-missing",
            action="store_true",
            help="Retire entries of the file's dimensions that the file does not list.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self._export(options)
        else:
            self._import(options)

    def _export(self, options: dict[str, Any]) -> None:
        text = taxonomy_dump(taxonomy_export(options["dimension"]), format=options["format"])
        if not options["output"]:
            self.stdout.write(text, ending="")
            return
        try:
            Path(options["output"]).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(problem)s")
                % {"file": options["output"], "problem": exc.strerror}
            ) from exc

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(problem)s") % {"file": path, "problem": exc}
            ) from exc
        try:
            data = taxonomy_parse(text, format=format_for(path.name))
            report = taxonomy_import(
                data, dry_run=options["dry_run"], retire_missing=options["retire_missing"]
            )
        except DomainError as exc:
            raise CommandError(
                _("%(file)s was not imported, nothing changed:\n%(problems)s")
                % {"file": path, "problems": exc.message}
            ) from exc
        self._summary(report)

    def _summary(self, report: ImportReport) -> None:
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was changed."))
        for title, keys in (
            (_("created"), report.created),
            (_("updated"), report.updated),
            (_("retired"), report.retired),
            (_("reactivated"), report.reactivated),
        ):
            for key in keys:
                self.stdout.write(f"  {title}: {key}")
        self.stdout.write(
            _(
                "%(created)d created, %(updated)d updated, %(retired)d retired, "
                "%(reactivated)d reactivated, %(unchanged)d unchanged."
            )
            % {
                "created": len(report.created),
                "updated": len(report.updated),
                "retired": len(report.retired),
                "reactivated": len(report.reactivated),
                "unchanged": report.unchanged,
            }
        )
