"""The triage facade: what the Django side (intake, registration, commands) calls."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from complaintdesk.triage.engine import pii
from complaintdesk.triage.engine.corpus import TrainingExample, collect_tuning_examples
from complaintdesk.triage.engine.guidance import guidance_for
from complaintdesk.triage.engine.model import TriageModel
from complaintdesk.triage.engine.results import TriageResult
from complaintdesk.triage.engine.rules import RuleBasedTriager
from complaintdesk.triage.engine.text import Language, normalise_and_detect, well_formed

SHIPPED_MODEL_DIR = Path(__file__).resolve().parent.parent / "shipped"


class Triager(Protocol):
    """A trained model or the lexicon rules: anything that triages texts."""

    @property
    def version(self) -> str: ...

    def predict(
        self, texts: Sequence[str], industry: str | Sequence[str] = "telecom"
    ) -> list[TriageResult]: ...


_models: dict[Path, TriageModel] = {}
_models_lock = threading.Lock()


def load_model(path: Path | str | None = None) -> TriageModel:
    """The model stored in ``path`` (default: the one shipped in the package), cached.

    Raises FileNotFoundError when there is no model there; see :func:`load_triager`.
    """
    directory = Path(path) if path is not None else SHIPPED_MODEL_DIR
    directory = directory.resolve()
    with _models_lock:
        model = _models.get(directory)
        if model is None:
            if not (directory / "metadata.json").exists():
                raise FileNotFoundError(f"no triage model in {directory}")
            model = TriageModel.load(directory)
            _models[directory] = model
        return model


def load_triager(path: Path | str | None = None) -> Triager:
    """The model in ``path`` or the shipped one; the lexicon rules when neither exists."""
    try:
        return load_model(path)
    except FileNotFoundError:
        if path is not None:
            raise
        return RuleBasedTriager()


def predict(
    texts: Sequence[str],
    industry: str | Sequence[str] = "telecom",
    *,
    model: Triager | None = None,
    with_guidance: bool = False,
    guidance_path: Path | None = None,
) -> list[TriageResult]:
    """Triage texts with ``model`` (default: the shipped model, or rules without one)."""
    triager = model or load_triager()
    results = triager.predict(texts, industry)
    if with_guidance:
        for result in results:
            result.guidance = guidance_for(
                result.behaviour, result.motive, result.lang, guidance_path
            )
    return results


def train(
    examples: Sequence[TrainingExample],
    *,
    output: Path | None = None,
    progress: Callable[[str], None] | None = None,
    tuning: Sequence[TrainingExample] | None = None,
) -> TriageModel:
    """Train a new model version on ``examples``; save it to ``output`` when given.

    The label heads' regularisation is chosen on ``tuning`` (by default the shipped tuning
    set, complaints written apart from the corpus)."""
    # scikit-learn takes a second to import: only training and evaluation need it.
    from complaintdesk.triage.engine.training import train_model

    if tuning is None:
        tuning = collect_tuning_examples()
    model = train_model(examples, tuning=tuning, progress=progress)
    if output is not None:
        model.save(output)
    return model


def evaluate(model: Triager, examples: Sequence[TrainingExample]) -> dict[str, Any]:
    """Per-head macro-F1, accuracy and confusion matrices; crisis precision and recall.

    Examples are triaged with their own industry.
    """
    from complaintdesk.triage.engine.evaluation import evaluate_predictions

    results = model.predict(
        [example.text for example in examples], [example.industry for example in examples]
    )
    return evaluate_predictions(examples, results)


def mask(text: str) -> pii.MaskResult:
    """Personal data replaced by tokens, with the spans and kinds found."""
    return pii.mask(text)


def detect_language(text: str) -> Language:
    return normalise_and_detect(well_formed(text))[1]
