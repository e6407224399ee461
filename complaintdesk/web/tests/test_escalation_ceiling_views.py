"""The escalation decision form carries the ceiling of an authorisation (amount and currency,
shown for that decision): recorded, it shows on the panel and the handler's compensation
panel offers to approve up to it; missing or beyond the decider's authority, the form says
why and nothing is stored."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from complaintdesk.complaints.choices import EscalationStatus
from complaintdesk.complaints.escalation_requests import complaint_escalate
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.services import compensation_propose
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(agent, handler) -> Complaint:
    return handled_complaint(agent, handler)


@pytest.fixture
def escalation(complaint, handler, supervisor) -> Escalation:
    return complaint_escalate(
        complaint=complaint,
        actor=handler,
        reason="authority",
        explanation="客户要求补偿800元,超出我的权限。",
        to=supervisor,
    )


def panel_url(complaint: Complaint) -> str:
    return reverse("web:complaint_escalations", args=[complaint.tracking_number])


def decide_url(escalation: Escalation) -> str:
    return reverse(
        "web:escalation_decide", args=[escalation.complaint.tracking_number, escalation.pk]
    )


def authorise(**fields: object) -> dict[str, object]:
    return {"decision": "authorise", "note": "同意补偿,以1000元为限。", **fields}


def test_the_decision_form_offers_the_ceiling_for_an_authorisation(escalation, supervisor):
    panel = client_for(supervisor).get(panel_url(escalation.complaint), **HTMX).content.decode()
    fieldset = panel[panel.index('data-for-decision="authorise"') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    assert 'name="amount"' in fieldset
    assert 'name="currency"' in fieldset
    assert 'value="CNY"' in fieldset


def test_the_supervisor_authorises_a_ceiling_and_the_panel_shows_it(escalation, supervisor):
    response = client_for(supervisor).post(
        decide_url(escalation), authorise(amount="1000", currency="CNY"), **HTMX
    )
    assert response.status_code == 200, response.content.decode()
    escalation.refresh_from_db()
    assert (escalation.status, escalation.authorised_amount, escalation.authorised_currency) == (
        EscalationStatus.DECIDED,
        Decimal("1000.00"),
        "CNY",
    )
    assert "<dd data-escalation-ceiling>1,000.00 CNY</dd>" in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"currency": "CNY"}, 422, "Give the ceiling you authorise"),
        ({"amount": "1000", "currency": ""}, 422, "Give the ceiling you authorise"),
        ({"amount": "6000", "currency": "CNY"}, 403, "needs Manager approval"),
    ],
    ids=["no amount", "no currency", "beyond the deciders authority"],
)
def test_a_missing_or_too_high_ceiling_is_shown_in_the_form_and_nothing_is_stored(
    escalation, supervisor, fields, status, message
):
    response = client_for(supervisor).post(decide_url(escalation), authorise(**fields), **HTMX)
    assert response.status_code == status
    shown = response.content.decode()
    assert 'data-escalation-form="decide"' in shown
    assert message in shown
    escalation.refresh_from_db()
    assert (escalation.status, escalation.authorised_amount) == (EscalationStatus.OPEN, None)


def test_a_ceiling_typed_before_another_decision_was_chosen_is_not_recorded(escalation, supervisor):
    response = client_for(supervisor).post(
        decide_url(escalation),
        {"decision": "approved", "note": "同意", "amount": "1000", "currency": "CNY"},
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    escalation.refresh_from_db()
    assert (escalation.decision, escalation.authorised_amount) == ("approved", None)
    assert "data-escalation-ceiling" not in response.content.decode()


def test_the_handler_approves_on_the_compensation_panel_once_it_is_authorised(
    complaint, escalation, handler, supervisor, network_department
):
    budget_make(network_department, "5000")
    item = compensation_propose(
        complaint=complaint,
        actor=handler,
        form="service_credit",
        amount=Decimal("800"),
        policy_clause=clause_make(),
    )
    approve = reverse(
        "web:compensation_decision", args=[complaint.tracking_number, item.pk, "approve"]
    )
    remedies = reverse("web:complaint_remedies", args=[complaint.tracking_number])
    client = client_for(handler)
    assert f'action="{approve}"' not in client.get(remedies, **HTMX).content.decode()

    client_for(supervisor).post(
        decide_url(escalation), authorise(amount="1000", currency="CNY"), **HTMX
    )
    assert f'action="{approve}"' in client.get(remedies, **HTMX).content.decode()
    assert client.post(approve, **HTMX).status_code == 200
    item.refresh_from_db()
    assert (item.status, item.approved_by) == (ItemStatus.APPROVED, handler)
