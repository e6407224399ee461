"""Forms of the staff UI. They parse and check shapes; the rules stay in the domain services."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import (
    OPEN_STATUSES,
    Channel,
    Demand,
    RejectionReason,
    Status,
)
from complaintdesk.complaints.errors import DomainError
from complaintdesk.complaints.lifecycle import Transition
from complaintdesk.complaints.selectors import ComplaintFilters
from complaintdesk.intake.services import DESCRIPTION_MAX, ComplaintDraft, CustomerDetails
from complaintdesk.triage.choices import Behaviour, CrisisSignal, Emotion, Motive
from complaintdesk.triage.services import REVIEWABLE_HEADS
from complaintdesk.web.selectors import FilterOptions

OPEN = "open"
# The value format of an <input type="datetime-local">: local time, to the minute.
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class ComplaintFilterForm(forms.Form):
    """The complaint list's filters, read from the query string."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("Tracking number, subject or text"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    nature = forms.ChoiceField(label=_("Nature"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(_("Any channel")) + Channel.choices
    )
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    at_risk = forms.BooleanField(label=_("At risk"), required=False)
    needs_triage = forms.BooleanField(label=_("Needs triage"), required=False)
    crisis = forms.BooleanField(label=_("Crisis signals"), required=False)
    escalated_to_me = forms.BooleanField(label=_("Escalated to me"), required=False)

    def __init__(self, *args: Any, options: FilterOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Any status")),
            (OPEN, _("All open")),
            *Status.choices,
        ]
        fields["category"].choices = _blank(_("Any category")) + [  # type: ignore[attr-defined]
            (entry.key, entry.label) for entry in options.categories
        ]
        fields["nature"].choices = _blank(_("Any nature")) + [  # type: ignore[attr-defined]
            (entry.key, entry.label) for entry in options.natures
        ]
        fields["department"].choices = _blank(_("Any department")) + [  # type: ignore[attr-defined]
            (department.code, str(department)) for department in options.departments
        ]
        fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            ("none", _("Unassigned")),
            *((user.username, str(user)) for user in options.assignees),
        ]

    def to_filters(self) -> ComplaintFilters:
        """The selector's filters from the fields that are valid; an invalid one is ignored."""
        data = self.cleaned_data if self.is_bound else {}
        status = data.get("status", "")
        statuses: list[str] | None
        if status == OPEN:
            statuses = [s for s in Status.values if s in OPEN_STATUSES]
        else:
            statuses = [status] if status else None
        return ComplaintFilters(
            status=statuses,
            category=data.get("category", ""),
            nature=data.get("nature", ""),
            department=data.get("department", ""),
            assignee=data.get("assignee", ""),
            channel=data.get("channel", ""),
            overdue=True if data.get("overdue") else None,
            at_risk=bool(data.get("at_risk")),
            needs_triage=True if data.get("needs_triage") else None,
            crisis=True if data.get("crisis") else None,
            escalated_to_me=bool(data.get("escalated_to_me")),
            text=data.get("q", ""),
        )


class DomainErrorMixin:
    """Shows a DomainError on the field it names, or above the form when it names none."""

    # Domain field names (from services and the API) that differ from this form's names.
    domain_fields: dict[str, str] = {}

    def add_domain_error(self, exc: DomainError) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        name = self.domain_fields.get(exc.field or "", exc.field or "")
        form.add_error(name if name in form.fields else None, str(exc.message))


