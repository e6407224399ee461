"""A result notice through Django's SMTP backend to a real SMTP server on loopback."""

from __future__ import annotations

import logging
import socket
from email import message_from_bytes
from email import policy as email_policy

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core import clock
from complaintdesk.notifications.choices import NoticePurpose, NoticeStatus
from complaintdesk.notifications.tasks import deliver_notice
from complaintdesk.notifications.tests.helpers import DAYTIME, complaint_for_customer

pytestmark = pytest.mark.django_db


class Collector:
    """An SMTP handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):  # the name aiosmtpd calls
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    collector = Collector()
    port = _free_port()
    # aiosmtpd logs every connection from its own thread, which can outlive the test's
    # captured output ("--- Logging error ---" in the CI log): keep it to warnings.
    server_log = logging.getLogger("mail.log")
    level = server_log.level
    server_log.setLevel(logging.WARNING)
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=10,
        ):
            yield collector
    finally:
        controller.stop()
        server_log.setLevel(level)


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "This is the result"), ("zh-hans", "处理结果如下")],
)
def test_the_result_mail_arrives_once_in_the_customers_language(
    agent, handler, smtp_server, language, words
):
    complaint = complaint_for_customer(
        actor=agent,
        preferred_channel="email",
        primary_email="customer@example.net",
        preferred_language=language,
    )
    with clock.travel_to(DAYTIME):
        complaint_transition(
            complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
        )
        complaint_transition(complaint=complaint, action="start", actor=handler)
        complaint_transition(
            complaint=complaint,
            action="resolve",
            actor=handler,
            note="The faulty port at the street cabinet was replaced; the line is stable.",
        )
    notice = complaint.notices.get(purpose=NoticePurpose.RESULT)

    assert deliver_notice.call(notice.pk) == NoticeStatus.SENT
    assert len(smtp_server.envelopes) == 1
    assert deliver_notice.call(notice.pk) == NoticeStatus.SENT  # a retry of the same task
    assert len(smtp_server.envelopes) == 1

    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["customer@example.net"]
    message = message_from_bytes(envelope.original_content, policy=email_policy.default)
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert complaint.tracking_number in message["Subject"]
    assert complaint.tracking_number in body
    assert words in body
    assert "faulty port at the street cabinet" in body
    assert message["X-Complaintdesk-Notice"] == str(notice.pk)
    notice.refresh_from_db()
    assert notice.attempts == 1
    assert notice.provider_reference == message["Message-ID"]


def test_a_server_that_is_down_leaves_the_notice_queued_for_a_retry(agent, smtp_server):
    complaint = complaint_for_customer(
        actor=agent, preferred_channel="email", primary_email="customer@example.net"
    )
    notice = complaint.notices.get()
    with override_settings(EMAIL_PORT=_free_port()), clock.travel_to(DAYTIME):
        assert deliver_notice.call(notice.pk) == NoticeStatus.QUEUED
    notice.refresh_from_db()
    assert notice.attempts == 1
    assert notice.last_error
    with clock.travel_to(notice.not_before):
        assert deliver_notice.call(notice.pk) == NoticeStatus.SENT
    assert len(smtp_server.envelopes) == 1
