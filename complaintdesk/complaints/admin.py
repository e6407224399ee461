"""Complaints are read-only here: their status and timeline change through the lifecycle only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaintdesk.complaints.admin_forms import SlaPolicyForm, limit_label
from complaintdesk.complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    Escalation,
    SlaPolicy,
)
from complaintdesk.notifications.masking import mask_one_time_links
from complaintdesk.remedies.currency import money


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = ComplaintEvent
    fields = ("created_at", "actor", "kind", "from_status", "to_status", "shown_note", "visibility")
    readonly_fields = fields

    @admin.display(description=_("note"))
    def shown_note(self, event: ComplaintEvent) -> str:
        # Messages written before their one-time links were masked at the source carry them.
        return mask_one_time_links(event.note)


class EscalationInline(ReadOnlyInline):
    # Raised, decided and withdrawn through complaints/escalation_requests.py only.
    model = Escalation
    fk_name = "complaint"
    fields = (
        "raised_at",
        "raised_by",
        "reason",
        "escalated_to",
        "status",
        "decision",
        "decided_by",
        "decided_at",
        "authorised_up_to",
    )
    readonly_fields = fields

    @admin.display(description=_("authorised up to"))
    def authorised_up_to(self, escalation: Escalation) -> str:
        # The ceiling of the complaint's whole compensation set by a decision to authorise.
        if escalation.authorised_amount is None:
            return ""
        return money(escalation.authorised_amount, escalation.authorised_currency)


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin[Complaint]):
    list_display = [
        "tracking_number",
        "received_at",
        "channel",
        "status",
        "department",
        "assignee",
        "resolution_due_at",
    ]
    list_filter = ["status", "channel", "department", "needs_triage"]
    search_fields = ["tracking_number", "subject", "customer__name", "customer__primary_phone"]
    list_select_related = ["department", "assignee"]
    inlines = [EventInline, AttachmentInline, EscalationInline]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Complaint._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    form = SlaPolicyForm
    list_display = [
        "name",
        "nature_key",
        "category_key",
        "channel",
        "customer_tier",
        "first_response_limit",
        "first_response_basis",
        "resolution_limit",
        "resolution_basis",
        "priority",
        "is_active",
    ]
    list_filter = ["is_active", "resolution_basis", "channel", "customer_tier"]
    search_fields = ["name", "nature_key", "category_key"]
    # Each limit's basis first: it says whether the limit is entered in minutes or in days.
    fields = [
        "name",
        "nature_key",
        "category_key",
        "channel",
        "customer_tier",
        "first_response_basis",
        ("first_response_minutes", "first_response_days"),
        "resolution_basis",
        ("resolution_minutes", "resolution_days"),
        "time_limit_key",
        "priority",
        "is_active",
        "description",
    ]

    @admin.display(description=_("first response within"))
    def first_response_limit(self, policy: SlaPolicy) -> str:
        return limit_label(policy.first_response_minutes, policy.first_response_basis)

    @admin.display(description=_("resolution within"))
    def resolution_limit(self, policy: SlaPolicy) -> str:
        return limit_label(policy.resolution_minutes, policy.resolution_basis)
