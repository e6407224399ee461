"""The SLA clock through the whole flow, on the real built-in calendars and 2026 holidays.

2026 in mainland China: National Day closes 1-7 October; Saturday 10 October is a make-up
working day. `cn-office` works 09:00-12:00 and 13:30-18:00 (7.5 hours a day).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints import sla
from complaintdesk.complaints.choices import Status, TimeBasis
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint, SlaPolicy
from complaintdesk.complaints.services import complaint_add_note
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make, department_make, user_make
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.models import TaxonomyEntry
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _telecom_taxonomy_and_fresh_calendars(db: None) -> Iterator[None]:
    taxonomy_load_preset("telecom")
    forget_calendars()
    yield
    forget_calendars()


def only_policy(**fields: object) -> SlaPolicy:
    """Replace the default policies by one rule, so the test states its own limits."""
    SlaPolicy.objects.all().delete()
    values: dict[str, object] = {
        "name": "test rule",
        "first_response_minutes": 120,
        "first_response_basis": TimeBasis.BUSINESS,
        "resolution_minutes": 24 * 60,
        "resolution_basis": TimeBasis.BUSINESS,
    }
    values.update(fields)
    return SlaPolicy.objects.create(**values)


def register_at(moment: datetime, actor, **draft) -> Complaint:
    draft.setdefault("content_category", "billing.charge")
    draft.setdefault("nature", "general")
    with clock.travel_to(moment):
        return complaint_make(actor=actor, received_at=moment, **draft)


def test_24_business_hours_from_the_eve_of_national_day_end_after_the_make_up_saturday(agent):
    only_policy()
    complaint = register_at(at(2026, 9, 30, 17, 30), agent)
    # 0.5 h on 30 Sep, closed 1-7 Oct, 7.5 h on 8, 9 and 10 Oct (Saturday, made a working
    # day) = 23 h; the last hour is Monday 12 Oct 09:00-10:00.
    assert complaint.resolution_due_at == at(2026, 10, 12, 10, 0)
    # The first response (2 business hours) falls after the holiday too.
    assert complaint.first_response_due_at == at(2026, 10, 8, 10, 30)
    assert complaint.sla_calendar == "cn-office"
    assert complaint.sla_policy is not None and complaint.sla_policy.name == "test rule"


def test_a_make_up_saturday_counts_as_a_working_day(agent):
    only_policy(resolution_minutes=120)
    complaint = register_at(at(2026, 10, 9, 17, 0), agent)
    # One hour on Friday, the second on Saturday 10 October (调休), not on Monday.
    assert complaint.resolution_due_at == at(2026, 10, 10, 10, 0)


def test_time_paused_for_customer_information_is_not_counted(agent, handler):
    only_policy()
    complaint = register_at(at(2026, 10, 12, 9, 0), agent)
    # 22.5 h on 12-14 Oct, the last 1.5 h on Thursday 15 Oct.
    assert complaint.resolution_due_at == at(2026, 10, 15, 10, 30)
    with clock.travel_to(at(2026, 10, 12, 14, 0)):
        paused = complaint_transition(
            complaint=complaint, action="request_info", actor=agent, note="请提供账单截图。"
        )
    assert paused.sla_check_at is None and paused.sla_warn_at is None
    state = sla.sla_state(paused, at(2026, 10, 13, 10, 0))
    assert state.paused
    # 3.5 business hours were used before the pause: 24 - 3.5 = 20.5 h left, frozen.
    assert state.business_minutes_left == 20.5 * 60
    with clock.travel_to(at(2026, 10, 13, 11, 0)):
        resumed = complaint_transition(complaint=paused, action="receive_info", actor=handler)
    # Paused 6 business hours (14:00-18:00 on Monday, 09:00-11:00 on Tuesday) although 21
    # wall-clock hours passed; the due time moves by exactly those 6 business hours.
    assert resumed.sla_paused_business == timedelta(hours=6)
    assert resumed.resolution_due_at == at(2026, 10, 15, 18, 0)
    assert resumed.status == Status.REGISTERED
    state = sla.sla_state(resumed, at(2026, 10, 13, 11, 0))
    assert not state.paused
    assert state.business_minutes_left == 20.5 * 60
    assert state.share_used == pytest.approx(3.5 / 24, abs=1e-4)


def test_a_department_in_hong_kong_times_by_its_own_calendar(agent):
    only_policy()
    hong_kong = department_make("hk-desk", "Hong Kong desk")
    hong_kong.calendar_name = "hk-office"
    hong_kong.save()
    hk_handler = user_make(Role.HANDLER, department=hong_kong, username="hk-handler")
    complaint = register_at(at(2026, 9, 30, 17, 30), agent)
    with clock.travel_to(at(2026, 9, 30, 17, 45)):
        assigned = complaint_transition(
            complaint=complaint, action="assign", actor=agent, params={"assignee": hk_handler}
        )
    assert assigned.sla_calendar == "hk-office"
    # hk-office works 09:00-18:00 (9 h) and closes on Hong Kong's public holidays: 1 Oct
    # (National Day) only; no mainland Golden Week, no make-up Saturday. From 17:30 on
    # 30 Sep: 0.5 h, then 2, 5, 6 Oct = 27 h > 24 h → Tuesday 6 Oct 14:30.
    hk = ZoneInfo("Asia/Hong_Kong")
    assert assigned.resolution_due_at == datetime(2026, 10, 6, 14, 30, tzinfo=hk)


def _assign_to_desk(complaint: Complaint, calendar: str, moment: datetime, actor) -> Complaint:
    """Assign the complaint to a handler of a department timed by `calendar`."""
    desk = department_make(f"{calendar}-desk", f"Desk on {calendar}")
    desk.calendar_name = calendar
    desk.save()
    desk_handler = user_make(Role.HANDLER, department=desk, username=f"{calendar}-handler")
    with clock.travel_to(moment):
        return complaint_transition(
            complaint=complaint, action="assign", actor=actor, params={"assignee": desk_handler}
        )


def test_five_working_days_around_the_clock_are_five_calendar_days(agent):
    # QA: on a 24×7 desk "5 working days" fell due in 37.5 hours, five office days' hours.
    complaint = register_at(at(2026, 10, 12, 10, 0), agent)
    policy = complaint.sla_policy
    assert policy is not None and policy.name == "General: 2 business hours / 5 working days"
    assert (policy.resolution_minutes, policy.resolution_basis) == (7200, TimeBasis.WORKING_DAYS)
    assigned = _assign_to_desk(complaint, "cn-24x7", at(2026, 10, 12, 10, 5), agent)
    assert assigned.sla_calendar == "cn-24x7"
    assert assigned.resolution_due_at == at(2026, 10, 17, 10, 0)
    state = sla.sla_state(assigned, at(2026, 10, 14, 22, 0))
    assert state.share_used == pytest.approx(0.5)
    assert state.business_minutes_left == int(2.5 * 24 * 60)


def test_five_working_days_in_the_office_end_at_the_same_time_five_working_days_later(agent):
    complaint = register_at(at(2026, 10, 12, 10, 0), agent)
    # Monday 10:00 + 5 × 7.5 office hours: Monday 19 October, 10:00, as before the fix.
    assert complaint.sla_calendar == "cn-office"
    assert complaint.resolution_due_at == at(2026, 10, 19, 10, 0)
    early = register_at(at(2026, 10, 12, 8, 0), agent)
    # Before opening: counting starts at 09:00, so the fifth working day ends at closing.
    assert early.resolution_due_at == at(2026, 10, 16, 18, 0)
    # The same rule after the National Day week skips the holiday and counts the make-up
    # Saturday: 8, 9, 10 (Saturday), 12, 13 October.
    holiday = register_at(at(2026, 9, 30, 18, 30), agent)
    assert holiday.resolution_due_at == at(2026, 10, 13, 18, 0)


def test_working_days_count_each_calendars_own_day_and_pauses_in_its_hours(agent, handler):
    only_policy(resolution_minutes=2 * 1440, resolution_basis=TimeBasis.WORKING_DAYS)
    complaint = register_at(at(2026, 10, 12, 9, 0), agent)
    assert complaint.resolution_due_at == at(2026, 10, 13, 18, 0)
    hong_kong = _assign_to_desk(complaint, "hk-office", at(2026, 10, 12, 9, 30), agent)
    # Two hk-office days of 9 hours from Monday 09:00 (Shanghai = Hong Kong time).
    assert hong_kong.resolution_due_at == at(2026, 10, 13, 18, 0)
    only_policy(resolution_minutes=1440 + 720, resolution_basis=TimeBasis.WORKING_DAYS)
    around = register_at(at(2026, 10, 12, 9, 0), agent)
    around = _assign_to_desk(around, "cn-24x7", at(2026, 10, 12, 9, 1), agent)
    # A day and a half around the clock.
    assert around.resolution_due_at == at(2026, 10, 13, 21, 0)
    with clock.travel_to(at(2026, 10, 12, 12, 0)):
        paused = complaint_transition(
            complaint=around,
            action="request_info",
            actor=around.assignee,
            note="请提供账单截图。",
        )
    with clock.travel_to(at(2026, 10, 12, 18, 0)):
        resumed = complaint_transition(complaint=paused, action="receive_info", actor=handler)
    assert resumed.resolution_due_at == at(2026, 10, 14, 3, 0)


def test_reopened_complaint_gets_a_new_deadline_by_rule(agent, handler):
    only_policy(resolution_minutes=4 * 60, resolution_basis=TimeBasis.CALENDAR)
    complaint = register_at(at(2026, 10, 12, 9, 0), agent)
    assert complaint.resolution_due_at == at(2026, 10, 12, 13, 0)
    with clock.travel_to(at(2026, 10, 12, 9, 5)):
        complaint = complaint_transition(
            complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
        )
        complaint = complaint_transition(complaint=complaint, action="start", actor=handler)
    Complaint.objects.filter(pk=complaint.pk).update(sla_warned_at=at(2026, 10, 12, 12, 0))
    with clock.travel_to(at(2026, 10, 12, 12, 30)):
        complaint = complaint_transition(
            complaint=complaint, action="resolve", actor=handler, note="已退还多收的费用。"
        )
    assert complaint.sla_check_at is None and complaint.sla_warn_at is None
    with clock.travel_to(at(2026, 10, 20, 15, 0)):
        complaint = complaint_transition(
            complaint=complaint, action="reopen", actor=agent, note="客户反映下月又多收了。"
        )
    assert complaint.resolution_due_at == at(2026, 10, 20, 19, 0)
    assert complaint.sla_started_at == at(2026, 10, 20, 15, 0)
    assert complaint.sla_warned_at is None
    assert complaint.sla_check_at == at(2026, 10, 20, 18, 12)  # 80 % of 4 hours


def test_changing_the_nature_recomputes_the_due_times_from_registration(agent):
    complaint = register_at(at(2026, 10, 12, 9, 0), agent)
    # The default general rule: 5 working days of 7.5 h = 37.5 business hours.
    assert complaint.sla_policy is not None and complaint.sla_policy.nature_key == "general"
    assert complaint.resolution_due_at == at(2026, 10, 16, 18, 0)
    complaint.nature = TaxonomyEntry.objects.get(dimension=Dimension.NATURE, key="major")
    sla.recompute_clock(complaint, at(2026, 10, 12, 10, 0))
    assert complaint.sla_policy is not None and complaint.sla_policy.nature_key == "major"
    # Major: 24 calendar hours from registration, not from the change.
    assert complaint.resolution_due_at == at(2026, 10, 13, 9, 0)
    assert complaint.first_response_due_at == at(2026, 10, 12, 10, 0)


def test_most_specific_policy_wins_and_second_level_category_beats_top_level(agent):
    SlaPolicy.objects.all().delete()
    SlaPolicy.objects.create(
        name="billing", category_key="billing", first_response_minutes=60,
        resolution_minutes=600, resolution_basis=TimeBasis.CALENDAR, priority=500,
    )  # fmt: skip
    SlaPolicy.objects.create(
        name="charges", category_key="billing.charge", first_response_minutes=60,
        resolution_minutes=300, resolution_basis=TimeBasis.CALENDAR,
    )  # fmt: skip
    complaint = register_at(at(2026, 10, 12, 9, 0), agent, nature="")
    assert complaint.sla_policy is not None and complaint.sla_policy.name == "charges"
    tariff = register_at(
        at(2026, 10, 12, 9, 0), agent, content_category="billing.tariff", nature=""
    )
    assert tariff.sla_policy is not None and tariff.sla_policy.name == "billing"
    assert tariff.resolution_due_at == at(2026, 10, 12, 19, 0)


def test_the_regulators_earlier_deadline_replaces_the_rules(agent):
    complaint = register_at(
        at(2026, 10, 12, 9, 0),
        agent,
        channel="regulator",
        nature="",
        external_body="省通信管理局",
        external_deadline=at(2026, 10, 12, 17, 0),
    )
    assert complaint.sla_policy is not None and complaint.sla_policy.channel == "regulator"
    assert complaint.resolution_due_at == at(2026, 10, 12, 17, 0)
    state = sla.sla_state(complaint, at(2026, 10, 12, 13, 0))
    assert state.share_used == pytest.approx(0.5)


def test_first_response_is_the_first_customer_visible_message_not_the_acknowledgement(
    agent, handler
):
    complaint = register_at(at(2026, 10, 12, 9, 0), agent)
    assert complaint.first_responded_at is None
    with clock.travel_to(at(2026, 10, 12, 9, 40)):
        complaint_add_note(complaint=complaint, actor=agent, text="您好,我们已开始核查。")
        complaint_add_note(
            complaint=complaint, actor=agent, text="已收到,正在核查账单。", customer_visible=True
        )
    complaint.refresh_from_db()
    assert complaint.first_responded_at == at(2026, 10, 12, 9, 40)
    state = sla.sla_state(complaint, at(2026, 10, 12, 12, 0))
    assert not state.first_response_breached


def test_breach_shows_in_the_state_once_due_passes(agent):
    only_policy(resolution_minutes=60, resolution_basis=TimeBasis.CALENDAR)
    complaint = register_at(at(2026, 10, 12, 9, 0), agent)
    before = sla.sla_state(complaint, at(2026, 10, 12, 9, 59))
    after = sla.sla_state(complaint, at(2026, 10, 12, 10, 30))
    assert not before.breached and after.breached
    assert after.business_minutes_left == -30
    assert after.share_used == pytest.approx(1.5)


def test_a_complaint_without_any_matching_policy_has_no_due_times(agent):
    SlaPolicy.objects.all().delete()
    complaint = register_at(at(2026, 10, 12, 9, 0), agent)
    assert complaint.resolution_due_at is None and complaint.sla_check_at is None
    assert sla.sla_state(complaint, at(2026, 10, 13, 9, 0)).business_minutes_left is None
