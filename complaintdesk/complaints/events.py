"""Writing the timeline: every change to a complaint goes through `event_record`.

Some events carry a sentence the system wrote in the language active at the time (a sweep,
an API call in English). `event_note_for_reader` says those again in the reader's language
from the event's data; an older event written without that data keeps its stored sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from complaintdesk.complaints.choices import (
    Channel,
    EscalationDecision,
    EscalationReason,
    EventKind,
    Status,
    Visibility,
)
from complaintdesk.complaints.models import Complaint, ComplaintEvent
from complaintdesk.core import clock
from complaintdesk.notifications.choices import NoticeChannel, NoticePurpose
from complaintdesk.remedies.currency import money


def event_record(
    *,
    complaint: Complaint,
    actor: Any,
    kind: str,
    note: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    from_status: str = "",
    to_status: str = "",
    visibility: str = Visibility.INTERNAL,
) -> ComplaintEvent:
    """Append one event. Must run inside the transaction that makes the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("complaint events are written inside the transaction of the change")
    return ComplaintEvent.objects.create(
        created_at=clock.now(),
        complaint=complaint,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        note=note,
        before=before or {},
        after=after or {},
        from_status=from_status,
        to_status=to_status,
        visibility=visibility,
    )


# -- the system's sentences in the reader's language ---------------------------------------


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _same_customer_note(after: Mapping[str, Any], note: str) -> str | None:
    # A possible duplicate of another customer's complaint is said again by the web timeline;
    # the same customer's, taken up by an outside body, needs the channel (kept since).
    if not (after.get("same_customer") and after.get("duplicate_of") and after.get("channel")):
        return None
    return _(
        "The customer's open complaint %(number)s says the same. This one came through "
        "%(channel)s with its own reference and deadline, so it is registered on its own; "
        "merging it into %(number)s would stop the clock on that deadline."
    ) % {"number": after["duplicate_of"], "channel": _label(Channel, after["channel"])}


def _repeat_note(after: Mapping[str, Any], note: str) -> str | None:
    """A repeat taken up by an outside body: our sentence, then the customer's own words,
    which stay as they were written."""
    if not (after.get("registered_as") and after.get("channel")) or "\n\n" not in note:
        return None
    sent_on = _(
        "Sent again through %(channel)s and registered on its own as %(number)s, with the "
        "external body's reference and deadline."
    ) % {"channel": _label(Channel, after["channel"]), "number": after["registered_as"]}
    words = note.split("\n\n", 1)[1]
    return f"{sent_on}\n\n{words}".strip()


def _notice_problem_note(after: Mapping[str, Any], note: str) -> str | None:
    status, purpose = after.get("status"), after.get("purpose")
    if status == "failed" and purpose and after.get("channel"):
        return _(
            "The %(purpose)s notice by %(channel)s to %(recipient)s could not be delivered "
            "(%(error)s). Reach the customer another way."
        ) % {
            "purpose": _label(NoticePurpose, purpose),
            "channel": _label(NoticeChannel, after["channel"]),
            "recipient": after.get("recipient", ""),
            "error": after.get("error", ""),
        }
    if status == "not_prepared" and purpose and "reason" in after:
        # The reason is the refusal as it was written; the sentence around it is ours.
        return _("The %(purpose)s notice could not be prepared: %(reason)s") % {
            "purpose": _label(NoticePurpose, purpose),
            "reason": after["reason"],
        }
    return None


def _carried_deadline_note(after: Mapping[str, Any], note: str) -> str | None:
    if not after.get("from_complaint"):
        return None
    body = after.get("from_body") or _label(Channel, after.get("from_channel", ""))
    return _("Deadline of %(body)s carried over from merged complaint %(number)s.") % {
        "body": body,
        "number": after["from_complaint"],
    }


def _escalation_decided_sentence(after: Mapping[str, Any]) -> str | None:
    decision, person = after.get("decision"), after.get("new_assignee_name", "")
    if decision == EscalationDecision.APPROVED:
        return _("Management approved the handling as proposed.")
    if decision == EscalationDecision.TAKE_OVER and person:
        return _("%(person)s took the complaint over.") % {"person": person}
    if decision == EscalationDecision.REASSIGN and person:
        return _("Management reassigned the complaint to %(person)s.") % {"person": person}
    if decision == EscalationDecision.AUTHORISE and after.get("amount") and after.get("currency"):
        return _(
            "Management authorised a remedy beyond the handler's authority: compensation on "
            "this complaint up to %(ceiling)s in all."
        ) % {"ceiling": money(Decimal(str(after["amount"])), str(after["currency"]))}
    if decision == EscalationDecision.AUTHORISE:
        return _("Management authorised a remedy beyond the handler's authority.")
    if decision == EscalationDecision.REJECT:
        return _("Management turned the escalation down; the handler carries on.")
    return None


def escalation_sentence(kind: str, after: Mapping[str, Any]) -> str | None:
    """The system's sentence on an escalation event (complaints/escalation_requests.py), in
    the active language; None when the event lacks the data."""
    person = after.get("to_name")
    if not person:
        return None
    if kind == EventKind.ESCALATION_RAISED and after.get("reason"):
        return _("Escalated to %(person)s: %(reason)s.") % {
            "person": person,
            "reason": _label(EscalationReason, after["reason"]),
        }
    if kind == EventKind.ESCALATION_DECIDED:
        return _escalation_decided_sentence(after)
    if kind == EventKind.ESCALATION_WITHDRAWN and after.get("finished"):
        return _("The escalation to %(person)s was withdrawn: the complaint is %(status)s.") % {
            "person": person,
            "status": _label(Status, after["finished"]),
        }
    if kind == EventKind.ESCALATION_WITHDRAWN:
        return _("The escalation to %(person)s was withdrawn.") % {"person": person}
    return None


def _escalation_note(kind: str) -> Callable[[Mapping[str, Any], str], str | None]:
    """Our sentence, then the person's own words (the explanation, the decision, why it was
    withdrawn), which stay as they were written."""

    def build(after: Mapping[str, Any], note: str) -> str | None:
        sentence = escalation_sentence(kind, after)
        if sentence is None:
            return None
        words = note.split("\n\n", 1)[1] if "\n\n" in note else ""
        return f"{sentence}\n\n{words}".strip()

    return build


_READER_NOTES: dict[str, Callable[[Mapping[str, Any], str], str | None]] = {
    EventKind.DUPLICATE_SUSPECTED: _same_customer_note,
    EventKind.REPEAT_RECEIVED: _repeat_note,
    EventKind.MESSAGE: _notice_problem_note,
    EventKind.FIELD_CHANGED: _carried_deadline_note,
    EventKind.ESCALATION_RAISED: _escalation_note(EventKind.ESCALATION_RAISED),
    EventKind.ESCALATION_DECIDED: _escalation_note(EventKind.ESCALATION_DECIDED),
    EventKind.ESCALATION_WITHDRAWN: _escalation_note(EventKind.ESCALATION_WITHDRAWN),
}


def event_note_for_reader(*, kind: str, after: Mapping[str, Any], note: str) -> str | None:
    """The system-written sentence of an event in the active language, or None: a person's
    note, a notice's own text, or an older event without the data (show its stored note).

    ``after`` and ``note`` as the reader may see them: masked for a role that does not see
    personal data, so what is said again is masked the same way.
    """
    build = _READER_NOTES.get(kind)
    if build is None or not note:
        return None
    return build(after or {}, note)
