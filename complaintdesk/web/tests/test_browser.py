"""One walk through the staff UI in a real browser: log in, register, find, assign, start.

Drives Debian's Chromium through Playwright (never a downloaded browser build). Set
WEB_SCREENSHOTS=/some/dir to keep screenshots of the list and detail pages.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from complaintdesk.complaints.choices import Status
from complaintdesk.complaints.models import Complaint

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Debian's Chromium is not installed at "
        "/usr/bin/chromium (apt-get install -y chromium)",
    ),
]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    from django.db import connections
    from playwright.sync_api import sync_playwright

    htmx = Path(settings.BASE_DIR) / "static" / "vendor" / "htmx.min.js"
    assert htmx.exists(), "static/vendor/htmx.min.js is missing: run scripts/vendor-assets.sh"
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety check does not apply to them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
        yield context.new_page()
        context.close()
        browser.close()
        # The test's own queries ran while Playwright's loop was up, under a context of their
        # own: Django's connections are per context, so the one they opened is not the one the
        # test database's teardown closes, and PostgreSQL would refuse to drop a database
        # still in use. Close it here, in the context that opened it.
        connections.close_all()


def _screenshot(page: object, name: str) -> None:
    directory = os.environ.get("WEB_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def _log_in_as_agent(page: object) -> None:
    """Fill in the login form the page shows (the conftest's agent and password)."""
    page.get_by_label("Username").fill("agent")  # type: ignore[attr-defined]
    page.get_by_label("Password").fill("correct-horse-battery")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]


def test_agent_registers_finds_assigns_and_starts_a_complaint(
    live_server, page, agent, handler
) -> None:
    from playwright.sync_api import expect

    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/complaints/")
    expect(page).to_have_url(re.compile(r"/login/"))
    _log_in_as_agent(page)
    expect(page.get_by_role("heading", name="Complaints")).to_be_visible()

    page.get_by_role("link", name="New complaint").click()
    page.get_by_label("Channel").first.select_option("hotline")
    page.get_by_label("Customer name").fill("陈先生")
    page.get_by_label("Phone").fill("13700001234")
    page.get_by_label("Subject").fill("Fibre down since Monday")
    page.get_by_label("Description").fill("光纤从周一开始断网,报修两次无人上门。")
    page.get_by_label("Repair").check()
    page.get_by_role("button", name="Register complaint").click()

    message = page.locator(".message-success")
    expect(message).to_contain_text("Tracking number")
    complaint = Complaint.objects.get(subject="Fibre down since Monday")
    number = complaint.tracking_number
    expect(message).to_contain_text(number)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Complaints").click()
    # The search box filters the table through htmx and puts the query in the address bar.
    page.locator("#id_q").fill(number)
    expect(page).to_have_url(re.compile(r"q="))
    row = page.locator("table.complaints tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Fibre down since Monday")
    _screenshot(page, "list")

    row.get_by_role("link", name=number).click()
    expect(page.locator("h1")).to_contain_text(number)
    expect(page.locator(".head-badges")).to_contain_text("Registered")

    page.locator('[data-action="assign"]').click()
    form = page.locator('[data-action-form="assign"]')
    expect(form).to_be_visible()
    form.get_by_label("Assign to").select_option(str(handler.pk))
    form.get_by_role("button", name="Assign").click()
    expect(page.locator(".head-badges")).to_contain_text("Assigned")
    expect(page.locator(".message-success")).to_contain_text("now Assigned")

    page.locator('[data-action="start"]').click()
    form = page.locator('[data-action-form="start"]')
    form.get_by_label("Note").fill("Engineer booked for tomorrow morning.")
    form.get_by_role("button", name="Start handling").click()
    expect(page.locator(".head-badges")).to_contain_text("In progress")
    expect(page.locator("#activity")).to_contain_text("Engineer booked for tomorrow morning.")
    _screenshot(page, "detail")

    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS
    assert complaint.assignee == handler
    assert complaint.demands == ["repair"]


def test_agent_reads_why_and_corrects_a_triage_label_in_the_browser(live_server, page, agent):
    from playwright.sync_api import expect

    from complaintdesk.core.testing.factories import complaint_make
    from complaintdesk.triage.models import TriageCorrection
    from complaintdesk.triage.taxonomy import taxonomy_load_preset

    taxonomy_load_preset("telecom")
    complaint = complaint_make(
        actor=agent,
        subject="Broadband down",
        description="宽带断了三天,打了五次客服没人管!再不修好我就找媒体曝光,还要你们赔偿!",
    )
    corrected = "anxiety" if complaint.emotion != "anxiety" else "neutral"
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    _log_in_as_agent(page)
    page.goto(f"{live_server.url}/complaints/{complaint.tracking_number}/")
    expect(page.locator('.triage-why [title="crisis.media"]').first).to_contain_text("曝光")
    expect(page.locator(".guidance")).to_contain_text("Say first")

    page.locator("[data-triage-review]").click()
    form = page.locator("[data-triage-form]")
    expect(form).to_be_visible()
    _screenshot(page, "triage-review")
    form.get_by_label("Emotion").select_option(corrected)
    form.get_by_role("button", name="Save review").click()
    expect(page.locator(".message-success")).to_contain_text("accepted 5, corrected 1")

    complaint.refresh_from_db()
    assert complaint.emotion == corrected
    assert TriageCorrection.objects.filter(complaint=complaint, accepted=False).count() == 1


