"""The public status page and the staff's messages panel."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.services import complaint_add_note
from complaintdesk.core import clock
from complaintdesk.notifications.choices import NoticeStatus
from complaintdesk.notifications.models import Notice
from complaintdesk.notifications.services import notice_deliver, notice_send_by_hand
from complaintdesk.notifications.tests.helpers import DAYTIME, complaint_for_customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _look_up(client: Client, tracking_number: str, tail: str):
    return client.post("/track/", {"tracking_number": tracking_number, "phone_tail": tail})


def test_status_page_shows_status_and_only_customer_visible_messages(agent):
    complaint = complaint_for_customer(actor=agent)
    with clock.travel_to(DAYTIME):
        notice_deliver(notice_id=complaint.notices.get().pk)
    complaint_add_note(complaint=complaint, actor=agent, text="INTERNAL: customer sounds angry")
    complaint_add_note(
        complaint=complaint, actor=agent, text="We called you at 10:00.", customer_visible=True
    )
    queued = notice_send_by_hand(
        complaint=complaint, purpose="progress", actor=agent, note="NOT-YET-SENT progress"
    )
    assert queued.status == NoticeStatus.QUEUED

    response = _look_up(Client(), complaint.tracking_number, "5678")
    assert response.status_code == 200
    page = response.content.decode()
    assert complaint.tracking_number in page
    assert "Registered" in page
    assert "we have registered" in page.lower() or "已受理" in page
    assert "We called you at 10:00." in page
    assert "INTERNAL" not in page
    assert "NOT-YET-SENT" not in page


def test_status_page_refuses_a_wrong_phone_tail_like_an_unknown_number(agent):
    complaint = complaint_for_customer(actor=agent)
    wrong = _look_up(Client(), complaint.tracking_number, "0000")
    unknown = _look_up(Client(), "ZZZZ-ZZZZ-Z", "5678")
    assert wrong.status_code == unknown.status_code == 404
    assert complaint.subject not in wrong.content.decode()


def test_status_page_stops_answering_after_repeated_failures(agent):
    complaint = complaint_for_customer(actor=agent)
    client = Client()
    for _attempt in range(5):
        assert _look_up(client, complaint.tracking_number, "0000").status_code == 404
    # Even the right phone tail is refused now, from this address and session.
    assert _look_up(client, complaint.tracking_number, "5678").status_code == 429
    # Another address with a fresh session still gets its answer.
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert _look_up(other, complaint.tracking_number, "5678").status_code == 200


def test_the_panel_lists_messages_and_sends_one(agent):
    complaint = complaint_for_customer(actor=agent)
    client = Client()
    client.force_login(agent)
    url = f"/complaints/{complaint.tracking_number}/messages/"
    panel = client.get(url)
    assert panel.status_code == 200
    assert "Acknowledgement of receipt" in panel.content.decode()
    response = client.post(
        url, {"purpose": "progress", "note": "Engineer booked for Friday."}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert Notice.objects.filter(complaint=complaint, purpose="progress").count() == 1
    assert "Progress and expected time" in response.content.decode()


def test_the_detail_page_loads_the_panel(agent):
    complaint = complaint_for_customer(actor=agent)
    client = Client()
    client.force_login(agent)
    page = client.get(f"/complaints/{complaint.tracking_number}/").content.decode()
    assert f"/complaints/{complaint.tracking_number}/messages/" in page


def test_the_panel_of_another_departments_complaint_is_not_found(
    agent, handler, other_department_handler
):
    complaint = complaint_for_customer(actor=agent)
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    client = Client()
    client.force_login(other_department_handler)
    url = f"/complaints/{complaint.tracking_number}/messages/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"purpose": "progress", "note": "x"}).status_code == 404
    assert not Notice.objects.filter(purpose="progress").exists()


def test_an_auditor_sees_the_panel_without_the_form_and_cannot_post(agent, auditor):
    complaint = complaint_for_customer(actor=agent)
    client = Client()
    client.force_login(auditor)
    url = f"/complaints/{complaint.tracking_number}/messages/"
    assert "message-form" not in client.get(url).content.decode()
    assert client.post(url, {"purpose": "progress", "note": "x"}).status_code == 403


def test_an_intake_agent_gets_no_form_on_a_complaint_a_handler_works_on(agent, handler):
    complaint = complaint_for_customer(actor=agent)
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    client = Client()
    client.force_login(agent)
    url = f"/complaints/{complaint.tracking_number}/messages/"
    assert "message-form" not in client.get(url).content.decode()
    refused = client.post(url, {"purpose": "progress", "note": "x"})
    assert refused.status_code == 403
    assert "handler handles this complaint" in refused.content.decode()
    assert not Notice.objects.filter(purpose="progress").exists()
