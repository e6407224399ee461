"""A routing rule or a time-limit policy that repeats an active one is refused, naming it: the
copy would never decide anything (a routing rule) or would tie with it (a time limit)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from complaintdesk.accounts.models import ApiToken, User
from complaintdesk.complaints.models import SlaPolicy
from complaintdesk.routing.models import RoutingRule

pytestmark = pytest.mark.django_db


def admin_client(user: User) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> tuple[int, dict]:
    response = getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


# Routing rules ------------------------------------------------------------------------------

RULE = {
    "name": "Speed → network",
    "category_key": "",
    "channels": ["web", "app"],
    "keywords": ["网速", "Slow"],
    "department": "network",
}


def test_the_same_routing_rule_twice_is_refused_naming_the_first(administrator, network_department):
    admin = admin_client(administrator)
    status, first = send(admin, "post", "/api/routing-rules", RULE)
    assert status == 201, first
    # Another name and order, the lists in another order, a keyword in another case.
    again = {
        **RULE,
        "name": "copy",
        "order": 5,
        "channels": ["app", "web"],
        "keywords": ["slow", "网速"],
    }
    status, answer = send(admin, "post", "/api/routing-rules", again)
    assert status == 422
    assert f"Speed → network (#{first['id']})" in answer["detail"]
    assert answer["field"] is None
    assert RoutingRule.objects.count() == 1


def test_a_rule_with_another_target_or_condition_is_accepted(
    administrator, network_department, billing_department
):
    admin = admin_client(administrator)
    assert send(admin, "post", "/api/routing-rules", RULE)[0] == 201
    other_target = {**RULE, "department": "billing"}
    other_condition = {**RULE, "channels": ["web"]}
    assert send(admin, "post", "/api/routing-rules", other_target)[0] == 201
    assert send(admin, "post", "/api/routing-rules", other_condition)[0] == 201


def test_an_inactive_copy_is_kept_but_cannot_be_turned_on_beside_the_first(
    administrator, network_department
):
    admin = admin_client(administrator)
    status, first = send(admin, "post", "/api/routing-rules", RULE)
    status, draft = send(admin, "post", "/api/routing-rules", {**RULE, "is_active": False})
    assert status == 201, draft
    url = f"/api/routing-rules/{draft['id']}"
    status, answer = send(admin, "patch", url, {"is_active": True})
    assert status == 422 and f"#{first['id']}" in answer["detail"]
    assert send(admin, "patch", f"/api/routing-rules/{first['id']}", {"is_active": False})[0] == 200
    assert send(admin, "patch", url, {"is_active": True})[0] == 200


def test_editing_a_rule_into_a_copy_of_another_is_refused(administrator, network_department):
    admin = admin_client(administrator)
    status, first = send(admin, "post", "/api/routing-rules", RULE)
    status, second = send(admin, "post", "/api/routing-rules", {**RULE, "keywords": ["掉线"]})
    url = f"/api/routing-rules/{second['id']}"
    status, answer = send(admin, "patch", url, {"keywords": ["slow", "网速"]})
    assert status == 422 and f"#{first['id']}" in answer["detail"]
    assert RoutingRule.objects.get(pk=second["id"]).keywords == ["掉线"]
    # Saving a rule unchanged is no duplicate of itself.
    assert send(admin, "patch", url, {"order": 3})[0] == 200


# Time-limit policies -----------------------------------------------------------------------

POLICY = {
    "name": "VIP on the app",
    "channel": "app",
    "customer_tier": "vip",
    "first_response_minutes": 30,
    "resolution_minutes": 480,
    "priority": 150,
}


def test_the_same_time_limit_policy_twice_is_refused_naming_the_first(administrator):
    admin = admin_client(administrator)
    status, first = send(admin, "post", "/api/sla-policies", POLICY)
    assert status == 201, first
    # Other limits, same conditions and priority: which one counts would be left to chance.
    again = {**POLICY, "name": "VIP app (new)", "resolution_minutes": 240}
    status, answer = send(admin, "post", "/api/sla-policies", again)
    assert status == 422
    assert f"VIP on the app (#{first['id']})" in answer["detail"]
    assert SlaPolicy.objects.filter(channel="app", customer_tier="vip").count() == 1


def test_a_policy_with_another_priority_or_an_inactive_copy_is_accepted(administrator):
    admin = admin_client(administrator)
    status, first = send(admin, "post", "/api/sla-policies", POLICY)
    assert send(admin, "post", "/api/sla-policies", {**POLICY, "priority": 160})[0] == 201
    status, draft = send(admin, "post", "/api/sla-policies", {**POLICY, "is_active": False})
    assert status == 201, draft
    url = f"/api/sla-policies/{draft['id']}"
    status, answer = send(admin, "patch", url, {"is_active": True})
    assert status == 422 and f"#{first['id']}" in answer["detail"]
