"""The handling plan panel of the detail page: draft, submit, approve or send back, revise,
check off execution steps. Each post calls one plan service (handling/plans.py), which runs
the approval chain, the authority matrix and the budget check and then moves the complaint.
"""

from __future__ import annotations

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
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.errors import DomainError, InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.handling import plans as plan_services
from complaintdesk.handling.authority import authority_of
from complaintdesk.handling.choices import Decision, PlanStatus
from complaintdesk.handling.models import HandlingPlan
from complaintdesk.handling.selectors import execution_step_get, plan_get, plans_of
from complaintdesk.web.forms import ExecutionStepForm, PlanDecisionForm, PlanForm
from complaintdesk.web.selectors import staff_assignable
from complaintdesk.web.views.common import acting_user, error_page, redirect_to

PLANNING_STATUSES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED})


# Which forms to show mirrors the services' own checks; the services still decide on post.
def _may_plan(user: User, complaint: Complaint) -> bool:
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
    return authority_of(user).level >= pending.level


def _plan_form(user: User, data: Any = None, plan: HandlingPlan | None = None) -> PlanForm:
    initial = {}
    if plan is not None:
        initial = {
            "measures": plan.measures,
            "responsible_person": plan.responsible_person_id,
            "steps_text": "\n".join(s.title for s in plan.execution_steps.all()),
            "coordination": plan.coordination,
            "risks": plan.risks,
            "agreed_scope": plan.agreed_scope,
        }
    return PlanForm(
        data, initial=initial, people=staff_assignable(actor=user), auto_id="id_plan_%s"
    )


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
    may_plan = _may_plan(user, complaint)
    may_draft = (
        may_plan
        and complaint.status in PLANNING_STATUSES
        and (latest is None or latest.status == PlanStatus.APPROVED)
    )
    may_revise = may_plan and latest is not None and latest.status == PlanStatus.REJECTED
    context = {
        "tracking_number": complaint.tracking_number,
        "plans": [
            {
                "plan": plan,
                "is_latest": plan is latest,
                "may_submit": may_plan and plan.status == PlanStatus.DRAFT,
                "may_decide": _may_decide(user, plan),
                "may_check": may_plan and plan.status == PlanStatus.APPROVED,
            }
            for plan in reversed(versions)
        ],
        "may_draft": may_draft,
        "may_revise": may_revise,
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
def complaint_plans_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The handling plan panel (an htmx fragment, or a page without script)."""
    try:
        complaint = complaint_get(user=acting_user(request), tracking_number=tracking_number)
    except DomainError as exc:
        return error_page(request, exc)
    return _panel(request, complaint)


@login_required
@require_POST
def plan_draft_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """Draft the first plan of the complaint, or the next one after an approved plan."""
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
    except DomainError as exc:
        return error_page(request, exc)
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
def plan_revise_view(request: HttpRequest, tracking_number: str, plan_id: int) -> HttpResponse:
    """Revise a plan that was sent back as a new draft version."""
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
        plan = plan_get(user=user, complaint=complaint, plan_id=plan_id)
    except DomainError as exc:
        return error_page(request, exc)
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
def plan_decision_view(
    request: HttpRequest, tracking_number: str, plan_id: int, decision: str
) -> HttpResponse:
    """Submit a draft, approve the current step of its chain, or send it back."""
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
        plan = plan_get(user=user, complaint=complaint, plan_id=plan_id)
    except DomainError as exc:
        return error_page(request, exc)
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
            case _:
                raise Http404(_("No such action."))
    except DomainError as exc:
        return _panel(request, complaint, status=exc.status_code, error=exc.message)
    return _done(request, complaint, done)


@login_required
@require_POST
def execution_step_view(
    request: HttpRequest, tracking_number: str, plan_id: int, step_id: int
) -> HttpResponse:
    """Check off an execution step of the approved plan with a progress note."""
    user = acting_user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
        plan = plan_get(user=user, complaint=complaint, plan_id=plan_id)
        step = execution_step_get(plan=plan, step_id=step_id)
    except DomainError as exc:
        return error_page(request, exc)
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
