"""Surveys, follow-up visits and rejection reviews, read-only: they change through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from complaintdesk.surveys.models import FollowUpVisit, RejectionReview, Survey


class _ReadOnly(admin.ModelAdmin[Any]):
    # Answers, outcomes and reviews are records of what people said and did.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(_ReadOnly):
    list_display = ["complaint", "round", "status", "sent_at", "overall", "problem_solved"]
    list_filter = ["status", "overall", "problem_solved", "consequence"]
    search_fields = ["complaint__tracking_number"]
    exclude = ["token_hash", "reminder_token_hash"]
    date_hierarchy = "sent_at"


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(_ReadOnly):
    list_display = ["complaint", "kind", "due_at", "status", "reached", "problem_returned"]
    list_filter = ["kind", "status", "reached", "problem_returned"]
    search_fields = ["complaint__tracking_number"]


@admin.register(RejectionReview)
class RejectionReviewAdmin(_ReadOnly):
    list_display = ["complaint", "reason", "status", "proposed_by", "reviewed_by", "proposed_at"]
    list_filter = ["status", "reason"]
    search_fields = ["complaint__tracking_number"]
