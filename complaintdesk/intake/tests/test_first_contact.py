"""A complaint solved on the spot by the person who took it is registered, kept by them and
resolved at once (SPEC §5, seed 004); what a department must handle is refused, storing
nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from complaintdesk.accounts.models import Department, User
from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.errors import Conflict, InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.intake import services
from complaintdesk.intake.services import (
    ComplaintDraft,
    CustomerDetails,
    complaint_create,
    complaint_resolve_at_first_contact,
)
from complaintdesk.notifications.choices import NoticePurpose
from complaintdesk.routing.models import RoutingRule
from complaintdesk.surveys.models import Survey
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db

PHONE = "13912345678"
TEXT = "话费多扣了30元,营业员当场查明是套餐变更未生效,已退还差额。"
RESOLUTION = "已核实套餐变更未生效导致多扣30元,当场退还差额并更正套餐。"


@pytest.fixture(autouse=True)
def _telecom(db: None) -> Iterator[None]:
    taxonomy_load_preset("telecom")
    forget_calendars()
    yield
    forget_calendars()


@pytest.fixture
def routed_to_billing(billing_department: Department) -> RoutingRule:
    return RoutingRule.objects.create(
        name="All → billing", department=billing_department, skill="*"
    )


def draft(channel: str = "walk_in", text: str = TEXT, **fields: Any) -> ComplaintDraft:
    return ComplaintDraft(
        channel=channel,
        subject="",
        description=text,
        customer=CustomerDetails(name="赵先生", phone=PHONE),
        **fields,
    )


def resolve_at_once(actor: User, **fields: Any) -> Complaint:
    return complaint_resolve_at_first_contact(
        draft=draft(**fields), actor=actor, resolution=RESOLUTION
    ).complaint


def test_a_walk_in_solved_on_the_spot_is_resolved_by_the_agent_not_routed(agent, routed_to_billing):
    complaint = resolve_at_once(agent, nature="general")
    assert complaint.status == Status.RESOLVED
    assert complaint.assignee == agent
    assert complaint.department is None
    assert complaint.registered_at is not None and complaint.resolved_at is not None
    assert not complaint.events.filter(kind=EventKind.ROUTED).exists()
    path = list(
        complaint.events.filter(kind=EventKind.TRANSITION)
        .order_by("pk")
        .values_list("after__action", flat=True)
    )
    assert path == ["register", "assign", "start", "resolve"]
    # As after any resolution: the result notice says what the agent wrote, the survey follows.
    result = complaint.notices.get(purpose=NoticePurpose.RESULT)
    assert RESOLUTION in result.body
    assert Survey.objects.filter(complaint=complaint).exists()
    assert complaint.notices.filter(purpose=NoticePurpose.ACKNOWLEDGEMENT).exists()


def test_a_department_handler_keeps_the_complaint_in_their_own_department(
    handler, routed_to_billing
):
    complaint = resolve_at_once(handler, nature="general")
    assert complaint.status == Status.RESOLVED
    assert complaint.assignee == handler
    assert complaint.department == handler.department


def test_the_resolution_is_required(agent):
    with pytest.raises(InvalidInput, match="Write the resolution") as refused:
        complaint_resolve_at_first_contact(draft=draft(), actor=agent, resolution="  ")
    assert refused.value.field == "resolution"
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"channel": "regulator", "external_body": "广东省通信管理局"},
        {"channel": "media"},
        {"channel": "consumer_association"},
        # Phoned in by the hotline, but passed on by the regulator all the same.
        {"channel": "hotline", "external_body": "工信部"},
    ],
)
def test_a_complaint_passed_on_by_an_outside_body_is_refused(agent, fields):
    with pytest.raises(InvalidInput, match="cannot be solved at first contact") as refused:
        resolve_at_once(agent, **fields)
    assert refused.value.field == "first_contact"
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("nature", ["major", "urgent"])
def test_a_major_or_urgent_complaint_is_refused_and_nothing_is_stored(agent, nature):
    with pytest.raises(Conflict, match="goes to a department") as refused:
        resolve_at_once(agent, nature=nature)
    assert refused.value.field == "first_contact"
    assert not Complaint.objects.exists()


def test_a_complaint_triage_finds_a_crisis_signal_in_is_refused(agent, monkeypatch):
    real = services.triage_text

    def with_media_threat(text: str) -> Any:
        return dataclasses.replace(real(text), crisis_signals=["media"])

    monkeypatch.setattr(services, "triage_text", with_media_threat)
    with pytest.raises(Conflict, match=r"crisis signals \(Media\)") as refused:
        resolve_at_once(agent, nature="general")
    assert refused.value.field == "first_contact"
    assert not Complaint.objects.exists()


def test_the_customers_open_complaint_sent_again_is_refused_not_counted(agent, handler):
    open_one = complaint_create(draft=draft("hotline"), actor=agent).complaint
    with pytest.raises(Conflict, match=open_one.tracking_number):
        resolve_at_once(agent, nature="general")
    open_one.refresh_from_db()
    assert open_one.repeat_count == 0
    assert Complaint.objects.count() == 1


def test_an_external_deadline_already_passed_is_still_refused_first(agent):
    # The ordinary intake checks come first: they name the field to fix.
    with pytest.raises(InvalidInput) as refused:
        resolve_at_once(agent, external_deadline=clock.now() - timedelta(hours=1))
    assert refused.value.field == "external_deadline"


# Retried with an Idempotency-Key ------------------------------------------------------------


def resolve_with_key(actor: User, key: str, resolution: str = RESOLUTION, **fields: Any):
    return complaint_resolve_at_first_contact(
        draft=draft(**fields), actor=actor, resolution=resolution, idempotency_key=key
    )


def test_the_same_key_and_request_again_returns_the_complaint_and_stores_nothing(agent):
    first = resolve_with_key(agent, "crm-301", nature="general")
    again = resolve_with_key(agent, " crm-301 ", nature="general")
    assert (first.created, again.created) == (True, False)
    assert again.complaint == first.complaint
    assert Complaint.objects.count() == 1
    # Nothing runs twice: one result notice, one survey, one resolution.
    complaint = first.complaint
    assert complaint.notices.filter(purpose=NoticePurpose.RESULT).count() == 1
    assert Survey.objects.filter(complaint=complaint).count() == 1
    resolutions = complaint.events.filter(kind=EventKind.TRANSITION, after__action="resolve")
    assert resolutions.count() == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"resolution": "当场为客户办理了套餐降档。"},
        {"text": "营业厅排队一个多小时,无人引导。"},
    ],
)
def test_the_same_key_with_another_request_is_refused_and_nothing_is_stored(agent, changes):
    first = resolve_with_key(agent, "crm-302", nature="general").complaint
    with pytest.raises(Conflict, match="crm-302") as refused:
        resolve_with_key(agent, "crm-302", nature="general", **changes)
    assert first.tracking_number in str(refused.value.message)
    assert Complaint.objects.count() == 1


def test_a_key_used_to_register_is_refused_for_a_first_contact_and_back(agent):
    registered = complaint_create(draft=draft(), actor=agent, idempotency_key="crm-303")
    with pytest.raises(Conflict, match="crm-303"):
        resolve_with_key(agent, "crm-303")
    resolved = resolve_with_key(agent, "crm-304", text="营业厅排队一个多小时,无人引导。")
    with pytest.raises(Conflict, match="crm-304"):
        complaint_create(
            draft=draft(text="营业厅排队一个多小时,无人引导。"),
            actor=agent,
            idempotency_key="crm-304",
        )
    assert set(Complaint.objects.all()) == {registered.complaint, resolved.complaint}


def test_keys_are_per_user(agent, handler):
    mine = resolve_with_key(agent, "k1", nature="general").complaint
    theirs = resolve_with_key(
        handler, "k1", nature="general", text="营业厅排队一个多小时,无人引导。"
    ).complaint
    assert mine != theirs


def test_a_refused_request_keeps_no_key_so_a_corrected_one_may_use_it(agent):
    with pytest.raises(Conflict):
        resolve_with_key(agent, "crm-305", nature="major")
    complaint = resolve_with_key(agent, "crm-305", nature="general").complaint
    assert complaint.status == Status.RESOLVED


def test_a_key_longer_than_200_characters_is_refused(agent):
    with pytest.raises(InvalidInput, match="200 characters") as refused:
        resolve_with_key(agent, "k" * 201)
    assert refused.value.field == "Idempotency-Key"
    assert not Complaint.objects.exists()


# The refusals read right on the web form and in the API alike --------------------------------


def refusal_of(agent: User, monkeypatch: pytest.MonkeyPatch, case: str) -> str:
    if case == "outside body":
        fields: dict[str, Any] = {"channel": "regulator", "external_body": "广东省通信管理局"}
    elif case == "major":
        fields = {"nature": "major"}
    elif case == "crisis":
        real = services.triage_text
        monkeypatch.setattr(
            services,
            "triage_text",
            lambda text: dataclasses.replace(real(text), crisis_signals=["media"]),
        )
        fields = {"nature": "general"}
    else:
        complaint_create(draft=draft("hotline"), actor=agent)
        fields = {"nature": "general"}
    with pytest.raises((Conflict, InvalidInput)) as refused:
        resolve_at_once(agent, **fields)
    return str(refused.value.message)


@pytest.mark.parametrize("case", ["outside body", "major", "crisis", "open complaint"])
def test_a_refusal_says_what_to_do_without_naming_the_web_forms_checkbox(agent, monkeypatch, case):
    message = refusal_of(agent, monkeypatch, case)
    assert "cannot be solved at first contact" in message
    assert "Register it without a resolution" in message
    assert "Untick" not in message and "“Solved at first contact”" not in message
