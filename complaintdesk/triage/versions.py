"""Triage model versions: retraining on the corpus plus agents' corrections, activation, rollback.

A retrained version becomes active only when it is not worse than the active one on the fixed
evaluation set: the tuning texts shipped with the engine (triage/tuning, written from our
labelling guide) and the independent writers' evaluation texts (triage/evaluation, written
from SPEC alone), both apart from the corpus and never trained on. The figure is the mean of
the two halves' figures, so a version that only learns the guide's readings cannot win on
the guide-written half alone. Both versions are scored by the same code, so a version
trained on other data (a slice, a corpus with harder texts) is compared fairly; each
version's own validation slice would not be the same texts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.errors import NotAllowed, NotFound
from complaintdesk.core import clock
from complaintdesk.triage import engine
from complaintdesk.triage.engine.corpus import data_hash as corpus_data_hash
from complaintdesk.triage.models import TriageCorrection, TriageModelVersion
from complaintdesk.triage.services import active_triager, forget_active_model

logger = logging.getLogger(__name__)

# The heads whose validation macro-F1 make up a version's quality figure.
_QUALITY_HEADS = ("category:telecom", "nature", "emotion", "motive", "behaviour")


def quality_score(report: dict[str, Any]) -> float:
    """One figure to compare versions, from an evaluation report (engine.evaluate): mean
    macro-F1 of the main heads and the F1 of "any crisis signal"."""
    figures = [float(report[head]["macro_f1"]) for head in _QUALITY_HEADS if head in report]
    if "crisis" in report:
        figures.append(float(report["crisis"]["any"]["f1"]))
    return sum(figures) / len(figures) if figures else 0.0


def evaluation_quality(model: engine.Triager) -> float:
    """``model``'s quality figure on the fixed evaluation set (the module docstring)."""
    halves = [engine.collect_tuning_examples(), engine.collect_evaluation_examples()]
    figures = [quality_score(engine.evaluate(model, half)) for half in halves if half]
    return sum(figures) / len(figures)


def corrections_as_examples() -> list[engine.TrainingExample]:
    """Agents' latest verdict per complaint and label, as training examples (masked text)."""
    latest: dict[int, dict[str, Any]] = defaultdict(dict)
    texts: dict[int, tuple[str, str]] = {}
    for correction in TriageCorrection.objects.order_by("created_at", "id"):
        latest[correction.complaint_id][correction.head] = correction.corrected
        texts[correction.complaint_id] = (correction.masked_text, correction.industry)
    examples = []
    for complaint_id, labels in latest.items():
        text, industry = texts[complaint_id]
        category = labels.get("category")
        signals = labels.get("crisis_signals")
        examples.append(
            engine.TrainingExample(
                text=text,
                industry=industry,
                id=f"correction-{complaint_id}",
                category=category.split(".")[0] if category else None,
                subcategory=category if category and "." in category else None,
                nature=labels.get("nature"),
                emotion=labels.get("emotion"),
                motive=labels.get("motive"),
                behaviour=labels.get("behaviour"),
                crisis_signals=tuple(signals) if isinstance(signals, list) else None,
                weight=engine.CORRECTION_WEIGHT,
            )
        )
    return examples


def triage_model_train(
    *, activate_if_not_worse: bool = True, corpus_dir: Path | None = None
) -> TriageModelVersion:
    """Train a new version on the corpus and the stored corrections; maybe activate it."""
    corrections = corrections_as_examples()
    examples = engine.collect_training_examples(extra=corrections, corpus_dir=corpus_dir)
    trained_at = clock.now()
    data_hash = corpus_data_hash(examples)
    version = f"{trained_at:%Y%m%d-%H%M%S}-{data_hash[:8]}"
    output = Path(settings.TRIAGE_MODEL_DIR) / version
    model = engine.train(examples, output=output)
    scores = dict(model.metadata.get("validation_scores", {}))
    record = TriageModelVersion.objects.create(
        version=version,
        path=str(output),
        data_hash=data_hash,
        trained_at=trained_at,
        example_count=len(examples),
        correction_count=len(corrections),
        scores=scores,
    )
    # Looked up afresh, not from the prediction path's short cache of the active version.
    forget_active_model()
    new_quality, active_quality = evaluation_quality(model), evaluation_quality(active_triager())
    if activate_if_not_worse and new_quality >= active_quality:
        _activate(record, note=f"quality {new_quality:.4f} ≥ active {active_quality:.4f}")
    else:
        record.note = f"kept inactive: quality {new_quality:.4f} < active {active_quality:.4f}"
        record.save(update_fields=["note"])
    logger.info("triage model %s trained: %s", version, record.note)
    return record


def _activate(record: TriageModelVersion, *, note: str) -> None:
    with transaction.atomic():
        TriageModelVersion.objects.filter(is_active=True).exclude(pk=record.pk).update(
            is_active=False
        )
        record.is_active = True
        record.activated_at = clock.now()
        record.note = note
        record.save(update_fields=["is_active", "activated_at", "note"])
    forget_active_model()


def triage_model_activate(*, version: str, actor: User) -> TriageModelVersion:
    """Make a stored version the active one (also how a bad version is rolled back)."""
    if role_of(actor) != Role.ADMIN:
        raise NotAllowed(_("Only administrators change the active triage model."))
    record = TriageModelVersion.objects.filter(version=version).first()
    if record is None:
        raise NotFound(_("No triage model version %(version)s.") % {"version": version})
    if not Path(record.path, "metadata.json").exists():
        raise NotFound(
            _("The files of version %(version)s are missing from %(path)s.")
            % {"version": version, "path": record.path}
        )
    _activate(record, note=_("activated by %(user)s") % {"user": actor.username})
    return record


def triage_model_use_shipped(*, actor: User) -> None:
    """Deactivate every trained version: predictions fall back to the shipped model."""
    if role_of(actor) != Role.ADMIN:
        raise NotAllowed(_("Only administrators change the active triage model."))
    TriageModelVersion.objects.filter(is_active=True).update(is_active=False)
    forget_active_model()
