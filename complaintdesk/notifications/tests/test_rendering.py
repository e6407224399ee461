"""Notice templates: only the service's variables, no lookups, no tags but {% if %}."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from complaintdesk.notifications.choices import NoticePurpose
from complaintdesk.notifications.models import NoticeTemplate
from complaintdesk.notifications.rendering import VARIABLES, template_render, to_traditional

pytestmark = pytest.mark.django_db


def test_a_template_with_an_unknown_variable_is_refused_when_saved():
    template = NoticeTemplate(
        purpose=NoticePurpose.PROGRESS,
        language="en",
        subject="Update on {{ tracking_number }}",
        body="Dear {{ customer_nmae }}, {{ note }}",
    )
    with pytest.raises(ValidationError) as caught:
        template.save()
    assert "customer_nmae" in str(caught.value)
    assert not NoticeTemplate.objects.filter(body__contains="customer_nmae").exists()


@pytest.mark.parametrize(
    "body",
    [
        "{{ customer_name.upper }}",
        "{% load static %}",
        "{% include 'base.html' %}",
        "{{ note|safe }}",
        "{% for c in note %}{{ c }}{% endfor %}",
        "{% if secret %}x{% endif %}",
        "{{ note|default:password }}",
    ],
)
def test_lookups_tags_and_filters_outside_the_safe_subset_are_refused(body):
    template = NoticeTemplate(purpose="progress", language="xx", subject="s", body=body)
    with pytest.raises(ValidationError):
        template.full_clean()


def test_rendering_is_plain_text_without_escaping():
    text = template_render(
        "{{ customer_name }}: {{ note }}", {"customer_name": "A&B <Ltd>", "note": "5 > 3"}
    )
    assert text == "A&B <Ltd>: 5 > 3"


def test_every_seeded_template_renders_with_every_variable():
    values = {name: f"[{name}]" for name in VARIABLES}
    seeded = NoticeTemplate.objects.all()
    purposes = {(t.purpose, t.language) for t in seeded}
    assert purposes == {(p, lang) for p in NoticePurpose.values for lang in ("zh-hans", "en")}
    for template in seeded:
        template.full_clean()
        body = template_render(template.body, values)
        assert "[tracking_number]" in body or "[tracking_number]" in template_render(
            template.subject, values
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-Hant", "為您處理投訴"), ("zh-HK", "為您處理投訴"), ("zh_TW", "為您處理投訴")],
)
def test_simplified_text_is_converted_for_readers_of_traditional_chinese(language, expected):
    assert to_traditional("为您处理投诉", language) == expected


def test_a_traditional_rendering_keeps_peoples_names_as_written():
    text = template_render(
        '{{ customer_name|default:"客户" }}:{{ note }}({{ handler_name }}跟进)',
        {"customer_name": "钟丽", "note": "请提供发票。", "handler_name": "张伟"},
        traditional_for="zh-Hant",
    )
    assert text == "钟丽:請提供發票。(张伟跟進)"
    default = "{{ customer_name|default:'客户' }}"
    assert template_render(default, {}, traditional_for="zh-Hant") == "客戶"
    # Hong Kong writes 户 (its own list of character forms), Taiwan 戶.
    assert template_render(default, {}, traditional_for="zh-HK") == "客户"
