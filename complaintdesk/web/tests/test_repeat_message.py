"""The same customer sending an open complaint again through the New complaint form: nothing new
is registered, and the page says it was recorded as a repeat of that complaint (a link when the
user may open it) instead of "registered"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db

NEW = "/complaints/new/"
PHONE = "13912345678"
TEXT = "宽带从昨晚开始一直断线,重启光猫也没用,影响在家办公。"


def resent(**fields: str) -> dict[str, str]:
    return {
        "channel": "hotline",
        "customer_name": "王女士",
        "customer_phone": PHONE,
        "description": TEXT,
        **fields,
    }


def test_a_repeat_says_so_and_links_to_the_open_complaint(agent):
    first = complaint_make(actor=agent, phone=PHONE, description=TEXT)
    client = client_for(agent)
    response = client.post(NEW, resent(), follow=True)
    assert Complaint.objects.count() == 1
    first.refresh_from_db()
    assert first.repeat_count == 1
    detail = reverse("web:complaint_detail", args=[first.tracking_number])
    assert response.redirect_chain == [(detail, 303)]
    page = response.content.decode()
    assert "recorded as a repeat of complaint" in page
    assert f'<a class="mono" href="{detail}">{first.tracking_number}</a>' in page
    assert "Complaint registered" not in page


def test_a_repeat_of_a_complaint_the_user_may_not_open_gives_the_number_without_a_link(
    agent, handler, billing_department
):
    first = complaint_make(actor=agent, phone=PHONE, description=TEXT)
    Complaint.objects.filter(pk=first.pk).update(department=billing_department)
    response = client_for(handler).post(NEW, resent(), follow=True)
    assert Complaint.objects.count() == 1
    assert response.redirect_chain == [(NEW, 303)]
    page = response.content.decode()
    assert f"recorded as a repeat of complaint {first.tracking_number}" in page
    assert reverse("web:complaint_detail", args=[first.tracking_number]) not in page
    assert "It is not among the complaints you can open" in page
    assert "Complaint registered" not in page
