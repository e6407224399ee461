"""Request and response schemas of the handling API (determinations, plans)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from complaintdesk.api.pagination import PageOut
from complaintdesk.api.schemas import TEXT_MAX


class DeterminationIn(Schema):
    party: str = Field(..., description="company, customer, shared, third_party, misunderstanding")
    reason: str = Field(..., description="The sub-reason, e.g. service_defect or malicious")
    facts: str = Field(..., max_length=TEXT_MAX)
    outlet: str = Field("", max_length=200)
    staff: list[str] = Field(default_factory=list, description="Usernames of staff involved")
    note_ids: list[int] = Field(default_factory=list, description="Investigation note event ids")
    attachment_ids: list[int] = Field(default_factory=list)


class ReviewIn(Schema):
    approve: bool
    note: str = Field("", max_length=TEXT_MAX)


class CommunicationIn(Schema):
    communication: str = Field(..., max_length=TEXT_MAX)
    response: str = Field(..., description="accepts, disputes or no_answer")
    apologised: bool = False


class AccountabilityIn(Schema):
    kind: str = Field(..., description="department, staff, customer or third_party")
    measure: str
    department: str = Field("", description="Department code when kind is department")
    staff: str = Field("", description="Username when kind is staff")
    party_name: str = Field("", max_length=200)
    note: str = Field("", max_length=TEXT_MAX)


class RectificationIn(Schema):
    description: str = Field(..., max_length=TEXT_MAX)
    owner: str = Field(..., description="Username of the owner")
    due_on: date


class RectificationUpdateIn(Schema):
    status: str = Field(..., description="open, in_progress, done or cancelled")
    note: str = Field("", max_length=TEXT_MAX)


class AccountabilityOut(Schema):
    id: int
    kind: str
    measure: str
    department: str | None
    staff: str | None
    party_name: str
    note: str


class RectificationOut(Schema):
    id: int
    tracking_number: str
    description: str
    owner: str
    due_on: date
    status: str
    progress_note: str
    done_at: datetime | None


class RectificationPage(PageOut):
    results: list[RectificationOut]


class DeterminationOut(Schema):
    id: int
    tracking_number: str
    status: str
    party: str
    reason: str
    facts: str
    outlet: str
    staff_involved: list[str]
    note_ids: list[int]
    attachment_ids: list[int]
    proposed_by: str
    proposed_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str
    apologised: bool
    customer_communication: str
    customer_response: str
    finalised_at: datetime | None
    accountability: list[AccountabilityOut]
    rectifications: list[RectificationOut]


class PeriodOut(Schema):
    count: int
    by_party: dict[str, int]
    by_reason: dict[str, int]
    results: list[DeterminationOut]


class StepIn(Schema):
    title: str = Field(..., max_length=300)
    due_at: datetime | None = None


class PlanIn(Schema):
    measures: str = Field(..., max_length=TEXT_MAX)
    deadline: datetime
    responsible_department: str = Field(..., description="Department code")
    responsible_person: str = Field(..., description="Username")
    collaborating_departments: list[str] = Field(default_factory=list)
    coordination: str = Field("", max_length=TEXT_MAX)
    risks: str = Field("", max_length=TEXT_MAX)
    agreed_scope: str = Field("", max_length=TEXT_MAX)
    problem_spread: str = Field("", max_length=TEXT_MAX)
    steps: list[StepIn] | None = Field(None, description="Execution steps; omit to keep them")


class DecisionIn(Schema):
    note: str = Field("", max_length=TEXT_MAX)


class RejectIn(Schema):
    reason: str = Field(..., max_length=TEXT_MAX)


class StepCheckIn(Schema):
    note: str = Field(..., max_length=TEXT_MAX)
    send_to_customer: bool = False


class ApprovalStepOut(Schema):
    position: int
    level: str
    reasons: list[str]
    decision: str
    approver: str | None
    note: str
    decided_at: datetime | None


class ExecutionStepOut(Schema):
    id: int
    position: int
    title: str
    due_at: datetime | None
    done_at: datetime | None
    done_by: str | None
    progress_note: str
    sent_to_customer: bool


class PlanOut(Schema):
    id: int
    tracking_number: str
    version: int
    status: str
    measures: str
    deadline: datetime
    responsible_department: str
    responsible_person: str
    collaborating_departments: list[str]
    coordination: str
    risks: str
    agreed_scope: str
    problem_spread: str
    similar_complaints: int = Field(
        ..., description="Complaints alike (category or product) within 30 days, as you see them"
    )
    submitted_by: str | None
    submitted_at: datetime | None
    rejection_reason: str
    compensation: dict[str, str]
    approval_chain: list[ApprovalStepOut]
    steps: list[ExecutionStepOut]
