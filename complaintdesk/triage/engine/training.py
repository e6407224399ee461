"""Training: corpus examples → a versioned :class:`TriageModel`.

The fixed validation slice (a hash of the text, about 10%) gives honest validation scores,
the calibration temperatures, the crisis decision and each head's regularisation. When a
tuning set is given (texts written apart from the corpus), label heads take their
regularisation from it. With enough independent writers' batches, the crisis heads take their
regularisation from how they rank those writers' texts when fitted without them, and the
crisis decision is chosen on those same readings (else on the validation slice), with the
tuning texts. Then the heads are refitted on all examples with the chosen settings.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import average_precision_score, f1_score, log_loss

from complaintdesk.triage.engine import pii
from complaintdesk.triage.engine.corpus import TrainingExample, data_hash, is_validation_text
from complaintdesk.triage.engine.crisis import CrisisEvidence, CrisisSettings, crisis_columns
from complaintdesk.triage.engine.features import (
    HASH_BITS,
    AnalysedText,
    FeatureSpace,
    analyse_batch,
)
from complaintdesk.triage.engine.labels import CRISIS_SIGNALS, SHARED_HEADS
from complaintdesk.triage.engine.lexicon import Lexicon, load_lexicon
from complaintdesk.triage.engine.model import (
    FORMAT_VERSION,
    Head,
    Thresholds,
    TriageModel,
    blend_categories,
    sigmoid,
    softmax,
    subcategory_membership,
)
from complaintdesk.triage.engine.rules import rules_fingerprint

_C_GRID = (1.0, 4.0, 16.0)
_DEFAULT_C = 4.0
# Tried on the tuning set in this order, so that the default wins a tie.
_TUNING_GRID = (4.0, 1.0, 16.0)
# A label head is tuned on the tuning set when it holds this many of its labels.
_MIN_TUNING_ROWS = 50
# ... and leaves the default C only for one that beats it there by more than this: on a
# few hundred texts, macro-F1 differences below about a point are noise.
_TUNING_MARGIN = 0.005
# Tuning C per head and refitting on all rows are cheap on the corpus and add little on
# large sets; both are skipped from this size on, where SGD also replaces lbfgs. The corpus
# of 27 November (19,698 texts) trains in about four minutes this way; forced onto the large
# path it scored 0.8061 on the gate against 0.8307 (docs/triage.md), so the switch waits
# for sets well past the corpus (bench/triage.py trains 100,000 texts on the large path).
_LARGE_DATA = 50_000
# Passes over the data per SGD head on large sets.
_SGD_EPOCHS = 5
_MIN_VALIDATION_ROWS = 30
_TEMPERATURES = np.geomspace(0.25, 4.0, 33)
# The category head's share in the category probability, tried on the tuning set; the
# default, half, wins unless another beats it by _CATEGORY_WEIGHT_MARGIN. Half is the default
# because on every set written by people who never read our guide it beat the category head
# alone by one to three points (docs/triage.md); the guide-written tuning set can hardly
# tell them apart. Without tuning texts the category head decides alone.
_DEFAULT_CATEGORY_WEIGHT = 0.5
_CATEGORY_WEIGHTS = (0.5, 1.0, 0.75, 0.25, 0.0)
# ... and another share wins only by more than this. Three trainings on nearly the same data
# (26 November) chose 0.25, 0.75 and 0 by 0.008–0.009 on the tuning set, and the
# independent sets preferred half every time (docs/triage.md): that spread is noise.
_CATEGORY_WEIGHT_MARGIN = 0.01
# The share sets the category's confidence as well as its label, and the confidence decides
# what goes to the needs-triage queue; so another share must also not raise the tuning
# texts' log loss (a proper score of the confidence) by more than this. A share that wins
# labels only by being surer of them is not a gain.
_CATEGORY_LOG_LOSS_MARGIN = 0.001
# Each class weighs (total / (classes × class total)) ** _CLASS_BALANCE, totals of the
# examples' weights. Fully balanced (1.0) makes a rare label as likely as a common one; for
# writers who call 41% of complaints angry and 15% neutral that over-predicts neutral and the
# rare crisis signals. The square root keeps rare labels in reach and leaves some of the
# prior; on the fixed evaluation set (versions.evaluation_quality) it scored 0.8295 against
# 0.8229 fully balanced (docs/triage.md).
_CLASS_BALANCE = 0.5
# The crisis heads' regularisation is chosen on how they rank writers they have not seen:
# each independent writer's texts are scored by the head fitted without its batch (this
# many folds of whole batches, from _MIN_BATCHES batches on), and the C with the best
# average precision there wins. The validation slice shares every batch's wording with the
# training rows; on the corpus of 27 November it picked another C for every crisis head, each
# ranking new writers worse (docs/triage.md).
_BATCH_FOLDS = 4
_MIN_BATCHES = 8
_CRISIS_RECALL = 0.95
_CRISIS_PRECISION = 0.85
# Bump when a change to this module changes the trained weights for the same data.
_TRAINING_REVISION = 14


@dataclass(slots=True)
class _HeadData:
    name: str
    kind: str
    rows: np.ndarray  # example indices with a label for this head
    targets: np.ndarray  # class index (softmax) or 0/1 (sigmoid)
    classes: tuple[str, ...]
    weights: np.ndarray  # how much each of those examples counts in fitting


def _head_data(examples: Sequence[TrainingExample]) -> list[_HeadData]:
    heads: list[_HeadData] = []
    example_weights = np.asarray([example.weight for example in examples], dtype=np.float64)

    def add_softmax(
        name: str, labels: list[str | None], allowed: Sequence[str] | None = None
    ) -> None:
        rows = [index for index, label in enumerate(labels) if label is not None]
        present = sorted({label for label in labels if label is not None})
        classes = (
            tuple(label for label in allowed if label in present) if allowed else tuple(present)
        )
        rows = [index for index in rows if labels[index] in classes]
        if len(classes) < 2:
            return
        position = {label: number for number, label in enumerate(classes)}
        heads.append(
            _HeadData(
                name,
                "softmax",
                np.asarray(rows, dtype=np.int64),
                np.asarray([position[str(labels[index])] for index in rows], dtype=np.int64),
                classes,
                example_weights[rows],
            )
        )

    for industry in sorted({example.industry for example in examples}):
        in_industry = [example.industry == industry for example in examples]
        add_softmax(
            f"category:{industry}",
            [ex.category if keep else None for ex, keep in zip(examples, in_industry, strict=True)],
        )
        add_softmax(
            f"subcategory:{industry}",
            [
                ex.subcategory if keep else None
                for ex, keep in zip(examples, in_industry, strict=True)
            ],
        )
    for name, allowed in SHARED_HEADS.items():
        add_softmax(name, [example.label(name) for example in examples], allowed)
    known = np.asarray(
        [index for index, example in enumerate(examples) if example.crisis_signals is not None],
        dtype=np.int64,
    )
    # "Any signal" gets its own head: it sees every crisis text as a positive, so it ranks
    # texts better than the largest of five narrower heads.
    for signal in (*CRISIS_SIGNALS, "any"):
        targets = np.asarray(
            [
                bool(examples[index].crisis_signals)
                if signal == "any"
                else signal in (examples[index].crisis_signals or ())
                for index in known
            ],
            dtype=np.int64,
        )
        if targets.sum() >= 2:
            heads.append(
                _HeadData(
                    f"crisis:{signal}", "sigmoid", known, targets, ("yes",), example_weights[known]
                )
            )
    return heads


def _fit_head(
    matrix: sp.csr_matrix, data: _HeadData, rows_mask: np.ndarray, c: float, *, sgd: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients (features × columns) and intercepts of one head, fitted on ``rows_mask``."""
    selected = rows_mask[data.rows]
    x = matrix[data.rows[selected]]
    y = data.targets[selected]
    weights = data.weights[selected]
    n_columns = 1 if data.kind == "sigmoid" else len(data.classes)
    present = np.unique(y)
    if len(present) < 2:
        # Only one label seen in this slice: a constant head that always predicts it.
        coefficients = np.zeros((matrix.shape[1], n_columns), dtype=np.float32)
        intercepts = np.full(n_columns, -10.0, dtype=np.float32)
        intercepts[0 if data.kind == "sigmoid" else present[0]] = (
            10.0 if data.kind == "softmax" or present[0] else -10.0
        )
        return coefficients, intercepts
    classifier = _classifier(len(y), c, sgd=sgd)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(x, y, sample_weight=weights * class_weights(y, weights)[y])
    coefficients = np.zeros((matrix.shape[1], n_columns), dtype=np.float32)
    intercepts = np.full(n_columns, -30.0, dtype=np.float32)
    if data.kind == "sigmoid":
        coefficients[:, 0] = classifier.coef_[0]
        intercepts[0] = classifier.intercept_[0]
    elif len(classifier.classes_) == 2:
        # Two labels seen: scikit-learn keeps one row (the second label's log-odds); half of
        # it for each side gives the same softmax.
        low, high = classifier.classes_
        coefficients[:, high] = classifier.coef_[0] / 2
        coefficients[:, low] = -classifier.coef_[0] / 2
        intercepts[high] = classifier.intercept_[0] / 2
        intercepts[low] = -classifier.intercept_[0] / 2
    else:
        # Labels missing from this slice keep a very low intercept and are never predicted.
        for row, label in enumerate(classifier.classes_):
            coefficients[:, label] = classifier.coef_[row]
            intercepts[label] = classifier.intercept_[row]
    return coefficients, intercepts


