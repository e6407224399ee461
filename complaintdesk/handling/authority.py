"""The authority matrix: which approvals a plan needs, and how far a person may commit.

`approval_chain()` reads the active AuthorityRule rows; `authority_of()` gives a person's
level and limit; `authority_require()` refuses, with a message that says why, a commitment
beyond that authority. Plans (handling/plans.py) and compensation outside a plan
(remedies/services.py) both ask here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.errors import NotAllowed
from complaintdesk.complaints.models import Complaint
from complaintdesk.handling.choices import AuthorityLevel
from complaintdesk.handling.models import ApprovalAuthority, AuthorityRule

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


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


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
            amounts.get(rule.currency, Decimal(0)) > rule.compensation_above
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


def authority_of(user: User, currency: str = "CNY") -> Authority:
    """The user's approval level and amount limit (in `currency`)."""
    role = role_of(user)
    if role not in ROLES_WITH_APPROVAL_AUTHORITY:
        return Authority(level=AuthorityLevel.NONE, limit=None, currency=currency)
    row = ApprovalAuthority.objects.filter(user=user).first()
    if row is not None:
        # A limit in another currency cannot be compared; it is no authority for this one.
        limit = row.limit if row.currency == currency else Decimal(0)
        return Authority(level=row.level, limit=limit, currency=currency)
    level = AuthorityLevel.MANAGER if role == Role.ADMIN else AuthorityLevel.SUPERVISOR
    return Authority(level=level, limit=None, currency=currency)


def authority_require(*, user: User, level: int, amounts: Mapping[str, Decimal], what: str) -> None:
    """Refuse unless the user's authority reaches `level` and covers every amount."""
    for currency, amount in sorted(amounts.items()):
        authority = authority_of(user, currency)
        if authority.level < level:
            raise NotAllowed(
                _(
                    "%(what)s needs %(level)s approval; your approval authority is "
                    "%(yours)s. Submit it to someone with that authority."
                )
                % {
                    "what": what,
                    "level": AuthorityLevel(level).label,
                    "yours": AuthorityLevel(authority.level).label,
                }
            )
        if authority.limit is not None and amount > authority.limit:
            raise NotAllowed(
                _(
                    "%(what)s commits %(amount)s, beyond your approval limit of %(limit)s. "
                    "It must go to someone with a higher limit."
                )
                % {
                    "what": what,
                    "amount": money(amount, currency),
                    "limit": money(authority.limit, currency),
                }
            )
    if not amounts and authority_of(user).level < level:
        raise NotAllowed(
            _("%(what)s needs %(level)s approval; your approval authority is %(yours)s.")
            % {
                "what": what,
                "level": AuthorityLevel(level).label,
                "yours": AuthorityLevel(authority_of(user).level).label,
            }
        )
