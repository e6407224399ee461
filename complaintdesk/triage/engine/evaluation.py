"""Per-head macro-F1, accuracy and confusion matrices of a model on labelled examples."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from complaintdesk.triage.engine.corpus import TrainingExample
from complaintdesk.triage.engine.labels import CATEGORIES, CRISIS_SIGNALS, SHARED_HEADS
from complaintdesk.triage.engine.results import TriageResult

HEADS: tuple[str, ...] = ("category", "subcategory", *SHARED_HEADS)


def _head_report(truth: list[str], predicted: list[str], labels: Sequence[str]) -> dict[str, Any]:
    present = [label for label in labels if label in truth or label in predicted]
    return {
        "n": len(truth),
        "macro_f1": round(
            float(f1_score(truth, predicted, labels=present, average="macro", zero_division=0)), 4
        ),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "labels": present,
        "confusion_matrix": confusion_matrix(truth, predicted, labels=present).tolist(),
    }


def evaluate_predictions(
    examples: Sequence[TrainingExample], results: Sequence[TriageResult]
) -> dict[str, Any]:
    """Scores of ``results`` against the labels of ``examples`` (same order).

    Heads are scored on the examples that carry their label; category per industry is also
    reported, and crisis as precision/recall of "any signal" and per signal.
    """
    report: dict[str, Any] = {}
    for head in HEADS:
        pairs = [
            (example.label(head), str(getattr(result, head)))
            for example, result in zip(examples, results, strict=True)
            if example.label(head) is not None
        ]
        if not pairs:
            continue
        truth = [str(label) for label, _ in pairs]
        predicted = [label for _, label in pairs]
        labels = sorted(
            set(truth) | set(predicted), key=lambda label: (label not in _order(head), label)
        )
        report[head] = _head_report(truth, predicted, labels)
    for industry, industry_labels in CATEGORIES.items():
        category_pairs = [
            (str(example.category), result.category)
            for example, result in zip(examples, results, strict=True)
            if example.industry == industry and example.category is not None
        ]
        if category_pairs:
            report[f"category:{industry}"] = _head_report(
                [truth for truth, _ in category_pairs],
                [predicted for _, predicted in category_pairs],
                industry_labels,
            )
    with_signals = [
        (set(example.crisis_signals), set(result.crisis_signals))
        for example, result in zip(examples, results, strict=True)
        if example.crisis_signals is not None
    ]
    if with_signals:
        report["crisis"] = _crisis_report(with_signals)
    return report


def _order(head: str) -> tuple[str, ...]:
    return SHARED_HEADS.get(head, ())


def _precision_recall(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    true_positive = sum(truth and predicted for truth, predicted in pairs)
    predicted_positive = sum(predicted for _, predicted in pairs)
    actual_positive = sum(truth for truth, _ in pairs)
    precision = true_positive / predicted_positive if predicted_positive else 0.0
    recall = true_positive / actual_positive if actual_positive else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "support": actual_positive,
    }


def _crisis_report(pairs: list[tuple[set[str], set[str]]]) -> dict[str, Any]:
    report: dict[str, Any] = {"any": _precision_recall([(bool(t), bool(p)) for t, p in pairs])}
    for signal in CRISIS_SIGNALS:
        report[signal] = _precision_recall([(signal in t, signal in p) for t, p in pairs])
    return report
