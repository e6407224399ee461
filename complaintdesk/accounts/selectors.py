"""Reads of staff accounts."""

from __future__ import annotations

from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.complaints.errors import InvalidInput


def staff_member_by_username(*, username: str, field: str = "assignee") -> User:
    """The active staff member with this username, for a request that names one (an assignee,
    an owner). An unknown or deactivated name is the caller's mistake in ``field`` (422):
    work is never handed to someone who can no longer log in."""
    user = (
        User.objects.select_related("department").filter(username=username, is_active=True).first()
    )
    if user is None:
        raise InvalidInput(_("No active staff member %(name)s.") % {"name": username}, field)
    return user
