"""Compensation: authority outside a plan, budgets (with a clear refusal), policy maxima,
consent through the link (single use, expiry) or recorded by an agent, fulfilment and
confirmation, care actions, the cost report."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from complaintdesk.complaints.choices import EventKind, Visibility
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import department_make, user_make
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.remedies.care import care_record, care_schedule
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.consent import compensation_offer, offer_record_consent
from complaintdesk.remedies.models import CompensationBudget
from complaintdesk.remedies.selectors import compensation_cost_report
from complaintdesk.remedies.services import (
    compensation_approve,
    compensation_cancel,
    compensation_confirm,
    compensation_fulfil,
    compensation_propose,
)

pytestmark = pytest.mark.django_db


def _item(complaint, actor, amount: str, form: str = "service_credit", **kwargs):
    return compensation_propose(
        complaint=complaint,
        actor=actor,
        form=form,
        amount=Decimal(amount),
        policy_clause=kwargs.pop("clause", None) or clause_make(),
        **kwargs,
    )


def _offered(complaint, handler, supervisor, network_department, amount="300"):
    budget_make(network_department, "1000")
    item = compensation_approve(item=_item(complaint, handler, amount), actor=supervisor)
    offer, link = compensation_offer(
        complaint=complaint, actor=handler, base_url="https://cd.example", send_notice=False
    )
    return item, offer, link


def test_an_agent_commits_small_goodwill_but_not_beyond_their_authority(
    agent, handler, supervisor, network_department
):
    budget = budget_make(network_department, "2000")
    complaint = handled_complaint(agent, handler)
    small = compensation_approve(item=_item(complaint, agent, "200"), actor=agent)
    assert (small.status, small.approved_by, small.budget) == (ItemStatus.APPROVED, agent, budget)

    large = _item(complaint, agent, "600")
    with pytest.raises(NotAllowed, match="needs Supervisor approval"):
        compensation_approve(item=large, actor=agent)
    large = compensation_approve(item=large, actor=supervisor)
    budget.refresh_from_db()
    assert budget.committed == Decimal("800.00")


def test_an_item_that_would_overdraw_the_budget_is_refused_with_the_remaining_amount(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    compensation_approve(item=_item(complaint, handler, "700"), actor=supervisor)
    too_much = _item(complaint, handler, "400")
    with pytest.raises(Conflict) as refused:
        compensation_approve(item=too_much, actor=supervisor)
    month = f"{clock.now():%Y-%m}"
    assert refused.value.message == (
        f"The compensation budget of Network operations for {month} would be overdrawn: "
        "300.00 CNY left, 400.00 CNY asked."
    )
    too_much.refresh_from_db()
    assert too_much.status == ItemStatus.PROPOSED
    assert CompensationBudget.objects.get().committed == Decimal("700.00")


def test_without_a_budget_for_the_month_nothing_is_approved(agent, handler, supervisor):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(Conflict, match="no CNY compensation budget for Network operations"):
        compensation_approve(item=_item(complaint, handler, "100"), actor=supervisor)


def test_the_policy_clause_caps_the_amount(agent, handler):
    complaint = handled_complaint(agent, handler)
    capped = clause_make("goodwill-small", max_amount="100")
    with pytest.raises(InvalidInput, match=r"at most 100\.00 CNY"):
        _item(complaint, handler, "150", clause=capped)
    assert _item(complaint, handler, "100", clause=capped).amount == Decimal("100.00")


def test_the_policy_clause_limits_the_forms_it_justifies(agent, handler):
    # QA: a warranty clause justified a cash payment.
    complaint = handled_complaint(agent, handler)
    warranty = clause_make("handset-warranty")
    warranty.allowed_forms = ["free_repair", "replacement"]
    warranty.save()
    refusal = "justifies Free repair, Replacement, not Cash"
    with pytest.raises(InvalidInput, match=refusal) as refused:
        _item(complaint, handler, "300", form="cash", clause=warranty)
    assert refused.value.field == "form"
    assert not complaint.compensation_items.exists()
    replacement = _item(complaint, handler, "300", form="replacement", clause=warranty)
    assert replacement.form == "replacement"
    # A clause that names no forms justifies any.
    assert _item(complaint, handler, "20", form="cash").form == "cash"


def test_a_clause_names_only_forms_there_are(db):
    from django.core.exceptions import ValidationError

    clause = clause_make("goodwill")
    clause.allowed_forms = ["cash", "voucher"]
    with pytest.raises(ValidationError, match="Allowed forms must be a list of"):
        clause.full_clean()


def test_unknown_form_and_bad_currency_are_refused(agent, handler):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(InvalidInput, match="form"):
        _item(complaint, handler, "10", form="voucher")
    with pytest.raises(InvalidInput, match="ISO 4217"):
        _item(complaint, handler, "10", currency="RMB1")


def test_the_customer_accepts_through_the_link_once(
    agent, handler, supervisor, network_department, monkeypatch
):
    notices: list[dict] = []

    def fake_notice_send(**kwargs):
        if kwargs["purpose"] == "compensation_offer":
            notices.append(kwargs)

    monkeypatch.setattr("complaintdesk.notifications.services.notice_send", fake_notice_send)
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    item = compensation_approve(item=_item(complaint, handler, "300"), actor=supervisor)
    offer, link = compensation_offer(
        complaint=complaint, actor=handler, base_url="https://cd.example/"
    )
    assert link.startswith("https://cd.example/consent/")
    assert notices[0]["context"] == {"link": link, "amount": "300.00 CNY"}

    path = link.removeprefix("https://cd.example")
    page = Client().get(path)
    assert page.status_code == 200
    assert "300.00 CNY" in page.content.decode()

    answered = Client().post(path, {"decision": "accepted", "note": "谢谢"})
    assert answered.status_code == 200
    item.refresh_from_db()
    offer.refresh_from_db()
    assert (item.status, offer.decision, offer.method) == ("accepted", "accepted", "link")

    again = Client().post(path, {"decision": "declined"})
    assert again.status_code == 409
    item.refresh_from_db()
    assert item.status == ItemStatus.ACCEPTED
    consent = complaint.events.get(kind=EventKind.COMPENSATION, after__step="consent_accepted")
    assert consent.visibility == Visibility.CUSTOMER and consent.actor is None


def test_declining_through_the_link_releases_the_budget(
    agent, handler, supervisor, network_department
):
    complaint = handled_complaint(agent, handler)
    item, _offer, link = _offered(complaint, handler, supervisor, network_department)
    response = Client().post(link.removeprefix("https://cd.example"), {"decision": "declined"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.status == ItemStatus.DECLINED
    assert CompensationBudget.objects.get().committed == Decimal("0.00")


def test_an_expired_link_is_refused(agent, handler, supervisor, network_department):
    complaint = handled_complaint(agent, handler)
    item, offer, link = _offered(complaint, handler, supervisor, network_department)
    path = link.removeprefix("https://cd.example")
    with clock.travel_to(offer.expires_at + timedelta(seconds=1)):
        assert "此链接已过期" in Client().get(path).content.decode()
        response = Client().post(path, {"decision": "accepted"})
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.status == ItemStatus.OFFERED


def test_an_unknown_link_is_not_found(db):
    assert Client().get("/consent/not-a-token/").status_code == 404


def test_an_agent_records_consent_with_how_it_was_obtained(
    agent, handler, supervisor, network_department
):
    complaint = handled_complaint(agent, handler)
    _, offer, _link = _offered(complaint, handler, supervisor, network_department)
    with pytest.raises(InvalidInput, match="how the consent"):
        offer_record_consent(offer=offer, actor=agent, decision="accepted", method="link", note="x")
    with pytest.raises(InvalidInput, match="what the customer said"):
        offer_record_consent(offer=offer, actor=agent, decision="accepted", method="phone", note="")
    offer = offer_record_consent(
        offer=offer,
        actor=agent,
        decision="accepted",
        method="phone",
        note="11月3日来电,客户同意减免300元。",
    )
    assert (offer.method, offer.recorded_by) == ("phone", agent)
    with pytest.raises(Conflict):
        offer_record_consent(
            offer=offer, actor=agent, decision="declined", method="phone", note="改主意"
        )


def test_fulfilment_is_recorded_and_confirmed_by_someone_else(
    agent, handler, supervisor, network_department
):
    complaint = handled_complaint(agent, handler)
    item, offer, _link = _offered(complaint, handler, supervisor, network_department)
    with pytest.raises(Conflict, match="accepted"):
        compensation_fulfil(item=item, actor=handler, reference="ADJ-1")
    offer_record_consent(
        offer=offer, actor=handler, decision="accepted", method="phone", note="电话同意"
    )
    item = compensation_fulfil(item=item, actor=handler, reference="BILL-ADJ-2231")
    with pytest.raises(NotAllowed, match="Someone other"):
        compensation_confirm(item=item, actor=handler, method="records")
    item = compensation_confirm(
        item=item, actor=supervisor, method="records", effect_note="账单已减免,客户满意。"
    )
    assert (item.status, item.confirmed_by) == (ItemStatus.CONFIRMED, supervisor)
    steps = [e.after["step"] for e in complaint.events.filter(kind=EventKind.COMPENSATION)]
    assert steps == [
        "proposed",
        "approved",
        "offered",
        "consent_accepted",
        "fulfilled",
        "confirmed",
    ]


def test_withdrawing_an_approved_item_releases_its_budget(
    agent, handler, supervisor, network_department
):
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    item = compensation_approve(item=_item(complaint, handler, "400"), actor=supervisor)
    with pytest.raises(InvalidInput):
        compensation_cancel(item=item, actor=handler, reason="")
    compensation_cancel(item=item, actor=handler, reason="客户改为选择免费维修。")
    assert CompensationBudget.objects.get().committed == Decimal("0.00")


def test_care_actions_are_scheduled_and_recorded(agent, handler):
    complaint = handled_complaint(agent, handler)
    when = clock.now() + timedelta(days=2)
    action = care_schedule(
        complaint=complaint,
        actor=handler,
        kind="call",
        scheduled_for=when,
        purpose="回访网络是否稳定。",
    )
    assert action.assignee == handler
    with pytest.raises(InvalidInput, match="effect"):
        care_record(action=action, actor=handler, outcome="已回访", effect="great")
    action = care_record(
        action=action, actor=handler, outcome="网络稳定,客户表示感谢。", effect="improved"
    )
    assert (action.status, action.effect) == ("done", "improved")
    with pytest.raises(Conflict):
        care_record(action=action, actor=handler, outcome="again", effect="improved")
    with pytest.raises(InvalidInput, match="one of"):
        care_schedule(
            complaint=complaint, actor=handler, kind="letter", scheduled_for=when, purpose="x"
        )
    assert [e.after["step"] for e in complaint.events.filter(kind=EventKind.CARE)] == [
        "scheduled",
        "done",
    ]


def test_the_cost_report_sums_by_month_department_form_and_cause(
    agent, handler, supervisor, network_department, billing_department, other_department_handler
):
    shanghai = ZoneInfo("Asia/Shanghai")
    october = datetime(2026, 10, 15, 10, tzinfo=shanghai)
    november = datetime(2026, 11, 5, 10, tzinfo=shanghai)
    for month in (october, november):
        for department in (network_department, billing_department):
            CompensationBudget.objects.create(
                department=department, month=month.date().replace(day=1), amount=Decimal(10000)
            )
    complaint = handled_complaint(agent, handler)
    with clock.travel_to(october):
        compensation_approve(item=_item(complaint, handler, "300"), actor=supervisor)
        compensation_approve(item=_item(complaint, handler, "200"), actor=supervisor)
        compensation_approve(
            item=_item(complaint, handler, "150", form="gift", department=billing_department),
            actor=supervisor,
        )
    with clock.travel_to(november):
        compensation_approve(item=_item(complaint, handler, "50"), actor=supervisor)
        withdrawn = compensation_approve(item=_item(complaint, handler, "999"), actor=supervisor)
        compensation_cancel(item=withdrawn, actor=handler, reason="客户拒绝")
        _item(complaint, handler, "700")  # proposed only: no cost yet

    category = complaint.content_category
    # The cause is the top-level content category, whatever triage classified it as.
    cause = (category.parent.key if category.parent else category.key) if category else ""
    rows = compensation_cost_report(
        user=supervisor,
        date_from=datetime(2026, 10, 1, tzinfo=shanghai),
        date_to=datetime(2026, 12, 1, tzinfo=shanghai),
    )
    figures = [
        (f"{r.month:%Y-%m}", r.department, r.form, r.cause, r.currency, r.items, r.total)
        for r in rows
    ]
    assert figures == [
        ("2026-10", "billing", "gift", cause, "CNY", 1, Decimal("150.00")),
        ("2026-10", "network", "service_credit", cause, "CNY", 2, Decimal("500.00")),
        ("2026-11", "network", "service_credit", cause, "CNY", 1, Decimal("50.00")),
    ]
    # The billing handler sees only the gift charged to billing, not network's figures.
    billing_rows = compensation_cost_report(
        user=other_department_handler,
        date_from=datetime(2026, 10, 1, tzinfo=shanghai),
        date_to=datetime(2026, 12, 1, tzinfo=shanghai),
    )
    assert [(r.department, r.total) for r in billing_rows] == [("billing", Decimal("150.00"))]
    with pytest.raises(InvalidInput):
        compensation_cost_report(user=supervisor, date_from=november, date_to=october)


def test_a_handler_of_another_department_cannot_propose(agent, handler, other_department_handler):
    complaint = handled_complaint(agent, handler)
    with pytest.raises(NotAllowed):
        _item(complaint, other_department_handler, "10")
    auditor = user_make("auditor", department=department_make("qa"))
    with pytest.raises(NotAllowed):
        _item(complaint, auditor, "10")


def test_the_offer_notice_carries_the_consent_link_and_the_amount(
    agent, handler, supervisor, network_department
):
    # The real notices app, not a stand-in: the contract between the two apps.
    from complaintdesk.notifications.models import Notice

    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    compensation_approve(item=_item(complaint, handler, "88"), actor=supervisor)
    _offer, link = compensation_offer(
        complaint=complaint, actor=handler, base_url="https://cd.example"
    )
    notice = Notice.objects.get(complaint=complaint, purpose="compensation_offer")
    assert link in notice.body
    assert "88.00" in notice.body


def test_the_consent_page_speaks_the_customers_language(
    agent, handler, supervisor, network_department
):
    complaint = handled_complaint(agent, handler)
    complaint.customer.preferred_language = "zh-hans"
    complaint.customer.save()
    _item_offered, _offer, link = _offered(complaint, handler, supervisor, network_department)
    path = link.removeprefix("https://cd.example")
    page = Client().get(path).content.decode()
    assert "接受" in page and "话费补偿" in page
    english = Client()
    english.cookies["django_language"] = "en"
    assert "Service credit" in english.get(path).content.decode()
    Client().post(path, {"decision": "accepted"})
    again = Client().post(path, {"decision": "accepted"})
    assert again.status_code == 409
    assert "链接只能使用一次" in again.content.decode()
