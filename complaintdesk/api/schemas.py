"""Request and response schemas of the REST API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema
from pydantic import ConfigDict

from complaintdesk.api.pagination import PageOut
from complaintdesk.complaints.services import NOTE_MAX
from complaintdesk.intake.services import DESCRIPTION_MAX

# The services' cap on free text (a description, a note on an action, a plan's text), so
# the API never refuses what the web form and the services accept.
TEXT_MAX = DESCRIPTION_MAX


class CustomerIn(Schema):
    # A misspelt field ("phnoe") would otherwise be dropped and its value lost in silence.
    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=200, description="The customer's name as given.")
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    account_number: str = Field("", max_length=64)
    contract_id: str = Field("", max_length=64)
    tier: str = Field("standard", description="standard, silver, gold or vip")
    preferred_language: str = Field("", max_length=10)
    preferred_channel: str = Field("", max_length=20)
    region: str = Field("", max_length=100)


class ComplaintIn(Schema):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(..., description="hotline, web, email, sms, app, chat, social, …")
    subject: str = Field("", max_length=300)
    description: str = Field(..., min_length=1, max_length=TEXT_MAX)
    customer: CustomerIn
    channel_reference: str = Field("", max_length=200)
    expected_resolution: str = Field("", max_length=5000)
    demands: list[str] = Field(default_factory=list)
    received_at: datetime | None = None
    language: str = Field(
        "", max_length=10, description="zh-Hans, zh-Hant, en, en-GB, …; blank: detected"
    )
    order_reference: str = Field("", max_length=120)
    product_reference: str = Field("", max_length=120)
    category: str = Field("", description="Content taxonomy key, e.g. billing.charge")
    nature: str = Field("", description="general, major or urgent")
    urgency: int | None = Field(None, ge=1, le=4)
    importance: int | None = Field(None, ge=1, le=4)
    external_body: str = Field("", max_length=200)
    external_deadline: datetime | None = None
    is_report: bool = False


class FirstContactIn(ComplaintIn):
    resolution: str = Field(
        ...,
        min_length=1,
        max_length=TEXT_MAX,
        description="What the customer was told and what was done; the result notice says it",
    )


class TaxonomyRef(Schema):
    key: str
    code: str
    label: str


class CustomerOut(Schema):
    id: int
    name: str
    phone: str
    email: str
    account_number: str
    tier: str


class SlaOut(Schema):
    """The live time-limit state; minutes left are business minutes of the complaint's calendar."""

    policy: str
    calendar: str
    first_response_due_at: datetime | None
    first_responded_at: datetime | None
    first_response_breached: bool
    first_response_escalated: bool
    resolution_due_at: datetime | None
    warn_at: datetime | None
    business_minutes_left: int | None
    share_used: float | None
    paused: bool
    paused_since: datetime | None
    warned: bool
    breached: bool
    escalated: bool


class ComplaintOut(Schema):
    tracking_number: str
    status: str
    status_label: str
    channel: str
    channel_reference: str
    received_at: datetime
    registered_at: datetime | None
    subject: str
    description: str
    expected_resolution: str
    demands: list[str]
    language: str
    customer: CustomerOut
    category: TaxonomyRef | None
    nature: TaxonomyRef | None
    urgency: int
    importance: int
    emotion: str
    motive: str
    behaviour: str
    crisis_signals: list[str]
    triage_confidence: float | None
    needs_triage: bool
    department: str | None
    assignee: str | None
    first_response_due_at: datetime | None
    resolution_due_at: datetime | None
    sla_paused: bool
    overdue: bool
    sla: SlaOut
    duplicate_of: str | None
    merged_into: str | None
    reopen_count: int
    allowed_actions: list[str]


class IntakeReceiptOut(Schema):
    """The answer to an intake that matched a complaint the caller may not view.

    A repeat (or an idempotent replay) of a complaint routed to another department says only
    that it was recorded, never the stored record: phone, e-mail, text and assignee stay hidden.
    """

    tracking_number: str
    status: str
    status_label: str
    repeat: bool = Field(
        ...,
        description="True when the submission was recorded as a repeat of an open complaint.",
    )
    detail: str


class ComplaintSummary(Schema):
    tracking_number: str
    status: str
    channel: str
    received_at: datetime
    subject: str
    customer_name: str
    category: str | None
    nature: str | None
    department: str | None
    assignee: str | None
    resolution_due_at: datetime | None
    overdue: bool


class ComplaintPage(PageOut):
    results: list[ComplaintSummary]


class EventOut(Schema):
    id: int
    created_at: datetime
    actor: str | None
    kind: str
    from_status: str
    to_status: str
    before: dict[str, object]
    after: dict[str, object]
    note: str
    visibility: str


class EventPage(PageOut):
    results: list[EventOut]


class TransitionIn(Schema):
    action: str = Field(..., description="register, assign, start, request_info, …")
    note: str = Field("", max_length=TEXT_MAX)
    assignee: str | None = Field(None, description="Username, for assign")
    reason: str | None = Field(None, description="invalid, malicious or duplicate, for reject")
    into: str | None = Field(None, description="Tracking number, for merge")


class NoteIn(Schema):
    # complaint_add_note's own cap.
    text: str = Field(..., min_length=1, max_length=NOTE_MAX)
    customer_visible: bool = False


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ErrorOut(Schema):
    detail: str
    field: str | None = None


class ConflictOut(Schema):
    detail: str
    field: str | None = None
    status: str | None = None
    allowed_actions: list[str] = Field(default_factory=list)


class ValidationErrorItem(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: str
    errors: list[ValidationErrorItem]


class MeOut(Schema):
    username: str
    name: str
    role: str
    department: str | None
