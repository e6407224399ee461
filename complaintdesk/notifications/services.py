"""Writing notices: rendering, choosing the channel, queueing, delivering, recording.

`notice_send` is the one way a message to a customer is made. It renders the template for
the purpose in the customer's language (a zh-Hant reader gets the simplified Chinese text in
traditional characters while there is no zh-Hant template), picks the channel (the one asked
for or the customer's preferred one, falling back past opted-out channels and missing
addresses to the portal inbox), holds an SMS back during quiet hours, writes the Notice and a
customer-visible timeline event, and enqueues delivery once the transaction commits.

`notice_deliver` is what the background task runs: it claims the queued row atomically, so a
notice goes out at most once however often the task runs, retries transient failures with
backoff, and records a permanent failure on the timeline for staff to act on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import (
    acts_for_complaint,
    not_acting_for_complaint,
    role_of,
)
from complaintdesk.complaints import sla
from complaintdesk.complaints.choices import EventKind, Visibility
from complaintdesk.complaints.errors import DomainError, InvalidInput, NotAllowed
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.customers.models import Customer
from complaintdesk.notifications import policy
from complaintdesk.notifications.choices import (
    OUT_STATUSES,
    NoticeChannel,
    NoticePurpose,
    NoticeStatus,
)
from complaintdesk.notifications.masking import mask_one_time_links
from complaintdesk.notifications.models import Notice, NoticeTemplate
from complaintdesk.notifications.providers import (
    DeliveryOutcome,
    PermanentDeliveryError,
    TransientDeliveryError,
    email_send,
    sms_send,
)
from complaintdesk.notifications.rendering import (
    TRADITIONAL,
    template_render,
    template_variables,
    to_traditional,
)

logger = logging.getLogger("complaintdesk.notifications")

ROLES_SENDING_NOTICES = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
CALLER_CONTEXT_KEYS = frozenset({"note", "link", "amount", "due_at"})
REQUIRED_CONTEXT: dict[str, tuple[str, ...]] = {
    NoticePurpose.PROGRESS: ("note",),
    NoticePurpose.INFO_NEEDED: ("note",),
    NoticePurpose.RESULT: ("note",),
    NoticePurpose.SURVEY: ("link",),
    NoticePurpose.COMPENSATION_OFFER: ("link", "amount"),
}
# What staff may send by hand (API and UI); the others come with their own step: the
# acknowledgement with registration, information needed and the result with their actions,
# the survey and the compensation offer with the links their services make.
MANUAL_PURPOSES = (
    NoticePurpose.PROGRESS,
    NoticePurpose.SUGGESTION_THANKS,
    NoticePurpose.FOLLOW_UP,
)
# The lifecycle actions that tell the customer something, and what they tell.
TRANSITION_NOTICES: dict[str, str] = {
    "register": NoticePurpose.ACKNOWLEDGEMENT,
    "request_info": NoticePurpose.INFO_NEEDED,
    "resolve": NoticePurpose.RESULT,
}
# Purposes whose "expected time" is the resolution due time unless the sender gives one; for
# the others (a survey's or an offer's closing date) due_at means only what the caller says.
DUE_TIME_PURPOSES = frozenset({NoticePurpose.ACKNOWLEDGEMENT, NoticePurpose.PROGRESS})
DEFAULT_LANGUAGE = "zh-hans"
NOTE_MAX = 4000


def normalise_language(code: str) -> str:
    """zh, zh-Hans, zh_CN → zh-hans; en-GB → en; anything else lower-cased."""
    code = (code or "").strip().lower().replace("_", "-")
    if code in {"zh", "zh-hans", "zh-cn", "zh-sg"} or code.startswith("zh-hans"):
        return "zh-hans"
    if code in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"} or code.startswith("zh-hant"):
        return "zh-hant"
    return code.split("-")[0] if code.startswith("en") else code


def _languages(complaint: Complaint) -> list[str]:
    """The customer's language first, then the complaint's, then the organisation's."""
    candidates = [
        normalise_language(complaint.customer.preferred_language),
        normalise_language(complaint.language),
        DEFAULT_LANGUAGE,
    ]
    return [code for code in dict.fromkeys(candidates) if code]


