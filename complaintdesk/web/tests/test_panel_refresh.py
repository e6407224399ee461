"""Panels of the detail page stay current after an action taken in another panel: a change of
status reloads the page (HX-Redirect, as after any lifecycle action), a new timeline event
makes the activity panel reload itself (HX-Trigger: timeline-changed), and what a panel
shows follows the labels as corrected."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.surveys.rejection import rejection_propose
from complaintdesk.surveys.tests.helpers import resolved_complaint
from complaintdesk.triage.engine import guidance_for
from complaintdesk.triage.services import complaint_current_labels
from complaintdesk.triage.taxonomy import taxonomy_load_preset
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db


def detail_url(complaint: Complaint) -> str:
    return reverse("web:complaint_detail", args=[complaint.tracking_number])


def _due_visit(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    complaint_transition(complaint=complaint, action="close", actor=handler)
    return complaint, complaint.follow_up_visits.order_by("due_at").first()


def test_a_follow_up_that_reopens_the_complaint_reloads_the_page(agent, handler):
    complaint, visit = _due_visit(agent, handler)
    with clock.travel_to(clock.now() + timedelta(days=8)):
        response = client_for(handler).post(
            reverse("surveys:visit_outcome", args=[visit.pk]),
            {"reached": "yes", "problem_returned": "yes", "note": "又断了"},
            **HTMX,
        )
    assert response.status_code == 200
    # The status badge and the actions in the page head change with the reopening.
    assert response["HX-Redirect"] == detail_url(complaint)
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED
    page = client_for(handler).get(detail_url(complaint)).content.decode()
    assert f"status-{Status.REOPENED}" in page


def test_a_follow_up_that_changes_no_status_refreshes_the_timeline(agent, handler):
    complaint, visit = _due_visit(agent, handler)
    with clock.travel_to(clock.now() + timedelta(days=8)):
        response = client_for(handler).post(
            reverse("surveys:visit_outcome", args=[visit.pk]),
            {"reached": "yes", "problem_returned": "no", "note": "一切正常"},
            **HTMX,
        )
    assert response.status_code == 200
    assert 'id="aftercare"' in response.content.decode()
    assert response["HX-Trigger"] == "timeline-changed"
    assert "HX-Redirect" not in response
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED


def test_sending_a_message_refreshes_the_messages_panel_and_the_timeline(agent):
    complaint = complaint_make(actor=agent)
    url = reverse("notifications:complaint_messages", args=[complaint.tracking_number])
    response = client_for(agent).post(
        url, {"purpose": "progress", "note": "工程师周五上门。"}, **HTMX
    )
    assert response.status_code == 200
    assert 'id="messages"' in response.content.decode()
    assert "Progress and expected time" in response.content.decode()
    assert response["HX-Trigger"] == "timeline-changed"
    # The activity panel listens for that event.
    page = client_for(agent).get(detail_url(complaint)).content.decode()
    assert 'hx-trigger="timeline-changed from:body"' in page


def test_a_triage_correction_reloads_the_page_with_guidance_for_the_corrected_labels(agent):
    taxonomy_load_preset("telecom")
    complaint = complaint_make(
        actor=agent, description="宽带断了三天,打了五次客服没人管!再不修好我就找媒体曝光!"
    )
    current = complaint_current_labels(complaint)
    corrected = "passive" if current["behaviour"] != "passive" else "talker"
    response = client_for(agent).post(
        reverse("web:complaint_triage", args=[complaint.tracking_number]),
        {**current, "behaviour": corrected},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == detail_url(complaint)
    page = client_for(agent).get(detail_url(complaint)).content.decode()
    lang = complaint.triage_result["lang"]
    now_advised = guidance_for(corrected, current["motive"], lang)["say_first"]
    before = guidance_for(current["behaviour"], current["motive"], lang)["say_first"]
    assert now_advised in page
    assert before not in page


def test_the_confirmers_note_on_a_rejection_is_shown(agent, supervisor, second_supervisor):
    complaint = complaint_make(actor=agent)
    rejection_propose(complaint=complaint, actor=supervisor, reason="malicious", note="恶意投诉。")
    response = client_for(second_supervisor).post(
        reverse("web:complaint_action", args=[complaint.tracking_number, "reject"]),
        {"reason": "malicious", "note": "已核对通话录音,同意驳回。"},
        **HTMX,
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.REJECTED
    timeline = client_for(second_supervisor).get(detail_url(complaint)).content.decode()
    assert "已核对通话录音,同意驳回。" in timeline
    aftercare = client_for(second_supervisor).get(
        reverse("surveys:complaint_aftercare", args=[complaint.tracking_number])
    )
    assert "data-review-note>已核对通话录音,同意驳回。" in aftercare.content.decode()
