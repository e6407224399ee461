"""System-written timeline notes read in the reader's language, whatever language was active
when they were written (QA: a routing note in English in the Chinese UI)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.events import event_record
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.routing.models import RoutingRule
from complaintdesk.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db


def chinese_page(user, complaint) -> str:
    client = client_for(user)
    client.cookies["django_language"] = "zh-hans"
    url = reverse("web:complaint_detail", args=[complaint.tracking_number])
    return client.get(url).content.decode()


def test_a_routing_note_written_in_english_reads_in_chinese(agent, handler, network_department):
    network_department.name_zh = "网络运维部"
    network_department.save()
    RoutingRule.objects.create(name="All → network", department=network_department, skill="*")
    with translation.override("en"):
        complaint = complaint_make(actor=agent)
    routed = complaint.events.get(kind=EventKind.ROUTED)
    assert routed.note.startswith("Routed to Network operations")
    page = chinese_page(handler, complaint)
    assert "已按规则“All → network”流转至网络运维部，分派给 handler。" in page
    assert "Routed to Network operations" not in page


def test_an_old_routing_event_without_its_data_keeps_its_stored_note(agent, handler):
    complaint = complaint_make(actor=agent)
    event_record(
        complaint=complaint,
        actor=None,
        kind=EventKind.ROUTED,
        after={"rule": "Old rule", "department": "gone"},
        note="Routed to Somewhere by rule “Old rule”.",
    )
    assert "Routed to Somewhere by rule “Old rule”." in chinese_page(agent, complaint)


def test_a_possible_duplicate_note_reads_in_chinese(agent):
    first = complaint_make(actor=agent)
    complaint = complaint_make(actor=agent)
    with translation.override("en"):
        event_record(
            complaint=complaint,
            actor=None,
            kind=EventKind.DUPLICATE_SUSPECTED,
            after={"duplicate_of": first.tracking_number, "score": 0.91},
            note=f"Possibly the same complaint as {first.tracking_number} (similarity 91%).",
        )
    page = chinese_page(agent, complaint)
    assert f"可能与投诉 {first.tracking_number} 重复（相似度 91%）。" in page
