"""Issue 6 end to end, through the HTTP API: one complaint from registration to a closed loop,
one whose plan is sent back and revised, one reopened by a dissatisfied survey answer.

Staff act with API tokens; the customer follows the consent and survey links of the notices
with a plain browser-like client that keeps its cookies and sends the CSRF token it was given.
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from complaintdesk.accounts.models import Department, User
from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.core import clock
from complaintdesk.handling.choices import AuthorityLevel
from complaintdesk.handling.models import ApprovalAuthority
from complaintdesk.remedies.models import CompensationBudget
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def telecom_taxonomy(db: None) -> None:
    # Loaded once per installation (`complaintdesk setup --industry telecom`), not via the API.
    taxonomy_load_preset("telecom")


COMPLAINT = {
    "channel": "web",
    "subject": "宽带断网三天",
    "description": "我家宽带从周一晚上开始断网,到现在三天了,报修两次都没人上门,影响在家办公。",
    # The portal inbox publishes at once; SMS and e-mail delivery have their own tests.
    "customer": {
        "name": "陈女士",
        "phone": "13800138000",
        "account_number": "GZ-88123",
        "preferred_channel": "portal",
    },
    "demands": ["repair", "compensation"],
    "expected_resolution": "尽快修好并退还断网期间的月租",
}
SURVEY_PATH = re.compile(r"/survey/[\w-]+/")
CONSENT_PATH = re.compile(r"/consent/[\w-]+/")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Helpers ----------------------------------------------------------------------------------


def register(agent: User, **changes: object) -> str:
    response = post_json(api_client(agent), "/api/complaints", {**COMPLAINT, **changes})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "registered"
    return response.json()["tracking_number"]


def act(user: User, tn: str, action: str, **fields: str) -> dict:
    response = post_json(
        api_client(user), f"/api/complaints/{tn}/transitions", {"action": action, **fields}
    )
    assert response.status_code == 200, response.content
    return response.json()


def assigned_and_started(agent: User, handler: User, tn: str) -> None:
    assert act(agent, tn, "assign", assignee=handler.username)["department"] == "network"
    assert act(handler, tn, "start")["status"] == "in_progress"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def plan_body(handler: User, **changes: object) -> dict:
    body = {
        "measures": "派装维工程师上门更换光猫并测速;退还断网期间的月租。",
        "deadline": (clock.now() + timedelta(days=3)).isoformat(),
        "responsible_department": "network",
        "responsible_person": handler.username,
        "coordination": "与装维班组电话协调上门时间。",
        "agreed_scope": "更换光猫,退还三天月租。",
        "steps": [{"title": "预约上门时间"}, {"title": "更换光猫并测速"}],
    }
    return {**body, **changes}


def month_budget(department: Department, amount: str) -> None:
    # There is no budget endpoint: administrators set budgets in the Django admin.
    CompensationBudget.objects.create(
        department=department,
        month=timezone.localdate(clock.now()).replace(day=1),
        currency="CNY",
        amount=Decimal(amount),
    )


def whole_list(user: User, url: str) -> list[dict]:
    page = ok(api_client(user).get(url, {"page_size": 200}))
    assert page["count"] <= 200, "the story outgrew one page"
    return page["results"]


def messages(user: User, tn: str) -> list[dict]:
    return whole_list(user, f"/api/complaints/{tn}/messages")


def events(user: User, tn: str) -> list[dict]:
    return whole_list(user, f"/api/complaints/{tn}/events")


def link_sent_to_customer(tn: str, pattern: re.Pattern[str]) -> str:
    """The newest such link where the customer reads it: the status page (the portal inbox).
    Staff see it masked in the messages and the timeline."""
    phone_tail = COMPLAINT["customer"]["phone"][-4:]
    status, page = customer_submits("/track/", {"tracking_number": tn, "phone_tail": phone_tail})
    assert status == 200, page
    found = pattern.findall(page)
    assert found, page
    return found[-1]


def customer_submits(path: str, data: dict) -> tuple[int, str]:
    """Open the public page as the customer's browser would, then send the form on it."""
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path)
    assert page.status_code == 200, page.content
    token = CSRF_INPUT.search(page.content.decode())
    assert token, "the form carries no CSRF token"
    answer = browser.post(path, {**data, "csrfmiddlewaretoken": token.group(1)})
    return answer.status_code, answer.content.decode()


