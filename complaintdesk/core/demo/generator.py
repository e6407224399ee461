"""`demo_load`: a demo telecom operator with staff, customers and complaints with real histories.

Every complaint is created through intake's `complaint_create` at its receipt time and moved
through `complaint_transition` one step at a time at later instants (`clock.travel_to`), so
its fields, its timeline and whatever the services compute (SLA due times, routing) agree as
they would in production. Handling plans go through their own records (handling/plans.py):
drafted, submitted, decided along the approval chain by someone with the authority, carried
out step by step, before the result is notified. The compensation a plan promises goes
through the remedies services (compensation.py): proposed on the plan, charged to the
month's budget when the plan is approved, offered for the customer's consent, fulfilled and
checked. Everything is drawn from seeded random generators.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department, User
from complaintdesk.complaints.choices import MAJOR_BY_DEFAULT_CHANNELS, Demand, Level, Status
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.services import complaint_add_note
from complaintdesk.core import clock
from complaintdesk.core.demo import compensation as money
from complaintdesk.core.demo import organisation as org
from complaintdesk.core.demo.customers import CustomerSpec
from complaintdesk.core.demo.notes import execution_step_titles, localise, note_templates
from complaintdesk.core.demo.planning import (
    ComplaintPlan,
    link_repeats,
    pick_customers,
    pick_texts,
    plan_skeletons,
)
from complaintdesk.core.demo.texts import (
    CorpusText,
    corpus_load,
    money_in_text,
    subject_from_text,
)
from complaintdesk.core.demo.timeline import ASSIGNEE, PLAN_ACTIONS, Cast, Step, schedule, story
from complaintdesk.customers.models import Customer, CustomerTier
from complaintdesk.handling.authority import acts_for_department, authority_of
from complaintdesk.handling.choices import AuthorityLevel, Decision, PlanStatus
from complaintdesk.handling.models import ApprovalAuthority, HandlingPlan
from complaintdesk.handling.plans import (
    PlanContent,
    execution_step_check,
    plan_approve,
    plan_create,
    plan_reject,
    plan_revise,
    plan_submit,
)
from complaintdesk.intake.services import ComplaintDraft, CustomerDetails, complaint_create
from complaintdesk.notifications.choices import NoticeChannel, NoticeStatus
from complaintdesk.notifications.models import Notice
from complaintdesk.routing.defaults import routing_rules_load_defaults
from complaintdesk.routing.services import complaint_place_in_department, complaint_route
from complaintdesk.surveys.rejection import rejection_propose
from complaintdesk.triage.taxonomy import taxonomy_load_preset

DEMO_GROUP = "Demo organisation"
DEFAULT_COMPLAINTS = 2000
DEFAULT_SEED = 2025
DEFAULT_PASSWORD = "complaintdesk-demo"  # noqa: S105 - documented, printed demo password
ADMIN_USERNAME = "admin"

Progress = Callable[[int, int], None]


class DemoConflict(Exception):
    """The database holds data that the demo would clash with."""


@dataclass
class Replay:
    """What the replay keeps between a complaint's steps: its own random draws for the
    compensation (so the rest of the demo draws as before) and open consent links."""

    rng: random.Random
    links: dict[int, str]


@dataclass(frozen=True)
class StaffRow:
    username: str
    name: str
    role: str
    department: str


@dataclass(frozen=True)
class DemoReport:
    loaded: bool  # False: the demo was already there and nothing changed
    staff: list[StaffRow]
    complaints: int
    customers: int


def demo_is_loaded() -> bool:
    return User.objects.filter(username=ADMIN_USERNAME, groups__name=DEMO_GROUP).exists()


def staff_rows() -> list[StaffRow]:
    users = User.objects.filter(groups__name=DEMO_GROUP).select_related("department")
    order = {spec.username: position for position, spec in enumerate(org.STAFF)}
    return [
        StaffRow(
            username=user.username,
            name=user.get_full_name(),
            role=str(Role(user.role).label),
            department=f"{user.department.name} {user.department.name_zh}"
            if user.department
            else "—",
        )
        for user in sorted(users, key=lambda user: order.get(user.username, len(order)))
    ]


def demo_load(
    *,
    complaints: int = DEFAULT_COMPLAINTS,
    seed: int = DEFAULT_SEED,
    password: str = DEFAULT_PASSWORD,
    progress: Progress | None = None,
    corpus: dict[str, list[CorpusText]] | None = None,
) -> DemoReport:
    """Load the demo operator once; a second call finds it and changes nothing.

    The complaint texts come from `corpus`, by default the telecom corpus shipped with triage.
    """
    if demo_is_loaded():
        return DemoReport(False, staff_rows(), Complaint.objects.count(), Customer.objects.count())
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        raise DemoConflict(
            "A user named 'admin' exists but was not created by the demo; the demo loads "
            "only into a database without one."
        )
    corpus = corpus if corpus is not None else corpus_load()
    if not any(corpus.values()):
        raise DemoConflict("The telecom complaint corpus (triage/corpus/telecom_*.jsonl) is empty.")
    now = clock.now()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    # One transaction: a failed or interrupted run leaves nothing behind, so running the
    # command again simply starts over; the group membership written last is the marker.
    with transaction.atomic():
        taxonomy_load_preset("telecom")
        departments = _departments()
        # Its rules name the demo's departments, so they can only be loaded now.
        routing_rules_load_defaults("telecom")
        users = _staff(password, departments, now, rng)
        plans = _plans(rng, complaints, now, corpus, users)
        _budgets(plans, departments, users[ADMIN_USERNAME], now, complaints)
        customers = _customers(plans)
        replay = Replay(random.Random(f"{seed}-compensation"), {})  # noqa: S311 - demo data
        created = _replay(rng, plans, users, progress, replay)
        _settle_past_notices(created, now)
        Group.objects.get_or_create(name=DEMO_GROUP)[0].user_set.add(*users.values())
    return DemoReport(True, staff_rows(), len(plans), len(customers))


def _departments() -> dict[str, Department]:
    departments = {}
    for spec in org.DEPARTMENTS:
        department, _created = Department.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "name_zh": spec.name_zh,
                "calendar_name": spec.calendar_name,
            },
        )
        departments[spec.code] = department
    return departments


def _staff(
    password: str, departments: dict[str, Department], now: datetime, rng: random.Random
) -> dict[str, User]:
    # One hash for everyone: hashing is deliberately slow and they share the demo password.
    hashed = make_password(password)
    users = [
        User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@demo-telecom.example",
            password=hashed,
            role=spec.role,
            department=departments[spec.department] if spec.department else None,
            languages=list(spec.languages),
            skills=list(spec.skills),
            # Managers approve; routing gives them no complaints of their own to handle.
            is_available=spec.username not in org.MANAGERS,
            is_staff=spec.role == Role.ADMIN,
            is_superuser=spec.role == Role.ADMIN,
            date_joined=now - timedelta(days=rng.uniform(120, 2500)),
        )
        for spec in org.STAFF
    ]
    User.objects.bulk_create(users)
    found = {
        user.username: user
        for user in User.objects.filter(username__in=[u.username for u in users])
    }
    ApprovalAuthority.objects.bulk_create(
        ApprovalAuthority(user=found[username], level=AuthorityLevel.MANAGER)
        for username in org.MANAGERS
    )
    # In the order of org.STAFF, whatever order the database returns: the draws depend on it.
    return {spec.username: found[spec.username] for spec in org.STAFF}


def _plans(
    rng: random.Random,
    count: int,
    now: datetime,
    corpus: dict[str, list[CorpusText]],
    users: dict[str, User],
) -> list[ComplaintPlan]:
    zone = ZoneInfo(settings.TIME_ZONE)
    plans = plan_skeletons(rng, count, now, zone)
    link_repeats(rng, plans, now)
    pick_texts(rng, plans, corpus)
    pick_customers(rng, plans, now)
    latest = now - timedelta(minutes=1)
    for plan in sorted(plans, key=lambda plan: plan.received_at):
        assert plan.text is not None
        cast = _cast(rng, plan, users)
        plan.intake_agent = cast.intake_agent
        plan.department = _department_of(cast)
        promised: dict[str, list[money.DemoItem]] = {}
        plan.steps = story(
            rng=rng,
            target=plan.target,
            channel=plan.channel,
            nature=_nature(plan),
            cast=cast,
            write=_note_writer(rng, plan, cast, promised),
            execution=execution_step_titles(plan.language, plan.text.content_key),
            merge_into=plan.related,
            duplicate_of=plan.related,
        )
        for step in plan.steps:
            if step.action in {"draft_plan", "revise_plan"}:
                # The compensation the plan's note quotes goes on the plan with it.
                step.params["compensation"] = promised.get(step.note, [])
        plan.received_at = schedule(plan.steps, plan.received_at, latest, zone)
    return sorted(plans, key=lambda plan: (plan.received_at, plan.index))


def _budgets(
    plans: list[ComplaintPlan],
    departments: dict[str, Department],
    admin: User,
    now: datetime,
    complaints: int,
) -> None:
    """The administrator sets every department's monthly compensation budgets, sized for
    the plans the demo will approve."""
    approvals = []
    for plan in plans:
        items: list[money.DemoItem] = []
        for step in plan.steps:
            if step.action in {"draft_plan", "revise_plan"}:
                items = step.params.get("compensation", [])
            elif step.action == "approve_plan" and items and step.at is not None:
                approvals.append((plan.department, step.at, items))
    start = min((plan.received_at for plan in plans), default=now)
    money.budgets_set(
        approvals=approvals,
        departments=departments,
        admin=admin,
        start=start,
        now=now,
        scale=max(complaints / DEFAULT_COMPLAINTS, 0.02),
    )


def _nature(plan: ComplaintPlan) -> str:
    assert plan.text is not None
    if plan.channel in MAJOR_BY_DEFAULT_CHANNELS:
        return "major"
    return plan.text.nature or "general"


def _department_code(plan: ComplaintPlan, rng: random.Random) -> str:
    assert plan.text is not None
    if plan.channel == "media" and rng.random() < 0.7:
        return org.PUBLIC_RELATIONS
    for spec in org.DEPARTMENTS:
        if plan.text.content_key in spec.handles or plan.text.category in {
            key.split(".")[0] for key in spec.handles
        }:
            return spec.code
    return org.CUSTOMER_SERVICE


def _pick(rng: random.Random, candidates: list[User], english: bool) -> User:
    speakers = [user for user in candidates if "en" in user.languages] if english else []
    return rng.choice(speakers or candidates)


def _cast(rng: random.Random, plan: ComplaintPlan, users: dict[str, User]) -> Cast:
    english = plan.language == "en"
    department = _department_code(plan, rng)
    by_role: dict[str, list[User]] = {}
    for user in users.values():
        by_role.setdefault(user.role, []).append(user)
    handlers = [
        u for u in by_role[Role.HANDLER] if u.department and u.department.code == department
    ]
    handler = _pick(rng, handlers, english)
    colleagues = [user for user in handlers if user != handler] or handlers
    cs_supervisors = [
        u
        for u in by_role[Role.SUPERVISOR]
        if u.department
        and u.department.code == org.CUSTOMER_SERVICE
        and u.username not in org.MANAGERS
    ]
    if _nature(plan) == "major":
        # The authority matrix sends plans of major complaints to a manager.
        approver = rng.choice(org.MANAGERS)
    else:
        approver = org.APPROVING_SUPERVISOR.get(department) or rng.choice(cs_supervisors).username
    return Cast(
        intake_agent=_pick(rng, by_role[Role.AGENT], english).username,
        handler=handler.username,
        approver=approver,
        rejecting_supervisor=rng.choice(cs_supervisors).username,
        assigning_supervisor=rng.choice(cs_supervisors).username,
        follow_up_agent=_pick(rng, by_role[Role.AGENT], english).username,
        second_handler=_pick(rng, colleagues, english).username,
    )


class _KeepUnknown(dict[str, str]):
    # Placeholders filled only at replay time ({date}, {number}, {ref}) stay as they are.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _note_writer(
    rng: random.Random,
    plan: ComplaintPlan,
    cast: Cast,
    promised: dict[str, list[money.DemoItem]],
) -> Callable[[str], str]:
    """Notes for the complaint's story, with its figures; a plan's note and the
    compensation it promises are kept in `promised`."""
    assert plan.text is not None and plan.customer is not None
    text, customer = plan.text, plan.customer
    # One set of figures per complaint, so the plan and the result quote the same refund; the
    # customer's own figure when they gave one.
    currency, amount = money_in_text(text.text) or (
        "HK$" if plan.customer.hong_kong else "RMB ",
        str(rng.choice((18, 30, 45, 58, 79, 99, 128, 168, 199, 258, 320))),
    )
    department = next(spec for spec in org.DEPARTMENTS if spec.code == _department_of(cast))
    values = _KeepUnknown(
        amount=amount,
        cur=currency or ("HK$" if plan.customer.hong_kong else "RMB "),
        credit=str(rng.choice((10, 20, 30, 50))),
        gb=str(rng.choice((5, 10, 20))),
        days=str(rng.choice((3, 5, 7))),
        dept=department.name
        if plan.language == "en"
        else localise(department.name_zh, plan.language),
    )

    def write(step: str) -> str:
        template = rng.choice(note_templates(step, plan.language, text.content_key))
        note = string.Formatter().vformat(template, (), values)
        if step == "submit_plan":
            promised[note] = money.items_promised(
                template,
                values,
                language=plan.language,
                content_key=text.content_key,
                hong_kong=customer.hong_kong,
            )
        return note

    return write


def _department_of(cast: Cast) -> str:
    spec = next(spec for spec in org.STAFF if spec.username == cast.handler)
    return spec.department or org.CUSTOMER_SERVICE


def _customers(plans: list[ComplaintPlan]) -> list[CustomerSpec]:
    """Subscribers exist before they complain: store them with their account history dates."""
    specs = list(
        {plan.customer.account_number: plan.customer for plan in plans if plan.customer}.values()
    )
    existing = set(
        Customer.objects.filter(account_number__in=[s.account_number for s in specs]).values_list(
            "account_number", flat=True
        )
    )
    Customer.objects.bulk_create(
        Customer(
            name=spec.name,
            phones=[spec.phone],
            emails=[spec.email] if spec.email else [],
            primary_phone=spec.phone,
            primary_email=spec.email,
            account_number=spec.account_number,
            contract_id=spec.contract_id,
            tier=spec.tier,
            preferred_language=spec.language.lower(),
            preferred_channel="email" if spec.email and spec.language == "en" else "sms",
            region=spec.region,
            created_at=spec.since,
        )
        for spec in specs
        if spec.account_number not in existing
    )
    return specs


# Outside bodies that forward complaints, by the customer's market.
_EXTERNAL_BODIES: dict[str, dict[bool, tuple[str, ...]]] = {
    "regulator": {
        False: ("工业和信息化部电信用户申诉受理中心", "省通信管理局"),
        True: ("Office of the Communications Authority (OFCA)",),
    },
    "consumer_association": {False: ("市消费者协会", "12315平台"), True: ("Consumer Council",)},
    "media": {
        False: ("南方都市报", "新京报", "澎湃新闻", "本地电视台民生栏目"),
        True: ("South China Morning Post", "明報", "東方日報"),
    },
    "manufacturer": {
        False: ("华为终端客服", "小米售后"),
        True: ("Apple Support", "Samsung Service"),
    },
}
_EXTERNAL_DAYS = {"regulator": 5, "consumer_association": 7, "media": 2, "manufacturer": 10}


def _demands(text: CorpusText, rng: random.Random) -> list[str]:
    match text.motive:
        case "compensation":
            demands = [Demand.REFUND if text.category == "billing" else Demand.COMPENSATION]
        case "improvement":
            demands = {
                "network": [Demand.REPAIR, Demand.SERVICE_IMPROVEMENT],
                "device": [rng.choice((Demand.REPAIR, Demand.REPLACEMENT))],
            }.get(text.category, [Demand.SERVICE_IMPROVEMENT])
        case "respect":
            demands = [Demand.APOLOGY]
        case _:
            demands = [Demand.APOLOGY, Demand.EXPLANATION]
    if text.category == "billing" and Demand.EXPLANATION not in demands and rng.random() < 0.5:
        demands.append(Demand.EXPLANATION)
    if text.content_key == "product.vas":
        demands.append(Demand.CANCELLATION)
    return [str(demand) for demand in demands]


def _levels(nature: str, tier: str, rng: random.Random) -> tuple[int, int]:
    if nature == "urgent":
        urgency = rng.choice((Level.HIGH, Level.CRITICAL))
    elif nature == "major":
        urgency = rng.choice((Level.MEDIUM, Level.HIGH))
    else:
        urgency = rng.choice((Level.LOW, Level.MEDIUM, Level.MEDIUM))
    importance = int(Level.HIGH if nature == "major" else rng.choice((Level.LOW, Level.MEDIUM)))
    if tier in {CustomerTier.GOLD, CustomerTier.VIP}:
        # The rubric weighs the customer's value (SPEC §2.5).
        importance = min(importance + 1, int(Level.CRITICAL))
    return int(urgency), importance


def _channel_reference(plan: ComplaintPlan, rng: random.Random) -> str:
    local = timezone.localtime(plan.received_at)
    serial = rng.randrange(10**5, 10**6)
    return {
        "hotline": f"CALL-{local:%Y%m%d}-{serial}",
        "app": f"APP{local:%y%m%d}{serial}",
        "web": f"WEB-{local:%Y%m%d}-{serial}",
        "chat": f"CHAT-{serial}",
        "email": f"<{serial}.{local:%Y%m%d%H%M}@mail.demo-telecom.example>",
        "regulator": f"GXB-{local:%Y}-{serial}",
        "consumer_association": f"XX-{local:%Y%m}-{serial}",
        "letter": f"L{local:%Y}{serial}",
    }.get(plan.channel, "")


def _draft(plan: ComplaintPlan, rng: random.Random) -> ComplaintDraft:
    text, customer = plan.text, plan.customer
    assert text is not None and customer is not None
    nature = _nature(plan)
    urgency, importance = _levels(nature, customer.tier, rng)
    external_body, external_deadline = "", None
    if plan.channel in _EXTERNAL_BODIES:
        body = rng.choice(_EXTERNAL_BODIES[plan.channel][customer.hong_kong])
        if body.startswith(("省", "市")):
            body = customer.region.rstrip("市") + body
        external_body = body
        external_deadline = plan.received_at + timedelta(days=_EXTERNAL_DAYS[plan.channel])
    return ComplaintDraft(
        channel=plan.channel,
        subject=subject_from_text(text.text, plan.language),
        description=text.text,
        customer=CustomerDetails(
            name=customer.name,
            phone=customer.phone,
            email=customer.email if plan.channel == "email" or rng.random() < 0.3 else "",
            account_number=customer.account_number,
        ),
        channel_reference=_channel_reference(plan, rng),
        demands=_demands(text, rng),
        received_at=plan.received_at,
        language=plan.language,
        content_category=text.content_key,
        # Bodies like the regulator make a complaint major by default; intake applies that.
        nature="" if plan.channel in MAJOR_BY_DEFAULT_CHANNELS else text.nature,
        urgency=urgency,
        importance=importance,
        external_body=external_body,
        external_deadline=external_deadline,
    )


def _date_text(moment: datetime, language: str) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b}" if language == "en" else f"{local.month}月{local.day}日"


def _replay(
    rng: random.Random,
    plans: list[ComplaintPlan],
    users: dict[str, User],
    progress: Progress | None,
    replay: Replay,
) -> list[int]:
    """Create and replay every planned complaint; returns the new complaints' ids."""
    by_id = {user.pk: user for user in users.values()}
    created: dict[int, Complaint] = {}
    for done, plan in enumerate(plans, start=1):
        draft = _draft(plan, rng)
        with clock.travel_to(plan.received_at):
            result = complaint_create(draft=draft, actor=users[plan.intake_agent], register=False)
        if result.repeat:
            # The customer sent an open complaint again: intake counted it on that one.
            continue
        complaint = result.complaint
        for step in plan.steps:
            assert step.at is not None
            related_index = step.params.get("into", step.params.get("duplicate_of"))
            related = created.get(related_index) if related_index is not None else None
            note = (
                step.note.replace("{number}", complaint.tracking_number)
                .replace("{ref}", related.tracking_number if related else "")
                .replace("{date}", _date_text(step.at, plan.language))
            )
            actor = (
                users[step.actor] if step.actor != ASSIGNEE else by_id[complaint.assignee_id or 0]
            )
            with clock.travel_to(step.at):
                complaint = _run(
                    complaint, step, actor, note, users, related, replay, plan.language
                )
        created[plan.index] = complaint
        if progress and (done % 200 == 0 or done == len(plans)):
            progress(done, len(plans))
    return [complaint.pk for complaint in created.values()]


