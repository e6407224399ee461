"""Lists that grow with use answer one page envelope, {count, page, page_size, results}: the
complaint list, a complaint's timeline and messages, and the work queues (rectifications,
follow-up visits due, rejections waiting for review)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings

from complaintdesk.api.tests.test_complaints_api import api_client
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.services import complaint_add_note
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.handling.responsibility import determination_propose, rectification_add
from complaintdesk.handling.tests.support import handled_complaint
from complaintdesk.surveys.rejection import rejection_propose
from complaintdesk.surveys.tests.helpers import resolved_complaint

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/complaints",
    "/api/complaints/at-risk",
    "/api/complaints/{number}/events",
    "/api/complaints/{number}/messages",
    "/api/rectifications",
    "/api/follow-up-visits/due",
    "/api/rejection-reviews/pending",
]


def walk(client, url: str, page_size: int) -> tuple[int, list[int]]:
    """Every row's id, page after page, and the count the first page gave."""
    ids: list[int] = []
    first = client.get(url, {"page_size": page_size}).json()
    page = first
    while page["results"]:
        assert page["count"] == first["count"] and page["page_size"] == page_size
        ids += [row["id"] for row in page["results"]]
        page = client.get(url, {"page_size": page_size, "page": page["page"] + 1}).json()
    return first["count"], ids


def test_the_timeline_is_read_page_by_page_without_gaps_or_repeats(agent):
    complaint = complaint_make(actor=agent)
    for index in range(6):
        complaint_add_note(complaint=complaint, actor=agent, text=f"第{index + 1}次联系客户。")
    client = api_client(agent)
    url = f"/api/complaints/{complaint.tracking_number}/events"
    count, ids = walk(client, url, page_size=4)
    everything = client.get(url, {"page_size": 200}).json()
    assert count == everything["count"] == len(ids) >= 8
    assert ids == [event["id"] for event in everything["results"]]
    assert everything["results"][-1]["note"] == "第6次联系客户。"


def test_rectifications_are_paged_soonest_due_first(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    determination = determination_propose(
        complaint=complaint, actor=handler, party="company", reason="service_defect", facts="…"
    )
    for days in (9, 3, 6):
        rectification_add(
            determination=determination,
            actor=supervisor,
            description=f"{days}天内更换同批次光猫。",
            owner=handler,
            due_on=clock.now().date() + timedelta(days=days),
        )
    client = api_client(handler)
    first = client.get("/api/rectifications", {"page_size": 2}).json()
    second = client.get("/api/rectifications", {"page_size": 2, "page": 2}).json()
    assert (first["count"], first["page"], first["page_size"]) == (3, 1, 2)
    listed = [row["description"] for row in first["results"] + second["results"]]
    assert listed == ["3天内更换同批次光猫。", "6天内更换同批次光猫。", "9天内更换同批次光猫。"]


def test_rejections_waiting_for_review_are_paged_with_no_cut_off(
    agent, supervisor, second_supervisor
):
    complaints = [complaint_make(actor=agent) for _ in range(3)]
    for complaint in complaints:
        rejection_propose(
            complaint=complaint, actor=supervisor, reason="malicious", note="所述与记录不符。"
        )
    count, ids = walk(api_client(second_supervisor), "/api/rejection-reviews/pending", 2)
    assert count == len(ids) == 3
    assert len(set(ids)) == 3


def test_follow_up_visits_due_answer_the_page(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    complaint_transition(complaint=complaint, action="close", actor=handler)
    with clock.travel_to(clock.now() + timedelta(days=8)):
        page = api_client(handler).get("/api/follow-up-visits/due").json()
    assert (page["count"], page["page"], page["page_size"]) == (1, 1, 50)
    assert [visit["offset_days"] for visit in page["results"]] == [7]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": 0}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": settings.API_PAGE_SIZE_MAX + 1}, "page_size"),
    ],
)
def test_a_page_out_of_range_is_refused_naming_the_parameter(supervisor, url, query, field):
    number = complaint_make(actor=supervisor).tracking_number
    response = api_client(supervisor).get(url.format(number=number), query)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field


@pytest.mark.parametrize("url", LISTS)
def test_a_page_past_the_end_is_empty_however_far(supervisor, url):
    number = complaint_make(actor=supervisor).tracking_number
    response = api_client(supervisor).get(url.format(number=number), {"page": 10**12})
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []
    assert response.json()["page_size"] == 50
