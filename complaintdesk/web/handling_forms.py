"""Forms of the handling panels of the detail page: responsibility determination,
compensation and care. They parse shapes; the rules stay in the domain services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.models import Department, User
from complaintdesk.complaints.models import Attachment, ComplaintEvent
from complaintdesk.handling.choices import REASONS_BY_PARTY, ResponsibilityReason, ResponsibleParty
from complaintdesk.handling.models import HandlingPlan
from complaintdesk.intake.services import DESCRIPTION_MAX
from complaintdesk.remedies.choices import (
    CareEffect,
    CareKind,
    CompensationForm,
    ConsentDecision,
    ConsentMethod,
)
from complaintdesk.remedies.models import PolicyClause
from complaintdesk.web.forms import DATETIME_LOCAL, DomainErrorMixin, staff_label


def _text(label: Any, *, required: bool = True, rows: int = 2, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


# Compensation ------------------------------------------------------------------------------


class CompensationProposeForm(DomainErrorMixin, forms.Form):
    """One compensation item under a policy clause (remedies/services.compensation_propose)."""

    form = forms.ChoiceField(label=_("Form"), choices=CompensationForm.choices)
    amount = forms.DecimalField(
        label=_("Value"),
        help_text=_("What the customer gets is worth, in the currency below."),
        max_digits=12,
        decimal_places=2,
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="CNY")
    policy_clause = forms.ModelChoiceField(
        label=_("Policy clause"),
        queryset=PolicyClause.objects.none(),
        empty_label=_("Choose the clause that justifies it"),
    )
    assessed_loss = forms.DecimalField(
        label=_("Assessed loss"), required=False, max_digits=12, decimal_places=2
    )
    description = forms.CharField(label=_("Description"), required=False, max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantity"), required=False, max_digits=12, decimal_places=2
    )
    unit = forms.CharField(
        label=_("Unit"), required=False, max_length=20, help_text=_("e.g. GB, points")
    )
    plan = forms.ModelChoiceField(
        label=_("Part of the draft plan"),
        queryset=HandlingPlan.objects.none(),
        required=False,
        empty_label=_("No: on its own"),
        help_text=_("An item in a plan is approved with the plan."),
    )
    department = forms.ModelChoiceField(
        label=_("Charged to department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The complaint's department"),
    )

    def __init__(
        self,
        *args: Any,
        clauses: QuerySet[PolicyClause],
        draft_plans: QuerySet[HandlingPlan],
        departments: QuerySet[Department],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["policy_clause"].queryset = clauses
        fields["policy_clause"].label_from_instance = _clause_label
        fields["department"].queryset = departments
        if draft_plans.exists():
            fields["plan"].queryset = draft_plans
            fields["plan"].label_from_instance = _plan_label
        else:
            del fields["plan"]


def _clause_label(clause: PolicyClause) -> str:
    if clause.max_amount is None:
        return str(clause)
    return str(
        _("%(clause)s (at most %(max)s %(currency)s per item)")
        % {"clause": clause, "max": clause.max_amount, "currency": clause.currency}
    )


def _plan_label(plan: HandlingPlan) -> str:
    return str(_("Version %(version)s") % {"version": plan.version})


class ReasonForm(DomainErrorMixin, forms.Form):
    """Why a proposed item is refused, or an approved one withdrawn; the service asks for it."""

    reason = _text(_("Reason"), required=False)


class OfferForm(DomainErrorMixin, forms.Form):
    """Offer the approved compensation to the customer with a consent link."""

    send_notice = forms.BooleanField(
        label=_("Send the link to the customer now"),
        required=False,
        initial=True,
        help_text=_("Untick to read the offer out yourself and pass the link on."),
    )
    valid_days = forms.IntegerField(
        label=_("Link valid for (days)"), min_value=1, max_value=60, initial=7
    )


class ConsentForm(DomainErrorMixin, forms.Form):
    """The customer's answer given to an agent, and how it was obtained."""

    decision = forms.ChoiceField(
        label=_("Customer's answer"), choices=[("", "—"), *ConsentDecision.choices]
    )
    method = forms.ChoiceField(
        label=_("How it was obtained"),
        choices=[("", "—")] + [c for c in ConsentMethod.choices if c[0] != ConsentMethod.LINK],
    )
    note = _text(_("What the customer said, when and where"), required=False)


