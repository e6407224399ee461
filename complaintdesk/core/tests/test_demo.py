"""The demo operator: varied, consistent histories, working logins, and loaded only once."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department, User
from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.models import Complaint, ComplaintEvent
from complaintdesk.core.demo.generator import DemoConflict, DemoReport, demo_load
from complaintdesk.core.demo.texts import CorpusText, corpus_load, subject_from_text
from complaintdesk.core.testing.factories import user_make
from complaintdesk.customers.models import Customer
from complaintdesk.handling.authority import authority_of
from complaintdesk.handling.choices import AuthorityLevel, Decision, PlanStatus
from complaintdesk.handling.models import ApprovalAuthority, ApprovalStep, HandlingPlan
from complaintdesk.handling.selectors import handling_left_open
from complaintdesk.notifications.choices import NoticeStatus
from complaintdesk.notifications.models import Notice
from complaintdesk.remedies.choices import COMMITTED_STATUSES, ItemStatus
from complaintdesk.remedies.models import CompensationBudget, CompensationItem
from complaintdesk.routing.defaults import TELECOM
from complaintdesk.routing.models import RoutingRule

PASSWORD = "demo-password-for-tests"
COUNT = 60


@pytest.fixture(scope="module")
def corpus() -> dict[str, list[CorpusText]]:
    # Read once: the shipped corpus may be edited while the suite runs.
    return corpus_load()


@pytest.fixture(scope="module")
def made_run(
    django_db_setup: None, django_db_blocker: object, corpus: dict[str, list[CorpusText]]
) -> Iterator[tuple[str, DemoReport]]:
    """One small demo for the whole module, after `setup` as `make run` orders them (its
    output is kept), rolled back at the end like any test's data."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        output = io.StringIO()
        call_command("setup", "--industry", "telecom", stdout=output)
        report = demo_load(complaints=COUNT, seed=7, password=PASSWORD, corpus=corpus)
        yield output.getvalue(), report
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo(made_run: tuple[str, DemoReport]) -> DemoReport:
    return made_run[1]


def test_setup_before_the_demo_names_the_rules_it_skipped_and_how_to_load_them(
    made_run: tuple[str, DemoReport], db: None
) -> None:
    output = made_run[0]
    assert f"{len(TELECOM)} routing rules skipped" in output
    assert all(spec["name"] in output for spec in TELECOM)
    assert "complaintdesk setup --industry telecom` again" in output


def test_the_demo_loads_the_presets_routing_rules_once_its_departments_exist(
    demo: DemoReport, db: None
) -> None:
    rules = {rule.name: rule.department.code for rule in RoutingRule.objects.all()}
    assert rules == {spec["name"]: spec["department"] for spec in TELECOM}


def _timeline(complaint: Complaint) -> list[ComplaintEvent]:
    return list(complaint.events.order_by("created_at", "id"))


def test_demo_creates_the_requested_complaints_across_statuses_channels_and_languages(
    demo: DemoReport, db: None
) -> None:
    complaints = Complaint.objects.all()
    assert demo.loaded
    # A customer who sends an open complaint again adds a repeat to it, not a new complaint.
    repeats = sum(complaints.values_list("repeat_count", flat=True))
    assert complaints.count() + repeats == COUNT
    assert complaints.count() >= COUNT * 0.9
    statuses = set(complaints.values_list("status", flat=True))
    # The default routing rules cover every complaint, so none waits registered but unassigned.
    expected = set(Status.values) - {Status.REGISTERED}
    assert statuses >= expected, f"missing: {expected - statuses}"
    assert len(set(complaints.values_list("channel", flat=True))) >= 5
    assert set(complaints.values_list("language", flat=True)) == {"zh-Hans", "zh-Hant", "en"}
    finished = complaints.filter(status__in=[Status.CLOSED, Status.RESOLVED]).count()
    assert finished > COUNT / 2, "most demo complaints should be finished"


