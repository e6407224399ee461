"""The handling API: determinations with review, plans through rejection, revision and
approval, the period listing; every endpoint answers 404 for another department's complaint."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.api.tests.test_complaints_api import api_client, post_json
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import user_make
from complaintdesk.handling.tests.support import handled_complaint
from complaintdesk.intake.services import DESCRIPTION_MAX

pytestmark = pytest.mark.django_db


def _plan_body(handler, **overrides):
    body = {
        "measures": "上门更换光猫。",
        "deadline": (clock.now() + timedelta(days=2)).isoformat(),
        "responsible_department": handler.department.code,
        "responsible_person": handler.username,
        "collaborating_departments": ["billing"],
        "coordination": "账务中心负责减免。",
        "risks": "备件不足:从邻近仓调货。",
        "agreed_scope": "更换光猫。",
        "steps": [{"title": "预约上门"}, {"title": "更换并测速"}],
    }
    body.update(overrides)
    return body


def test_a_determination_is_proposed_reviewed_communicated_and_final(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    url = f"/api/complaints/{complaint.tracking_number}/determinations"
    created = post_json(
        api_client(handler),
        url,
        {"party": "customer", "reason": "against_agreement", "facts": "客户私自改装设备。"},
    )
    assert created.status_code == 201, created.content
    d = created.json()
    own = post_json(api_client(handler), f"{url}/{d['id']}/review", {"approve": True})
    assert own.status_code == 403
    assert "other than its proposer" in own.json()["detail"]
    reviewed = post_json(api_client(supervisor), f"{url}/{d['id']}/review", {"approve": True})
    assert reviewed.json()["reviewed_by"] == "supervisor"
    told = post_json(
        api_client(handler),
        f"{url}/{d['id']}/communication",
        {"communication": "已说明协议条款。", "response": "accepts"},
    )
    assert told.json()["status"] == "communicated"
    final = post_json(api_client(handler), f"{url}/{d['id']}/final", {})
    assert final.status_code == 200 and final.json()["status"] == "final"

    action = post_json(
        api_client(supervisor),
        f"{url}/{d['id']}/rectifications",
        {
            "description": "补充协议提示话术。",
            "owner": "handler",
            "due_on": (clock.now() + timedelta(days=7)).date().isoformat(),
        },
    )
    assert action.status_code == 201
    done = post_json(
        api_client(handler),
        f"/api/complaints/{complaint.tracking_number}/rectifications/{action.json()['id']}",
        {"status": "done", "note": "话术已更新。"},
    )
    assert done.json()["status"] == "done"

    period = api_client(supervisor).get(
        "/api/determinations",
        {
            "date_from": (clock.now() - timedelta(days=1)).isoformat(),
            "date_to": (clock.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert period.status_code == 200
    assert period.json()["count"] == 1
    assert period.json()["by_reason"] == {"against_agreement": 1}


def test_a_plan_is_rejected_revised_and_approved(agent, handler, supervisor, billing_department):
    complaint = handled_complaint(agent, handler)
    base = f"/api/complaints/{complaint.tracking_number}/plans"
    plan = post_json(api_client(handler), base, _plan_body(handler))
    assert plan.status_code == 201, plan.content
    plan_id = plan.json()["id"]
    submitted = post_json(api_client(handler), f"{base}/{plan_id}/submit", {})
    assert submitted.json()["approval_chain"][0]["level"] == "supervisor"
    own = post_json(api_client(handler), f"{base}/{plan_id}/approve", {})
    assert own.status_code == 403
    rejected = post_json(
        api_client(supervisor), f"{base}/{plan_id}/reject", {"reason": "请补充风险预案。"}
    )
    assert rejected.json()["status"] == "rejected"
    v2 = post_json(
        api_client(handler),
        f"{base}/{plan_id}/revision",
        _plan_body(handler, risks="备件不足:从邻近仓调货;客户不在家:晚间上门。", steps=None),
    )
    assert v2.status_code == 201 and v2.json()["version"] == 2
    v2_id = v2.json()["id"]
    post_json(api_client(handler), f"{base}/{v2_id}/submit", {})
    approved = post_json(api_client(supervisor), f"{base}/{v2_id}/approve", {"note": "同意"})
    assert approved.json()["status"] == "approved"
    step_id = approved.json()["steps"][0]["id"]
    checked = post_json(
        api_client(handler), f"{base}/{v2_id}/steps/{step_id}/done", {"note": "已预约周六。"}
    )
    assert checked.json()["steps"][0]["done_by"] == "handler"
    versions = api_client(handler).get(base).json()
    assert [(p["version"], p["status"]) for p in versions] == [(1, "rejected"), (2, "approved")]
    complaint_out = api_client(handler).get(f"/api/complaints/{complaint.tracking_number}")
    assert complaint_out.json()["status"] == "executing"


def test_a_bare_plan_transition_is_refused_and_points_to_the_plan_record(
    agent, handler, supervisor, billing_department
):
    # QA: submit_plan then approve_plan by another department's supervisor gave 200 executing
    # with no plan record; a real draft plan was stranded and could not be submitted.
    complaint = handled_complaint(agent, handler)
    tn = complaint.tracking_number
    plan = post_json(api_client(handler), f"/api/complaints/{tn}/plans", _plan_body(handler))
    assert plan.status_code == 201, plan.content
    transitions = f"/api/complaints/{tn}/transitions"
    for actor, action in ((handler, "submit_plan"), (supervisor, "approve_plan")):
        refused = post_json(
            api_client(actor), transitions, {"action": action, "note": "退还58元并赔偿100元话费"}
        )
        assert refused.status_code == 409, refused.content
        assert "plan record" in refused.json()["detail"]
    assert api_client(handler).get(f"/api/complaints/{tn}").json()["status"] == "in_progress"

    submitted = post_json(
        api_client(handler), f"/api/complaints/{tn}/plans/{plan.json()['id']}/submit", {}
    )
    assert submitted.status_code == 200, submitted.content
    refused = post_json(api_client(supervisor), transitions, {"action": "approve_plan"})
    assert refused.status_code == 409
    assert "plan record" in refused.json()["detail"]
    complaint_now = api_client(handler).get(f"/api/complaints/{tn}").json()
    assert complaint_now["status"] == "awaiting_approval"
    assert "approve_plan" not in complaint_now["allowed_actions"]


def test_the_result_waits_for_the_plan_and_names_what_is_open(agent, handler, billing_department):
    complaint = handled_complaint(agent, handler)
    tn = complaint.tracking_number
    drafted = post_json(api_client(handler), f"/api/complaints/{tn}/plans", _plan_body(handler))
    assert drafted.status_code == 201, drafted.content
    refused = post_json(
        api_client(handler),
        f"/api/complaints/{tn}/transitions",
        {"action": "resolve", "note": "已处理。"},
    )
    assert refused.status_code == 409, refused.content
    assert "v1" in refused.json()["detail"]
    assert api_client(handler).get(f"/api/complaints/{tn}").json()["status"] == "in_progress"


def test_an_intake_agent_cannot_resolve_another_handlers_complaint(agent, handler):
    # QA: MK94-YR3E-J, assigned to a handler, was resolved and closed by an intake agent.
    complaint = handled_complaint(agent, handler)
    tn = complaint.tracking_number
    refused = post_json(
        api_client(agent),
        f"/api/complaints/{tn}/transitions",
        {"action": "resolve", "note": "已处理。"},
    )
    assert refused.status_code == 403, refused.content
    assert api_client(agent).get(f"/api/complaints/{tn}").json()["status"] == "in_progress"


ENDPOINTS = [
    ("get", "/determinations"),
    ("post", "/determinations"),
    ("post", "/determinations/1/revise"),
    ("post", "/determinations/1/review"),
    ("post", "/determinations/1/communication"),
    ("post", "/determinations/1/final"),
    ("post", "/determinations/1/accountability"),
    ("post", "/determinations/1/rectifications"),
    ("post", "/rectifications/1"),
    ("get", "/plans"),
    ("post", "/plans"),
    ("put", "/plans/1"),
    ("post", "/plans/1/revision"),
    ("post", "/plans/1/submit"),
    ("post", "/plans/1/approve"),
    ("post", "/plans/1/reject"),
    ("post", "/plans/1/steps/1/done"),
]
BODIES = {
    "/determinations": {"party": "company", "reason": "service_defect", "facts": "x"},
    "/determinations/1/revise": {"party": "company", "reason": "service_defect", "facts": "x"},
    "/determinations/1/review": {"approve": True},
    "/determinations/1/communication": {"communication": "x", "response": "accepts"},
    "/determinations/1/accountability": {"kind": "customer", "measure": "explanation"},
    "/determinations/1/rectifications": {
        "description": "x",
        "owner": "handler",
        "due_on": "2030-01-01",
    },
    "/rectifications/1": {"status": "done", "note": "x"},
    "/plans/1/reject": {"reason": "x"},
    "/plans/1/steps/1/done": {"note": "x"},
}


@pytest.mark.parametrize(("method", "suffix"), ENDPOINTS)
def test_another_departments_complaint_is_not_found(
    method, suffix, agent, handler, other_department_handler
):
    complaint = handled_complaint(agent, handler)
    url = f"/api/complaints/{complaint.tracking_number}{suffix}"
    client = api_client(other_department_handler)
    if suffix in {"/plans", "/plans/1", "/plans/1/revision"} and method != "get":
        body = _plan_body(handler)
    else:
        body = BODIES.get(suffix, {})
    if method == "get":
        response = client.get(url)
    else:
        response = getattr(client, method)(url, data=body, content_type="application/json")
    assert response.status_code == 404, response.content


def test_the_period_listing_leaves_out_other_departments(
    agent, handler, supervisor, other_department_handler
):
    complaint = handled_complaint(agent, handler)
    from complaintdesk.handling.responsibility import (
        determination_communicate,
        determination_finalise,
        determination_propose,
        determination_review,
    )

    d = determination_propose(
        complaint=complaint,
        actor=handler,
        party="misunderstanding",
        reason="explained",
        facts="资费已按套餐计算。",
    )
    d = determination_review(determination=d, actor=supervisor, approve=True)
    d = determination_communicate(
        determination=d, actor=handler, communication="已解释。", response="accepts"
    )
    determination_finalise(determination=d, actor=handler)
    window = {
        "date_from": (clock.now() - timedelta(days=1)).isoformat(),
        "date_to": (clock.now() + timedelta(days=1)).isoformat(),
    }
    assert api_client(handler).get("/api/determinations", window).json()["count"] == 1
    theirs = api_client(other_department_handler).get("/api/determinations", window)
    assert theirs.status_code == 200 and theirs.json()["count"] == 0


def test_an_analyst_reads_determination_facts_masked(agent, handler, analyst):
    complaint = handled_complaint(agent, handler)
    url = f"/api/complaints/{complaint.tracking_number}/determinations"
    post_json(
        api_client(handler),
        url,
        {"party": "company", "reason": "service_defect", "facts": "客户13812345678反映断网三天。"},
    )
    facts = api_client(analyst).get(url).json()[0]["facts"]
    assert "13812345678" not in facts
    assert api_client(handler).get(url).json()[0]["facts"] == "客户13812345678反映断网三天。"


def test_open_rectifications_are_listed_for_their_owner(
    agent, handler, supervisor, other_department_handler
):
    from complaintdesk.handling.responsibility import determination_propose, rectification_add

    complaint = handled_complaint(agent, handler)
    d = determination_propose(
        complaint=complaint,
        actor=handler,
        party="company",
        reason="service_defect",
        facts="光猫批次缺陷。",
    )
    rectification_add(
        determination=d,
        actor=supervisor,
        description="更换同批次光猫。",
        owner=handler,
        due_on=clock.now().date() + timedelta(days=5),
    )
    mine = api_client(handler).get("/api/rectifications", {"owner": "me"}).json()["results"]
    assert [(a["tracking_number"], a["status"]) for a in mine] == [
        (complaint.tracking_number, "open")
    ]
    overdue = api_client(handler).get("/api/rectifications", {"overdue": True}).json()
    assert (overdue["count"], overdue["results"]) == (0, [])
    assert api_client(other_department_handler).get("/api/rectifications").json()["count"] == 0


def test_a_plan_sent_back_is_withdrawn_and_the_complaint_resolved(
    agent, handler, supervisor, billing_department
):
    complaint = handled_complaint(agent, handler)
    tn = complaint.tracking_number
    base = f"/api/complaints/{tn}/plans"
    plan_id = post_json(api_client(handler), base, _plan_body(handler)).json()["id"]
    post_json(api_client(handler), f"{base}/{plan_id}/submit", {})
    post_json(api_client(supervisor), f"{base}/{plan_id}/reject", {"reason": "请补充风险预案。"})

    not_theirs = post_json(api_client(agent), f"{base}/{plan_id}/withdraw", {"reason": "不要了"})
    assert not_theirs.status_code == 403, not_theirs.content
    no_reason = post_json(api_client(handler), f"{base}/{plan_id}/withdraw", {"reason": " "})
    assert no_reason.status_code == 422 and no_reason.json()["detail"]
    withdrawn = post_json(
        api_client(handler), f"{base}/{plan_id}/withdraw", {"reason": "客户已自行解决。"}
    )
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["status"] == "withdrawn"
    again = post_json(api_client(handler), f"{base}/{plan_id}/withdraw", {"reason": "再撤一次"})
    assert again.status_code == 409

    resolved = post_json(
        api_client(handler),
        f"/api/complaints/{tn}/transitions",
        {"action": "resolve", "note": "客户已自行解决,无需上门。"},
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"


def test_a_supervisor_of_another_department_cannot_approve_through_the_api(
    agent, handler, billing_department
):
    outsider = user_make(Role.SUPERVISOR, department=billing_department, username="billing-sup")
    complaint = handled_complaint(agent, handler)
    base = f"/api/complaints/{complaint.tracking_number}/plans"
    plan_id = post_json(api_client(handler), base, _plan_body(handler)).json()["id"]
    post_json(api_client(handler), f"{base}/{plan_id}/submit", {})
    refused = post_json(api_client(outsider), f"{base}/{plan_id}/approve", {})
    assert refused.status_code == 403, refused.content
    assert "Network operations" in refused.json()["detail"]


def test_a_plan_time_without_its_offset_is_refused_not_read_as_local_time(
    agent, handler, billing_department
):
    # QA: a naive deadline was a 500 (naive compared with aware); a naive step due time
    # was silently read in the server's zone.
    complaint = handled_complaint(agent, handler)
    base = f"/api/complaints/{complaint.tracking_number}/plans"
    naive = (clock.now() + timedelta(days=2)).replace(tzinfo=None).isoformat()
    refused = post_json(api_client(handler), base, _plan_body(handler, deadline=naive))
    assert refused.status_code == 422, refused.content
    assert refused.json()["field"] == "deadline"
    assert "time zone" in refused.json()["detail"]
    steps = [{"title": "预约上门", "due_at": naive}]
    refused = post_json(api_client(handler), base, _plan_body(handler, steps=steps))
    assert refused.status_code == 422, refused.content
    assert refused.json()["field"] == "steps"

    plan = post_json(api_client(handler), base, _plan_body(handler))
    assert plan.status_code == 201, plan.content
    edited = api_client(handler).put(
        f"{base}/{plan.json()['id']}",
        data=json.dumps(_plan_body(handler, deadline=naive)),
        content_type="application/json",
    )
    assert edited.status_code == 422, edited.content
    assert edited.json()["field"] == "deadline"


def test_a_plans_text_is_taken_up_to_the_services_cap(agent, handler, billing_department):
    # The plan service holds each text to 20,000 characters; the API refused past 10,000.
    complaint = handled_complaint(agent, handler)
    url = f"/api/complaints/{complaint.tracking_number}/plans"
    risks = "备件不足时从邻近仓调货,并提前告知客户。" * 750  # 15,000 characters
    created = post_json(api_client(handler), url, _plan_body(handler, risks=risks))
    assert created.status_code == 201, created.content
    assert created.json()["risks"] == risks
    too_long = _plan_body(handler, coordination="长" * (DESCRIPTION_MAX + 1))
    refused = post_json(api_client(handler), url, too_long)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["coordination"]
