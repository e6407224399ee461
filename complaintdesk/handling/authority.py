"""The authority matrix: which approvals a plan needs, and how far a person may commit.

`approval_chain()` reads the active AuthorityRule rows; `authority_of()` gives a person's
level and limit; `authority_require()` refuses, with a message that says why, a commitment
beyond that authority. `acts_for_department()` says whose complaints a person may approve
plans for or be made responsible for: their own department's, or every department's for
administrators and holders of manager authority (a complaints manager). Plans
(handling/plans.py) and compensation outside a plan (remedies/services.py) both ask here.

Amounts come per currency; a rule's threshold and a person's limit are compared with their
sum converted to the rule's or the limit's currency (remedies/currency.py), so compensation
in another currency neither slips past a CNY threshold nor counts against no limit at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.errors import InvalidInput, NotAllowed
from complaintdesk.complaints.models import Complaint
from complaintdesk.handling.choices import AuthorityLevel
from complaintdesk.handling.models import ApprovalAuthority, AuthorityRule
from complaintdesk.remedies.currency import describe, money, total_in

ROLES_WITH_APPROVAL_AUTHORITY = frozenset({Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class ChainStep:
    """A level the plan must be approved at, and the names of the rules that ask for it."""

    level: int
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Authority:
    level: int
    limit: Decimal | None  # None: no amount limit
    currency: str


def _nature_key(complaint: Complaint) -> str:
    return complaint.nature.key if complaint.nature_id is not None and complaint.nature else ""


def required_levels(*, complaint: Complaint, amounts: Mapping[str, Decimal]) -> list[ChainStep]:
    """The levels the active rules require for this complaint and these totals per currency."""
    nature = _nature_key(complaint)
    needed: dict[int, list[str]] = {}
    for rule in AuthorityRule.objects.filter(is_active=True):
        if rule.nature_key and rule.nature_key != nature:
            continue
        if rule.compensation_above is not None and not (
            total_in(amounts, rule.currency) > rule.compensation_above
        ):
            continue
        needed.setdefault(rule.required_level, []).append(rule.name)
    return [
        ChainStep(level=level, reasons=reasons)
        for level, reasons in sorted(needed.items())
        if level > AuthorityLevel.NONE
    ]


def approval_chain(*, complaint: Complaint, amounts: Mapping[str, Decimal]) -> list[ChainStep]:
    """The approval steps of a plan, lowest level first; never empty."""
    steps = required_levels(complaint=complaint, amounts=amounts)
    if not steps:
        steps = [
            ChainStep(
                level=AuthorityLevel.SUPERVISOR,
                reasons=[_("Every handling plan is approved by a supervisor.")],
            )
        ]
    return steps


def authority_of(user: User) -> Authority:
    """The user's approval level and amount limit, in the limit's own currency."""
    role = role_of(user)
    if role not in ROLES_WITH_APPROVAL_AUTHORITY:
        return Authority(level=AuthorityLevel.NONE, limit=None, currency="CNY")
    row = ApprovalAuthority.objects.filter(user=user).first()
    if row is not None:
        return Authority(level=row.level, limit=row.limit, currency=row.currency)
    level = AuthorityLevel.MANAGER if role == Role.ADMIN else AuthorityLevel.SUPERVISOR
    return Authority(level=level, limit=None, currency="CNY")


def authority_require(*, user: User, level: int, amounts: Mapping[str, Decimal], what: str) -> None:
    """Refuse unless the user's authority reaches `level` and their limit covers the sum of
    the amounts, converted to the limit's currency."""
    authority = authority_of(user)
    if authority.level < level:
        message = (
            _(
                "%(what)s needs %(level)s approval; your approval authority is "
                "%(yours)s. Submit it to someone with that authority."
            )
            if amounts
            else _("%(what)s needs %(level)s approval; your approval authority is %(yours)s.")
        )
        raise NotAllowed(
            message
            % {
                "what": what,
                "level": AuthorityLevel(level).label,
                "yours": AuthorityLevel(authority.level).label,
            }
        )
    limit = authority.limit
    if limit is not None and amounts and total_in(amounts, authority.currency) > limit:
        raise NotAllowed(
            _(
                "%(what)s commits %(amount)s, beyond your approval limit of %(limit)s. "
                "It must go to someone with a higher limit."
            )
            % {
                "what": what,
                "amount": describe(amounts, authority.currency),
                "limit": money(limit, authority.currency),
            }
        )


def is_organisation_wide(user: User) -> bool:
    """Administrators, and supervisors holding manager authority (a complaints manager),
    stand above the departments."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.SUPERVISOR and authority_of(user).level >= AuthorityLevel.MANAGER


def acts_for_department(user: User, complaint: Complaint) -> bool:
    """Whether the user belongs to the complaint's department or stands above it (a
    complaint not placed in a department yet has no department to keep others out of)."""
    if complaint.department_id is None or is_organisation_wide(user):
        return True
    return user.department_id == complaint.department_id


def approver_require_department(*, user: User, complaint: Complaint) -> None:
    """Refuse a plan decision by someone outside the complaint's department and below it."""
    if acts_for_department(user, complaint):
        return
    raise NotAllowed(
        _(
            "This complaint is handled by %(department)s: its plans are decided by that "
            "department's supervisors or by a complaints manager."
        )
        % {"department": complaint.department}
    )


def responsible_require_department(*, person: User, complaint: Complaint) -> None:
    """Refuse a responsible person from outside the complaint's department and below it."""
    if acts_for_department(person, complaint):
        return
    raise InvalidInput(
        _(
            "%(person)s is not in %(department)s, which handles this complaint; choose a "
            "staff member of that department or a complaints manager as the responsible person."
        )
        % {"person": person, "department": complaint.department},
        field="responsible_person",
    )
