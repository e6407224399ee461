"""The compensation and care panel of the detail page (SPEC §10): the complaint's
compensation items with their consent, and its care actions; forms to propose, approve,
refuse or withdraw an item, offer the approved ones to the customer with a consent link,
record the customer's answer, and schedule and record care. Each post calls one service of
remedies/ (services.py, consent.py, care.py), which holds the authority limits, budgets
and every other rule; the forms shown mirror the same checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.complaints.choices import FINISHED_STATUSES
from complaintdesk.complaints.errors import DomainError
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.handling.choices import PlanStatus
from complaintdesk.handling.selectors import plans_of
from complaintdesk.notifications.policy import public_base_url
from complaintdesk.remedies import care, consent, services
from complaintdesk.remedies.choices import CareStatus, ItemStatus
from complaintdesk.remedies.models import PolicyClause
from complaintdesk.remedies.selectors import (
    care_action_get,
    care_actions_of,
    compensation_item_get,
    compensation_items_of,
    offer_get,
    offers_of,
)
from complaintdesk.web.handling_forms import (
    CareRecordForm,
    CareScheduleForm,
    CompensationProposeForm,
    ConsentForm,
    OfferForm,
    ReasonForm,
)
from complaintdesk.web.selectors import staff_assignable
from complaintdesk.web.views.common import (
    acting_user,
    error_page,
    opens_complaint,
    panel_answer,
    panel_post_done,
)

PANEL = "web/complaints/_remedies.html"
# Items that may still be refused or withdrawn (compensation_cancel).
WITHDRAWABLE = frozenset({ItemStatus.PROPOSED, ItemStatus.APPROVED, ItemStatus.OFFERED})


def _allows(check: Callable[[], object]) -> bool:
    """Whether a service's own permission check lets the user through."""
    try:
        check()
    except DomainError:
        return False
    return True


def _row_ids(form: str, row: int) -> str:
    """Element ids of a form repeated on every row of a list, unique on the page."""
    return f"id_{form}{row}_%s"


def _propose_form(user: User, complaint: Complaint, data: Any = None) -> CompensationProposeForm:
    return CompensationProposeForm(
        data,
        clauses=PolicyClause.objects.filter(is_active=True),
        draft_plans=plans_of(user=user, complaint=complaint).filter(status=PlanStatus.DRAFT),
        departments=Department.objects.filter(is_active=True).order_by("name"),
        auto_id="id_comp_%s",
    )


def _care_form(user: User, data: Any = None) -> CareScheduleForm:
    return CareScheduleForm(data, people=staff_assignable(actor=user), auto_id="id_care_%s")


def _context(
    user: User,
    complaint: Complaint,
    *,
    bound: tuple[str, int | None, Form] | None = None,
) -> dict[str, Any]:
    """What the panel shows; `bound` is the form just posted (its name, the row it belongs
    to, the form with the user's input and errors), shown again in its place."""

    shown_bound: list[Form] = []

    def form_for(name: str, row: int | None, blank: Form) -> Form:
        if bound is not None and bound[0] == name and bound[1] == row:
            shown_bound.append(bound[2])
            return bound[2]
        return blank

    personal = sees_personal_data(user)

    def shown(text: str) -> str:
        return text if personal else mask_complaint_text(text, complaint)

    may_act = _allows(lambda: services.require_actor(user, complaint))
    may_approve = may_act and _allows(
        lambda: services.compensation_authority_require(complaint=complaint, actor=user)
    )
    now = clock.now()
    items: list[dict[str, Any]] = []
    for item in compensation_items_of(user=user, complaint=complaint).select_related(
        "plan", "approved_by"
    ):
        in_locked_plan = item.plan is not None and item.plan.status != PlanStatus.DRAFT
        withdrawable = (
            may_act
            and item.status in WITHDRAWABLE
            and not (item.status == ItemStatus.PROPOSED and in_locked_plan)
        )
        items.append(
            {
                "item": item,
                "description": shown(item.description),
                "effect_note": shown(item.effect_note),
                "may_approve": may_approve
                and item.status == ItemStatus.PROPOSED
                and item.plan_id is None,
                "cancel_form": (
                    form_for("cancel", item.pk, ReasonForm(auto_id=False)) if withdrawable else None
                ),
            }
        )
    offers: list[dict[str, Any]] = []
    for offer in offers_of(user=user, complaint=complaint).select_related("recorded_by"):
        is_open = offer.decided_at is None and offer.expires_at > now
        offers.append(
            {
                "offer": offer,
                "items": sorted(offer.items.all(), key=lambda i: i.pk),
                "note": shown(offer.note),
                "is_open": is_open,
                "expired": offer.decided_at is None and not is_open,
                "consent_form": (
                    form_for(
                        "consent", offer.pk, ConsentForm(auto_id=_row_ids("consent", offer.pk))
                    )
                    if may_act and is_open
                    else None
                ),
            }
        )
    care_actions = [
        {
            "action": action,
            "purpose": shown(action.purpose),
            "outcome": shown(action.outcome),
            "record_form": (
                form_for(
                    "care_record",
                    action.pk,
                    CareRecordForm(auto_id=_row_ids("care", action.pk)),
                )
                if may_act and action.status == CareStatus.SCHEDULED
                else None
            ),
        }
        for action in care_actions_of(user=user, complaint=complaint)
    ]
    waiting = any(
        row["item"].status == ItemStatus.APPROVED and row["item"].offer_id is None for row in items
    )
    may_propose = may_act and complaint.status not in FINISHED_STATUSES
    context = {
        "tracking_number": complaint.tracking_number,
        "items": items,
        "offers": offers,
        "care_actions": care_actions,
        "propose_form": (
            form_for("propose", None, _propose_form(user, complaint)) if may_propose else None
        ),
        "offer_form": (
            form_for("offer", None, OfferForm(auto_id="id_offer_%s"))
            if may_act and waiting
            else None
        ),
        "care_form": form_for("care", None, _care_form(user)) if may_act else None,
    }
    if bound is not None and not shown_bound:
        # Posted although the form is not offered (no longer, or not to this user): the
        # refusal is shown above the panel instead of in a form that is not there.
        context["error"] = " ".join(str(e) for errors in bound[2].errors.values() for e in errors)
    return context


