"""Training examples: the shipped corpus plus any extra labelled lines (agent corrections)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from complaintdesk.triage.engine.labels import CATEGORIES, CRISIS_SIGNALS, INDUSTRIES, SHARED_HEADS
from complaintdesk.triage.engine.text import decode_line

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
# Complaints labelled by writers who read SPEC and the seeds but never our labelling guide,
# as an operator's own staff or an outside evaluator would label. They count more in
# fitting: where the guide's borders and theirs differ (how often a calm complaint is
# neutral, what counts as a signal), the model should lean towards the reading of people
# who did not learn ours. Measured in docs/triage.md ("Nine more independent writers").
INDEPENDENT_WEIGHT = 2.0
# An agent's verdict on one of the organisation's own complaints (triage.versions): the
# closest evidence of how this organisation labels, so it counts more than any corpus text;
# a handful of corrections must be able to move heads trained on some 15,000 texts.
CORRECTION_WEIGHT = 3.0
# Complaints written apart from the corpus, by other writers, never trained on: training
# chooses the regularisation of the label heads on them (see training._validate).
TUNING_DIR = Path(__file__).resolve().parent.parent / "tuning"
# Complaints by independent writers (as in corpus/independent), never trained or tuned on.
# The tuning set was written from our guide, so a version that only learns the guide's
# readings would look best there; with these texts beside it, the fixed evaluation set that
# decides whether a retrained version may become active also asks how outsiders' complaints
# are read (versions.evaluation_quality).
EVALUATION_DIR = Path(__file__).resolve().parent.parent / "evaluation"
LABEL_FIELDS: tuple[str, ...] = (
    "category",
    "subcategory",
    "nature",
    "emotion",
    "motive",
    "behaviour",
)


@dataclass(frozen=True, slots=True)
class TrainingExample:
    """One labelled complaint text. A label left as None is unknown and not trained on;
    ``crisis_signals`` None means unknown, an empty tuple means "no signal"."""

    text: str
    industry: str = "telecom"
    id: str = ""
    lang: str | None = None
    category: str | None = None
    subcategory: str | None = None
    nature: str | None = None
    emotion: str | None = None
    motive: str | None = None
    behaviour: str | None = None
    crisis_signals: tuple[str, ...] | None = field(default=None)
    # How much the example counts in fitting (INDEPENDENT_WEIGHT for the independent
    # writers' texts).
    weight: float = 1.0
    # An independent writer's batch (the name of its corpus file), so that training can
    # read a writer's texts with heads fitted without them; empty for other texts.
    batch: str = ""

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TrainingExample:
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError("record has no text")
        signals = record.get("crisis_signals")
        labels: dict[str, Any] = {name: record.get(name) or None for name in LABEL_FIELDS}
        industry = str(record.get("industry") or "telecom")
        _check_labels(industry, labels, signals)
        return cls(
            text=text,
            industry=industry,
            id=str(record.get("id") or ""),
            lang=record.get("lang"),
            crisis_signals=tuple(signals) if isinstance(signals, list) else None,
            **labels,
        )

    def label(self, head: str) -> str | None:
        value: str | None = getattr(self, head)
        return value


def _check_labels(industry: str, labels: dict[str, Any], signals: Any) -> None:
    """A label outside its head's set would silently become a class of its own (or, in an
    evaluation, a class no model can predict): refuse it, naming the allowed ones."""

    def refuse(what: str, value: Any, allowed: Sequence[str]) -> None:
        raise ValueError(f'{what} "{value}" is not one of: {", ".join(allowed)}')

    if industry not in INDUSTRIES:
        refuse("industry", industry, INDUSTRIES)
    category = labels.get("category")
    if category is not None and category not in CATEGORIES[industry]:
        refuse("category", category, CATEGORIES[industry])
    for head, allowed in SHARED_HEADS.items():
        value = labels.get(head)
        if value is not None and value not in allowed:
            refuse(head, value, allowed)
    if signals is not None and not isinstance(signals, list):
        raise ValueError('"crisis_signals" must be a list of signal names')
    for signal in signals or ():
        if signal not in CRISIS_SIGNALS:
            refuse("crisis signal", signal, CRISIS_SIGNALS)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a UTF-8 file, one per line (a byte-order mark first is skipped)."""
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                line = decode_line(raw, first=number == 1)
            except ValueError as error:
                raise ValueError(f"{path}:{number}: {error}") from error
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: not JSON ({error.msg})") from error
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: not a JSON object")
            yield record


