"""The registration message's expected handling time ends with one full stop, also when the
English time format itself ends in "a.m." or "p.m."."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.web.views.intake import _after_registration

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("hour", [10, 17])
def test_an_english_time_ending_in_am_or_pm_gets_no_second_full_stop(agent, hour):
    complaint = complaint_make(actor=agent)
    complaint.resolution_due_at = datetime(2026, 11, 20, hour, 30, tzinfo=SHANGHAI)
    with translation.override("en"):
        message, _page = _after_registration(complaint, agent)
    assert ".m.." not in message
    time = "10:30 a.m." if hour < 12 else "5:30 p.m."
    assert f"Expected handling by Nov. 20, 2026, {time} " in message + " "


def test_the_chinese_sentence_keeps_its_own_full_stop(agent):
    complaint = complaint_make(actor=agent)
    complaint.resolution_due_at = datetime(2026, 11, 20, 17, 30, tzinfo=SHANGHAI)
    with translation.override("zh-hans"):
        message, _page = _after_registration(complaint, agent)
    assert "2026年11月20日 17:30 前处理完毕。" in message
    assert "。。" not in message and ".。" not in message
