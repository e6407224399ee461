"""Migration 0004 gives each default policy clause the forms its text justifies (a warranty
clause a repair or a replacement, never cash), leaves alone a clause an administrator changed,
and going back clears only the forms it gave."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.handling.tests.support import handled_complaint
from complaintdesk.remedies.models import PolicyClause
from complaintdesk.remedies.services import compensation_propose

pytestmark = pytest.mark.django_db

migration = importlib.import_module("complaintdesk.remedies.migrations.0004_default_clause_forms")


def forms_of(code: str) -> list[str]:
    return PolicyClause.objects.get(code=code).allowed_forms


def test_the_default_clauses_name_the_forms_their_text_justifies(db):
    assert {c.code: c.allowed_forms for c in PolicyClause.objects.all()} == {
        "tariff-overcharge": ["refund", "service_credit"],
        "tariff-outage-credit": ["service_credit", "data"],
        "return-7-days": ["return_refund"],
        "warranty-repair": ["free_repair", "replacement"],
        "goodwill-care": ["gift", "coupon", "points", "service_credit", "data", "value_added"],
    }


def test_cash_under_the_warranty_clause_is_refused(agent, handler):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput, match="justifies Free repair, Replacement, not Cash") as no:
        compensation_propose(
            complaint=complaint,
            actor=handler,
            form="cash",
            amount=Decimal("300"),
            policy_clause=PolicyClause.objects.get(code="warranty-repair"),
        )
    assert no.value.field == "form"


def test_going_back_clears_the_forms_it_gave_and_forward_gives_them_again(db):
    migration.take_forms_back(apps, None)
    assert [c.allowed_forms for c in PolicyClause.objects.all()] == [[]] * 5
    migration.give_forms(apps, None)
    assert forms_of("warranty-repair") == ["free_repair", "replacement"]


def test_a_clause_an_administrator_changed_is_left_as_they_set_it(db):
    migration.take_forms_back(apps, None)
    PolicyClause.objects.filter(code="goodwill-care").update(max_amount=Decimal("300"))
    PolicyClause.objects.filter(code="return-7-days").update(is_active=False)
    PolicyClause.objects.filter(code="tariff-overcharge").update(
        text="Fees charged against the tariff are refunded within 3 working days."
    )
    migration.give_forms(apps, None)
    assert forms_of("goodwill-care") == []
    assert forms_of("return-7-days") == []
    assert forms_of("tariff-overcharge") == []
    assert forms_of("warranty-repair") == ["free_repair", "replacement"]


def test_going_back_keeps_forms_an_administrator_chose(db):
    PolicyClause.objects.filter(code="warranty-repair").update(allowed_forms=["free_repair"])
    migration.take_forms_back(apps, None)
    assert forms_of("warranty-repair") == ["free_repair"]
    assert forms_of("tariff-outage-credit") == []
