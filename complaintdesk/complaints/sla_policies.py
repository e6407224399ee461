"""Writing the time-limit policy table (administrators only); sla.py applies it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.errors import InvalidInput, NotAllowed
from complaintdesk.complaints.models import SlaPolicy
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.models import TaxonomyEntry

POLICY_FIELDS = (
    "name",
    "nature_key",
    "category_key",
    "channel",
    "customer_tier",
    "first_response_minutes",
    "first_response_basis",
    "resolution_minutes",
    "resolution_basis",
    "time_limit_key",
    "priority",
    "is_active",
    "description",
)
_TAXONOMY_KEYS = {
    "nature_key": Dimension.NATURE,
    "category_key": Dimension.CONTENT,
    "time_limit_key": Dimension.TIME_LIMIT,
}


def require_administrator(actor: User, *, reading: bool = False) -> None:
    if role_of(actor) != Role.ADMIN:
        if reading:
            raise NotAllowed(_("Only administrators may see time limits and routing rules."))
        raise NotAllowed(_("Only administrators may change time limits and routing rules."))


def validated_save(instance: Any, values: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Set the given fields, run the model's validation and save; errors name the field."""
    for name, value in values.items():
        if name in fields:
            setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        # The answer's `field` names the field; the message need not repeat it. A problem of
        # the whole record (a duplicate) names none.
        field = None if name == NON_FIELD_ERRORS else name
        raise InvalidInput(" ".join(messages), field=field) from exc
    instance.save()


def check_taxonomy_keys(values: dict[str, Any], keys: Mapping[str, str]) -> None:
    for name, dimension in keys.items():
        key = values.get(name)
        if key and not TaxonomyEntry.objects.filter(dimension=dimension, key=key).exists():
            raise InvalidInput(
                _("Unknown %(dimension)s key %(key)s.") % {"dimension": dimension, "key": key},
                field=name,
            )


def sla_policy_key_problems(
    values: Mapping[str, Any], *, policy: SlaPolicy | None = None
) -> dict[str, str]:
    """What is wrong with the taxonomy keys in ``values``, by field: each must be an active
    entry of its dimension, or a rule would silently never match. A key the policy already
    holds may stay after its entry is retired, so editing another field still works."""
    problems: dict[str, str] = {}
    for name, dimension in _TAXONOMY_KEYS.items():
        key = values.get(name)
        if not key or (policy is not None and getattr(policy, name) == key):
            continue
        active = TaxonomyEntry.objects.active().of(dimension)
        if active.filter(key=key).exists():
            continue
        retired = TaxonomyEntry.objects.of(dimension).filter(key=key).exists()
        message = (
            _("%(key)s is a retired %(dimension)s key.")
            if retired
            else _("%(key)s is not a %(dimension)s key.")
        )
        keys = sorted(active.values_list("key", flat=True))
        hint = (
            _("Active keys: %(keys)s.") % {"keys": ", ".join(keys)}
            if keys
            else _(
                "There are no active entries: load the taxonomy first "
                "(complaintdesk setup --industry NAME)."
            )
        )
        label = str(Dimension(dimension).label).lower()
        problems[name] = f"{message % {'key': key, 'dimension': label}} {hint}"
    return problems


def _check_keys(values: Mapping[str, Any], policy: SlaPolicy | None = None) -> None:
    for name, problem in sla_policy_key_problems(values, policy=policy).items():
        raise InvalidInput(problem, field=name)


def sla_policy_create(*, actor: User, values: dict[str, Any]) -> SlaPolicy:
    require_administrator(actor)
    _check_keys(values)
    policy = SlaPolicy()
    with transaction.atomic():
        validated_save(policy, values, POLICY_FIELDS)
    return policy


def sla_policy_update(*, actor: User, policy: SlaPolicy, values: dict[str, Any]) -> SlaPolicy:
    """Change a rule; complaints already registered keep the terms they started with."""
    require_administrator(actor)
    _check_keys(values, policy)
    with transaction.atomic():
        validated_save(policy, values, POLICY_FIELDS)
    return policy


def sla_policy_delete(*, actor: User, policy: SlaPolicy) -> None:
    require_administrator(actor)
    policy.delete()
