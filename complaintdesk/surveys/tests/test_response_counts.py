"""Survey response counts over a period: both bounds inclusive, a reversed period refused."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from complaintdesk.api.tests.test_complaints_api import api_client
from complaintdesk.surveys.models import Survey
from complaintdesk.surveys.tests.helpers import resolved_complaint

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/surveys/response-counts"


@pytest.fixture
def survey_sent_on_20_november(agent, handler) -> Survey:
    complaint = resolved_complaint(agent=agent, handler=handler)
    survey = Survey.objects.get(complaint=complaint)
    survey.sent_at = datetime(2026, 11, 20, 17, 30, tzinfo=SHANGHAI)
    survey.save(update_fields=["sent_at"])
    return survey


def test_a_one_day_period_counts_the_surveys_sent_that_day(survey_sent_on_20_november, analyst):
    client = api_client(analyst)
    day = client.get(URL, {"sent_from": "2026-11-20", "sent_to": "2026-11-20"})
    assert day.status_code == 200, day.content
    assert day.json()["sent"] == 1
    assert client.get(URL, {"sent_to": "2026-11-20"}).json()["sent"] == 1
    assert client.get(URL, {"sent_from": "2026-11-21"}).json()["sent"] == 0
    assert client.get(URL, {"sent_to": "2026-11-19"}).json()["sent"] == 0


def test_a_time_bound_includes_that_instant(survey_sent_on_20_november, analyst):
    client = api_client(analyst)
    at = "2026-11-20T17:30:00+08:00"
    assert client.get(URL, {"sent_from": at, "sent_to": at}).json()["sent"] == 1
    earlier = "2026-11-20T17:29:59+08:00"
    assert client.get(URL, {"sent_to": earlier}).json()["sent"] == 0


def test_a_reversed_period_is_refused_with_a_message(analyst):
    response = api_client(analyst).get(URL, {"sent_from": "2026-11-21", "sent_to": "2026-11-20"})
    assert response.status_code == 422
    assert response.json()["field"] == "sent_from"
    assert "2026-11-21" in response.json()["detail"]
    assert "after" in response.json()["detail"]
