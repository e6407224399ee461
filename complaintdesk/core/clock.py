"""The time the domain sees. Services ask `clock.now()`, never the system clock directly.

`travel_to` lets the demo data generator and tests replay history at past instants, so
timelines, due times and SLA sweeps are consistent with when things "happened".
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_frozen_at: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "complaintdesk_clock", default=None
)


def now() -> datetime:
    frozen = _frozen_at.get()
    return frozen if frozen is not None else timezone.now()


@contextmanager
def travel_to(moment: datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        raise ValueError("travel_to needs an aware datetime")
    token = _frozen_at.set(moment)
    try:
        yield
    finally:
        _frozen_at.reset(token)
