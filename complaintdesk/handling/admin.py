"""Configuration: the authority matrix and each approver's level and limit.

Determinations and plans change through the services only; they are not edited here.
"""

from __future__ import annotations

from django.contrib import admin

from complaintdesk.handling.models import ApprovalAuthority, AuthorityRule


@admin.register(AuthorityRule)
class AuthorityRuleAdmin(admin.ModelAdmin[AuthorityRule]):
    list_display = [
        "name",
        "nature_key",
        "compensation_above",
        "currency",
        "required_level",
        "is_active",
    ]
    list_filter = ["required_level", "is_active"]
    list_editable = ["is_active"]


@admin.register(ApprovalAuthority)
class ApprovalAuthorityAdmin(admin.ModelAdmin[ApprovalAuthority]):
    list_display = ["user", "level", "limit", "currency"]
    list_filter = ["level"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