def _log_in(page: object, username: str) -> None:
    page.context.clear_cookies()  # type: ignore[attr-defined]
    page.goto(page.url)  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill("correct-horse-battery")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]


def test_a_handling_plan_is_drafted_submitted_and_approved_in_the_plan_panel(
    live_server, page, agent, handler, supervisor
) -> None:
    from datetime import timedelta

    from django.utils import timezone
    from playwright.sync_api import expect

    from complaintdesk.handling.tests.support import handled_complaint

    complaint = handled_complaint(agent, handler)
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/complaints/{complaint.tracking_number}/")
    _log_in(page, "handler")
    expect(page.locator(".head-badges")).to_contain_text("In progress")
    expect(page.locator('[data-action="submit_plan"]')).to_have_count(0)

    form = page.locator('[data-plan-form="draft"]')
    form.locator("[name=measures]").fill("派工程师上门更换光猫。")
    deadline = timezone.localtime(timezone.now() + timedelta(days=3))
    form.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("Responsible person").select_option(str(handler.pk))
    form.get_by_label("Execution steps").fill("预约上门时间\n更换光猫并测速")
    form.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".message-success")).to_contain_text("Handling plan drafted")
    page.get_by_role("button", name="Submit the plan for approval").click()
    expect(page.locator(".head-badges")).to_contain_text("Awaiting approval")

    _log_in(page, "supervisor")
    decide = page.locator('[data-plan-form="decide"]')
    decide.get_by_role("button", name="Send back for revision").click()
    expect(page.locator("#plans .alert-error")).to_contain_text("Say why the plan is sent back")
    page.locator('[data-plan-form="decide"]').get_by_label("Note or reason").fill("同意。")
    page.locator('[data-plan-form="decide"]').get_by_role(
        "button", name="Approve this step"
    ).click()
    expect(page.locator(".head-badges")).to_contain_text("Executing")
    expect(page.locator("#plans")).to_contain_text("Approved")
    _screenshot(page, "plan")


def test_compensation_responsibility_and_a_proposed_rejection_are_handled_in_their_panels(
    live_server, page, agent, handler, supervisor, second_supervisor, network_department
) -> None:
    from playwright.sync_api import expect

    from complaintdesk.handling.responsibility import determination_propose
    from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
    from complaintdesk.surveys.rejection import rejection_propose

    budget_make(network_department, "1000")
    clause = clause_make()
    complaint = handled_complaint(agent, handler)
    determination_propose(
        complaint=complaint,
        actor=handler,
        party="company",
        reason="service_defect",
        facts="光猫故障",
    )
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/complaints/{complaint.tracking_number}/")
    _log_in(page, "handler")

    remedies = page.locator("#remedies")
    remedies.get_by_text("Propose compensation").click()
    form = page.locator('[data-compensation-form="propose"]')
    form.get_by_label("Value").fill("0")
    form.get_by_label("Policy clause").select_option(str(clause.pk))
    form.get_by_role("button", name="Propose").click()
    expect(page.locator("#remedies")).to_contain_text("The amount must be more than zero")
    page.locator('[data-compensation-form="propose"]').get_by_label("Value").fill("80")
    page.locator('[data-compensation-form="propose"]').get_by_role("button", name="Propose").click()
    expect(page.locator("#remedies .message-success")).to_contain_text("Compensation proposed")
    # The panel's answer makes the timeline reload: the proposal is on it.
    expect(page.locator("#activity .event-compensation")).to_have_count(1)

    _log_in(page, "supervisor")
    page.locator('[data-compensation-form="approve"]').get_by_role("button", name="Approve").click()
    expect(page.locator("#remedies .message-success")).to_contain_text("Compensation approved")
    page.locator('[data-compensation-form="offer"]').get_by_label(
        "Send the link to the customer now"
    ).uncheck()
    page.locator('[data-compensation-form="offer"]').get_by_role("button").click()
    expect(page.locator("#consent-link")).to_have_value(re.compile(r"/consent/"))

    review = page.locator('[data-determination-form="review"]')
    expect(review).to_contain_text("handler proposes: Company responsible — Service defect.")
    review.get_by_role("button", name="Send back for revision").click()
    expect(page.locator("#responsibility")).to_contain_text(
        "Say why the determination is sent back."
    )
    page.locator('[data-determination-form="review"]').get_by_role(
        "button", name="Confirm the determination"
    ).click()
    expect(page.locator("#responsibility .message-success")).to_contain_text("confirmed")

    # The test writes to the database itself next: let the page's last requests (the panel's
    # timeline reload) finish and leave it, or SQLite may find the table locked by the server.
    page.wait_for_load_state("networkidle")
    detail = page.url
    page.goto("about:blank")
    rejection_propose(complaint=complaint, actor=supervisor, reason="malicious", note="编造")
    page.goto(detail)
    _log_in(page, "supervisor2")
    page.get_by_role("link", name="Review the proposal").click()
    form = page.locator('[data-action-form="reject"]')
    expect(form.get_by_label("Reason")).to_have_value("malicious")
    form.get_by_label("Note").fill("录音显示确有扣费。")
    form.get_by_role("button", name="Decline the proposal").click()
    expect(page.locator(".message-success")).to_contain_text("Rejection declined")
    expect(page.locator(".head-badges")).to_contain_text("In progress")
    _screenshot(page, "remedies")
