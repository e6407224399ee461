"""The escalation panel of the detail page: whoever handles a complaint escalates it to one
of the people offered (only those who may decide it), the person it went to records
management's decision, the raiser may withdraw it; refusals are shown in the form and nothing
is stored; an analyst reads the panel, masked, without forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.choices import EscalationStatus, EventKind
from complaintdesk.complaints.escalation_requests import complaint_escalate
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.core.testing.factories import complaint_make, user_make
from complaintdesk.handling.tests.support import handled_complaint
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db

WHY = "王女士(13800002222)说今天不解决就找电视台曝光。"


@pytest.fixture
def complaint(agent, handler) -> Complaint:
    return handled_complaint(agent, handler, customer_name="王女士", phone="13800002222")


def panel_url(complaint: Complaint) -> str:
    return reverse("web:complaint_escalations", args=[complaint.tracking_number])


def raise_url(complaint: Complaint) -> str:
    return reverse("web:escalation_raise", args=[complaint.tracking_number])


def decide_url(escalation: Escalation) -> str:
    return reverse(
        "web:escalation_decide", args=[escalation.complaint.tracking_number, escalation.pk]
    )


def withdraw_url(escalation: Escalation) -> str:
    return reverse(
        "web:escalation_withdraw", args=[escalation.complaint.tracking_number, escalation.pk]
    )


def escalated(complaint: Complaint, handler, supervisor) -> Escalation:
    return complaint_escalate(
        complaint=complaint, actor=handler, reason="threat", explanation=WHY, to=supervisor
    )


def test_the_detail_page_loads_the_escalation_panel(complaint, handler):
    page = client_for(handler).get(
        reverse("web:complaint_detail", args=[complaint.tracking_number])
    )
    assert f'hx-get="{panel_url(complaint)}"' in page.content.decode()


def test_a_handler_escalates_choosing_only_among_those_who_may_decide(
    complaint, handler, supervisor, administrator, analyst, billing_department
):
    billing_supervisor = user_make(
        Role.SUPERVISOR, department=billing_department, username="billing-supervisor"
    )
    client = client_for(handler)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-escalation-form="escalate"' in panel
    assert f'<option value="{supervisor.pk}">' in panel
    assert f'<option value="{administrator.pk}">' in panel
    for not_offered in (billing_supervisor, analyst, handler):
        assert f'<option value="{not_offered.pk}">' not in panel

    response = client.post(
        raise_url(complaint),
        {"reason": "threat", "explanation": WHY, "to": supervisor.pk},
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    assert response["HX-Trigger"] == "timeline-changed"
    escalation = Escalation.objects.get()
    assert (escalation.raised_by, escalation.escalated_to, escalation.status) == (
        handler,
        supervisor,
        EscalationStatus.OPEN,
    )
    shown = response.content.decode()
    assert "Escalated to supervisor, who is told and decides." in shown
    assert "data-waiting-decision" in shown
    # One at a time: no second escalation while this one waits.
    assert 'data-escalation-form="escalate"' not in shown
    assert 'data-escalation-form="withdraw"' in shown
    assert complaint.events.filter(kind=EventKind.ESCALATION_RAISED).exists()


def test_an_escalation_without_explanation_is_refused_in_the_form_and_nothing_is_stored(
    complaint, handler, supervisor
):
    response = client_for(handler).post(
        raise_url(complaint), {"reason": "threat", "explanation": "  ", "to": supervisor.pk}, **HTMX
    )
    assert response.status_code == 422
    shown = response.content.decode()
    assert 'data-escalation-form="escalate"' in shown
    assert "This field is required." in shown
    assert not Escalation.objects.exists()


def test_someone_not_offered_is_refused_in_the_form(complaint, handler, billing_department):
    outsider = user_make(Role.SUPERVISOR, department=billing_department, username="outsider")
    response = client_for(handler).post(
        raise_url(complaint), {"reason": "complex", "explanation": WHY, "to": outsider.pk}, **HTMX
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Escalation.objects.exists()


def test_a_second_escalation_posted_anyway_is_refused_with_the_reason(
    complaint, handler, supervisor, administrator
):
    escalated(complaint, handler, supervisor)
    response = client_for(handler).post(
        raise_url(complaint),
        {"reason": "complex", "explanation": "再次升级", "to": administrator.pk},
        **HTMX,
    )
    assert response.status_code == 409
    assert "already escalated to supervisor" in response.content.decode()
    assert Escalation.objects.count() == 1


def test_the_supervisor_decides_a_reassignment_and_the_page_reloads(
    complaint, handler, supervisor, network_department
):
    senior = user_make(Role.HANDLER, department=network_department, username="senior")
    escalation = escalated(complaint, handler, supervisor)
    client = client_for(supervisor)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-escalation-form="decide"' in panel
    assert "handler escalated this complaint to you" in panel
    assert WHY in panel

    response = client.post(
        decide_url(escalation),
        {"decision": "reassign", "assignee": senior.pk, "note": "交资深处理人跟进"},
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    # The assignee shows outside the panel: the whole page reloads.
    assert response["HX-Redirect"] == reverse(
        "web:complaint_detail", args=[complaint.tracking_number]
    )
    escalation.refresh_from_db()
    complaint.refresh_from_db()
    assert (escalation.status, escalation.decision) == (EscalationStatus.DECIDED, "reassign")
    assert complaint.assignee == senior
    after = client.get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-escalation-decision="reassign"' in after
    assert "交资深处理人跟进" in after


def test_an_approval_refreshes_the_panel_only(complaint, handler, supervisor):
    escalation = escalated(complaint, handler, supervisor)
    response = client_for(supervisor).post(
        decide_url(escalation), {"decision": "approved", "note": "同意"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "timeline-changed"
    assert 'data-escalation-decision="approved"' in response.content.decode()


def test_a_decision_without_a_note_is_shown_in_the_form_and_leaves_it_open(
    complaint, handler, supervisor
):
    escalation = escalated(complaint, handler, supervisor)
    response = client_for(supervisor).post(
        decide_url(escalation), {"decision": "reassign", "note": "换人"}, **HTMX
    )
    assert response.status_code == 422
    shown = response.content.decode()
    assert 'data-escalation-form="decide"' in shown
    assert "Choose who handles the complaint from now on." in shown
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.OPEN


def test_the_raiser_gets_no_decision_form_and_a_decision_posted_anyway_is_refused(
    complaint, handler, supervisor
):
    escalation = escalated(complaint, handler, supervisor)
    client = client_for(handler)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-escalation-form="decide"' not in panel
    response = client.post(decide_url(escalation), {"decision": "approved", "note": "ok"}, **HTMX)
    assert response.status_code == 403
    assert "You raised this escalation" in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.OPEN


def test_the_raiser_withdraws_it(complaint, handler, supervisor):
    escalation = escalated(complaint, handler, supervisor)
    response = client_for(handler).post(
        withdraw_url(escalation), {"note": "客户已接受方案"}, **HTMX
    )
    assert response.status_code == 200
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.WITHDRAWN
    shown = response.content.decode()
    assert "客户已接受方案" in shown
    # Nothing waits any more: it may be escalated again.
    assert 'data-escalation-form="escalate"' in shown


def test_an_analyst_reads_the_panel_masked_without_forms(complaint, handler, supervisor, analyst):
    escalated(complaint, handler, supervisor)
    panel = client_for(analyst).get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-escalation="' in panel
    assert "data-escalation-form" not in panel
    assert "13800002222" not in panel
    assert "王女士" not in panel


def test_an_analyst_gets_no_escalation_form_on_a_complaint_not_escalated(complaint, analyst):
    panel = client_for(analyst).get(panel_url(complaint), **HTMX).content.decode()
    assert "Not escalated to management." in panel
    assert "data-escalation-form" not in panel


def test_a_finished_complaint_offers_no_escalation(agent, complaint, handler):
    complaint_transition(
        complaint=complaint,
        action="merge",
        actor=handler,
        params={"into": complaint_make(actor=agent)},
    )
    panel = client_for(handler).get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-escalation-form="escalate"' not in panel


def test_a_handler_of_another_department_does_not_find_the_panel_or_its_forms(
    complaint, handler, supervisor, other_department_handler
):
    client = client_for(other_department_handler)
    assert client.get(panel_url(complaint), **HTMX).status_code == 404
    posted = {"reason": "complex", "explanation": WHY, "to": supervisor.pk}
    assert client.post(raise_url(complaint), posted, **HTMX).status_code == 404
    escalation = escalated(complaint, handler, supervisor)
    decision = {"decision": "approved", "note": "同意"}
    assert client.post(decide_url(escalation), decision, **HTMX).status_code == 404
    assert client.post(withdraw_url(escalation), {}, **HTMX).status_code == 404
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.OPEN
    assert Escalation.objects.count() == 1


def test_without_script_the_panel_is_a_page_of_its_own(complaint, handler, supervisor):
    response = client_for(handler).get(panel_url(complaint))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert 'data-escalation-form="escalate"' in page


def test_with_nobody_above_the_panel_says_so_instead_of_an_empty_form(complaint, handler):
    panel = client_for(handler).get(panel_url(complaint), **HTMX).content.decode()
    assert "data-nobody-above" in panel
    assert 'data-escalation-form="escalate"' not in panel


def test_the_list_finds_the_complaints_escalated_to_me_and_waiting(
    complaint, agent, handler, supervisor, administrator
):
    other = handled_complaint(agent, handler, customer_name="李先生", phone="13900003333")
    escalated(complaint, handler, supervisor)
    list_url = reverse("web:complaint_list")
    page = client_for(supervisor).get(list_url).content.decode()
    assert 'name="escalated_to_me"' in page and "escalated_to_me=on" in page  # box and chip
    mine = client_for(supervisor).get(list_url, {"escalated_to_me": "on"}).content.decode()
    assert complaint.tracking_number in mine and other.tracking_number not in mine
    # Someone else's escalations are not theirs to decide; a handler is offered no such view.
    theirs = client_for(administrator).get(list_url, {"escalated_to_me": "on"}).content.decode()
    assert complaint.tracking_number not in theirs
    assert 'name="escalated_to_me"' not in client_for(handler).get(list_url).content.decode()
