"""The complaint's admin change page shows its escalations read-only, with the ceiling
management authorised for the complaint's compensation, and nothing where there is none."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.admin import EscalationInline
from complaintdesk.complaints.choices import EscalationDecision
from complaintdesk.complaints.escalation_requests import complaint_escalate, escalation_decide
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.core.testing.factories import user_make
from complaintdesk.handling.choices import AuthorityLevel
from complaintdesk.handling.models import ApprovalAuthority
from complaintdesk.handling.tests.support import handled_complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(billing_department):
    person = user_make(Role.SUPERVISOR, department=billing_department, username="manager")
    ApprovalAuthority.objects.create(user=person, level=AuthorityLevel.MANAGER)
    return person


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user_make(Role.ADMIN, username="admin"))
    return client


def _escalated(complaint: Complaint, raiser, decider) -> Escalation:
    return complaint_escalate(
        complaint=complaint,
        actor=raiser,
        reason="authority",
        explanation="客户要求的补偿超出我的审批权限。",
        to=decider,
    )


def _change_page(client: Client, complaint: Complaint) -> str:
    response = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_change_page_shows_the_ceiling_management_authorised(
    admin_client, agent, handler, manager
):
    complaint = handled_complaint(agent, handler)
    escalation_decide(
        escalation=_escalated(complaint, handler, manager),
        actor=manager,
        decision=EscalationDecision.AUTHORISE,
        note="准许,以此为限。",
        amount=Decimal("1500"),
        currency="CNY",
    )
    page = _change_page(admin_client, complaint)
    assert "authorised up to" in page.lower()
    assert "1,500.00 CNY" in page


def test_an_escalation_without_a_ceiling_shows_an_empty_column(agent, handler, manager):
    complaint = handled_complaint(agent, handler)
    escalation = _escalated(complaint, handler, manager)
    inline = EscalationInline(Complaint, admin.site)
    assert "authorised_up_to" in inline.fields and "authorised_up_to" in inline.readonly_fields
    assert inline.authorised_up_to(escalation) == ""
    escalation.authorised_amount, escalation.authorised_currency = Decimal("88.5"), "HKD"
    assert inline.authorised_up_to(escalation) == "88.50 HKD"
