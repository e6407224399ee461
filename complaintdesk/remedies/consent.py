"""The customer's consent to compensation (SPEC §10): an offer of the approved items, sent
with a single-use expiring link, answered once — through the link or to an agent who
records how the consent was obtained. A declined offer releases the budget."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import EventKind, Visibility
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotFound
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.handling.authority import money
from complaintdesk.remedies.choices import ConsentDecision, ConsentMethod, ItemStatus
from complaintdesk.remedies.models import CompensationOffer
from complaintdesk.remedies.services import (
    budget_release,
    record_event,
    require_actor,
    text_within,
)

OFFER_VALID_DAYS = 7
# The customer's note on the public consent page: a few words about the offer, smaller than
# what staff may write on a complaint (TEXT_MAX) because anyone holding the link can post it.
CUSTOMER_NOTE_MAX = 2000


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _notify_offer(*, complaint: Complaint, actor: User, link: str, total: str) -> None:
    try:
        from complaintdesk.notifications.services import notice_send
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("complaintdesk.notifications"):
            raise
        raise Conflict(
            _(
                "Customer notices are not available in this installation; make the offer by "
                "phone or in person and record the customer's answer."
            )
        ) from exc
    notice_send(
        complaint=complaint,
        purpose="compensation_offer",
        actor=actor,
        context={"link": link, "amount": total},
    )


def compensation_offer(
    *,
    complaint: Complaint,
    actor: User,
    base_url: str,
    send_notice: bool = True,
    valid_days: int = OFFER_VALID_DAYS,
) -> tuple[CompensationOffer, str]:
    """Offer every approved, not yet offered item to the customer in one offer.

    Returns the offer and the consent link (single use, expiring), which the notice
    carries when `send_notice`; without it the agent reads the offer out and records the
    answer with `offer_record_consent`.
    """
    require_actor(actor, complaint)
    if not 1 <= valid_days <= 60:
        raise InvalidInput(_("The link is valid for 1 to 60 days."), field="valid_days")
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        items = list(
            locked.compensation_items.select_for_update(of=("self",))
            .filter(status=ItemStatus.APPROVED, offer__isnull=True)
            .order_by("pk")
        )
        if not items:
            raise Conflict(_("There is no approved compensation waiting to be offered."))
        now = clock.now()
        offer = CompensationOffer.objects.create(
            complaint=locked,
            token_hash=token_hash(raw),
            expires_at=now + timedelta(days=valid_days),
            created_by=actor,
            created_at=now,
        )
        for item in items:
            item.offer, item.status = offer, ItemStatus.OFFERED
            item.save(update_fields=["offer", "status"])
        link = base_url.rstrip("/") + reverse("remedies:consent", args=[raw])
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for item in items:
            totals[item.currency] += item.amount
        total = ", ".join(money(a, c) for c, a in sorted(totals.items()))
        record_event(
            locked,
            actor,
            EventKind.COMPENSATION,
            "offered",
            offer=offer.pk,
            items=[i.pk for i in items],
            total=total,
            expires_at=offer.expires_at.isoformat(),
            notice=send_notice,
        )
        if send_notice:
            _notify_offer(complaint=locked, actor=actor, link=link, total=total)
    return offer, link


def _decide(
    offer: CompensationOffer,
    *,
    decision: str,
    method: str,
    actor: User | None,
    note: str,
    now: datetime,
) -> None:
    """Apply the customer's answer to a locked, still open offer."""
    items = list(
        offer.items.select_for_update(of=("self",)).select_related("complaint").order_by("pk")
    )
    for item in items:
        if decision == ConsentDecision.ACCEPTED:
            item.status = ItemStatus.ACCEPTED
        else:
            budget_release(item)
            item.status = ItemStatus.DECLINED
        item.save(update_fields=["status"])
    offer.decision, offer.method, offer.decided_at = decision, method, now
    offer.recorded_by, offer.note = actor, note
    offer.save()
    record_event(
        offer.complaint,
        actor,
        EventKind.COMPENSATION,
        f"consent_{decision}",
        note,
        visibility=Visibility.CUSTOMER,
        offer=offer.pk,
        method=method,
        items=[i.pk for i in items],
    )


def offer_by_token(raw: str) -> CompensationOffer:
    """The offer a consent link points to, or NotFound."""
    offer = (
        CompensationOffer.objects.select_related("complaint")
        .filter(token_hash=token_hash(raw or ""))
        .first()
    )
    if offer is None:
        raise NotFound(_("This link is not valid."))
    return offer


def _customer_note(note: str) -> str:
    """The customer's note whole, or refused when longer than CUSTOMER_NOTE_MAX.

    Line breaks are counted once: a browser sends them as CR LF, but counts them as one
    character against the form's maxlength."""
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > CUSTOMER_NOTE_MAX:
        raise InvalidInput(
            _(
                "Your note is %(length)d characters long; please shorten it to %(max)d "
                "characters or fewer."
            )
            % {"length": len(note), "max": CUSTOMER_NOTE_MAX},
            field="note",
        )
    return note


def offer_decide_by_link(*, token: str, decision: str, note: str = "") -> CompensationOffer:
    """The customer's answer through the link in the notice: once, and before it expires."""
    if decision not in ConsentDecision.values:
        raise InvalidInput(_("Accept or decline the offer."), field="decision")
    note = _customer_note(note)
    offer = offer_by_token(token)
    with transaction.atomic():
        locked = (
            CompensationOffer.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .get(pk=offer.pk)
        )
        now = clock.now()
        if locked.decided_at is not None:
            raise Conflict(_("This offer has already been answered; the link works only once."))
        if locked.expires_at <= now:
            raise Conflict(
                _("This link has expired. Please contact us and we will make the offer again.")
            )
        _decide(
            locked,
            decision=decision,
            method=ConsentMethod.LINK,
            actor=None,
            note=note,
            now=now,
        )
    return locked


def offer_record_consent(
    *, offer: CompensationOffer, actor: User, decision: str, method: str, note: str
) -> CompensationOffer:
    """An agent records the customer's answer and how it was obtained."""
    if decision not in ConsentDecision.values:
        raise InvalidInput(_("Record whether the customer accepted or declined."), "decision")
    if method not in ConsentMethod.values or method == ConsentMethod.LINK:
        known = ", ".join(m for m in ConsentMethod.values if m != ConsentMethod.LINK)
        raise InvalidInput(
            _("Say how the consent was obtained: one of %(known)s.") % {"known": known},
            field="method",
        )
    note = text_within(note, field="note")
    if not note:
        raise InvalidInput(
            _("Note what the customer said, and when and where it was said."), field="note"
        )
    with transaction.atomic():
        locked = (
            CompensationOffer.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .get(pk=offer.pk)
        )
        require_actor(actor, locked.complaint)
        if locked.decided_at is not None:
            raise Conflict(_("This offer has already been answered."))
        _decide(locked, decision=decision, method=method, actor=actor, note=note, now=clock.now())
    return locked