def _traditional_reader(complaint: Complaint, template: NoticeTemplate) -> str:
    """The zh-Hant code (zh-Hant, zh-HK, zh-TW…) of a customer who reads traditional Chinese
    and is answered from a simplified Chinese template for want of a zh-Hant one; "" else
    (QA: zh-Hant customers got their acknowledgement in simplified characters)."""
    if template.language != DEFAULT_LANGUAGE:
        return ""
    # In the order of _languages: a language without templates of its own is passed over.
    for code in (complaint.customer.preferred_language, complaint.language):
        if normalise_language(code) == TRADITIONAL:
            return code
        if normalise_language(code) == template.language:
            return ""
    return ""


def _template_for(purpose: str, channel: str, languages: list[str]) -> NoticeTemplate:
    templates = {
        (t.language, t.channel): t
        for t in NoticeTemplate.objects.filter(
            purpose=purpose, language__in=languages, channel__in=[channel, ""], is_active=True
        )
    }
    for language in languages:
        for key in ((language, channel), (language, "")):
            if key in templates:
                return templates[key]
    raise InvalidInput(
        _("No active notice template for %(purpose)s in %(languages)s; add one in the admin.")
        % {"purpose": purpose, "languages": ", ".join(languages)},
        field="purpose",
    )


def _address(customer: Customer, channel: str) -> str:
    if channel == NoticeChannel.EMAIL:
        return customer.primary_email or next(iter(customer.emails or []), "")
    if channel == NoticeChannel.SMS:
        return customer.primary_phone or next(iter(customer.phones or []), "")
    return ""


def _route(customer: Customer, requested: str) -> tuple[str, str, list[str]]:
    """(channel, recipient, reasons the first choice was not used)."""
    opted_out = set(getattr(customer, "opted_out_channels", None) or [])
    wanted = requested or customer.preferred_channel or NoticeChannel.PORTAL
    order = [wanted, NoticeChannel.SMS, NoticeChannel.EMAIL, NoticeChannel.PORTAL]
    reasons: list[str] = []
    for channel in dict.fromkeys(order):
        if channel == NoticeChannel.PORTAL:
            return channel, "", reasons
        if channel not in NoticeChannel.values:
            reasons.append(_("notices are not sent by %(channel)s") % {"channel": channel})
        elif channel in opted_out:
            reasons.append(
                _("the customer opted out of %(channel)s")
                % {"channel": NoticeChannel(channel).label}
            )
        elif not (address := _address(customer, channel)):
            reasons.append(
                _("no %(channel)s address on record") % {"channel": NoticeChannel(channel).label}
            )
        else:
            return channel, address, reasons
    raise AssertionError("the portal is always available")  # pragma: no cover


# Written out rather than the locale's DATETIME_FORMAT, whose English form ("9:30 a.m.")
# ends a sentence with a doubled full stop.
TIME_FORMATS = {"zh-hans": "Y年n月j日 H:i", "zh-hant": "Y年n月j日 H:i"}


def _format_time(value: datetime) -> str:
    fmt = TIME_FORMATS.get(translation.get_language() or "", "j F Y, H:i")
    return dateformat.format(timezone.localtime(value), fmt)


def _format_amount(value: Any) -> str:
    if isinstance(value, int | float | Decimal):
        return f"¥{Decimal(str(value)):,.2f}"
    return str(value).strip()


def _can_use_status_page(customer: Customer) -> bool:
    """The status page lets a customer in by the last digits of a phone on their record
    (selectors.complaint_for_tracking); pointing anyone else there leads only to "not found"."""
    return bool(customer.primary_phone or customer.phones)


