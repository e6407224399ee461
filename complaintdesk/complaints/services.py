"""Writes on a complaint besides status changes: notes, attachments, reassignment, demands.

Each function validates its input, runs in one transaction and writes a timeline event.
Status changes go through complaints/lifecycle.py only.
"""

from __future__ import annotations

import hashlib
import mimetypes
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import can_write_notes, role_of
from complaintdesk.complaints import sla
from complaintdesk.complaints.choices import (
    FINISHED_STATUSES,
    Demand,
    EventKind,
    Visibility,
)
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.models import Attachment, Complaint, ComplaintEvent
from complaintdesk.core import clock
from complaintdesk.core.limits import TEXT_MAX

# As long as any other text written on a complaint (a description, an action's note, a
# plan): one cap, so a note pasted from one place is never refused in another.
NOTE_MAX = TEXT_MAX


def complaint_add_note(
    *, complaint: Complaint, actor: User, text: str, customer_visible: bool = False
) -> ComplaintEvent:
    """An internal note (investigation, coordination) or a message the customer will see."""
    if not can_write_notes(actor):
        raise NotAllowed(_("Your role may not write notes on complaints."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("The note is empty."), field="text")
    if len(text) > NOTE_MAX:
        raise InvalidInput(
            _("The note is longer than %(max)d characters.") % {"max": NOTE_MAX}, field="text"
        )
    if customer_visible and role_of(actor) == Role.AUDITOR:
        raise NotAllowed(_("Quality auditors write internal notes only."))
    with transaction.atomic():
        if customer_visible:
            # A message to the customer is the first response if none was given yet.
            Complaint.objects.filter(
                pk=complaint.pk, first_responded_at=None, registered_at__isnull=False
            ).update(first_responded_at=clock.now())
        return event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.NOTE,
            note=text,
            visibility=Visibility.CUSTOMER if customer_visible else Visibility.INTERNAL,
        )


def complaint_reassign(
    *, complaint: Complaint, assignee: User, actor: User, reason: str
) -> Complaint:
    """Move a complaint that is being handled to another person, saying why."""
    if role_of(actor) not in {Role.SUPERVISOR, Role.ADMIN, Role.HANDLER}:
        raise NotAllowed(_("Only supervisors and department handlers may reassign complaints."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the reassignment."), field="reason")
    if not assignee.is_active or role_of(assignee) in {Role.ANALYST, Role.AUDITOR}:
        raise InvalidInput(_("Choose an active staff member who handles complaints."), "assignee")
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status in FINISHED_STATUSES:
            raise Conflict(_("A finished complaint cannot be reassigned; reopen it first."))
        if role_of(actor) == Role.HANDLER and (
            locked.department_id != actor.department_id
            or assignee.department_id != actor.department_id
        ):
            raise NotAllowed(_("A department handler reassigns only within their department."))
        if locked.assignee_id == assignee.pk:
            # A move to the same person would write a timeline entry where nothing moved.
            raise Conflict(
                _("The complaint is already assigned to %(assignee)s.")
                % {"assignee": assignee.username}
            )
        before = {"assignee": locked.assignee.username if locked.assignee else None}
        locked.assignee = assignee
        locked.needs_assignment = False
        if assignee.department_id not in {None, locked.department_id}:
            locked.department_id = assignee.department_id
            # Another department: its calendar and rules time the complaint now.
            sla.recompute_clock(locked, clock.now())
        locked.save()
        event_record(
            complaint=locked,
            actor=actor,
            kind=EventKind.ASSIGNED,
            before=before,
            after={"assignee": assignee.username},
            note=reason,
        )
    return locked


def complaint_update_demands(*, complaint: Complaint, demands: list[str], actor: User) -> Complaint:
    """Demands shift during handling (SPEC §2.3); each change is kept on the timeline."""
    unknown = [d for d in demands if d not in Demand.values]
    if unknown:
        raise InvalidInput(
            _("Unknown demand %(demand)s; use any of: %(known)s.")
            % {"demand": unknown[0], "known": ", ".join(Demand.values)},
            field="demands",
        )
    if not can_write_notes(actor) or role_of(actor) == Role.AUDITOR:
        raise NotAllowed(_("Your role may not change a complaint's demands."))
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        new = list(dict.fromkeys(demands))
        if new == locked.demands:
            return locked
        before = {"demands": locked.demands}
        locked.demands = new
        locked.save(update_fields=["demands", "updated_at"])
        event_record(
            complaint=locked,
            actor=actor,
            kind=EventKind.FIELD_CHANGED,
            before=before,
            after={"demands": new},
        )
    return locked


def _sniffed_type(head: bytes, name: str) -> str:
    """The content type from the file's first bytes; the client's word is not trusted."""
    signatures = (
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"ID3", "audio/mpeg"),
    )
    for magic, content_type in signatures:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head.startswith(b"PK\x03\x04"):
        guessed = mimetypes.guess_type(name)[0] or ""
        return (
            guessed if guessed.startswith("application/vnd.openxmlformats") else "application/zip"
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def attachment_add(
    *, complaint: Complaint, upload: IO[bytes], name: str, actor: User
) -> Attachment:
    """Store one piece of evidence through Django's storage API, within the size and type limits."""
    if not can_write_notes(actor) or role_of(actor) == Role.AUDITOR:
        raise NotAllowed(_("Your role may not add attachments."))
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        if not head:
            head = chunk[:64]
        size += len(chunk)
        if size > max_bytes:
            raise InvalidInput(
                _("The file is larger than %(mb).1f MB.") % {"mb": max_bytes / 1024 / 1024},
                field="file",
            )
        digest.update(chunk)
    if size == 0:
        raise InvalidInput(_("The file is empty."), field="file")
    content_type = _sniffed_type(head, name)
    if content_type not in settings.ATTACHMENT_ALLOWED_TYPES:
        raise InvalidInput(
            _("Files of type %(type)s are not accepted.") % {"type": content_type}, field="file"
        )
    safe_name = name.replace("/", "_").replace("\\", "_").strip()[:255] or "attachment"
    upload.seek(0)
    with transaction.atomic():
        attachment = Attachment(
            complaint=complaint,
            original_name=safe_name,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        attachment.file.save(safe_name, File(upload), save=False)
        attachment.save()
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.ATTACHMENT,
            after={"attachment": attachment.pk, "name": safe_name, "size": size},
        )
    return attachment
