"""The customer's one-time links (satisfaction survey, compensation consent) reach the customer
only: every staff view of the timeline and of the messages shows them masked, whatever the role.

The link is the customer's credential: a staff member who could copy it could answer the
survey or accept the compensation in the customer's name.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client

from complaintdesk.accounts.models import User
from complaintdesk.api.tests.test_complaints_api import api_client
from complaintdesk.complaints.choices import EventKind, Visibility
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.notifications.masking import mask_one_time_links
from complaintdesk.remedies.consent import compensation_offer, offer_decide_by_link
from complaintdesk.remedies.services import compensation_approve, compensation_propose

pytestmark = pytest.mark.django_db

ONE_TIME_LINK = re.compile(r"/(?:survey|consent)/([\w-]+)/")
STAFF = ["agent", "handler", "supervisor", "auditor", "analyst", "administrator"]


@pytest.fixture
def complaint_with_links(agent, handler, supervisor, network_department) -> Complaint:
    """A resolved complaint whose customer got a consent link and a survey link."""
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    item = compensation_propose(
        complaint=complaint,
        actor=handler,
        form="service_credit",
        amount=Decimal("50"),
        policy_clause=clause_make(),
    )
    compensation_approve(item=item, actor=supervisor)
    _offer, link = compensation_offer(
        complaint=complaint, actor=handler, base_url="https://cd.example"
    )
    # The result waits for the compensation to be settled: the customer declines it.
    offer_decide_by_link(token=link.rstrip("/").rsplit("/", 1)[-1], decision="declined")
    return complaint_transition(
        complaint=complaint, action="resolve", actor=handler, note="已更换光猫,网络恢复。"
    )


def customer_tokens(complaint: Complaint) -> list[str]:
    """The secrets in the messages as the customer received them."""
    bodies = " ".join(complaint.notices.values_list("body", flat=True))
    return ONE_TIME_LINK.findall(bodies)


def assert_no_token(text: str, tokens: list[str]) -> None:
    leaked = [token for token in tokens if token in text]
    assert leaked == [], text


def test_the_customer_receives_both_working_links(complaint_with_links):
    tokens = customer_tokens(complaint_with_links)
    assert len(tokens) == 2
    survey, consent = sorted(
        complaint_with_links.notices.filter(purpose__in=["survey", "compensation_offer"]),
        key=lambda n: n.purpose,
    )
    for notice in (survey, consent):
        path = ONE_TIME_LINK.search(notice.body)
        assert path is not None
        # The consent page opens too, saying the offer was already answered.
        assert Client().get(path.group(0)).status_code == 200


def test_the_timeline_stores_the_messages_with_their_links_masked(complaint_with_links):
    tokens = customer_tokens(complaint_with_links)
    messages = complaint_with_links.events.filter(kind=EventKind.MESSAGE)
    notes = " ".join(messages.values_list("note", flat=True))
    assert_no_token(notes, tokens)
    assert "https://cd.example/consent/…" in notes
    assert "/survey/…" in notes


@pytest.mark.parametrize("persona", STAFF)
def test_no_staff_role_can_read_a_one_time_link(persona, request, complaint_with_links):
    user: User = request.getfixturevalue(persona)
    tokens = customer_tokens(complaint_with_links)
    tn = complaint_with_links.tracking_number
    api = api_client(user)
    events = api.get(f"/api/complaints/{tn}/events")
    messages = api.get(f"/api/complaints/{tn}/messages")
    assert (events.status_code, messages.status_code) == (200, 200)
    web = Client()
    web.force_login(user)
    detail = web.get(f"/complaints/{tn}/")
    activity = web.get(f"/complaints/{tn}/activity/")
    panel = web.get(f"/complaints/{tn}/messages/")
    for response in (events, messages, detail, activity, panel):
        assert_no_token(response.content.decode(), tokens)
    # Staff still see that a link went out, and where it pointed.
    assert "/survey/…" in " ".join(e["note"] for e in events.json()["results"])
    assert "/consent/…" in " ".join(m["body"] for m in messages.json()["results"])


def test_a_link_stored_before_the_fix_is_masked_when_shown(complaint_with_links, supervisor):
    # Timeline events are append-only, so rows written before the fix keep the link.
    old_note = "请点击 https://cd.example/survey/OLD-secret_Token123/ 评价。"
    with transaction.atomic():
        event_record(
            complaint=complaint_with_links,
            actor=None,
            kind=EventKind.MESSAGE,
            note=old_note,
            visibility=Visibility.CUSTOMER,
        )
    tn = complaint_with_links.tracking_number
    timeline = api_client(supervisor).get(f"/api/complaints/{tn}/events").json()
    events = timeline["results"][-1]["note"]
    web = Client()
    web.force_login(supervisor)
    activity = web.get(f"/complaints/{tn}/activity/").content.decode()
    for shown in (events, activity):
        assert "OLD-secret_Token123" not in shown
        assert "https://cd.example/survey/…" in shown


def test_the_admin_shows_notices_and_the_timeline_without_the_links(
    complaint_with_links, administrator
):
    tokens = customer_tokens(complaint_with_links)
    admin = Client()
    admin.force_login(administrator)
    pages = [
        admin.get("/admin/notifications/notice/"),
        admin.get(f"/admin/complaints/complaint/{complaint_with_links.pk}/change/"),
        *(
            admin.get(f"/admin/notifications/notice/{pk}/change/")
            for pk in complaint_with_links.notices.values_list("pk", flat=True)
        ),
    ]
    for page in pages:
        assert page.status_code == 200
        assert_no_token(page.content.decode(), tokens)
    survey_notice = complaint_with_links.notices.get(purpose="survey")
    page = admin.get(f"/admin/notifications/notice/{survey_notice.pk}/change/")
    assert "/survey/…" in page.content.decode()


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("https://cd.example/survey/abc_DEF-123/", "https://cd.example/survey/…"),
        ("打开 http://x/consent/Zz9-_/。谢谢", "打开 http://x/consent/…。谢谢"),
        ("already /survey/…", "already /survey/…"),
        ("the status page https://cd.example/track/", "the status page https://cd.example/track/"),
        ("", ""),
    ],
)
def test_mask_one_time_links(text, masked):
    assert mask_one_time_links(text) == masked