def load_examples(path: Path, weight: float = 1.0, batch: str = "") -> list[TrainingExample]:
    """The file's examples, each with ``weight`` and ``batch`` (TrainingExample's fields)."""
    examples = []
    for number, record in enumerate(read_jsonl(path), start=1):
        try:
            example = TrainingExample.from_record(record)
        except ValueError as error:
            raise ValueError(f"{path}: record {number}: {error}") from error
        if weight != 1.0 or batch:
            example = replace(example, weight=weight, batch=batch)
        examples.append(example)
    return examples


def corpus_files(corpus_dir: Path | None = None) -> list[tuple[Path, float]]:
    """The corpus's JSON-lines files with the weight of their examples: 1, and
    INDEPENDENT_WEIGHT for the independent writers' files in its ``independent`` folder."""
    folder = corpus_dir or CORPUS_DIR
    return [(path, 1.0) for path in sorted(folder.glob("*.jsonl"))] + [
        (path, INDEPENDENT_WEIGHT) for path in sorted((folder / "independent").glob("*.jsonl"))
    ]


def collect_training_examples(
    extra: Path | Iterable[TrainingExample] | None = None,
    corpus_dir: Path | None = None,
) -> list[TrainingExample]:
    """The shipped corpus (``triage/corpus/*.jsonl`` and, weighted, the independent
    writers' ``triage/corpus/independent/*.jsonl``) followed by ``extra`` examples.

    ``extra`` is a JSON-lines file in the corpus format or examples built in code (the
    agents' stored corrections). When a later example has the same text, its known labels
    replace the earlier ones, so a correction of one head overrides that label and keeps
    the others instead of contradicting the corpus.
    """
    examples: list[TrainingExample] = []
    for path, weight in corpus_files(corpus_dir):
        # An independent writer's file is one batch (TrainingExample.batch).
        batch = path.stem if path.parent.name == "independent" else ""
        examples.extend(load_examples(path, weight, batch))
    if isinstance(extra, Path):
        examples.extend(load_examples(extra))
    elif extra is not None:
        examples.extend(extra)
    merged: dict[str, TrainingExample] = {}
    for example in examples:
        key = example.text.strip()
        earlier = merged.get(key)
        if earlier is None:
            merged[key] = example
            continue
        known = {
            name: getattr(example, name)
            for name in (*LABEL_FIELDS, "crisis_signals")
            if getattr(example, name) is not None
        }
        merged[key] = replace(earlier, **known, weight=max(earlier.weight, example.weight))
    return list(merged.values())


def _examples_in(folder: Path) -> list[TrainingExample]:
    """Every example of the folder's JSON-lines files, in file-name order, unweighted."""
    examples: list[TrainingExample] = []
    for path in sorted(folder.glob("*.jsonl")):
        examples.extend(load_examples(path))
    return examples


def collect_tuning_examples(tuning_dir: Path | None = None) -> list[TrainingExample]:
    """The shipped tuning set (``triage/tuning/*.jsonl``)."""
    return _examples_in(tuning_dir or TUNING_DIR)


def collect_evaluation_examples(evaluation_dir: Path | None = None) -> list[TrainingExample]:
    """The independent writers' evaluation texts (``triage/evaluation/*.jsonl``)."""
    return _examples_in(evaluation_dir or EVALUATION_DIR)


def data_hash(examples: Sequence[TrainingExample]) -> str:
    """SHA-256 over the examples in a canonical order: same data → same hash."""
    digest = hashlib.sha256()
    fields = TrainingExample.__slots__
    for line in sorted(
        # What asdict() gives for these flat records, without its deep copies.
        json.dumps(
            {name: getattr(example, name) for name in fields}, ensure_ascii=False, sort_keys=True
        )
        for example in examples
    ):
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def is_validation_text(text: str, share: int = 10) -> bool:
    """The fixed validation slice: about 1/share of the texts, chosen by a hash of the text."""
    return int(hashlib.sha1(text.strip().encode("utf-8")).hexdigest(), 16) % share == 0  # noqa: S324