def _run(
    complaint: Complaint,
    step: Step,
    actor: User,
    note: str,
    users: dict[str, User],
    related: Complaint | None,
    replay: Replay,
    language: str,
) -> Complaint:
    action, params = step.action, step.params
    if action == "note":
        complaint_add_note(complaint=complaint, actor=actor, text=note)
        return complaint
    if action in PLAN_ACTIONS:
        return _run_plan(complaint, action, actor, note, params, users, replay, language)
    if action == "assign" and complaint.status == Status.ASSIGNED:
        # Routing may already have assigned it on registration; keep its choice.
        return complaint
    arguments: dict[str, object] = {}
    if action == "assign":
        arguments["assignee"] = users[str(params["assignee"])]
    elif action == "reject":
        arguments["reason"] = params["reason"]
        # The rejection confirms a colleague's proposal (surveys/rejection.py).
        proposer = next(u for u in users.values() if u.role == Role.SUPERVISOR and u != actor)
        rejection_propose(
            complaint=complaint, actor=proposer, reason=str(params["reason"]), note=note
        )
    elif action == "merge":
        if related is None:
            # The complaint it was to join turned out to be a repeat, counted on another one.
            return complaint
        arguments["into"] = related
    if action == "register" and params.get("route", True):
        # As intake does: the department first, so the clock and the acknowledgement use
        # the calendar of the department that will handle it.
        complaint_place_in_department(complaint=complaint)
    complaint = complaint_transition(
        complaint=complaint, action=action, actor=actor, note=note, params=arguments
    )
    if action == "register" and params.get("route", True):
        # What intake does after registering: routing rules (if configured) assign it.
        complaint_route(complaint=complaint)
        complaint.refresh_from_db()
    return complaint


