"""Intake: turning what arrives on a channel into a registered complaint, losing nothing.

`complaint_create` is the one way a complaint comes into being, whatever the channel (API,
web form, hotline screen, mail poller, demo data). It finds or creates the customer, honours
the integration's idempotency key, stores the complaint with its first event in one
transaction, and registers it (acknowledgement) unless the channel needs a person to do that.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import can_register_complaints
from complaintdesk.complaints.choices import (
    MAJOR_BY_DEFAULT_CHANNELS,
    Channel,
    Demand,
    EventKind,
    Level,
    Visibility,
)
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.escalation import SERIOUS_NATURES
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import search_text_of
from complaintdesk.core import clock
from complaintdesk.core.ids import generate_tracking_number
from complaintdesk.core.limits import TEXT_MAX
from complaintdesk.customers.models import Customer, CustomerTier
from complaintdesk.customers.services import customer_find_or_create
from complaintdesk.intake.duplicates import (
    RepeatMatch,
    complaint_check_duplicates,
    repeat_of,
    repeat_record,
)
from complaintdesk.intake.models import IdempotencyRecord
from complaintdesk.routing.models import RoutingRule, is_known_language, spoken_languages
from complaintdesk.routing.services import (
    complaint_place_in_department,
    complaint_route,
    routing_rules_active,
)
from complaintdesk.triage.choices import CrisisSignal, Dimension
from complaintdesk.triage.engine import TriageResult
from complaintdesk.triage.models import TaxonomyEntry
from complaintdesk.triage.services import complaint_text, complaint_triage, triage_text

SUBJECT_MAX = 300
DESCRIPTION_MAX = TEXT_MAX
# What detection can tell apart in a text (triage's `lang`); "other" leaves the default.
DETECTED_LANGUAGES = frozenset({"zh-Hans", "zh-Hant", "en"})
DEFAULT_LANGUAGE = "zh-Hans"
# Another machine's clock may run a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass
class CustomerDetails:
    """Who is complaining, as given on the channel; matched to an existing customer if known."""

    name: str = ""
    phone: str = ""
    email: str = ""
    account_number: str = ""
    contract_id: str = ""
    tier: str = CustomerTier.STANDARD
    preferred_language: str = ""
    preferred_channel: str = ""
    region: str = ""


@dataclass
class ComplaintDraft:
    """Everything a channel can tell us about a new complaint."""

    channel: str
    subject: str
    description: str
    customer: CustomerDetails
    channel_reference: str = ""
    expected_resolution: str = ""
    demands: list[str] = field(default_factory=list)
    received_at: datetime | None = None
    language: str = ""
    order_reference: str = ""
    product_reference: str = ""
    content_category: str = ""
    nature: str = ""
    urgency: int | None = None
    importance: int | None = None
    external_body: str = ""
    external_deadline: datetime | None = None
    is_report: bool = False

    def fingerprint(self) -> str:
        """A stable hash of the request, to tell a retry from a different request."""
        payload = json.dumps(self, default=_jsonable, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return value.__dict__
    raise TypeError(type(value))


@dataclass(frozen=True)
class IntakeResult:
    complaint: Complaint
    created: bool
    # The customer sent an open complaint again: `complaint` is that one, counted once more.
    repeat: bool = False


def _validate(draft: ComplaintDraft) -> None:
    if draft.channel not in Channel.values:
        raise InvalidInput(
            _("Unknown channel %(channel)s; use one of: %(known)s.")
            % {"channel": draft.channel, "known": ", ".join(Channel.values)},
            field="channel",
        )
    draft.language = (draft.language or "").strip()
    if draft.language and not is_known_language(draft.language):
        # Replaced by a default, a mistyped language would be lost in silence.
        raise InvalidInput(
            _(
                "Unknown language %(code)s; use one of %(known)s (regional variants such as "
                "zh-Hant or en-GB too), or leave it empty to detect it."
            )
            % {"code": draft.language, "known": ", ".join(spoken_languages())},
            field="language",
        )
    draft.subject = (draft.subject or "").strip()
    draft.description = (draft.description or "").strip()
    if not draft.description:
        raise InvalidInput(_("Describe the complaint: the description is empty."), "description")
    if len(draft.description) > DESCRIPTION_MAX:
        raise InvalidInput(
            _("The description is longer than %(max)d characters.") % {"max": DESCRIPTION_MAX},
            field="description",
        )
    if not draft.subject:
        # Phone and SMS complaints often come without a subject; the first line serves.
        draft.subject = draft.description.splitlines()[0][:80]
    if len(draft.subject) > SUBJECT_MAX:
        raise InvalidInput(
            _("The subject is longer than %(max)d characters.") % {"max": SUBJECT_MAX},
            field="subject",
        )
    unknown = [d for d in draft.demands if d not in Demand.values]
    if unknown:
        raise InvalidInput(
            _("Unknown demand %(demand)s; use any of: %(known)s.")
            % {"demand": unknown[0], "known": ", ".join(Demand.values)},
            field="demands",
        )
    for name in ("urgency", "importance"):
        value = getattr(draft, name)
        if value is not None and value not in Level.values:
            raise InvalidInput(
                _("%(field)s must be 1 (low) to 4 (critical).") % {"field": name}, field=name
            )
    _validate_times(draft)
    details = draft.customer
    if not (details.name or details.phone or details.email or details.account_number):
        raise InvalidInput(
            _("Say who is complaining: a name, phone, e-mail or account number."),
            field="customer",
        )


def _validate_times(draft: ComplaintDraft) -> None:
    """When the complaint was received and the external body's deadline.

    received_at: not in the future (beyond clock skew), not further back than
    INTAKE_BACKFILL_DAYS (older is a mistyped year, not a letter entered late).
    external_deadline: after the complaint was received. For a complaint received now that
    means in the future; a deadline already passed is accepted only with an earlier
    received_at, as when old letters are backfilled: the deadline is a fact of the case, and
    the time limit then shows it overdue, which it is.
    """
    now = clock.now()
    if draft.received_at is not None:
        if timezone.is_naive(draft.received_at):
            raise InvalidInput(_("Give received_at with a time zone offset."), "received_at")
        if draft.received_at > now + CLOCK_SKEW:
            raise InvalidInput(_("received_at is in the future."), field="received_at")
        if draft.received_at < now - timedelta(days=settings.INTAKE_BACKFILL_DAYS):
            raise InvalidInput(
                _(
                    "received_at is more than %(days)d days ago; check the year. Complaints "
                    "received earlier than that are not accepted (INTAKE_BACKFILL_DAYS)."
                )
                % {"days": settings.INTAKE_BACKFILL_DAYS},
                field="received_at",
            )
    deadline = draft.external_deadline
    if deadline is None:
        return
    if timezone.is_naive(deadline):
        raise InvalidInput(
            _("Give external_deadline with a time zone offset."), field="external_deadline"
        )
    if draft.received_at is None and deadline <= now:
        raise InvalidInput(
            _(
                "The external body's deadline %(deadline)s has already passed. If you are "
                "recording a complaint received earlier, give its received_at as well."
            )
            % {"deadline": _local_text(deadline)},
            field="external_deadline",
        )
    if draft.received_at is not None and deadline <= draft.received_at:
        raise InvalidInput(
            _(
                "The external body's deadline %(deadline)s is not after the complaint was "
                "received (%(received)s); check both dates."
            )
            % {"deadline": _local_text(deadline), "received": _local_text(draft.received_at)},
            field="external_deadline",
        )


def _local_text(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _taxonomy_entry(dimension: str, key: str, field_name: str) -> TaxonomyEntry | None:
    if not key:
        return None
    entry = TaxonomyEntry.objects.filter(dimension=dimension, key=key, is_active=True).first()
    if entry is None:
        raise InvalidInput(
            _("Unknown or retired %(dimension)s %(key)s.") % {"dimension": dimension, "key": key},
            field=field_name,
        )
    return entry


def _new_tracking_number() -> str:
    for _attempt in range(8):
        number = generate_tracking_number()
        if not Complaint.objects.filter(tracking_number=number).exists():
            return number
    raise RuntimeError("could not draw a free tracking number")


def _intake_language(draft: ComplaintDraft, prediction: TriageResult | None) -> str:
    """The complaint's language: as given at intake, else as detected in its text, else the
    default. A language given is never replaced by a guess: a customer who writes simplified
    characters may still want to be answered in traditional ones."""
    if draft.language:
        return draft.language
    if prediction is not None and prediction.lang in DETECTED_LANGUAGES:
        return prediction.lang
    return DEFAULT_LANGUAGE


def _store(
    draft: ComplaintDraft, actor: User | None, customer: Customer, language: str
) -> Complaint:
    nature = _taxonomy_entry(Dimension.NATURE, draft.nature, "nature")
    if nature is None and draft.channel in MAJOR_BY_DEFAULT_CHANNELS:
        nature = TaxonomyEntry.objects.filter(dimension=Dimension.NATURE, key="major").first()
    complaint = Complaint.objects.create(
        tracking_number=_new_tracking_number(),
        customer=customer,
        channel=draft.channel,
        channel_reference=draft.channel_reference,
        external_body=draft.external_body,
        external_deadline=draft.external_deadline,
        is_report=draft.is_report or draft.channel == Channel.REPORT,
        received_at=draft.received_at or clock.now(),
        created_at=clock.now(),
        subject=draft.subject,
        description=draft.description,
        search_text=search_text_of(draft.subject, draft.description),
        expected_resolution=draft.expected_resolution,
        demands=list(dict.fromkeys(draft.demands)),
        language=language,
        order_reference=draft.order_reference,
        product_reference=draft.product_reference,
        content_category=_taxonomy_entry(Dimension.CONTENT, draft.content_category, "category"),
        nature=nature,
        urgency=draft.urgency or Level.MEDIUM,
        importance=draft.importance or Level.MEDIUM,
        created_by=actor,
    )
    event_record(
        complaint=complaint,
        actor=actor,
        kind=EventKind.CREATED,
        after={"channel": complaint.channel, "tracking_number": complaint.tracking_number},
        visibility=Visibility.CUSTOMER,
    )
    return complaint


def complaint_create(
    *,
    draft: ComplaintDraft,
    actor: User,
    idempotency_key: str = "",
    register: bool = True,
) -> IntakeResult:
    """Store a new complaint from any channel and register it; safe to retry with a key."""
    if not can_register_complaints(actor):
        raise NotAllowed(_("Your role may not register complaints."))
    _validate(draft)
    idempotency_key = _idempotency_key_clean(idempotency_key)
    fingerprint = draft.fingerprint()
    if idempotency_key:
        replay = _replayed(actor, idempotency_key, fingerprint)
        if replay is not None:
            return IntakeResult(complaint=replay, created=False)
    # The model runs before the transaction: on SQLite a transaction holds the write lock.
    text = complaint_text(draft.subject, draft.description)
    prediction = triage_text(text) if settings.TRIAGE_ENABLED else None
    rules: list[RoutingRule] = []
    try:
        with transaction.atomic():
            customer = customer_find_or_create(details=draft.customer)
            match = repeat_of(
                customer=customer, subject=draft.subject, description=draft.description
            )
            taken_up = match if match is not None and _takes_up(draft, match.complaint) else None
            repeated = match.complaint if match is not None and taken_up is None else None
            if repeated is not None:
                complaint = repeat_record(
                    complaint=repeated, actor=actor, channel=draft.channel, text=draft.description
                )
            else:
                complaint = _store_new(draft, actor, customer, prediction, taken_up)
            _idempotency_remember(actor, idempotency_key, fingerprint, complaint)
            if register and repeated is None:
                # The department first: registration starts the clock on its calendar and
                # the acknowledgement promises that deadline, which routing then keeps.
                # Both read the same rules, once.
                rules = routing_rules_active()
                complaint_place_in_department(complaint=complaint, rules=rules)
                complaint_transition(complaint=complaint, action="register", actor=actor)
    except IntegrityError:
        # Two retries of one request raced; the other one stored it first.
        replay = _replayed(actor, idempotency_key, fingerprint) if idempotency_key else None
        if replay is None:
            raise
        return IntakeResult(complaint=replay, created=False)
    if repeated is not None:
        return IntakeResult(complaint=complaint, created=False, repeat=True)
    if register:
        # After the commit: a routing failure must never lose the complaint.
        complaint_route(complaint=complaint, rules=rules)
    complaint.refresh_from_db()
    return IntakeResult(complaint=complaint, created=True)


def complaint_resolve_at_first_contact(
    *, draft: ComplaintDraft, actor: User, resolution: str, idempotency_key: str = ""
) -> IntakeResult:
    """Register a complaint the registering person solved on the spot, and resolve it.

    SPEC §5, seed 004: what can be solved at once is solved at once, and the record shows
    it. The person who took it handles it: no routing to a department's queue, no plan and
    no approval. Registration, assignment, start and resolution run through the lifecycle
    in one transaction, so the customer gets the acknowledgement and the result notice
    (`resolution`), and the satisfaction survey follows as after any resolution.

    Refused, with nothing stored, for what a department must handle: a complaint passed on
    by an external body, one triaged major or urgent or with a crisis signal, and the
    customer's open complaint sent again.

    Safe to retry with a key, as `complaint_create`: the same key and request return the
    complaint resolved the first time, and nothing runs again.
    """
    if not can_register_complaints(actor):
        raise NotAllowed(_("Your role may not register complaints."))
    _validate(draft)
    resolution = (resolution or "").strip()
    if not resolution:
        raise InvalidInput(
            _("Write the resolution: what the customer was told and what was done."),
            field="resolution",
        )
    idempotency_key = _idempotency_key_clean(idempotency_key)
    fingerprint = _first_contact_fingerprint(draft, resolution)
    if idempotency_key:
        replay = _replayed(actor, idempotency_key, fingerprint)
        if replay is not None:
            return IntakeResult(complaint=replay, created=False)
    if _through_external_body(draft):
        raise InvalidInput(
            _(
                "A complaint passed on by a regulator, the media, a consumer association or "
                "a manufacturer goes to a department and is answered to that body; it cannot "
                "be solved at first contact. Register it without a resolution, and it will "
                "be routed."
            ),
            field="first_contact",
        )
    text = complaint_text(draft.subject, draft.description)
    prediction = triage_text(text) if settings.TRIAGE_ENABLED else None
    try:
        with transaction.atomic():
            complaint = _store_first_contact(draft, actor, prediction)
            _idempotency_remember(actor, idempotency_key, fingerprint, complaint)
            _resolve_on_the_spot(complaint, actor, resolution)
    except IntegrityError:
        # Two retries of one request raced; the other one stored it first.
        replay = _replayed(actor, idempotency_key, fingerprint) if idempotency_key else None
        if replay is None:
            raise
        return IntakeResult(complaint=replay, created=False)
    complaint.refresh_from_db()
    return IntakeResult(complaint=complaint, created=True)


def _first_contact_fingerprint(draft: ComplaintDraft, resolution: str) -> str:
    """The request's fingerprint: the draft and the resolution, marked as a first contact,
    so a key used to register the same draft the ordinary way is a different request."""
    payload = json.dumps(["first_contact", draft.fingerprint(), resolution], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _store_first_contact(
    draft: ComplaintDraft, actor: User, prediction: TriageResult | None
) -> Complaint:
    customer = customer_find_or_create(details=draft.customer)
    match = repeat_of(customer=customer, subject=draft.subject, description=draft.description)
    if match is not None:
        raise Conflict(
            _(
                "The customer already has this complaint open as %(number)s; it cannot be "
                "solved at first contact. Register it without a resolution to record this "
                "contact on %(number)s, or open %(number)s."
            )
            % {"number": match.complaint.tracking_number},
            field="first_contact",
        )
    complaint = _store_new(draft, actor, customer, prediction, taken_up=None)
    _require_first_contact_fit(complaint)
    return complaint


def _resolve_on_the_spot(complaint: Complaint, actor: User, resolution: str) -> None:
    complaint_transition(complaint=complaint, action="register", actor=actor)
    complaint_transition(
        complaint=complaint,
        action="assign",
        actor=actor,
        note=_("Solved at first contact by the person who registered it."),
        params={"assignee": actor},
    )
    complaint_transition(complaint=complaint, action="start", actor=actor)
    complaint_transition(complaint=complaint, action="resolve", actor=actor, note=resolution)


def _require_first_contact_fit(complaint: Complaint) -> None:
    """Triage's verdict after the fact: major, urgent and crisis complaints need a department
    (SPEC §3 nature, §15 crisis watch), whatever the agent at the counter could do."""
    nature = complaint.nature
    if nature is not None and nature.key in SERIOUS_NATURES:
        raise Conflict(
            _(
                "This complaint is classified as %(nature)s: a major or urgent complaint goes "
                "to a department, it cannot be solved at first contact. Register it without "
                "a resolution, and it will be routed."
            )
            % {"nature": nature.label},
            field="first_contact",
        )
    if complaint.crisis_signals:
        labels = dict(CrisisSignal.choices)
        raise Conflict(
            _(
                "This complaint shows crisis signals (%(signals)s): it goes to a department, "
                "it cannot be solved at first contact. Register it without a resolution, and "
                "it will be routed."
            )
            % {"signals": ", ".join(str(labels.get(s, s)) for s in complaint.crisis_signals)},
            field="first_contact",
        )


def _through_external_body(draft: ComplaintDraft) -> bool:
    return draft.channel in MAJOR_BY_DEFAULT_CHANNELS or bool(draft.external_body.strip())


def _takes_up(draft: ComplaintDraft, open_complaint: Complaint) -> bool:
    """Whether an external body has taken up the customer's open complaint.

    Such a submission is not a plain repeat: it is a case of its own, with the body's
    channel, reference and deadline, major by default (SPEC §1), and routing and time-limit
    rules that look at the channel. It is registered and linked to the open complaint. The
    same external case sent again (same channel, body and reference) is a repeat.
    """
    if not _through_external_body(draft):
        return False
    same_case = (
        open_complaint.channel == draft.channel
        and open_complaint.external_body.strip().casefold()
        == draft.external_body.strip().casefold()
        and open_complaint.channel_reference.strip() == draft.channel_reference.strip()
    )
    return not same_case


def _store_new(
    draft: ComplaintDraft,
    actor: User,
    customer: Customer,
    prediction: TriageResult | None,
    taken_up: RepeatMatch | None,
) -> Complaint:
    complaint = _store(draft, actor, customer, _intake_language(draft, prediction))
    # Triage before registration, so routing and time limits see category and nature;
    # duplicates after it, so a mass signal joins the triage signals.
    complaint_triage(complaint=complaint, actor=None, prediction=prediction)
    complaint_check_duplicates(complaint=complaint, taken_up=taken_up)
    if taken_up is not None:
        # The open complaint's history shows the customer went further, and where to.
        repeat_record(
            complaint=taken_up.complaint,
            actor=actor,
            channel=draft.channel,
            text=draft.description,
            registered_as=complaint,
        )
    return complaint


def _idempotency_key_clean(key: str) -> str:
    key = key.strip()
    if len(key) > 200:
        raise InvalidInput(
            _("The Idempotency-Key is longer than 200 characters."), "Idempotency-Key"
        )
    return key


def _idempotency_remember(actor: User, key: str, fingerprint: str, complaint: Complaint) -> None:
    """Inside the transaction that stores the complaint: a retry racing this one fails on
    the unique key and is answered with this complaint."""
    if key:
        IdempotencyRecord.objects.create(
            user=actor, key=key, request_fingerprint=fingerprint, complaint=complaint
        )


def _replayed(actor: User, key: str, fingerprint: str) -> Complaint | None:
    record = (
        IdempotencyRecord.objects.select_related("complaint").filter(user=actor, key=key).first()
    )
    if record is None:
        return None
    if record.request_fingerprint != fingerprint:
        raise Conflict(
            _(
                "Idempotency-Key %(key)s was already used for a different complaint "
                "(%(number)s). Use a new key for a new complaint."
            )
            % {"key": key, "number": record.complaint.tracking_number}
        )
    return record.complaint
