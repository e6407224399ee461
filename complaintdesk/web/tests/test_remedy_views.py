"""The compensation and care panel of the detail page: proposing, approving within one's
authority, refusing, offering with a consent link shown once, recording the customer's answer
and care actions, all through the remedies services; refusals are shown in the form, nothing
is stored, and roles that may not handle compensation see no form."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.remedies.choices import CareStatus, ItemStatus
from complaintdesk.remedies.consent import compensation_offer
from complaintdesk.remedies.models import CareAction, CompensationItem, CompensationOffer
from complaintdesk.remedies.services import compensation_approve, compensation_propose
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db


def panel_url(complaint: Complaint) -> str:
    return reverse("web:complaint_remedies", args=[complaint.tracking_number])


def propose_url(complaint: Complaint) -> str:
    return reverse("web:compensation_propose", args=[complaint.tracking_number])


def decision_url(complaint: Complaint, item: CompensationItem, decision: str) -> str:
    return reverse("web:compensation_decision", args=[complaint.tracking_number, item.pk, decision])


def offer_url(complaint: Complaint) -> str:
    return reverse("web:compensation_offer", args=[complaint.tracking_number])


def care_url(complaint: Complaint) -> str:
    return reverse("web:care_schedule", args=[complaint.tracking_number])


def proposal(amount: str = "50", **fields: object) -> dict[str, object]:
    return {
        "form": "service_credit",
        "amount": amount,
        "currency": "CNY",
        "policy_clause": clause_make().pk,
        "description": "断网三天,补偿话费",
        **fields,
    }


def item_make(complaint: Complaint, actor, amount: str) -> CompensationItem:
    return compensation_propose(
        complaint=complaint,
        actor=actor,
        form="service_credit",
        amount=Decimal(amount),
        policy_clause=clause_make(),
    )


def local_input(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_detail_page_loads_the_compensation_and_care_panel(agent, handler):
    complaint = handled_complaint(agent, handler)
    page = client_for(handler).get(
        reverse("web:complaint_detail", args=[complaint.tracking_number])
    )
    assert f'hx-get="{panel_url(complaint)}"' in page.content.decode()


def test_a_handler_proposes_compensation_and_the_panel_lists_it(agent, handler):
    complaint = handled_complaint(agent, handler)
    client = client_for(handler)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-compensation-form="propose"' in panel

    response = client.post(propose_url(complaint), proposal("50"), **HTMX)
    assert response.status_code == 200, response.content.decode()
    assert response["HX-Trigger"] == "timeline-changed"
    item = complaint.compensation_items.get()
    assert (item.amount, item.status, item.proposed_by) == (
        Decimal("50.00"),
        ItemStatus.PROPOSED,
        handler,
    )
    shown = response.content.decode()
    assert 'id="remedies"' in shown
    assert f'data-compensation-item="{item.pk}"' in shown and "50.00 CNY" in shown
    assert "断网三天,补偿话费" in shown


def test_a_proposal_beyond_the_policy_clause_shows_the_message_and_stores_nothing(agent, handler):
    complaint = handled_complaint(agent, handler)
    capped = clause_make("goodwill-small", max_amount="100")
    response = client_for(handler).post(
        propose_url(complaint), proposal("150", policy_clause=capped.pk), **HTMX
    )
    assert response.status_code == 422
    assert "Policy clause goodwill-small allows at most 100.00 CNY per item." in (
        response.content.decode()
    )
    assert 'value="150"' in response.content.decode()  # the input is kept
    assert not CompensationItem.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"amount": "0"}, "The amount must be more than zero"),
        ({"amount": "lots"}, "Enter a number."),
        ({"currency": "RMB"}, "There is no exchange rate for RMB"),
        ({"quantity": "-3"}, "The quantity must be more than zero"),
    ],
)
def test_bad_input_is_refused_in_the_form(agent, handler, fields, message):
    complaint = handled_complaint(agent, handler)
    response = client_for(handler).post(propose_url(complaint), proposal(**fields), **HTMX)
    assert response.status_code in {400, 422}
    assert message in response.content.decode()
    assert not CompensationItem.objects.exists()


def test_only_who_may_approve_the_amount_sees_the_approve_button(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "2000")
    complaint = handled_complaint(agent, handler)
    item = item_make(complaint, agent, "600")
    approve = f'action="{decision_url(complaint, item, "approve")}"'
    assert approve not in client_for(agent).get(panel_url(complaint), **HTMX).content.decode()
    # The agent posts anyway: the service refuses, the panel says why, nothing changes.
    refused = client_for(agent).post(decision_url(complaint, item, "approve"), **HTMX)
    assert refused.status_code == 403
    assert "needs Supervisor approval" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.PROPOSED

    client = client_for(supervisor)
    assert approve in client.get(panel_url(complaint), **HTMX).content.decode()
    approved = client.post(decision_url(complaint, item, "approve"), **HTMX)
    assert approved.status_code == 200
    item.refresh_from_db()
    assert (item.status, item.approved_by) == (ItemStatus.APPROVED, supervisor)


def test_an_approval_beyond_the_budget_shows_the_remaining_amount(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "100")
    complaint = handled_complaint(agent, handler)
    item = item_make(complaint, handler, "300")
    response = client_for(supervisor).post(decision_url(complaint, item, "approve"), **HTMX)
    assert response.status_code == 409
    assert "100.00 CNY left, 300.00 CNY asked" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.PROPOSED


def test_a_supervisor_refuses_a_proposed_item_with_a_reason(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    item = item_make(complaint, handler, "80")
    client = client_for(supervisor)
    without = client.post(decision_url(complaint, item, "cancel"), {"reason": ""}, **HTMX)
    assert without.status_code == 422
    assert "Say why the compensation is withdrawn." in without.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.PROPOSED

    refused = client.post(
        decision_url(complaint, item, "cancel"), {"reason": "不在补偿政策范围内"}, **HTMX
    )
    assert refused.status_code == 200
    assert "Compensation refused" in refused.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.CANCELLED


def test_the_consent_link_is_shown_once_when_the_offer_is_made(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    compensation_approve(item=item_make(complaint, handler, "100"), actor=supervisor)
    client = client_for(handler)
    assert (
        'data-compensation-form="offer"'
        in client.get(panel_url(complaint), **HTMX).content.decode()
    )

    response = client.post(offer_url(complaint), {"valid_days": "5"}, **HTMX)
    assert response.status_code == 201, response.content.decode()
    shown = response.content.decode()
    assert "data-consent-link" in shown
    link = shown.split('id="consent-link" class="mono" type="text" readonly value="')[1]
    link = link.split('"')[0]
    assert "/consent/" in link
    offer = CompensationOffer.objects.get()
    assert offer.items.get().status == ItemStatus.OFFERED
    # The link is the customer's: it opens the consent page.
    assert client.get("/consent/" + link.split("/consent/", 1)[1]).status_code == 200
    # Only its hash is stored: a later look at the panel no longer shows it.
    later = client.get(panel_url(complaint), **HTMX).content.decode()
    assert link not in later
    assert "Waiting for the customer's answer" in later


def test_an_offer_with_nothing_approved_is_refused(agent, handler):
    complaint = handled_complaint(agent, handler)
    response = client_for(handler).post(offer_url(complaint), {"valid_days": "7"}, **HTMX)
    assert response.status_code == 409
    assert "There is no approved compensation waiting to be offered." in (response.content.decode())
    assert not CompensationOffer.objects.exists()


def test_an_agent_records_the_customers_answer_given_by_phone(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    compensation_approve(item=item_make(complaint, handler, "100"), actor=supervisor)
    offer, _link = compensation_offer(
        complaint=complaint, actor=handler, base_url="https://cd.example", send_notice=False
    )
    url = reverse("web:offer_consent", args=[complaint.tracking_number, offer.pk])
    client = client_for(handler)
    without_note = client.post(url, {"decision": "accepted", "method": "phone"}, **HTMX)
    assert without_note.status_code == 422
    assert "Note what the customer said, and when and where it was said." in (
        without_note.content.decode()
    )
    offer.refresh_from_db()
    assert offer.decided_at is None

    answered = client.post(
        url,
        {"decision": "accepted", "method": "phone", "note": "11月28日10点电话确认接受"},
        **HTMX,
    )
    assert answered.status_code == 200
    offer.refresh_from_db()
    assert (offer.decision, offer.method, offer.recorded_by) == ("accepted", "phone", handler)
    assert offer.items.get().status == ItemStatus.ACCEPTED


def test_care_is_scheduled_and_recorded_from_the_panel(agent, handler):
    complaint = handled_complaint(agent, handler)
    client = client_for(handler)
    past = client.post(
        care_url(complaint),
        {
            "kind": "call",
            "scheduled_for": local_input(clock.now() - timedelta(days=1)),
            "purpose": "回访安抚",
        },
        **HTMX,
    )
    assert past.status_code == 422
    assert "The care action is scheduled in the past" in past.content.decode()
    assert not CareAction.objects.exists()

    scheduled = client.post(
        care_url(complaint),
        {
            "kind": "call",
            "scheduled_for": local_input(clock.now() + timedelta(days=1)),
            "purpose": "回访安抚",
        },
        **HTMX,
    )
    assert scheduled.status_code == 200, scheduled.content.decode()
    action = CareAction.objects.get()
    assert (action.assignee, action.status) == (handler, CareStatus.SCHEDULED)

    record = reverse("web:care_record", args=[complaint.tracking_number, action.pk])
    no_effect = client.post(record, {"outcome": "客户情绪平复", "result": "done"}, **HTMX)
    assert no_effect.status_code == 422
    assert "Say what effect the care action had." in no_effect.content.decode()
    recorded = client.post(
        record, {"outcome": "客户情绪平复", "effect": "improved", "result": "done"}, **HTMX
    )
    assert recorded.status_code == 200
    action.refresh_from_db()
    assert (action.status, action.effect) == (CareStatus.DONE, "improved")


def test_an_analyst_reads_the_panel_masked_and_cannot_use_it(agent, handler, analyst):
    complaint = handled_complaint(agent, handler, customer_name="张伟")
    compensation_propose(
        complaint=complaint,
        actor=handler,
        form="gift",
        amount=Decimal("99"),
        policy_clause=clause_make(),
        description="给张伟寄送礼品",
    )
    client = client_for(analyst)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert "张伟" not in panel and "给张**寄送礼品" in panel
    assert "<form" not in panel
    response = client.post(propose_url(complaint), proposal("10"), **HTMX)
    assert response.status_code == 403
    assert "Your role may not handle compensation or care." in response.content.decode()
    assert CompensationItem.objects.count() == 1


def test_a_handler_of_another_department_can_neither_see_nor_post(
    agent, handler, other_department_handler
):
    complaint = handled_complaint(agent, handler)
    client = client_for(other_department_handler)
    assert client.get(panel_url(complaint), **HTMX).status_code == 404
    assert client.post(propose_url(complaint), proposal("10"), **HTMX).status_code == 404
    future = local_input(clock.now() + timedelta(days=1))
    posted = client.post(
        care_url(complaint), {"kind": "call", "scheduled_for": future, "purpose": "x"}, **HTMX
    )
    assert posted.status_code == 404
    assert not CompensationItem.objects.exists() and not CareAction.objects.exists()


def test_without_javascript_the_panel_is_a_page_and_a_post_returns_to_the_complaint(agent, handler):
    complaint = handled_complaint(agent, handler)
    client = client_for(handler)
    page = client.get(panel_url(complaint))
    assert page.status_code == 200
    assert "<html" in page.content.decode() and 'id="remedies"' in page.content.decode()

    bad = client.post(propose_url(complaint), proposal("0"))
    assert bad.status_code == 422
    assert "<html" in bad.content.decode()
    assert "The amount must be more than zero" in bad.content.decode()

    done = client.post(propose_url(complaint), proposal("20"))
    assert done.status_code == 303
    assert done["Location"] == reverse("web:complaint_detail", args=[complaint.tracking_number])
    detail = client.get(done["Location"]).content.decode()
    assert "Compensation proposed" in detail
