"""Answers under /api/ are JSON with a `detail` even when no endpoint runs: an unknown
address, a method an endpoint does not take, a body too large to read."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from complaintdesk.api.tests.test_complaints_api import PAYLOAD, api_client, post_json
from complaintdesk.complaints.models import Complaint
from complaintdesk.web.forms import ComplaintCreateForm

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


def test_a_nul_character_in_a_json_body_is_refused_naming_the_field(agent):
    # PostgreSQL cannot store NUL in text: accepted on SQLite, it was a 500 there.
    body = {**PAYLOAD, "customer": {"name": "Li\u0000Wei", "phone": "139 1234 5678"}}
    response = post_json(api_client(agent), "/api/complaints", body)
    assert response.status_code == 422
    assert response.json()["field"] == "customer.name"
    assert "NUL" in response.json()["detail"]
    response = post_json(api_client(agent), "/api/complaints", {**PAYLOAD, "description": "a\0b"})
    assert response.json()["field"] == "description"
    assert not Complaint.objects.exists()


def test_half_a_character_in_a_json_body_is_refused_naming_the_field(agent):
    # "\ud83d" without its pair decodes to a lone surrogate: no database stores it (a 500).
    body = json.dumps({**PAYLOAD, "description": "网络断了\ud83d"})  # ensure_ascii: an escape
    response = api_client(agent).post("/api/complaints", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] == "description"
    assert "half of a character" in response.json()["detail"]
    response = api_client(agent).post(
        "/api/triage/predict", '{"text": "ok", "\\udc00": 1}', content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["field"] == "\udc00"
    assert not Complaint.objects.exists()


def test_an_emoji_escaped_as_a_surrogate_pair_is_ordinary_text(agent):
    body = {**PAYLOAD, "description": "网络断了三天 😡"}
    assert "\\ud83d\\ude21" in json.dumps(body)
    assert post_json(api_client(agent), "/api/complaints", body).status_code == 201
    assert Complaint.objects.get().description.endswith("😡")


def test_an_escaped_backslash_before_u0000_is_ordinary_text(agent):
    body = {**PAYLOAD, "description": "the log says \\u0000 at the end"}
    assert "\\\\u0000" in json.dumps(body)
    assert post_json(api_client(agent), "/api/complaints", body).status_code == 201


def test_the_web_forms_refuse_nul_characters_too():
    form = ComplaintCreateForm(data={"description": "a\0b", "subject": "x\0"})
    assert not form.is_valid()
    assert "Null characters are not allowed." in form.errors["description"]
    assert "Null characters are not allowed." in form.errors["subject"]


@pytest.mark.parametrize("text", [" ", "\n\t  \u3000"])
def test_triage_of_a_text_of_spaces_alone_is_refused(agent, text):
    response = post_json(api_client(agent), "/api/triage/predict", {"text": text})
    assert response.status_code == 422
    assert response.json()["field"] == "text"
    assert "no text to triage" in response.json()["detail"]
