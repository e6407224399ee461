"""Routing: each kind of rule condition, choosing the agent, the department queue, defaults, API."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import ApiToken, Department, User
from complaintdesk.calendars.models import forget_calendars
from complaintdesk.complaints.choices import EventKind, Level, Status
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make, department_make, user_make
from complaintdesk.routing.defaults import routing_rules_load_defaults
from complaintdesk.routing.models import RoutingRule, spoken_languages
from complaintdesk.routing.services import RoutingFacts, complaint_route, rule_matches
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _telecom(db: None) -> Iterator[None]:
    taxonomy_load_preset("telecom")
    forget_calendars()
    yield
    forget_calendars()


FACTS = RoutingFacts(
    categories=("network.speed", "network"),
    nature="general",
    complaint_object="operator",
    channel="hotline",
    tier="gold",
    language="en",
    text="my broadband is slow every evening",
    confidence=0.4,
)


@pytest.mark.parametrize(
    ("condition", "matching", "other"),
    [
        ("category_key", "network", "billing"),
        ("category_key", "network.speed", "network.coverage"),
        ("nature_key", "general", "major"),
        ("object_key", "operator", "partner"),
        ("channels", ["sms", "hotline"], ["regulator"]),
        ("customer_tiers", ["gold", "vip"], ["standard"]),
        ("language", "en", "zh"),
        ("keywords", ["refund", "BROADBAND"], ["refund"]),
        ("confidence_below", 0.5, 0.3),
        ("confidence_at_least", 0.3, 0.5),
    ],
)
def test_each_kind_of_condition_matches_or_not(condition, matching, other, network_department):
    assert rule_matches(RoutingRule(department=network_department, **{condition: matching}), FACTS)
    assert not rule_matches(RoutingRule(department=network_department, **{condition: other}), FACTS)


def test_confidence_conditions_do_not_hold_without_a_triage_confidence(network_department):
    facts = RoutingFacts(**{**FACTS.__dict__, "confidence": None})
    assert not rule_matches(RoutingRule(department=network_department, confidence_below=0.9), facts)


def rule(department: Department, order: int = 100, **conditions: object) -> RoutingRule:
    return RoutingRule.objects.create(
        name=f"rule {order}", order=order, department=department, **conditions
    )


def staff(department: Department, name: str, languages: list[str], **extra: object) -> User:
    extra.setdefault("skills", ["network"])
    return user_make(
        Role.HANDLER, department=department, username=name, languages=languages, **extra
    )


def complaint(agent: User, **draft: object) -> Complaint:
    draft.setdefault("content_category", "network.speed")
    draft.setdefault("nature", "general")
    return complaint_make(actor=agent, **draft)


def test_the_least_loaded_available_agent_who_speaks_the_language_gets_it(
    agent, network_department
):
    chinese_only = staff(network_department, "idle-zh", ["zh"])
    busy = staff(network_department, "busy-en", ["zh", "en"])
    lighter = staff(network_department, "light-en", ["en"])
    staff(network_department, "away-en", ["en"], is_available=False)
    staff(network_department, "billing-en", ["en"], skills=["billing"])
    # Load is weighted by urgency: one critical complaint (4) outweighs two low ones (1+1).
    loads = ((Level.CRITICAL, busy), (Level.LOW, lighter), (Level.LOW, lighter))
    for number, (level, owner) in enumerate(loads):
        phone = f"1390000000{number}"
        Complaint.objects.filter(pk=complaint(agent, urgency=level, phone=phone).pk).update(
            assignee=owner, status=Status.IN_PROGRESS
        )
    fired = rule(network_department, category_key="network")
    routed = complaint(
        agent,
        language="en",
        description="My broadband has been very slow every evening for a week.",
        phone="13800000009",
    )
    assert routed.language == "en"
    assert routed.assignee == lighter
    assert routed.status == Status.ASSIGNED and not routed.needs_assignment
    [event] = routed.events.filter(kind=EventKind.ROUTED)
    assert event.after["rule"] == fired.name and event.after["rule_id"] == fired.pk
    assert event.after["assignee"] == "light-en" and event.after["assignee_load"] == 2
    # The assignment went through the lifecycle, taken by the system.
    assign = routed.events.get(kind=EventKind.TRANSITION, to_status=Status.ASSIGNED)
    assert assign.actor is None
    chinese = complaint(agent, language="zh-Hans", phone="13800000010")
    assert chinese.assignee == chinese_only


def test_nobody_available_leaves_it_in_the_department_queue_flagged(agent, network_department):
    staff(network_department, "away", ["zh"], is_available=False)
    staff(network_department, "english-only", ["en"])
    rule(network_department, category_key="network")
    routed = complaint(agent, language="zh-Hans")
    assert routed.status == Status.REGISTERED
    assert routed.department == network_department and routed.assignee is None
    assert routed.needs_assignment
    [event] = routed.events.filter(kind=EventKind.ROUTED)
    assert event.after["queued"] is True and event.after["rule"] == "rule 100"
    assert Complaint.objects.filter(needs_assignment=True, department=network_department).exists()


def test_the_first_matching_rule_in_order_decides(agent, network_department, billing_department):
    staff(billing_department, "biller", ["zh"], skills=["*"])
    rule(billing_department, order=5, keywords=["退费"], skill="*")
    rule(network_department, order=10, category_key="network")
    routed = complaint(agent, description="宽带网速慢,要求退费。")
    assert routed.department == billing_department and routed.assignee is not None
    assert routed.assignee.username == "biller"


def test_a_supervisor_queue_rule_takes_only_supervisors(agent, network_department):
    staff(network_department, "handler-zh", ["zh"])
    boss = user_make(
        Role.SUPERVISOR, department=network_department, username="boss", languages=["zh"]
    )
    rule(network_department, channels=["regulator"], queue_role=Role.SUPERVISOR, skill="*")
    routed = complaint(agent, channel="regulator", nature="")
    assert routed.assignee == boss


def test_no_matching_rule_is_flagged_for_manual_routing(agent, network_department):
    rule(network_department, category_key="billing")
    routed = complaint(agent)
    assert routed.department is None and routed.needs_assignment
    [event] = routed.events.filter(kind=EventKind.ROUTED)
    assert event.after["rule"] is None


def test_without_rules_routing_stays_out_of_the_way(agent):
    routed = complaint(agent)
    assert not routed.events.filter(kind=EventKind.ROUTED).exists()
    assert not routed.needs_assignment and complaint_route(complaint=routed) is None


def test_routing_times_the_complaint_by_the_target_departments_calendar(agent):
    hong_kong = department_make("hk-desk", "Hong Kong desk")
    hong_kong.calendar_name = "hk-office"
    hong_kong.save()
    rule(hong_kong, category_key="network")
    routed = complaint(agent)
    assert routed.department == hong_kong and routed.sla_calendar == "hk-office"


def test_a_complaint_assigned_meanwhile_is_not_routed_again(agent, handler, network_department):
    rule(network_department, category_key="network")
    pending = complaint(agent, register=False)
    complaint_transition(complaint=pending, action="register", actor=agent)
    complaint_transition(
        complaint=pending, action="assign", actor=agent, params={"assignee": handler}
    )
    assert complaint_route(complaint=pending) is None


def test_the_system_may_assign_but_take_no_other_action(agent, handler):
    pending = complaint(agent)
    with pytest.raises(Exception, match="may not"):
        complaint_transition(complaint=pending, action="reject", actor=None, note="x")


def test_telecom_defaults_skip_departments_that_do_not_exist_yet(db):
    department_make("network-operations", "Network operations")
    department_make("customer-service", "Customer service")
    first = routing_rules_load_defaults("telecom")
    assert "Network → network operations" in first.created
    assert ("Billing → billing centre", "billing-centre") in first.skipped
    department_make("billing-centre", "Billing centre")
    second = routing_rules_load_defaults("telecom")
    assert second.created == ["Billing → billing centre"]
    assert "Network → network operations" in second.kept


def test_routing_rule_api_is_for_administrators_only(administrator, supervisor, network_department):
    def client(user: User) -> Client:
        _token, raw = ApiToken.issue(user=user, name="test")
        return Client(headers={"Authorization": f"Bearer {raw}"})

    body = {"name": "network", "category_key": "network", "department": "network"}
    refused = client(supervisor).post(
        "/api/routing-rules", data=json.dumps(body), content_type="application/json"
    )
    assert refused.status_code == 403
    assert client(supervisor).get("/api/routing-rules").status_code == 403
    admin = client(administrator)
    created = admin.post(
        "/api/routing-rules", data=json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert created.json()["department"] == "network"
    changed = admin.patch(
        f"/api/routing-rules/{rule_id}",
        data=json.dumps({"order": 7, "channels": ["fax"]}),
        content_type="application/json",
    )
    assert changed.status_code == 422 and changed.json()["field"] == "channels"
    changed = admin.patch(
        f"/api/routing-rules/{rule_id}",
        data=json.dumps({"order": 7, "keywords": ["断网"]}),
        content_type="application/json",
    )
    assert changed.json()["order"] == 7 and changed.json()["keywords"] == ["断网"]
    assert [r["id"] for r in admin.get("/api/routing-rules").json()] == [rule_id]
    assert client(supervisor).delete(f"/api/routing-rules/{rule_id}").status_code == 403
    assert admin.delete(f"/api/routing-rules/{rule_id}").status_code == 204
    assert admin.get(f"/api/routing-rules/{rule_id}").status_code == 404


def test_intake_reads_the_routing_rules_once(agent, network_department):
    handler = staff(network_department, "handler-zh", ["zh"])
    rule(network_department, category_key="network")
    with CaptureQueriesContext(connection) as queries:
        routed = complaint(agent)
    # Placed before registration and routed after it, on the same reading of the rules.
    assert routed.department == network_department and routed.assignee == handler
    reads = [q for q in queries.captured_queries if 'FROM "routing_routingrule"' in q["sql"]]
    assert len(reads) == 1


# Rules that could never hold are refused ----------------------------------------------------


def cleaned(department: Department, **conditions: object) -> ValidationError | None:
    try:
        RoutingRule(name="r", department=department, **conditions).full_clean()
    except ValidationError as error:
        return error
    return None


@pytest.mark.parametrize("code", ["zh", "en", "zh-Hans", "zh-Hant", "en-GB", "ZH"])
def test_a_rule_may_name_a_language_complaints_are_taken_in(network_department, code):
    assert set(spoken_languages()) == {"zh", "en"}
    assert cleaned(network_department, language=code) is None


@pytest.mark.parametrize("code", ["fr", "klingon", "zz-Hans", "zh-", "中文", "en GB"])
def test_a_rule_naming_an_unknown_language_is_refused(network_department, code):
    error = cleaned(network_department, language=code)
    assert error is not None and "language" in error.message_dict
    assert ", ".join(spoken_languages()) in error.message_dict["language"][0]


@pytest.mark.parametrize(
    ("conditions", "field"),
    [
        ({"confidence_at_least": 0.8, "confidence_below": 0.3}, "confidence_at_least"),
        ({"confidence_at_least": 0.5, "confidence_below": 0.5}, "confidence_at_least"),
        ({"confidence_below": 1.5}, "confidence_below"),
        ({"confidence_at_least": -0.1}, "confidence_at_least"),
        ({"confidence_below": float("nan")}, "confidence_below"),
    ],
)
def test_confidence_bounds_that_can_never_hold_are_refused(network_department, conditions, field):
    error = cleaned(network_department, **conditions)
    assert error is not None and field in error.message_dict


def test_a_confidence_band_is_accepted(network_department):
    assert cleaned(network_department, confidence_at_least=0.3, confidence_below=0.8) is None


def test_the_rule_api_refuses_an_unknown_language_and_a_contradictory_band(
    administrator, network_department
):
    _token, raw = ApiToken.issue(user=administrator, name="test")
    admin = Client(headers={"Authorization": f"Bearer {raw}"})

    def send(method: str, url: str, body: dict) -> tuple[int, dict]:
        response = getattr(admin, method)(
            url, data=json.dumps(body), content_type="application/json"
        )
        return response.status_code, response.json()

    body = {"name": "unsure", "department": "network", "confidence_below": 0.5}
    status, answer = send("post", "/api/routing-rules", {**body, "language": "fr"})
    assert status == 422 and answer["field"] == "language"
    assert ", ".join(spoken_languages()) in answer["detail"]
    status, answer = send("post", "/api/routing-rules", {**body, "confidence_at_least": 0.9})
    assert status == 422 and answer["field"] == "confidence_at_least"
    assert "0.9" in answer["detail"] and "0.5" in answer["detail"]
    assert not RoutingRule.objects.exists()
    status, created = send("post", "/api/routing-rules", body)
    assert status == 201
    # A change is checked against what the rule already says.
    url = f"/api/routing-rules/{created['id']}"
    status, answer = send("patch", url, {"confidence_at_least": 0.7})
    assert status == 422 and answer["field"] == "confidence_at_least"
    status, answer = send("patch", url, {"confidence_below": 1.2})
    assert status == 422 and "confidence_below" in answer["detail"]
    stored = RoutingRule.objects.get()
    assert (stored.confidence_at_least, stored.confidence_below) == (None, 0.5)


def test_a_skill_nobody_in_the_department_has_is_refused(network_department):
    staff(network_department, "net-zh", ["zh"], skills=["network", "billing.refund"])
    error = cleaned(network_department, skill="nonexistent-skill")
    assert error is not None and "skill" in error.message_dict
    assert "billing.refund, network" in error.message_dict["skill"][0]


@pytest.mark.parametrize("skill", ["network", "network.speed", "*", ""])
def test_a_skill_someone_in_the_department_has_is_accepted(network_department, skill):
    staff(network_department, "net-zh", ["zh"], skills=["network"])
    assert cleaned(network_department, skill=skill) is None


def test_a_skill_only_staff_outside_the_rules_queue_have_is_refused(network_department):
    staff(network_department, "net-zh", ["zh"], skills=["network"])
    user_make(Role.SUPERVISOR, department=network_department, skills=["billing"])
    assert cleaned(network_department, skill="network", queue_role=Role.SUPERVISOR) is not None
    staff(network_department, "gone", ["zh"], skills=["billing"], is_active=False)
    assert cleaned(network_department, skill="billing") is not None


def test_a_department_without_staff_yet_takes_a_rule_with_any_skill(network_department):
    # Rules are set up ahead of the people (presets, then the first hires).
    assert cleaned(network_department, skill="nonexistent-skill") is None


def test_a_rule_keeps_its_skill_after_the_last_person_with_it_leaves(network_department):
    person = staff(network_department, "net-zh", ["zh"], skills=["network"])
    staff(network_department, "billing-zh", ["zh"], skills=["billing"])
    kept = rule(network_department, skill="network")
    person.is_active = False
    person.save()
    kept.name = "renamed"
    kept.full_clean()
    kept.skill = "network.speed"
    with pytest.raises(ValidationError):
        kept.full_clean()


def _admin_client(user: User) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_the_rule_api_refuses_an_unknown_skill_with_422(administrator, network_department):
    staff(network_department, "net-zh", ["zh"], skills=["network"])
    body = {"name": "n", "department": "network", "skill": "nonexistent-skill"}
    response = _admin_client(administrator).post(
        "/api/routing-rules", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "skill"
    assert not RoutingRule.objects.exists()


def test_rule_api_errors_say_what_to_do_without_repeating_the_field(
    administrator, analyst, network_department
):
    admin = _admin_client(administrator)
    created = rule(network_department)
    url = f"/api/routing-rules/{created.pk}"
    response = admin.patch(
        url, data=json.dumps({"department": None}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["field"] == "department"
    assert "needs a target department" in response.json()["detail"]
    assert "None" not in response.json()["detail"]
    response = admin.patch(
        url, data=json.dumps({"language": "fr"}), content_type="application/json"
    )
    assert response.json()["field"] == "language"
    assert response.json()["detail"].startswith("Unknown language fr")
    refused = _admin_client(analyst).get("/api/routing-rules")
    assert refused.status_code == 403
    assert "may see" in refused.json()["detail"]
    assert RoutingRule.objects.get().department == network_department


def test_a_copy_of_an_active_rule_is_refused_where_the_admin_saves_it(network_department):
    first = rule(network_department, category_key="network", language="zh-Hans")
    # "zh" is the spoken language of "zh-Hans": the copy would match the same complaints.
    error = cleaned(network_department, category_key="network", language="zh")
    assert error is not None
    assert f"#{first.pk}" in error.message_dict[NON_FIELD_ERRORS][0]
    assert cleaned(network_department, category_key="network", language="en") is None