def statuses(timeline: list[dict]) -> list[str]:
    return [e["to_status"] for e in timeline if e["kind"] == "transition"]


def steps_of(timeline: list[dict], kind: str) -> list[str]:
    return [
        e["after"].get("step") or e["after"].get("status") for e in timeline if e["kind"] == kind
    ]


# 1. The whole way ---------------------------------------------------------------------------


@pytest.fixture
def manager(second_supervisor: User) -> User:
    # A manager's authority is granted in the admin (no endpoint).
    ApprovalAuthority.objects.create(user=second_supervisor, level=AuthorityLevel.MANAGER)
    return second_supervisor


def test_a_major_complaint_goes_from_registration_to_a_closed_loop(
    agent, handler, supervisor, manager, network_department
):
    month_budget(network_department, "1000")
    tn = register(agent, nature="major")
    assigned_and_started(agent, handler, tn)
    base = f"/api/complaints/{tn}"
    staff = api_client(handler)

    # Reply: a progress message with the expected time, the first real answer.
    reply = ok(
        post_json(
            staff,
            f"{base}/messages",
            {"purpose": "progress", "note": "已安排工程师核查线路,预计两天内上门。"},
        ),
        201,
    )
    assert (reply["purpose"], reply["channel"], reply["status"]) == (
        "progress",
        "portal",
        "published",
    )
    assert ok(staff.get(base))["sla"]["first_responded_at"] is not None

    # Responsibility: investigation note as evidence, proposed, reviewed by someone else,
    # accountability recorded, communicated with an apology, final; a rectification done.
    note = ok(
        post_json(staff, f"{base}/notes", {"text": "核查:分光器端口故障,两次派单未执行。"}), 201
    )
    determination = ok(
        post_json(
            staff,
            f"{base}/determinations",
            {
                "party": "company",
                "reason": "service_defect",
                "facts": "分光器端口故障导致断网三天,报修派单两次未执行。",
                "note_ids": [note["id"]],
            },
        ),
        201,
    )
    det = f"{base}/determinations/{determination['id']}"
    own_review = post_json(staff, f"{det}/review", {"approve": True})
    assert own_review.status_code == 403
    reviewed = ok(post_json(api_client(supervisor), f"{det}/review", {"approve": True}))
    assert (reviewed["status"], reviewed["reviewed_by"]) == ("reviewed", "supervisor")
    ok(
        post_json(
            api_client(supervisor),
            f"{det}/accountability",
            {"kind": "department", "measure": "corrective", "department": "network"},
        ),
        201,
    )
    ok(
        post_json(
            staff,
            f"{det}/communication",
            {
                "communication": "电话告知客户:断网由我方设备故障造成,已致歉。",
                "response": "accepts",
                "apologised": True,
            },
        )
    )
    final = ok(post_json(staff, f"{det}/final", {}))
    assert (final["status"], final["note_ids"]) == ("final", [note["id"]])
    rectification = ok(
        post_json(
            api_client(supervisor),
            f"{det}/rectifications",
            {
                "description": "派单超时未执行纳入装维班组考核。",
                "owner": handler.username,
                "due_on": (timezone.localdate(clock.now()) + timedelta(days=14)).isoformat(),
            },
        ),
        201,
    )
    done = ok(
        post_json(
            staff,
            f"{base}/rectifications/{rectification['id']}",
            {"status": "done", "note": "已纳入本月考核。"},
        )
    )
    assert done["status"] == "done"

    # Handling plan with a compensation item over ¥500 on a major complaint: the chain is a
    # supervisor, then a manager.
    clauses = {c["code"] for c in ok(staff.get("/api/policy-clauses"))}
    assert "tariff-overcharge" in clauses
    plan = ok(post_json(staff, f"{base}/plans", plan_body(handler)), 201)
    plans_url = f"{base}/plans/{plan['id']}"
    item = ok(
        post_json(
            staff,
            f"{base}/compensation",
            {
                "form": "refund",
                "amount": "600.00",
                "policy_clause": "tariff-overcharge",
                "assessed_loss": "600.00",
                "description": "退还断网期间月租",
                "plan_id": plan["id"],
            },
        ),
        201,
    )
    submitted = ok(post_json(staff, f"{plans_url}/submit", {}))
    assert submitted["status"] == "submitted"
    assert [s["level"] for s in submitted["approval_chain"]] == ["supervisor", "manager"]
    assert ok(staff.get(base))["status"] == "awaiting_approval"
    assert post_json(staff, f"{plans_url}/approve", {}).status_code == 403

    first = ok(post_json(api_client(supervisor), f"{plans_url}/approve", {"note": "同意。"}))
    assert first["status"] == "submitted"
    assert ok(staff.get(base))["status"] == "awaiting_approval"
    approved = ok(post_json(api_client(manager), f"{plans_url}/approve", {"note": "同意退费。"}))
    assert approved["status"] == "approved"
    assert [(s["decision"], s["approver"]) for s in approved["approval_chain"]] == [
        ("approved", "supervisor"),
        ("approved", "supervisor2"),
    ]
    assert ok(staff.get(base))["status"] == "executing"
    [budget] = ok(staff.get("/api/compensation/budgets"))
    assert (budget["committed"], budget["remaining"]) == ("600.00", "400.00")

    # Execution steps checked off; the first progress note goes to the customer.
    first_step, second_step = approved["steps"]
    ok(
        post_json(
            staff,
            f"{plans_url}/steps/{first_step['id']}/done",
            {"note": "已与客户约定周四晚上门。", "send_to_customer": True},
        )
    )
    ok(post_json(staff, f"{plans_url}/steps/{second_step['id']}/done", {"note": "已更换光猫。"}))

    # Compensation offered with a consent link in the notice; the customer accepts through it.
    offer = ok(post_json(staff, f"{base}/compensation-offers", {"send_notice": True}), 201)
    assert offer["item_ids"] == [item["id"]]
    consent_path = link_sent_to_customer(tn, CONSENT_PATH)
    assert offer["link"].endswith(consent_path)
    status, page = customer_submits(consent_path, {"decision": "accepted", "note": "同意。"})
    assert status == 200, page
    [answered] = ok(staff.get(f"{base}/compensation-offers"))
    assert (answered["decision"], answered["method"]) == ("accepted", "link")
    again, _page = customer_submits(consent_path, {"decision": "declined"})
    assert again == 409

    # Fulfilment recorded by the handler, confirmed by someone else.
    fulfilled = ok(
        post_json(staff, f"{base}/compensation/{item['id']}/fulfil", {"reference": "ADJ-2026-0042"})
    )
    assert fulfilled["status"] == "fulfilled"
    confirmed = ok(
        post_json(
            api_client(supervisor),
            f"{base}/compensation/{item['id']}/confirm",
            {"method": "records", "effect_note": "退费已到账。"},
        )
    )
    assert confirmed["status"] == "confirmed"

    # Result notified; the survey goes out with it and is answered (satisfied).
    resolved = act(handler, tn, "resolve", note="光猫已更换,网络恢复;断网期间月租600元已退还。")
    assert resolved["status"] == "resolved"
    survey_path = link_sent_to_customer(tn, SURVEY_PATH)
    status, page = customer_submits(
        survey_path,
        {
            "overall": "5",
            "problem_solved": "yes",
            "outcome_fairness": "5",
            "procedural_fairness": "4",
            "interactional_fairness": "5",
            "handler_attitude": "5",
            "comment": "处理及时,谢谢。",
        },
    )
    assert status == 200, page
    [survey] = ok(staff.get(f"{base}/surveys"))
    assert (survey["status"], survey["overall"], survey["problem_solved"]) == (
        "answered",
        5,
        True,
    )
    assert survey["consequence"] == ""

    # Closed; the follow-up visits are planned; the first finds the problem did not return.
    assert act(handler, tn, "close")["status"] == "closed"
    visits = ok(staff.get(f"{base}/follow-up-visits"))
    assert [v["offset_days"] for v in visits] == [7, 30]
    with clock.travel_to(timezone.now() + timedelta(days=8)):
        due = ok(api_client(agent).get("/api/follow-up-visits/due"))["results"]
        assert [v["id"] for v in due] == [visits[0]["id"]]
        recorded = ok(
            post_json(
                api_client(agent),
                f"/api/follow-up-visits/{visits[0]['id']}/outcome",
                {"reached": True, "problem_returned": False, "note": "客户表示网络一直正常。"},
            )
        )
    assert (recorded["status"], recorded["problem_returned"]) == ("done", False)
    after = ok(staff.get(base))
    assert (after["status"], after["reopen_count"]) == ("closed", 0)

    # The timeline tells the whole story in order.
    timeline = events(handler, tn)
    assert statuses(timeline) == [
        "registered",
        "assigned",
        "in_progress",
        "awaiting_approval",
        "executing",
        "resolved",
        "closed",
    ]
    assert steps_of(timeline, "responsibility") == [
        "proposed",
        "reviewed",
        "accountability",
        "communicated",
        "final",
        "rectification",
        "rectification_update",
    ]
    review = next(e for e in timeline if e["after"].get("step") == "reviewed")
    assert review["actor"] == "supervisor"
    assert steps_of(timeline, "plan") == [
        "drafted",
        "submitted",
        "step_approved",
        "step_approved",
        "approved",
        "step_done",
        "step_done",
    ]
    assert steps_of(timeline, "compensation") == [
        "proposed",
        "approved",
        "offered",
        "consent_accepted",
        "fulfilled",
        "confirmed",
    ]
    assert steps_of(timeline, "survey") == ["sent", "answered"]
    assert steps_of(timeline, "follow_up") == ["planned", "recorded"]
    purposes = [e["after"]["purpose"] for e in timeline if e["kind"] == "message"]
    assert purposes == [
        "acknowledgement",
        "progress",
        "progress",
        "compensation_offer",
        "result",
        "survey",
    ]

    # What the customer sees: the messages, the consent and the result, not internal work.
    visible = {
        (e["kind"], e["to_status"] or e["after"].get("step") or e["after"].get("purpose"))
        for e in timeline
        if e["visibility"] == "customer"
    }
    assert {
        ("message", "progress"),
        ("compensation", "consent_accepted"),
        ("transition", "resolved"),
        ("message", "result"),
    } <= visible
    internal = {e["kind"] for e in timeline if e["visibility"] != "customer"}
    assert {"responsibility", "plan", "note"} <= internal
    assert not {"responsibility", "plan", "note"} & {k for k, _ in visible}

    notices = messages(handler, tn)
    assert [n["purpose"] for n in notices] == purposes
    assert all(tn in n["body"] or tn in n["subject"] for n in notices)
    result = next(n for n in notices if n["purpose"] == "result")
    assert "月租600元已退还" in result["body"]


