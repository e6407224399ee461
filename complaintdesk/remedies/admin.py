"""Configuration: the compensation policy library and the monthly budgets.

A budget's committed amount is kept by the approvals and is read-only here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.remedies.choices import CompensationForm
from complaintdesk.remedies.currency import rate_of
from complaintdesk.remedies.models import CompensationBudget, PolicyClause
from complaintdesk.remedies.services import budget_month


class PolicyClauseForm(forms.ModelForm[PolicyClause]):
    # Ticked from the forms there are, stored as their list (none ticked: any form).
    allowed_forms = forms.MultipleChoiceField(
        label=_("allowed forms"),
        choices=CompensationForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The forms of compensation this clause justifies; none chosen: any form."),
    )

    class Meta:
        model = PolicyClause
        fields = [
            "code",
            "title",
            "kind",
            "text",
            "max_amount",
            "currency",
            "allowed_forms",
            "is_active",
        ]


@admin.register(PolicyClause)
class PolicyClauseAdmin(admin.ModelAdmin[PolicyClause]):
    form = PolicyClauseForm
    list_display = ["code", "title", "kind", "max_amount", "currency", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "title", "text"]


class BudgetForm(forms.ModelForm[CompensationBudget]):
    # A budget is for a month: entered as YYYY-MM and stored as its first day, which is
    # where approvals look it up.
    month = forms.CharField(
        label=_("month"),
        help_text=_("The month as YYYY-MM, for example 2026-11."),
        widget=forms.TextInput(attrs={"placeholder": "YYYY-MM", "size": 8}),
    )

    class Meta:
        model = CompensationBudget
        fields = ["department", "month", "currency", "amount"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and isinstance(self.instance.month, date):
            self.initial["month"] = f"{self.instance.month:%Y-%m}"

    def clean_month(self) -> date:
        try:
            return budget_month(self.cleaned_data["month"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_currency(self) -> str:
        currency = str(self.cleaned_data["currency"]).upper()
        try:
            rate_of(currency)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from exc
        return currency


@admin.register(CompensationBudget)
class CompensationBudgetAdmin(admin.ModelAdmin[CompensationBudget]):
    form = BudgetForm
    list_display = ["department", "month", "amount", "committed", "currency"]
    list_filter = ["department", "currency"]
    readonly_fields = ["committed"]
    date_hierarchy = "month"
