"""A complaint an external body takes up (regulator, media, consumer association, the
manufacturer) is never folded into the customer's open complaint as a plain repeat."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from complaintdesk.accounts.models import User
from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.intake.services import (
    ComplaintDraft,
    CustomerDetails,
    IntakeResult,
    complaint_create,
)
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
TEXT = "我家的宽带这一周每天晚上八点到十点都会掉线,打客服电话说会派人来修,至今没人联系。"


@pytest.fixture(autouse=True)
def _telecom(db: None) -> Iterator[None]:
    taxonomy_load_preset("telecom")
    forget_calendars()
    yield
    forget_calendars()


def send(actor: User, channel: str, text: str = TEXT, **fields: object) -> IntakeResult:
    draft = ComplaintDraft(
        channel=channel,
        subject="",
        description=text,
        customer=CustomerDetails(name="李先生", phone=PHONE),
        **fields,  # type: ignore[arg-type]
    )
    return complaint_create(draft=draft, actor=actor)


def regulator_fields(deadline: datetime, reference: str = "工信部申诉 2026-0457") -> dict:
    return {
        "external_body": "广东省通信管理局",
        "channel_reference": reference,
        "external_deadline": deadline,
    }


def test_a_regulator_taking_up_an_open_complaint_is_its_own_complaint_linked_to_it(agent):
    first = send(agent, "hotline", nature="general").complaint
    deadline = clock.now() + timedelta(days=3)
    result = send(agent, "regulator", TEXT + "客户已向管局申诉。", **regulator_fields(deadline))
    taken_up = result.complaint
    assert result.created and not result.repeat
    assert taken_up.pk != first.pk
    assert taken_up.channel == "regulator"
    assert taken_up.nature is not None and taken_up.nature.key == "major"
    assert taken_up.external_body == "广东省通信管理局"
    assert taken_up.channel_reference == "工信部申诉 2026-0457"
    assert taken_up.external_deadline == deadline
    assert taken_up.resolution_due_at is not None and taken_up.resolution_due_at <= deadline
    assert taken_up.duplicate_of == first
    linked = taken_up.events.get(kind=EventKind.DUPLICATE_SUSPECTED)
    assert linked.after["duplicate_of"] == first.tracking_number
    assert linked.after["same_customer"] is True
    assert first.tracking_number in linked.note
    # The open complaint's timeline says where the customer went and where that is handled.
    first.refresh_from_db()
    assert first.repeat_count == 1
    repeat = first.events.get(kind=EventKind.REPEAT_RECEIVED)
    assert repeat.after["channel"] == "regulator"
    assert repeat.after["registered_as"] == taken_up.tracking_number
    assert repeat.after["external_body"] == "广东省通信管理局"
    assert repeat.after["channel_reference"] == "工信部申诉 2026-0457"
    assert taken_up.tracking_number in repeat.note
    assert Complaint.objects.count() == 2


def test_a_consumer_association_referral_without_a_named_body_is_linked_too(agent):
    first = send(agent, "web").complaint
    taken_up = send(agent, "consumer_association").complaint
    assert taken_up.pk != first.pk and taken_up.duplicate_of == first
    assert taken_up.nature is not None and taken_up.nature.key == "major"


def test_the_same_external_case_sent_again_is_a_repeat_of_it(agent):
    deadline = clock.now() + timedelta(days=3)
    first = send(agent, "regulator", **regulator_fields(deadline)).complaint
    again = send(agent, "regulator", TEXT + "!!", **regulator_fields(deadline))
    assert again.repeat and again.complaint.pk == first.pk
    assert Complaint.objects.count() == 1


def test_another_case_of_the_same_body_is_its_own_complaint(agent):
    deadline = clock.now() + timedelta(days=3)
    first = send(agent, "regulator", **regulator_fields(deadline)).complaint
    second = send(agent, "regulator", **regulator_fields(deadline, reference="2026-0999"))
    assert second.created and second.complaint.duplicate_of == first


def test_the_customer_calling_again_about_a_regulator_case_is_a_plain_repeat(agent):
    first = send(agent, "regulator", **regulator_fields(clock.now() + timedelta(days=3)))
    again = send(agent, "hotline", TEXT + "??")
    assert again.repeat and again.complaint.pk == first.complaint.pk
    assert again.complaint.repeat_count == 1


def test_ordinary_channels_keep_folding_repeats(agent):
    first = send(agent, "web").complaint
    again = send(agent, "sms", TEXT + "!!")
    assert again.repeat and again.complaint.pk == first.pk
    repeat = first.events.get(kind=EventKind.REPEAT_RECEIVED)
    assert "registered_as" not in repeat.after


def test_merging_the_bodys_complaint_into_the_open_one_carries_its_deadline(agent):
    first = send(agent, "hotline", nature="general").complaint
    deadline = clock.now() + timedelta(days=2)
    taken_up = send(agent, "regulator", TEXT + "客户已向管局申诉。", **regulator_fields(deadline))
    complaint_transition(
        complaint=taken_up.complaint, action="merge", actor=agent, params={"into": first}
    )
    first.refresh_from_db()
    # The regulator's deadline is tracked on the complaint that goes on being handled.
    assert first.external_deadline == deadline
    assert first.external_body == "广东省通信管理局"
    assert first.resolution_due_at is not None and first.resolution_due_at <= deadline
    carried = first.events.get(kind=EventKind.FIELD_CHANGED, after__external_deadline__isnull=False)
    assert taken_up.complaint.tracking_number in carried.note
    # A later deadline does not push back the earlier one already there.
    later = send(
        agent,
        "regulator",
        TEXT + "客户又向市场监管局投诉。",
        **regulator_fields(deadline + timedelta(days=5), reference="市场监管 88"),
    )
    complaint_transition(
        complaint=later.complaint, action="merge", actor=agent, params={"into": first}
    )
    first.refresh_from_db()
    assert first.external_deadline == deadline
