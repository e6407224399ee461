"""Registration at intake: what the acknowledgement tells the customer is what the system
tracks, in the customer's language, with instructions the customer can follow."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from complaintdesk.accounts.models import Department, User
from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make, department_make
from complaintdesk.intake.services import ComplaintDraft, CustomerDetails, complaint_create
from complaintdesk.notifications.choices import NoticeChannel, NoticePurpose
from complaintdesk.notifications.models import Notice
from complaintdesk.routing.models import RoutingRule
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Saturday 01:14: office hours and an around-the-clock calendar give far apart deadlines.
SATURDAY_NIGHT = datetime(2026, 11, 28, 1, 14, tzinfo=SHANGHAI)
ENGLISH_TEXT = "My broadband keeps dropping every evening and nobody has called me back."


@pytest.fixture(autouse=True)
def _telecom(db: None) -> Iterator[None]:
    taxonomy_load_preset("telecom")
    forget_calendars()
    yield
    forget_calendars()


@pytest.fixture
def around_the_clock_desk(db: None) -> Department:
    desk = department_make("customer-service", "Customer service")
    desk.calendar_name = "cn-24x7"
    desk.save()
    RoutingRule.objects.create(
        name="Everything else → customer service", order=1000, department=desk, skill="*"
    )
    return desk


def register(actor: User, customer: CustomerDetails, language: str = "") -> Complaint:
    draft = ComplaintDraft(
        channel="email", subject="", description=ENGLISH_TEXT, customer=customer, language=language
    )
    return complaint_create(draft=draft, actor=actor).complaint


def acknowledgement(complaint: Complaint) -> Notice:
    return complaint.notices.get(purpose=NoticePurpose.ACKNOWLEDGEMENT)


# The promised time ---------------------------------------------------------------------------


def test_the_acknowledgement_promises_the_deadline_tracked_after_routing(
    agent, around_the_clock_desk
):
    with clock.travel_to(SATURDAY_NIGHT):
        complaint = complaint_make(
            actor=agent, channel="sms", nature="general", received_at=SATURDAY_NIGHT
        )
    assert complaint.department == around_the_clock_desk
    assert complaint.sla_calendar == "cn-24x7"
    # Five working days around the clock are five calendar days, not five office days
    # (Friday 4 December, 18:00) nor their 37.5 hours.
    assert complaint.resolution_due_at == datetime(2026, 12, 3, 1, 14, tzinfo=SHANGHAI)
    sent = acknowledgement(complaint)
    assert "2026年12月3日 01:14" in sent.body
    assert "12月4日" not in sent.body
    [routed] = complaint.events.filter(kind=EventKind.ROUTED)
    assert routed.after["department"] == "customer-service"


def test_a_complaint_no_rule_routes_keeps_the_office_calendar_it_was_promised(
    agent, around_the_clock_desk
):
    RoutingRule.objects.all().delete()
    RoutingRule.objects.create(
        name="Billing only", category_key="billing", department=department_make()
    )
    with clock.travel_to(SATURDAY_NIGHT):
        complaint = complaint_make(
            actor=agent, channel="sms", nature="general", received_at=SATURDAY_NIGHT
        )
    assert complaint.department is None and complaint.needs_assignment
    assert complaint.resolution_due_at == datetime(2026, 12, 4, 18, 0, tzinfo=SHANGHAI)
    assert "2026年12月4日 18:00" in acknowledgement(complaint).body


# The language -----------------------------------------------------------------------------


def test_a_customer_new_at_intake_is_written_to_in_the_complaints_language(agent):
    complaint = register(
        agent, CustomerDetails(name="John Smith", email="john.smith@example.com"), language="en"
    )
    assert complaint.language == "en"
    sent = acknowledgement(complaint)
    assert sent.language == "en"
    assert sent.body.startswith("Dear John Smith,")


def test_a_language_the_customer_chose_wins_over_the_complaints(agent):
    complaint = register(
        agent,
        CustomerDetails(name="John Smith", email="john@example.com", preferred_language="zh-hans"),
        language="en",
    )
    assert complaint.customer.preferred_language == "zh-hans"
    assert acknowledgement(complaint).language == "zh-hans"


# How to follow the complaint --------------------------------------------------------------


def test_an_email_only_customer_is_not_told_to_track_with_a_phone_number(agent):
    complaint = register(agent, CustomerDetails(name="John Smith", email="john@example.com"))
    sent = acknowledgement(complaint)
    assert sent.channel == NoticeChannel.EMAIL and sent.language == "en"
    assert "/track/" not in sent.body
    assert "phone" not in sent.body
    # What does work: writing to us with the tracking number.
    assert f"quote {complaint.tracking_number}" in sent.body


def test_a_customer_with_a_phone_is_told_how_to_track_on_the_status_page(agent):
    complaint = register(
        agent,
        CustomerDetails(
            name="John Smith",
            email="john@example.com",
            phone="13912345678",
            preferred_channel="email",
        ),
    )
    sent = acknowledgement(complaint)
    assert sent.channel == NoticeChannel.EMAIL
    assert "/track/ with the tracking number and the last four digits" in sent.body
