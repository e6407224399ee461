"""The list search's folded text: written at intake, filled in for complaints stored before
it existed, and read by the one selector the API and the web list share."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import ComplaintFilters, complaint_list, search_text_of
from complaintdesk.core.testing.factories import complaint_make

pytestmark = pytest.mark.django_db

TRADITIONAL = "家裡的網絡每天晚上斷線，寬帶測速只有２兆。"


def test_intake_stores_the_text_folded_to_simplified_half_width_lower_case(agent):
    complaint = complaint_make(actor=agent, description=TRADITIONAL, subject="ＡＤＳＬ斷線")
    assert complaint.search_text == "adsl断线 家里的网络每天晚上断线,宽带测速只有2兆."
    assert complaint.search_text == search_text_of(complaint.subject, complaint.description)


@pytest.mark.parametrize("query", ["网络", "網絡", "宽带测速", "ADSL"])
def test_the_list_selector_finds_either_script(agent, query):
    found = complaint_make(actor=agent, description=TRADITIONAL, subject="ＡＤＳＬ斷線")
    complaint_make(actor=agent, description="营业厅员工态度很差。")
    listed = complaint_list(user=agent, filters=ComplaintFilters(text=query))
    assert list(listed) == [found]


def test_the_migration_folds_the_complaints_already_stored(agent):
    complaint = complaint_make(actor=agent, description=TRADITIONAL)
    Complaint.objects.filter(pk=complaint.pk).update(search_text="")
    migration = importlib.import_module(
        "complaintdesk.complaints.migrations.0010_complaint_search_text"
    )
    migration.fold_stored(apps, None)
    complaint.refresh_from_db()
    assert complaint.search_text == search_text_of(complaint.subject, complaint.description)
    assert "网络" in complaint.search_text
