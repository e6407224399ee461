"""The handling plan panel of the detail page: draft, submit, approve or send back, revise,
withdraw, check off execution steps. Each post calls one plan service (handling/plans.py),
which runs the approval chain, the authority matrix and the budget check and then moves the
complaint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import acts_for_complaint, role_of, sees_personal_data
from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.errors import DomainError, InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.handling import plans as plan_services
from complaintdesk.handling.authority import acts_for_department, authority_of
from complaintdesk.handling.choices import Decision, PlanStatus
from complaintdesk.handling.models import ExecutionStep, HandlingPlan
from complaintdesk.handling.selectors import execution_step_get, plan_get, plans_of
from complaintdesk.web.forms import ExecutionStepForm, PlanDecisionForm, PlanForm
from complaintdesk.web.selectors import staff_assignable
from complaintdesk.web.views.common import acting_user, error_page, redirect_to

PLANNING_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED})


@dataclass(frozen=True)
class Opened:
    """What a plan view works on, read as the acting user may see it."""

    user: User
    complaint: Complaint
    plan: HandlingPlan | None = None
    step: ExecutionStep | None = None


def _opens_plan(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Read the complaint (and the plan and step the URL names) for the view, or answer with
    the error page: every plan view starts the same way."""

    @wraps(view)
    def opening(
        request: HttpRequest,
        tracking_number: str,
        plan_id: int | None = None,
        step_id: int | None = None,
        **kwargs: Any,
    ) -> HttpResponse:
        user = acting_user(request)
        plan: HandlingPlan | None = None
        step: ExecutionStep | None = None
        try:
            complaint = complaint_get(user=user, tracking_number=tracking_number)
            if plan_id is not None:
                plan = plan_get(user=user, complaint=complaint, plan_id=plan_id)
                if step_id is not None:
                    step = execution_step_get(plan=plan, step_id=step_id)
        except DomainError as exc:
            return error_page(request, exc)
        return view(request, Opened(user, complaint, plan, step), **kwargs)

    return opening


# Which forms to show mirrors the services' own checks; the services still decide on post.
def _may_check_steps(user: User, complaint: Complaint) -> bool:
    role = role_of(user)
    if role not in plan_services.PLANNING:
        return False
    return role != Role.HANDLER or user.department_id == complaint.department_id


def _may_decide(user: User, plan: HandlingPlan) -> bool:
    pending = next((s for s in plan.approval_steps.all() if s.decision == Decision.PENDING), None)
    if plan.status != PlanStatus.SUBMITTED or pending is None:
        return False
    if user.pk in {plan.submitted_by_id, plan.created_by_id}:
        return False
    return authority_of(user).level >= pending.level and acts_for_department(user, plan.complaint)


def _plan_form(user: User, data: Any = None, plan: HandlingPlan | None = None) -> PlanForm:
    initial = {}
    if plan is not None:
        initial = {
            "measures": plan.measures,
            "deadline": plan.deadline,
            "responsible_person": plan.responsible_person_id,
            "steps_text": "\n".join(s.title for s in plan.execution_steps.all()),
            "coordination": plan.coordination,
            "risks": plan.risks,
            "agreed_scope": plan.agreed_scope,
        }
    return PlanForm(
        data, initial=initial, people=staff_assignable(actor=user), auto_id="id_plan_%s"
    )


# Free-text fields of a plan: they may quote the customer's name, number or address.
_PLAN_TEXTS = ("measures", "risks", "agreed_scope", "rejection_reason", "withdrawal_reason")


def _plan_texts(user: User, complaint: Complaint, plan: HandlingPlan) -> dict[str, Any]:
    """The plan's free text, its approval notes and progress notes as this user may read
    them: masked for those who see personal data masked."""
    personal = sees_personal_data(user)

    def shown(text: str) -> str:
        return text if personal else mask_complaint_text(text, complaint)

    approval_steps = list(plan.approval_steps.all())
    for approval in approval_steps:
        approval.shown_note = shown(approval.note)  # type: ignore[attr-defined]
    execution_steps = list(plan.execution_steps.all())
    for step in execution_steps:
        step.shown_note = shown(step.progress_note)  # type: ignore[attr-defined]
    return {
        "text": {name: shown(getattr(plan, name)) for name in _PLAN_TEXTS},
        "approval_steps": approval_steps,
        "execution_steps": execution_steps,
    }


