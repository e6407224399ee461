"""The public survey page (no login, CSRF, no script needed) and the staff's after-care panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from complaintdesk.complaints.choices import Status
from complaintdesk.core import clock
from complaintdesk.customers.models import Customer
from complaintdesk.surveys.choices import SurveyStatus
from complaintdesk.surveys.tests.helpers import resolved_complaint, survey_token

pytestmark = pytest.mark.django_db

ANSWER = {
    "overall": "5",
    "problem_solved": "yes",
    "outcome_fairness": "4",
    "handler_attitude": "5",
    "comment": "谢谢",
}


def url(token: str) -> str:
    return f"/survey/{token}/"


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def post_with_csrf(client: Client, path: str, data: dict[str, str]):
    page = client.get(path)
    token = page.cookies["csrftoken"].value
    return client.post(path, {**data, "csrfmiddlewaretoken": token})


def test_the_page_is_in_chinese_for_a_chinese_speaking_customer(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    response = Client().get(url(survey_token(complaint)))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'lang="zh-hans"' in page
    assert "您的问题解决了吗" in page
    assert complaint.tracking_number in page
    assert 'name="viewport"' in page
    # The rating options too, not only the questions (QA: "1 · Very dissatisfied").
    assert "1 · 非常不满意" in page
    assert "Very dissatisfied" not in page


def test_the_page_is_in_english_for_an_english_speaking_customer(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler, customer_name="Ms Smith")
    Customer.objects.filter(pk=complaint.customer_id).update(preferred_language="en")
    complaint.surveys.all().delete()
    complaint.notices.filter(purpose="survey").delete()
    from complaintdesk.surveys.services import survey_send

    survey_send(complaint=complaint)
    response = Client().get(url(survey_token(complaint)))
    page = response.content.decode()
    assert "Was your problem solved?" in page
    assert "您的问题解决了吗" not in page
    assert "1 · Very dissatisfied" in page
    # The customer may switch language on the page.
    switched = Client().get(url(survey_token(complaint)) + "?lang=zh-hans").content.decode()
    assert "您的问题解决了吗" in switched


def test_the_form_is_plain_html_with_a_csrf_token(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    page = Client().get(url(survey_token(complaint))).content.decode()
    assert 'method="post"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'type="radio"' in page


def test_a_post_without_the_csrf_token_is_refused(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    response = csrf_client().post(url(survey_token(complaint)), ANSWER)
    assert response.status_code == 403
    assert complaint.surveys.get().status == SurveyStatus.SENT


def test_answering_through_the_page_once_then_already_answered(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    token = survey_token(complaint)
    client = csrf_client()
    response = post_with_csrf(client, url(token), ANSWER)
    assert response.status_code == 200
    assert "感谢" in response.content.decode()
    survey = complaint.surveys.get()
    assert (survey.status, survey.overall, survey.outcome_fairness) == ("answered", 5, 4)
    assert survey.procedural_fairness is None
    again = post_with_csrf(client, url(token), {**ANSWER, "overall": "1"})
    assert again.status_code == 409
    assert 'data-closed="answered"' in again.content.decode()
    survey.refresh_from_db()
    assert survey.overall == 5
    assert 'data-closed="answered"' in client.get(url(token)).content.decode()


def test_a_missing_required_answer_is_shown_on_the_form(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    response = post_with_csrf(csrf_client(), url(survey_token(complaint)), {"comment": "x"})
    assert response.status_code == 422
    assert complaint.surveys.get().status == SurveyStatus.SENT


def test_a_dissatisfied_answer_through_the_page_reopens(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    response = post_with_csrf(
        csrf_client(), url(survey_token(complaint)), {"overall": "1", "problem_solved": "no"}
    )
    assert response.status_code == 200
    assert "重新" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED


def test_an_expired_link_says_so(agent, handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    token = survey_token(complaint)
    with clock.travel_to(clock.now() + timedelta(days=15)):
        page = Client().get(url(token)).content.decode()
        posted = post_with_csrf(csrf_client(), url(token), ANSWER)
    assert 'data-closed="expired"' in page
    assert "过期" in page
    assert posted.status_code == 409
    assert complaint.surveys.get().answered_at is None


def test_an_unknown_link_is_not_found(db):
    response = Client().get(url("nothing-here"))
    assert response.status_code == 404


def test_staff_see_the_after_care_panel_and_record_a_visit(agent, handler):
    from complaintdesk.complaints.lifecycle import complaint_transition

    complaint = resolved_complaint(agent=agent, handler=handler)
    complaint_transition(complaint=complaint, action="close", actor=handler)
    client = Client()
    client.force_login(handler)
    panel = client.get(f"/complaints/{complaint.tracking_number}/aftercare/")
    assert panel.status_code == 200
    assert panel.content.decode().count("data-visit=") == 2
    visit = complaint.follow_up_visits.order_by("due_at").first()
    with clock.travel_to(clock.now() + timedelta(days=8)):
        due = client.get("/follow-up-visits/")
        assert f'data-visit="{visit.pk}"' in due.content.decode()
        response = client.post(
            f"/follow-up-visits/{visit.pk}/outcome/",
            {"reached": "yes", "problem_returned": "yes", "note": "又断了"},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.REOPENED


def test_a_handler_of_another_department_gets_no_panel(agent, handler, other_department_handler):
    complaint = resolved_complaint(agent=agent, handler=handler)
    client = Client()
    client.force_login(other_department_handler)
    assert client.get(f"/complaints/{complaint.tracking_number}/aftercare/").status_code == 404
