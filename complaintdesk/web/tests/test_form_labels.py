"""Every control of the list filters and the attachment upload has a label a screen reader
announces (QA: the search box, the selects and the file input had none)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.web.tests.helpers import client_for

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    """The ids of the labelled controls and the controls without a label or aria-label."""

    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "label" and values.get("for"):
            self.label_for.add(str(values["for"]))
        elif tag in {"select", "textarea"} or (
            tag == "input" and values.get("type") not in {"hidden", "checkbox", "submit"}
        ):
            self.controls.append(values)

    def unlabelled(self) -> list[str | None]:
        return [
            c.get("name")
            for c in self.controls
            if not c.get("aria-label") and c.get("id") not in self.label_for
        ]


def controls_of(page: str) -> Controls:
    parser = Controls()
    parser.feed(page)
    return parser


def test_the_search_box_and_filter_selects_have_labels(agent) -> None:
    page = client_for(agent).get(reverse("web:complaint_list")).content.decode()
    controls = controls_of(page)
    names = {c.get("name") for c in controls.controls}
    assert {"q", "status", "category", "nature", "department", "assignee", "channel"} <= names
    assert controls.unlabelled() == []


def test_the_attachment_file_input_has_a_label(agent) -> None:
    complaint = complaint_make(actor=agent)
    url = reverse("web:complaint_detail", args=[complaint.tracking_number])
    controls = controls_of(client_for(agent).get(url).content.decode())
    assert "file" in {c.get("name") for c in controls.controls}
    assert "file" not in controls.unlabelled()
