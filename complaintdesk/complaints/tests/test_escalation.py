"""Warnings at 80 %, escalation on breach, management notices, and the sweep under concurrency."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, transaction

from complaintdesk.accounts.choices import Role
from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints import sla
from complaintdesk.complaints.choices import EventKind, Level, TimeBasis
from complaintdesk.complaints.escalation import sla_sweep
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint, SlaPolicy
from complaintdesk.complaints.tasks import sla_sweep_task
from complaintdesk.core import clock
from complaintdesk.core.schedule import SCHEDULE
from complaintdesk.core.testing.factories import complaint_make, user_make
from complaintdesk.triage.taxonomy import taxonomy_load_preset

SHANGHAI = ZoneInfo("Asia/Shanghai")
REGISTERED = datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _fresh_calendars() -> Iterator[None]:
    forget_calendars()
    yield
    forget_calendars()


def ten_hour_rule() -> None:
    SlaPolicy.objects.all().delete()
    SlaPolicy.objects.create(
        name="ten hours",
        first_response_minutes=60,
        first_response_basis=TimeBasis.CALENDAR,
        resolution_minutes=600,
        resolution_basis=TimeBasis.CALENDAR,
    )


def register(actor, *, phone: str = "13812345678", nature: str = "general") -> Complaint:
    with clock.travel_to(REGISTERED):
        return complaint_make(
            actor=actor,
            received_at=REGISTERED,
            content_category="billing.charge",
            nature=nature,
            phone=phone,
        )


def events(complaint: Complaint, kind: str) -> list:
    return list(complaint.events.filter(kind=kind))


@pytest.fixture
def assigned(db, agent, handler) -> Complaint:
    taxonomy_load_preset("telecom")
    ten_hour_rule()
    handler.email = "handler@example.com"
    handler.save()
    complaint = register(agent)
    with clock.travel_to(REGISTERED + timedelta(minutes=5)):
        complaint = complaint_transition(
            complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
        )
    # Answered in time (as a message to the customer does), so only the resolution clock runs.
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        sla.record_first_response(complaint, REGISTERED + timedelta(minutes=10))
        complaint.save(update_fields=[*sla.FIRST_RESPONSE_FIELDS, "updated_at"])
    return complaint


def test_the_assignee_is_warned_once_80_percent_of_the_time_is_used(
    assigned, django_capture_on_commit_callbacks, mailoutbox
):
    assert assigned.sla_check_at == REGISTERED + timedelta(hours=8)
    with django_capture_on_commit_callbacks(execute=True):
        early = sla_sweep(now=REGISTERED + timedelta(hours=7, minutes=59))
        report = sla_sweep(now=REGISTERED + timedelta(hours=8))
        again = sla_sweep(now=REGISTERED + timedelta(hours=9))
    assert early.warned == [] and again.warned == []
    assert report.warned == [assigned.tracking_number]
    warning = events(assigned, EventKind.SLA_WARNING)
    assert len(warning) == 1
    assert warning[0].after["notified"] == ["handler"]
    assert warning[0].after["mailed"] == ["handler"]
    assert warning[0].actor is None
    assert [m.to for m in mailoutbox] == [["handler@example.com"]]
    assigned.refresh_from_db()
    assert assigned.sla_check_at == assigned.resolution_due_at
    assert not events(assigned, EventKind.ESCALATED)


def test_a_breach_escalates_to_the_department_supervisor_and_raises_urgency(
    assigned, supervisor, other_department_handler, django_capture_on_commit_callbacks, mailoutbox
):
    supervisor.email = "supervisor@example.com"
    supervisor.save()
    user_make(Role.SUPERVISOR, department=other_department_handler.department, username="other")
    assert assigned.urgency == Level.MEDIUM
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(now=REGISTERED + timedelta(hours=8))
        report = sla_sweep(now=REGISTERED + timedelta(hours=10))
        again = sla_sweep(now=REGISTERED + timedelta(hours=11))
    assert report.escalated == [assigned.tracking_number] and again.escalated == []
    assigned.refresh_from_db()
    assert assigned.urgency == Level.HIGH
    assert assigned.sla_breached_at == REGISTERED + timedelta(hours=10)
    assert assigned.escalated_at is not None and assigned.sla_check_at is None
    assert len(events(assigned, EventKind.SLA_BREACHED)) == 1
    [escalated] = events(assigned, EventKind.ESCALATED)
    assert escalated.before == {"urgency": Level.MEDIUM}
    assert escalated.after["urgency"] == Level.HIGH
    # The network department's supervisor, not the billing department's.
    assert escalated.after["notified"] == ["supervisor"]
    assert ["supervisor@example.com"] in [m.to for m in mailoutbox]


def test_an_overdue_complaint_found_late_is_escalated_without_a_separate_warning(assigned):
    report = sla_sweep(now=REGISTERED + timedelta(days=2))
    assert report.escalated == [assigned.tracking_number] and report.warned == []
    assigned.refresh_from_db()
    assert assigned.sla_warned_at is not None


@pytest.fixture
def unanswered(db, agent, handler) -> Complaint:
    """Registered and assigned in the back office, no customer-visible answer yet."""
    taxonomy_load_preset("telecom")
    ten_hour_rule()
    complaint = register(agent)
    with clock.travel_to(REGISTERED + timedelta(minutes=5)):
        return complaint_transition(
            complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
        )


def test_a_missed_first_response_is_escalated_once_to_the_supervisor(
    unanswered, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    supervisor.email = "supervisor@example.com"
    supervisor.save()
    first_due = REGISTERED + timedelta(hours=1)
    assert unanswered.first_response_due_at == first_due
    assert unanswered.sla_check_at == first_due
    with django_capture_on_commit_callbacks(execute=True):
        early = sla_sweep(now=first_due - timedelta(minutes=1))
        report = sla_sweep(now=first_due + timedelta(minutes=1))
        again = sla_sweep(now=first_due + timedelta(minutes=30))
    assert early.first_response_overdue == [] and again.first_response_overdue == []
    assert report.first_response_overdue == [unanswered.tracking_number]
    assert report.warned == [] and report.escalated == []
    [event] = events(unanswered, EventKind.FIRST_RESPONSE_OVERDUE)
    assert event.actor is None
    assert datetime.fromisoformat(event.after["first_response_due_at"]) == first_due
    # The assignee and the department's supervisor hear about it.
    assert event.after["notified"] == ["handler", "supervisor"]
    assert ["supervisor@example.com"] in [m.to for m in mailoutbox]
    unanswered.refresh_from_db()
    assert unanswered.first_response_breached_at == first_due + timedelta(minutes=1)
    # The resolution clock goes on: the next look is the 80 % warning.
    assert unanswered.sla_check_at == REGISTERED + timedelta(hours=8)
    assert sla_sweep(now=REGISTERED + timedelta(hours=8)).warned == [unanswered.tracking_number]


def test_an_answer_in_time_moves_the_next_look_to_the_warning(unanswered, handler):
    with clock.travel_to(REGISTERED + timedelta(minutes=30)):
        complaint_transition(complaint=unanswered, action="start", actor=handler)
        complaint_transition(
            complaint=unanswered, action="request_info", actor=handler, note="请提供截图。"
        )
        complaint_transition(complaint=unanswered, action="receive_info", actor=handler)
    unanswered.refresh_from_db()
    assert unanswered.first_responded_at == REGISTERED + timedelta(minutes=30)
    assert unanswered.sla_check_at == unanswered.sla_warn_at
    report = sla_sweep(now=REGISTERED + timedelta(hours=2))
    assert report.first_response_overdue == [] and report.looked_at == 0
    assert not events(unanswered, EventKind.FIRST_RESPONSE_OVERDUE)


def test_a_complaint_found_long_overdue_gets_both_escalations_in_one_sweep(unanswered):
    report = sla_sweep(now=REGISTERED + timedelta(days=2))
    assert report.first_response_overdue == [unanswered.tracking_number]
    assert report.escalated == [unanswered.tracking_number]
    unanswered.refresh_from_db()
    assert unanswered.sla_check_at is None
    assert sla_sweep(now=REGISTERED + timedelta(days=3)).looked_at == 0


def test_a_paused_complaint_is_neither_warned_nor_escalated(assigned, handler):
    with clock.travel_to(REGISTERED + timedelta(hours=1)):
        complaint_transition(complaint=assigned, action="start", actor=handler)
        complaint_transition(
            complaint=assigned, action="request_info", actor=handler, note="请提供截图。"
        )
    report = sla_sweep(now=REGISTERED + timedelta(days=3))
    assert report.looked_at == 0
    assert not events(assigned, EventKind.ESCALATED)


def test_urgency_stays_critical_at_the_top(assigned):
    Complaint.objects.filter(pk=assigned.pk).update(urgency=Level.CRITICAL)
    sla_sweep(now=REGISTERED + timedelta(hours=11))
    assigned.refresh_from_db()
    assert assigned.urgency == Level.CRITICAL


def test_a_major_complaint_notifies_management_at_registration(
    db, agent, supervisor, second_supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    taxonomy_load_preset("telecom")
    supervisor.email = "boss@example.com"
    supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        major = register(agent, nature="major")
        general = register(agent, nature="general", phone="13900000000")
    [notice] = events(major, EventKind.MANAGEMENT_NOTIFIED)
    assert notice.after["notified"] == ["supervisor", "supervisor2"]
    assert notice.after["mailed"] == ["supervisor"]
    assert [m.to for m in mailoutbox] == [["boss@example.com"]]
    assert not events(general, EventKind.MANAGEMENT_NOTIFIED)


def test_the_sweep_is_a_task_on_the_schedule_and_a_command(assigned, capsys):
    assert any(e.task_path.endswith("sla_sweep_task") and e.every_seconds == 60 for e in SCHEDULE)
    Complaint.objects.filter(pk=assigned.pk).update(
        sla_check_at=REGISTERED, resolution_due_at=REGISTERED
    )
    call_command("sla", "sweep")
    assert f"escalated {assigned.tracking_number}" in capsys.readouterr().out
    assert sla_sweep_task.call() == {
        "looked_at": 0,
        "first_response_overdue": 0,
        "warned": 0,
        "escalated": 0,
    }


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_escalate_each_complaint_exactly_once(agent, handler, supervisor):
    taxonomy_load_preset("telecom")
    ten_hour_rule()
    complaints = [register(agent, phone=f"1380000{i:04d}") for i in range(12)]
    sweep_at = REGISTERED + timedelta(hours=10)
    barrier = threading.Barrier(2)
    reports: list = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            # The in-memory SQLite test database (shared cache) answers a lock conflict
            # with an immediate "table is locked" instead of waiting; a sweep that failed
            # that way has rolled back the row it was on, and running it again is safe.
            for _attempt in range(200):
                try:
                    reports.append(sla_sweep(now=sweep_at, batch_size=5))
                    return
                except OperationalError:
                    time.sleep(0.005)
        except BaseException as exc:  # reported to the test thread below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(reports) == 2
    for complaint in complaints:
        assert len(events(complaint, EventKind.ESCALATED)) == 1
        assert len(events(complaint, EventKind.SLA_BREACHED)) == 1
        complaint.refresh_from_db()
        assert complaint.urgency == Level.HIGH