def _fit_heads(
    matrix: sp.csr_matrix,
    fits: Sequence[tuple[_HeadData, np.ndarray, float]],
    *,
    sgd: bool,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``_fit_head`` for each (head, rows, C), in that order, on as many threads as this
    process may use. The solvers spend their time in compiled code that releases the GIL,
    and each fit is seeded on its own, so the result does not depend on the thread count."""
    threads = min(len(fits), training_threads())
    if threads <= 1:
        return [_fit_head(matrix, data, rows, c, sgd=sgd) for data, rows, c in fits]

    # The costliest fits start first, so that no thread is left with a big one at the end.
    def cost(index: int) -> int:
        data = fits[index][0]
        return len(data.rows) * (1 if data.kind == "sigmoid" else len(data.classes))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        futures = {
            index: pool.submit(_fit_head, matrix, *fits[index], sgd=sgd)
            for index in sorted(range(len(fits)), key=cost, reverse=True)
        }
        return [futures[index].result() for index in range(len(fits))]


def training_threads() -> int:
    """CPUs this process may run on, capped by COMPLAINTDESK_TRAINING_THREADS when set."""
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    cap = os.environ.get("COMPLAINTDESK_TRAINING_THREADS", "").strip()
    if not cap:
        return available
    if not cap.isdigit() or int(cap) < 1:
        raise ValueError(
            f"COMPLAINTDESK_TRAINING_THREADS must be a whole number of at least 1, not {cap!r}"
        )
    return min(available, int(cap))


def class_weights(targets: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each class index's weight (0 for a class with no example), from the weighted class
    totals: (total / (classes present × class total)) ** _CLASS_BALANCE."""
    totals = np.bincount(targets, weights=weights)
    present = totals > 0
    result = np.zeros(len(totals), dtype=np.float64)
    result[present] = (totals.sum() / (present.sum() * totals[present])) ** _CLASS_BALANCE
    return result


def _classifier(n_rows: int, c: float, *, sgd: bool) -> LogisticRegression | SGDClassifier:
    """Exact logistic regression for corpus-sized data; a few SGD epochs beyond that.

    lbfgs needs a hundred passes over the data per head, SGD five: on 100,000 texts that is
    the difference between minutes and seconds. Both give linear scores that the
    validation temperature turns into calibrated probabilities. The choice is made for the
    whole training set (``sgd``), not per head: a head that sees a third of a large set
    (one industry's categories) would otherwise get lbfgs and most of the training time.
    """
    if not sgd:
        return LogisticRegression(C=c, max_iter=300, tol=1e-3)
    return SGDClassifier(
        loss="modified_huber",
        alpha=1.0 / (c * n_rows),
        max_iter=_SGD_EPOCHS,
        tol=None,
        random_state=0,
    )


def _probabilities(kind: str, scores: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    return (
        sigmoid(scores[:, 0] / temperature) if kind == "sigmoid" else softmax(scores / temperature)
    )


def _fit_temperature(kind: str, scores: np.ndarray, targets: np.ndarray) -> float:
    best, best_loss = 1.0, np.inf
    for temperature in _TEMPERATURES:
        probabilities = _probabilities(kind, scores, float(temperature))
        if kind == "sigmoid":
            chosen = np.where(targets == 1, probabilities, 1 - probabilities)
        else:
            chosen = probabilities[np.arange(len(targets)), targets]
        loss = -np.mean(np.log(np.clip(chosen, 1e-9, 1)))
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def _choose_crisis_threshold(
    evidence: CrisisEvidence, truth: np.ndarray
) -> tuple[Thresholds, dict[str, float]]:
    """Threshold, whether rules count, the model floor under them and the signal support
    the "any" head needs: the decision that stays furthest above both targets (recall ≥
    0.95, precision ≥ 0.85), then the best F2.

    A lexicon hit raises the crisis only when the model gives it at least the floor, so a
    cue that merely mentions the media in a text the model finds harmless is dropped. The
    "any signal" head raises it alone only when a signal's own head gives its signal at
    least the support: on writers it has not seen, the "any" head alone (every signal head
    near zero) was mostly wrong.
    Both measures fall on complaints written apart from the corpus (by 0.02–0.11 in
    precision and up to 0.04 in recall on our later sets), so the choice keeps an equal
    margin above each target rather than sitting just above the recall target, where a
    missed crisis or two on new text puts it under. Scores the crisis decision itself
    (crisis.CrisisEvidence) on "any signal" per text.
    """
    # (margin, f2, threshold, -floor, support)
    best: tuple[float, float, float, float, float] | None = None
    chosen = Thresholds()
    report: dict[str, float] = {}
    thresholds = np.round(np.arange(0.05, 0.96, 0.05), 2)
    floors = (0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3)
    supports = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
    settings = [
        CrisisSettings(float(threshold), use_rules, floor, support)
        for use_rules in (True, False)
        for threshold in thresholds
        for floor in (floors if use_rules else (0.0,))
        for support in supports
        if floor < threshold
    ]
    for setting in settings:
        predicted = evidence.is_crisis(setting)
        true_positive = float(np.sum(predicted & truth))
        precision = true_positive / max(float(predicted.sum()), 1.0)
        recall = true_positive / max(float(truth.sum()), 1.0)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        f2 = 5 * precision * recall / max(4 * precision + recall, 1e-9)
        candidate = (
            round(min(recall - _CRISIS_RECALL, precision - _CRISIS_PRECISION), 6),
            round(f2, 6),
            setting.threshold,
            -setting.rule_floor,
            setting.signal_support,
        )
        # Ties go to the higher threshold, the lower floor and the higher support: fewer
        # model-only alarms, more trust in the explainable cues.
        if best is None or candidate > best:
            best = candidate
            chosen = Thresholds(
                crisis=setting.threshold,
                crisis_rules=setting.use_rules,
                crisis_rule_floor=setting.rule_floor,
                crisis_signal_support=setting.signal_support,
            )
            report = {
                "precision": round(precision, 4),
                "recall": round(recall, 4),
                "f1": round(f1, 4),
                "f2": round(f2, 4),
            }
    return chosen, report


def batch_folds(batches: Sequence[str]) -> np.ndarray | None:
    """Per example, the fold of its independent writer's batch (by a hash of the batch's
    name; -1 for other texts), or None with fewer than _MIN_BATCHES batches."""
    names = sorted({batch for batch in batches if batch})
    if len(names) < _MIN_BATCHES:
        return None
    fold_of = {
        name: int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16) % _BATCH_FOLDS  # noqa: S324
        for name in names
    }
    return np.asarray([fold_of.get(batch, -1) for batch in batches], dtype=np.int64)


@dataclass(slots=True)
class _UnseenScores:
    """The crisis heads' scores of the independent writers' texts, each text scored by the
    head fitted (on the training part) without its batch's fold, per head and candidate C."""

    folds: np.ndarray | None = None  # per example: its batch's fold, -1 outside a batch
    # (head, C) → the average precision over the head's rows in a batch ...
    average_precision: dict[tuple[str, float], float] = field(default_factory=dict)
    # ... and the raw scores of those rows (aligned with the head's rows; 0 outside a batch).
    scores: dict[tuple[str, float], np.ndarray] = field(default_factory=dict)


def _unseen_scores(
    matrix: sp.csr_matrix,
    heads: Sequence[_HeadData],
    validation: np.ndarray,
    batches: Sequence[str],
    grids: dict[str, tuple[float, ...]],
    *,
    sgd: bool,
) -> _UnseenScores:
    """The crisis heads (those with a choice of C in ``grids``) scoring writers they have
    not seen; empty without enough batches."""
    crisis_heads = [
        data for data in heads if data.kind == "sigmoid" and len(grids.get(data.name, ())) > 1
    ]
    folds = batch_folds(batches) if crisis_heads else None
    unseen_scores = _UnseenScores(folds)
    if folds is None:
        return unseen_scores
    fits = [
        (data, ~validation & (folds != fold), c)
        for data in crisis_heads
        for c in grids[data.name]
        for fold in range(_BATCH_FOLDS)
    ]
    results = iter(_fit_heads(matrix, fits, sgd=sgd))
    precision = unseen_scores.average_precision
    for data in crisis_heads:
        fold_of_row = folds[data.rows]
        for c in grids[data.name]:
            scores = np.zeros(len(data.rows))
            for fold in range(_BATCH_FOLDS):
                coefficients, intercepts = next(results)
                in_fold = fold_of_row == fold
                scores[in_fold] = (
                    np.asarray(matrix[data.rows[in_fold]] @ coefficients)[:, 0] + intercepts[0]
                )
            unseen = fold_of_row >= 0
            unseen_scores.scores[(data.name, c)] = np.where(unseen, scores, 0.0)
            targets = data.targets[unseen]
            if 0 < targets.sum() < len(targets):
                precision[(data.name, c)] = float(average_precision_score(targets, scores[unseen]))
    return unseen_scores


def _unseen_crisis_probabilities(
    heads: Sequence[_HeadData],
    unseen: _UnseenScores,
    chosen_c: dict[str, float],
    temperatures: dict[str, float],
    n_examples: int,
) -> dict[str, np.ndarray] | None:
    """Per crisis head, its calibrated probability of each example as a head fitted without
    the example's batch gives it (0 outside a batch); None unless every crisis head has
    such scores at its chosen C."""
    found: dict[str, np.ndarray] = {}
    for data in heads:
        if data.kind != "sigmoid":
            continue
        scores = unseen.scores.get((data.name, chosen_c[data.name]))
        if scores is None:
            return None
        full = np.zeros(n_examples)
        full[data.rows] = _probabilities(
            "sigmoid", scores[:, None], temperatures.get(data.name, 1.0)
        )
        found[data.name] = full
    return found or None


def _fit_all(
    matrix: sp.csr_matrix,
    heads: list[_HeadData],
    rows_mask: np.ndarray,
    c_by_head: dict[str, float],
    already_fitted: dict[str, tuple[np.ndarray, np.ndarray]],
    *,
    sgd: bool,
) -> tuple[np.ndarray, np.ndarray, dict[str, Head]]:
    blocks: list[np.ndarray] = []
    biases: list[np.ndarray] = []
    placed: dict[str, Head] = {}
    start = 0
    to_fit = [data for data in heads if data.name not in already_fitted]
    newly_fitted = _fit_heads(
        matrix, [(data, rows_mask, c_by_head[data.name]) for data in to_fit], sgd=sgd
    )
    fitted_by_name = dict(already_fitted)
    fitted_by_name.update(
        (data.name, result) for data, result in zip(to_fit, newly_fitted, strict=True)
    )
    for data in heads:
        coefficients, intercepts = fitted_by_name[data.name]
        blocks.append(coefficients)
        biases.append(intercepts)
        head = Head(
            data.name, data.classes, start, "sigmoid" if data.kind == "sigmoid" else "softmax"
        )
        placed[data.name] = head
        start = head.stop
    return np.hstack(blocks).astype(np.float32), np.concatenate(biases).astype(np.float32), placed


def train_model(
    examples: Sequence[TrainingExample],
    *,
    lexicon: Lexicon | None = None,
    refit_on_all: bool | None = None,
    tune: bool | None = None,
    hash_bits: int = HASH_BITS,
    tuning: Sequence[TrainingExample] = (),
    progress: Callable[[str], None] | None = None,
) -> TriageModel:
    """Train every head on ``examples``; deterministic for the same examples.

    ``hash_bits``: grams are hashed into 2**hash_bits buckets per block; the saved model
    records it, so loading hashes new texts the same way. ``tuning``: complaints written
    apart from ``examples`` (corpus.collect_tuning_examples); with ``tune``, each label head
    they cover well gets the regularisation that scores best on them, and they join the
    validation slice in choosing the crisis decision. The validation slice is drawn from the
    corpus itself and rewards fitting its wording; the tuning texts, like real complaints, do
    not share it."""
    if not examples:
        raise ValueError("no training examples")
    say = progress or (lambda message: None)
    lexicon = lexicon or load_lexicon()
    started = datetime.now(tz=UTC)
    say(f"analysing {len(examples)} texts")
    analysed = _analyse_masked(examples, lexicon)
    validation = np.asarray([is_validation_text(example.text) for example in examples])
    heads = _head_data(examples)
    if not heads:
        raise ValueError("the examples carry fewer than two labels for every head")
    has_validation = int(validation.sum()) >= _MIN_VALIDATION_ROWS
    sgd = len(examples) >= _LARGE_DATA
    tune = (len(examples) < _LARGE_DATA) if tune is None else tune
    refit_on_all = (len(examples) < _LARGE_DATA) if refit_on_all is None else refit_on_all
    c_by_head = {data.name: _DEFAULT_C for data in heads}
    temperatures = {data.name: 1.0 for data in heads}
    thresholds = Thresholds()
    scores_report: dict[str, Any] = {}
    fitted: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    word_ids = FeatureSpace.word_ids_for(analysed)
    batch = FeatureSpace.hash_batch(analysed, word_ids, hash_bits=hash_bits)
    if has_validation:
        say(f"validating on {int(validation.sum())} held-out texts")
        features = FeatureSpace.fit(batch, word_ids, lexicon.keys, rows=~validation)
        matrix = features.rows(batch, analysed).matrix()
        tuning_data = _tuning_data(tuning, heads, features, lexicon) if tune and tuning else None
        c_by_head, temperatures, thresholds, scores_report, fitted = _validate(
            matrix,
            heads,
            validation,
            analysed,
            c_by_head,
            tune,
            tuning_data,
            sgd=sgd,
            batches=[example.batch for example in examples],
        )
    if refit_on_all or not has_validation:
        say("fitting on all examples")
        rows_for_final = np.ones(len(examples), dtype=bool)
        features = FeatureSpace.fit(batch, word_ids, lexicon.keys, rows=rows_for_final)
        matrix = features.rows(batch, analysed).matrix()
        fitted = {}
    else:
        # The heads fitted for validation (on the training part) are the final ones.
        rows_for_final = ~validation
    weights, bias, placed = _fit_all(matrix, heads, rows_for_final, c_by_head, fitted, sgd=sgd)
    # Saved as float16: round now so a model answers the same before and after saving.
    weights = weights.astype(np.float16).astype(np.float32)
    for name, head in placed.items():
        head.temperature = temperatures[name]
    hash_of_data = data_hash(examples)
    hash_of_tuning = data_hash(tuning) if tuning else ""
    # The version names what decides the answers: data, tuning set, lexicon and rules,
    # training code.
    rules = rules_fingerprint(lexicon)
    identity = hashlib.sha256(
        f"{hash_of_data}|{hash_of_tuning}|{rules}|{FORMAT_VERSION}|{_TRAINING_REVISION}".encode()
    ).hexdigest()
    metadata: dict[str, Any] = {
        "version": f"{started:%Y%m%d}-{identity[:10]}",
        "created": started.isoformat(timespec="seconds"),
        "data_hash": hash_of_data,
        "n_examples": len(examples),
        "tuning_data_hash": hash_of_tuning,
        "n_tuning": len(tuning),
        "n_validation": int(validation.sum()) if has_validation else 0,
        "validation_scores": scores_report,
        "regularisation_c": c_by_head,
        "label_sets": {head.name: list(head.classes) for head in placed.values()},
        "lexicon_version": lexicon.version,
        "lexicon_fingerprint": lexicon.fingerprint,
        "rules_fingerprint": rules,
        "n_features": features.n_features,
    }
    return TriageModel(features, weights, bias, placed, thresholds, metadata, lexicon)


def _analyse_masked(examples: Sequence[TrainingExample], lexicon: Lexicon) -> list[AnalysedText]:
    """The examples' texts with personal data masked, as the model sees a new complaint."""
    masked = pii.mask_batch([example.text for example in examples])
    return analyse_batch([pii.contact_details_dropped(item) for item in masked], lexicon)


@dataclass(frozen=True, slots=True)
class _TuningSet:
    analysed: list[AnalysedText]
    matrix: sp.csr_matrix
    # Per label head with at least _MIN_TUNING_ROWS of its labels: their rows and classes.
    by_head: dict[str, tuple[sp.csr_matrix, np.ndarray]]
    crisis_rows: np.ndarray  # the texts whose crisis signals are known ...
    is_crisis: np.ndarray  # ... and whether each has any


def _tuning_data(
    tuning: Sequence[TrainingExample],
    heads: list[_HeadData],
    features: FeatureSpace,
    lexicon: Lexicon,
) -> _TuningSet:
    """The tuning texts' feature rows; per label head with at least ``_MIN_TUNING_ROWS``
    tuning texts, their rows and class indices (labels the head does not know are left out);
    which texts have crisis signals."""
    analysed = _analyse_masked(tuning, lexicon)
    matrix = features.rows(features.hash(analysed), analysed).matrix()
    found: dict[str, tuple[sp.csr_matrix, np.ndarray]] = {}
    for data in heads:
        if data.kind != "softmax":
            continue
        position = {label: number for number, label in enumerate(data.classes)}
        rows, targets = [], []
        for row, example in enumerate(tuning):
            label = _label_of(example, data.name)
            if label in position:
                rows.append(row)
                targets.append(position[label])
        if len(rows) >= _MIN_TUNING_ROWS:
            found[data.name] = (matrix[rows], np.asarray(targets, dtype=np.int64))
    crisis_rows = [row for row, example in enumerate(tuning) if example.crisis_signals is not None]
    is_crisis = np.asarray([bool(tuning[row].crisis_signals) for row in crisis_rows], dtype=bool)
    return _TuningSet(analysed, matrix, found, np.asarray(crisis_rows, dtype=np.int64), is_crisis)


def _label_of(example: TrainingExample, head: str) -> str | None:
    """The example's label for a head ("category:telecom" only for telecom examples)."""
    name, _, industry = head.partition(":")
    if industry and example.industry != industry:
        return None
    return example.label(name)


def _validate(
    matrix: sp.csr_matrix,
    heads: list[_HeadData],
    validation: np.ndarray,
    analysed: Sequence[AnalysedText],
    c_by_head: dict[str, float],
    tune: bool,
    tuning: _TuningSet | None,
    *,
    sgd: bool,
    batches: Sequence[str] = (),
) -> tuple[
    dict[str, float],
    dict[str, float],
    Thresholds,
    dict[str, Any],
    dict[str, tuple[np.ndarray, np.ndarray]],
]:
    training_rows = ~validation
    fitted: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    chosen_c = dict(c_by_head)
    temperatures: dict[str, float] = {}
    report: dict[str, Any] = {}
    crisis_probabilities: dict[str, np.ndarray] = {}
    grids: dict[str, tuple[float, ...]] = {}
    for data in heads:
        if validation[data.rows].any():
            tuning_rows = tuning.by_head.get(data.name) if tuning else None
            grids[data.name] = (
                (_TUNING_GRID if tuning_rows else _C_GRID) if tune else (chosen_c[data.name],)
            )
    candidates = [(data, training_rows, c) for data in heads for c in grids.get(data.name, ())]
    candidate_fits = iter(_fit_heads(matrix, candidates, sgd=sgd))
    unseen = _unseen_scores(matrix, heads, validation, batches, grids, sgd=sgd)
    unseen_precision = unseen.average_precision
    for data in heads:
        val_rows = data.rows[validation[data.rows]]
        val_targets = data.targets[validation[data.rows]]
        if data.name not in grids:
            temperatures[data.name] = 1.0
            continue
        tuning_rows = tuning.by_head.get(data.name) if tuning else None
        # (what the choice compares, validation macro-F1, C, validation scores)
        best: tuple[float, float, float, np.ndarray] | None = None
        scores_by_c: dict[str, float] = {}
        for c in grids[data.name]:
            coefficients, intercepts = next(candidate_fits)
            scores = np.asarray(matrix[val_rows] @ coefficients) + intercepts
            predicted = (
                (scores[:, 0] > 0).astype(np.int64)
                if data.kind == "sigmoid"
                else scores.argmax(axis=1)
            )
            score = float(f1_score(val_targets, predicted, average="macro", zero_division=0))
            compared = score
            if (data.name, c) in unseen_precision:
                compared = unseen_precision[(data.name, c)]
                scores_by_c[f"{c:g}"] = round(compared, 4)
            elif tuning_rows is not None:
                tuning_x, tuning_y = tuning_rows
                guessed = (np.asarray(tuning_x @ coefficients) + intercepts).argmax(axis=1)
                compared = float(f1_score(tuning_y, guessed, average="macro", zero_division=0))
                scores_by_c[f"{c:g}"] = round(compared, 4)
            to_beat = best[0] if best is not None else -1.0
            if best is not None and tuning_rows is not None and best[2] == _DEFAULT_C:
                to_beat += _TUNING_MARGIN
            if compared > to_beat:
                best = (compared, score, c, scores)
                fitted[data.name] = (coefficients, intercepts)
        assert best is not None
        _, score, chosen_c[data.name], scores = best
        temperatures[data.name] = _fit_temperature(data.kind, scores, val_targets)
        report[data.name] = {
            "macro_f1": round(score, 4),
            "n": len(val_rows),
            "c": chosen_c[data.name],
        }
        if scores_by_c:
            chosen_on = (
                "unseen_batches_average_precision_by_c"
                if (data.name, chosen_c[data.name]) in unseen_precision
                else "tuning_macro_f1_by_c"
            )
            report[data.name][chosen_on] = scores_by_c
        if data.kind == "sigmoid":
            full = np.zeros(len(validation))
            full[val_rows] = _probabilities("sigmoid", scores, temperatures[data.name])
            crisis_probabilities[data.name] = full
    thresholds = Thresholds()
    known_rows = next((data.rows for data in heads if data.kind == "sigmoid"), None)
    if crisis_probabilities and known_rows is not None:
        # Read as new writers are read: the independent writers' texts scored by the heads
        # fitted without their batch, where there are enough batches; else the validation
        # slice, which shares its wording with the training rows and makes the heads look
        # surer of a crisis than they are on a stranger's words.
        unseen_probabilities = _unseen_crisis_probabilities(
            heads, unseen, chosen_c, temperatures, len(analysed)
        )
        if unseen_probabilities is not None and unseen.folds is not None:
            rows = known_rows[unseen.folds[known_rows] >= 0]
            probabilities_of = unseen_probabilities
            read_on = "unseen_batches"
        else:
            rows = known_rows[validation[known_rows]]
            probabilities_of = crisis_probabilities
            read_on = "validation"
        truth = np.zeros(len(rows), dtype=bool)
        for data in heads:
            if data.kind == "sigmoid" and data.name != "crisis:any":
                positive = set(data.rows[data.targets == 1].tolist())
                truth |= np.asarray([row in positive for row in rows])
        texts = [analysed[row] for row in rows.tolist()]
        by_signal, any_probability = crisis_columns(
            {name: probability[rows] for name, probability in probabilities_of.items()},
            len(rows),
        )
        if tuning is not None and len(tuning.crisis_rows):
            # Texts written apart from the corpus: the corpus's hard negatives (a lawyer or
            # the media named without a threat) make its cues look worse than on new text.
            tuning_x = tuning.matrix[tuning.crisis_rows]
            tuning_by_signal, tuning_any = crisis_columns(
                {
                    name: _probabilities(
                        "sigmoid",
                        np.asarray(tuning_x @ fitted[name][0]) + fitted[name][1],
                        temperatures[name],
                    )
                    for name in crisis_probabilities
                },
                len(tuning.crisis_rows),
            )
            texts += [tuning.analysed[row] for row in tuning.crisis_rows.tolist()]
            by_signal = np.vstack([by_signal, tuning_by_signal])
            any_probability = np.concatenate([any_probability, tuning_any])
            truth = np.concatenate([truth, tuning.is_crisis])
        evidence = CrisisEvidence.of(texts, any_probability, by_signal)
        thresholds, crisis_report = _choose_crisis_threshold(evidence, truth)
        report["crisis"] = {
            **crisis_report,
            "read_on": read_on,
            "n": len(truth),
            "threshold": thresholds.crisis,
            "rules": thresholds.crisis_rules,
            "rule_floor": thresholds.crisis_rule_floor,
            "signal_support": thresholds.crisis_signal_support,
        }
    if tuning is not None:
        weight, weight_scores = _choose_category_weight(heads, fitted, temperatures, tuning)
        thresholds = replace(thresholds, category_weight=weight)
        if weight_scores:
            report["category_weight"] = {"chosen": weight, **weight_scores}
    return chosen_c, temperatures, thresholds, report, fitted


def _choose_category_weight(
    heads: Sequence[_HeadData],
    fitted: dict[str, tuple[np.ndarray, np.ndarray]],
    temperatures: dict[str, float],
    tuning: _TuningSet,
) -> tuple[float, dict[str, dict[str, float]]]:
    """The category head's share in the category probability (model.blend_categories),
    by mean category macro-F1 and log loss on the tuning texts of each industry with a
    subcategory head, with the validation fits. The corpus's own validation slice would
    favour the category head, which fits the corpus's wording best."""
    by_name = {data.name: data for data in heads}
    f1_totals = dict.fromkeys(_CATEGORY_WEIGHTS, 0.0)
    loss_totals = dict.fromkeys(_CATEGORY_WEIGHTS, 0.0)
    industries = 0
    for data in heads:
        head, _, industry = data.name.partition(":")
        sub = by_name.get(f"subcategory:{industry}")
        rows = tuning.by_head.get(data.name)
        if head != "category" or sub is None or rows is None:
            continue
        if data.name not in fitted or sub.name not in fitted:
            continue
        tuning_x, tuning_y = rows
        category, subcategory = (
            _probabilities(
                "softmax",
                np.asarray(tuning_x @ fitted[name][0]) + fitted[name][1],
                temperatures[name],
            )
            for name in (data.name, sub.name)
        )
        membership = subcategory_membership(data.classes, sub.classes)
        classes = np.arange(len(data.classes))
        for weight in _CATEGORY_WEIGHTS:
            blended = blend_categories(category, subcategory, membership, weight)
            guessed = blended.argmax(axis=1)
            f1_totals[weight] += float(
                f1_score(tuning_y, guessed, average="macro", zero_division=0)
            )
            loss_totals[weight] += float(log_loss(tuning_y, blended, labels=classes))
        industries += 1
    if not industries:
        return 1.0, {}
    f1 = {weight: total / industries for weight, total in f1_totals.items()}
    loss = {weight: total / industries for weight, total in loss_totals.items()}
    return category_weight_of(f1, loss), {
        "tuning_macro_f1_by_weight": {f"{w:g}": round(score, 4) for w, score in f1.items()},
        "tuning_log_loss_by_weight": {f"{w:g}": round(score, 4) for w, score in loss.items()},
    }


def category_weight_of(f1: dict[float, float], losses: dict[float, float]) -> float:
    """The share with the best tuning macro-F1, if it beats the default by the margin
    without making the confidence worse (``losses``: log loss by share); otherwise the
    default."""
    best = max(f1, key=lambda weight: f1[weight])
    default = _DEFAULT_CATEGORY_WEIGHT
    if f1[best] <= f1[default] + _CATEGORY_WEIGHT_MARGIN:
        return default
    if losses[best] > losses[default] + _CATEGORY_LOG_LOSS_MARGIN:
        return default
    return best