def test_every_timeline_runs_forward_and_ends_in_the_complaints_status(
    demo: DemoReport, db: None
) -> None:
    now = timezone.now()
    for complaint in Complaint.objects.select_related("assignee"):
        events = _timeline(complaint)
        assert events[0].kind == EventKind.CREATED
        assert events[0].created_at == complaint.received_at
        assert now - timedelta(days=91) < complaint.received_at < now
        times = [event.created_at for event in events]
        assert times == sorted(times), complaint
        assert times[-1] <= now
        transitions = [event for event in events if event.kind == EventKind.TRANSITION]
        # The system may act at a step's instant (triage, routing, escalation: no actor);
        # the staff's own steps each happen strictly after the one before.
        story = {EventKind.CREATED, EventKind.TRANSITION, EventKind.NOTE}
        steps = [e.created_at for e in events if e.kind in story and e.actor_id is not None]
        assert len(set(steps)) == len(steps), complaint
        status = Status.RECEIVED.value
        for event in transitions:
            assert event.from_status == status, (complaint, event)
            status = event.to_status
        assert status == complaint.status, complaint


def test_status_fields_agree_with_the_timeline(demo: DemoReport, db: None) -> None:
    for complaint in Complaint.objects.select_related("assignee"):
        transitions = [e for e in _timeline(complaint) if e.kind == EventKind.TRANSITION]
        by_action: dict[str, list[ComplaintEvent]] = {}
        for event in transitions:
            by_action.setdefault(event.after["action"], []).append(event)
        if complaint.status in {Status.RESOLVED, Status.CLOSED}:
            assert complaint.resolved_at == by_action["resolve"][-1].created_at
        else:
            assert complaint.resolved_at is None
        if complaint.status == Status.CLOSED:
            assert complaint.closed_at == by_action["close"][-1].created_at
        assigned = by_action.get("assign", [])
        if assigned:
            assert complaint.assignee is not None
            assert complaint.assignee.username == assigned[-1].after["assignee"]
            assert complaint.department_id == complaint.assignee.department_id
        assert complaint.reopen_count == len(by_action.get("reopen", []))
        if complaint.status == Status.MERGED:
            assert complaint.merged_into is not None
            # Another customer reported the same matter; intake flagged it as a duplicate.
            assert complaint.merged_into.customer_id != complaint.customer_id
            assert complaint.duplicate_of_id == complaint.merged_into_id
            assert complaint.merged_into.received_at < complaint.received_at


def test_plans_are_approved_by_someone_other_than_their_submitter(
    demo: DemoReport, db: None
) -> None:
    approvals = ComplaintEvent.objects.filter(after__action="approve_plan")
    assert approvals.exists()
    for approval in approvals:
        submitted = (
            ComplaintEvent.objects.filter(
                complaint_id=approval.complaint_id,
                after__action="submit_plan",
                created_at__lt=approval.created_at,
            )
            .order_by("-created_at")
            .first()
        )
        assert submitted is not None
        assert submitted.actor_id != approval.actor_id


def test_plans_go_through_their_records_and_are_carried_out_before_the_result(
    demo: DemoReport, db: None
) -> None:
    expected = {
        Status.AWAITING_APPROVAL: PlanStatus.SUBMITTED,
        Status.EXECUTING: PlanStatus.APPROVED,
    }
    for status, plan_status in expected.items():
        for complaint in Complaint.objects.filter(status=status):
            latest = complaint.handling_plans.order_by("-version").first()
            assert latest is not None and latest.status == plan_status, complaint
    planned = Complaint.objects.filter(handling_plans__isnull=False).distinct()
    for complaint in planned.filter(status__in=[Status.RESOLVED, Status.CLOSED]):
        assert handling_left_open(complaint=complaint) == [], complaint
    assert HandlingPlan.objects.filter(status=PlanStatus.APPROVED).exists()


def test_every_approval_step_is_decided_with_enough_authority_by_another_person(
    demo: DemoReport, db: None
) -> None:
    decided = ApprovalStep.objects.exclude(decision=Decision.PENDING).select_related("plan")
    assert decided.exists()
    for step in decided:
        assert step.approver is not None
        assert step.approver_id != step.plan.submitted_by_id
        assert authority_of(step.approver).level >= step.level, step
    # Major complaints need a manager (the default authority matrix): the demo has one.
    assert decided.filter(level=AuthorityLevel.MANAGER).exists()
    assert ApprovalAuthority.objects.filter(level=AuthorityLevel.MANAGER).exists()


