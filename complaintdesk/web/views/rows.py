"""What templates show of a complaint: the API presenters' output plus display labels.

Personal data (names, phones, free text) comes only from api/presenters.py, which masks it
for roles that may not see it; the labels added here are codes, statuses and staff names.
Templates get these dicts, never the model, so a template cannot print an unmasked field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.api.presenters import (
    attachment_out,
    complaint_out,
    complaint_summary,
    event_out,
)
from complaintdesk.complaints.choices import Demand, EventKind, Status, Visibility
from complaintdesk.complaints.events import event_note_for_reader
from complaintdesk.complaints.lifecycle import TRANSITIONS_BY_ACTION
from complaintdesk.complaints.models import Attachment, Complaint, ComplaintEvent
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.triage.choices import CrisisSignal
from complaintdesk.triage.engine import guidance_for
from complaintdesk.triage.services import may_review_triage
from complaintdesk.web.selectors import rejection_pending

# Side paths of the lifecycle; the first other allowed action is the one offered as primary.
SIDE_ACTIONS = frozenset({"request_info", "reject_plan", "reopen", "reject", "merge"})


def _actions(allowed: list[str]) -> list[dict[str, Any]]:
    primary = next((a for a in allowed if a not in SIDE_ACTIONS), None)
    return [
        {"action": a, "label": TRANSITIONS_BY_ACTION[a].label, "primary": a == primary}
        for a in allowed
    ]


def _label(choices: type[Any], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _labels(complaint: Complaint) -> dict[str, Any]:
    category = complaint.content_category
    nature = complaint.nature
    return {
        "status_label": complaint.get_status_display(),
        "channel_label": complaint.get_channel_display(),
        "category_label": f"{category.code} {category.label}" if category else "",
        "nature_label": nature.label if nature else "",
        "nature_key": nature.key if nature else "",
        "department_name": str(complaint.department) if complaint.department else "",
        "assignee_name": str(complaint.assignee) if complaint.assignee else "",
    }


def complaint_row(complaint: Complaint, user: User) -> dict[str, Any]:
    """One line of the complaint list."""
    return {**complaint_summary(complaint, user), **_labels(complaint)}


def complaint_panel(complaint: Complaint, user: User) -> dict[str, Any]:
    """Everything the detail page shows of the complaint itself."""
    data = complaint_out(complaint, user)
    entries = (
        ("object", complaint.complaint_object),
        ("department_class", complaint.handling_department_class),
        ("time_limit", complaint.time_limit_class),
    )
    data.update(_labels(complaint))
    data.update({f"{name}_label": entry.label if entry else "" for name, entry in entries})
    data.update(
        {
            "customer_tier_label": complaint.customer.get_tier_display(),
            "demand_labels": [_label(Demand, d) for d in complaint.demands],
            "urgency_label": complaint.get_urgency_display(),
            "importance_label": complaint.get_importance_display(),
            "emotion_label": complaint.get_emotion_display(),
            "motive_label": complaint.get_motive_display(),
            "behaviour_label": complaint.get_behaviour_display(),
            "crisis_labels": [_label(CrisisSignal, s) for s in complaint.crisis_signals],
            "confidence_percent": (
                round(complaint.triage_confidence * 100)
                if complaint.triage_confidence is not None
                else None
            ),
            "rejection_reason_label": complaint.get_rejection_reason_display(),
            "sla_paused_at": complaint.sla_paused_at,
            "first_responded_at": complaint.first_responded_at,
            "resolved_at": complaint.resolved_at,
            "closed_at": complaint.closed_at,
            "external_body": complaint.external_body,
            "external_deadline": complaint.external_deadline,
            "is_report": complaint.is_report,
            "abusive_language": complaint.abusive_language,
            "repeat_count": complaint.repeat_count,
            "order_reference": complaint.order_reference,
            "product_reference": complaint.product_reference,
            "actions": _actions(data["allowed_actions"]),
            "may_review_triage": may_review_triage(user, complaint),
            **_triage_reasons(complaint),
        }
    )
    return data


def pending_rejection_row(complaint: Complaint, user: User) -> dict[str, Any] | None:
    """The rejection proposal waiting for a second supervisor: who proposed it, when, its
    reason and explanation (masked for those who see personal data masked)."""
    review = rejection_pending(complaint=complaint)
    if review is None:
        return None
    personal = sees_personal_data(user)
    return {
        "id": review.pk,
        "reason": review.reason,
        "reason_label": review.get_reason_display(),
        "note": review.note if personal else mask_complaint_text(review.note, complaint),
        "proposed_by": str(review.proposed_by),
        "proposed_at": review.proposed_at,
        "is_own": review.proposed_by_id == user.pk,
    }


# The heads whose driving terms the triage panel lists, with their labels.
_EXPLAINED_HEADS = {
    "category": _("Category"),
    "nature": _("Nature"),
    "emotion": _("Emotion"),
    "motive": _("Motive"),
    "behaviour": _("Behaviour"),
    "crisis": _("Crisis signals"),
}


# The shape of the text as the model sees it (triage/engine/features.SHAPE_FEATURES).
_SHAPE_CUES = {
    "length<40": _("very short text"),
    "length<100": _("short text"),
    "length<250": _("medium-length text"),
    "length>=250": _("long text"),
    "no_exclamation": _("no exclamation marks"),
    "exclamations:1": _("one exclamation mark"),
    "exclamations:2-3": _("2–3 exclamation marks"),
    "exclamations:4+": _("4 or more exclamation marks"),
    "repeated_marks": _("repeated !! or ??"),
    "questions:2+": _("several questions"),
    "shouting": _("written in capitals"),
    "lang:zh-Hans": _("simplified Chinese"),
    "lang:zh-Hant": _("traditional Chinese"),
    "lang:en": _("English"),
    "lang:other": _("other language"),
}


def _cue(term: str) -> tuple[str, str]:
    """The words shown and the lexicon entry for their tooltip, from an explanation such as
    "宽带/broadband [category.telecom.network]" (entry "" for n-grams and shape cues, which
    read as words: "shape:exclamations:2-3" is "2–3 exclamation marks")."""
    if term.startswith("shape:"):
        return str(_SHAPE_CUES.get(term.removeprefix("shape:"), term)), ""
    words, _space, entry = term.partition(" [")
    return words, entry.rstrip("]")


def _guidance(complaint: Complaint, stored: dict[str, Any]) -> dict[str, Any] | None:
    """The coping guidance for the complaint's behaviour type and motive as they are now.

    The guidance stored with the prediction is for the predicted labels; after an agent
    corrects them it must follow the correction (QA: the panel kept the old advice).
    """
    guidance: dict[str, Any] | None = stored.get("guidance")
    current = (complaint.behaviour, complaint.motive)
    if not all(current) or (guidance and (guidance["behaviour"], guidance["motive"]) == current):
        return guidance
    try:
        return guidance_for(*current, lang=str(stored.get("lang") or complaint.language))
    except KeyError:
        return guidance  # a label the guidance file does not cover: keep what was shown


def _triage_reasons(complaint: Complaint) -> dict[str, Any]:
    """What drove the stored prediction (terms and rules, from the masked text) and the
    coping guidance for the behaviour type and motive."""
    stored = complaint.triage_result or {}
    explanations = stored.get("explanations") or {}
    return {
        "triage_explanations": [
            (label, [_cue(term) for term in explanations[head][:3]])
            for head, label in _EXPLAINED_HEADS.items()
            if explanations.get(head)
        ],
        "guidance": _guidance(complaint, stored),
        "model_version": stored.get("model_version", ""),
    }


def _routed_note(after: dict[str, Any]) -> str | None:
    if after.get("rule") is None:
        return str(_("No routing rule matched; the complaint waits for manual routing."))
    department = Department.objects.filter(code=after.get("department")).first()
    if department is None:
        return None
    values = {"department": str(department), "rule": after["rule"]}
    if after.get("assignee"):
        return _("Routed to %(department)s by rule “%(rule)s”, assigned to %(user)s.") % {
            **values,
            "user": after["assignee"],
        }
    return (
        _(
            "Routed to %(department)s by rule “%(rule)s”. Nobody with the skill and "
            "language is available: the complaint waits in the department queue."
        )
        % values
    )


def _duplicate_note(after: dict[str, Any]) -> str | None:
    if after.get("same_customer") or not after.get("duplicate_of"):
        return None  # the same customer's note names the channel, which is not kept
    return _("Possibly the same complaint as %(number)s (similarity %(score).0f%%).") % {
        "number": after["duplicate_of"],
        "score": float(after.get("score") or 0) * 100,
    }


def _mass_note(after: dict[str, Any]) -> str | None:
    if "similar_customers" not in after:
        return None
    return _("%(count)d other customers complained of the same within 24 hours.") % {
        "count": after["similar_customers"]
    }


def _visits_cancelled_note(after: dict[str, Any]) -> str | None:
    if after.get("status") != "cancelled":
        return None
    return str(
        _(
            "The follow-up visits planned after the closure are cancelled: the complaint "
            "was reopened. The next closure plans new ones."
        )
    )


# Notes the system writes from a template, in the language active when it wrote them (a
# sweep, an API call): they are said again in the reader's language from the event's data.
_SYSTEM_NOTES: dict[str, Callable[[dict[str, Any]], str | None]] = {
    EventKind.ROUTED: _routed_note,
    EventKind.DUPLICATE_SUSPECTED: _duplicate_note,
    EventKind.TRIAGE: _mass_note,
    EventKind.FOLLOW_UP: _visits_cancelled_note,
}


def _system_note(event: ComplaintEvent) -> str | None:
    """The system-written note in the reader's language; None for a person's note, or an
    older event without the data (its stored note is shown)."""
    build = _SYSTEM_NOTES.get(event.kind)
    if build is None or not event.note:
        return None
    return build(event.after or {})


def event_row(event: ComplaintEvent, user: User) -> dict[str, Any]:
    """One entry of the timeline, with the note masked for those who may not read it."""
    data = event_out(event, user)
    after = event.after or {}
    note = _system_note(event)
    if note is None:
        # The sentences the domain says again itself, from the data as this reader sees it.
        note = event_note_for_reader(kind=event.kind, after=data["after"], note=data["note"])
    if note is not None:
        data["note"] = note
    data.update(
        {
            "kind_label": _label(EventKind, event.kind),
            "from_label": _label(Status, event.from_status) if event.from_status else "",
            "to_label": _label(Status, event.to_status) if event.to_status else "",
            "action_label": (
                TRANSITIONS_BY_ACTION[after["action"]].label
                if after.get("action") in TRANSITIONS_BY_ACTION
                else ""
            ),
            "actor_name": str(event.actor) if event.actor else "",
            "customer_visible": event.visibility == Visibility.CUSTOMER,
            "assignee": after.get("assignee", ""),
        }
    )
    return data


def attachment_row(attachment: Attachment, user: User) -> dict[str, Any]:
    personal = sees_personal_data(user)
    return {
        "id": attachment.pk,
        "name": attachment_out(attachment, user)["original_name"],
        "content_type": attachment.content_type,
        "size": attachment.size,
        "uploaded_at": attachment.uploaded_at,
        "uploaded_by": str(attachment.uploaded_by) if attachment.uploaded_by else "",
        "downloadable": personal,
    }
