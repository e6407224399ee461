"""A role refused an action is told so in one whole sentence per action (QA: "Your role may
not Approve the plan complaints." was built from the action's label)."""

from __future__ import annotations

import pytest

from complaintdesk.complaints.errors import NotAllowed
from complaintdesk.complaints.lifecycle import (
    ROLE_REFUSALS,
    TRANSITIONS_BY_ACTION,
    complaint_transition,
)
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.handling.plans import plan_create, plan_submit
from complaintdesk.handling.tests.support import handled_complaint, plan_content
from complaintdesk.surveys.rejection import rejection_propose

pytestmark = pytest.mark.django_db


def test_every_action_has_its_own_refusal_sentence():
    assert set(ROLE_REFUSALS) == set(TRANSITIONS_BY_ACTION)
    for action, sentence in ROLE_REFUSALS.items():
        text = str(sentence)
        assert text.startswith("Your role may not "), action
        assert text.endswith("."), action
        # The action is said in the sentence's own words, not pasted from its label.
        assert str(TRANSITIONS_BY_ACTION[action].label) not in text, action


def test_a_handler_approving_a_plan_is_refused_in_a_proper_sentence(agent, handler):
    complaint = handled_complaint(agent, handler)
    plan = plan_create(complaint=complaint, actor=handler, content=plan_content(handler))
    plan = plan_submit(plan=plan, actor=handler)
    plan.status = "approved"  # the record the lifecycle asks for, so the role check is reached
    with pytest.raises(NotAllowed) as refused:
        complaint_transition(
            complaint=complaint, action="approve_plan", actor=handler, params={"plan": plan}
        )
    assert refused.value.message == "Your role may not approve handling plans."


def test_a_handler_proposing_a_rejection_is_refused_in_a_proper_sentence(agent, handler):
    complaint = complaint_make(actor=agent)
    with pytest.raises(NotAllowed) as refused:
        rejection_propose(complaint=complaint, actor=handler, reason="invalid", note="恶意投诉。")
    assert refused.value.message == "Your role may not reject complaints as invalid or malicious."
