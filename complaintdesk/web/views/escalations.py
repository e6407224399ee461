"""The escalation panel of the detail page (SPEC §4): the complaint's escalations to higher
management with their decisions, a form to escalate it, and for the person it went to a
form to decide. Each post calls one service of complaints/escalation_requests.py, which
holds the rules; the forms shown mirror its checks.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.complaints.choices import FINISHED_STATUSES, EscalationStatus
from complaintdesk.complaints.errors import DomainError
from complaintdesk.complaints.escalation_requests import (
    complaint_escalate,
    escalation_decide,
    escalation_get,
    escalation_recipients,
    escalation_withdraw,
    escalations_of,
    may_decide,
    may_escalate,
    may_withdraw,
)
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.remedies.currency import money
from complaintdesk.web.escalation_forms import DecideForm, EscalateForm, WithdrawForm
from complaintdesk.web.selectors import staff_assignable
from complaintdesk.web.views.common import (
    acting_user,
    error_page,
    opens_complaint,
    panel_answer,
    panel_post_done,
)

PANEL = "web/complaints/_escalations.html"

# A form posted for one escalation: its id and the bound form, shown again with its errors.
Posted = tuple[int, Form]


def _escalate_form(user: User, complaint: Complaint, data: Any = None) -> EscalateForm:
    return EscalateForm(
        data,
        recipients=escalation_recipients(complaint=complaint, raised_by=user),
        auto_id="id_esc_%s",
    )


def _decide_form(user: User, escalation: Escalation, data: Any = None) -> DecideForm:
    return DecideForm(
        data, people=staff_assignable(actor=user), auto_id=f"id_esc{escalation.pk}_%s"
    )


def _withdraw_form(escalation: Escalation, data: Any = None) -> WithdrawForm:
    return WithdrawForm(data, auto_id=f"id_escw{escalation.pk}_%s")


def _context(
    user: User,
    complaint: Complaint,
    *,
    form: EscalateForm | None = None,
    decide: Posted | None = None,
    withdraw: Posted | None = None,
) -> dict[str, Any]:
    personal = sees_personal_data(user)

    def shown(text: str) -> str:
        # The explanation retells the customer's words: masked for those who see no names.
        return text if personal else mask_complaint_text(text, complaint)

    def posted_or(posted: Posted | None, escalation: Escalation, fresh: Any) -> Any:
        return posted[1] if posted and posted[0] == escalation.pk else fresh()

    rows: list[dict[str, Any]] = []
    escalations = list(escalations_of(user=user, complaint=complaint))
    for e in escalations:
        waiting = e.status == EscalationStatus.OPEN
        rows.append(
            {
                "e": e,
                "explanation": shown(e.explanation),
                "decision_note": shown(e.decision_note),
                "withdrawal_note": shown(e.withdrawal_note),
                "ceiling": (
                    money(e.authorised_amount, e.authorised_currency)
                    if e.authorised_amount is not None
                    else ""
                ),
                "waiting": waiting,
                "decide_form": (
                    posted_or(decide, e, lambda e=e: _decide_form(user, e))
                    if waiting and may_decide(user, e)
                    else None
                ),
                "withdraw_form": (
                    posted_or(withdraw, e, lambda e=e: _withdraw_form(e))
                    if waiting and may_withdraw(user, e)
                    else None
                ),
            }
        )
    may_raise = (
        may_escalate(user, complaint)
        and complaint.status not in FINISHED_STATUSES
        and not any(row["waiting"] for row in rows)
    )
    if may_raise and form is None:
        form = _escalate_form(user, complaint)
    offered = form if may_raise and form is not None and form.offers_someone else None
    context: dict[str, Any] = {
        "tracking_number": complaint.tracking_number,
        "escalations": rows,
        "escalate_form": offered,
        # Allowed to escalate, but nobody stands above them to take it.
        "nobody_above": may_raise and offered is None,
    }
    on_panel: list[Form | None] = [offered]
    on_panel += [row["decide_form"] for row in rows] + [row["withdraw_form"] for row in rows]
    for posted in (form, decide[1] if decide else None, withdraw[1] if withdraw else None):
        if posted is not None and posted.is_bound and posted not in on_panel:
            # Posted although the form is not offered (no longer, or not to this user): the
            # refusal is shown above the panel instead of in a form that is not there.
            context["error"] = " ".join(
                str(error) for errors in posted.errors.values() for error in errors
            )
    return context


def _panel(
    request: HttpRequest,
    complaint: Complaint,
    *,
    status: int = 200,
    form: EscalateForm | None = None,
    decide: Posted | None = None,
    withdraw: Posted | None = None,
    done: str = "",
) -> HttpResponse:
    context = {
        **_context(acting_user(request), complaint, form=form, decide=decide, withdraw=withdraw),
        "done": done,
    }
    return panel_answer(
        request,
        panel=PANEL,
        title=_("Escalation to management"),
        context=context,
        status=status,
        changed=bool(done),
    )


def _done(
    request: HttpRequest, complaint: Complaint, message: str, *, whole_page: bool = False
) -> HttpResponse:
    # A decision that moved the complaint to another handler shows outside this panel.
    return panel_post_done(request, complaint, message, panel=_panel, whole_page=whole_page)


def _open_escalation(
    request: HttpRequest, complaint: Complaint, escalation_id: int
) -> Escalation | HttpResponse:
    try:
        return escalation_get(
            user=acting_user(request), complaint=complaint, escalation_id=escalation_id
        )
    except DomainError as exc:
        return error_page(request, exc)


@login_required
@require_GET
@opens_complaint
def complaint_escalations_view(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """The escalation panel (an htmx fragment, or a page without script)."""
    return _panel(request, complaint)


@login_required
@require_POST
@opens_complaint
def escalation_raise_view(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """Escalate the complaint to one person of higher management."""
    user = acting_user(request)
    form = _escalate_form(user, complaint, request.POST)
    if not form.is_valid():
        return _panel(request, complaint, status=422, form=form)
    to = form.cleaned_data["to"]
    try:
        complaint_escalate(
            complaint=complaint,
            actor=user,
            reason=form.cleaned_data["reason"],
            explanation=form.cleaned_data["explanation"],
            to=to,
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return _panel(request, complaint, status=exc.status_code, form=form)
    return _done(
        request,
        complaint,
        _("Escalated to %(person)s, who is told and decides.") % {"person": to},
    )


@login_required
@require_POST
@opens_complaint
def escalation_decide_view(
    request: HttpRequest, complaint: Complaint, escalation_id: int
) -> HttpResponse:
    """Record management's decision; the service refuses the raiser and those below."""
    escalation = _open_escalation(request, complaint, escalation_id)
    if isinstance(escalation, HttpResponse):
        return escalation
    user = acting_user(request)
    form = _decide_form(user, escalation, request.POST)
    if not form.is_valid():
        return _panel(request, complaint, status=422, decide=(escalation.pk, form))
    try:
        decided = escalation_decide(
            escalation=escalation,
            actor=user,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            assignee=form.cleaned_data["assignee"],
            amount=form.cleaned_data["amount"],
            currency=form.cleaned_data["currency"],
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return _panel(request, complaint, status=exc.status_code, decide=(escalation.pk, form))
    if decided.new_assignee is not None:
        message = _("Decision recorded; %(person)s handles the complaint now.") % {
            "person": decided.new_assignee
        }
        return _done(request, complaint, message, whole_page=True)
    return _done(request, complaint, _("Decision recorded; the person who escalated is told."))


@login_required
@require_POST
@opens_complaint
def escalation_withdraw_view(
    request: HttpRequest, complaint: Complaint, escalation_id: int
) -> HttpResponse:
    """The raiser takes back an escalation still waiting for a decision."""
    escalation = _open_escalation(request, complaint, escalation_id)
    if isinstance(escalation, HttpResponse):
        return escalation
    user = acting_user(request)
    form = _withdraw_form(escalation, request.POST)
    if not form.is_valid():
        return _panel(request, complaint, status=422, withdraw=(escalation.pk, form))
    try:
        escalation_withdraw(escalation=escalation, actor=user, note=form.cleaned_data["note"])
    except DomainError as exc:
        form.add_domain_error(exc)
        return _panel(request, complaint, status=exc.status_code, withdraw=(escalation.pk, form))
    return _done(request, complaint, _("Escalation withdrawn."))
