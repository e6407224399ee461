"""The staff web UI through Django's test client, with the personas from conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import EventKind, Status, Visibility
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.notifications.choices import NoticePurpose
from complaintdesk.routing.models import RoutingRule
from complaintdesk.web.tests.helpers import HTMX, client_for

pytestmark = pytest.mark.django_db


def detail_url(complaint: Complaint) -> str:
    return reverse("web:complaint_detail", args=[complaint.tracking_number])


def action_url(complaint: Complaint, action: str) -> str:
    return reverse("web:complaint_action", args=[complaint.tracking_number, action])


def assigned_to(complaint: Complaint, assignee: User, actor: User) -> Complaint:
    return complaint_transition(
        complaint=complaint, action="assign", actor=actor, params={"assignee": assignee}
    )


# Login and navigation ---------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client: Client) -> None:
    response = client.get(reverse("web:complaint_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_agent_logs_in_with_the_login_form_and_lands_on_the_list(client: Client, agent) -> None:
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert b'name="password"' in page.content
    response = client.post(
        reverse("web:login"), {"username": "agent", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("web:complaint_list")


def test_wrong_password_shows_an_error_on_the_login_page(client: Client, agent) -> None:
    response = client.post(reverse("web:login"), {"username": "agent", "password": "nope"})
    assert response.status_code == 200
    assert b"alert-error" in response.content


def test_logout_is_a_post_and_returns_to_the_login_page(agent) -> None:
    client = client_for(agent)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:login")
    assert client.get(reverse("web:complaint_list")).status_code == 302


def test_language_switch_remembers_simplified_chinese(agent) -> None:
    client = client_for(agent)
    response = client.post(
        reverse("web:set_language"), {"language": "zh-hans", "next": reverse("web:complaint_list")}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"
    page = client.get(reverse("web:complaint_list"))
    assert b'<html lang="zh-hans">' in page.content


# Complaint list ---------------------------------------------------------------------------


def test_agent_sees_a_new_complaint_in_the_list_with_its_columns(agent) -> None:
    complaint = complaint_make(actor=agent, subject="Broadband drops every night")
    response = client_for(agent).get(reverse("web:complaint_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert complaint.tracking_number in content
    assert "Broadband drops every night" in content
    assert "王女士" in content
    assert "Registered" in content
    assert 'id="filters"' in content


def test_root_url_is_the_complaint_list(agent) -> None:
    complaint = complaint_make(actor=agent)
    response = client_for(agent).get("/")
    assert complaint.tracking_number in response.content.decode()


def test_htmx_filter_request_gets_only_the_results_fragment(agent, handler) -> None:
    waiting = complaint_make(actor=agent, subject="Waiting one")
    taken = assigned_to(complaint_make(actor=agent, subject="Taken one"), handler, agent)
    response = client_for(agent).get(
        reverse("web:complaint_list"), {"status": Status.ASSIGNED}, **HTMX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert taken.tracking_number in content
    assert waiting.tracking_number not in content
    assert "HX-Request" in response["Vary"]
    assert 'hx-swap-oob="true"' in content  # the quick views follow the filters


def test_unassigned_quick_view_leaves_out_assigned_complaints(agent, handler) -> None:
    waiting = complaint_make(actor=agent)
    taken = assigned_to(complaint_make(actor=agent), handler, agent)
    response = client_for(agent).get(
        reverse("web:complaint_list"), {"assignee": "none", "status": "open"}
    )
    content = response.content.decode()
    assert waiting.tracking_number in content
    assert taken.tracking_number not in content
    assert 'class="chip active">Unassigned' in content


def test_my_complaints_view_shows_the_handlers_own_complaints(agent, handler) -> None:
    mine = assigned_to(complaint_make(actor=agent), handler, agent)
    response = client_for(handler).get(
        reverse("web:complaint_list"), {"assignee": "handler", "status": "open"}
    )
    assert mine.tracking_number in response.content.decode()


def test_free_text_finds_a_complaint_by_its_tracking_number_typed_loosely(agent) -> None:
    wanted = complaint_make(actor=agent)
    other = complaint_make(actor=agent)
    loose = wanted.tracking_number.replace("-", " ").lower()
    response = client_for(agent).get(reverse("web:complaint_list"), {"q": loose})
    content = response.content.decode()
    assert wanted.tracking_number in content
    assert other.tracking_number not in content


def test_overdue_complaint_is_marked_and_found_by_the_overdue_filter(agent) -> None:
    late = complaint_make(actor=agent)
    on_time = complaint_make(actor=agent)
    now = timezone.now()
    Complaint.objects.filter(pk=late.pk).update(resolution_due_at=now - timedelta(hours=2))
    Complaint.objects.filter(pk=on_time.pk).update(resolution_due_at=now + timedelta(days=2))
    response = client_for(agent).get(reverse("web:complaint_list"), {"overdue": "on"})
    content = response.content.decode()
    assert late.tracking_number in content
    assert on_time.tracking_number not in content
    assert 'class="is-overdue"' in content


def test_the_at_risk_view_lists_warned_and_overdue_complaints_most_pressing_first(agent) -> None:
    warned = complaint_make(actor=agent)
    late = complaint_make(actor=agent)
    calm = complaint_make(actor=agent)
    now = timezone.now()
    Complaint.objects.filter(pk=warned.pk).update(
        sla_warn_at=now - timedelta(hours=1), resolution_due_at=now + timedelta(hours=2)
    )
    Complaint.objects.filter(pk=late.pk).update(
        sla_warn_at=now - timedelta(hours=9), resolution_due_at=now - timedelta(hours=1)
    )
    Complaint.objects.filter(pk=calm.pk).update(
        sla_warn_at=now + timedelta(days=1), resolution_due_at=now + timedelta(days=2)
    )
    response = client_for(agent).get(reverse("web:complaint_list"), {"at_risk": "on"})
    content = response.content.decode()
    assert calm.tracking_number not in content
    assert content.index(late.tracking_number) < content.index(warned.tracking_number)
    # Offered as a quick view.
    assert "at_risk=on" in client_for(agent).get(reverse("web:complaint_list")).content.decode()


def test_an_unknown_filter_value_is_reported_not_a_server_error(agent) -> None:
    complaint_make(actor=agent)
    response = client_for(agent).get(reverse("web:complaint_list"), {"status": "bogus"})
    assert response.status_code == 200
    assert "alert-error" in response.content.decode()


def test_list_is_paginated(agent) -> None:
    for _ in range(51):
        complaint_make(actor=agent)
    client = client_for(agent)
    first = client.get(reverse("web:complaint_list")).content.decode()
    assert "Page 1 of 2" in first
    second = client.get(reverse("web:complaint_list"), {"page": 2}).content.decode()
    assert second.count('class="mono"><a href="/complaints/') == 1


def test_handler_of_other_department_does_not_see_it_in_the_list(
    agent, handler, other_department_handler
) -> None:
    complaint = assigned_to(complaint_make(actor=agent), handler, agent)
    response = client_for(other_department_handler).get(reverse("web:complaint_list"))
    assert response.status_code == 200
    assert complaint.tracking_number not in response.content.decode()
    own = client_for(handler).get(reverse("web:complaint_list"))
    assert complaint.tracking_number in own.content.decode()


# Complaint detail -------------------------------------------------------------------------


def test_detail_page_shows_fields_panels_timeline_and_actions(agent) -> None:
    complaint = complaint_make(
        actor=agent,
        subject="Broadband drops",
        phone="13812345678",
        demands=["refund", "apology"],
        expected_resolution="Refund this month's fee",
    )
    earlier = complaint_make(
        actor=agent,
        subject="Earlier billing complaint",
        phone="13812345678",
        description="上个月账单多扣了38元流量费,至今没有退回。",
    )
    response = client_for(agent).get(detail_url(complaint))
    assert response.status_code == 200
    content = response.content.decode()
    assert complaint.tracking_number in content
    assert "宽带从昨晚开始一直断线" in content
    assert "Refund this month&#x27;s fee" in content
    assert "Refund" in content and "Apology" in content
    assert "13812345678" in content  # the customer panel
    assert earlier.tracking_number in content  # contact history: same phone, same customer
    assert "Time limits" in content and "Triage" in content
    assert "Register and acknowledge" in content  # the registration event on the timeline
    assert "Customer-visible" in content
    assert action_url(complaint, "assign") in content
    assert action_url(complaint, "close") not in content


def test_handler_of_other_department_gets_404_on_the_detail_page(
    agent, handler, other_department_handler
) -> None:
    complaint = assigned_to(complaint_make(actor=agent), handler, agent)
    response = client_for(other_department_handler).get(detail_url(complaint))
    assert response.status_code == 404
    assert complaint.subject not in response.content.decode()


def test_other_department_cannot_open_an_action_form_or_post_a_note(
    agent, handler, other_department_handler
) -> None:
    complaint = assigned_to(complaint_make(actor=agent), handler, agent)
    client = client_for(other_department_handler)
    assert client.get(action_url(complaint, "start")).status_code == 404
    note = client.post(
        reverse("web:complaint_activity", args=[complaint.tracking_number]), {"text": "hi"}
    )
    assert note.status_code == 404
    assert not complaint.events.filter(kind=EventKind.NOTE).exists()


def test_analyst_sees_masked_personal_data(agent, analyst) -> None:
    complaint = complaint_make(
        actor=agent,
        description="客户电话13812345678,宽带断线。",
        customer_name="王小明",
        phone="13812345678",
    )
    client = client_for(analyst)
    detail = client.get(detail_url(complaint)).content.decode()
    assert "13812345678" not in detail
    assert "王小明" not in detail
    assert "王**" in detail
    assert "*******5678" in detail
    listing = client.get(reverse("web:complaint_list")).content.decode()
    assert complaint.tracking_number in listing
    assert "王小明" not in listing
    # Analysts read; they have no actions, no note form and no upload form.
    assert "data-action=" not in detail
    assert 'name="text"' not in detail
    assert 'type="file"' not in detail
    # Searching the stored text for the masked phone would confirm it.
    search = client.get(reverse("web:complaint_list"), {"q": "13812345678"})
    assert search.status_code == 422
    page = search.content.decode()
    assert complaint.tracking_number not in page
    assert "personal data masked" in page


def test_detail_with_an_unknown_number_is_a_404_page(agent) -> None:
    response = client_for(agent).get(reverse("web:complaint_detail", args=["ABCD-EFGH-J"]))
    assert response.status_code == 404
    assert "No complaint ABCD-EFGH-J" in response.content.decode()


# Lifecycle actions ------------------------------------------------------------------------


def test_assign_form_offers_staff_and_assigning_through_htmx_redirects(agent, handler) -> None:
    complaint = complaint_make(actor=agent)
    client = client_for(agent)
    form = client.get(action_url(complaint, "assign"), **HTMX)
    assert form.status_code == 200
    assert f'<option value="{handler.pk}"' in form.content.decode()
    response = client.post(action_url(complaint, "assign"), {"assignee": handler.pk}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == detail_url(complaint)
    complaint.refresh_from_db()
    assert complaint.status == Status.ASSIGNED
    assert complaint.assignee == handler
    page = client.get(detail_url(complaint)).content.decode()
    assert "The complaint is now Assigned" in page


def test_handler_assign_form_lists_only_their_department(
    agent, handler, other_department_handler
) -> None:
    complaint = assigned_to(complaint_make(actor=agent), handler, agent)
    complaint_transition(complaint=complaint, action="start", actor=handler)
    complaint_transition(complaint=complaint, action="resolve", actor=handler, note="fixed")
    complaint_transition(complaint=complaint, action="reopen", actor=handler, note="back again")
    form = client_for(handler).get(action_url(complaint, "assign"), **HTMX).content.decode()
    assert f'<option value="{handler.pk}"' in form
    assert f'<option value="{other_department_handler.pk}"' not in form


def test_start_without_javascript_redirects_to_the_detail_page(agent, handler) -> None:
    complaint = assigned_to(complaint_make(actor=agent), handler, agent)
    client = client_for(handler)
    assert client.get(action_url(complaint, "start")).status_code == 200  # a full page
    response = client.post(action_url(complaint, "start"), {"note": ""})
    assert response.status_code == 303
    assert response["Location"] == detail_url(complaint)
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS


def test_an_action_that_does_not_apply_shows_the_error_and_changes_nothing(agent) -> None:
    complaint = complaint_make(actor=agent)
    events_before = complaint.events.count()
    response = client_for(agent).post(action_url(complaint, "close"), {"note": ""}, **HTMX)
    assert response.status_code == 409
    assert "Cannot close a complaint that is Registered" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED
    assert complaint.events.count() == events_before


def test_an_action_the_role_may_not_take_shows_the_error_and_changes_nothing(agent) -> None:
    complaint = complaint_make(actor=agent)
    response = client_for(agent).post(
        action_url(complaint, "reject"), {"reason": "invalid", "note": "spam"}, **HTMX
    )
    assert response.status_code == 403
    assert "Your role may not" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED


def test_an_action_without_its_required_note_is_refused_inline(agent, supervisor) -> None:
    complaint = complaint_make(actor=agent)
    response = client_for(supervisor).post(
        action_url(complaint, "reject"), {"reason": "invalid", "note": ""}, **HTMX
    )
    assert response.status_code == 422
    assert "Explain the rejection." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED


def test_supervisor_rejects_with_a_reason_confirmed_by_a_second(
    agent, supervisor, second_supervisor
) -> None:
    complaint = complaint_make(actor=agent)
    reject = {"reason": "malicious", "note": "Fabricated."}
    response = client_for(supervisor).post(action_url(complaint, "reject"), reject, **HTMX)
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED
    assert complaint.rejection_reviews.get().status == "proposed"
    response = client_for(second_supervisor).post(action_url(complaint, "reject"), reject, **HTMX)
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.REJECTED
    assert complaint.rejection_reason == "malicious"


def test_merge_into_an_unknown_number_is_an_inline_error(agent) -> None:
    complaint = complaint_make(actor=agent)
    response = client_for(agent).post(
        action_url(complaint, "merge"), {"into": "ABCD-EFGH-J", "note": ""}, **HTMX
    )
    assert response.status_code == 422
    assert "No complaint ABCD-EFGH-J" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.REGISTERED


def test_merge_into_another_complaint(agent) -> None:
    complaint = complaint_make(actor=agent)
    target = complaint_make(actor=agent)
    response = client_for(agent).post(
        action_url(complaint, "merge"), {"into": target.tracking_number.lower()}, **HTMX
    )
    assert response.status_code == 200
    complaint.refresh_from_db()
    assert complaint.status == Status.MERGED
    assert complaint.merged_into == target


def test_an_unknown_action_is_a_404(agent) -> None:
    complaint = complaint_make(actor=agent)
    assert client_for(agent).get(action_url(complaint, "explode")).status_code == 404


# Notes and attachments --------------------------------------------------------------------


def test_agent_adds_a_customer_visible_note_and_gets_the_new_timeline(agent) -> None:
    complaint = complaint_make(actor=agent)
    response = client_for(agent).post(
        reverse("web:complaint_activity", args=[complaint.tracking_number]),
        {"text": "Called back, engineer booked.", "customer_visible": "on"},
        **HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="activity"' in content
    assert "Called back, engineer booked." in content
    note = complaint.events.get(kind=EventKind.NOTE)
    assert note.visibility == Visibility.CUSTOMER
    assert note.actor == agent


def test_an_empty_note_is_refused_and_nothing_is_written(agent) -> None:
    complaint = complaint_make(actor=agent)
    response = client_for(agent).post(
        reverse("web:complaint_activity", args=[complaint.tracking_number]), {"text": ""}, **HTMX
    )
    assert response.status_code == 422
    assert not complaint.events.filter(kind=EventKind.NOTE).exists()


def test_analyst_cannot_add_a_note(agent, analyst) -> None:
    complaint = complaint_make(actor=agent)
    response = client_for(analyst).post(
        reverse("web:complaint_activity", args=[complaint.tracking_number]),
        {"text": "Looks systemic"},
        **HTMX,
    )
    assert response.status_code == 403
    assert "Your role may not write notes" in response.content.decode()
    assert not complaint.events.filter(kind=EventKind.NOTE).exists()


def test_agent_uploads_an_attachment_and_the_timeline_is_told(agent) -> None:
    complaint = complaint_make(actor=agent)
    upload = SimpleUploadedFile("bill.txt", "账单 2024-05: 198 元".encode(), "text/plain")
    response = client_for(agent).post(
        reverse("web:complaint_attachments", args=[complaint.tracking_number]),
        {"file": upload},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "timeline-changed"
    attachment = complaint.attachments.get()
    assert attachment.original_name == "bill.txt"
    content = response.content.decode()
    assert "bill.txt" in content
    assert reverse("api:download_attachment", args=[complaint.tracking_number, attachment.pk]) in (
        content
    )


def test_a_file_of_a_refused_type_shows_the_error(agent) -> None:
    complaint = complaint_make(actor=agent)
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00\xff\xfe", "image/png")
    response = client_for(agent).post(
        reverse("web:complaint_attachments", args=[complaint.tracking_number]),
        {"file": upload},
        **HTMX,
    )
    assert response.status_code == 422
    assert "are not accepted" in response.content.decode()
    assert not complaint.attachments.exists()


# New complaint ----------------------------------------------------------------------------


def test_agent_registers_a_complaint_and_is_told_the_tracking_number(agent) -> None:
    client = client_for(agent)
    assert client.get(reverse("web:complaint_new")).status_code == 200
    response = client.post(
        reverse("web:complaint_new"),
        {
            "channel": "hotline",
            "customer_name": "李先生",
            "customer_phone": "139 0000 1111",
            "subject": "Charged twice for May",
            "description": "五月账单重复扣费 198 元。",
            "expected_resolution": "Refund the duplicate charge",
            "demands": ["refund", "explanation"],
            "received_at": "",
        },
    )
    assert response.status_code == 303
    complaint = Complaint.objects.get(subject="Charged twice for May")
    assert response["Location"] == detail_url(complaint)
    assert complaint.status == Status.REGISTERED
    assert complaint.demands == ["refund", "explanation"]
    assert complaint.customer.primary_phone == "13900001111"
    assert complaint.created_by == agent
    page = client.get(response["Location"]).content.decode()
    spoken = " · ".join(" ".join(group) for group in complaint.tracking_number.split("-"))
    assert f"Tracking number {complaint.tracking_number}" in page
    assert spoken in page


def test_handler_whose_complaint_goes_to_another_department_is_told_where_not_sent_to_a_404(
    handler, billing_department
) -> None:
    RoutingRule.objects.create(name="All → billing", department=billing_department, skill="*")
    client = client_for(handler)
    response = client.post(
        reverse("web:complaint_new"),
        {"channel": "walk_in", "customer_name": "赵先生", "description": "账单多扣了 30 元。"},
    )
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    assert complaint.department == billing_department
    assert response["Location"] == reverse("web:complaint_new")
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Tracking number {complaint.tracking_number}" in text
    assert "Routed to Billing centre." in text
    # Through htmx the same: the browser is sent to a page the handler can open.
    again = client.post(
        reverse("web:complaint_new"),
        {"channel": "walk_in", "customer_name": "钱女士", "description": "宽带断线。"},
        **HTMX,
    )
    assert again["HX-Redirect"] == reverse("web:complaint_new")


def test_handler_whose_complaint_stays_in_their_department_sees_it(
    handler, network_department
) -> None:
    RoutingRule.objects.create(name="All → network", department=network_department, skill="*")
    response = client_for(handler).post(
        reverse("web:complaint_new"),
        {"channel": "walk_in", "customer_name": "孙先生", "description": "宽带断线。"},
    )
    complaint = Complaint.objects.get()
    assert response["Location"] == detail_url(complaint)


def test_an_english_email_complaint_from_the_form_is_acknowledged_in_english(agent) -> None:
    response = client_for(agent).post(
        reverse("web:complaint_new"),
        {
            "channel": "email",
            "customer_name": "John Smith",
            "customer_email": "john.smith@example.com",
            "description": "My broadband has been dropping every evening for a week.",
        },
    )
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    assert complaint.language == "en" and complaint.customer.preferred_language == ""
    acknowledgement = complaint.notices.get(purpose=NoticePurpose.ACKNOWLEDGEMENT)
    assert acknowledgement.language == "en"
    assert acknowledgement.body.startswith("Dear John Smith,")
    # No phone on record: the status page could not let him in, so it is not offered.
    assert "/track/" not in acknowledgement.body


def test_new_complaint_keeps_the_received_time_given(agent) -> None:
    # Entered the next day: a date years back would be refused as mistyped.
    with clock.travel_to(datetime(2024, 5, 3, 10, 0, tzinfo=UTC)):
        response = client_for(agent).post(
            reverse("web:complaint_new"),
            {
                "channel": "letter",
                "customer_name": "张女士",
                "description": "Letter received yesterday.",
                "received_at": "2024-05-02T09:30",
            },
        )
    assert response.status_code == 303
    complaint = Complaint.objects.get()
    local = timezone.localtime(complaint.received_at)
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2024, 5, 2, 9, 30)


def test_new_complaint_without_a_customer_is_refused_and_nothing_is_stored(agent) -> None:
    response = client_for(agent).post(
        reverse("web:complaint_new"), {"channel": "hotline", "description": "No one said who."}
    )
    assert response.status_code == 422
    assert "Say who is complaining" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_bad_phone_number_is_shown_on_the_phone_field(agent) -> None:
    response = client_for(agent).post(
        reverse("web:complaint_new"),
        {"channel": "hotline", "customer_phone": "call me maybe", "description": "Outage."},
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "is not a phone number" in form.errors["customer_phone"][0]
    assert not Complaint.objects.exists()


def test_analyst_may_not_register_complaints(analyst) -> None:
    client = client_for(analyst)
    assert client.get(reverse("web:complaint_new")).status_code == 403
    response = client.post(
        reverse("web:complaint_new"),
        {"channel": "hotline", "customer_name": "X", "description": "Y"},
    )
    assert response.status_code == 403
    assert not Complaint.objects.exists()


# Rules that cross panels -------------------------------------------------------------------


def test_contact_history_shows_only_complaints_the_user_may_see(
    agent, handler, other_department_handler
) -> None:
    # One customer's three different complaints, handled by two departments.
    def of_the_customer(description: str) -> Complaint:
        return complaint_make(actor=agent, phone="13812345678", description=description)

    ours = assigned_to(of_the_customer("宽带每晚断线。"), handler, agent)
    same_department = assigned_to(of_the_customer("手机在家里没有信号。"), handler, agent)
    billing = assigned_to(of_the_customer("话费多扣了58元。"), other_department_handler, agent)
    page = client_for(handler).get(detail_url(ours)).content.decode()
    assert same_department.tracking_number in page
    assert billing.tracking_number not in page
    # An agent sees every department, so the billing complaint is in their history.
    assert billing.tracking_number in client_for(agent).get(detail_url(ours)).content.decode()


def test_analyst_reads_notes_with_phone_numbers_masked(agent, analyst) -> None:
    complaint = complaint_make(actor=agent)
    client_for(agent).post(
        reverse("web:complaint_activity", args=[complaint.tracking_number]),
        {"text": "Customer asks to be called on 13987654321 after six."},
    )
    page = client_for(analyst).get(detail_url(complaint)).content.decode()
    assert "13987654321" not in page
    assert "after six" in page


def test_new_complaint_link_is_offered_only_to_roles_that_register(agent, analyst) -> None:
    new = reverse("web:complaint_new")
    assert f'href="{new}"' in client_for(agent).get(reverse("web:complaint_list")).content.decode()
    analyst_page = client_for(analyst).get(reverse("web:complaint_list")).content.decode()
    assert f'href="{new}"' not in analyst_page


def test_my_complaints_is_offered_only_to_roles_that_take_complaints(agent, analyst) -> None:
    agent_page = client_for(agent).get(reverse("web:complaint_list")).content.decode()
    assert "assignee=agent&amp;status=open" in agent_page
    analyst_page = client_for(analyst).get(reverse("web:complaint_list")).content.decode()
    assert "My complaints" not in analyst_page


def test_note_without_javascript_lands_back_on_the_detail_page_with_a_message(agent) -> None:
    complaint = complaint_make(actor=agent)
    client = client_for(agent)
    response = client.post(
        reverse("web:complaint_activity", args=[complaint.tracking_number]), {"text": "Rang back."}
    )
    assert response.status_code == 303
    assert response["Location"] == detail_url(complaint)
    assert "Note added." in client.get(detail_url(complaint)).content.decode()


def test_an_unknown_address_gets_the_sites_own_404_page(agent) -> None:
    response = client_for(agent).get("/complaints/ABCD-EFGH-J/actions/explode/")
    assert response.status_code == 404
    assert "Back to the complaint list" in response.content.decode()


def test_the_attachment_link_downloads_with_the_web_session(agent, analyst) -> None:
    complaint = complaint_make(actor=agent)
    client = client_for(agent)
    client.post(
        reverse("web:complaint_attachments", args=[complaint.tracking_number]),
        {"file": SimpleUploadedFile("note.txt", b"meter photo to follow", "text/plain")},
    )
    attachment = complaint.attachments.get()
    link = reverse("api:download_attachment", args=[complaint.tracking_number, attachment.pk])
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"meter photo to follow"
    # Analysts see that a file exists but get no link: the API refuses them the content.
    assert link not in client_for(analyst).get(detail_url(complaint)).content.decode()