def _panel(
    request: HttpRequest,
    complaint: Complaint,
    *,
    status: int = 200,
    bound: tuple[str, int | None, Form] | None = None,
    error: str = "",
    done: str = "",
    link: str = "",
) -> HttpResponse:
    context = {
        "error": error,
        **_context(acting_user(request), complaint, bound=bound),
        "done": done,
        "link": link,
    }
    return panel_answer(
        request,
        panel=PANEL,
        title=_("Compensation and care"),
        context=context,
        status=status,
        changed=bool(done),
    )


def _done(request: HttpRequest, complaint: Complaint, message: str) -> HttpResponse:
    return panel_post_done(request, complaint, message, panel=_panel)


def _refused(
    request: HttpRequest,
    complaint: Complaint,
    exc: DomainError,
    bound: tuple[str, int | None, Form],
) -> HttpResponse:
    """A refusal by the service: shown on the field it names, or above the form."""
    form = bound[2]
    form.add_domain_error(exc)  # type: ignore[attr-defined]
    return _panel(request, complaint, status=exc.status_code, bound=bound)


def _invalid(
    request: HttpRequest, complaint: Complaint, bound: tuple[str, int | None, Form]
) -> HttpResponse:
    return _panel(request, complaint, status=422, bound=bound)


@login_required
@require_GET
@opens_complaint
def complaint_remedies_view(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """The compensation and care panel (an htmx fragment, or a page without script)."""
    return _panel(request, complaint)


@login_required
@require_POST
@opens_complaint
def compensation_propose_view(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """Propose a compensation item under a policy clause."""
    user = acting_user(request)
    form = _propose_form(user, complaint, request.POST)
    bound: tuple[str, int | None, Form] = ("propose", None, form)
    if not form.is_valid():
        return _invalid(request, complaint, bound)
    data = form.cleaned_data
    try:
        item = services.compensation_propose(
            complaint=complaint,
            actor=user,
            form=data["form"],
            amount=data["amount"],
            currency=data["currency"],
            policy_clause=data["policy_clause"],
            assessed_loss=data["assessed_loss"],
            description=data["description"],
            quantity=data["quantity"],
            unit=data["unit"],
            plan=data.get("plan"),
            department=data["department"],
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, bound)
    return _done(request, complaint, _("Compensation proposed: %(item)s.") % {"item": item})


@login_required
@require_POST
@opens_complaint
def compensation_decision_view(
    request: HttpRequest, complaint: Complaint, item_id: int, decision: str
) -> HttpResponse:
    """Approve a proposed item within one's authority and the budget, or refuse (withdraw)
    an item with a reason."""
    user = acting_user(request)
    try:
        item = compensation_item_get(user=user, complaint=complaint, item_id=item_id)
    except DomainError as exc:
        return error_page(request, exc)
    form = ReasonForm(request.POST, auto_id=False)
    bound: tuple[str, int | None, Form] = ("cancel", item.pk, form)
    try:
        match decision:
            case "approve":
                services.compensation_approve(item=item, actor=user)
                done = _("Compensation approved: %(item)s.")
            case "cancel":
                if not form.is_valid():
                    return _invalid(request, complaint, bound)
                was = item.status
                services.compensation_cancel(
                    item=item, actor=user, reason=form.cleaned_data["reason"]
                )
                done = (
                    _("Compensation refused: %(item)s.")
                    if was == ItemStatus.PROPOSED
                    else _("Compensation withdrawn: %(item)s.")
                )
            case _:
                raise Http404(_("No such action."))
    except DomainError as exc:
        if decision == "cancel":
            return _refused(request, complaint, exc, bound)
        return _panel(request, complaint, status=exc.status_code, error=exc.message)
    return _done(request, complaint, done % {"item": item})


@login_required
@require_POST
@opens_complaint
def compensation_offer_view(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """Offer the approved compensation to the customer: the answer shows the consent link,
    once (only its hash is stored)."""
    user = acting_user(request)
    form = OfferForm(request.POST, auto_id="id_offer_%s")
    bound: tuple[str, int | None, Form] = ("offer", None, form)
    if not form.is_valid():
        return _invalid(request, complaint, bound)
    try:
        _offer, link = consent.compensation_offer(
            complaint=complaint,
            actor=user,
            # Customers open the link from outside: the public address, not the caller's host.
            base_url=public_base_url() or request.build_absolute_uri("/"),
            send_notice=form.cleaned_data["send_notice"],
            valid_days=form.cleaned_data["valid_days"],
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, bound)
    done = (
        _("Offer sent to the customer with the consent link.")
        if form.cleaned_data["send_notice"]
        else _("Offer made. Pass the consent link on to the customer.")
    )
    # Shown now or never: the panel answers in both cases, with the link in it.
    return _panel(request, complaint, status=201, done=done, link=link)


@login_required
@require_POST
@opens_complaint
def offer_consent_view(request: HttpRequest, complaint: Complaint, offer_id: int) -> HttpResponse:
    """Record the customer's answer to an offer given to an agent, and how it was obtained."""
    user = acting_user(request)
    try:
        offer = offer_get(user=user, complaint=complaint, offer_id=offer_id)
    except DomainError as exc:
        return error_page(request, exc)
    form = ConsentForm(request.POST, auto_id=_row_ids("consent", offer.pk))
    bound: tuple[str, int | None, Form] = ("consent", offer.pk, form)
    if not form.is_valid():
        return _invalid(request, complaint, bound)
    data = form.cleaned_data
    try:
        offer = consent.offer_record_consent(
            offer=offer,
            actor=user,
            decision=data["decision"],
            method=data["method"],
            note=data["note"],
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, bound)
    done = _("The customer's answer is recorded: %(decision)s.") % {
        "decision": offer.get_decision_display()
    }
    return _done(request, complaint, done)


@login_required
@require_POST
@opens_complaint
def care_schedule_view(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    """Schedule a care action for the customer."""
    user = acting_user(request)
    form = _care_form(user, request.POST)
    bound: tuple[str, int | None, Form] = ("care", None, form)
    if not form.is_valid():
        return _invalid(request, complaint, bound)
    data = form.cleaned_data
    try:
        action = care.care_schedule(
            complaint=complaint,
            actor=user,
            kind=data["kind"],
            scheduled_for=data["scheduled_for"],
            purpose=data["purpose"],
            assignee=data["assignee"],
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, bound)
    return _done(request, complaint, _("Care action scheduled: %(action)s.") % {"action": action})


@login_required
@require_POST
@opens_complaint
def care_record_view(request: HttpRequest, complaint: Complaint, action_id: int) -> HttpResponse:
    """Record a care action as done with its outcome and effect, or as not carried out."""
    user = acting_user(request)
    try:
        action = care_action_get(user=user, complaint=complaint, action_id=action_id)
    except DomainError as exc:
        return error_page(request, exc)
    form = CareRecordForm(request.POST, auto_id=_row_ids("care", action.pk))
    bound: tuple[str, int | None, Form] = ("care_record", action.pk, form)
    if not form.is_valid():
        return _invalid(request, complaint, bound)
    data = form.cleaned_data
    try:
        action = care.care_record(
            action=action,
            actor=user,
            outcome=data["outcome"],
            effect=data["effect"],
            done=data["result"] == CareRecordForm.DONE,
        )
    except DomainError as exc:
        return _refused(request, complaint, exc, bound)
    return _done(request, complaint, _("Care action recorded: %(action)s.") % {"action": action})