class ComplaintCreateForm(DomainErrorMixin, forms.Form):
    """Registration of a complaint by an agent, typically during the customer's call."""

    domain_fields = {
        "customer": "customer_name",
        "customer.phone": "customer_phone",
        "customer.email": "customer_email",
        "customer.account_number": "customer_account",
        "first_contact": "solved_at_first_contact",
    }

    channel = forms.ChoiceField(
        label=_("Channel"), choices=Channel.choices, initial=Channel.HOTLINE
    )
    received_at = forms.DateTimeField(
        label=_("Received"),
        required=False,
        help_text=_("Leave empty when the complaint is coming in now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    customer_name = forms.CharField(label=_("Customer name"), required=False, max_length=200)
    customer_phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    customer_email = forms.EmailField(label=_("E-mail"), required=False)
    customer_account = forms.CharField(label=_("Account number"), required=False, max_length=64)
    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        max_length=300,
        help_text=_("Optional: the first line of the description is used when empty."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, in the customer's words; keep it factual."),
    )
    expected_resolution = forms.CharField(
        label=_("Expected resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    demands = forms.MultipleChoiceField(
        label=_("Demands"),
        required=False,
        choices=Demand.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Passed on by an outside body: its reference and its deadline for our reply set the
    # time limit (SPEC §1). Any channel may name one, so the fields are always there.
    external_body = forms.CharField(
        label=_("Passed on by"),
        required=False,
        max_length=200,
        help_text=_(
            "The body that passed it on: a regulator, a newspaper or TV station, a "
            "consumer association, the manufacturer."
        ),
    )
    channel_reference = forms.CharField(label=_("Their reference"), required=False, max_length=200)
    external_deadline = forms.DateTimeField(
        label=_("Their deadline for our reply"),
        required=False,
        help_text=_("In your local time; the time limit is set so the reply is not late."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    solved_at_first_contact = forms.BooleanField(
        label=_("Solved at first contact"),
        required=False,
        help_text=_(
            "Solved on the spot by you: it is registered, assigned to you and resolved at "
            "once, and the customer gets the result and the satisfaction survey. Not for "
            "major or urgent complaints nor ones passed on by an outside body."
        ),
    )
    resolution = forms.CharField(
        label=_("Resolution told to the customer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to the customer as the result; required when solved at first contact."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        keys = ("customer_name", "customer_phone", "customer_email", "customer_account")
        if not any(data.get(key) for key in keys):
            raise forms.ValidationError(
                _("Say who is complaining: a name, phone, e-mail or account number.")
            )
        if data.get("resolution", "").strip() and not data.get("solved_at_first_contact"):
            # A resolution written without the box ticked would silently be dropped.
            self.add_error(
                "resolution",
                _("Tick “Solved at first contact” to resolve it now, or clear the resolution."),
            )
        return data

    def add_domain_error(self, exc: DomainError) -> None:
        if exc.field != "first_contact":
            super().add_domain_error(exc)
            return
        # The service's advice is worded for API clients too; on this form it means the box.
        how = _("Here: untick “Solved at first contact” and clear the resolution.")
        self.add_error("solved_at_first_contact", f"{exc.message} {how}")

    def to_draft(self) -> ComplaintDraft:
        data = self.cleaned_data
        return ComplaintDraft(
            channel=data["channel"],
            subject=data["subject"],
            description=data["description"],
            expected_resolution=data["expected_resolution"],
            demands=list(data["demands"]),
            received_at=data["received_at"],
            external_body=data["external_body"].strip(),
            channel_reference=data["channel_reference"].strip(),
            external_deadline=data["external_deadline"],
            customer=CustomerDetails(
                name=data["customer_name"],
                phone=data["customer_phone"],
                email=data["customer_email"],
                account_number=data["customer_account"],
            ),
        )


class NoteForm(DomainErrorMixin, forms.Form):
    domain_fields = {"text": "text"}

    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write a note…")}),
    )
    customer_visible = forms.BooleanField(label=_("Visible to the customer"), required=False)


class AttachmentForm(DomainErrorMixin, forms.Form):
    file = forms.FileField(label=_("File"))


class TransitionForm(DomainErrorMixin, forms.Form):
    """The fields one lifecycle action needs: always a note, and the action's parameters."""

    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, transition: Transition, assignees: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        note = self.fields["note"]
        if transition.note_required:
            # The lifecycle's own wording says what the note must contain.
            note.required = True
            note.help_text = transition.note_required
        if transition.action == "assign":
            self.fields["assignee"] = forms.ModelChoiceField(
                label=_("Assign to"),
                queryset=assignees if assignees is not None else User.objects.none(),
                empty_label=_("Choose a staff member"),
            )
            self.fields["assignee"].label_from_instance = staff_label  # type: ignore[attr-defined]
        elif transition.action == "reject":
            self.fields["reason"] = forms.ChoiceField(
                label=_("Reason"), choices=_blank(_("Choose a reason")) + RejectionReason.choices
            )
        elif transition.action == "merge":
            self.fields["into"] = forms.CharField(
                label=_("Merge into tracking number"),
                max_length=20,
                widget=forms.TextInput(attrs={"placeholder": "XXXX-XXXX-X"}),
            )
        # Put the note last, after the action's own fields.
        self.order_fields([name for name in self.fields if name != "note"] + ["note"])


class RejectionReviewForm(forms.Form):
    """A second supervisor declining a proposed rejection, or its proposer withdrawing it."""

    note = forms.CharField(label=_("Note"), required=False, max_length=DESCRIPTION_MAX)


def staff_label(user: User) -> str:
    department = user.department.name if user.department else _("no department")
    return f"{user} · {user.get_role_display()} · {department}"


class TriageReviewForm(DomainErrorMixin, forms.Form):
    """An agent's verdict on the predicted labels in one submit: a label left as it is is
    accepted, a changed one is corrected (triage/services.complaint_triage_review)."""

    category = forms.ChoiceField(label=_("Category"))
    nature = forms.ChoiceField(label=_("Nature"))
    emotion = forms.ChoiceField(label=_("Emotion"), choices=Emotion.choices)
    motive = forms.ChoiceField(label=_("Motive"), choices=Motive.choices)
    behaviour = forms.ChoiceField(label=_("Behaviour"), choices=Behaviour.choices)
    crisis_signals = forms.MultipleChoiceField(
        label=_("Crisis signals"),
        choices=CrisisSignal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[str, str]],
        natures: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        category: Any = self.fields["category"]
        nature: Any = self.fields["nature"]
        category.choices = _blank("—") + categories
        nature.choices = _blank("—") + natures

    def verdict(self, current: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
        """(accepted heads, corrections) against the complaint's current labels."""
        accepted: list[str] = []
        corrections: dict[str, Any] = {}
        for head in REVIEWABLE_HEADS:
            value = self.cleaned_data[head]
            if head == "crisis_signals":
                value = sorted(value)
            if value == current.get(head):
                accepted.append(head)
            else:
                corrections[head] = value
        return accepted, corrections


class PlanForm(DomainErrorMixin, forms.Form):
    """A handling plan's content, for a first draft or a revision (handling/plans.py)."""

    domain_fields = {"steps": "steps_text"}

    measures = forms.CharField(label=_("Measures"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        # A datetime-local input shows only this format; the field's prepare_value has already
        # put the value in the current (the user's) time zone.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    responsible_person = forms.ModelChoiceField(
        label=_("Responsible person"),
        queryset=User.objects.none(),
        empty_label=_("Choose a staff member"),
    )
    steps_text = forms.CharField(
        label=_("Execution steps"),
        help_text=_("One step per line, in order."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    coordination = forms.CharField(
        label=_("How to coordinate"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    risks = forms.CharField(
        label=_("Risks and countermeasures"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    agreed_scope = forms.CharField(
        label=_("Service scope agreed with the customer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["responsible_person"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = staff_label  # type: ignore[attr-defined]

    def steps(self) -> list[tuple[str, datetime | None]]:
        lines = self.cleaned_data["steps_text"].splitlines()
        return [(line.strip(), None) for line in lines if line.strip()]


class PlanDecisionForm(DomainErrorMixin, forms.Form):
    """Approve the current step of a plan's approval chain (a note), or send it back (a
    reason, which the service requires)."""

    domain_fields = {"reason": "note"}

    note = forms.CharField(
        label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExecutionStepForm(DomainErrorMixin, forms.Form):
    note = forms.CharField(label=_("Progress note"), widget=forms.Textarea(attrs={"rows": 2}))
    send_to_customer = forms.BooleanField(label=_("Send to the customer"), required=False)
