"""What each role may see and do: the one table the selectors, services and admin consult."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role

if TYPE_CHECKING:
    from complaintdesk.accounts.models import User
    from complaintdesk.complaints.models import Complaint

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
# Roles that take the steps belonging to whoever handles a complaint on any complaint they
# see; the others only on complaints that are theirs (acts_for_complaint).
ROLES_ACTING_FOR_ANY_COMPLAINT = frozenset({Role.SUPERVISOR, Role.ADMIN})


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


def acts_for_complaint(user: User, complaint: Complaint) -> bool:
    """Whether the user may take the steps that belong to whoever handles the complaint:
    resolve and close it (notifying the result), correct its triage, write to its customer.

    Once it is assigned: its assignee, a supervisor or an administrator (QA: a handler
    resolved a colleague's complaint; an intake agent changed the nature, and so the
    deadline, of a complaint another department was working on). Before: also the intake
    agent who registered it, who is the one talking to the customer, and the handlers of
    its department, who take it up.
    """
    role = role_of(user)
    if role is None:
        return False
    if role in ROLES_ACTING_FOR_ANY_COMPLAINT:
        return True
    if complaint.assignee_id is not None:
        return bool(complaint.assignee_id == user.pk)
    if role == Role.AGENT:
        return bool(complaint.created_by_id == user.pk)
    return role == Role.HANDLER and complaint.department_id == user.department_id


def not_acting_for_complaint(complaint: Complaint, refusal: str) -> str:
    """A refusal under acts_for_complaint: what the user may not do, then who may."""
    if complaint.assignee_id is not None:
        who = _(
            "%(assignee)s handles this complaint: only they, a supervisor or an administrator "
            "may do this."
        ) % {"assignee": complaint.assignee}
    else:
        who = _(
            "Nobody is assigned to this complaint yet: only the intake agent who registered "
            "it, a handler of its department, a supervisor or an administrator may do this."
        )
    return f"{refusal} {who}"
