"""Routing (流转): which department and which person take a newly registered complaint.

`complaint_route` runs right after registration. The ordered rules are tried; the first
that matches names the department, and optionally a skill or a queue (e.g. supervisors).
Within the department the complaint goes to the available staff member (active, marked
available, a handler or agent unless the rule names the queue) who has the skill — the
complaint's content category unless the rule says otherwise — and speaks the complaint's
language, with the fewest open complaints weighted by urgency. The assignment itself is the
lifecycle's "assign" action, taken by the system.

Intake asks for the department first (`complaint_place_in_department`, before registration),
so the SLA clock starts on that department's calendar and the acknowledgement promises the
deadline that is tracked; the rules are the same, so routing then confirms it.

Nobody available: the complaint waits in the department queue (registered, department set,
no assignee) with `needs_assignment` set. Every decision is a ROUTED event that names the
rule that fired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import Department, User
from complaintdesk.complaints import sla
from complaintdesk.complaints.choices import OPEN_STATUSES, Channel, EventKind, Status
from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.sla_policies import (
    check_taxonomy_keys,
    require_administrator,
    validated_save,
)
from complaintdesk.core import clock
from complaintdesk.customers.models import CustomerTier
from complaintdesk.routing.models import (
    DEFAULT_QUEUE_ROLES,
    RoutingRule,
    has_skill,
    language_of,
)
from complaintdesk.triage.choices import Dimension


@dataclass(frozen=True)
class RoutingFacts:
    """What routing rules look at, read once from the complaint."""

    categories: tuple[str, ...]
    nature: str
    complaint_object: str
    channel: str
    tier: str
    language: str
    text: str
    confidence: float | None

    @classmethod
    def of(cls, complaint: Complaint) -> RoutingFacts:
        category = complaint.content_category
        categories: tuple[str, ...] = ()
        if category is not None:
            categories = (category.key,) + ((category.parent.key,) if category.parent else ())
        return cls(
            categories=categories,
            nature=complaint.nature.key if complaint.nature else "",
            complaint_object=complaint.complaint_object.key if complaint.complaint_object else "",
            channel=complaint.channel,
            tier=complaint.customer.tier,
            language=language_of(complaint.language),
            text=f"{complaint.subject}\n{complaint.description}".casefold(),
            confidence=complaint.triage_confidence,
        )


def rule_matches(rule: RoutingRule, facts: RoutingFacts) -> bool:
    if rule.category_key and rule.category_key not in facts.categories:
        return False
    if rule.nature_key and rule.nature_key != facts.nature:
        return False
    if rule.object_key and rule.object_key != facts.complaint_object:
        return False
    if rule.channels and facts.channel not in rule.channels:
        return False
    if rule.customer_tiers and facts.tier not in rule.customer_tiers:
        return False
    if rule.language and language_of(rule.language) != facts.language:
        return False
    if rule.keywords and not any(str(w).casefold() in facts.text for w in rule.keywords if w):
        return False
    # Without a triage confidence the confidence conditions cannot hold.
    if rule.confidence_below is not None and not (
        facts.confidence is not None and facts.confidence < rule.confidence_below
    ):
        return False
    return rule.confidence_at_least is None or (
        facts.confidence is not None and facts.confidence >= rule.confidence_at_least
    )


def rule_for(facts: RoutingFacts, rules: list[RoutingRule]) -> RoutingRule | None:
    return next((rule for rule in rules if rule_matches(rule, facts)), None)


def needed_skill(rule: RoutingRule, facts: RoutingFacts) -> str:
    return rule.skill or (facts.categories[0] if facts.categories else "")


def candidates(rule: RoutingRule, facts: RoutingFacts) -> list[tuple[User, int]]:
    """Who in the rule's department could take the complaint, with their load, least first.

    The load is the sum of the urgency levels (1 low … 4 critical) of their open complaints.
    """
    roles = (rule.queue_role,) if rule.queue_role else DEFAULT_QUEUE_ROLES
    staff = (
        User.objects.filter(
            department_id=rule.department_id, is_active=True, is_available=True, role__in=roles
        )
        .annotate(
            load=Coalesce(
                Sum(
                    "assigned_complaints__urgency",
                    filter=Q(assigned_complaints__status__in=OPEN_STATUSES),
                ),
                0,
            )
        )
        .order_by("load", "username")
    )
    skill = needed_skill(rule, facts)
    return [
        (user, int(user.load))
        for user in staff
        if has_skill(user.skills or [], skill)
        and facts.language in [language_of(str(code)) for code in user.languages or []]
    ]


@dataclass(frozen=True)
class RoutingDecision:
    rule: RoutingRule | None
    department: Department | None
    assignee: User | None

    @property
    def queued(self) -> bool:
        return self.assignee is None


def routing_rules_active() -> list[RoutingRule]:
    """The rules routing tries, in order. Intake reads them once and passes them both to
    `complaint_place_in_department` and to `complaint_route`."""
    return list(
        RoutingRule.objects.filter(is_active=True, department__is_active=True)
        .select_related("department")
        .order_by("order", "id")
    )


def complaint_place_in_department(
    *, complaint: Complaint, rules: list[RoutingRule] | None = None
) -> Department | None:
    """Before registration: put the complaint in the department the rules will route it to.

    Registration starts the SLA clock on the department's calendar and the acknowledgement
    promises that resolution time. With the department known first, `complaint_route` finds
    it already in place and has nothing to recompute, so the customer is promised the very
    deadline the complaint is tracked by. The ROUTED event and the assignment stay with
    `complaint_route`, after registration. `rules`: the active rules, if already read.
    """
    rules = routing_rules_active() if rules is None else rules
    rule = rule_for(RoutingFacts.of(complaint), rules) if rules else None
    if rule is None or complaint.department_id == rule.department_id:
        return complaint.department
    complaint.department = rule.department
    complaint.save(update_fields=["department", "updated_at"])
    return rule.department


def complaint_route(
    *, complaint: Complaint, rules: list[RoutingRule] | None = None
) -> RoutingDecision | None:
    """Route a registered, unassigned complaint; None when there is nothing to decide.

    Nothing is decided when no routing rule is configured, or when the complaint is no
    longer registered and waiting (someone was quicker). `rules`: the active rules, if
    already read.
    """
    rules = routing_rules_active() if rules is None else rules
    if not rules:
        return None
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status != Status.REGISTERED or locked.assignee_id is not None:
            return None
        now = clock.now()
        facts = RoutingFacts.of(locked)
        rule = rule_for(facts, rules)
        if rule is None:
            locked.needs_assignment = True
            locked.save(update_fields=["needs_assignment", "updated_at"])
            event_record(
                complaint=locked,
                actor=None,
                kind=EventKind.ROUTED,
                after={"rule": None, "department": None, "assignee": None, "queued": True},
                note=_("No routing rule matched; the complaint waits for manual routing."),
            )
            return RoutingDecision(rule=None, department=None, assignee=None)
        department = rule.department
        if locked.department_id != department.pk:
            locked.department = department
            # The department's calendar times the complaint from registration on.
            sla.recompute_clock(locked, now)
        found = candidates(rule, facts)
        chosen, load = found[0] if found else (None, 0)
        locked.needs_assignment = chosen is None
        locked.save()
        after: dict[str, Any] = {
            "rule": rule.name,
            "rule_id": rule.pk,
            "department": department.code,
            "queue": rule.queue_role or "",
            "skill": needed_skill(rule, facts),
            "language": facts.language,
            "assignee": chosen.username if chosen else None,
            "assignee_load": load if chosen else None,
            "queued": chosen is None,
        }
        if chosen is None:
            note = _(
                "Routed to %(department)s by rule “%(rule)s”. Nobody with the skill and "
                "language is available: the complaint waits in the department queue."
            ) % {"department": department.name, "rule": rule.name}
        else:
            note = _("Routed to %(department)s by rule “%(rule)s”, assigned to %(user)s.") % {
                "department": department.name,
                "rule": rule.name,
                "user": chosen.username,
            }
        event_record(complaint=locked, actor=None, kind=EventKind.ROUTED, after=after, note=note)
        if chosen is not None:
            complaint_transition(
                complaint=locked, action="assign", actor=None, params={"assignee": chosen}
            )
    complaint.refresh_from_db()
    return RoutingDecision(rule=rule, department=department, assignee=chosen)


# -- the rule table (administrators only) ----------------------------------------------------

RULE_FIELDS = (
    "name",
    "order",
    "is_active",
    "category_key",
    "nature_key",
    "object_key",
    "channels",
    "customer_tiers",
    "language",
    "keywords",
    "confidence_below",
    "confidence_at_least",
    "department",
    "skill",
    "queue_role",
    "description",
)
_RULE_TAXONOMY_KEYS = {
    "category_key": Dimension.CONTENT,
    "nature_key": Dimension.NATURE,
    "object_key": Dimension.OBJECT,
}


def _rule_values(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    check_taxonomy_keys(values, _RULE_TAXONOMY_KEYS)
    for name, known in (("channels", Channel.values), ("customer_tiers", CustomerTier.values)):
        unknown = [v for v in values.get(name) or [] if v not in known]
        if unknown:
            raise InvalidInput(
                _("Unknown value %(value)s; use any of: %(known)s.")
                % {"value": unknown[0], "known": ", ".join(known)},
                field=name,
            )
    if "department" in values:
        code = values.pop("department")
        if not code:
            raise InvalidInput(
                _("A routing rule needs a target department: give a department code."),
                field="department",
            )
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise InvalidInput(_("No department %(code)s.") % {"code": code}, field="department")
        values["department"] = department
    return values


def routing_rule_create(*, actor: User, values: dict[str, Any]) -> RoutingRule:
    require_administrator(actor)
    rule = RoutingRule()
    with transaction.atomic():
        validated_save(rule, _rule_values(values), RULE_FIELDS)
    return rule


def routing_rule_update(*, actor: User, rule: RoutingRule, values: dict[str, Any]) -> RoutingRule:
    require_administrator(actor)
    with transaction.atomic():
        validated_save(rule, _rule_values(values), RULE_FIELDS)
    return rule


def routing_rule_delete(*, actor: User, rule: RoutingRule) -> None:
    require_administrator(actor)
    rule.delete()
