"""The remedies services hold their free text (reasons, notes, a care action's purpose and
outcome) to the one cap of text written on a complaint, and their short fields (description,
unit, fulfilment reference) to their column's length: a longer text is refused naming the
field, and nothing changes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.core import clock
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.intake.services import DESCRIPTION_MAX
from complaintdesk.remedies.care import care_record, care_schedule
from complaintdesk.remedies.choices import CareStatus, ItemStatus
from complaintdesk.remedies.consent import compensation_offer, offer_record_consent
from complaintdesk.remedies.models import CareAction, CompensationItem
from complaintdesk.remedies.services import (
    compensation_approve,
    compensation_cancel,
    compensation_confirm,
    compensation_fulfil,
    compensation_propose,
)

pytestmark = pytest.mark.django_db

TOO_LONG = "长" * (DESCRIPTION_MAX + 1)
MESSAGE = f"This text is longer than {DESCRIPTION_MAX} characters."


def _propose(complaint, actor, **fields):
    values = {"form": "service_credit", "amount": Decimal("100"), "policy_clause": clause_make()}
    return compensation_propose(complaint=complaint, actor=actor, **(values | fields))


@pytest.fixture
def approved(agent, handler, supervisor, network_department) -> CompensationItem:
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    return compensation_approve(item=_propose(complaint, handler), actor=supervisor)


@pytest.fixture
def accepted(approved, handler) -> CompensationItem:
    offer, _link = compensation_offer(
        complaint=approved.complaint,
        actor=handler,
        base_url="https://cd.example",
        send_notice=False,
    )
    offer_record_consent(
        offer=offer, actor=handler, decision="accepted", method="phone", note="电话同意"
    )
    approved.refresh_from_db()
    return approved


@pytest.mark.parametrize(
    ("field", "limit"), [("description", 300), ("unit", 20)], ids=["description", "unit"]
)
def test_a_proposal_longer_than_its_column_is_refused(agent, handler, field, limit):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput, match=f"longer than {limit} characters") as refused:
        _propose(complaint, handler, **{field: "x" * (limit + 1)})
    assert refused.value.field == field
    assert not CompensationItem.objects.exists()
    assert _propose(complaint, handler, **{field: "x" * limit}).status == ItemStatus.PROPOSED


def test_a_withdrawal_reason_is_held_to_the_shared_cap(approved, handler):
    with pytest.raises(InvalidInput, match=MESSAGE) as refused:
        compensation_cancel(item=approved, actor=handler, reason=TOO_LONG)
    assert refused.value.field == "reason"
    approved.refresh_from_db()
    assert approved.status == ItemStatus.APPROVED
    exactly = "长" * DESCRIPTION_MAX
    cancelled = compensation_cancel(item=approved, actor=handler, reason=exactly)
    assert cancelled.status == ItemStatus.CANCELLED


def test_consent_notes_are_held_to_the_shared_cap(approved, handler):
    offer, _link = compensation_offer(
        complaint=approved.complaint,
        actor=handler,
        base_url="https://cd.example",
        send_notice=False,
    )
    with pytest.raises(InvalidInput, match=MESSAGE) as refused:
        offer_record_consent(
            offer=offer, actor=handler, decision="accepted", method="phone", note=TOO_LONG
        )
    assert refused.value.field == "note"
    offer.refresh_from_db()
    assert offer.decided_at is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"reference": "R" * 201}, "reference", "longer than 200 characters"),
        ({"reference": "BILL-1", "note": TOO_LONG}, "note", MESSAGE),
    ],
    ids=["reference", "note"],
)
def test_fulfilment_text_is_held_to_its_caps(accepted, handler, fields, field, message):
    with pytest.raises(InvalidInput, match=message) as refused:
        compensation_fulfil(item=accepted, actor=handler, **fields)
    assert refused.value.field == field
    accepted.refresh_from_db()
    assert accepted.status == ItemStatus.ACCEPTED


def test_a_confirmations_effect_note_is_held_to_the_shared_cap(accepted, handler, supervisor):
    fulfilled = compensation_fulfil(item=accepted, actor=handler, reference="BILL-1")
    with pytest.raises(InvalidInput, match=MESSAGE) as refused:
        compensation_confirm(
            item=fulfilled, actor=supervisor, method="records", effect_note=TOO_LONG
        )
    assert refused.value.field == "effect_note"
    fulfilled.refresh_from_db()
    assert fulfilled.status == ItemStatus.FULFILLED


def test_care_purpose_and_outcome_are_held_to_the_shared_cap(agent, handler):
    complaint = handled_complaint(agent, handler)
    when = clock.now() + timedelta(days=1)
    with pytest.raises(InvalidInput, match=MESSAGE) as refused:
        care_schedule(
            complaint=complaint, actor=handler, kind="call", scheduled_for=when, purpose=TOO_LONG
        )
    assert refused.value.field == "purpose"
    assert not CareAction.objects.exists()

    action = care_schedule(
        complaint=complaint, actor=handler, kind="call", scheduled_for=when, purpose="回访"
    )
    with pytest.raises(InvalidInput, match=MESSAGE) as refused:
        care_record(action=action, actor=handler, outcome=TOO_LONG, effect="improved")
    assert refused.value.field == "outcome"
    action.refresh_from_db()
    assert action.status == CareStatus.SCHEDULED
