"""Notes on a complaint: as long as any other text written on it may be, and no longer."""

from __future__ import annotations

import pytest

from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.complaints.services import NOTE_MAX, complaint_add_note
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.intake.services import DESCRIPTION_MAX

pytestmark = pytest.mark.django_db


def test_a_note_may_be_as_long_as_a_description():
    # One cap for the free text written on a complaint, so nothing the API or a form takes
    # is refused by the service behind it.
    assert NOTE_MAX == DESCRIPTION_MAX == 20_000


def test_a_note_of_20000_characters_is_kept_whole(agent):
    complaint = complaint_make(actor=agent)
    text = "已核查基站告警记录。" * 2000
    assert len(text) == 20_000
    event = complaint_add_note(complaint=complaint, actor=agent, text=text)
    assert event.kind == EventKind.NOTE
    assert event.note == text


def test_a_note_of_20001_characters_is_refused_with_the_limit_and_nothing_stored(agent):
    complaint = complaint_make(actor=agent)
    before = complaint.events.count()
    with pytest.raises(InvalidInput) as refused:
        complaint_add_note(complaint=complaint, actor=agent, text="长" * 20_001)
    assert refused.value.field == "text"
    assert str(refused.value.message) == "The note is longer than 20000 characters."
    assert complaint.events.count() == before