def test_texts_are_corpus_complaints_and_notes_are_filled_in(
    demo: DemoReport, db: None, corpus: dict[str, list[CorpusText]]
) -> None:
    texts = {text.text for texts in corpus.values() for text in texts}
    for complaint in Complaint.objects.all():
        assert complaint.description in texts
        assert complaint.subject
        assert complaint.subject == subject_from_text(complaint.description, complaint.language)
        assert "lorem" not in complaint.description.lower()
        assert complaint.content_category_id is not None
        assert complaint.nature_id is not None
    notes = ComplaintEvent.objects.exclude(note="").values_list("note", flat=True)
    assert notes
    for note in notes:
        assert not re.search(r"\{\w+\}", note), note
    rejections = ComplaintEvent.objects.filter(after__action="reject")
    assert all(event.note for event in rejections)


def test_every_role_has_staff_and_they_log_in_with_the_demo_password(
    demo: DemoReport, db: None
) -> None:
    assert {row.role for row in demo.staff} == {str(role.label) for role in Role}
    assert Department.objects.filter(code__in=["customer-service", "legal"]).count() == 2
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.role == Role.ADMIN
    assert Client().login(username="admin", password=PASSWORD)
    assert not Client().login(username="admin", password="wrong-password")


def test_running_the_demo_again_creates_nothing(demo: DemoReport, db: None) -> None:
    models = (
        Complaint,
        ComplaintEvent,
        Customer,
        User,
        Department,
        HandlingPlan,
        ApprovalAuthority,
    )
    before = [model.objects.count() for model in models]
    again = demo_load(complaints=COUNT, seed=8, password="another-password")
    assert not again.loaded
    assert [model.objects.count() for model in models] == before
    assert Client().login(username="admin", password=PASSWORD)


def test_demo_refuses_to_load_beside_an_admin_it_did_not_create(demo: DemoReport, db: None) -> None:
    User.objects.filter(username="admin").update(username="demo-admin")
    user_make(Role.ADMIN, username="admin")
    with pytest.raises(DemoConflict):
        demo_load(complaints=5)


def test_subject_is_the_first_clause_without_the_agents_preamble() -> None:
    text = "客户来电反映,家里宽带每晚八点后频繁掉线,重启光猫无效。"
    assert subject_from_text(text, "zh-Hans") == "家里宽带每晚八点后频繁掉线"
    english = "Caller states that the engineer never turned up, no text, no call."
    assert subject_from_text(english, "en") == "The engineer never turned up"


def test_notices_of_the_past_are_settled_not_left_for_the_worker(
    demo: DemoReport, db: None
) -> None:
    notices = Notice.objects.all()
    assert notices.exists(), "the replayed lifecycle sends acknowledgements and results"
    stale = notices.filter(
        status=NoticeStatus.QUEUED, created_at__lt=timezone.now() - timedelta(days=1)
    )
    assert not stale.exists()
    for notice in notices.exclude(status=NoticeStatus.QUEUED):
        assert notice.sent_at is not None and notice.sent_at >= notice.created_at


def test_plans_that_promise_compensation_carry_it_through_consent_and_fulfilment(
    demo: DemoReport, db: None
) -> None:
    items = CompensationItem.objects.select_related("complaint", "plan")
    assert items.exists(), "plans that quote a refund, credit or data give it"
    finished = {Status.RESOLVED, Status.CLOSED}
    for item in items:
        assert item.amount > 0 and item.plan is not None, item
        if item.complaint.status in finished:
            # The result is notified only once the compensation is settled.
            assert item.status in {ItemStatus.CONFIRMED, ItemStatus.CANCELLED}, item
        if item.status in COMMITTED_STATUSES:
            assert item.budget is not None and item.approved_by_id is not None, item
    confirmed = items.filter(status=ItemStatus.CONFIRMED)
    assert confirmed.exists()
    for item in confirmed:
        assert item.offer is not None and item.offer.decision == "accepted", item
        assert item.fulfilment_reference and item.confirmed_by_id != item.fulfilled_by_id


def test_every_department_has_a_budget_for_every_month_that_covers_what_it_committed(
    demo: DemoReport, db: None
) -> None:
    budgets = CompensationBudget.objects.all()
    months = set(budgets.values_list("month", flat=True))
    assert all(month.day == 1 for month in months)
    assert budgets.count() == Department.objects.count() * len(months) * 2  # CNY and HKD
    for budget in budgets:
        charged = budget.items.filter(status__in=COMMITTED_STATUSES).aggregate(s=Sum("amount"))
        assert budget.committed == (charged["s"] or 0), budget
        assert 0 <= budget.committed <= budget.amount, budget
