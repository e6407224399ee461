"""The customer's note on the consent page is kept whole or refused: a note longer than the
customer-facing limit is refused naming the field, on the page too, with what the customer
typed kept in the form so they can shorten it; nothing is cut and nothing is answered."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.consent import (
    CUSTOMER_NOTE_MAX,
    compensation_offer,
    offer_decide_by_link,
)
from complaintdesk.remedies.models import CompensationBudget, CompensationOffer
from complaintdesk.remedies.services import compensation_approve, compensation_propose

pytestmark = pytest.mark.django_db

BASE = "https://cd.example"


@pytest.fixture
def offered(agent, handler, supervisor, network_department) -> tuple[CompensationOffer, str]:
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    item = compensation_propose(
        complaint=complaint,
        actor=handler,
        form="service_credit",
        amount=Decimal("300"),
        policy_clause=clause_make(),
    )
    compensation_approve(item=item, actor=supervisor)
    offer, link = compensation_offer(
        complaint=complaint, actor=handler, base_url=BASE, send_notice=False
    )
    token = link.removeprefix(f"{BASE}/consent/").rstrip("/")
    return offer, token


def _unanswered(offer: CompensationOffer) -> None:
    offer.refresh_from_db()
    assert (offer.decided_at, offer.decision, offer.note) == (None, "", "")
    assert set(offer.items.values_list("status", flat=True)) == {ItemStatus.OFFERED}
    assert CompensationBudget.objects.get().committed == Decimal("300.00")
    assert not offer.complaint.events.filter(
        kind=EventKind.COMPENSATION, after__step__startswith="consent_"
    ).exists()


def test_the_customer_facing_limit_is_two_thousand_characters():
    assert CUSTOMER_NOTE_MAX == 2000


def test_a_note_longer_than_the_limit_is_refused_naming_the_field_and_nothing_changes(offered):
    offer, token = offered
    with pytest.raises(InvalidInput, match="2001 characters long") as refused:
        offer_decide_by_link(token=token, decision="declined", note="长" * 2001)
    assert refused.value.field == "note"
    assert "2000" in refused.value.message
    _unanswered(offer)


def test_a_note_at_exactly_the_limit_is_kept_whole(offered):
    offer, token = offered
    note = "谢" * 1999 + "!"
    answered = offer_decide_by_link(token=token, decision="accepted", note=f"  {note}\n")
    assert answered.note == note
    offer.refresh_from_db()
    assert (offer.decision, offer.note) == ("accepted", note)
    event = offer.complaint.events.get(after__step="consent_accepted")
    assert event.note == note


def test_line_breaks_sent_by_a_browser_count_once(offered):
    # A browser counts a line break as one character against maxlength but sends it as
    # CR LF; a note that fitted the box must not be refused for it.
    _offer, token = offered
    lines = ["第" * 99] * 20  # 1,980 characters and 19 line breaks: 1,999 in the box
    answered = offer_decide_by_link(token=token, decision="accepted", note="\r\n".join(lines))
    assert answered.note == "\n".join(lines)
    assert len(answered.note) == 1999


def test_the_page_refuses_a_long_note_and_keeps_what_the_customer_typed(offered):
    offer, token = offered
    path = f"/consent/{token}/"
    client = Client()
    client.cookies["django_language"] = "en"
    typed = "信号很差,已经三个月了。" * 167  # 2,004 characters
    response = client.post(path, {"decision": "accepted", "note": typed})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Your note is 2004 characters long" in page
    assert typed in page
    assert 'maxlength="2000"' in page and 'aria-invalid="true"' in page
    _unanswered(offer)

    shortened = client.post(path, {"decision": "accepted", "note": typed[:2000]})
    assert shortened.status_code == 200
    offer.refresh_from_db()
    assert (offer.decision, offer.note) == ("accepted", typed[:2000])


def test_the_page_shows_the_limit_on_the_form(offered):
    _offer, token = offered
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get(f"/consent/{token}/").content.decode()
    assert 'maxlength="2000"' in page
    assert "Up to 2000 characters." in page
    assert 'aria-describedby="note-hint"' in page and "aria-invalid" not in page


def test_the_page_accepts_a_note_at_exactly_the_limit(offered):
    offer, token = offered
    note = "好" * 2000
    response = Client().post(f"/consent/{token}/", {"decision": "declined", "note": note})
    assert response.status_code == 200
    offer.refresh_from_db()
    assert (offer.decision, offer.note) == ("declined", note)
