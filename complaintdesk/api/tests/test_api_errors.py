"""Answers under /api/ are JSON with a `detail` even when no endpoint runs: an unknown
address, a method an endpoint does not take, a body too large to read."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from complaintdesk.api.tests.test_complaints_api import PAYLOAD, api_client, post_json
from complaintdesk.complaints.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/nosuch", "/api/complaints/x/y/z", "/api/complaints/"])
def test_an_unknown_api_address_answers_json_404(agent, path):
    response = api_client(agent).get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert path in response.json()["detail"]


def test_an_unknown_api_address_is_json_without_logging_in(db):
    from django.test import Client

    response = Client().post("/api/nosuch", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_wrong_method_answers_json_405_naming_the_allowed_ones(agent):
    response = api_client(agent).delete("/api/me")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "GET" in response.json()["detail"]
    assert "GET" in response["Allow"]


def test_a_known_tracking_number_that_does_not_exist_keeps_its_own_message(agent):
    response = api_client(agent).get("/api/complaints/AAAA-AAAA-A")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_a_body_over_the_text_limit_is_a_json_413_and_saves_nothing(agent):
    body = {**PAYLOAD, "description": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = post_json(api_client(agent), "/api/complaints", body)
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert "nothing was saved" in detail and "attachments" in detail
    assert not Complaint.objects.exists()


def test_a_long_text_within_the_limit_reaches_the_endpoint(agent):
    # A pasted document of a few megabytes is refused by the intake's own rule, naming it.
    body = {**PAYLOAD, "description": "网络断了" * 250_000}
    assert len(json.dumps(body).encode()) > 2_621_440  # Django's default limit
    response = post_json(api_client(agent), "/api/complaints", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "description"
