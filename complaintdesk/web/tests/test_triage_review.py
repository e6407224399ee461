"""The triage panel on the detail page: why the labels were predicted, how to handle the
customer, and the agent's review (accept or correct every label in one submit)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.triage.models import TriageCorrection
from complaintdesk.triage.services import complaint_current_labels
from complaintdesk.triage.taxonomy import taxonomy_load_preset
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db

ANGRY = "宽带断了三天,打了五次客服没人管!再不修好我就找媒体曝光,还要你们赔偿!"


@pytest.fixture(autouse=True)
def telecom_taxonomy(db: None) -> None:
    taxonomy_load_preset("telecom")


def review_url(complaint: Complaint) -> str:
    return reverse("web:complaint_triage", args=[complaint.tracking_number])


def test_detail_page_shows_why_how_to_handle_and_the_review_link(agent) -> None:
    complaint = complaint_make(actor=agent, description=ANGRY)
    content = (
        client_for(agent)
        .get(reverse("web:complaint_detail", args=[complaint.tracking_number]))
        .content.decode()
    )
    # The words that drove a label, with their lexicon entry as the tooltip.
    assert "Why" in content and 'title="crisis.media">媒体/曝光<' in content
    # Shape cues read as words.
    assert "exclamation marks</span>" in content and "shape:" not in content
    assert "How to handle" in content
    guidance = complaint.triage_result["guidance"]
    assert guidance["say_first"] in content
    assert review_url(complaint) in content


def test_the_auditor_gets_no_review_link(agent, auditor) -> None:
    complaint = complaint_make(actor=agent, description=ANGRY)
    content = (
        client_for(auditor)
        .get(reverse("web:complaint_detail", args=[complaint.tracking_number]))
        .content.decode()
    )
    assert review_url(complaint) not in content


def test_the_review_form_opens_with_the_current_labels(agent) -> None:
    complaint = complaint_make(actor=agent, description=ANGRY)
    response = client_for(agent).get(review_url(complaint), **HTMX)
    assert response.status_code == 200
    content = response.content.decode()
    assert "data-triage-form" in content and "<html" not in content
    current = complaint_current_labels(complaint)
    assert f'value="{current["emotion"]}" selected' in content


def test_one_submit_accepts_the_unchanged_labels_and_corrects_the_changed_one(agent) -> None:
    complaint = complaint_make(actor=agent, description=ANGRY)
    current = complaint_current_labels(complaint)
    corrected_motive = "respect" if current["motive"] != "respect" else "vent"
    posted = {**current, "motive": corrected_motive}
    response = client_for(agent).post(review_url(complaint), posted, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].endswith(f"/complaints/{complaint.tracking_number}/")
    complaint.refresh_from_db()
    assert complaint.motive == corrected_motive
    corrections = TriageCorrection.objects.filter(complaint=complaint)
    assert corrections.count() == 6
    motive = corrections.get(head="motive")
    assert (motive.accepted, motive.corrected, motive.actor) == (False, corrected_motive, agent)
    assert corrections.filter(accepted=True).count() == 5
    assert complaint.events.filter(kind=EventKind.TRIAGE_CORRECTED).count() == 1


def test_a_retired_or_unknown_category_is_refused_and_nothing_is_stored(agent) -> None:
    complaint = complaint_make(actor=agent, description=ANGRY)
    current = complaint_current_labels(complaint)
    posted = {**current, "category": "no-such-category", "emotion": "neutral"}
    response = client_for(agent).post(review_url(complaint), posted, **HTMX)
    assert response.status_code == 422
    assert "no-such-category" in response.content.decode()
    assert not TriageCorrection.objects.filter(complaint=complaint).exists()
    complaint.refresh_from_db()
    assert complaint.emotion == current["emotion"]


def test_the_auditor_posting_a_review_is_refused(agent, auditor) -> None:
    complaint = complaint_make(actor=agent, description=ANGRY)
    posted = complaint_current_labels(complaint)
    response = client_for(auditor).post(review_url(complaint), posted)
    assert response.status_code == 403
    assert "may not review triage" in response.content.decode()
    assert not TriageCorrection.objects.filter(complaint=complaint).exists()


def test_an_intake_agent_cannot_review_the_triage_of_a_complaint_a_handler_works_on(
    agent, handler
) -> None:
    complaint = complaint_make(actor=agent, description=ANGRY)
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    detail = reverse("web:complaint_detail", args=[complaint.tracking_number])
    assert "data-triage-review" not in client_for(agent).get(detail).content.decode()
    assert "data-triage-review" in client_for(handler).get(detail).content.decode()
    posted = {**complaint_current_labels(complaint), "nature": "major"}
    response = client_for(agent).post(review_url(complaint), posted)
    assert response.status_code == 403
    assert "handler handles this complaint" in response.content.decode()
    assert not TriageCorrection.objects.filter(complaint=complaint).exists()
