"""Complaint endpoints: thin — parse, call one service or selector, present."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.accounts.selectors import staff_member_by_username
from complaintdesk.api.auth import request_user
from complaintdesk.api.pagination import PageQuery, page_of
from complaintdesk.api.presenters import attachment_out, complaint_out, complaint_summary, event_out
from complaintdesk.api.schemas import (
    AttachmentOut,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    ConflictOut,
    ErrorOut,
    EventOut,
    EventPage,
    FirstContactIn,
    IntakeReceiptOut,
    NoteIn,
    TransitionIn,
    ValidationErrorOut,
)
from complaintdesk.complaints.errors import InvalidInput, NotAllowed, NotFound
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.selectors import (
    ComplaintFilters,
    complaint_get,
    complaint_list,
    complaint_timeline,
    complaints_visible_to,
)
from complaintdesk.complaints.services import attachment_add, complaint_add_note
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.intake.duplicates import similar_complaints
from complaintdesk.intake.services import (
    ComplaintDraft,
    CustomerDetails,
    IntakeResult,
    complaint_create,
    complaint_resolve_at_first_contact,
)

router = Router(tags=["complaints"])

ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ConflictOut,
    422: ValidationErrorOut | ErrorOut,
}


@router.post(
    "/complaints",
    response={200: ComplaintOut | IntakeReceiptOut, 201: ComplaintOut, **ERRORS},
    summary="Register a complaint",
    description=(
        "Creates and registers a complaint. Send an `Idempotency-Key` header to make retries "
        "safe: the same key with the same body returns the complaint already created (200); "
        "the same key with another body is refused (409). The same customer sending an open "
        "complaint again is recorded as a repeat of it (200). When the complaint answered "
        "with (a repeat or a replay) is one the caller may not view, the 200 carries only "
        "`IntakeReceiptOut`: its tracking number, status and whether it was a repeat."
    ),
)
def create_complaint(
    request: HttpRequest,
    payload: ComplaintIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    user = request_user(request)
    result = complaint_create(draft=_draft(payload), actor=user, idempotency_key=idempotency_key)
    return _intake_answer(result, user)


def _intake_answer(result: IntakeResult, user: User) -> Status[dict[str, Any]]:
    """201 with the complaint created; 200 with the complaint a repeat or a replay matched."""
    complaint = result.complaint
    if result.created or complaints_visible_to(user).filter(pk=complaint.pk).exists():
        return Status(201 if result.created else 200, complaint_out(complaint, user))
    # A repeat or replay of a complaint the caller may not open: GET would be a 404, so the
    # answer must not hand out the stored record either; the number is what they need.
    if result.repeat:
        detail = _("Recorded as a repeat of complaint %(number)s.")
    else:
        detail = _("This request was already recorded as complaint %(number)s.")
    return Status(
        200,
        {
            "tracking_number": complaint.tracking_number,
            "status": complaint.status,
            "status_label": str(complaint.get_status_display()),
            "repeat": result.repeat,
            "detail": detail % {"number": complaint.tracking_number},
        },
    )


def _draft(payload: ComplaintIn) -> ComplaintDraft:
    # The registration's own fields; a subclass (FirstContactIn) adds what its service takes.
    data = payload.dict(include=set(ComplaintIn.model_fields))
    customer = data.pop("customer")
    return ComplaintDraft(
        customer=CustomerDetails(**customer), content_category=data.pop("category"), **data
    )


# Before /complaints/{tracking_number}: that path would take "first-contact" for a number.
@router.post(
    "/complaints/first-contact",
    response={200: ComplaintOut | IntakeReceiptOut, 201: ComplaintOut, **ERRORS},
    summary="Register a complaint solved at first contact",
    description=(
        "Registers a complaint that the caller solved on the spot and resolves it at once "
        "(SPEC §5): the caller is its assignee, it is not routed, no plan or approval is "
        "needed; the customer gets the acknowledgement and the result notice (`resolution`), "
        "and the satisfaction survey follows. Refused, storing nothing, for what a department "
        "must handle: a complaint passed on by an outside body (channel regulator, media, "
        "consumer association or manufacturer, or an `external_body` given) answers 422; one "
        "triaged major or urgent or showing a crisis signal, and the customer's open complaint "
        "sent again, answer 409. The refusal's `field` is `first_contact`: register such a "
        "complaint with `POST /complaints` instead. Send an `Idempotency-Key` header to make "
        "retries safe, as with `POST /complaints`: the same key with the same body returns "
        "the complaint already resolved (200; only `IntakeReceiptOut` when it has since gone "
        "where the caller may not view it); the same key with another body, or a key already "
        "used with `POST /complaints`, is refused (409)."
    ),
)
def resolve_at_first_contact(
    request: HttpRequest,
    payload: FirstContactIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status[dict[str, Any]]:
    user = request_user(request)
    result = complaint_resolve_at_first_contact(
        draft=_draft(payload),
        actor=user,
        resolution=payload.resolution,
        idempotency_key=idempotency_key,
    )
    return _intake_answer(result, user)


class ListQuery(PageQuery):
    status: list[str] | None = None
    category: str = ""
    nature: str = ""
    department: str = ""
    assignee: str = ""
    customer: int | None = None
    channel: str = ""
    overdue: bool | None = None
    needs_triage: bool | None = None
    crisis: bool | None = None
    escalated_to_me: bool = Field(
        False, description="Only complaints escalated to you that wait for your decision"
    )
    q: str = Field(
        "",
        description="Words of the subject or description (traditional and simplified Chinese "
        "find each other), a tracking number, or the customer's name, account, phone or e-mail",
    )


@router.get("/complaints", response={200: ComplaintPage, **ERRORS}, summary="List complaints")
def list_complaints(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    user = request_user(request)
    filters = ComplaintFilters(
        status=query.status,
        category=query.category,
        nature=query.nature,
        department=query.department,
        assignee=query.assignee,
        customer_id=query.customer,
        channel=query.channel,
        overdue=query.overdue,
        needs_triage=query.needs_triage,
        crisis=query.crisis,
        escalated_to_me=query.escalated_to_me,
        text=query.q,
    )
    queryset = complaint_list(user=user, filters=filters)
    return page_of(queryset, query, lambda complaint: complaint_summary(complaint, user))


@router.get(
    "/complaints/{tracking_number}", response={200: ComplaintOut, **ERRORS}, summary="Read one"
)
def get_complaint(request: HttpRequest, tracking_number: str) -> dict[str, Any]:
    user = request_user(request)
    return complaint_out(complaint_get(user=user, tracking_number=tracking_number), user)


@router.get(
    "/complaints/{tracking_number}/events",
    response={200: EventPage, **ERRORS},
    summary="The complaint's timeline",
    description="Oldest first, a page at a time.",
)
def list_events(
    request: HttpRequest, tracking_number: str, query: Query[PageQuery]
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return page_of(complaint_timeline(complaint=complaint), query, lambda e: event_out(e, user))


@router.post(
    "/complaints/{tracking_number}/transitions",
    response={200: ComplaintOut, **ERRORS},
    summary="Run a lifecycle action",
    description="An action that does not apply to the current status answers 409 with the "
    "actions that do.",
)
def run_transition(
    request: HttpRequest, tracking_number: str, payload: TransitionIn
) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    params: dict[str, Any] = {}
    if payload.assignee:
        params["assignee"] = staff_member_by_username(username=payload.assignee)
    if payload.reason:
        params["reason"] = payload.reason
    if payload.into:
        try:
            params["into"] = complaint_get(user=user, tracking_number=payload.into)
        except NotFound as exc:
            raise InvalidInput(exc.message, field="into") from exc
    complaint = complaint_transition(
        complaint=complaint, action=payload.action, actor=user, note=payload.note, params=params
    )
    return complaint_out(complaint_get(user=user, tracking_number=complaint.tracking_number), user)


@router.post(
    "/complaints/{tracking_number}/notes",
    response={201: EventOut, **ERRORS},
    summary="Add a note",
)
def add_note(request: HttpRequest, tracking_number: str, payload: NoteIn) -> Status[dict[str, Any]]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    event = complaint_add_note(
        complaint=complaint,
        actor=user,
        text=payload.text,
        customer_visible=payload.customer_visible,
    )
    return Status(201, event_out(event, user))


@router.post(
    "/complaints/{tracking_number}/attachments",
    response={201: AttachmentOut, **ERRORS},
    summary="Upload an attachment",
)
def upload_attachment(
    request: HttpRequest, tracking_number: str, file: File[UploadedFile]
) -> Status[Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    attachment = attachment_add(
        complaint=complaint, upload=file, name=file.name or "attachment", actor=user
    )
    return Status(201, attachment)


@router.get(
    "/complaints/{tracking_number}/attachments",
    response={200: list[AttachmentOut], **ERRORS},
    summary="List attachments",
)
def list_attachments(request: HttpRequest, tracking_number: str) -> Any:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    return [attachment_out(attachment, user) for attachment in complaint.attachments.all()]


@router.get(
    "/complaints/{tracking_number}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    summary="Download an attachment",
)
def download_attachment(
    request: HttpRequest, tracking_number: str, attachment_id: int
) -> FileResponse:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    if not sees_personal_data(user):
        raise NotAllowed(_("Attachments may hold personal data; your role may not open them."))
    attachment = complaint.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No attachment %(id)d on this complaint.") % {"id": attachment_id})
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


class SimilarOut(Schema):
    tracking_number: str
    subject: str
    status: str
    received_at: datetime
    score: float


@router.get(
    "/complaints/{tracking_number}/similar",
    response={200: list[SimilarOut], **ERRORS},
    summary="Similar complaints",
    description="Complaints most like this one (same wording after normalisation), best first.",
)
def list_similar(request: HttpRequest, tracking_number: str, k: int = 10) -> list[dict[str, Any]]:
    user = request_user(request)
    if not 1 <= k <= 50:
        raise InvalidInput(_("k must be 1 to 50."), field="k")
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    personal = sees_personal_data(user)
    return [
        {
            "tracking_number": match.complaint.tracking_number,
            "subject": (
                match.complaint.subject
                if personal
                else mask_complaint_text(match.complaint.subject, match.complaint)
            ),
            "status": match.complaint.status,
            "received_at": match.complaint.received_at,
            "score": match.score,
        }
        for match in similar_complaints(complaint=complaint, user=user, k=k)
    ]
