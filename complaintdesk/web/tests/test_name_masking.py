"""The customer's name in free text and file names, as each role reads the complaint."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.notifications.models import Notice
from complaintdesk.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"\x00" * 64


def _complaint_of(customer: str, description: str, *, agent, handler) -> Complaint:
    complaint = complaint_make(actor=agent, customer_name=customer, description=description)
    return complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )


def _add_note_and_file(complaint: Complaint, author, *, note: str, name: str, data: bytes):
    client = client_for(author)
    number = complaint.tracking_number
    client.post(reverse("web:complaint_activity", args=[number]), {"text": note})
    client.post(
        reverse("web:complaint_attachments", args=[number]),
        {"file": SimpleUploadedFile(name, data, "application/octet-stream")},
    )


def _detail(complaint: Complaint, user) -> str:
    client = client_for(user)
    number = complaint.tracking_number
    return "".join(
        client.get(reverse(view, args=[number])).content.decode()
        for view in ("web:complaint_detail", "web:complaint_activity", "web:complaint_attachments")
    )


@pytest.fixture
def zhang_wei(agent, handler) -> Complaint:
    complaint = _complaint_of(
        "张伟", "张伟本人来电:家里宽带断线三天。", agent=agent, handler=handler
    )
    _add_note_and_file(
        complaint, handler, note="已回电张伟,约好周五上门。", name="张伟_身份证.jpg", data=JPEG
    )
    return complaint


def test_analyst_reads_the_customers_name_masked_in_text_and_file_names(zhang_wei, analyst):
    page = _detail(zhang_wei, analyst)
    assert "张伟" not in page
    assert "张**本人来电" in page
    assert "已回电张**" in page
    assert "张**_身份证.jpg" in page


def test_handler_reads_the_customers_name_in_full(zhang_wei, handler):
    page = _detail(zhang_wei, handler)
    assert "张伟本人来电" in page
    assert "已回电张伟" in page
    assert "张伟_身份证.jpg" in page


def test_analyst_reads_an_english_name_masked_whatever_its_case(agent, handler, analyst):
    complaint = _complaint_of(
        "John Smith", "John Smith here: the router keeps dropping.", agent=agent, handler=handler
    )
    _add_note_and_file(
        complaint, handler, note="JOHN rang again.", name="invoice_John_Smith.pdf", data=PDF
    )
    page = _detail(complaint, analyst)
    assert "John" not in page
    assert "JOHN" not in page
    assert "J*** S**** here" in page
    assert "J*** rang again" in page
    assert "invoice_J***_S****.pdf" in page
    assert "invoice_John_Smith.pdf" in _detail(complaint, handler)


def test_analyst_reads_message_subjects_with_the_name_masked(zhang_wei, analyst, handler):
    Notice.objects.filter(complaint=zhang_wei).update(subject="张伟,您的投诉已受理")
    url = reverse("notifications:complaint_messages", args=[zhang_wei.tracking_number])
    assert "张**,您的投诉已受理" in client_for(analyst).get(url).content.decode()
    assert "张伟,您的投诉已受理" in client_for(handler).get(url).content.decode()
