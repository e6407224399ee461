"""The responsibility determination panel of the detail page (SPEC §6): the complaint's
determinations, a form to propose one, and the internal review by someone other than its
proposer, who confirms it or sends it back; a determination sent back is revised and
proposed again. Each post calls one service of handling/responsibility.py, which holds the
rules; the forms shown mirror its checks.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of, sees_personal_data
from complaintdesk.complaints.choices import FINISHED_STATUSES, EventKind, Status
from complaintdesk.complaints.errors import DomainError
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.handling import responsibility
from complaintdesk.handling.choices import DeterminationStatus
from complaintdesk.handling.models import Determination
from complaintdesk.handling.selectors import determination_get, determinations_of
from complaintdesk.web.handling_forms import DeterminationForm, ReviewForm
from complaintdesk.web.selectors import staff_assignable
from complaintdesk.web.views.common import (
    acting_user,
    error_page,
    opens_complaint,
    panel_answer,
    panel_post_done,
)

PANEL = "web/complaints/_responsibility.html"
DS = DeterminationStatus


# Which forms to show mirrors the service's own checks; the service still decides on post.
def _may(user: User, complaint: Complaint, roles: frozenset[str]) -> bool:
    role = role_of(user)
    if role not in roles:
        return False
    # A department handler acts only on the complaints routed to their department.
    return role != Role.HANDLER or user.department_id == complaint.department_id


def _determination_form(
    user: User, complaint: Complaint, data: Any = None, *, of: Determination | None = None
) -> DeterminationForm:
    """The form to propose a determination, or to revise `of` (filled in with it)."""
    initial: dict[str, Any] = {}
    if of is not None:
        initial = {
            "reason": of.reason,
            "facts": of.facts,
            "outlet": of.outlet,
            "staff": [u.pk for u in of.staff_involved.all()],
            "notes": [str(n.pk) for n in of.evidence_notes.all()],
            "attachments": [str(a.pk) for a in of.evidence_attachments.all()],
        }
    return DeterminationForm(
        data,
        initial=initial,
        people=staff_assignable(actor=user),
        notes=list(complaint.events.filter(kind=EventKind.NOTE).order_by("created_at", "id")),
        attachments=list(complaint.attachments.order_by("uploaded_at", "id")),
        auto_id="id_det_%s",
    )


def _context(
    user: User,
    complaint: Complaint,
    *,
    form: DeterminationForm | None = None,
    review: tuple[int, ReviewForm] | None = None,
) -> dict[str, Any]:
    personal = sees_personal_data(user)

    def shown(text: str) -> str:
        return text if personal else mask_complaint_text(text, complaint)

    may_determine = _may(user, complaint, responsibility.DETERMINING)
    may_review = _may(user, complaint, responsibility.REVIEWING)
    rows: list[dict[str, Any]] = []
    determinations = list(determinations_of(user=user, complaint=complaint))
    for d in determinations:
        in_review = d.status == DS.IN_REVIEW
        rows.append(
            {
                "d": d,
                "facts": shown(d.facts),
                "outlet": shown(d.outlet),
                "review_note": shown(d.review_note),
                "communication": shown(d.customer_communication),
                "staff": [str(u) for u in d.staff_involved.all()],
                "notes_cited": len(d.evidence_notes.all()),
                "attachments_cited": len(d.evidence_attachments.all()),
                "is_proposer": in_review and d.proposed_by_id == user.pk,
                "review_form": (
                    (review[1] if review and review[0] == d.pk else ReviewForm(auto_id=False))
                    if in_review and may_review and d.proposed_by_id != user.pk
                    else None
                ),
            }
        )
    open_one = next((d for d in determinations if d.status != DS.FINAL), None)
    revising = open_one if open_one is not None and open_one.status == DS.DRAFT else None
    may_propose = (
        may_determine
        and open_one is None
        and complaint.status not in FINISHED_STATUSES | {Status.RECEIVED}
    )
    may_revise = may_determine and revising is not None
    posted: Form | None = form if form is not None else (review[1] if review else None)
    on_panel: list[Form | None] = [row["review_form"] for row in rows]
    if may_propose or may_revise:
        if form is None:
            form = _determination_form(user, complaint, of=revising)
        on_panel.append(form)
    context = {
        "tracking_number": complaint.tracking_number,
        "determinations": rows,
        "revising": revising if may_revise else None,
        "determination_form": form if may_propose or may_revise else None,
    }
    if posted is not None and posted not in on_panel:
        # Posted although the form is not offered (no longer, or not to this user): the
        # refusal is shown above the panel instead of in a form that is not there.
        context["error"] = " ".join(str(e) for errors in posted.errors.values() for e in errors)
    return context


def _panel(
    request: HttpRequest,
    complaint: Complaint,
    *,
    status: int = 200,
    form: DeterminationForm | None = None,
    review: tuple[int, ReviewForm] | None = None,
    error: str = "",
    done: str = "",
) -> HttpResponse:
    context = {
        "error": error,
        **_context(acting_user(request), complaint, form=form, review=review),
        "done": done,
    }
    return panel_answer(
        request,
        panel=PANEL,
        title=_("Responsibility determination"),
        context=context,
        status=status,
        changed=bool(done),
    )


def _done(request: HttpRequest, complaint: Complaint, message: str) -> HttpResponse:
    return panel_post_done(request, complaint, message, panel=_panel)


@login_required
@require_GET
@opens_complaint
def complaint_responsibility_view(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """The responsibility panel (an htmx fragment, or a page without script)."""
    return _panel(request, complaint)


@login_required
@require_POST
@opens_complaint
def determination_propose_view(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """Propose who is responsible and why; someone else reviews it."""
    user = acting_user(request)
    form = _determination_form(user, complaint, request.POST)
    if not form.is_valid():
        return _panel(request, complaint, status=422, form=form)
    try:
        responsibility.determination_propose(complaint=complaint, actor=user, **form.evidence())
    except DomainError as exc:
        form.add_domain_error(exc)
        return _panel(request, complaint, status=exc.status_code, form=form)
    return _done(
        request,
        complaint,
        _("Determination proposed; someone other than you reviews it."),
    )


@login_required
@require_POST
@opens_complaint
def determination_revise_view(
    request: HttpRequest, complaint: Complaint, determination_id: int
) -> HttpResponse:
    """Revise a determination sent back and propose it again."""
    user = acting_user(request)
    try:
        determination = determination_get(
            user=user, complaint=complaint, determination_id=determination_id
        )
    except DomainError as exc:
        return error_page(request, exc)
    form = _determination_form(user, complaint, request.POST)
    if not form.is_valid():
        return _panel(request, complaint, status=422, form=form)
    try:
        responsibility.determination_revise(
            determination=determination, actor=user, **form.evidence()
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return _panel(request, complaint, status=exc.status_code, form=form)
    return _done(
        request,
        complaint,
        _("Determination revised and proposed again; someone other than you reviews it."),
    )


@login_required
@require_POST
@opens_complaint
def determination_review_view(
    request: HttpRequest, complaint: Complaint, determination_id: int, decision: str
) -> HttpResponse:
    """The internal review: confirm the proposed determination, or send it back with a
    reason. The service refuses the proposer."""
    if decision not in {"confirm", "send_back"}:
        raise Http404(_("No such action."))
    user = acting_user(request)
    try:
        determination = determination_get(
            user=user, complaint=complaint, determination_id=determination_id
        )
    except DomainError as exc:
        return error_page(request, exc)
    form = ReviewForm(request.POST, auto_id=False)
    review = (determination.pk, form)
    if not form.is_valid():
        return _panel(request, complaint, status=422, review=review)
    confirm = decision == "confirm"
    try:
        responsibility.determination_review(
            determination=determination,
            actor=user,
            approve=confirm,
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return _panel(request, complaint, status=exc.status_code, review=review)
    done = (
        _("Determination confirmed; tell the customer the result.")
        if confirm
        else _("Determination sent back for revision.")
    )
    return _done(request, complaint, done)
