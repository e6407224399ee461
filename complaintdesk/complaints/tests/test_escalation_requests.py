"""Escalation to higher management by hand: whoever handles a complaint escalates it to one
person above them, who records management's decision (taking it over or reassigning it
through the assignment services); the raiser may withdraw it. Refusals say why and store
nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.choices import (
    EscalationDecision,
    EscalationStatus,
    EventKind,
    Status,
)
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed, NotFound
from complaintdesk.complaints.escalation_requests import (
    complaint_escalate,
    escalation_decide,
    escalation_get,
    escalation_recipients,
    escalation_withdraw,
    escalations_of,
    escalations_sent_to,
)
from complaintdesk.complaints.events import event_note_for_reader
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.complaints.services import NOTE_MAX
from complaintdesk.core.testing.factories import complaint_make, user_make
from complaintdesk.handling.choices import AuthorityLevel
from complaintdesk.handling.models import ApprovalAuthority
from complaintdesk.handling.tests.support import handled_complaint

pytestmark = pytest.mark.django_db

WHY = "客户称若今天不给答复就向工信部投诉并联系媒体曝光。"


@pytest.fixture
def complaint(agent, handler) -> Complaint:
    """A complaint of the network department, assigned to `handler` and in progress."""
    return handled_complaint(agent, handler)


@pytest.fixture
def manager(billing_department):
    """A complaints manager: a supervisor of another department with manager authority."""
    person = user_make(Role.SUPERVISOR, department=billing_department, username="manager")
    ApprovalAuthority.objects.create(user=person, level=AuthorityLevel.MANAGER)
    return person


def escalate(complaint: Complaint, actor, to, **fields: object) -> Escalation:
    values: dict[str, object] = {"reason": "threat", "explanation": WHY, **fields}
    return complaint_escalate(complaint=complaint, actor=actor, to=to, **values)  # type: ignore[arg-type]


def test_a_handler_escalates_to_the_supervisor_who_decides_and_both_are_on_the_timeline(
    complaint, handler, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    supervisor.email = "supervisor@example.com"
    supervisor.save()
    handler.email = "handler@example.com"
    handler.save()

    with django_capture_on_commit_callbacks(execute=True):
        escalation = escalate(complaint, handler, supervisor)
    assert (escalation.status, escalation.raised_by, escalation.escalated_to) == (
        EscalationStatus.OPEN,
        handler,
        supervisor,
    )
    raised = complaint.events.get(kind=EventKind.ESCALATION_RAISED)
    assert raised.actor == handler
    assert raised.note == (
        "Escalated to supervisor: The customer threatens the media, a regulator or legal "
        f"action.\n\n{WHY}"
    )
    assert raised.after["notified"] == ["supervisor"]
    assert [m.to for m in mailoutbox] == [["supervisor@example.com"]]
    assert WHY in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        decided = escalation_decide(
            escalation=escalation,
            actor=supervisor,
            decision=EscalationDecision.APPROVED,
            note="同意先行减免当月月租,由处理人继续跟进。",
        )
    assert decided.status == EscalationStatus.DECIDED
    assert (decided.decision, decided.decided_by) == (EscalationDecision.APPROVED, supervisor)
    assert decided.decided_at is not None
    event = complaint.events.get(kind=EventKind.ESCALATION_DECIDED)
    assert event.actor == supervisor
    assert event.note == (
        "Management approved the handling as proposed.\n\n同意先行减免当月月租,由处理人继续跟进。"
    )
    assert mailoutbox[-1].to == ["handler@example.com"]  # the raiser hears of the decision
    complaint.refresh_from_db()
    assert complaint.assignee == handler  # approval leaves the handler in charge


def test_a_handler_of_another_department_may_not_escalate(
    complaint, other_department_handler, supervisor
):
    with pytest.raises(NotAllowed, match="only whoever handles it"):
        escalate(complaint, other_department_handler, supervisor)
    assert not Escalation.objects.exists()
    assert not complaint.events.filter(kind=EventKind.ESCALATION_RAISED).exists()


def test_a_colleague_of_the_same_department_may_escalate(complaint, network_department, supervisor):
    colleague = user_make(Role.HANDLER, department=network_department, username="colleague")
    assert escalate(complaint, colleague, supervisor).raised_by == colleague


def test_an_analyst_may_not_escalate(complaint, analyst, supervisor):
    with pytest.raises(NotAllowed):
        escalate(complaint, analyst, supervisor)
    assert not Escalation.objects.exists()


def test_the_raiser_cannot_decide_their_own_escalation(complaint, supervisor, administrator):
    escalation = escalate(complaint, supervisor, administrator, reason="authority")
    with pytest.raises(NotAllowed, match="You raised this escalation"):
        escalation_decide(
            escalation=escalation, actor=supervisor, decision="approved", note="我自己批准"
        )
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.OPEN
    assert not complaint.events.filter(kind=EventKind.ESCALATION_DECIDED).exists()


def test_a_supervisor_of_the_same_level_may_not_decide_but_an_administrator_may(
    complaint, handler, supervisor, second_supervisor, administrator
):
    escalation = escalate(complaint, handler, supervisor)
    with pytest.raises(NotAllowed, match="Only supervisor, to whom it was escalated"):
        escalation_decide(
            escalation=escalation, actor=second_supervisor, decision="reject", note="不必升级"
        )
    decided = escalation_decide(
        escalation=escalation, actor=administrator, decision="reject", note="按常规流程处理"
    )
    assert decided.decided_by == administrator
    assert complaint.events.get(kind=EventKind.ESCALATION_DECIDED).note.startswith(
        "Management turned the escalation down; the handler carries on."
    )


def test_a_second_open_escalation_is_refused_until_the_first_is_withdrawn(
    complaint, handler, supervisor, administrator
):
    first = escalate(complaint, handler, supervisor)
    with pytest.raises(Conflict, match="already escalated to supervisor"):
        escalate(complaint, handler, administrator, reason="complex")
    assert Escalation.objects.count() == 1

    escalation_withdraw(escalation=first, actor=handler, note="客户已接受解释")
    first.refresh_from_db()
    assert (first.status, first.withdrawn_by) == (EscalationStatus.WITHDRAWN, handler)
    withdrawn = complaint.events.get(kind=EventKind.ESCALATION_WITHDRAWN)
    assert withdrawn.note == "The escalation to supervisor was withdrawn.\n\n客户已接受解释"
    assert escalate(complaint, handler, administrator, reason="complex").status == "open"


def test_a_finished_complaint_cannot_be_escalated(agent, complaint, handler, supervisor):
    earlier = complaint_make(actor=agent)
    complaint_transition(
        complaint=complaint, action="merge", actor=handler, params={"into": earlier}
    )
    complaint.refresh_from_db()
    assert complaint.status == Status.MERGED
    with pytest.raises(Conflict, match="cannot be escalated; reopen it first"):
        escalate(complaint, supervisor, user_make(Role.ADMIN, username="boss"))
    assert not Escalation.objects.exists()


def test_a_reassign_decision_moves_the_complaint_through_the_assignment_service(
    complaint, handler, supervisor, network_department
):
    senior = user_make(Role.HANDLER, department=network_department, username="senior")
    escalation = escalate(complaint, handler, supervisor, reason="complex")
    decided = escalation_decide(
        escalation=escalation,
        actor=supervisor,
        decision=EscalationDecision.REASSIGN,
        note="交由资深处理人跟进",
        assignee=senior,
    )
    complaint.refresh_from_db()
    assert complaint.assignee == senior
    assert decided.new_assignee == senior
    # complaint_reassign wrote its own entry, with the decision as its reason.
    moved = complaint.events.filter(kind=EventKind.ASSIGNED).latest("id")
    assert (moved.actor, moved.before, moved.after, moved.note) == (
        supervisor,
        {"assignee": "handler"},
        {"assignee": "senior"},
        "交由资深处理人跟进",
    )
    event = complaint.events.get(kind=EventKind.ESCALATION_DECIDED)
    assert event.after["new_assignee"] == "senior"
    assert event.note.startswith("Management reassigned the complaint to senior.")


def test_a_reassignment_the_assignment_service_refuses_stores_nothing(
    complaint, handler, supervisor, analyst
):
    escalation = escalate(complaint, handler, supervisor)
    with pytest.raises(InvalidInput, match="who handles complaints"):
        escalation_decide(
            escalation=escalation,
            actor=supervisor,
            decision="reassign",
            note="交给分析员",
            assignee=analyst,
        )
    escalation.refresh_from_db()
    complaint.refresh_from_db()
    assert escalation.status == EscalationStatus.OPEN
    assert complaint.assignee == handler
    assert not complaint.events.filter(kind=EventKind.ESCALATION_DECIDED).exists()


def test_a_reassignment_must_name_the_new_handler(complaint, handler, supervisor):
    escalation = escalate(complaint, handler, supervisor)
    with pytest.raises(InvalidInput) as refused:
        escalation_decide(escalation=escalation, actor=supervisor, decision="reassign", note="换人")
    assert refused.value.field == "assignee"


def test_taking_over_makes_the_decider_the_handler(agent, supervisor, handler):
    # Not assigned yet: the lifecycle's "assign" hands it over.
    complaint = complaint_make(actor=agent)
    assert complaint.status == Status.REGISTERED
    escalation = escalate(complaint, agent, supervisor, reason="higher_level")
    escalation_decide(
        escalation=escalation, actor=supervisor, decision="take_over", note="我来处理"
    )
    complaint.refresh_from_db()
    assert (complaint.assignee, complaint.status) == (supervisor, Status.ASSIGNED)
    event = complaint.events.get(kind=EventKind.ESCALATION_DECIDED)
    assert event.note == "supervisor took the complaint over.\n\n我来处理"


def test_a_decided_escalation_is_not_decided_again(complaint, handler, supervisor):
    escalation = escalate(complaint, handler, supervisor)
    escalation_decide(
        escalation=escalation,
        actor=supervisor,
        decision="authorise",
        note="准许",
        amount=Decimal("1000"),
        currency="CNY",
    )
    with pytest.raises(Conflict, match="decided already"):
        escalation_decide(escalation=escalation, actor=supervisor, decision="reject", note="改主意")
    with pytest.raises(Conflict):
        escalation_withdraw(escalation=escalation, actor=handler)


def test_only_the_raiser_or_an_administrator_withdraws(
    complaint, handler, supervisor, administrator
):
    escalation = escalate(complaint, handler, supervisor)
    with pytest.raises(NotAllowed, match="Only handler, who raised this escalation"):
        escalation_withdraw(escalation=escalation, actor=supervisor)
    assert escalation_withdraw(escalation=escalation, actor=administrator).status == "withdrawn"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reason": "angry"}, "reason"),
        ({"explanation": "   "}, "explanation"),
        ({"explanation": "x" * (NOTE_MAX + 1)}, "explanation"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    complaint, handler, supervisor, fields, field
):
    with pytest.raises(InvalidInput) as refused:
        escalate(complaint, handler, supervisor, **fields)
    assert refused.value.field == field
    assert not Escalation.objects.exists()


def test_it_goes_only_to_someone_above_the_raiser_over_the_department(
    complaint, handler, supervisor, second_supervisor, administrator, manager, billing_department
):
    billing_supervisor = user_make(
        Role.SUPERVISOR, department=billing_department, username="billing-supervisor"
    )
    user_make(Role.SUPERVISOR, department=billing_department, username="gone", is_active=False)
    for_handler = escalation_recipients(complaint=complaint, raised_by=handler)
    assert [u.username for u in for_handler] == [
        "supervisor",
        "supervisor2",
        "manager",
        "administrator",
    ]
    # A supervisor goes to a complaints manager or an administrator, not to a peer.
    for_supervisor = escalation_recipients(complaint=complaint, raised_by=supervisor)
    assert [u.username for u in for_supervisor] == ["manager", "administrator"]

    with pytest.raises(InvalidInput, match="billing-supervisor cannot decide") as refused:
        escalate(complaint, handler, billing_supervisor)
    assert refused.value.field == "to"
    with pytest.raises(InvalidInput, match="to yourself"):
        escalate(complaint, supervisor, supervisor)


def test_a_complaints_manager_above_the_supervisor_may_decide(
    complaint, handler, supervisor, manager
):
    escalation = escalate(complaint, handler, supervisor)
    decided = escalation_decide(
        escalation=escalation, actor=manager, decision="take_over", note="由投诉经理接手"
    )
    complaint.refresh_from_db()
    assert (decided.decided_by, complaint.assignee) == (manager, manager)


def test_the_waiting_list_holds_what_went_to_me(complaint, agent, handler, supervisor):
    other = handled_complaint(agent, handler)
    waiting = escalate(complaint, handler, supervisor)
    done = escalate(other, handler, supervisor)
    escalation_decide(escalation=done, actor=supervisor, decision="approved", note="同意")
    assert list(escalations_sent_to(user=supervisor, status="open")) == [waiting]
    assert list(escalations_sent_to(user=supervisor)) == [waiting, done]
    assert list(escalations_sent_to(user=handler, status="open")) == []
    with pytest.raises(InvalidInput) as refused:
        escalations_sent_to(user=supervisor, status="pending")
    assert refused.value.field == "status"


def test_someone_who_cannot_see_the_complaint_does_not_see_its_escalations(
    complaint, handler, supervisor, other_department_handler
):
    escalation = escalate(complaint, handler, supervisor)
    assert list(escalations_of(user=other_department_handler, complaint=complaint)) == []
    with pytest.raises(NotFound):
        escalation_get(
            user=other_department_handler, complaint=complaint, escalation_id=escalation.pk
        )


def test_the_timeline_says_the_sentence_again_from_the_data_and_keeps_the_words(
    complaint, handler, supervisor
):
    escalate(complaint, handler, supervisor, reason="higher_level")
    event = complaint.events.get(kind=EventKind.ESCALATION_RAISED)
    # As if written in another language: the reader's sentence comes from the data.
    said = event_note_for_reader(kind=event.kind, after=event.after, note=f"升级至主管。\n\n{WHY}")
    assert said == f"Escalated to supervisor: The customer asks for a higher level.\n\n{WHY}"
    # An event without the data keeps its stored note.
    assert event_note_for_reader(kind=event.kind, after={}, note="旧记录") is None


def test_the_admin_shows_a_complaints_escalations_read_only(
    complaint, handler, supervisor, administrator, client
):
    escalation = escalate(complaint, handler, supervisor)
    client.force_login(administrator)
    page = client.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "escalation_set" not in content and "escalations-0" in content
    assert 'name="escalations-0-status"' not in content  # shown, not editable
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.OPEN


def test_an_escalation_waiting_when_the_complaint_finishes_is_withdrawn_and_said_so(
    agent, complaint, handler, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    supervisor.email = "supervisor@example.com"
    supervisor.save()
    escalation = escalate(complaint, handler, supervisor)
    earlier = complaint_make(actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(
            complaint=complaint, action="merge", actor=handler, params={"into": earlier}
        )
    escalation.refresh_from_db()
    assert escalation.status == EscalationStatus.WITHDRAWN
    assert escalation.withdrawn_by == handler
    event = complaint.events.get(kind=EventKind.ESCALATION_WITHDRAWN)
    assert event.after["finished"] == Status.MERGED
    shown = event_note_for_reader(kind=event.kind, after=event.after, note=event.note)
    assert shown is not None and "was withdrawn: the complaint is Merged" in shown
    assert [mail.to for mail in mailoutbox][-1] == ["supervisor@example.com"]
    assert not Escalation.objects.filter(status=EscalationStatus.OPEN).exists()
