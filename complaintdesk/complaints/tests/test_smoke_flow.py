import pytest

from complaintdesk.complaints.choices import EventKind, Status
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core.testing.factories import complaint_make


@pytest.mark.django_db
def test_complaint_goes_from_registration_to_closure_with_a_timeline(agent, handler, supervisor):
    complaint = complaint_make(actor=agent)
    assert complaint.status == Status.REGISTERED
    complaint = complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    assert complaint.department_id == handler.department_id
    complaint = complaint_transition(complaint=complaint, action="start", actor=handler)
    complaint = complaint_transition(
        complaint=complaint, action="resolve", actor=handler, note="光猫已更换,网络恢复。"
    )
    complaint = complaint_transition(complaint=complaint, action="close", actor=supervisor)
    assert complaint.status == Status.CLOSED
    # Triage, notices, the survey and the follow-up plan add their own events around these.
    statuses = complaint.events.filter(kind=EventKind.TRANSITION).values_list(
        "to_status", flat=True
    )
    assert complaint.events.first().kind == EventKind.CREATED
    assert list(statuses) == [
        Status.REGISTERED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
        Status.CLOSED,
    ]
    kinds = set(complaint.events.values_list("kind", flat=True))
    assert {EventKind.MESSAGE, EventKind.SURVEY, EventKind.FOLLOW_UP} <= kinds
