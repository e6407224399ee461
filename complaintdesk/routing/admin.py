"""Routing rules in the configuration admin, in the order they are tried."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaintdesk.routing.models import RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = ["order", "name", "department", "queue_role", "skill", "is_active"]
    list_display_links = ["name"]
    list_editable = ["order", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["name", "category_key", "keywords"]
    list_select_related = ["department"]
    fieldsets = (
        (None, {"fields": ("name", "order", "is_active", "description")}),
        (
            _("Conditions (all must hold; empty means any)"),
            {
                "fields": (
                    "category_key",
                    "nature_key",
                    "object_key",
                    "channels",
                    "customer_tiers",
                    "language",
                    "keywords",
                    "confidence_below",
                    "confidence_at_least",
                )
            },
        ),
        (_("Target"), {"fields": ("department", "skill", "queue_role")}),
    )
