"""Template helpers of the staff UI; permission questions are answered by accounts.permissions."""

from __future__ import annotations

from typing import Any

from django import template

from complaintdesk.accounts.permissions import can_register_complaints

register = template.Library()


@register.filter
def may_register_complaints(user: Any) -> bool:
    """Whether to offer "New complaint": the intake service would refuse the others."""
    return can_register_complaints(user)
