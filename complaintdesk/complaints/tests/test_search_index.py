"""The list search's folded text: written at intake, filled in for complaints stored before
it existed, and read by the one selector the API and the web list share."""

from __future__ import annotations

import importlib

import opencc
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


# The same complaint in Taiwan and in mainland wording.
TAIWAN = "家裡的寬頻每晚斷線，軟體也無法更新，收不到簡訊，行動電話訊號很差，數據機燈號異常。"
MAINLAND = "家里的宽带每晚断线，软件也无法更新，收不到短信，移动电话信号很差，调制解调器灯号异常。"
BOTH = {"taiwan", "mainland"}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # Whole words, either wording, either script.
        ("寬頻", BOTH),
        ("宽带", BOTH),
        ("宽频", {"taiwan"}),
        ("軟體", BOTH),
        ("软件", BOTH),
        ("簡訊", BOTH),
        ("短信", BOTH),
        ("行動電話", BOTH),
        ("移动电话", BOTH),
        ("數據機", BOTH),
        ("调制解调器", BOTH),
        ("数据机", {"taiwan"}),
        # Pieces of a converted word: the Taiwan text keeps its own wording too.
        ("寬", BOTH),
        ("頻", {"taiwan"}),
        ("频", {"taiwan"}),
        ("带", BOTH),
        ("體", {"taiwan"}),
        ("件", BOTH),
        ("訊", {"taiwan"}),
        ("信", BOTH),
        ("行动", {"taiwan"}),
        ("移动", BOTH),
        ("调制", BOTH),
        ("數據", {"taiwan"}),
        # Phrases across converted words.
        ("寬頻每晚斷線", BOTH),
        ("宽带每晚断线", BOTH),
        ("收不到短信", BOTH),
        ("移动电话信号", BOTH),
        ("营业厅", {"other"}),
    ],
)
def test_the_list_search_finds_taiwan_and_mainland_wording_either_way(agent, query, found):
    complaints = {
        "taiwan": complaint_make(actor=agent, description=TAIWAN),
        "mainland": complaint_make(actor=agent, description=MAINLAND),
        "other": complaint_make(actor=agent, description="营业厅员工态度很差。"),
    }
    listed = set(complaint_list(user=agent, filters=ComplaintFilters(text=query)))
    assert listed == {complaints[name] for name in found}


def test_a_traditional_text_keeps_its_own_fold_first_and_adds_the_mainland_wording(agent):
    complaint = complaint_make(actor=agent, description=TAIWAN, subject="寬頻斷線")
    plain, *regional = complaint.search_text.split("\n")
    assert (
        plain
        == "宽频断线 家里的宽频每晚断线,软体也无法更新,收不到简讯,行动电话讯号很差,数据机灯号异常."
    )
    assert "宽带断线 家里的宽带每晚断线,软件也无法更新,收不到短信,移动电话信号很差," in regional[0]


def test_a_simplified_text_is_stored_as_before(agent):
    complaint = complaint_make(
        actor=agent, subject="应用闪退", description="应用程序一直闪退,办理程序太繁琐。"
    )
    assert complaint.search_text == "应用闪退 应用程序一直闪退,办理程序太繁琐."


def test_mainland_words_are_not_read_as_taiwan_wording(agent):
    # In Taiwan 程序 is a computer process (进程); in a mainland text it is a procedure.
    procedure = complaint_make(actor=agent, description="办理程序太繁琐,等了三天。")
    progress = complaint_make(actor=agent, description="投诉的处理进程一直没有更新。")
    assert list(complaint_list(user=agent, filters=ComplaintFilters(text="程序"))) == [procedure]
    assert list(complaint_list(user=agent, filters=ComplaintFilters(text="进程"))) == [progress]


def test_a_taiwan_word_in_traditional_script_finds_the_mainland_word(agent):
    app = complaint_make(actor=agent, description="应用程序一直闪退。")
    taiwan = complaint_make(actor=agent, description="應用程式一直閃退。")
    listed = complaint_list(user=agent, filters=ComplaintFilters(text="應用程式"))
    assert set(listed) == {app, taiwan}


def test_folding_creates_no_converter(monkeypatch):
    # Converters load dictionaries: made once at import, not for each complaint or query.
    def refuse(config: str) -> None:
        raise AssertionError(f"OpenCC({config!r}) made while folding")

    monkeypatch.setattr(opencc, "OpenCC", refuse)
    assert search_text_of("寬頻斷線", TAIWAN).count("\n") == 2


def test_the_regional_migration_refolds_the_complaints_already_stored(agent):
    taiwan = complaint_make(actor=agent, description=TAIWAN)
    mainland = complaint_make(actor=agent, description=MAINLAND)
    # As the fold of migration 0010 left them: one form.
    for complaint in (taiwan, mainland):
        Complaint.objects.filter(pk=complaint.pk).update(
            search_text=complaint.search_text.split("\n")[0]
        )
    migration = importlib.import_module(
        "complaintdesk.complaints.migrations.0012_search_text_regional_wording"
    )
    migration.refold_stored(apps, None)
    for complaint in (taiwan, mainland):
        complaint.refresh_from_db()
        assert complaint.search_text == search_text_of(complaint.subject, complaint.description)
    assert "宽带" in taiwan.search_text
    listed = complaint_list(user=agent, filters=ComplaintFilters(text="短信"))
    assert set(listed) == {taiwan, mainland}