# 2. A plan sent back, revised and approved ---------------------------------------------------


def test_a_plan_sent_back_with_a_reason_is_revised_as_a_new_version_and_approved(
    agent, handler, supervisor, network_department
):
    month_budget(network_department, "1000")
    tn = register(agent, nature="general")
    assigned_and_started(agent, handler, tn)
    base = f"/api/complaints/{tn}"
    staff = api_client(handler)
    plan = ok(post_json(staff, f"{base}/plans", plan_body(handler)), 201)
    item = ok(
        post_json(
            staff,
            f"{base}/compensation",
            {
                "form": "gift",
                "amount": "150",
                "policy_clause": "goodwill-care",
                "plan_id": plan["id"],
            },
        ),
        201,
    )
    ok(post_json(staff, f"{base}/plans/{plan['id']}/submit", {}))

    refused = post_json(api_client(supervisor), f"{base}/plans/{plan['id']}/reject", {})
    assert refused.status_code == 422
    rejected = ok(
        post_json(
            api_client(supervisor),
            f"{base}/plans/{plan['id']}/reject",
            {"reason": "没有写明上门时限,请补充并改为退还月租。"},
        )
    )
    assert (rejected["status"], rejected["rejection_reason"]) == (
        "rejected",
        "没有写明上门时限,请补充并改为退还月租。",
    )
    assert rejected["approval_chain"][0]["decision"] == "rejected"
    assert ok(staff.get(base))["status"] == "in_progress"
    # A sent-back plan is not edited or resubmitted; it is revised as a new version.
    assert post_json(staff, f"{base}/plans/{plan['id']}/submit", {}).status_code == 409

    revised = ok(
        post_json(
            staff,
            f"{base}/plans/{plan['id']}/revision",
            plan_body(handler, measures="48小时内派工程师上门更换光猫;赠送流量礼包致歉。"),
        ),
        201,
    )
    assert (revised["version"], revised["status"]) == (2, "draft")
    assert revised["compensation"] == {"CNY": "150.00"}  # the proposed item moved along
    [moved] = ok(staff.get(f"{base}/compensation"))
    assert (moved["id"], moved["plan_id"]) == (item["id"], revised["id"])

    ok(post_json(staff, f"{base}/plans/{revised['id']}/submit", {}))
    approved = ok(post_json(api_client(supervisor), f"{base}/plans/{revised['id']}/approve", {}))
    assert approved["status"] == "approved"
    complaint = ok(staff.get(base))
    assert complaint["status"] == "executing"

    versions = ok(staff.get(f"{base}/plans"))
    assert sorted((p["version"], p["status"]) for p in versions) == [
        (1, "rejected"),
        (2, "approved"),
    ]
    timeline = events(handler, tn)
    assert statuses(timeline) == [
        "registered",
        "assigned",
        "in_progress",
        "awaiting_approval",
        "in_progress",
        "awaiting_approval",
        "executing",
    ]
    assert steps_of(timeline, "plan") == [
        "drafted",
        "submitted",
        "rejected",
        "revised",
        "submitted",
        "step_approved",
        "approved",
    ]
    sent_back = next(
        e for e in timeline if e["kind"] == "plan" and e["after"]["step"] == "rejected"
    )
    assert sent_back["note"] == "没有写明上门时限,请补充并改为退还月租。"
    assert sent_back["actor"] == "supervisor"


