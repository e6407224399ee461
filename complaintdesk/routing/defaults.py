"""Default routing rules per industry, loaded by `complaintdesk setup --industry NAME`.

Rules name departments by code. A department that does not exist yet is skipped and named
in the result, so setting up before the departments are created loses nothing but those
rules; running the set-up again once they exist adds them. Existing rules (by name) are
left as the administrator edited them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department
from complaintdesk.routing.models import RoutingRule

# Department codes as the telecom demo operator creates them (core/demo/organisation.py).
CUSTOMER_SERVICE = "customer-service"
NETWORK = "network-operations"
BILLING = "billing-centre"
MARKETING = "marketing"
DEVICES = "devices"
LEGAL = "legal"

TELECOM: tuple[dict[str, Any], ...] = (
    {"name": "Regulator, media and consumer association → customer service supervisors",
     "order": 10, "channels": ["regulator", "media", "consumer_association"],
     "department": CUSTOMER_SERVICE, "queue_role": Role.SUPERVISOR, "skill": "*"},
    {"name": "Uncertain triage → customer service for manual classification", "order": 20,
     "confidence_below": 0.5, "department": CUSTOMER_SERVICE, "skill": "*"},
    {"name": "Privacy leak → legal", "order": 30, "category_key": "other.privacy",
     "department": LEGAL},
    {"name": "Network → network operations", "order": 40, "category_key": "network",
     "department": NETWORK},
    {"name": "Billing → billing centre", "order": 50, "category_key": "billing",
     "department": BILLING},
    {"name": "Device → terminal department", "order": 60, "category_key": "device",
     "department": DEVICES},
    {"name": "Product → marketing", "order": 70, "category_key": "product",
     "department": MARKETING},
    {"name": "Everything else → customer service", "order": 1000,
     "department": CUSTOMER_SERVICE, "skill": "*"},
)  # fmt: skip

DEFAULT_RULES: dict[str, tuple[dict[str, Any], ...]] = {"telecom": TELECOM}


@dataclass
class DefaultRulesResult:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (rule, missing department)


def routing_rules_load_defaults(industry: str) -> DefaultRulesResult:
    """Create the industry's default routing rules whose departments exist."""
    result = DefaultRulesResult()
    departments = {d.code: d for d in Department.objects.all()}
    with transaction.atomic():
        for spec in DEFAULT_RULES.get(industry, ()):
            values = dict(spec)
            code = values.pop("department")
            department = departments.get(code)
            if department is None:
                result.skipped.append((values["name"], code))
                continue
            _rule, created = RoutingRule.objects.get_or_create(
                name=values["name"], defaults={**values, "department": department}
            )
            (result.created if created else result.kept).append(values["name"])
    return result
