"""Sending notices: language, channel and fallbacks, quiet hours, the SMS log, retries,
the first-response clock and the lifecycle's own notices."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

import pytest
from django.core import mail

from complaintdesk.complaints.choices import EventKind, Visibility
from complaintdesk.complaints.errors import InvalidInput, NotAllowed
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.notifications import services
from complaintdesk.notifications.choices import NoticeChannel, NoticePurpose, NoticeStatus
from complaintdesk.notifications.models import Notice, NoticeTemplate
from complaintdesk.notifications.providers import TransientDeliveryError
from complaintdesk.notifications.services import (
    notice_deliver,
    notice_record_status,
    notice_send,
    notices_send_due,
)
from complaintdesk.notifications.tasks import deliver_notice
from complaintdesk.notifications.tests.helpers import DAYTIME, SHANGHAI, complaint_for_customer

pytestmark = pytest.mark.django_db


def _progress(complaint, actor, at=DAYTIME, **kwargs):
    with clock.travel_to(at):
        return notice_send(
            complaint=complaint,
            purpose=NoticePurpose.PROGRESS,
            actor=actor,
            context={"note": "The technician will visit tomorrow morning."},
            **kwargs,
        )


def test_registration_sends_the_acknowledgement_with_the_tracking_number(agent):
    complaint = complaint_for_customer(actor=agent)
    notice = complaint.notices.get()
    assert notice.purpose == NoticePurpose.ACKNOWLEDGEMENT
    assert notice.channel == NoticeChannel.SMS
    assert notice.language == "zh-hans"
    assert complaint.tracking_number in notice.body
    assert "受理" in notice.body
    event = complaint.events.get(kind=EventKind.MESSAGE)
    assert event.visibility == Visibility.CUSTOMER
    assert event.after["notice"] == notice.pk
    assert event.after["status"] == NoticeStatus.QUEUED


def test_the_customers_language_wins_over_the_complaints(agent):
    complaint = complaint_for_customer(actor=agent, preferred_language="en")
    notice = complaint.notices.get()
    assert notice.language == "en"
    assert "we have registered your complaint" in notice.body
    assert "Expect a result by 17 March 2026, 09:30." in notice.body


def test_an_unknown_customer_language_falls_back_to_the_complaints(agent):
    complaint = complaint_for_customer(actor=agent, preferred_language="fr")
    assert complaint.notices.get().language == "zh-hans"


def test_delivery_is_enqueued_only_when_the_transaction_commits(
    agent, django_capture_on_commit_callbacks
):
    complaint = complaint_for_customer(actor=agent)
    with django_capture_on_commit_callbacks() as callbacks:
        notice = _progress(complaint, agent)
    assert len(callbacks) == 1
    assert notice.status == NoticeStatus.QUEUED


def test_the_default_sms_provider_logs_and_says_logged_never_delivered(agent, caplog):
    complaint = complaint_for_customer(actor=agent)
    notice = complaint.notices.get()
    with clock.travel_to(DAYTIME), caplog.at_level(logging.INFO, "complaintdesk.notifications"):
        result = deliver_notice.call(notice.pk)
    notice.refresh_from_db()
    assert result == "logged"
    assert notice.status == NoticeStatus.LOGGED
    assert notice.sent_at is not None
    assert "logged only" in caplog.text
    assert "13812345678" not in caplog.text  # the phone number is masked in the log


def test_running_the_task_again_does_not_send_again(agent, caplog):
    complaint = complaint_for_customer(actor=agent)
    notice = complaint.notices.get()
    with clock.travel_to(DAYTIME), caplog.at_level(logging.INFO, "complaintdesk.notifications"):
        deliver_notice.call(notice.pk)
        deliver_notice.call(notice.pk)
    assert caplog.text.count("logged only") == 1
    notice.refresh_from_db()
    assert notice.attempts == 1


def test_an_sms_in_quiet_hours_waits_until_morning(agent):
    complaint = complaint_for_customer(actor=agent)
    late = datetime(2026, 3, 10, 22, 15, tzinfo=SHANGHAI)
    notice = _progress(complaint, agent, at=late)
    with clock.travel_to(late):
        assert notice.not_before == datetime(2026, 3, 11, 8, 0, tzinfo=SHANGHAI)
        notice_deliver(notice_id=notice.pk)
        notice.refresh_from_db()
        assert notice.status == NoticeStatus.QUEUED
        assert notice.attempts == 0
    event = complaint.events.filter(kind=EventKind.MESSAGE).last()
    assert event.after["not_before"].startswith("2026-03-11T08:00")
    with clock.travel_to(datetime(2026, 3, 11, 8, 1, tzinfo=SHANGHAI)):
        notices_send_due()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.LOGGED


def test_email_is_not_held_back_by_quiet_hours(agent):
    complaint = complaint_for_customer(
        actor=agent, preferred_channel="email", primary_email="li@example.com"
    )
    notice = _progress(complaint, agent, at=datetime(2026, 3, 10, 23, 0, tzinfo=SHANGHAI))
    assert notice.channel == NoticeChannel.EMAIL
    assert notice.not_before is None


def test_an_opted_out_channel_falls_back_and_the_event_says_so(agent):
    complaint = complaint_for_customer(
        actor=agent, primary_email="li@example.com", opted_out_channels=["sms"]
    )
    notice = complaint.notices.get()
    assert notice.channel == NoticeChannel.EMAIL
    assert notice.recipient == "li@example.com"
    assert notice.requested_channel == "sms"
    event = complaint.events.get(kind=EventKind.MESSAGE)
    assert "opted out of SMS" in event.after["fallback"]
    assert "opted out of SMS" in event.note


def test_opted_out_of_everything_goes_to_the_portal_inbox(agent):
    complaint = complaint_for_customer(
        actor=agent, primary_email="li@example.com", opted_out_channels=["sms", "email"]
    )
    notice = complaint.notices.get()
    assert notice.channel == NoticeChannel.PORTAL
    assert notice.status == NoticeStatus.PUBLISHED


def test_a_progress_message_stops_the_first_response_clock_the_acknowledgement_does_not(agent):
    complaint = complaint_for_customer(actor=agent)
    ack = complaint.notices.get()
    with clock.travel_to(DAYTIME):
        notice_deliver(notice_id=ack.pk)
    complaint.refresh_from_db()
    assert complaint.first_responded_at is None
    progress = _progress(complaint, agent)
    later = DAYTIME + timedelta(minutes=20)
    with clock.travel_to(later):
        notice_deliver(notice_id=progress.pk)
    complaint.refresh_from_db()
    assert complaint.first_responded_at == later


def test_asking_for_information_sends_what_is_needed(agent):
    complaint = complaint_for_customer(actor=agent)
    complaint_transition(
        complaint=complaint,
        action="request_info",
        actor=agent,
        note="Please send a photo of the router's lights to the service address.",
    )
    notice = complaint.notices.get(purpose=NoticePurpose.INFO_NEEDED)
    assert "photo of the router" in notice.body


def test_a_required_detail_missing_is_refused(agent):
    complaint = complaint_for_customer(actor=agent)
    with pytest.raises(InvalidInput) as caught:
        notice_send(complaint=complaint, purpose=NoticePurpose.SURVEY, actor=agent)
    assert caught.value.field == "link"
    with pytest.raises(InvalidInput):
        notice_send(complaint=complaint, purpose="progress", actor=agent, context={"nota": "typo"})


def test_survey_link_and_amount_are_rendered(agent):
    complaint = complaint_for_customer(actor=agent, preferred_language="en")
    notice = notice_send(
        complaint=complaint,
        purpose=NoticePurpose.COMPENSATION_OFFER,
        context={"link": "https://cx.example.com/consent/abc", "amount": 50},
    )
    assert "https://cx.example.com/consent/abc" in notice.body
    assert "¥50.00" in notice.body


def test_analysts_and_auditors_cannot_send(agent, analyst, auditor):
    complaint = complaint_for_customer(actor=agent)
    for user in (analyst, auditor):
        with pytest.raises(NotAllowed):
            _progress(complaint, user)


def test_a_transient_failure_is_retried_later_then_given_up(agent, monkeypatch):
    complaint = complaint_for_customer(actor=agent)
    notice = complaint.notices.get()

    def refuse(notice):
        raise TransientDeliveryError("gateway busy")

    monkeypatch.setattr(services, "sms_send", refuse)
    with clock.travel_to(DAYTIME):
        notice_deliver(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.QUEUED
    assert notice.not_before == DAYTIME + timedelta(minutes=1)
    assert notice.last_error == "gateway busy"
    moment = DAYTIME
    for _attempt in range(10):
        moment += timedelta(hours=2)
        with clock.travel_to(moment):
            notice_deliver(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED
    assert notice.attempts == 6
    failure = complaint.events.filter(kind=EventKind.MESSAGE).last()
    assert failure.visibility == Visibility.INTERNAL
    assert "could not be delivered" in failure.note


def test_an_smtp_server_refusing_the_address_fails_at_once(agent, monkeypatch):
    complaint = complaint_for_customer(
        actor=agent, preferred_channel="email", primary_email="nobody@example.com"
    )
    notice = complaint.notices.get()

    def refused(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"nobody@example.com": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    notice_deliver(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.FAILED
    assert notice.attempts == 1
    assert len(mail.outbox) == 0


def test_a_later_delivery_report_is_recorded_on_the_notice(agent):
    complaint = complaint_for_customer(actor=agent)
    notice = complaint.notices.get()
    with clock.travel_to(DAYTIME):
        notice_deliver(notice_id=notice.pk)
    notice = notice_record_status(notice=Notice.objects.get(pk=notice.pk), status="delivered")
    assert notice.status == NoticeStatus.DELIVERED
    assert [entry["status"] for entry in notice.status_log] == [
        "queued",
        "logged",
        "delivered",
    ]
    with pytest.raises(InvalidInput):
        notice_record_status(notice=notice, status="queued")


def test_registration_survives_a_notice_that_cannot_be_prepared(agent):
    NoticeTemplate.objects.filter(purpose="acknowledgement").update(is_active=False)
    complaint = complaint_make(actor=agent)
    assert complaint.status == "registered"
    failed = complaint.events.get(kind="message", after__status="not_prepared")
    assert "acknowledgement" in failed.note
    assert failed.visibility == "internal"


# -- what an information request says, and in which characters ------------------------


def _handler_with_email(department, username="wang"):
    from complaintdesk.accounts.choices import Role
    from complaintdesk.core.testing.factories import user_make

    return user_make(
        Role.HANDLER, department=department, username=username, email="wang.li@corp.example"
    )


def _request_info(complaint, agent, handler, note):
    with clock.travel_to(DAYTIME):
        complaint_transition(
            complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
        )
        complaint_transition(complaint=complaint, action="start", actor=handler)
        complaint_transition(complaint=complaint, action="request_info", actor=handler, note=note)
    return complaint.notices.get(purpose=NoticePurpose.INFO_NEEDED)


@pytest.mark.parametrize(
    ("language", "channel", "note"),
    [
        ("zh-hans", "sms", "请提供近三个月的账单截图,拍清楚金额和日期。"),
        ("en", "email", "Please send a photo of the router's lights and the bill for March."),
    ],
)
def test_an_information_request_carries_the_handlers_request_not_their_email(
    agent, network_department, language, channel, note
):
    # QA: the notice told the customer to write to the handler's own e-mail address.
    handler = _handler_with_email(network_department)
    complaint = complaint_for_customer(
        actor=agent,
        preferred_language=language,
        preferred_channel=channel,
        primary_email="li@example.com",
    )
    notice = _request_info(complaint, agent, handler, note)
    assert notice.channel == channel
    assert note in notice.body
    assert "wang.li@corp.example" not in notice.body
    assert services.policy.contact_line() in notice.body
    message = complaint.events.filter(kind=EventKind.MESSAGE).last()
    assert note in message.note and "wang.li@corp.example" not in message.note


def test_no_notice_gives_the_handlers_own_email(agent, network_department):
    handler = _handler_with_email(network_department)
    complaint = complaint_for_customer(actor=agent, primary_email="li@example.com")
    with clock.travel_to(DAYTIME):
        complaint_transition(
            complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
        )
    notice = _progress(complaint, handler)
    assert "wang.li@corp.example" not in notice.body
    assert services.policy.contact_line() in notice.body


def test_a_template_edited_without_the_note_still_carries_the_request(agent, network_department):
    NoticeTemplate.objects.filter(purpose=NoticePurpose.INFO_NEEDED, language="zh-hans").update(
        body="{{ customer_name }}您好,处理您的投诉{{ tracking_number }}还需要一些资料。"
    )
    handler = _handler_with_email(network_department)
    complaint = complaint_for_customer(actor=agent)
    notice = _request_info(complaint, agent, handler, "请提供购机发票。")
    assert notice.body.endswith("还需要一些资料。\n\n请提供购机发票。")


def _simplified_left(text: str) -> str:
    """The characters of `text` that are simplified forms (OpenCC would convert them)."""
    from complaintdesk.notifications.rendering import to_traditional

    return "".join(ch for ch in text if to_traditional(ch) != ch)


def test_a_zh_hant_customer_gets_the_acknowledgement_in_traditional_characters(agent):
    # QA: there is no zh-Hant template, and the simplified one went out as it was.
    complaint = complaint_for_customer(
        actor=agent,
        name="钟丽",
        preferred_language="zh-Hant",
        preferred_channel="email",
        primary_email="li@example.com",
    )
    notice = complaint.notices.get(purpose=NoticePurpose.ACKNOWLEDGEMENT)
    assert notice.language == "zh-hant"
    assert "您的投訴已受理" in notice.subject and "受理編號" in notice.body
    assert "寬帶斷線" in notice.body  # the complaint's subject, converted too
    assert "投诉" not in notice.subject and "编号" not in notice.body
    # The customer's name is theirs as written; nothing else is left in simplified forms.
    assert "尊敬的钟丽" in notice.body
    assert _simplified_left(notice.body.replace("钟丽", "")) == ""
    assert _simplified_left(notice.subject) == ""
    event = complaint.events.get(kind=EventKind.MESSAGE)
    assert event.after["language"] == "zh-hant" and event.note == notice.body


@pytest.mark.parametrize(("language", "form"), [("zh-TW", "著手處理"), ("zh-HK", "着手處理")])
def test_taiwan_and_hong_kong_customers_get_their_own_traditional_forms(agent, language, form):
    complaint = complaint_for_customer(
        actor=agent,
        preferred_language=language,
        preferred_channel="email",
        primary_email="li@example.com",
    )
    assert form in complaint.notices.get().body


def test_the_handlers_note_reaches_a_zh_hant_customer_in_traditional_characters(
    agent, network_department
):
    handler = _handler_with_email(network_department)
    complaint = complaint_for_customer(actor=agent, preferred_language="zh-Hant")
    notice = _request_info(complaint, agent, handler, "请提供近三个月的账单截图。")
    assert "請提供近三個月的賬單截圖。" in notice.body
    assert _simplified_left(notice.body.replace("王女士", "")) == ""


def test_a_customer_who_chose_simplified_chinese_is_not_converted(agent):
    complaint = complaint_for_customer(actor=agent, register=False, preferred_language="zh-hans")
    Complaint.objects.filter(pk=complaint.pk).update(language="zh-Hant")
    with clock.travel_to(DAYTIME):
        complaint_transition(complaint=complaint, action="register", actor=agent)
    notice = complaint.notices.get()
    assert notice.language == "zh-hans" and "受理编号" in notice.body