def _panel(
    request: HttpRequest,
    complaint: Complaint,
    *,
    form: PlanForm | None = None,
    form_for: str = "",
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    user = acting_user(request)
    versions = list(plans_of(user=user, complaint=complaint))
    latest = versions[-1] if versions else None
    may_plan = plan_services.may_write_plan(user, complaint)
    may_check = _may_check_steps(user, complaint)
    may_draft = (
        may_plan
        and complaint.status in PLANNING_STATUSES
        and (latest is None or latest.status in {PlanStatus.APPROVED, PlanStatus.WITHDRAWN})
    )
    may_revise = may_plan and latest is not None and latest.status == PlanStatus.REJECTED
    context = {
        "tracking_number": complaint.tracking_number,
        "plans": [
            {
                "plan": plan,
                **_plan_texts(user, complaint, plan),
                "is_latest": plan is latest,
                "may_submit": may_plan and plan.status == PlanStatus.DRAFT,
                "may_decide": _may_decide(user, plan),
                "may_withdraw": plan_services.may_withdraw_plan(user, plan),
                "may_check": may_check and plan.status == PlanStatus.APPROVED,
            }
            for plan in reversed(versions)
        ],
        "may_draft": may_draft,
        "may_revise": may_revise,
        # Progress notes reach the customer only from whoever handles the complaint.
        "may_tell_customer": acts_for_complaint(user, complaint),
        "latest": latest,
        "plan_form": (
            form
            if form is not None
            else _plan_form(user, plan=latest if may_revise else None)
            if may_draft or may_revise
            else None
        ),
        "form_for": form_for,
        "error": error,
    }
    return render(request, "web/complaints/_plans.html", context, status=status)


def _done(request: HttpRequest, complaint: Complaint, message: str) -> HttpResponse:
    # The complaint's status may have changed with the plan: reload the whole page.
    messages.success(request, message)
    return redirect_to(request, reverse("web:complaint_detail", args=[complaint.tracking_number]))


@login_required
@require_GET
@_opens_plan
def complaint_plans_view(request: HttpRequest, opened: Opened) -> HttpResponse:
    """The handling plan panel (an htmx fragment, or a page without script)."""
    return _panel(request, opened.complaint)


@login_required
@require_POST
@_opens_plan
def plan_draft_view(request: HttpRequest, opened: Opened) -> HttpResponse:
    """Draft the first plan of the complaint, or the next one after an approved or withdrawn
    plan."""
    user, complaint = opened.user, opened.complaint
    form = _plan_form(user, request.POST)
    if not form.is_valid():
        return _panel(request, complaint, form=form, form_for="draft", status=422)
    try:
        plan_services.plan_create(
            complaint=complaint, actor=user, content=_content(form, complaint)
        )
    except DomainError as exc:
        form.add_domain_error(exc)
        return _panel(request, complaint, form=form, form_for="draft", status=exc.status_code)
    return _done(request, complaint, _("Handling plan drafted; submit it for approval."))


@login_required
@require_POST
@_opens_plan
def plan_revise_view(request: HttpRequest, opened: Opened) -> HttpResponse:
    """Revise a plan that was sent back as a new draft version."""
    user, complaint, plan = opened.user, opened.complaint, opened.plan
    assert plan is not None  # the URL names it
    form = _plan_form(user, request.POST)
    if not form.is_valid():
        return _panel(request, complaint, form=form, form_for="revise", status=422)
    try:
        plan_services.plan_revise(plan=plan, actor=user, content=_content(form, complaint))
    except DomainError as exc:
        form.add_domain_error(exc)
        return _panel(request, complaint, form=form, form_for="revise", status=exc.status_code)
    return _done(request, complaint, _("New version drafted; submit it for approval."))


@login_required
@require_POST
@_opens_plan
def plan_decision_view(request: HttpRequest, opened: Opened, decision: str) -> HttpResponse:
    """Submit a draft, approve the current step of its chain, send it back, or withdraw a
    draft or a plan sent back."""
    user, complaint, plan = opened.user, opened.complaint, opened.plan
    assert plan is not None  # the URL names it
    form = PlanDecisionForm(request.POST)
    form.is_valid()  # every field is optional; the services check what they need
    note = form.cleaned_data.get("note", "")
    try:
        match decision:
            case "submit":
                plan = plan_services.plan_submit(plan=plan, actor=user)
                done = _("Handling plan submitted for approval.")
            case "approve":
                plan = plan_services.plan_approve(plan=plan, actor=user, note=note)
                done = (
                    _("Handling plan approved; execution starts.")
                    if plan.status == PlanStatus.APPROVED
                    else _("Step approved; the plan goes to the next approver.")
                )
            case "reject":
                plan_services.plan_reject(plan=plan, actor=user, reason=note)
                done = _("Handling plan sent back for revision.")
            case "withdraw":
                plan_services.plan_withdraw(plan=plan, actor=user, reason=note)
                done = _("Handling plan withdrawn.")
            case _:
                raise Http404(_("No such action."))
    except DomainError as exc:
        return _panel(request, complaint, status=exc.status_code, error=exc.message)
    return _done(request, complaint, done)


@login_required
@require_POST
@_opens_plan
def execution_step_view(request: HttpRequest, opened: Opened) -> HttpResponse:
    """Check off an execution step of the approved plan with a progress note."""
    user, complaint, step = opened.user, opened.complaint, opened.step
    assert step is not None  # the URL names it
    form = ExecutionStepForm(request.POST)
    if not form.is_valid():
        error = _("Write a progress note for this step.")
        return _panel(request, complaint, status=422, error=error)
    try:
        plan_services.execution_step_check(
            step=step,
            actor=user,
            note=form.cleaned_data["note"],
            send_to_customer=form.cleaned_data["send_to_customer"],
        )
    except DomainError as exc:
        return _panel(request, complaint, status=exc.status_code, error=exc.message)
    return _done(request, complaint, _("Step done: %(step)s.") % {"step": step.title})


def _content(form: PlanForm, complaint: Complaint) -> plan_services.PlanContent:
    data = form.cleaned_data
    person: User = data["responsible_person"]
    department = person.department or complaint.department
    if department is None:
        raise InvalidInput(
            _("Choose a responsible person who belongs to a department."),
            field="responsible_person",
        )
    return plan_services.PlanContent(
        measures=data["measures"],
        deadline=data["deadline"],
        responsible_department=department,
        responsible_person=person,
        coordination=data["coordination"],
        risks=data["risks"],
        agreed_scope=data["agreed_scope"],
        steps=form.steps(),
    )
