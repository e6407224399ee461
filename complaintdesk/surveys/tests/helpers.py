"""Set-up shared by the survey tests: a complaint carried to its result, the link sent."""

from __future__ import annotations

import re

from complaintdesk.accounts.models import User
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.surveys.services import SurveyAnswer

LINK = re.compile(r"https?://[^\s]+/survey/([\w-]+)/")

SATISFIED = SurveyAnswer(
    overall=5,
    problem_solved=True,
    outcome_fairness=5,
    procedural_fairness=4,
    interactional_fairness=5,
    handler_attitude=5,
    comment="处理很及时,谢谢。",
)
DISSATISFIED = SurveyAnswer(overall=2, problem_solved=True, comment="补偿太少。")
NOT_SOLVED = SurveyAnswer(overall=4, problem_solved=False)


def resolved_complaint(*, agent: User, handler: User, **fields: object) -> Complaint:
    complaint = complaint_make(actor=agent, **fields)
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    complaint_transition(complaint=complaint, action="start", actor=handler)
    return complaint_transition(
        complaint=complaint, action="resolve", actor=handler, note="已更换光猫,网络恢复正常。"
    )


def survey_token(complaint: Complaint, *, latest: bool = True) -> str:
    """The secret of the link in the survey notice (the newest one by default)."""
    notices = complaint.notices.filter(purpose="survey").order_by("created_at", "id")
    notice = notices.last() if latest else notices.first()
    assert notice is not None, "no survey notice was sent"
    found = LINK.search(notice.body)
    assert found, notice.body
    return found.group(1)
