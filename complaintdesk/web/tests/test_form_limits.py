"""A complaint form too large to read answers a page that says what happened and what to do,
not Django's bare "Bad Request (400)"; a long text within the limit reaches the form."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from complaintdesk.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def form(description: str) -> dict[str, str]:
    return {"channel": "hotline", "customer_name": "王先生", "description": description}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_form_over_the_text_limit_gets_a_page_that_says_so(agent):
    too_long = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = logged_in(agent).post("/complaints/new/", form(too_long))
    assert response.status_code == 413
    page = response.content.decode()
    assert "nothing was saved" in page and "Go back to the form" in page
    assert not Complaint.objects.exists()


def test_a_pasted_text_of_megabytes_returns_to_the_form_with_the_reason(agent):
    # 3 MB of Chinese text is 9 MB as a form post: over Django's default 2.5 MB.
    response = logged_in(agent).post("/complaints/new/", form("网络断了" * 250_000))
    assert response.status_code == 422
    assert "20000" in response.content.decode() or "20,000" in response.content.decode()
