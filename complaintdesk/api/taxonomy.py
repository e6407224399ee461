"""Taxonomy endpoints: read the classification values, export them, import a file (admins)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import ROLES_CONFIGURING, role_of
from complaintdesk.api.schemas import ErrorOut, ValidationErrorOut
from complaintdesk.complaints.errors import InvalidInput, NotAllowed
from complaintdesk.triage.models import TaxonomyEntry
from complaintdesk.triage.taxonomy import (
    format_for,
    taxonomy_dump,
    taxonomy_export,
    taxonomy_import,
    taxonomy_list,
    taxonomy_parse,
)

router = Router(tags=["taxonomy"])

# A real taxonomy file is a few tens of kilobytes.
MAX_IMPORT_BYTES = 1_000_000
CONTENT_TYPES = {"yaml": "application/yaml; charset=utf-8", "json": "application/json"}

ERRORS: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut | ErrorOut,
}


class TaxonomyEntryOut(Schema):
    dimension: str
    key: str
    code: str
    label: str
    label_en: str
    label_zh: str
    parent: str | None
    grouping: dict[str, str]
    active: bool
    order: int


class ImportReportOut(Schema):
    dry_run: bool
    created: list[str]
    updated: list[str]
    retired: list[str]
    reactivated: list[str]
    unchanged: int


def _entry_out(entry: TaxonomyEntry) -> dict[str, Any]:
    return {
        "dimension": entry.dimension,
        "key": entry.key,
        "code": entry.code,
        "label": entry.label,
        "label_en": entry.label_en,
        "label_zh": entry.label_zh,
        "parent": entry.parent.key if entry.parent else None,
        "grouping": entry.grouping or {},
        "active": entry.is_active,
        "order": entry.sort_order,
    }


@router.get(
    "/taxonomy",
    response={200: list[TaxonomyEntryOut], **ERRORS},
    summary="List classification values",
    description=(
        "Every dimension's entries in display order, with parent keys. Retired entries are "
        "left out unless `include_retired=true`; they still show on the complaints that have "
        "them."
    ),
)
def list_taxonomy(
    request: HttpRequest, dimension: str | None = None, include_retired: bool = False
) -> list[dict[str, Any]]:
    entries = taxonomy_list(dimension=dimension, include_retired=include_retired)
    return [_entry_out(entry) for entry in entries]


@router.get(
    "/taxonomy/export",
    response={200: None, **ERRORS},
    summary="Export the taxonomy",
    description="The taxonomy as a YAML or JSON file that `POST /taxonomy/import` accepts.",
)
def export_taxonomy(
    request: HttpRequest, format: Literal["yaml", "json"] = "yaml", dimension: str | None = None
) -> HttpResponse:
    text = taxonomy_dump(taxonomy_export(dimension), format=format)
    response = HttpResponse(text, content_type=CONTENT_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="taxonomy.{format}"'
    return response


@router.post(
    "/taxonomy/import",
    response={200: ImportReportOut, **ERRORS},
    summary="Import a taxonomy file (administrators)",
    description=(
        "Adds, updates and retires entries from a YAML or JSON file (JSON when the file name "
        "ends in .json); nothing is deleted. All or nothing: a bad file changes nothing and the "
        "answer names every problem. `dry_run=true` reports without changing; "
        "`retire_missing=true` retires entries of the file's dimensions that it does not list."
    ),
)
def import_taxonomy(
    request: HttpRequest,
    file: File[UploadedFile],
    dry_run: bool = False,
    retire_missing: bool = False,
) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    if role_of(user) not in ROLES_CONFIGURING:
        raise NotAllowed(_("Only administrators may import the taxonomy."))
    if (file.size or 0) > MAX_IMPORT_BYTES:
        raise InvalidInput(
            _("The file is larger than %(size)d bytes.") % {"size": MAX_IMPORT_BYTES}, "file"
        )
    try:
        text = file.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(_("The file is not UTF-8 text."), "file") from exc
    data = taxonomy_parse(text, format=format_for(file.name or ""))
    report = taxonomy_import(data, dry_run=dry_run, retire_missing=retire_missing)
    return report.as_dict()
