"""Long texts in lifecycle action notes and plans are refused from the UI with the limit, not
stored (QA: a 300,000-character note made the complaint page weigh a megabyte)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.handling.tests.support import handled_complaint
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db


def test_a_huge_action_note_is_refused_with_the_limit(agent, handler) -> None:
    complaint = complaint_transition(
        complaint=complaint_make(actor=agent),
        action="assign",
        actor=agent,
        params={"assignee": handler},
    )
    complaint = complaint_transition(complaint=complaint, action="start", actor=handler)
    events = complaint.events.count()
    response = client_for(handler).post(
        reverse("web:complaint_action", args=[complaint.tracking_number, "request_info"]),
        {"note": "已收到客户资料。" * 40_000},
        **HTMX,
    )
    assert response.status_code == 422
    assert "20000" in response.content.decode()
    complaint.refresh_from_db()
    assert (complaint.status, complaint.events.count()) == (Status.IN_PROGRESS, events)


def test_plan_measures_longer_than_a_description_are_refused_on_the_form(agent, handler) -> None:
    complaint = handled_complaint(agent, handler)
    deadline = timezone.localtime(timezone.now() + timedelta(days=3))
    response = client_for(handler).post(
        reverse("web:plan_draft", args=[complaint.tracking_number]),
        {
            "measures": "措" * 40_000,
            "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            "responsible_person": handler.pk,
            "steps_text": "预约上门时间",
        },
        **HTMX,
    )
    assert response.status_code == 422
    assert "20000" in response.content.decode()
    assert not complaint.handling_plans.exists()
