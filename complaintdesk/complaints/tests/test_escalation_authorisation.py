"""Authorising a higher remedy on an escalation sets a ceiling for the complaint's whole
compensation, within the decider's own authority: without an amount and a currency, with them
on another decision, or beyond what the decider could approve themselves, it is refused and
nothing is stored; the timeline and the raiser's mail name the ceiling."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.choices import EscalationDecision, EscalationStatus, EventKind
from complaintdesk.complaints.errors import InvalidInput, NotAllowed
from complaintdesk.complaints.escalation_requests import (
    complaint_escalate,
    escalation_authorisation,
    escalation_decide,
)
from complaintdesk.complaints.events import event_note_for_reader
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.core.testing.factories import user_make
from complaintdesk.handling.choices import AuthorityLevel
from complaintdesk.handling.models import ApprovalAuthority
from complaintdesk.handling.tests.support import handled_complaint, make_major

pytestmark = pytest.mark.django_db

WHY = "客户要求赔偿三个月月租,超出我的审批权限。"


@pytest.fixture
def complaint(agent, handler) -> Complaint:
    return handled_complaint(agent, handler)


@pytest.fixture
def escalation(complaint, handler, supervisor) -> Escalation:
    return complaint_escalate(
        complaint=complaint, actor=handler, reason="authority", explanation=WHY, to=supervisor
    )


def authorise(escalation: Escalation, actor, amount: str | None = "1500", currency: str = "CNY"):
    return escalation_decide(
        escalation=escalation,
        actor=actor,
        decision=EscalationDecision.AUTHORISE,
        note="同意补偿,总额以此为限。",
        amount=Decimal(amount) if amount is not None else None,
        currency=currency,
    )


def assert_still_open(escalation: Escalation) -> None:
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.OPEN
    assert (escalation.authorised_amount, escalation.authorised_currency) == (None, "")
    assert not escalation.complaint.events.filter(kind=EventKind.ESCALATION_DECIDED).exists()


def test_authorising_stores_the_ceiling_and_the_timeline_and_mail_name_it(
    escalation, handler, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    handler.email = "handler@example.com"
    handler.save()
    with django_capture_on_commit_callbacks(execute=True):
        decided = authorise(escalation, supervisor, "1500", currency="cny")
    assert (decided.decision, decided.authorised_amount, decided.authorised_currency) == (
        EscalationDecision.AUTHORISE,
        Decimal("1500.00"),
        "CNY",
    )
    event = escalation.complaint.events.get(kind=EventKind.ESCALATION_DECIDED)
    assert event.note == (
        "Management authorised a remedy beyond the handler's authority: compensation on this "
        "complaint up to 1,500.00 CNY in all.\n\n同意补偿,总额以此为限。"
    )
    assert (event.after["amount"], event.after["currency"]) == ("1500.00", "CNY")
    assert "up to 1,500.00 CNY in all" in mailoutbox[-1].body
    assert escalation_authorisation(complaint=escalation.complaint) == decided


def test_the_timeline_says_the_ceiling_again_in_the_readers_language(escalation, supervisor):
    from django.utils import translation

    authorise(escalation, supervisor, "1500")
    event = escalation.complaint.events.get(kind=EventKind.ESCALATION_DECIDED)
    with translation.override("zh-hans"):
        said = event_note_for_reader(kind=event.kind, after=event.after, note=event.note)
    assert said is not None
    assert "1,500.00 CNY" in said
    assert said.endswith("同意补偿,总额以此为限。")


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [(None, "CNY", "amount"), ("1500", "", "currency"), (None, "", "amount")],
)
def test_authorising_without_an_amount_and_a_currency_is_refused(
    escalation, supervisor, amount, currency, field
):
    with pytest.raises(InvalidInput, match="Give the ceiling you authorise") as refused:
        authorise(escalation, supervisor, amount, currency=currency)
    assert refused.value.field == field
    assert_still_open(escalation)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": Decimal("1500"), "currency": "CNY"}, "amount"),
        ({"amount": Decimal("1500")}, "amount"),
        ({"currency": "CNY"}, "currency"),
    ],
)
def test_a_ceiling_given_with_another_decision_is_refused(escalation, supervisor, fields, field):
    with pytest.raises(InvalidInput, match="Only a decision to authorise") as refused:
        escalation_decide(
            escalation=escalation,
            actor=supervisor,
            decision=EscalationDecision.APPROVED,
            note="同意",
            **fields,
        )
    assert refused.value.field == field
    assert_still_open(escalation)


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("0", "CNY", "amount", "more than zero"),
        ("-100", "CNY", "amount", "more than zero"),
        ("NaN", "CNY", "amount", "more than zero"),
        ("12345678901", "CNY", "amount", "no more than 12 digits"),
        ("1500", "RMB¥", "currency", "three-letter"),
        ("1500", "XAU", "currency", "no exchange rate for XAU"),
    ],
)
def test_a_ceiling_that_is_no_amount_is_refused(
    escalation, supervisor, amount, currency, field, message
):
    with pytest.raises(InvalidInput, match=message) as refused:
        authorise(escalation, supervisor, amount, currency=currency)
    assert refused.value.field == field
    assert_still_open(escalation)


def test_a_supervisor_cannot_authorise_what_needs_a_manager(escalation, supervisor):
    # Above ¥5,000 the default rules ask for a manager.
    with pytest.raises(NotAllowed) as refused:
        authorise(escalation, supervisor, "6000")
    assert refused.value.message == (
        "You may authorise only as much as you could approve yourself. A ceiling of 6,000.00 "
        "CNY needs Manager approval; your approval authority is Supervisor. Submit it to "
        "someone with that authority."
    )
    assert refused.value.field == "amount"
    assert_still_open(escalation)


def test_a_supervisor_cannot_authorise_beyond_their_limit_in_any_currency(escalation, supervisor):
    ApprovalAuthority.objects.create(
        user=supervisor, level=AuthorityLevel.SUPERVISOR, limit=Decimal("1000"), currency="CNY"
    )
    with pytest.raises(NotAllowed, match=re.escape("beyond your approval limit of 1,000.00 CNY")):
        authorise(escalation, supervisor, "200", currency="USD")  # 1,440 CNY
    assert_still_open(escalation)
    assert authorise(escalation, supervisor, "1000").authorised_amount == Decimal("1000.00")


def test_a_major_complaint_needs_a_manager_to_authorise_any_ceiling(
    complaint, escalation, supervisor, administrator
):
    make_major(complaint)
    with pytest.raises(NotAllowed, match="needs Manager approval"):
        authorise(escalation, supervisor, "100")
    assert_still_open(escalation)
    assert authorise(escalation, administrator, "100").decided_by == administrator


def test_someone_who_may_not_decide_hears_that_first(escalation, billing_department):
    outsider = user_make(Role.SUPERVISOR, department=billing_department, username="outsider")
    with pytest.raises(NotAllowed, match="Only supervisor, to whom it was escalated"):
        authorise(escalation, outsider, "0")
    assert_still_open(escalation)


def test_the_latest_authorisation_counts(complaint, handler, supervisor, administrator):
    first = complaint_escalate(
        complaint=complaint, actor=handler, reason="authority", explanation=WHY, to=supervisor
    )
    authorise(first, supervisor, "1000")
    second = complaint_escalate(
        complaint=complaint, actor=handler, reason="authority", explanation=WHY, to=administrator
    )
    authorise(second, administrator, "8000")
    third = complaint_escalate(
        complaint=complaint, actor=handler, reason="threat", explanation=WHY, to=supervisor
    )
    escalation_decide(escalation=third, actor=supervisor, decision="reject", note="不同意")
    latest = escalation_authorisation(complaint=complaint)
    assert latest is not None
    assert (latest.pk, latest.authorised_amount) == (second.pk, Decimal("8000.00"))


def test_an_authorisation_recorded_before_ceilings_lends_nothing(escalation, supervisor):
    Escalation.objects.filter(pk=escalation.pk).update(
        status=EscalationStatus.DECIDED, decision=EscalationDecision.AUTHORISE
    )
    assert escalation_authorisation(complaint=escalation.complaint) is None
