"""The responsibility determination panel: a determination is proposed, reviewed by someone
other than its proposer (who sees who proposed what), confirmed or sent back, and revised from
a form filled in with the proposal; refusals are shown in the form and nothing is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.services import complaint_add_note
from complaintdesk.handling.choices import DeterminationStatus
from complaintdesk.handling.models import Determination
from complaintdesk.handling.responsibility import determination_propose, determination_review
from complaintdesk.handling.tests.support import handled_complaint
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db

FACTS = "装维人员未按约定时间上门,客户请假两天。"


def panel_url(complaint: Complaint) -> str:
    return reverse("web:complaint_responsibility", args=[complaint.tracking_number])


def propose_url(complaint: Complaint) -> str:
    return reverse("web:determination_propose", args=[complaint.tracking_number])


def review_url(complaint: Complaint, determination: Determination, decision: str) -> str:
    return reverse(
        "web:determination_review", args=[complaint.tracking_number, determination.pk, decision]
    )


def proposed(complaint: Complaint, actor, **fields: object) -> Determination:
    values: dict[str, object] = {
        "party": "company",
        "reason": "staff_broke_rules",
        "facts": FACTS,
        **fields,
    }
    return determination_propose(complaint=complaint, actor=actor, **values)


def test_the_detail_page_loads_the_responsibility_panel(agent, handler):
    complaint = handled_complaint(agent, handler)
    page = client_for(handler).get(
        reverse("web:complaint_detail", args=[complaint.tracking_number])
    )
    assert f'hx-get="{panel_url(complaint)}"' in page.content.decode()


def test_a_handler_proposes_a_determination_citing_a_note(agent, handler):
    complaint = handled_complaint(agent, handler)
    note = complaint_add_note(complaint=complaint, actor=handler, text="已调取派单记录")
    client = client_for(handler)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-determination-form="propose"' in panel
    assert "已调取派单记录" in panel  # offered as evidence to cite

    response = client.post(
        propose_url(complaint),
        {"reason": "staff_broke_rules", "facts": FACTS, "notes": [str(note.pk)]},
        **HTMX,
    )
    assert response.status_code == 200, response.content.decode()
    assert response["HX-Trigger"] == "timeline-changed"
    determination = complaint.determinations.get()
    assert (determination.party, determination.reason, determination.status) == (
        "company",
        "staff_broke_rules",
        DeterminationStatus.IN_REVIEW,
    )
    assert list(determination.evidence_notes.all()) == [note]
    shown = response.content.decode()
    # The proposer waits: no review form for them, and no second proposal either.
    assert "data-waiting-review" in shown
    assert 'data-determination-form="review"' not in shown
    assert 'data-determination-form="propose"' not in shown


def test_a_proposal_without_facts_is_refused_and_nothing_is_stored(agent, handler):
    complaint = handled_complaint(agent, handler)
    response = client_for(handler).post(
        propose_url(complaint), {"reason": "service_defect", "facts": "  "}, **HTMX
    )
    assert response.status_code == 422
    assert 'data-determination-form="propose"' in response.content.decode()
    assert "This field is required." in response.content.decode()
    assert not Determination.objects.exists()


def test_a_second_proposal_while_one_is_in_review_is_refused_with_the_reason(
    agent, handler, supervisor
):
    complaint = handled_complaint(agent, handler)
    proposed(complaint, handler)
    response = client_for(supervisor).post(
        propose_url(complaint), {"reason": "explained", "facts": "客户误解资费"}, **HTMX
    )
    assert response.status_code == 409
    assert "already has a determination in progress" in response.content.decode()
    assert Determination.objects.count() == 1


def test_the_reviewer_sees_who_proposed_what_and_confirms_it(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    determination = proposed(complaint, handler)
    client = client_for(supervisor)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-determination-form="review"' in panel
    assert "handler proposes: Company responsible — Staff broke the service rules." in panel
    assert FACTS in panel

    response = client.post(
        review_url(complaint, determination, "confirm"), {"note": "核实属实"}, **HTMX
    )
    assert response.status_code == 200
    determination.refresh_from_db()
    assert (determination.status, determination.reviewed_by) == (
        DeterminationStatus.REVIEWED,
        supervisor,
    )


def test_the_proposer_cannot_review_their_own_determination(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    determination = proposed(complaint, supervisor)
    client = client_for(supervisor)
    assert 'data-determination-form="review"' not in (
        client.get(panel_url(complaint), **HTMX).content.decode()
    )
    response = client.post(review_url(complaint, determination, "confirm"), {}, **HTMX)
    assert response.status_code == 403
    assert "reviewed by someone other than its proposer" in response.content.decode()
    determination.refresh_from_db()
    assert determination.status == DeterminationStatus.IN_REVIEW


def test_sending_back_needs_a_reason_and_the_revision_starts_from_the_proposal(
    agent, handler, supervisor
):
    complaint = handled_complaint(agent, handler)
    determination = proposed(complaint, handler, outlet="城东营业厅")
    client = client_for(supervisor)
    without = client.post(review_url(complaint, determination, "send_back"), {}, **HTMX)
    assert without.status_code == 422
    assert "Say why the determination is sent back." in without.content.decode()
    determination.refresh_from_db()
    assert determination.status == DeterminationStatus.IN_REVIEW

    sent_back = client.post(
        review_url(complaint, determination, "send_back"), {"note": "缺少派单记录"}, **HTMX
    )
    assert sent_back.status_code == 200
    determination.refresh_from_db()
    assert determination.status == DeterminationStatus.DRAFT

    panel = client_for(handler).get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-determination-form="revise"' in panel
    assert "缺少派单记录" in panel  # why it came back
    assert '<option value="staff_broke_rules" selected>' in panel
    assert FACTS in panel and 'value="城东营业厅"' in panel
    revised = client_for(handler).post(
        reverse("web:determination_revise", args=[complaint.tracking_number, determination.pk]),
        {"reason": "staff_broke_rules", "facts": FACTS + "已补充派单记录。"},
        **HTMX,
    )
    assert revised.status_code == 200, revised.content.decode()
    determination.refresh_from_db()
    assert determination.status == DeterminationStatus.IN_REVIEW
    assert determination.facts.endswith("已补充派单记录。")


def test_an_analyst_reads_the_panel_masked_and_cannot_use_it(agent, handler, analyst):
    complaint = handled_complaint(agent, handler, customer_name="张伟")
    determination = proposed(complaint, handler, facts="张伟称装维人员未上门。")
    client = client_for(analyst)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert "张伟" not in panel and "张**称装维人员未上门" in panel
    assert "<form" not in panel
    posted = client.post(review_url(complaint, determination, "confirm"), {}, **HTMX)
    assert posted.status_code == 403
    determination.refresh_from_db()
    assert determination.status == DeterminationStatus.IN_REVIEW


def test_an_agent_may_propose_but_not_review(agent, handler):
    complaint = handled_complaint(agent, handler)
    client = client_for(agent)
    assert 'data-determination-form="propose"' in (
        client.get(panel_url(complaint), **HTMX).content.decode()
    )
    determination = proposed(complaint, handler)
    panel = client.get(panel_url(complaint), **HTMX).content.decode()
    assert 'data-determination-form="review"' not in panel
    refused = client.post(review_url(complaint, determination, "confirm"), {}, **HTMX)
    assert refused.status_code == 403
    assert "Your role may not review responsibility determinations." in (refused.content.decode())


def test_a_handler_of_another_department_can_neither_see_nor_post(
    agent, handler, supervisor, other_department_handler
):
    complaint = handled_complaint(agent, handler)
    determination = proposed(complaint, handler)
    client = client_for(other_department_handler)
    assert client.get(panel_url(complaint), **HTMX).status_code == 404
    assert client.post(review_url(complaint, determination, "confirm"), **HTMX).status_code == 404
    determination_review(determination=determination, actor=supervisor, approve=True)
    assert (
        client.post(propose_url(complaint), {"reason": "explained", "facts": "x"}).status_code
        == 404
    )
    assert Determination.objects.count() == 1


def test_without_javascript_a_review_returns_to_the_complaint(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    determination = proposed(complaint, handler)
    client = client_for(supervisor)
    page = client.get(panel_url(complaint))
    assert "<html" in page.content.decode() and 'id="responsibility"' in page.content.decode()
    done = client.post(review_url(complaint, determination, "confirm"), {"note": "同意"})
    assert done.status_code == 303
    assert done["Location"] == reverse("web:complaint_detail", args=[complaint.tracking_number])