# 3. Reopened by a dissatisfied survey answer ----------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        {"overall": "1", "problem_solved": "yes", "comment": "态度很差。"},
        {"overall": "4", "problem_solved": "no"},
    ],
    ids=["overall-1", "not-solved"],
)
def test_a_dissatisfied_survey_answer_reopens_the_complaint(agent, handler, answer):
    tn = register(agent, nature="general")
    assigned_and_started(agent, handler, tn)
    act(handler, tn, "resolve", note="已远程重置端口,网络恢复。")
    survey_path = link_sent_to_customer(tn, SURVEY_PATH)

    status, page = customer_submits(survey_path, answer)
    assert status == 200, page

    complaint = ok(api_client(handler).get(f"/api/complaints/{tn}"))
    assert (complaint["status"], complaint["reopen_count"]) == ("reopened", 1)
    [survey] = ok(api_client(handler).get(f"/api/complaints/{tn}/surveys"))
    assert (survey["status"], survey["consequence"]) == ("answered", "reopened")
    timeline = events(handler, tn)
    assert statuses(timeline) == ["registered", "assigned", "in_progress", "resolved", "reopened"]
    reopened = [e for e in timeline if e["kind"] == "transition"][-1]
    assert reopened["actor"] is None  # the system, on the customer's answer
    assert reopened["after"]["action"] == "reopen"
    assert "satisfaction survey" in reopened["note"] or "满意度" in reopened["note"]
    assert steps_of(timeline, "survey") == ["sent", "answered"]
    # The link works once: a second visit says so and changes nothing.
    again, _page = customer_submits(survey_path, answer)
    assert again == 409
    assert ok(api_client(handler).get(f"/api/complaints/{tn}"))["reopen_count"] == 1


