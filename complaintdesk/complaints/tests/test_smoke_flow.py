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
    kinds = list(complaint.events.values_list("kind", "to_status"))
    assert kinds == [
        (EventKind.CREATED, ""),
        (EventKind.TRANSITION, Status.REGISTERED),
        (EventKind.TRANSITION, Status.ASSIGNED),
        (EventKind.TRANSITION, Status.IN_PROGRESS),
        (EventKind.TRANSITION, Status.RESOLVED),
        (EventKind.TRANSITION, Status.CLOSED),
    ]
