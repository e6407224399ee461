"""Forms of the escalation panel of the detail page: escalate a complaint to management,
decide an escalation, withdraw one. They parse shapes; the rules stay in
complaints/escalation_requests.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import EscalationDecision, EscalationReason
from complaintdesk.complaints.services import NOTE_MAX
from complaintdesk.web.forms import DomainErrorMixin, staff_label


def _text(label: Any, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _people(field: Any, people: QuerySet[User]) -> None:
    field.queryset = people
    field.label_from_instance = staff_label


class EscalateForm(DomainErrorMixin, forms.Form):
    """Why the complaint goes to management, and to whom (only those the service accepts)."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason")), *EscalationReason.choices],
    )
    explanation = _text(_("Explanation"), help_text=_("What management should know and decide."))
    to = forms.ModelChoiceField(
        label=_("Escalate to"),
        queryset=User.objects.none(),
        empty_label=_("Choose who decides"),
    )

    def __init__(self, *args: Any, recipients: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service's order, the nearest level first.
        order = Case(
            *(When(pk=user.pk, then=Value(place)) for place, user in enumerate(recipients)),
            default=Value(len(recipients)),
        )
        people = User.objects.filter(pk__in=[user.pk for user in recipients])
        _people(self.fields["to"], people.select_related("department").order_by(order))
        self.offers_someone = bool(recipients)


class DecideForm(DomainErrorMixin, forms.Form):
    """Management's decision; a reassignment names the new handler, an authorisation of a
    higher remedy the ceiling of the complaint's whole compensation."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", _("Choose the decision")), *EscalationDecision.choices],
    )
    assignee = forms.ModelChoiceField(
        label=_("New handler"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Only for a reassignment"),
    )
    amount = forms.DecimalField(
        label=_("Compensation authorised up to"),
        required=False,
        max_digits=12,
        decimal_places=2,
        help_text=_(
            "The most the complaint's whole compensation may come to, within your own "
            "approval authority; whoever handles the complaint may approve up to it."
        ),
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3, initial="CNY")
    note = _text(
        _("Management's decision"),
        help_text=_("What is decided and why; the handler and the timeline read it."),
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _people(self.fields["assignee"], people)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A handler picked before the decision changed is not a reassignment, nor the
        # currency shown from the start a ceiling.
        if cleaned.get("decision") != EscalationDecision.REASSIGN:
            cleaned["assignee"] = None
        if cleaned.get("decision") != EscalationDecision.AUTHORISE:
            cleaned["amount"], cleaned["currency"] = None, ""
        return cleaned


class WithdrawForm(DomainErrorMixin, forms.Form):
    note = _text(_("Why it is withdrawn"), required=False)
