"""The agent's review of a complaint's triage labels: accept or correct them in one submit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaintdesk.complaints.errors import DomainError
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.services import complaint_current_labels, complaint_triage_review
from complaintdesk.web.forms import TriageReviewForm
from complaintdesk.web.selectors import taxonomy_choices
from complaintdesk.web.views.common import acting_user, error_page, is_htmx, redirect_to


@login_required
@require_http_methods(["GET", "POST"])
def complaint_triage_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """GET: the labels as a form (an htmx fragment). POST: accept the unchanged labels and
    correct the changed ones, or show why not."""
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
    except DomainError as exc:
        return error_page(request, exc)
    current = complaint_current_labels(complaint)
    form = TriageReviewForm(
        request.POST if request.method == "POST" else None,
        initial=current,
        categories=taxonomy_choices(Dimension.CONTENT),
        natures=taxonomy_choices(Dimension.NATURE),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            accepted, corrections = form.verdict(current)
            try:
                complaint_triage_review(
                    complaint=complaint, actor=user, accept=accepted, corrections=corrections
                )
            except DomainError as exc:
                form.add_domain_error(exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Triage reviewed: accepted %(accepted)d, corrected %(corrected)d.")
                    % {"accepted": len(accepted), "corrected": len(corrections)},
                )
                detail = reverse("web:complaint_detail", args=[complaint.tracking_number])
                return redirect_to(request, detail)
        else:
            status = 422
    context = {"form": form, "tracking_number": complaint.tracking_number}
    template = (
        "web/complaints/_triage_form.html" if is_htmx(request) else "web/complaints/triage.html"
    )
    return render(request, template, context, status=status)
