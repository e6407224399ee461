"""Triage in the complaint flow: predict at intake, let agents accept or correct, retrain.

The engine (triage/engine/) is Django-free; this module connects it to complaints, the
taxonomy, stored model versions and agents' corrections.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import (
    acts_for_complaint,
    not_acting_for_complaint,
    role_of,
)
from complaintdesk.complaints import sla
from complaintdesk.complaints.choices import EventKind
from complaintdesk.complaints.errors import InvalidInput, NotAllowed
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.triage import engine
from complaintdesk.triage.choices import Behaviour, CrisisSignal, Dimension, Emotion, Motive
from complaintdesk.triage.engine.labels import INDUSTRIES
from complaintdesk.triage.models import TaxonomyEntry, TriageCorrection, TriageModelVersion
from complaintdesk.triage.taxonomy import current_industry

# How long a process trusts its cached idea of the active model before asking the database.
_ACTIVE_MODEL_TTL_SECONDS = 30.0
_active_lock = threading.Lock()
_active_cache: tuple[float, str | None] = (0.0, None)

REVIEWABLE_HEADS = ("category", "nature", "emotion", "motive", "behaviour", "crisis_signals")
ROLES_REVIEWING_TRIAGE = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})


def _active_model_path() -> str | None:
    global _active_cache
    now = time.monotonic()
    with _active_lock:
        checked_at, path = _active_cache
        if now - checked_at < _ACTIVE_MODEL_TTL_SECONDS:
            return path
    path = TriageModelVersion.objects.filter(is_active=True).values_list("path", flat=True).first()
    with _active_lock:
        _active_cache = (now, path)
    return path


def forget_active_model() -> None:
    """Make the next prediction look up the active version again (after (de)activation)."""
    global _active_cache
    with _active_lock:
        _active_cache = (0.0, None)


def active_triager() -> engine.Triager:
    """The active trained version, else the model shipped in the package, else the rules."""
    path = _active_model_path()
    if path and Path(path, "metadata.json").exists():
        return engine.load_model(path)
    return engine.load_triager()


def complaint_text(subject: str, description: str) -> str:
    """What triage reads of a complaint: subject and description, or the description alone
    when the subject is only its opening (intake fills a missing subject with the first
    line). A sentence read twice weighs twice in the features, unlike any training text,
    and can tip a close call."""
    subject = subject.strip()
    if not subject or description.strip().startswith(subject):
        return description
    return f"{subject}\n{description}"


def triage_text(text: str, *, industry: str | None = None) -> engine.TriageResult:
    if not text.strip():
        # Spaces alone would still get a category, with a confidence that means nothing.
        raise InvalidInput(_("There is no text to triage: write the complaint first."), "text")
    if industry is not None and industry not in INDUSTRIES:
        raise InvalidInput(
            _("Unknown industry %(industry)s; use one of: %(known)s.")
            % {"industry": industry, "known": ", ".join(INDUSTRIES)},
            field="industry",
        )
    results = engine.predict(
        [text], industry or current_industry(), model=active_triager(), with_guidance=True
    )
    return results[0]


def _content_entry(result: engine.TriageResult) -> TaxonomyEntry | None:
    keys = [key for key in (result.subcategory, result.category) if key]
    entries = {
        entry.key: entry
        for entry in TaxonomyEntry.objects.filter(
            dimension=Dimension.CONTENT, key__in=keys, is_active=True
        )
    }
    return next((entries[key] for key in keys if key in entries), None)


def _nature_entry(key: str) -> TaxonomyEntry | None:
    return TaxonomyEntry.objects.filter(dimension=Dimension.NATURE, key=key, is_active=True).first()


def _stored_result(result: engine.TriageResult) -> dict[str, Any]:
    stored = result.as_dict()
    # The complaint holds its own text; the masked copy lives only in the training store.
    stored.pop("masked_text", None)
    return stored


def complaint_triage(
    *,
    complaint: Complaint,
    actor: User | None,
    keep_given: bool = True,
    prediction: engine.TriageResult | None = None,
) -> engine.TriageResult | None:
    """Triage a complaint and fill its fields; what a person already chose is kept.

    Runs inside the caller's transaction (intake) or its own. `prediction` is the result of
    `triage_text` on the complaint's text, computed before the transaction so the write lock
    is not held while the model runs. Returns None when triage is switched off.
    """
    if not settings.TRIAGE_ENABLED:
        return None
    result = prediction or triage_text(complaint_text(complaint.subject, complaint.description))
    with transaction.atomic():
        given_category = complaint.content_category_id is not None and keep_given
        given_nature = complaint.nature_id is not None and keep_given
        if not given_category:
            complaint.content_category = _content_entry(result)
        if not given_nature:
            complaint.nature = _nature_entry(result.nature)
        complaint.emotion = result.emotion
        complaint.motive = result.motive
        complaint.behaviour = result.behaviour
        complaint.crisis_signals = list(result.crisis_signals)
        complaint.triage_confidence = result.category_confidence
        complaint.needs_triage = result.needs_triage and not given_category
        complaint.triage_result = _stored_result(result)
        complaint.save()
        event_record(
            complaint=complaint,
            actor=actor,
            kind=EventKind.TRIAGE,
            after={
                "category": result.subcategory or result.category,
                "nature": result.nature,
                "emotion": result.emotion,
                "motive": result.motive,
                "behaviour": result.behaviour,
                "crisis_signals": list(result.crisis_signals),
                "confidence": result.category_confidence,
                "model_version": result.model_version,
                "kept_given_category": given_category,
                "kept_given_nature": given_nature,
            },
        )
    return result


def _validated_correction(head: str, value: Any) -> Any:
    if head == "category":
        entry = TaxonomyEntry.objects.filter(
            dimension=Dimension.CONTENT, key=value, is_active=True
        ).first()
        if entry is None:
            raise InvalidInput(
                _("Unknown or retired category %(key)s.") % {"key": value}, field="category"
            )
        return entry
    if head == "nature":
        entry = _nature_entry(str(value))
        if entry is None:
            raise InvalidInput(_("Unknown nature %(key)s.") % {"key": value}, field="nature")
        return entry
    choices: dict[str, list[str]] = {
        "emotion": Emotion.values,
        "motive": Motive.values,
        "behaviour": Behaviour.values,
    }
    if head in choices:
        if value not in choices[head]:
            raise InvalidInput(
                _("%(head)s must be one of: %(known)s.")
                % {"head": head, "known": ", ".join(choices[head])},
                field=head,
            )
        return value
    if head == "crisis_signals":
        if not isinstance(value, list) or any(v not in CrisisSignal.values for v in value):
            raise InvalidInput(
                _("crisis_signals must be a list of: %(known)s.")
                % {"known": ", ".join(CrisisSignal.values)},
                field="crisis_signals",
            )
        return sorted(set(value))
    raise InvalidInput(
        _("Unknown label %(head)s; use any of: %(known)s.")
        % {"head": head, "known": ", ".join(REVIEWABLE_HEADS)},
        field=head,
    )


def _predicted(complaint: Complaint, head: str) -> Any:
    stored = complaint.triage_result or {}
    if head == "category":
        return stored.get("subcategory") or stored.get("category")
    return stored.get(head)


def complaint_triage_review(
    *,
    complaint: Complaint,
    actor: User,
    accept: list[str] | None = None,
    corrections: Mapping[str, Any] | None = None,
) -> Complaint:
    """An agent accepts or corrects the predicted labels in one action.

    Each verdict is stored with who and when (and the masked text, for retraining); the
    complaint's fields take the corrected values; one timeline event records the review.
    """
    if not may_review_triage(actor):
        raise NotAllowed(_("Your role may not review triage labels."))
    if not acts_for_complaint(actor, complaint):
        # The labels set the time-limit rule: whoever handles the complaint owns them.
        raise NotAllowed(
            not_acting_for_complaint(
                complaint, _("You may not correct the triage labels of this complaint.")
            )
        )
    accept = list(accept or [])
    corrections = dict(corrections or {})
    unknown = [head for head in [*accept, *corrections] if head not in REVIEWABLE_HEADS]
    if unknown:
        raise InvalidInput(
            _("Unknown label %(head)s; use any of: %(known)s.")
            % {"head": unknown[0], "known": ", ".join(REVIEWABLE_HEADS)},
            field=unknown[0],
        )
    both = set(accept) & set(corrections)
    if both:
        raise InvalidInput(
            _("%(head)s is both accepted and corrected; choose one.") % {"head": sorted(both)[0]},
            field=sorted(both)[0],
        )
    if not accept and not corrections:
        raise InvalidInput(_("Accept or correct at least one label."), field="accept")
    industry = current_industry()
    validated = {head: _validated_correction(head, v) for head, v in corrections.items()}
    masked_text = engine.mask(complaint_text(complaint.subject, complaint.description)).masked_text
    now = clock.now()
    model_version = str((complaint.triage_result or {}).get("model_version", ""))
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for head in accept:
            TriageCorrection.objects.create(
                complaint=locked,
                head=head,
                predicted=_predicted(locked, head),
                corrected=_predicted(locked, head),
                accepted=True,
                industry=industry,
                masked_text=masked_text,
                model_version=model_version,
                actor=actor,
                created_at=now,
            )
        for head, value in validated.items():
            stored_value = value.key if isinstance(value, TaxonomyEntry) else value
            before[head] = _current_value(locked, head)
            after[head] = stored_value
            _apply(locked, head, value)
            TriageCorrection.objects.create(
                complaint=locked,
                head=head,
                predicted=_predicted(locked, head),
                corrected=stored_value,
                accepted=False,
                industry=industry,
                masked_text=masked_text,
                model_version=model_version,
                actor=actor,
                created_at=now,
            )
        if "category" in validated or "category" in accept:
            locked.needs_triage = False
        if {"category", "nature"} & validated.keys():
            # Another category or nature can mean another time-limit rule.
            sla.recompute_clock(locked, now)
        locked.save()
        event_record(
            complaint=locked,
            actor=actor,
            kind=EventKind.TRIAGE_CORRECTED,
            before=before,
            after={**after, "accepted": accept},
        )
    return locked


def complaint_current_labels(complaint: Complaint) -> dict[str, Any]:
    """The complaint's label of every reviewable head as a review compares it: keys for the
    category and nature, label strings, and the crisis signals sorted."""
    labels = {head: _current_value(complaint, head) for head in REVIEWABLE_HEADS}
    labels["crisis_signals"] = sorted(labels["crisis_signals"] or [])
    return labels


def may_review_triage(user: User, complaint: Complaint | None = None) -> bool:
    """Whether the user's role reviews triage labels, and, given a complaint, whether they
    may review that complaint's."""
    if role_of(user) not in ROLES_REVIEWING_TRIAGE:
        return False
    return complaint is None or acts_for_complaint(user, complaint)


def _current_value(complaint: Complaint, head: str) -> Any:
    if head == "category":
        return complaint.content_category.key if complaint.content_category else None
    if head == "nature":
        return complaint.nature.key if complaint.nature else None
    return getattr(complaint, head)


def _apply(complaint: Complaint, head: str, value: Any) -> None:
    if head == "category":
        complaint.content_category = value
    elif head == "nature":
        complaint.nature = value
    else:
        setattr(complaint, head, value)