def _variables(complaint: Complaint, purpose: str, context: Mapping[str, Any]) -> dict[str, str]:
    """Plain strings for the template, in the active (customer's) language."""
    assignee = complaint.assignee
    due = context.get("due_at")
    if due is None and purpose in DUE_TIME_PURPOSES:
        due = complaint.resolution_due_at
    link = str(context.get("link") or "").strip()
    if not link and policy.public_base_url() and _can_use_status_page(complaint.customer):
        link = f"{policy.public_base_url()}/track/"
    return {
        "customer_name": complaint.customer.name,
        "tracking_number": complaint.tracking_number,
        "subject": complaint.subject,
        "status": str(complaint.get_status_display()),
        "due_at": _format_time(due) if isinstance(due, datetime) else str(due or ""),
        "handler_name": str(assignee) if assignee else "",
        # The desk's line, never the handler's own address: the customer's answer must reach
        # the complaint, not one person's inbox (QA: an information request told customers
        # to write to the handler's e-mail).
        "handler_contact": policy.contact_line(),
        "note": str(context.get("note") or "").strip(),
        "link": link,
        "amount": _format_amount(context["amount"]) if context.get("amount") is not None else "",
    }


def _validate_context(purpose: str, context: Mapping[str, Any]) -> None:
    unknown = sorted(set(context) - CALLER_CONTEXT_KEYS)
    if unknown:
        raise InvalidInput(
            _("Unknown notice detail %(key)s; give any of: %(known)s.")
            % {"key": unknown[0], "known": ", ".join(sorted(CALLER_CONTEXT_KEYS))},
            field=unknown[0],
        )
    for key in REQUIRED_CONTEXT.get(purpose, ()):
        value = context.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InvalidInput(
                _("A %(purpose)s notice needs the %(key)s.")
                % {"purpose": NoticePurpose(purpose).label, "key": key},
                field=key,
            )
    note = context.get("note")
    if isinstance(note, str) and len(note) > NOTE_MAX:
        raise InvalidInput(
            _("The note is longer than %(max)d characters.") % {"max": NOTE_MAX}, field="note"
        )
    due = context.get("due_at")
    if isinstance(due, datetime) and timezone.is_naive(due):
        raise InvalidInput(_("Give due_at with a time zone."), field="due_at")


def _with_note(
    body: str, template: NoticeTemplate, purpose: str, note: str, traditional: str
) -> str:
    """The body with the sender's note: a template edited without {{ note }} must not drop
    what the customer is asked for or told (the information needed, the result)."""
    needed = "note" in REQUIRED_CONTEXT.get(purpose, ())
    if not needed or "note" in template_variables(template.body):
        return body
    return f"{body}\n\n{to_traditional(note, traditional) if traditional else note}".strip()


def _log(notice: Notice, status: str, at: datetime, detail: str = "") -> None:
    entry = {"status": status, "at": at.isoformat()}
    if detail:
        entry["detail"] = detail
    notice.status_log = [*notice.status_log, entry]


