"""Reading complaints: the filtered list, the detail page and its activity fragments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import can_write_notes, role_of
from complaintdesk.complaints.errors import DomainError
from complaintdesk.complaints.escalation_requests import may_receive_escalations
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get, complaint_list, complaint_timeline
from complaintdesk.complaints.services import attachment_add, complaint_add_note
from complaintdesk.web.forms import AttachmentForm, ComplaintFilterForm, NoteForm
from complaintdesk.web.selectors import ASSIGNABLE_ROLES, customer_history, filter_options
from complaintdesk.web.views.common import acting_user, error_page, is_htmx, redirect_to
from complaintdesk.web.views.rows import (
    attachment_row,
    complaint_panel,
    complaint_row,
    event_row,
    pending_rejection_row,
)

PAGE_SIZE = 50


@login_required
@require_GET
@vary_on_headers("HX-Request")
def complaint_list_view(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = ComplaintFilterForm(request.GET or None, options=filter_options(user=user))
    if form.is_bound:
        form.is_valid()  # invalid fields are shown as errors and left out of the filters
    try:
        queryset = complaint_list(user=user, filters=form.to_filters())
    except DomainError as exc:
        return error_page(request, exc)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "may_decide_escalations": may_receive_escalations(user),
        "page": page,
        "rows": [complaint_row(c, user) for c in page.object_list],
        "quick_views": _quick_views(user, request),
        "filtered": bool(_current_filters(request)),
    }
    if is_htmx(request):
        # The quick views' highlight follows the filters, swapped out of band.
        return render(request, "web/complaints/_results.html", {**context, "oob": True})
    return render(request, "web/complaints/list.html", context)


def _current_filters(request: HttpRequest) -> dict[str, str]:
    return {
        key: value for key in request.GET if key != "page" and (value := request.GET.get(key, ""))
    }


def _quick_views(user: User, request: HttpRequest) -> list[dict[str, Any]]:
    """Saved filters offered as chips; a chip is active when the filters are exactly its own."""
    views = [
        (_("Unassigned"), {"assignee": "none", "status": "open"}),
        (_("At risk"), {"at_risk": "on"}),
        (_("Overdue"), {"overdue": "on"}),
        (_("Needs triage"), {"needs_triage": "on", "status": "open"}),
    ]
    if role_of(user) in ASSIGNABLE_ROLES:
        views.insert(0, (_("My complaints"), {"assignee": user.username, "status": "open"}))
    if may_receive_escalations(user):
        views.append((_("Escalated to me"), {"escalated_to_me": "on"}))
    current = _current_filters(request)
    return [
        {"label": label, "query": urlencode(query), "active": query == current}
        for label, query in views
    ]


@login_required
@require_GET
def complaint_detail_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
    except DomainError as exc:
        return error_page(request, exc)
    history = customer_history(user=user, complaint=complaint)
    panel = complaint_panel(complaint, user)
    context = {
        "c": panel,
        # Shown to those who may take the reject action: to confirm or decline it, or to
        # see their own proposal still waiting.
        "pending_rejection": (
            pending_rejection_row(complaint, user) if "reject" in panel["allowed_actions"] else None
        ),
        "history": [complaint_row(other, user) for other in history],
        **_activity_context(complaint, user),
        **_attachments_context(complaint, user),
    }
    return render(request, "web/complaints/detail.html", context)


# Which forms to show mirrors the services' own checks; the services still decide on post.
def _may_upload(user: User) -> bool:
    return can_write_notes(user) and role_of(user) != Role.AUDITOR


def _activity_context(
    complaint: Complaint, user: User, form: NoteForm | None = None
) -> dict[str, Any]:
    return {
        "tracking_number": complaint.tracking_number,
        "events": [event_row(e, user) for e in complaint_timeline(complaint=complaint)],
        "note_form": form or NoteForm(),
        "may_write": can_write_notes(user),
        # Auditors write internal notes only; the service refuses the other kind.
        "may_write_to_customer": can_write_notes(user) and role_of(user) != Role.AUDITOR,
    }


def _attachments_context(
    complaint: Complaint, user: User, form: AttachmentForm | None = None
) -> dict[str, Any]:
    return {
        "tracking_number": complaint.tracking_number,
        "attachments": [attachment_row(a, user) for a in complaint.attachments.all()],
        "attachment_form": form or AttachmentForm(),
        "may_upload": _may_upload(user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def complaint_activity_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The timeline with the note form; a POST adds a note and answers with the new timeline."""
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
    except DomainError as exc:
        return error_page(request, exc)
    form: NoteForm | None = None
    status = 200
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                complaint_add_note(
                    complaint=complaint,
                    actor=user,
                    text=form.cleaned_data["text"],
                    customer_visible=form.cleaned_data["customer_visible"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
                status = exc.status_code
            else:
                form = None  # an empty form for the next note
        else:
            status = 422
    if request.method == "POST" and not is_htmx(request):
        return _back_to_detail(request, complaint, form, _("Note added."))
    context = _activity_context(complaint, user, form)
    return render(request, "web/complaints/_activity.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_attachments_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The attachment list with the upload form; a POST stores one file."""
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
    except DomainError as exc:
        return error_page(request, exc)
    form: AttachmentForm | None = None
    status = 200
    uploaded = False
    if request.method == "POST":
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                attachment_add(
                    complaint=complaint, upload=upload, name=upload.name or "", actor=user
                )
            except DomainError as exc:
                form.add_domain_error(exc)
                status = exc.status_code
            else:
                form, uploaded = None, True
        else:
            status = 422
        if not is_htmx(request):
            return _back_to_detail(request, complaint, form, _("Attachment added."))
    response = render(
        request,
        "web/complaints/_attachments.html",
        _attachments_context(complaint, user, form),
        status=status,
    )
    if uploaded:
        # The upload wrote a timeline event: the activity panel reloads itself on this.
        response["HX-Trigger"] = "timeline-changed"
    return response


def _back_to_detail(
    request: HttpRequest, complaint: Complaint, form: Form | None, done: str
) -> HttpResponse:
    """Without JavaScript a form post lands back on the detail page with a message."""
    if form is None:
        messages.success(request, done)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect_to(request, reverse("web:complaint_detail", args=[complaint.tracking_number]))
