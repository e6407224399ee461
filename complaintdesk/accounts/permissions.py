"""What each role may see and do: the one table the selectors, services and admin consult."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from complaintdesk.accounts.choices import Role

if TYPE_CHECKING:
    from complaintdesk.accounts.models import User

# Roles that see every department's complaints; a department handler sees only their own.
ROLES_SEEING_ALL_DEPARTMENTS = frozenset(
    {Role.AGENT, Role.SUPERVISOR, Role.AUDITOR, Role.ANALYST, Role.ADMIN}
)
# Analysts read aggregated and masked data only: no names, phones, e-mails or free text
# containing them.
ROLES_SEEING_PERSONAL_DATA = frozenset(
    {Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN}
)
ROLES_REGISTERING_COMPLAINTS = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
ROLES_WRITING_NOTES = frozenset(
    {Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN}
)
ROLES_CONFIGURING = frozenset({Role.ADMIN})


def role_of(user: Any) -> str | None:
    """The user's role, or None for anonymous users and inactive accounts."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    return str(user.role)


def sees_all_departments(user: User) -> bool:
    return role_of(user) in ROLES_SEEING_ALL_DEPARTMENTS


def department_scope(user: User) -> dict[str, int] | None:
    """Which departments' records a user sees, as a filter on ``department_id``: ``{}`` for
    every department, a handler's own department, or None for nothing at all."""
    role = role_of(user)
    if role is None:
        return None
    if role in ROLES_SEEING_ALL_DEPARTMENTS:
        return {}
    if role == Role.HANDLER and user.department_id is not None:
        return {"department_id": user.department_id}
    return None


def sees_personal_data(user: User) -> bool:
    return role_of(user) in ROLES_SEEING_PERSONAL_DATA


def can_register_complaints(user: User) -> bool:
    return role_of(user) in ROLES_REGISTERING_COMPLAINTS


def can_write_notes(user: User) -> bool:
    return role_of(user) in ROLES_WRITING_NOTES
