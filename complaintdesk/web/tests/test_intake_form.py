"""The New complaint form: a complaint passed on by an outside body keeps that body's
reference and deadline, and a complaint solved on the spot is resolved by the person who
registers it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.intake import services
from complaintdesk.notifications.choices import NoticePurpose
from complaintdesk.routing.models import RoutingRule
from complaintdesk.surveys.models import Survey
from complaintdesk.triage.taxonomy import taxonomy_load_preset
from complaintdesk.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db

NEW = "/complaints/new/"
REFERRAL = "工信部转来投诉:用户反映宽带长期掉线,要求限期5个工作日内回复。"
WALK_IN = "话费多扣了30元,营业员当场查明是套餐变更未生效。"
RESOLUTION = "已核实套餐变更未生效导致多扣30元,当场退还差额并更正套餐。"


@pytest.fixture(autouse=True)
def _telecom(db: None) -> Iterator[None]:
    taxonomy_load_preset("telecom")
    forget_calendars()
    yield
    forget_calendars()


def local_input(moment: datetime) -> str:
    """What a datetime-local input sends: the user's local time, no offset."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def referral(**fields: str) -> dict[str, str]:
    return {
        "channel": "regulator",
        "customer_name": "李先生",
        "customer_phone": "13912345678",
        "description": REFERRAL,
        "external_body": "工信部",
        "channel_reference": "工信部申诉 2026-0457",
        **fields,
    }


def walk_in(**fields: str) -> dict[str, str]:
    return {
        "channel": "walk_in",
        "customer_name": "赵先生",
        "description": WALK_IN,
        "solved_at_first_contact": "on",
        "resolution": RESOLUTION,
        **fields,
    }


# Passed on by an outside body ---------------------------------------------------------------


def test_the_form_offers_the_outside_body_fields_and_first_contact_to_an_agent(agent):
    page = client_for(agent).get(NEW).content.decode()
    for name in ("external_body", "channel_reference", "external_deadline", "resolution"):
        assert f'name="{name}"' in page
    assert 'name="external_deadline" type="datetime-local"' in page or (
        'type="datetime-local" name="external_deadline"' in page
    )
    assert "passed on by a regulator, the media, a consumer association or a manufacturer" in page
    assert 'name="solved_at_first_contact"' in page


def test_a_regulator_referral_keeps_its_reference_and_its_deadline_sets_the_time_limit(agent):
    deadline = (clock.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    response = client_for(agent).post(NEW, referral(external_deadline=local_input(deadline)))
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    assert complaint.external_body == "工信部"
    assert complaint.channel_reference == "工信部申诉 2026-0457"
    # Typed in local time, stored as the same instant.
    assert complaint.external_deadline == deadline
    assert complaint.resolution_due_at is not None
    assert complaint.resolution_due_at <= deadline


def test_a_deadline_already_passed_is_shown_on_its_field_and_the_text_is_kept(agent):
    passed = clock.now() - timedelta(days=1)
    response = client_for(agent).post(NEW, referral(external_deadline=local_input(passed)))
    assert response.status_code == 422
    form = response.context["form"]
    assert "has already passed" in form.errors["external_deadline"][0]
    page = response.content.decode()
    assert REFERRAL in page
    assert 'value="工信部申诉 2026-0457"' in page
    assert not Complaint.objects.exists()


def test_a_deadline_before_the_received_time_is_shown_on_the_deadline_field(agent):
    received = clock.now() - timedelta(days=3)
    response = client_for(agent).post(
        NEW,
        referral(
            received_at=local_input(received),
            external_deadline=local_input(received - timedelta(days=1)),
        ),
    )
    assert response.status_code == 422
    error = response.context["form"].errors["external_deadline"][0]
    assert "is not after the complaint was received" in error
    assert not Complaint.objects.exists()


# Solved at first contact --------------------------------------------------------------------


def test_a_walk_in_solved_on_the_spot_is_resolved_by_the_agent_not_routed_away(
    agent, billing_department
):
    RoutingRule.objects.create(name="All → billing", department=billing_department, skill="*")
    client = client_for(agent)
    response = client.post(NEW, walk_in())
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    assert response["Location"] == reverse("web:complaint_detail", args=[complaint.tracking_number])
    assert complaint.status == Status.RESOLVED
    assert complaint.assignee == agent
    assert complaint.department != billing_department
    assert RESOLUTION in complaint.notices.get(purpose=NoticePurpose.RESULT).body
    assert Survey.objects.filter(complaint=complaint).exists()
    page = client.get(response["Location"]).content.decode()
    assert "resolved at first contact" in page
    assert complaint.tracking_number in page


def test_first_contact_without_a_resolution_is_refused_on_the_resolution_field(agent):
    response = client_for(agent).post(NEW, walk_in(resolution=""))
    assert response.status_code == 422
    assert "Write the resolution" in response.context["form"].errors["resolution"][0]
    assert WALK_IN in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_resolution_without_the_box_ticked_is_not_silently_dropped(agent):
    fields = walk_in()
    del fields["solved_at_first_contact"]
    response = client_for(agent).post(NEW, fields)
    assert response.status_code == 422
    assert "Solved at first contact" in response.context["form"].errors["resolution"][0]
    assert RESOLUTION in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_regulator_referral_cannot_be_solved_at_first_contact_and_the_text_is_kept(agent):
    deadline = clock.now() + timedelta(days=5)
    fields = referral(external_deadline=local_input(deadline))
    fields |= {"solved_at_first_contact": "on", "resolution": RESOLUTION}
    response = client_for(agent).post(NEW, fields)
    assert response.status_code == 422
    errors = response.context["form"].errors["solved_at_first_contact"]
    assert "cannot be solved at first contact" in errors[0]
    page = response.content.decode()
    assert REFERRAL in page and RESOLUTION in page
    assert not Complaint.objects.exists()


def test_a_complaint_triaged_major_cannot_be_solved_at_first_contact(agent, monkeypatch):
    real = services.triage_text

    def major(text: str) -> Any:
        return dataclasses.replace(real(text), nature="major")

    monkeypatch.setattr(services, "triage_text", major)
    response = client_for(agent).post(NEW, walk_in())
    assert response.status_code == 409
    errors = response.context["form"].errors["solved_at_first_contact"]
    assert "goes to a department" in errors[0]
    assert not Complaint.objects.exists()