# Care ----------------------------------------------------------------------------------------


class CareScheduleForm(DomainErrorMixin, forms.Form):
    """A care action planned for the customer (remedies/care.care_schedule)."""

    kind = forms.ChoiceField(label=_("Care action"), choices=CareKind.choices)
    scheduled_for = forms.DateTimeField(
        label=_("Scheduled for"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    purpose = _text(_("Purpose"), required=False)
    assignee = forms.ModelChoiceField(
        label=_("Carried out by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Myself"),
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["assignee"]
        field.queryset = people
        field.label_from_instance = staff_label


class CareRecordForm(DomainErrorMixin, forms.Form):
    """The outcome of a care action, or why it was not carried out."""

    DONE, CANCELLED = "done", "cancelled"

    outcome = _text(_("Outcome"), required=False)
    effect = forms.ChoiceField(
        label=_("Effect"), required=False, choices=[("", "—"), *CareEffect.choices]
    )
    result = forms.ChoiceField(
        label=_("Carried out?"),
        choices=[(DONE, _("Done")), (CANCELLED, _("Not carried out: cancel it"))],
        initial=DONE,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("result") == self.DONE and not data.get("effect"):
            self.add_error("effect", _("Say what effect the care action had."))
        return data


# Responsibility ------------------------------------------------------------------------------


def _grouped_reasons() -> list[tuple[Any, Any]]:
    """The reasons under their party, as the service pairs them (REASONS_BY_PARTY)."""
    labels = dict(ResponsibilityReason.choices)
    return [
        ("", _("Choose who is responsible and why")),
        *(
            (
                party.label,
                [
                    (r, labels[r])
                    for r in ResponsibilityReason.values
                    if r in REASONS_BY_PARTY[party]
                ],
            )
            for party in ResponsibleParty
        ),
    ]


def party_of(reason: str) -> str:
    """The party a reason belongs to; the service still checks the pair."""
    return next((p for p, reasons in REASONS_BY_PARTY.items() if reason in reasons), "")


class DeterminationForm(DomainErrorMixin, forms.Form):
    """Who is responsible and why, on which facts and evidence (SPEC §6)."""

    domain_fields = {
        "party": "reason",
        "staff_ids": "staff",
        "note_ids": "notes",
        "attachment_ids": "attachments",
    }

    reason = forms.ChoiceField(label=_("Responsibility"))
    facts = _text(_("Established facts"), rows=4)
    outlet = forms.CharField(label=_("Outlet or site involved"), required=False, max_length=200)
    staff = forms.ModelMultipleChoiceField(
        label=_("Staff involved"), queryset=User.objects.none(), required=False
    )
    notes = forms.MultipleChoiceField(
        label=_("Investigation notes cited"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachments = forms.MultipleChoiceField(
        label=_("Evidence cited"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        people: QuerySet[User],
        notes: list[ComplaintEvent],
        attachments: list[Attachment],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["reason"].choices = _grouped_reasons()
        fields["staff"].queryset = people
        fields["staff"].label_from_instance = staff_label
        fields["notes"].choices = [
            (str(n.pk), f"{n.created_at:%Y-%m-%d} · {n.note[:80]}") for n in notes
        ]
        fields["attachments"].choices = [(str(a.pk), a.original_name) for a in attachments]
        for name in ("notes", "attachments"):
            if not fields[name].choices:
                del fields[name]

    def evidence(self) -> dict[str, Any]:
        """The service's keyword arguments from the cleaned form."""
        data = self.cleaned_data
        return {
            "party": party_of(data["reason"]),
            "reason": data["reason"],
            "facts": data["facts"],
            "outlet": data["outlet"],
            "staff_ids": [u.pk for u in data["staff"]],
            "note_ids": [int(i) for i in data.get("notes", [])],
            "attachment_ids": [int(i) for i in data.get("attachments", [])],
        }


class ReviewForm(DomainErrorMixin, forms.Form):
    """Confirm a proposed determination, or send it back with a reason."""

    note = _text(_("Note, or why it is sent back"), required=False)
