"""The REST API: creation with idempotency, reads, transitions, notes, attachments, errors."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings as django_settings
from django.test import Client

from complaintdesk.accounts.models import ApiToken
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.intake.services import DESCRIPTION_MAX
from complaintdesk.triage.taxonomy import taxonomy_load_preset

pytestmark = pytest.mark.django_db

PAYLOAD = {
    "channel": "web",
    "subject": "宽带频繁掉线",
    "description": (
        "我家的宽带这一周每天晚上八点到十点都会掉线,打客服电话说会派人来修,至今没人联系。"
    ),
    "customer": {"name": "李先生", "phone": "139 1234 5678", "account_number": "GZ-20931"},
    "demands": ["repair", "compensation"],
    "expected_resolution": "尽快修好并减免本月宽带费",
}


def api_client(user) -> Client:
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post_json(client: Client, url: str, body: dict, **headers: str):
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


def test_create_registers_the_complaint_and_restates_it(agent):
    response = post_json(api_client(agent), "/api/complaints", PAYLOAD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "registered"
    assert body["customer"]["phone"] == "13912345678"
    assert body["demands"] == ["repair", "compensation"]
    complaint = Complaint.objects.get(tracking_number=body["tracking_number"])
    kinds = list(complaint.events.values_list("kind", "to_status"))
    assert kinds[0] == ("created", "")
    assert ("transition", "registered") in kinds


def test_same_idempotency_key_twice_gives_one_complaint(agent):
    client = api_client(agent)
    first = post_json(client, "/api/complaints", PAYLOAD, **{"Idempotency-Key": "crm-77"})
    second = post_json(client, "/api/complaints", PAYLOAD, **{"Idempotency-Key": "crm-77"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["tracking_number"] == second.json()["tracking_number"]
    assert Complaint.objects.count() == 1


def test_same_idempotency_key_with_another_body_is_refused(agent):
    client = api_client(agent)
    post_json(client, "/api/complaints", PAYLOAD, **{"Idempotency-Key": "crm-78"})
    changed = {**PAYLOAD, "description": "完全不同的一件事:营业厅员工态度很差。"}
    response = post_json(client, "/api/complaints", changed, **{"Idempotency-Key": "crm-78"})
    assert response.status_code == 409
    assert "crm-78" in response.json()["detail"]
    assert Complaint.objects.count() == 1


def test_idempotency_keys_are_per_user(agent, supervisor):
    post_json(api_client(agent), "/api/complaints", PAYLOAD, **{"Idempotency-Key": "k1"})
    neighbour = {**PAYLOAD, "customer": {"name": "赵女士", "phone": "13600001111"}}
    response = post_json(
        api_client(supervisor), "/api/complaints", neighbour, **{"Idempotency-Key": "k1"}
    )
    assert response.status_code == 201
    assert Complaint.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"description": ""}, "description"),
        ({"demands": ["a-pony"]}, "demands"),
        ({"urgency": 9}, "urgency"),
        ({"customer": {"email": "not-an-address"}}, "customer.email"),
        ({"customer": {}}, "customer"),
        ({"customer": {"phone": "call me maybe"}}, "customer.phone"),
        ({"received_at": "2026-01-01T10:00:00"}, "received_at"),
        ({"category": "weather"}, "category"),
    ],
)
def test_validation_errors_name_the_field(agent, change, field):
    response = post_json(api_client(agent), "/api/complaints", {**PAYLOAD, **change})
    assert response.status_code == 422, response.content
    body = response.json()
    fields = [body.get("field")] + [e["field"] for e in body.get("errors", [])]
    assert field in fields, body
    assert body["detail"]
    assert Complaint.objects.count() == 0


def test_malformed_json_is_a_clear_4xx(agent):
    response = api_client(agent).post(
        "/api/complaints", data="{not json", content_type="application/json"
    )
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_no_credentials_is_401_with_a_hint(db):
    response = Client().get("/api/complaints")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_revoked_token_is_refused(agent):
    token, raw = ApiToken.issue(user=agent)
    token.revoked_at = token.created_at
    token.save()
    response = Client(headers={"Authorization": f"Bearer {raw}"}).get("/api/complaints")
    assert response.status_code == 401


@pytest.mark.parametrize("authorization", ["Bearer cd_bogus_token", None, "revoked"])
def test_a_write_with_a_bad_or_no_token_is_401_not_a_csrf_failure(agent, authorization):
    if authorization == "revoked":
        token, raw = ApiToken.issue(user=agent)
        token.revoked_at = token.created_at
        token.save()
        authorization = f"Bearer {raw}"
    headers = {"Authorization": authorization} if authorization else {}
    # As curl sends it: no session, and CSRF checks enforced as for any real client.
    response = Client(headers=headers, enforce_csrf_checks=True).post(
        "/api/complaints", data=json.dumps(PAYLOAD), content_type="application/json"
    )
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_web_session_still_needs_the_csrf_token_to_write(agent):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(
        "/api/complaints", data=json.dumps(PAYLOAD), content_type="application/json"
    )
    assert response.status_code == 403


def test_illegal_transition_is_409_with_the_allowed_next_steps(agent):
    complaint = complaint_make(actor=agent)
    response = post_json(
        api_client(agent),
        f"/api/complaints/{complaint.tracking_number}/transitions",
        {"action": "close"},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "registered"
    assert "assign" in body["allowed_actions"]
    assert "close" not in body["allowed_actions"]


def test_transition_assigns_by_username(agent, handler):
    complaint = complaint_make(actor=agent)
    response = post_json(
        api_client(agent),
        f"/api/complaints/{complaint.tracking_number}/transitions",
        {"action": "assign", "assignee": handler.username},
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == handler.username
    assert response.json()["department"] == handler.department.code


def test_unknown_assignee_is_422(agent):
    complaint = complaint_make(actor=agent)
    response = post_json(
        api_client(agent),
        f"/api/complaints/{complaint.tracking_number}/transitions",
        {"action": "assign", "assignee": "ghost"},
    )
    assert response.status_code == 422
    assert response.json()["field"] == "assignee"


def test_tracking_number_is_found_however_it_is_typed(agent):
    complaint = complaint_make(actor=agent)
    typed = complaint.tracking_number.replace("-", " ").lower()
    response = api_client(agent).get(f"/api/complaints/{typed}")
    assert response.status_code == 200
    assert response.json()["tracking_number"] == complaint.tracking_number


def test_list_filters_and_paginates(agent, handler):
    for index in range(5):
        complaint_make(actor=agent, phone=f"1380000000{index}")
    assigned = complaint_make(actor=agent, phone="13911112222", description="手机信号差")
    post_json(
        api_client(agent),
        f"/api/complaints/{assigned.tracking_number}/transitions",
        {"action": "assign", "assignee": handler.username},
    )
    client = api_client(agent)
    page = client.get("/api/complaints", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 6
    assert len(page["results"]) == 2
    mine = client.get("/api/complaints", {"assignee": handler.username}).json()
    assert [r["tracking_number"] for r in mine["results"]] == [assigned.tracking_number]
    text = client.get("/api/complaints", {"q": "手机信号"}).json()
    assert text["count"] == 1
    by_status = client.get("/api/complaints", {"status": ["assigned"]}).json()
    assert by_status["count"] == 1
    unassigned = client.get("/api/complaints", {"assignee": "none"}).json()
    assert unassigned["count"] == 5


def test_list_refuses_unknown_status_and_bad_pages(agent):
    client = api_client(agent)
    assert client.get("/api/complaints", {"status": ["lost"]}).status_code == 422
    assert client.get("/api/complaints", {"page": 0}).status_code == 422
    assert client.get("/api/complaints", {"page_size": 10_000}).status_code == 422


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("nature", "bogus", "urgent"),
        ("category", "bogus", "billing"),
        ("department", "nope", "billing"),
        ("channel", "pigeon", "hotline"),
        ("assignee", "nope", "none"),
    ],
)
def test_list_refuses_a_filter_value_nothing_can_carry(
    agent, billing_department, name, value, named
):
    # QA: these answered 200 with an empty list, which reads as "no such complaints".
    taxonomy_load_preset("telecom")
    response = api_client(agent).get("/api/complaints", {name: value})
    assert response.status_code == 422
    assert response.json()["field"] == name
    assert value in response.json()["detail"]
    assert named in response.json()["detail"]


def test_registration_refuses_unknown_fields_naming_them(agent):
    body = {**PAYLOAD, "foo": "bar", "urgnecy": 3}
    body["customer"] = {"name": "李先生", "phnoe": "139 1234 5678"}
    response = post_json(api_client(agent), "/api/complaints", body)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"foo", "urgnecy", "customer.phnoe"}
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("language", ["zh-Hant", "en-GB", "en", "zh"])
def test_registration_takes_a_language_the_product_writes_in(agent, language):
    response = post_json(api_client(agent), "/api/complaints", {**PAYLOAD, "language": language})
    assert response.status_code == 201, response.content


def test_registration_refuses_an_unknown_language(agent):
    response = post_json(api_client(agent), "/api/complaints", {**PAYLOAD, "language": "klingon"})
    assert response.status_code == 422
    assert response.json()["field"] == "language"
    assert "klingon" in response.json()["detail"]
    assert not Complaint.objects.exists()


def test_note_is_added_to_the_timeline(agent):
    complaint = complaint_make(actor=agent)
    client = api_client(agent)
    response = post_json(
        client,
        f"/api/complaints/{complaint.tracking_number}/notes",
        {"text": "已联系网络部核查基站告警。", "customer_visible": False},
    )
    assert response.status_code == 201
    events = client.get(f"/api/complaints/{complaint.tracking_number}/events").json()["results"]
    assert events[-1]["kind"] == "note"
    assert events[-1]["note"] == "已联系网络部核查基站告警。"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_attachment_upload_and_download(agent):
    complaint = complaint_make(actor=agent)
    client = api_client(agent)
    upload = io.BytesIO(PNG)
    upload.name = "bill.png"
    response = client.post(
        f"/api/complaints/{complaint.tracking_number}/attachments", {"file": upload}
    )
    assert response.status_code == 201, response.content
    attachment = response.json()
    assert attachment["content_type"] == "image/png"
    assert attachment["size"] == len(PNG)
    download = client.get(
        f"/api/complaints/{complaint.tracking_number}/attachments/{attachment['id']}"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert complaint.events.filter(kind="attachment").count() == 1


def test_attachment_of_a_forbidden_type_is_refused(agent):
    complaint = complaint_make(actor=agent)
    upload = io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff" + bytes(range(200)))
    upload.name = "invoice.pdf.exe"
    response = api_client(agent).post(
        f"/api/complaints/{complaint.tracking_number}/attachments", {"file": upload}
    )
    assert response.status_code == 422
    assert "not accepted" in response.json()["detail"]
    assert complaint.attachments.count() == 0


def test_attachment_over_the_size_limit_is_refused(agent):
    complaint = complaint_make(actor=agent)
    upload = io.BytesIO(PNG + b"\x00" * django_settings.ATTACHMENT_MAX_BYTES)
    upload.name = "big.png"
    response = api_client(agent).post(
        f"/api/complaints/{complaint.tracking_number}/attachments", {"file": upload}
    )
    assert response.status_code == 422
    assert "larger" in response.json()["detail"]


def test_openapi_schema_and_docs_are_served(db):
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    assert "/api/complaints/{tracking_number}/transitions" in document["paths"]
    assert Client().get("/api/docs").status_code == 200


def test_every_operation_that_needs_a_login_documents_the_401(db):
    document = Client().get("/api/openapi.json").json()
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security") and "401" not in operation["responses"]
    ]
    assert undocumented == []
    assert Client().get("/api/me").status_code == 401


def test_the_same_customer_sending_it_again_is_a_repeat_not_a_new_complaint(agent):
    client = api_client(agent)
    first = post_json(client, "/api/complaints", PAYLOAD).json()
    again = {**PAYLOAD, "channel": "sms", "description": PAYLOAD["description"] + "!!"}
    response = post_json(client, "/api/complaints", again)
    assert response.status_code == 200
    assert response.json()["tracking_number"] == first["tracking_number"]
    assert Complaint.objects.count() == 1
    complaint = Complaint.objects.get()
    assert complaint.repeat_count == 1
    assert complaint.events.filter(kind="repeat_received", after__channel="sms").exists()


def test_another_customer_with_the_same_complaint_is_flagged_as_a_possible_duplicate(agent):
    client = api_client(agent)
    first = post_json(client, "/api/complaints", PAYLOAD).json()
    neighbour = {**PAYLOAD, "customer": {"name": "赵女士", "phone": "13600001111"}}
    second = post_json(client, "/api/complaints", neighbour).json()
    assert second["tracking_number"] != first["tracking_number"]
    assert second["duplicate_of"] == first["tracking_number"]
    similar = client.get(f"/api/complaints/{second['tracking_number']}/similar").json()
    assert similar[0]["tracking_number"] == first["tracking_number"]
    assert similar[0]["score"] >= 0.9


def test_a_look_alike_with_other_facts_is_not_a_duplicate(agent):
    client = api_client(agent)
    post_json(client, "/api/complaints", PAYLOAD)
    other = {
        **PAYLOAD,
        "description": PAYLOAD["description"].replace("八点到十点", "六点到七点"),
        "customer": {"name": "赵女士", "phone": "13600001111"},
    }
    assert post_json(client, "/api/complaints", other).json()["duplicate_of"] is None


def test_many_customers_with_the_same_problem_raise_the_mass_signal(agent):
    client = api_client(agent)
    text = "小区3号楼从今天早上开始手机完全没有信号,打不了电话也上不了网。"
    bodies = [
        {"channel": "app", "description": text, "customer": {"phone": f"1390000{i:04d}"}}
        for i in range(7)
    ]
    results = [post_json(client, "/api/complaints", body).json() for body in bodies]
    assert "mass" in results[-1]["crisis_signals"]


def _repeat_payload() -> dict:
    return {
        "channel": "sms",
        "description": "我的手机号13812345678这个月被多扣了58元,请核查。",
        "customer": {"name": "张伟", "phone": "13812345678", "email": "zw@example.com"},
    }


def _assigned_in_network(agent, handler) -> Complaint:
    complaint = complaint_make(
        actor=agent,
        customer_name="张伟",
        phone="13812345678",
        description=_repeat_payload()["description"],
    )
    return complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )


def test_a_repeat_of_a_complaint_the_caller_may_not_view_answers_only_the_receipt(
    agent, handler, other_department_handler
):
    complaint = _assigned_in_network(agent, handler)
    client = api_client(other_department_handler)
    assert client.get(f"/api/complaints/{complaint.tracking_number}").status_code == 404
    response = post_json(client, "/api/complaints", _repeat_payload())
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"tracking_number", "status", "status_label", "repeat", "detail"}
    assert body["tracking_number"] == complaint.tracking_number
    assert body["repeat"] is True
    assert "13812345678" not in response.content.decode()
    assert Complaint.objects.get().repeat_count == 1


def test_a_replay_of_a_complaint_routed_out_of_sight_answers_only_the_receipt(
    agent, handler, other_department_handler
):
    client = api_client(other_department_handler)
    key = {"Idempotency-Key": "crm-900"}
    first = post_json(client, "/api/complaints", PAYLOAD, **key)
    assert first.status_code == 201
    complaint = Complaint.objects.get(tracking_number=first.json()["tracking_number"])
    # Handed on to a department the caller does not see.
    complaint_transition(
        complaint=complaint, action="assign", actor=agent, params={"assignee": handler}
    )
    again = post_json(client, "/api/complaints", PAYLOAD, **key)
    assert again.status_code == 200
    assert again.json()["repeat"] is False
    assert "customer" not in again.json()


def test_a_repeat_the_caller_may_view_still_answers_the_full_record(agent, handler):
    complaint = _assigned_in_network(agent, handler)
    response = post_json(api_client(handler), "/api/complaints", _repeat_payload())
    assert response.status_code == 200
    assert response.json()["tracking_number"] == complaint.tracking_number
    assert response.json()["customer"]["phone"] == "13812345678"


def test_the_openapi_document_describes_the_intake_receipt(db):
    document = Client().get("/api/openapi.json").json()
    assert "IntakeReceiptOut" in document["components"]["schemas"]
    answers = document["paths"]["/api/complaints"]["post"]["responses"]["200"]
    assert "IntakeReceiptOut" in json.dumps(answers)


# The language given at intake --------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-Hant", "en-GB"])
def test_a_language_given_at_intake_is_kept_not_replaced_by_the_detected_one(agent, language):
    # Simplified characters, detected as zh-Hans; the customer asked for another language.
    response = post_json(api_client(agent), "/api/complaints", {**PAYLOAD, "language": language})
    assert response.status_code == 201, response.content
    assert response.json()["language"] == language
    stored = Complaint.objects.get(tracking_number=response.json()["tracking_number"])
    assert stored.language == language
    assert stored.triage_result["lang"] == "zh-Hans"


@pytest.mark.parametrize(
    ("description", "detected"),
    [
        ("我家的宽带这一周每天晚上都会掉线,客服说会派人来修,至今没人联系。", "zh-Hans"),
        ("我家的寬頻這一週每天晚上都會斷線,客服說會派人來修,至今沒人聯繫。", "zh-Hant"),
        ("My broadband has dropped every evening this week and nobody has called me.", "en"),
    ],
)
def test_without_a_language_the_detected_one_is_filled_in(agent, description, detected):
    body = {**PAYLOAD, "subject": "", "description": description}
    response = post_json(api_client(agent), "/api/complaints", body)
    assert response.status_code == 201, response.content
    assert response.json()["language"] == detected


# The list search: traditional and simplified Chinese find each other -----------------------


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        ("家里的網絡每天晚上斷線,寬帶測速只有2兆。", "网络"),
        ("家里的网络每天晚上断线,宽带测速只有2兆。", "網絡"),
        ("家里的网络每天晚上断线,宽带测速只有2兆。", "寬帶測速"),
        ("ＡＤＳＬ每天晚上断线。", "adsl"),
    ],
)
def test_search_folds_traditional_and_simplified_chinese_both_ways(agent, stored, query):
    found = complaint_make(actor=agent, description=stored)
    complaint_make(actor=agent, phone="13600001111", description="营业厅员工态度很差。")
    page = api_client(agent).get("/api/complaints", {"q": query}).json()
    assert [row["tracking_number"] for row in page["results"]] == [found.tracking_number]


def test_an_analyst_searches_a_tracking_number_with_five_digits_in_a_row(agent, analyst):
    complaint = complaint_make(actor=agent)
    # Valid (its check symbol holds), and its digits look like a piece of a phone number.
    Complaint.objects.filter(pk=complaint.pk).update(tracking_number="2345-6789-S")
    response = api_client(analyst).get("/api/complaints", {"q": "2345 6789 s"})
    assert response.status_code == 200, response.content
    assert [row["tracking_number"] for row in response.json()["results"]] == ["2345-6789-S"]


# Free text up to the services' cap ----------------------------------------------------------


def test_a_note_is_taken_up_to_the_shared_cap_and_refused_past_it(agent):
    complaint = complaint_make(actor=agent)
    url = f"/api/complaints/{complaint.tracking_number}/notes"
    client = api_client(agent)
    text = "已核查基站告警记录。" * 2000  # 20,000 characters
    response = post_json(client, url, {"text": text})
    assert response.status_code == 201, response.content
    assert response.json()["note"] == text
    refused = post_json(client, url, {"text": text + "长"})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["text"]
    assert "20000" in refused.json()["detail"]
    assert complaint.events.filter(kind="note").count() == 1


def test_a_transition_note_is_taken_up_to_the_services_cap(agent, handler):
    complaint = complaint_make(actor=agent)
    url = f"/api/complaints/{complaint.tracking_number}/transitions"
    long_note = "已核查基站告警记录。" * 1500  # 15,000 characters: the services take 20,000
    body = {"action": "assign", "assignee": handler.username, "note": long_note}
    response = post_json(api_client(agent), url, body)
    assert response.status_code == 200, response.content
    too_long = {**body, "note": "长" * (DESCRIPTION_MAX + 1)}
    refused = post_json(api_client(handler), url, too_long)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["note"]
