"""Configuration: the compensation policy library and the monthly budgets.

A budget's committed amount is kept by the approvals and is read-only here.
"""

from __future__ import annotations

from django.contrib import admin

from complaintdesk.remedies.models import CompensationBudget, PolicyClause


@admin.register(PolicyClause)
class PolicyClauseAdmin(admin.ModelAdmin[PolicyClause]):
    list_display = ["code", "title", "kind", "max_amount", "currency", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "title", "text"]


@admin.register(CompensationBudget)
class CompensationBudgetAdmin(admin.ModelAdmin[CompensationBudget]):
    list_display = ["department", "month", "amount", "committed", "currency"]
    list_filter = ["department", "currency"]
    readonly_fields = ["committed"]
    date_hierarchy = "month"
