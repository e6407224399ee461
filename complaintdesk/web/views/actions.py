"""Lifecycle actions from the detail page: one small form per action, run by the lifecycle."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.errors import Conflict, DomainError, InvalidInput, NotFound
from complaintdesk.complaints.lifecycle import (
    PLAN_RECORD_ACTIONS,
    TRANSITIONS_BY_ACTION,
    complaint_transition,
)
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.surveys.rejection import rejection_request
from complaintdesk.web.forms import TransitionForm
from complaintdesk.web.selectors import staff_assignable
from complaintdesk.web.views.common import acting_user, error_page, is_htmx, redirect_to


def _params(form: TransitionForm, user: User) -> dict[str, Any]:
    """The lifecycle's parameters from the form: users and complaints, not their names."""
    data = form.cleaned_data
    params: dict[str, Any] = {}
    if data.get("assignee") is not None:
        params["assignee"] = data["assignee"]
    if data.get("reason"):
        params["reason"] = data["reason"]
    if data.get("into"):
        try:
            params["into"] = complaint_get(user=user, tracking_number=data["into"])
        except NotFound as exc:
            # A number the user cannot see is "not found" for the merge field too.
            raise InvalidInput(exc.message, field="into") from exc
    return params


@login_required
@require_http_methods(["GET", "POST"])
def complaint_action_view(request: HttpRequest, tracking_number: str, action: str) -> HttpResponse:
    """GET: the action's form (an htmx fragment). POST: run the action, or show why not."""
    transition = TRANSITIONS_BY_ACTION.get(action)
    if transition is None:
        raise Http404(_("No such action."))
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
        if action in PLAN_RECORD_ACTIONS:
            # A note is no plan: the plan panel drafts, submits and decides the plan record.
            raise Conflict(
                _(
                    "Handling plans are drafted, submitted and approved in the Handling plan "
                    "panel of the complaint, not with a note."
                )
            )
    except DomainError as exc:
        return error_page(request, exc)
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        transition=transition,
        assignees=staff_assignable(actor=user),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if action == "reject":
                    # Proposed by one manager, confirmed by another (surveys/rejection.py).
                    rejection_request(
                        complaint=complaint,
                        actor=user,
                        reason=form.cleaned_data["reason"],
                        note=form.cleaned_data["note"],
                    )
                    complaint.refresh_from_db()
                else:
                    complaint_transition(
                        complaint=complaint,
                        action=action,
                        actor=user,
                        note=form.cleaned_data["note"],
                        params=_params(form, user),
                    )
            except DomainError as exc:
                form.add_domain_error(exc)
                status = exc.status_code
            else:
                if action == "reject" and complaint.status != Status.REJECTED:
                    done = _("Rejection proposed; another supervisor must confirm it.")
                else:
                    done = _("%(action)s: done. The complaint is now %(status)s.") % {
                        "action": transition.label,
                        "status": complaint.get_status_display(),
                    }
                messages.success(request, done)
                detail = reverse("web:complaint_detail", args=[complaint.tracking_number])
                return redirect_to(request, detail)
        else:
            status = 422
    context = {
        "form": form,
        "transition": transition,
        "tracking_number": complaint.tracking_number,
    }
    template = (
        "web/complaints/_action_form.html" if is_htmx(request) else "web/complaints/action.html"
    )
    return render(request, template, context, status=status)