def _run_plan(
    complaint: Complaint,
    action: str,
    actor: User,
    note: str,
    params: Mapping[str, Any],
    users: dict[str, User],
    replay: Replay,
    language: str,
) -> Complaint:
    """A step on the complaint's handling plan; the plan service moves the complaint. The
    compensation the plan promises follows it: proposed with the draft, offered once the
    plan is approved, accepted as the work starts, fulfilled when it is done."""
    plan = complaint.handling_plans.order_by("-version").first()
    promised = params.get("compensation", [])
    if action == "draft_plan":
        plan = plan_create(
            complaint=complaint, actor=actor, content=_plan_content(actor, note, params)
        )
        if promised:
            money.items_propose(plan=plan, actor=actor, items=promised, language=language)
    else:
        assert plan is not None, (complaint, action)
        match action:
            case "revise_plan":
                plan = plan_revise(
                    plan=plan, actor=actor, content=_plan_content(actor, note, params)
                )
                money.items_propose(plan=plan, actor=actor, items=promised, language=language)
            case "submit_plan":
                plan_submit(plan=plan, actor=actor)
            case "reject_plan":
                plan_reject(plan=plan, actor=_decider(plan, actor, users), reason=note)
            case "approve_plan":
                # One decision per step of the chain the authority matrix gave the plan.
                while plan.status == PlanStatus.SUBMITTED:
                    plan = plan_approve(plan=plan, actor=_decider(plan, actor, users), note=note)
                complaint.refresh_from_db()
                money.offer_after_approval(complaint=complaint, rng=replay.rng, links=replay.links)
            case "step_done":
                execution_step_check(
                    step=plan.execution_steps.get(position=params["position"]),
                    actor=actor,
                    note=note,
                    send_to_customer=bool(params["send"]),
                )
                if params["position"] == 1:
                    money.consent_obtained(
                        complaint=complaint, actor=actor, language=language, links=replay.links
                    )
                if params["position"] == plan.execution_steps.count():
                    money.fulfil_and_check(
                        complaint=complaint, actor=actor, plan=plan, rng=replay.rng
                    )
    complaint.refresh_from_db()
    return complaint