# Links the customer receives ---------------------------------------------------------------------


def test_the_consent_link_starts_with_the_public_address_like_the_survey_link(
    agent, handler, supervisor, network_department, settings
):
    month_budget(network_department, "1000")
    tn = register(agent, nature="general")
    assigned_and_started(agent, handler, tn)
    base = f"/api/complaints/{tn}"
    staff = api_client(handler)
    item = ok(
        post_json(
            staff,
            f"{base}/compensation",
            {"form": "gift", "amount": "50", "policy_clause": "goodwill-care"},
        ),
        201,
    )
    ok(post_json(api_client(supervisor), f"{base}/compensation/{item['id']}/approve", {}))

    # The API is called on the host the integration uses ("testserver" here), which need
    # not be the address customers can reach.
    offer = ok(post_json(staff, f"{base}/compensation-offers", {"send_notice": True}), 201)
    assert offer["link"].startswith(f"{settings.PUBLIC_BASE_URL}/consent/"), offer["link"]

    # The result waits for the compensation to be settled; here the customer declines it.
    consent_path = CONSENT_PATH.search(offer["link"])
    assert consent_path is not None, offer["link"]
    status, page = customer_submits(consent_path.group(0), {"decision": "declined"})
    assert status == 200, page
    act(handler, tn, "resolve", note="已远程重置端口,网络恢复。")
    survey_notice = next(m for m in messages(handler, tn) if m["purpose"] == "survey")
    assert f"{settings.PUBLIC_BASE_URL}/survey/" in survey_notice["body"]