def notice_send(
    *,
    complaint: Complaint,
    purpose: str,
    actor: User | None = None,
    context: dict[str, Any] | None = None,
    channel: str | None = None,
) -> Notice:
    """Tell the customer something about their complaint; delivery follows after commit."""
    if purpose not in NoticePurpose.values:
        raise InvalidInput(
            _("Unknown notice purpose %(purpose)s; use one of: %(known)s.")
            % {"purpose": purpose, "known": ", ".join(NoticePurpose.values)},
            field="purpose",
        )
    if channel and channel not in NoticeChannel.values:
        raise InvalidInput(
            _("Unknown channel %(channel)s; use one of: %(known)s.")
            % {"channel": channel, "known": ", ".join(NoticeChannel.values)},
            field="channel",
        )
    if actor is not None and role_of(actor) not in ROLES_SENDING_NOTICES:
        raise NotAllowed(_("Your role may not send messages to customers."))
    context = dict(context or {})
    _validate_context(purpose, context)
    now = clock.now()
    with transaction.atomic():
        complaint = Complaint.objects.select_related("customer", "assignee").get(pk=complaint.pk)
        customer = complaint.customer
        requested = channel or customer.preferred_channel
        chosen, recipient, reasons = _route(customer, channel or "")
        template = _template_for(purpose, chosen, _languages(complaint))
        traditional = _traditional_reader(complaint, template)
        with translation.override(template.language):
            variables = _variables(complaint, purpose, context)
            subject = template_render(
                template.subject, variables, traditional_for=traditional
            ).replace("\n", " ")
            body = template_render(template.body, variables, traditional_for=traditional)
        body = _with_note(body, template, purpose, variables["note"], traditional)
        fallback = ""
        if reasons:
            fallback = _("Sent by %(channel)s instead of %(requested)s: %(reasons)s.") % {
                "channel": NoticeChannel(chosen).label,
                "requested": requested,
                "reasons": "; ".join(reasons),
            }
        notice = Notice(
            complaint=complaint,
            purpose=purpose,
            channel=chosen,
            requested_channel=requested if reasons else "",
            fallback_reason=fallback[:300],
            language=TRADITIONAL if traditional else template.language,
            recipient=recipient,
            subject=subject[:300],
            body=body,
            template=template,
            created_by=actor if getattr(actor, "pk", None) else None,
            created_at=now,
        )
        _log(notice, NoticeStatus.QUEUED, now)
        if chosen == NoticeChannel.PORTAL:
            notice.status = NoticeStatus.PUBLISHED
            notice.sent_at = now
            _log(notice, NoticeStatus.PUBLISHED, now)
        elif chosen == NoticeChannel.SMS:
            notice.not_before = policy.quiet_hours_end(now)
        notice.save()
        after: dict[str, Any] = {
            "notice": notice.pk,
            "purpose": purpose,
            "channel": chosen,
            "status": notice.status,
            "language": notice.language,
        }
        if fallback:
            after["fallback"] = fallback
            after["requested_channel"] = requested
        if notice.not_before is not None:
            after["not_before"] = notice.not_before.isoformat()
        # The notice keeps the text as delivered; the timeline, read by every staff role,
        # gets it without the secret of a survey or consent link.
        staff_copy = mask_one_time_links(body)
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.MESSAGE,
            note=f"{fallback}\n\n{staff_copy}" if fallback else staff_copy,
            after=after,
            visibility=Visibility.CUSTOMER,
        )
        if notice.status == NoticeStatus.PUBLISHED:
            _record_first_response(notice, now)
        else:
            _enqueue(notice)
    return notice


def notice_send_by_hand(
    *, complaint: Complaint, purpose: str, actor: User, note: str, channel: str = ""
) -> Notice:
    """A message staff write themselves: progress, thanks for a suggestion, a follow-up."""
    if role_of(actor) in ROLES_SENDING_NOTICES and not acts_for_complaint(actor, complaint):
        # One voice to the customer: whoever handles the complaint (QA: an intake agent
        # wrote to the customer of a complaint another department was working on).
        raise NotAllowed(
            not_acting_for_complaint(
                complaint, _("You may not write to the customer of this complaint.")
            )
        )
    if purpose not in NoticePurpose.values:
        raise InvalidInput(
            _("%(purpose)s is not a message purpose. Messages sent by hand are one of: %(known)s.")
            % {"known": ", ".join(MANUAL_PURPOSES), "purpose": purpose},
            field="purpose",
        )
    if purpose not in MANUAL_PURPOSES:
        raise InvalidInput(
            _("Messages sent by hand are one of: %(known)s; %(purpose)s goes with its own step.")
            % {"known": ", ".join(MANUAL_PURPOSES), "purpose": purpose},
            field="purpose",
        )
    context = {"note": note} if (note or "").strip() else {}
    return notice_send(
        complaint=complaint, purpose=purpose, actor=actor, context=context, channel=channel or None
    )


def may_send_by_hand(user: User, complaint: Complaint) -> bool:
    """Whether the user may write to this complaint's customer (notice_send_by_hand)."""
    return role_of(user) in ROLES_SENDING_NOTICES and acts_for_complaint(user, complaint)


