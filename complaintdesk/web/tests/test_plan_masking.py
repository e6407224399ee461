"""Plans, attachments and similar complaints quote the customer: analysts read them masked in
the plan panel and the API, handlers in full."""

from __future__ import annotations

import io

import pytest

from complaintdesk.api.tests.test_complaints_api import api_client
from complaintdesk.complaints.services import attachment_add
from complaintdesk.handling.plans import plan_create
from complaintdesk.handling.tests.support import handled_complaint, plan_content
from complaintdesk.web.tests.helpers import HTMX, client_for
from complaintdesk.web.tests.test_plan_views import plans_url

pytestmark = pytest.mark.django_db

MEASURES = "给张伟回电(13812345678),减免当月月租。"


class _Upload(io.BytesIO):
    name = "张伟_发票.jpg"


@pytest.fixture
def planned(agent, handler):
    complaint = handled_complaint(agent, handler, customer_name="张伟")
    plan_create(
        complaint=complaint,
        actor=handler,
        content=plan_content(handler, measures=MEASURES, risks="张伟白天不在家。"),
    )
    attachment_add(
        complaint=complaint,
        upload=_Upload(b"\xff\xd8\xff\xe0" + b"\x00" * 64),
        name=_Upload.name,
        actor=handler,
    )
    return complaint


def test_the_plan_panel_masks_the_customer_for_an_analyst(planned, analyst, handler):
    masked = client_for(analyst).get(plans_url(planned), **HTMX).content.decode()
    assert "张伟" not in masked and "13812345678" not in masked
    assert "给张**回电" in masked and "张**白天不在家" in masked
    full = client_for(handler).get(plans_url(planned), **HTMX).content.decode()
    assert MEASURES in full and "张伟白天不在家" in full


def test_the_plans_api_masks_the_customer_for_an_analyst(planned, analyst, handler):
    url = f"/api/complaints/{planned.tracking_number}/plans"
    [plan] = api_client(analyst).get(url).json()
    assert plan["measures"] == "给张**回电([PHONE]),减免当月月租。"
    assert plan["risks"] == "张**白天不在家。"
    [full] = api_client(handler).get(url).json()
    assert full["measures"] == MEASURES


def test_the_attachment_list_masks_the_customer_for_an_analyst(planned, analyst, handler):
    url = f"/api/complaints/{planned.tracking_number}/attachments"
    assert [a["original_name"] for a in api_client(analyst).get(url).json()] == ["张**_发票.jpg"]
    assert [a["original_name"] for a in api_client(handler).get(url).json()] == [_Upload.name]
