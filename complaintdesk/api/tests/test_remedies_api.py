"""The compensation and care API: propose, approve within authority and budget, offer with a
consent link, record consent, fulfil, confirm, care, budgets and the cost report; every
complaint endpoint answers 404 for another department's complaint."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from django.conf import settings as django_settings
from django.test import Client

from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.core import clock
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint

pytestmark = pytest.mark.django_db


def test_compensation_from_proposal_to_confirmed_delivery(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    clause_make()
    complaint = handled_complaint(agent, handler)
    base = f"/api/complaints/{complaint.tracking_number}"
    proposed = post_json(
        api_client(handler),
        f"{base}/compensation",
        {
            "form": "service_credit",
            "amount": "600.00",
            "policy_clause": "outage-refund",
            "assessed_loss": "580.00",
            "description": "三天断网话费补偿",
        },
    )
    assert proposed.status_code == 201, proposed.content
    item_id = proposed.json()["id"]
    beyond = post_json(api_client(handler), f"{base}/compensation/{item_id}/approve", {})
    assert beyond.status_code == 403
    assert "needs Supervisor approval" in beyond.json()["detail"]
    approved = post_json(api_client(supervisor), f"{base}/compensation/{item_id}/approve", {})
    assert approved.json()["status"] == "approved"

    budgets = api_client(handler).get("/api/compensation/budgets").json()
    assert budgets[0]["remaining"] == "400.00"

    offer = post_json(api_client(handler), f"{base}/compensation-offers", {"send_notice": False})
    assert offer.status_code == 201, offer.content
    assert offer.json()["item_ids"] == [item_id]
    link = offer.json()["link"]
    assert link.startswith(f"{django_settings.PUBLIC_BASE_URL}/consent/")
    answered = Client().post(link.removeprefix("http://testserver"), {"decision": "accepted"})
    assert answered.status_code == 200
    offers = api_client(handler).get(f"{base}/compensation-offers").json()
    assert (offers[0]["decision"], offers[0]["method"]) == ("accepted", "link")

    fulfilled = post_json(
        api_client(handler), f"{base}/compensation/{item_id}/fulfil", {"reference": "ADJ-77"}
    )
    assert fulfilled.json()["status"] == "fulfilled"
    confirmed = post_json(
        api_client(supervisor),
        f"{base}/compensation/{item_id}/confirm",
        {"method": "records", "effect_note": "已到账"},
    )
    assert confirmed.json()["status"] == "confirmed"

    report = api_client(supervisor).get(
        "/api/compensation/report",
        {
            "date_from": (clock.now() - timedelta(days=1)).isoformat(),
            "date_to": (clock.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert report.status_code == 200
    rows = report.json()
    assert [(r["department"], r["form"], r["items"], r["total"]) for r in rows] == [
        ("network", "service_credit", 1, "600.00")
    ]


def test_an_overdrawing_approval_answers_409_with_the_remaining_amount(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "100")
    clause_make()
    complaint = handled_complaint(agent, handler)
    base = f"/api/complaints/{complaint.tracking_number}/compensation"
    item = post_json(
        api_client(handler),
        base,
        {"form": "coupon", "amount": "150", "policy_clause": "outage-refund"},
    ).json()
    refused = post_json(api_client(supervisor), f"{base}/{item['id']}/approve", {})
    assert refused.status_code == 409
    assert "100.00 CNY left, 150.00 CNY asked" in refused.json()["detail"]


def test_consent_recorded_by_the_agent_and_care_through_the_api(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    clause_make()
    complaint = handled_complaint(agent, handler)
    base = f"/api/complaints/{complaint.tracking_number}"
    item = post_json(
        api_client(handler),
        f"{base}/compensation",
        {
            "form": "data",
            "amount": "30",
            "quantity": "10",
            "unit": "GB",
            "policy_clause": "outage-refund",
        },
    ).json()
    post_json(api_client(handler), f"{base}/compensation/{item['id']}/approve", {})
    offer = post_json(api_client(handler), f"{base}/compensation-offers", {"send_notice": False})
    consent = post_json(
        api_client(agent),
        f"{base}/compensation-offers/{offer.json()['id']}/consent",
        {"decision": "declined", "method": "phone", "note": "客户希望改为现金。"},
    )
    assert consent.status_code == 200 and consent.json()["decision"] == "declined"

    care = post_json(
        api_client(handler),
        f"{base}/care",
        {
            "kind": "visit",
            "purpose": "上门致歉",
            "scheduled_for": (clock.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert care.status_code == 201
    recorded = post_json(
        api_client(handler),
        f"{base}/care/{care.json()['id']}/record",
        {"outcome": "客户接受致歉。", "effect": "improved"},
    )
    assert recorded.json()["status"] == "done"
    assert [c["kind"] for c in api_client(handler).get(f"{base}/care").json()] == ["visit"]


def test_care_in_the_past_is_refused_and_times_read_the_same_on_post_and_get(agent, handler):
    complaint = handled_complaint(agent, handler)
    url = f"/api/complaints/{complaint.tracking_number}/care"
    body = {"kind": "call", "purpose": "回访", "scheduled_for": "2020-03-01T10:00:00+08:00"}
    past = post_json(api_client(handler), url, body)
    assert past.status_code == 422, past.content
    assert past.json()["field"] == "scheduled_for"
    assert "in the past" in past.json()["detail"]
    assert not complaint.care_actions.exists()
    # A minute behind our clock is the caller's clock, not the past.
    skewed = clock.now() - timedelta(minutes=1)
    assert (
        post_json(
            api_client(handler), url, {**body, "scheduled_for": skewed.isoformat()}
        ).status_code
        == 201
    )
    shanghai = timezone(timedelta(hours=8))
    when = (clock.now() + timedelta(days=1)).astimezone(shanghai).replace(microsecond=0)
    posted = post_json(api_client(handler), url, {**body, "scheduled_for": when.isoformat()})
    assert posted.status_code == 201
    read = next(c for c in api_client(handler).get(url).json() if c["id"] == posted.json()["id"])
    assert posted.json()["scheduled_for"] == read["scheduled_for"]
    assert read["scheduled_for"].endswith("Z")
    complaint_read = api_client(handler).get(f"/api/complaints/{complaint.tracking_number}")
    assert complaint_read.json()["received_at"].endswith("Z")


ENDPOINTS = [
    ("get", "/compensation", {}),
    ("post", "/compensation", {"form": "gift", "amount": "1", "policy_clause": "outage-refund"}),
    ("post", "/compensation/1/approve", {}),
    ("post", "/compensation/1/cancel", {"reason": "x"}),
    ("post", "/compensation/1/fulfil", {"reference": "x"}),
    ("post", "/compensation/1/confirm", {"method": "records"}),
    ("get", "/compensation-offers", {}),
    ("post", "/compensation-offers", {}),
    (
        "post",
        "/compensation-offers/1/consent",
        {"decision": "accepted", "method": "phone", "note": "x"},
    ),
    ("get", "/care", {}),
    ("post", "/care", {"kind": "call", "purpose": "x", "scheduled_for": "2030-01-01T10:00:00Z"}),
    ("post", "/care/1/record", {"outcome": "x", "effect": "improved"}),
]


@pytest.mark.parametrize(("method", "suffix", "body"), ENDPOINTS)
def test_another_departments_complaint_is_not_found(
    method, suffix, body, agent, handler, other_department_handler
):
    clause_make()
    complaint = handled_complaint(agent, handler)
    url = f"/api/complaints/{complaint.tracking_number}{suffix}"
    client = api_client(other_department_handler)
    response = client.get(url) if method == "get" else post_json(client, url, body)
    assert response.status_code == 404, response.content


def test_budgets_and_report_show_a_handler_only_their_department(
    agent, handler, supervisor, other_department_handler, network_department
):
    budget_make(network_department, "1000")
    assert api_client(other_department_handler).get("/api/compensation/budgets").json() == []
    assert len(api_client(supervisor).get("/api/compensation/budgets").json()) == 1


@pytest.mark.parametrize("amount", ["0", "-10.00"])
def test_compensation_of_nothing_is_refused_with_a_message(agent, handler, amount):
    clause_make()
    complaint = handled_complaint(agent, handler)
    response = post_json(
        api_client(handler),
        f"/api/complaints/{complaint.tracking_number}/compensation",
        {"form": "service_credit", "amount": amount, "policy_clause": "outage-refund"},
    )
    assert response.status_code == 422, response.content
    assert "must be more than zero" in response.json()["detail"]
    assert not complaint.compensation_items.exists()


@pytest.mark.parametrize("quantity", ["0", "-3"])
def test_a_quantity_of_nothing_is_refused_with_a_message(agent, handler, quantity):
    clause_make()
    complaint = handled_complaint(agent, handler)
    response = post_json(
        api_client(handler),
        f"/api/complaints/{complaint.tracking_number}/compensation",
        {
            "form": "data",
            "amount": "30.00",
            "quantity": quantity,
            "unit": "GB",
            "policy_clause": "outage-refund",
        },
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "quantity"
    assert "quantity must be more than zero" in response.json()["detail"]
    assert not complaint.compensation_items.exists()


def test_a_handler_cannot_self_approve_large_compensation_in_dollars(
    agent, handler, network_department
):
    budget_make(network_department, "100000", currency="USD")
    clause_make()
    complaint = handled_complaint(agent, handler)
    base = f"/api/complaints/{complaint.tracking_number}/compensation"
    proposed = post_json(
        api_client(handler),
        base,
        {"form": "cash", "amount": "9000", "currency": "USD", "policy_clause": "outage-refund"},
    )
    assert proposed.status_code == 201, proposed.content
    approved = post_json(api_client(handler), f"{base}/{proposed.json()['id']}/approve", {})
    assert approved.status_code == 403
    assert "needs Manager approval" in approved.json()["detail"]
    unknown = post_json(
        api_client(handler),
        base,
        {"form": "cash", "amount": "10", "currency": "XAU", "policy_clause": "outage-refund"},
    )
    assert unknown.status_code == 422
    assert "no exchange rate for XAU" in unknown.json()["detail"]
