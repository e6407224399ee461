"""On the New complaint form, a refused first-contact resolution says what to do with the
form's own controls: the service's advice is worded for API clients as well."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone

from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.triage.taxonomy import taxonomy_load_preset
from complaintdesk.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db

NEW = "/complaints/new/"
REFERRAL = "工信部转来投诉:用户反映宽带长期掉线,要求限期5个工作日内回复。"
RESOLUTION = "已核实套餐变更未生效导致多扣30元,当场退还差额并更正套餐。"
FORM_ADVICE = "Here: untick “Solved at first contact” and clear the resolution."


@pytest.fixture(autouse=True)
def _telecom(db: None) -> Iterator[None]:
    taxonomy_load_preset("telecom")
    forget_calendars()
    yield
    forget_calendars()


def referral(**fields: str) -> dict[str, str]:
    return {
        "channel": "regulator",
        "customer_name": "李先生",
        "customer_phone": "13912345678",
        "description": REFERRAL,
        "external_body": "工信部",
        **fields,
    }


def test_a_refused_first_contact_says_to_untick_the_box_and_clear_the_resolution(agent):
    solved = referral(solved_at_first_contact="on", resolution=RESOLUTION)
    response = client_for(agent).post(NEW, solved)
    assert response.status_code == 422
    [error] = response.context["form"].errors["solved_at_first_contact"]
    assert "cannot be solved at first contact" in error
    assert error.endswith(FORM_ADVICE)
    assert not Complaint.objects.exists()


def test_following_the_advice_registers_the_complaint(agent):
    response = client_for(agent).post(NEW, referral())
    assert response.status_code == 303, response.context and response.context["form"].errors
    assert Complaint.objects.get().status == Status.REGISTERED


def test_a_refusal_on_another_field_keeps_the_services_words_alone(agent):
    passed = timezone.localtime(clock.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    fields = referral(solved_at_first_contact="on", resolution=RESOLUTION)
    response = client_for(agent).post(NEW, {**fields, "external_deadline": passed})
    assert response.status_code == 422
    [error] = response.context["form"].errors["external_deadline"]
    assert "has already passed" in error
    assert FORM_ADVICE not in response.content.decode()