def notice_for_transition(
    *, complaint: Complaint, action: str, actor: User | None, note: str = ""
) -> Notice | None:
    """The notice a lifecycle action sends (acknowledgement, information needed, result)."""
    purpose = TRANSITION_NOTICES.get(action)
    if purpose is None:
        return None
    context = {"note": note} if note else {}
    try:
        # A savepoint: a notice that cannot be prepared must not undo the status change
        # (a registration without its acknowledgement is better than a lost complaint).
        with transaction.atomic():
            return notice_send(complaint=complaint, purpose=purpose, actor=actor, context=context)
    except DomainError as error:
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.MESSAGE,
            after={"purpose": purpose, "status": "not_prepared", "reason": error.message},
            note=_("The %(purpose)s notice could not be prepared: %(reason)s")
            % {"purpose": purpose, "reason": error.message},
        )
        return None


def _enqueue(notice: Notice) -> None:
    from complaintdesk.notifications.tasks import deliver_notice

    def enqueue() -> None:
        task = deliver_notice
        if notice.not_before is not None and task.get_backend().supports_defer:
            task = task.using(run_after=notice.not_before)
        task.enqueue(notice.pk)

    # robust: a queue that is down must not undo the committed notice; the sweep sends it.
    transaction.on_commit(enqueue, robust=True)


def _record_first_response(notice: Notice, at: datetime) -> None:
    """A message other than the automatic acknowledgement stops the first-response clock."""
    if notice.purpose == NoticePurpose.ACKNOWLEDGEMENT:
        return
    complaint = Complaint.objects.select_for_update().get(pk=notice.complaint_id)
    if complaint.first_responded_at is None:
        sla.record_first_response(complaint, at)
        if complaint.first_responded_at is not None:
            complaint.save(update_fields=[*sla.FIRST_RESPONSE_FIELDS, "updated_at"])


def _transport(notice: Notice) -> DeliveryOutcome:
    if notice.channel == NoticeChannel.EMAIL:
        return email_send(notice)
    if notice.channel == NoticeChannel.SMS:
        return sms_send(notice)
    return DeliveryOutcome(status=NoticeStatus.PUBLISHED)


