"""Administrators edit the authority matrix, approval limits, policy library and budgets."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/handling/authorityrule/",
    "/admin/handling/authorityrule/add/",
    "/admin/handling/approvalauthority/",
    "/admin/handling/approvalauthority/add/",
    "/admin/remedies/policyclause/",
    "/admin/remedies/compensationbudget/",
    "/admin/remedies/compensationbudget/add/",
]


@pytest.mark.parametrize("url", PAGES)
def test_administrators_configure_authority_policy_and_budgets(url, administrator):
    client = Client()
    client.force_login(administrator)
    assert client.get(url).status_code == 200


def test_the_seeded_authority_matrix_is_listed(administrator):
    client = Client()
    client.force_login(administrator)
    page = client.get("/admin/handling/authorityrule/").content.decode()
    assert "¥5,000" in page and "Major complaint" in page


def test_only_supervisors_and_administrators_hold_approval_authority(administrator, handler):
    client = Client()
    client.force_login(administrator)
    response = client.post(
        "/admin/handling/approvalauthority/add/",
        {"user": handler.pk, "level": 2, "limit": "", "currency": "CNY"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Only supervisors and administrators" in response.content.decode()


def test_supervisors_cannot_open_the_configuration(supervisor):
    client = Client()
    client.force_login(supervisor)
    assert client.get("/admin/handling/authorityrule/").status_code == 302
