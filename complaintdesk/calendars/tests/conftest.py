from __future__ import annotations

from collections.abc import Iterator

import pytest

from complaintdesk.calendars.models import forget_calendars


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    # Each test's database changes roll back without a commit, so the process-wide cache
    # of loaded calendars must not carry them into the next test.
    forget_calendars()
    yield
    forget_calendars()