def notice_deliver(*, notice_id: int) -> Notice | None:
    """Send one queued notice if it is due; a notice already out is left alone."""
    now = clock.now()
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    claimed = Notice.objects.filter(due, pk=notice_id, status=NoticeStatus.QUEUED).update(
        status=NoticeStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    notice = Notice.objects.filter(pk=notice_id).first()
    if not claimed or notice is None:
        # Already sent or being sent by another worker, failed, or not due yet.
        return notice
    try:
        outcome = _transport(notice)
    except TransientDeliveryError as exc:
        return _retry_or_fail(notice, str(exc))
    except PermanentDeliveryError as exc:
        return _fail(notice, str(exc))
    with transaction.atomic():
        done = clock.now()
        notice.status = outcome.status
        notice.provider_reference = outcome.reference[:200]
        notice.sent_at = done
        notice.last_error = ""
        _log(notice, outcome.status, done)
        notice.save(
            update_fields=["status", "provider_reference", "sent_at", "last_error", "status_log"]
        )
        if outcome.status in OUT_STATUSES:
            _record_first_response(notice, done)
    return notice


def _retry_or_fail(notice: Notice, error: str) -> Notice:
    if notice.attempts >= policy.max_attempts():
        return _fail(notice, error)
    now = clock.now()
    with transaction.atomic():
        notice.status = NoticeStatus.QUEUED
        notice.not_before = now + policy.retry_delay(notice.attempts)
        notice.last_error = error[:2000]
        notice.claimed_at = None
        _log(
            notice,
            NoticeStatus.QUEUED,
            now,
            _("retry %(n)d: %(error)s") % {"n": notice.attempts, "error": error[:300]},
        )
        notice.save(
            update_fields=["status", "not_before", "last_error", "claimed_at", "status_log"]
        )
        _enqueue(notice)
    logger.warning(
        "notice %s: transient failure, retry at %s: %s", notice.pk, notice.not_before, error
    )
    return notice


def _fail(notice: Notice, error: str) -> Notice:
    """A permanent failure: recorded on the notice and, for staff, on the timeline."""
    now = clock.now()
    with transaction.atomic():
        notice.status = NoticeStatus.FAILED
        notice.failed_at = now
        notice.last_error = error[:2000]
        _log(notice, NoticeStatus.FAILED, now, error[:300])
        notice.save(update_fields=["status", "failed_at", "last_error", "status_log"])
        _failure_event(notice, error)
    logger.error("notice %s could not be delivered: %s", notice.pk, error)
    return notice


def _failure_event(notice: Notice, error: str) -> None:
    # The data holds what the sentence names, so the timeline says it in the reader's
    # language (complaints/events.py), whatever language the delivery task ran in.
    details = {
        "purpose": notice.purpose,
        "channel": notice.channel,
        "recipient": notice.recipient,
        "error": error[:300],
    }
    event_record(
        complaint=notice.complaint,
        actor=None,
        kind=EventKind.MESSAGE,
        note=_(
            "The %(purpose)s notice by %(channel)s to %(recipient)s could not be delivered "
            "(%(error)s). Reach the customer another way."
        )
        % {
            **details,
            "purpose": NoticePurpose(notice.purpose).label,
            "channel": NoticeChannel(notice.channel).label,
        },
        after={"notice": notice.pk, "status": NoticeStatus.FAILED, **details},
        visibility=Visibility.INTERNAL,
    )


# What a channel may report after it accepted a message (a gateway's delivery receipt).
_LATER_STATUSES: dict[str, set[str]] = {
    NoticeStatus.SENT: {NoticeStatus.DELIVERED, NoticeStatus.FAILED},
    NoticeStatus.LOGGED: {NoticeStatus.DELIVERED, NoticeStatus.FAILED},
}


def notice_record_status(
    *, notice: Notice, status: str, detail: str = "", at: datetime | None = None
) -> Notice:
    """Record what a channel reported after sending: delivered, or failed after all."""
    at = at or clock.now()
    with transaction.atomic():
        locked = Notice.objects.select_for_update().select_related("complaint").get(pk=notice.pk)
        if status == locked.status:
            return locked
        if status not in _LATER_STATUSES.get(locked.status, set()):
            raise InvalidInput(
                _("A notice that is %(current)s cannot become %(status)s.")
                % {"current": locked.get_status_display(), "status": status},
                field="status",
            )
        locked.status = status
        _log(locked, status, at, detail[:300])
        if status == NoticeStatus.FAILED:
            locked.failed_at = at
            locked.last_error = detail[:2000]
            _failure_event(locked, detail or status)
        locked.save(update_fields=["status", "status_log", "failed_at", "last_error"])
    return locked


def notices_send_due(*, limit: int = 200) -> int:
    """The sweep: send queued notices whose time has come (after quiet hours, retries, or an
    enqueue that was lost). Returns how many were sent or settled."""
    now = clock.now()
    due_ids = list(
        Notice.objects.filter(status=NoticeStatus.QUEUED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .order_by("not_before", "id")
        .values_list("pk", flat=True)[:limit]
    )
    handled = 0
    for notice_id in due_ids:
        notice = notice_deliver(notice_id=notice_id)
        if notice is not None and notice.status != NoticeStatus.QUEUED:
            handled += 1
    return handled


def customer_set_channel_opt_out(
    *, customer: Customer, channel: str, opted_out: bool, actor: User
) -> Customer:
    """Record that the customer does (not) want notices by SMS or e-mail."""
    if role_of(actor) not in ROLES_SENDING_NOTICES:
        raise NotAllowed(_("Your role may not change a customer's contact preferences."))
    if channel not in {NoticeChannel.SMS, NoticeChannel.EMAIL}:
        raise InvalidInput(
            _("Customers can opt out of SMS or e-mail, not %(channel)s.") % {"channel": channel},
            field="channel",
        )
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        current = list(locked.opted_out_channels or [])
        wanted = sorted({*current, channel}) if opted_out else [c for c in current if c != channel]
        if wanted != current:
            locked.opted_out_channels = wanted
            locked.save(update_fields=["opted_out_channels"])
    return locked
