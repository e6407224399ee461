"""Timeline sentences the system writes read in the reader's language, whatever language was
active when they were written (QA: a same-customer duplicate, a repeat taken up by an outside
body, a notice that could not be delivered and a deadline carried over by a merge kept the
language they were written in). Older events without the data keep their stored sentence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import translation

from complaintdesk.accounts.models import User
from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.events import event_note_for_reader, event_record
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint, ComplaintEvent
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.intake.services import ComplaintDraft, CustomerDetails, complaint_create
from complaintdesk.notifications.choices import NoticeStatus
from complaintdesk.notifications.services import notice_deliver, notice_record_status
from complaintdesk.notifications.tests.helpers import DAYTIME, complaint_for_customer
from complaintdesk.triage.taxonomy import taxonomy_load_preset
from complaintdesk.web.views.rows import event_row

pytestmark = pytest.mark.django_db

TEXT = "我家的宽带这一周每天晚上八点到十点都会掉线,打客服电话说会派人来修,至今没人联系。"


@pytest.fixture(autouse=True)
def _telecom(db: None) -> Iterator[None]:
    taxonomy_load_preset("telecom")
    forget_calendars()
    yield
    forget_calendars()


def shown(event: ComplaintEvent, user: User, language: str) -> str:
    """The note as the timeline shows it to `user` reading in `language`."""
    with translation.override(language):
        return str(event_row(event, user)["note"])


def _send(actor: User, channel: str, text: str = TEXT, **fields: object) -> Complaint:
    draft = ComplaintDraft(
        channel=channel,
        subject="",
        description=text,
        customer=CustomerDetails(name="李先生", phone="13912345678"),
        **fields,  # type: ignore[arg-type]
    )
    return complaint_create(draft=draft, actor=actor).complaint


def _taken_up_by_the_regulator(agent: User, language: str) -> tuple[Complaint, Complaint]:
    """The customer's open complaint, and the regulator's case about it registered on its own,
    both written while `language` was active."""
    with translation.override(language):
        first = _send(agent, "hotline", nature="general")
        taken_up = _send(
            agent,
            "regulator",
            TEXT + "客户已向管局申诉。",
            external_body="广东省通信管理局",
            channel_reference="工信部申诉 2026-0457",
            external_deadline=clock.now() + timedelta(days=3),
        )
    first.refresh_from_db()
    return first, taken_up


@pytest.mark.parametrize(("written", "read"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_a_same_customer_duplicate_reads_in_the_readers_language(agent, written, read):
    first, taken_up = _taken_up_by_the_regulator(agent, written)
    linked = taken_up.events.get(kind=EventKind.DUPLICATE_SUSPECTED)
    assert linked.after["channel"] == "regulator"
    number = first.tracking_number
    expected = {
        "zh-hans": f"该客户未结投诉 {number} 内容相同。本投诉经“监管部门”转来",
        "en": f"The customer's open complaint {number} says the same. This one came through "
        "Regulator with its own reference and deadline",
    }
    assert expected[written] in linked.note
    note = shown(linked, agent, read)
    assert expected[read] in note and expected[written] not in note


@pytest.mark.parametrize(("written", "read"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_a_repeat_taken_up_by_an_outside_body_reads_in_the_readers_language(agent, written, read):
    first, taken_up = _taken_up_by_the_regulator(agent, written)
    repeat = first.events.get(kind=EventKind.REPEAT_RECEIVED)
    number = taken_up.tracking_number
    expected = {
        "zh-hans": f"经“监管部门”再次提交,已单独登记为 {number},保留外部机构的编号和时限。",
        "en": f"Sent again through Regulator and registered on its own as {number}, with the "
        "external body's reference and deadline.",
    }
    assert repeat.note.startswith(expected[written])
    # Our sentence in the reader's language; the customer's words as they wrote them.
    assert shown(repeat, agent, read) == f"{expected[read]}\n\n{TEXT}客户已向管局申诉。"


def test_a_plain_repeat_shows_the_customers_words(agent):
    first = _send(agent, "hotline")
    _send(agent, "web", TEXT + "!!")
    first.refresh_from_db()
    repeat = first.events.get(kind=EventKind.REPEAT_RECEIVED)
    assert shown(repeat, agent, "en") == TEXT + "!!"


def _failed_email_notice(agent: User, language: str) -> Complaint:
    """A complaint whose acknowledgement by e-mail bounced, recorded while `language` was
    active (the delivery task's or the gateway's request)."""
    complaint = complaint_for_customer(
        actor=agent, preferred_channel="email", primary_email="li.ming@example.com"
    )
    notice = complaint.notices.get()
    with clock.travel_to(DAYTIME):
        notice_deliver(notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    with translation.override(language):
        notice_record_status(notice=notice, status=NoticeStatus.FAILED, detail="550 no mailbox")
    return complaint


@pytest.mark.parametrize(("written", "read"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_a_notice_that_could_not_be_delivered_reads_in_the_readers_language(
    agent, analyst, written, read
):
    complaint = _failed_email_notice(agent, written)
    failed = complaint.events.get(kind="message", after__status="failed")
    assert failed.after["recipient"] == "li.ming@example.com"
    expected = {
        "zh-hans": "通过电子邮件发送给 {to} 的“受理回执”通知未能送达（550 no mailbox）。"
        "请通过其他方式联系客户。",
        "en": "The Acknowledgement of receipt notice by E-mail to {to} could not be delivered "
        "(550 no mailbox). Reach the customer another way.",
    }
    assert failed.note == expected[written].format(to="li.ming@example.com")
    assert shown(failed, agent, read) == expected[read].format(to="li.ming@example.com")
    # Said again, it is masked as the stored note is for those who do not see personal data.
    assert shown(failed, analyst, read) == expected[read].format(to="[EMAIL]")


@pytest.mark.parametrize(("written", "read"), [("en", "zh-hans"), ("zh-hans", "en")])
def test_a_deadline_carried_over_by_a_merge_reads_in_the_readers_language(agent, written, read):
    target = complaint_make(actor=agent)
    with translation.override(written):
        source = complaint_make(
            actor=agent,
            channel="regulator",
            description="用户投诉宽带频繁掉线,管局转办。",
            external_body="省通信管理局",
            external_deadline=clock.now() + timedelta(days=2),
        )
        complaint_transition(complaint=source, action="merge", actor=agent, params={"into": target})
    carried = target.events.get(kind=EventKind.FIELD_CHANGED)
    assert carried.after["from_complaint"] == source.tracking_number
    number = source.tracking_number
    expected = {
        "zh-hans": f"已从合并的投诉 {number} 转入省通信管理局的处理期限。",
        "en": f"Deadline of 省通信管理局 carried over from merged complaint {number}.",
    }
    assert carried.note == expected[written]
    assert shown(carried, agent, read) == expected[read]


def test_a_carried_deadline_without_a_named_body_names_the_channel_in_the_readers_language():
    after = {"from_complaint": "AB12-CD34-E", "from_body": "", "from_channel": "media"}
    with translation.override("zh-hans"):
        note = event_note_for_reader(kind=EventKind.FIELD_CHANGED, after=after, note="x")
    assert note == "已从合并的投诉 AB12-CD34-E 转入媒体的处理期限。"


@pytest.mark.parametrize(
    ("kind", "after", "note"),
    [
        (
            EventKind.DUPLICATE_SUSPECTED,
            {"duplicate_of": "OLD1-OLD1-A", "score": 0.9, "same_customer": True},
            "The customer's open complaint OLD1-OLD1-A says the same. This one came through "
            "Regulator with its own reference and deadline.",
        ),
        (
            EventKind.MESSAGE,
            {"notice": 1, "status": "failed"},
            "The Result notice by SMS to 138****5678 could not be delivered (timeout).",
        ),
        (
            EventKind.FIELD_CHANGED,
            {"external_deadline": "2026-03-12T09:00:00+08:00", "external_body": "管局"},
            "Deadline of 管局 carried over from merged complaint OLD2-OLD2-B.",
        ),
    ],
)
def test_an_older_event_without_the_data_keeps_its_stored_sentence(agent, kind, after, note):
    complaint = complaint_make(actor=agent)
    event = event_record(complaint=complaint, actor=None, kind=kind, after=after, note=note)
    assert shown(event, agent, "zh-hans") == note


def test_a_notice_sent_keeps_its_own_text_on_the_timeline(agent):
    complaint = complaint_for_customer(actor=agent)
    sent = complaint.events.get(kind=EventKind.MESSAGE)
    assert shown(sent, agent, "en") == sent.note


def test_a_notice_that_could_not_be_prepared_is_named_in_the_readers_language(agent):
    from complaintdesk.notifications.models import NoticeTemplate

    NoticeTemplate.objects.filter(purpose="acknowledgement").update(is_active=False)
    with translation.override("en"):
        complaint = complaint_make(actor=agent)
    event = complaint.events.get(kind=EventKind.MESSAGE, after__status="not_prepared")
    reason = event.after["reason"]
    assert reason.startswith("No active notice template for acknowledgement")
    assert event.note == f"The acknowledgement notice could not be prepared: {reason}"
    # The refusal is kept as it was written; the sentence around it follows the reader.
    assert shown(event, agent, "zh-hans") == f"无法生成“受理回执”通知：{reason}"
