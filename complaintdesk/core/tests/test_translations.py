"""The Simplified Chinese catalogue: complete, compiled, and used by the code and the web UI.

The project catalogue (complaintdesk/locale) covers every app without a locale directory of
its own; handling, remedies and surveys keep their own catalogues.
"""

from __future__ import annotations

import ast
import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from complaintdesk.accounts.choices import Role
from complaintdesk.complaints.choices import Channel, Status
from complaintdesk.complaints.errors import TransitionNotAllowed
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.notifications.choices import NoticePurpose
from complaintdesk.web.forms import ComplaintFilterForm

PROJECT_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
APP_POS = sorted(Path(settings.BASE_DIR).glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%[sd]|%%")
KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def po_entries(path: Path) -> list[dict[str, str]]:
    """Parse a .po file: one dict per entry, keyed msgid/msgid_plural/msgstr[n], plus flags."""
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    key = ""
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, ""
            continue
        if line.startswith("#,"):
            entry["flags"] = entry.get("flags", "") + line[2:]
        elif line.startswith("#"):
            continue
        elif match := KEYWORD.match(line):
            key = match.group(1)
            if key == "msgstr":
                key = "msgstr[0]"
            entry[key] = ast.literal_eval(match.group(2))
        else:
            assert line.startswith('"') and key, f"{path}: cannot read {raw!r}"
            entry[key] += ast.literal_eval(line)
    return entries


@pytest.mark.parametrize("path", [PROJECT_PO, *APP_POS], ids=lambda p: str(p.parent.parent.parent))
def test_catalogue_is_complete_and_compiled(path: Path) -> None:
    entries = po_entries(path)
    header, messages = entries[0], entries[1:]
    assert header["msgid"] == "" and "Plural-Forms: nplurals=1; plural=0;" in header["msgstr[0]"]
    assert len(messages) > 100
    untranslated = [
        e["msgid"] for e in messages if any(v == "" for k, v in e.items() if k.startswith("msgstr"))
    ]
    fuzzy = [e["msgid"] for e in [header, *messages] if "fuzzy" in e.get("flags", "")]
    assert untranslated == []
    assert fuzzy == []
    for e in messages:
        for key, text in e.items():
            if key.startswith("msgstr"):
                source = e["msgid_plural"] if key != "msgstr[0]" else e["msgid"]
                wanted = sorted(PLACEHOLDER.findall(source))
                assert sorted(PLACEHOLDER.findall(text)) == wanted, e["msgid"]
    # The runtime reads the committed .mo (no gettext tools needed): it must match the .po.
    with path.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext_module.GNUTranslations(compiled)
    for e in messages:
        if "msgid_plural" in e:
            assert catalogue.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr[0]"]
        else:
            assert catalogue.gettext(e["msgid"]) == e["msgstr[0]"], e["msgid"]


def test_project_catalogue_covers_the_apps_without_their_own() -> None:
    references = " ".join(
        line for line in PROJECT_PO.read_text(encoding="utf-8").splitlines() if line[:2] == "#:"
    )
    for where in ("accounts/", "complaints/", "notifications/", "routing/", "triage/", "web/"):
        assert f"complaintdesk/{where}" in references
    assert "templates/web/login.html" in references


def test_labels_and_messages_from_different_apps_translate() -> None:
    with translation.override("zh-hans"):
        assert str(Status.AWAITING_APPROVAL.label) == "待审批"
        assert str(Status.CLOSED.label) == "已关闭"
        assert str(Channel.HOTLINE.label) == "热线电话"
        assert str(NoticePurpose.ACKNOWLEDGEMENT.label) == "受理回执"
        assert str(NoticePurpose.SURVEY.label) == "满意度调查邀请"
        assert str(Role.SUPERVISOR.label) == "主管"
        assert gettext("Log in") == "登录"
        assert gettext("Back to the complaint list") == "返回投诉列表"
        assert str(ComplaintFilterForm.base_fields["q"].label) == "搜索"
        assert (
            ngettext("%(counter)s complaint", "%(counter)s complaints", 3) % {"counter": 3}
            == "3 件投诉"
        )
        # The app catalogues still answer for their own strings.
        assert gettext("Follow-up visits due") == "待回访"
    with translation.override("en"):
        assert str(Status.AWAITING_APPROVAL.label) == "Awaiting approval"


@pytest.mark.django_db
def test_a_lifecycle_error_speaks_chinese(agent) -> None:
    complaint = complaint_make(actor=agent)
    assert complaint.status == Status.REGISTERED
    with translation.override("zh-hans"), pytest.raises(TransitionNotAllowed) as refused:
        complaint_transition(complaint=complaint, action="close", actor=agent)
    assert "状态为“已登记”的投诉不能执行" in refused.value.message


@pytest.mark.django_db
def test_login_page_in_chinese_by_accept_language_and_by_cookie() -> None:
    by_header = Client().get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="zh-Hans,zh;q=0.9")
    assert by_header.status_code == 200
    page = by_header.content.decode()
    assert 'lang="zh-hans"' in page
    assert "登录 complaintdesk" in page and "用户名" in page and "密码" in page

    client = Client(headers={"accept-language": "en"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "用户名" in client.get(reverse("web:login")).content.decode()

    english = Client().get(reverse("web:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in to complaintdesk" in english and "用户名" not in english


def test_a_department_is_named_in_the_pages_language(db) -> None:
    from complaintdesk.core.testing.factories import department_make

    department = department_make("network-ops")
    department.name, department.name_zh = "Network operations", "网络运维部"
    with translation.override("zh-hans"):
        assert str(department) == "网络运维部"
    with translation.override("en"):
        assert str(department) == "Network operations"
    department.name_zh = ""
    with translation.override("zh-hans"):
        assert str(department) == "Network operations"
