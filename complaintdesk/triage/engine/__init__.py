"""Triage engine: classification, personal-data masking, duplicates and coping guidance.

Django-free; the ``complaintdesk.triage`` app and the ``triage`` command call it through
the functions re-exported here.
"""

from typing import TYPE_CHECKING, Any

from complaintdesk.triage.engine.api import (
    SHIPPED_MODEL_DIR,
    Triager,
    detect_language,
    evaluate,
    load_model,
    load_triager,
    mask,
    predict,
    train,
)
from complaintdesk.triage.engine.corpus import (
    CORRECTION_WEIGHT,
    TrainingExample,
    collect_evaluation_examples,
    collect_training_examples,
    collect_tuning_examples,
)
from complaintdesk.triage.engine.guidance import guidance_for
from complaintdesk.triage.engine.model import TriageModel
from complaintdesk.triage.engine.results import TriageResult

if TYPE_CHECKING:
    from complaintdesk.triage.engine.dedupe import DuplicateDetector, SimilarComplaint

__all__ = [
    "CORRECTION_WEIGHT",
    "SHIPPED_MODEL_DIR",
    "DuplicateDetector",
    "SimilarComplaint",
    "TrainingExample",
    "TriageModel",
    "TriageResult",
    "Triager",
    "collect_evaluation_examples",
    "collect_training_examples",
    "collect_tuning_examples",
    "detect_language",
    "evaluate",
    "guidance_for",
    "load_model",
    "load_triager",
    "mask",
    "predict",
    "train",
]


def __getattr__(name: str) -> Any:
    # The duplicate detector pulls in datasketch (and through it scipy and redis): about a
    # second that triaging a text does not need, so it is imported on first use.
    if name in ("DuplicateDetector", "SimilarComplaint"):
        from complaintdesk.triage.engine import dedupe

        return getattr(dedupe, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
