"""Registering a new complaint from the staff UI (hotline, walk-in, letter…)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import can_register_complaints
from complaintdesk.complaints.errors import DomainError, NotAllowed
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaints_visible_to
from complaintdesk.intake.services import (
    IntakeResult,
    complaint_create,
    complaint_resolve_at_first_contact,
)
from complaintdesk.web.forms import ComplaintCreateForm
from complaintdesk.web.views.common import acting_user, error_page, redirect_to


def spoken(tracking_number: str) -> str:
    """The number grouped for reading aloud: K7M2-9XQ4-R → "K 7 M 2 · 9 X Q 4 · R"."""
    return " · ".join(" ".join(group) for group in tracking_number.split("-"))


def _after_first_contact(complaint: Complaint) -> tuple[str, str]:
    message = _(
        "Complaint registered and resolved at first contact. Tracking number %(number)s — "
        "read it to the customer as: %(spoken)s. The result has been sent to the customer, "
        "and the satisfaction survey follows."
    ) % {
        "number": complaint.tracking_number,
        "spoken": spoken(complaint.tracking_number),
    }
    return message, reverse("web:complaint_detail", args=[complaint.tracking_number])


def _register(form: ComplaintCreateForm, user: User) -> IntakeResult:
    data = form.cleaned_data
    if data["solved_at_first_contact"]:
        return complaint_resolve_at_first_contact(
            draft=form.to_draft(), actor=user, resolution=data["resolution"]
        )
    return complaint_create(draft=form.to_draft(), actor=user)


def _after_repeat(complaint: Complaint, user: User) -> tuple[SafeString, str]:
    """The customer sent their open complaint again: nothing new was registered, the contact
    was counted on that complaint. Say so, with its number (a link when the user may open it)."""
    detail = reverse("web:complaint_detail", args=[complaint.tracking_number])
    visible = complaints_visible_to(user).filter(pk=complaint.pk).exists()
    number = (
        format_html('<a class="mono" href="{}">{}</a>', detail, complaint.tracking_number)
        if visible
        else complaint.tracking_number
    )
    # Django's admin idiom: the translated sentence is the format, the values are escaped.
    message = format_html(
        _(
            "Not registered as a new complaint: the customer already has this complaint open, "
            "and this contact was recorded as a repeat of complaint {number}. Read its number "
            "to the customer as: {spoken}."
        ),
        number=number,
        spoken=spoken(complaint.tracking_number),
    )
    if visible:
        return message, detail
    hidden = _("It is not among the complaints you can open; the form is ready for the next one.")
    return format_html("{} {}", message, hidden), reverse("web:complaint_new")


def _after_registration(complaint: Complaint, user: User) -> tuple[str, str]:
    """What to tell the registering user, and the page to send them to."""
    message = _(
        "Complaint registered. Tracking number %(number)s — read it to the customer as: %(spoken)s."
    ) % {
        "number": complaint.tracking_number,
        "spoken": spoken(complaint.tracking_number),
    }
    if complaint.resolution_due_at:
        due = timezone.localtime(complaint.resolution_due_at)
        expected = _("Expected handling by %(due)s.") % {
            "due": formats.date_format(due, "DATETIME_FORMAT")
        }
        # English times end in "a.m."/"p.m.", whose stop also ends the sentence.
        message += " " + (expected[:-1] if expected.endswith("..") else expected)
    if complaint.department is not None:
        message += " " + _("Routed to %(department)s.") % {"department": complaint.department}
    if complaints_visible_to(user).filter(pk=complaint.pk).exists():
        return message, reverse("web:complaint_detail", args=[complaint.tracking_number])
    # Routed to a department whose complaints this user may not open: its page would be a
    # 404, so the form waits for the next complaint instead.
    message += " " + _(
        "It is not among the complaints you can open; the form is ready for the next one."
    )
    return message, reverse("web:complaint_new")


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    if not can_register_complaints(user):
        return error_page(request, NotAllowed(_("Your role may not register complaints.")))
    form = ComplaintCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = _register(form, user)
            except DomainError as exc:
                form.add_domain_error(exc)
                status = exc.status_code
            else:
                complaint = result.complaint
                message: str
                if result.repeat:
                    message, next_page = _after_repeat(complaint, user)
                elif form.cleaned_data["solved_at_first_contact"]:
                    message, next_page = _after_first_contact(complaint)
                else:
                    message, next_page = _after_registration(complaint, user)
                messages.success(request, message)
                return redirect_to(request, next_page)
        else:
            status = 422
    return render(request, "web/complaints/new.html", {"form": form}, status=status)
