"""The handling plan panel of the web UI: the plan record is drafted, submitted, approved along
its chain and carried out there; the bare plan actions are not offered and refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.models import Complaint
from complaintdesk.handling.choices import PlanStatus
from complaintdesk.handling.models import HandlingPlan
from complaintdesk.handling.plans import plan_approve, plan_create, plan_reject, plan_submit
from complaintdesk.handling.tests.support import handled_complaint, plan_content
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db


def detail_url(complaint: Complaint) -> str:
    return reverse("web:complaint_detail", args=[complaint.tracking_number])


def action_url(complaint: Complaint, action: str) -> str:
    return reverse("web:complaint_action", args=[complaint.tracking_number, action])


def plans_url(complaint: Complaint) -> str:
    return reverse("web:complaint_plans", args=[complaint.tracking_number])


def decision_url(complaint: Complaint, plan: HandlingPlan, decision: str) -> str:
    return reverse("web:plan_decision", args=[complaint.tracking_number, plan.pk, decision])


def _draft(handler) -> dict[str, object]:
    deadline = timezone.localtime(timezone.now() + timedelta(days=3))
    return {
        "measures": "派工程师上门更换光猫,减免当月宽带月租。",
        "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "responsible_person": handler.pk,
        "steps_text": "预约上门时间\n更换光猫并测速\n",
        "risks": "客户白天不在家:约晚间上门。",
    }


@pytest.mark.parametrize("action", ["submit_plan", "approve_plan", "reject_plan"])
def test_a_bare_plan_action_is_not_offered_and_refused(action, agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    page = client_for(handler).get(detail_url(complaint)).content.decode()
    assert action_url(complaint, action) not in page
    assert plans_url(complaint) in page  # the panel with the real plan form loads instead

    client = client_for(supervisor if action != "submit_plan" else handler)
    shown = client.get(action_url(complaint, action), **HTMX)
    assert shown.status_code == 409
    assert "Handling plan panel" in shown.content.decode()
    posted = client.post(action_url(complaint, action), {"note": "退还58元并赔偿100元话费"})
    assert posted.status_code == 409
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert not complaint.handling_plans.exists()


def test_a_handler_drafts_and_submits_a_plan_record_from_the_panel(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    client = client_for(handler)
    panel = client.get(plans_url(complaint), **HTMX).content.decode()
    assert 'data-plan-form="draft"' in panel

    drafted = client.post(
        reverse("web:plan_draft", args=[complaint.tracking_number]), _draft(handler), **HTMX
    )
    assert drafted.status_code == 200, drafted.content.decode()
    assert drafted["HX-Redirect"] == detail_url(complaint)
    plan = complaint.handling_plans.get()
    assert plan.status == PlanStatus.DRAFT
    assert list(plan.execution_steps.values_list("title", flat=True)) == [
        "预约上门时间",
        "更换光猫并测速",
    ]

    submitted = client.post(decision_url(complaint, plan, "submit"), **HTMX)
    assert submitted.status_code == 200
    plan.refresh_from_db()
    complaint.refresh_from_db()
    assert (plan.status, complaint.status) == (PlanStatus.SUBMITTED, Status.AWAITING_APPROVAL)

    # The submitter is not offered the decision; the supervisor is, and it runs the chain.
    assert 'data-plan-form="decide"' not in client.get(plans_url(complaint)).content.decode()
    own = client.post(decision_url(complaint, plan, "approve"), **HTMX)
    assert own.status_code == 403
    boss = client_for(supervisor)
    assert 'data-plan-form="decide"' in boss.get(plans_url(complaint)).content.decode()
    approved = boss.post(decision_url(complaint, plan, "approve"), {"note": "同意。"}, **HTMX)
    assert approved.status_code == 200
    plan.refresh_from_db()
    complaint.refresh_from_db()
    assert (plan.status, complaint.status) == (PlanStatus.APPROVED, Status.EXECUTING)
    assert plan.approval_steps.get().approver == supervisor


def test_sending_a_plan_back_needs_a_reason_and_the_revision_is_a_new_version(
    agent, handler, supervisor
):
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(
        plan=plan_create(complaint=complaint, actor=handler, content=plan_content(handler)),
        actor=handler,
    )
    boss = client_for(supervisor)
    refused = boss.post(decision_url(complaint, plan, "reject"), {"note": " "}, **HTMX)
    assert refused.status_code == 422
    assert "Say why the plan is sent back." in refused.content.decode()
    sent_back = boss.post(
        decision_url(complaint, plan, "reject"), {"note": "请写明上门时限。"}, **HTMX
    )
    assert sent_back.status_code == 200
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REJECTED

    client = client_for(handler)
    assert 'data-plan-form="revise"' in client.get(plans_url(complaint)).content.decode()
    revised = client.post(
        reverse("web:plan_revise", args=[complaint.tracking_number, plan.pk]),
        {**_draft(handler), "measures": "48小时内上门更换光猫。"},
        **HTMX,
    )
    assert revised.status_code == 200, revised.content.decode()
    new = complaint.handling_plans.get(version=2)
    assert (new.previous, new.status) == (plan, PlanStatus.DRAFT)


def test_steps_are_checked_off_and_only_then_the_result_is_notified(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    plan = plan_submit(
        plan=plan_create(complaint=complaint, actor=handler, content=plan_content(handler)),
        actor=handler,
    )
    plan_approve(plan=plan, actor=supervisor)
    client = client_for(handler)
    resolve = {"note": "光猫已更换,网络恢复。"}
    early = client.post(action_url(complaint, "resolve"), resolve, **HTMX)
    assert early.status_code == 409
    assert "预约上门时间" in early.content.decode()  # names the step still open

    for step in plan.execution_steps.order_by("position"):
        done = client.post(
            reverse("web:plan_step", args=[complaint.tracking_number, plan.pk, step.pk]),
            {"note": f"{step.title}:已完成。"},
            **HTMX,
        )
        assert done.status_code == 200, done.content.decode()
    assert client.post(action_url(complaint, "resolve"), resolve, **HTMX).status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_an_intake_agent_is_not_offered_resolve_on_a_handlers_complaint(agent, handler):
    complaint = handled_complaint(agent, handler)
    client = client_for(agent)
    assert (
        action_url(complaint, "resolve") not in client.get(detail_url(complaint)).content.decode()
    )
    refused = client.post(action_url(complaint, "resolve"), {"note": "已处理。"}, **HTMX)
    assert refused.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_the_plan_panel_of_another_departments_complaint_is_not_found(
    agent, handler, other_department_handler
):
    complaint = handled_complaint(agent, handler)
    client = client_for(other_department_handler)
    assert client.get(plans_url(complaint)).status_code == 404
    drafted = client.post(
        reverse("web:plan_draft", args=[complaint.tracking_number]),
        _draft(other_department_handler),
    )
    assert drafted.status_code == 404
    assert not complaint.handling_plans.exists()


def _sent_back(complaint, handler, supervisor) -> HandlingPlan:
    plan = plan_submit(
        plan=plan_create(complaint=complaint, actor=handler, content=plan_content(handler)),
        actor=handler,
    )
    return plan_reject(plan=plan, actor=supervisor, reason="请写明上门时限。")


def test_a_plan_sent_back_is_withdrawn_from_the_panel_and_the_complaint_resolved(
    agent, handler, supervisor
):
    complaint = handled_complaint(agent, handler)
    plan = _sent_back(complaint, handler, supervisor)
    client = client_for(handler)
    panel = client.get(plans_url(complaint), **HTMX).content.decode()
    assert 'data-plan-form="withdraw"' in panel
    assert decision_url(complaint, plan, "withdraw") in panel

    refused = client.post(decision_url(complaint, plan, "withdraw"), {"note": " "}, **HTMX)
    assert refused.status_code == 422
    assert "Say why the plan is withdrawn." in refused.content.decode()
    withdrawn = client.post(
        decision_url(complaint, plan, "withdraw"), {"note": "客户已自行解决。"}, **HTMX
    )
    assert withdrawn.status_code == 200, withdrawn.content.decode()
    assert withdrawn["HX-Redirect"] == detail_url(complaint)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WITHDRAWN
    panel = client.get(plans_url(complaint), **HTMX).content.decode()
    assert "客户已自行解决。" in panel
    assert 'data-plan-form="withdraw"' not in panel
    assert 'data-plan-form="draft"' in panel  # a new plan may be drafted instead

    resolved = client.post(action_url(complaint, "resolve"), {"note": "客户已自行解决。"}, **HTMX)
    assert resolved.status_code == 200, resolved.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.RESOLVED


def test_only_the_author_or_a_supervisor_is_offered_the_withdrawal(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    plan = _sent_back(complaint, handler, supervisor)
    assert 'data-plan-form="withdraw"' in (
        client_for(supervisor).get(plans_url(complaint), **HTMX).content.decode()
    )
    outsider = client_for(agent)
    assert 'data-plan-form="withdraw"' not in (
        outsider.get(plans_url(complaint), **HTMX).content.decode()
    )
    refused = outsider.post(decision_url(complaint, plan, "withdraw"), {"note": "不要"}, **HTMX)
    assert refused.status_code == 403
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REJECTED


def test_an_intake_agent_is_not_offered_a_plan_form_on_a_handlers_complaint(agent, handler):
    complaint = handled_complaint(agent, handler)
    client = client_for(agent)
    panel = client.get(plans_url(complaint), **HTMX).content.decode()
    assert 'data-plan-form="draft"' not in panel
    refused = client.post(
        reverse("web:plan_draft", args=[complaint.tracking_number]), _draft(handler), **HTMX
    )
    assert refused.status_code == 403
    assert "person handling this complaint" in refused.content.decode()
    assert not complaint.handling_plans.exists()


def test_an_unknown_plan_is_an_error_page_from_every_plan_view(agent, handler):
    complaint = handled_complaint(agent, handler)
    client = client_for(handler)
    tn = complaint.tracking_number
    for url in (
        reverse("web:plan_revise", args=[tn, 999999]),
        reverse("web:plan_decision", args=[tn, 999999, "submit"]),
        reverse("web:plan_step", args=[tn, 999999, 1]),
    ):
        response = client.post(url, {}, **HTMX)
        assert response.status_code == 404, url
        assert "No handling plan 999999" in response.content.decode()


def test_the_revise_form_prefills_the_deadline_in_local_time_for_the_input(
    agent, handler, supervisor
):
    complaint = handled_complaint(agent, handler)
    plan = _sent_back(complaint, handler, supervisor)
    page = client_for(handler).get(plans_url(complaint)).content.decode()
    # datetime-local needs YYYY-MM-DDTHH:MM in the user's time zone, or it shows empty.
    local = timezone.localtime(plan.deadline).strftime("%Y-%m-%dT%H:%M")
    assert f'value="{local}"' in page
