"""When a complaint was received and the external body's deadline: refused when impossible
or mistyped, accepted when someone records old letters late."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client

from complaintdesk.accounts.models import ApiToken, User
from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.intake.services import ComplaintDraft, CustomerDetails, complaint_create
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _telecom(db: None) -> None:
    taxonomy_load_preset("telecom")


def create(actor: User, **fields: object) -> Complaint:
    draft = ComplaintDraft(
        channel=str(fields.pop("channel", "letter")),
        subject="",
        description="来信:营业厅办理携号转网被拒,要求说明理由。",
        customer=CustomerDetails(name="周先生", phone="13500001234"),
        **fields,  # type: ignore[arg-type]
    )
    with clock.travel_to(NOW):
        return complaint_create(draft=draft, actor=actor).complaint


def refused(actor: User, **fields: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        create(actor, **fields)
    assert Complaint.objects.count() == 0
    return caught.value


def test_a_complaint_received_in_1970_is_refused(agent):
    error = refused(agent, received_at=datetime(1970, 1, 1, tzinfo=UTC))
    assert error.field == "received_at"
    assert str(settings.INTAKE_BACKFILL_DAYS) in error.message


def test_received_further_back_than_the_backfill_window_is_refused(agent):
    too_old = NOW - timedelta(days=settings.INTAKE_BACKFILL_DAYS, hours=1)
    assert refused(agent, received_at=too_old).field == "received_at"


def test_a_letter_received_within_the_backfill_window_is_accepted(agent):
    old = NOW - timedelta(days=settings.INTAKE_BACKFILL_DAYS - 1)
    assert create(agent, received_at=old).received_at == old


def test_received_in_the_future_beyond_clock_skew_is_refused(agent):
    assert refused(agent, received_at=NOW + timedelta(minutes=10)).field == "received_at"
    # A few minutes ahead is another machine's clock, not a mistake.
    assert create(agent, received_at=NOW + timedelta(minutes=2)).received_at is not None


def test_an_external_deadline_already_passed_is_refused_for_a_complaint_received_now(agent):
    error = refused(
        agent,
        channel="regulator",
        external_body="省通信管理局",
        external_deadline=NOW - timedelta(days=1),
    )
    assert error.field == "external_deadline"
    # The message tells a person recording an old letter what to do instead.
    assert "received_at" in error.message


def test_an_external_deadline_before_the_complaint_was_received_is_refused(agent):
    error = refused(
        agent,
        channel="regulator",
        received_at=NOW - timedelta(days=5),
        external_deadline=NOW - timedelta(days=6),
    )
    assert error.field == "external_deadline"


def test_an_external_deadline_needs_a_time_zone(agent):
    naive = datetime(2026, 12, 1, 17, 0)  # a naive time: the mistake under test
    assert refused(agent, channel="regulator", external_deadline=naive).field == (
        "external_deadline"
    )


def test_a_backfilled_regulator_letter_keeps_its_passed_deadline_and_shows_overdue(agent):
    deadline = NOW - timedelta(days=2)
    complaint = create(
        agent,
        channel="regulator",
        external_body="省通信管理局",
        received_at=NOW - timedelta(days=9),
        external_deadline=deadline,
    )
    assert complaint.external_deadline == deadline
    assert complaint.resolution_due_at == deadline


def test_the_api_refuses_a_passed_external_deadline_with_a_message(agent):
    _token, raw = ApiToken.issue(user=agent, name="test")
    payload = {
        "channel": "regulator",
        "description": "管局转来的申诉:宽带故障一周未修复。",
        "customer": {"name": "李先生", "phone": "13912345678"},
        "external_body": "省通信管理局",
        "external_deadline": "2020-01-01T17:00:00+08:00",
    }
    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        "/api/complaints", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "external_deadline"
    assert "passed" in response.json()["detail"]
    assert Complaint.objects.count() == 0
