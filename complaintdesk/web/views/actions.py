"""Lifecycle actions from the detail page: one small form per action, run by the lifecycle."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.errors import Conflict, DomainError, InvalidInput, NotFound
from complaintdesk.complaints.lifecycle import (
    PLAN_RECORD_ACTIONS,
    TRANSITIONS_BY_ACTION,
    complaint_transition,
)
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.surveys.rejection import (
    rejection_decline,
    rejection_request,
    rejection_withdraw,
)
from complaintdesk.web.forms import RejectionReviewForm, TransitionForm
from complaintdesk.web.selectors import rejection_pending, staff_assignable
from complaintdesk.web.views.common import acting_user, error_page, is_htmx, redirect_to
from complaintdesk.web.views.rows import pending_rejection_row


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
    pending = pending_rejection_row(complaint, user) if action == "reject" else None
    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        transition=transition,
        assignees=staff_assignable(actor=user),
        # A colleague's proposal is confirmed with its own reason: offer that one.
        initial={"reason": pending["reason"]} if pending and not pending["is_own"] else None,
    )
    _ask_reviewer(form, pending)
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
    return _form_page(request, complaint, form, pending=pending, status=status)


def _ask_reviewer(form: TransitionForm, pending: dict[str, Any] | None) -> None:
    """A second supervisor's note says what they checked, not the rejection itself."""
    if pending and not pending["is_own"]:
        form.fields["note"].help_text = _(
            "What you checked, and why you confirm or decline the proposal."
        )


def _form_page(
    request: HttpRequest,
    complaint: Complaint,
    form: TransitionForm,
    *,
    pending: dict[str, Any] | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "transition": form.transition,
        "tracking_number": complaint.tracking_number,
        "pending": pending,
        "error": error,
    }
    template = (
        "web/complaints/_action_form.html" if is_htmx(request) else "web/complaints/action.html"
    )
    return render(request, template, context, status=status)


@login_required
@require_POST
def rejection_review_view(
    request: HttpRequest, tracking_number: str, review_id: int, decision: str
) -> HttpResponse:
    """A second supervisor declines a proposed rejection (the complaint carries on), or its
    proposer withdraws it; confirming it is the "reject" action itself."""
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
        review = rejection_pending(complaint=complaint)
        if review is None or review.pk != review_id:
            raise NotFound(_("This rejection proposal is no longer waiting for review."))
    except DomainError as exc:
        return error_page(request, exc)
    form = RejectionReviewForm(request.POST)
    note = request.POST.get("note", "")
    try:
        if not form.is_valid():
            raise InvalidInput(" ".join(str(e) for e in form.errors.get("note", [])), "note")
        # The note is optional here; the services say when one is needed.
        match decision:
            case "decline":
                rejection_decline(review=review, actor=user, note=note)
                done = _("Rejection declined; the complaint carries on.")
            case "withdraw":
                rejection_withdraw(review=review, actor=user, note=note)
                done = _("Your rejection proposal is withdrawn.")
            case _:
                raise Http404(_("No such action."))
    except DomainError as exc:
        # The reject form again, as it was filled in, with the reason it was refused.
        again = TransitionForm(
            transition=TRANSITIONS_BY_ACTION["reject"],
            initial={"reason": request.POST.get("reason", review.reason), "note": note},
        )
        pending = pending_rejection_row(complaint, user)
        _ask_reviewer(again, pending)
        return _form_page(
            request, complaint, again, pending=pending, status=exc.status_code, error=exc.message
        )
    messages.success(request, done)
    return redirect_to(request, reverse("web:complaint_detail", args=[complaint.tracking_number]))
