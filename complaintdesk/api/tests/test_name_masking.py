"""The API's presenters mask the customer's name in free text for roles that see it masked."""

from __future__ import annotations

import io

import pytest

from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.services import attachment_add
from complaintdesk.core.testing.factories import complaint_make

pytestmark = pytest.mark.django_db


class _Upload(io.BytesIO):
    name = "张伟_身份证.jpg"


@pytest.fixture
def zhang_wei(agent, handler) -> Complaint:
    complaint = complaint_make(
        actor=agent,
        customer_name="张伟",
        subject="张伟家宽带断线",
        description="张伟本人来电:家里宽带断线三天。",
    )
    complaint = complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    number = complaint.tracking_number
    post_json(api_client(handler), f"/api/complaints/{number}/notes", {"text": "已回电张伟。"})
    attachment_add(
        complaint=complaint,
        upload=_Upload(b"\xff\xd8\xff\xe0" + b"\x00" * 64),
        name=_Upload.name,
        actor=handler,
    )
    return complaint


def _read(user, complaint: Complaint) -> tuple[dict, list[dict], dict]:
    client = api_client(user)
    number = complaint.tracking_number
    detail = client.get(f"/api/complaints/{number}").json()
    events = client.get(f"/api/complaints/{number}/events").json()["results"]
    listed = client.get("/api/complaints").json()["results"]
    return detail, events, next(r for r in listed if r["tracking_number"] == number)


def test_analyst_reads_the_name_masked_in_description_notes_and_event_data(zhang_wei, analyst):
    detail, events, row = _read(analyst, zhang_wei)
    assert detail["description"] == "张**本人来电:家里宽带断线三天。"
    assert detail["subject"] == row["subject"] == "张**家宽带断线"
    assert "已回电张**。" in [e["note"] for e in events]
    uploaded = next(e for e in events if e["kind"] == "attachment")
    assert uploaded["after"]["name"] == "张**_身份证.jpg"


def test_handler_reads_the_name_in_full(zhang_wei, handler):
    detail, events, row = _read(handler, zhang_wei)
    assert detail["description"] == "张伟本人来电:家里宽带断线三天。"
    assert row["subject"] == "张伟家宽带断线"
    assert "已回电张伟。" in [e["note"] for e in events]
    uploaded = next(e for e in events if e["kind"] == "attachment")
    assert uploaded["after"]["name"] == "张伟_身份证.jpg"
