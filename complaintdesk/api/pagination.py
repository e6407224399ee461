"""The page every list endpoint answers with: ``{count, page, page_size, results}``.

A list that grows with use (complaints, a complaint's timeline and messages, the work queues
across complaints) is never answered whole: clients read it page by page, `count` telling
how many rows there are in all. Rows come in a stable order (each selector orders by a
unique last key), so walking the pages neither skips nor repeats a row. What stays a few
rows answers as a plain list: the configuration tables, a complaint's plans, determinations,
surveys, attachments and compensation, and the `k` most similar complaints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from complaintdesk.complaints.errors import InvalidInput

DEFAULT_PAGE_SIZE = 50

Row = TypeVar("Row")


class PageQuery(Schema):
    page: int = Field(1, description="The page, from 1")
    page_size: int | None = Field(
        None,
        description="Rows per page, 1 to API_PAGE_SIZE_MAX (200 unless configured); default 50",
    )


class PageOut(Schema):
    """The envelope; each list's page schema adds `results` of its own row schema."""

    count: int = Field(..., description="Rows in all pages")
    page: int
    page_size: int


def page_of(
    rows: QuerySet[Any] | Sequence[Row], query: PageQuery, present: Callable[[Row], Any]
) -> dict[str, Any]:
    """One page of `rows`, each row passed through `present`; a page past the end is empty."""
    if query.page < 1:
        raise InvalidInput(_("page starts at 1."), field="page")
    page_size = query.page_size
    if page_size is None:
        page_size = min(DEFAULT_PAGE_SIZE, settings.API_PAGE_SIZE_MAX)
    if not 1 <= page_size <= settings.API_PAGE_SIZE_MAX:
        raise InvalidInput(
            _("page_size must be 1 to %(max)d.") % {"max": settings.API_PAGE_SIZE_MAX},
            field="page_size",
        )
    count = rows.count() if isinstance(rows, QuerySet) else len(rows)
    start = (query.page - 1) * page_size
    # Past the end nothing is read: an offset that large would not even fit the database.
    shown = rows[start : start + page_size] if start < count else []
    return {
        "count": count,
        "page": query.page,
        "page_size": page_size,
        "results": [present(row) for row in shown],
    }