def _plan_content(actor: User, measures: str, params: Mapping[str, Any]) -> PlanContent:
    """The plan the assignee writes: their department and they are responsible; the
    execution steps fall due evenly until the deadline."""
    assert actor.department is not None
    now = clock.now()
    deadline = now + timedelta(seconds=float(params["deadline"]))
    titles = list(params["steps"])
    return PlanContent(
        measures=measures,
        deadline=deadline,
        responsible_department=actor.department,
        responsible_person=actor,
        steps=[
            (title, now + (deadline - now) * position / len(titles))
            for position, title in enumerate(titles, start=1)
        ],
    )


def _decider(plan: HandlingPlan, preferred: User, users: dict[str, User]) -> User:
    """Who decides the plan's current approval step: the story's approver if their authority
    reaches its level, they act for the complaint's department and the plan is not theirs,
    else the first supervisor, then manager, then the administrator who qualifies; each step
    of a chain has its own approver."""
    step = plan.approval_steps.filter(decision=Decision.PENDING).order_by("position").first()
    assert step is not None, plan
    excluded = {plan.created_by_id, plan.submitted_by_id}
    excluded |= set(
        plan.approval_steps.exclude(approver=None).values_list("approver_id", flat=True)
    )
    supervisors = [
        users[spec.username]
        for spec in org.STAFF
        if spec.role == Role.SUPERVISOR and spec.username not in org.MANAGERS
    ]
    # Plans are decided in the complaint's department, or above it (a complaints manager,
    # and the administrator when a chain needs two people above the departments).
    candidates = [
        preferred,
        *supervisors,
        *(users[name] for name in org.MANAGERS),
        users[ADMIN_USERNAME],
    ]
    for user in candidates:
        if (
            user.pk not in excluded
            and authority_of(user).level >= step.level
            and acts_for_department(user, plan.complaint)
        ):
            return user
    raise RuntimeError(f"No demo approver may decide step {step.position} of plan {plan}.")


def _settle_past_notices(complaint_ids: list[int], now: datetime) -> None:
    """Notices of the replayed past went out back then; only those still due stay queued.

    Left queued, the worker's first run would send thousands of stale messages to the demo
    customers. The statuses are what this install's transports give: e-mail handed to the mail
    backend, SMS written to the SMS log. (The delivery tasks enqueued on commit then find the
    notices already out and do nothing.)
    """
    settled = []
    queued = Notice.objects.filter(complaint_id__in=complaint_ids, status=NoticeStatus.QUEUED)
    for notice in queued:
        sent_at = max(notice.not_before or notice.created_at, notice.created_at)
        sent_at += timedelta(seconds=20)
        if sent_at > now:
            continue
        status = NoticeStatus.SENT if notice.channel == NoticeChannel.EMAIL else NoticeStatus.LOGGED
        notice.status = status
        notice.sent_at = sent_at
        notice.status_log = [*notice.status_log, {"status": status, "at": sent_at.isoformat()}]
        settled.append(notice)
    Notice.objects.bulk_update(settled, ["status", "sent_at", "status_log"], batch_size=500)
