"""Triage text classifier on the real datasets, by the fixed protocol of
../shared/data/EVALUATION.md (dedupe, SHA-1 split, validation slice inside TRAIN).

Our pipeline = the triage feature pipeline (NFKC/width folding, t2s, lower case, character
1–3-grams with digits folded, rjieba word 1–2-grams, lexicon and shape columns; sublinear
TF-IDF, minimum document frequency 2, each block L2-normalised; grams hashed into 2**24
buckets per block, not the shipped 2**20) + linear heads (below).

Chosen inside TRAIN only, per task (per training fold for the gov set), by the mean
macro-F1 over a stratified cross-validation of TRAIN (3 folds; 5 folds below 1,000 rows),
the earlier candidate winning a tie:
- the block weights (``FEATURE_SETS``): character grams only (B1's features), character +
  word grams (B2's) or all blocks at the shipped weights; a block of weight 0 is dropped;
- the head: naive-Bayes weighted SGD (NB-SVM, alpha 1e-4, 3e-4), SGD with the modified
  Huber loss (alpha 1e-5, 3e-5, 1e-4, 3e-4) and, below 12,000 rows, the same with balanced
  class weights and logistic regression (C 1, 4, 16), with and without balanced weights;
- or the mean of the class probabilities of the best head of two or of all three feature
  sets, or of the best naive-Bayes weighted and the best other head of one feature set
  (from the same cross-validation predictions, no extra fits);
- then per-class offsets added to the chosen candidate's probabilities, tuned for macro-F1
  on its cross-validation predictions, kept only if a nested cross-validation of that
  tuning beats the candidate's own score.
Task a2 (the negative reviews) may also learn from the same table's positive TRAIN reviews,
labelled with their category (``load_tasks``): they join every fit, never a validation part,
and the same cross-validation of a2's TRAIN decides whether they are used (the water-heater
class has 83 negative TRAIN rows; its positive reviews say which products it covers). No TEST
row of the table is read for it: the split is a hash of the text.
The protocol's hash validation slice is not used: it is one noisy draw of about 10% of
TRAIN (the protocol notes it picked the weaker variant on the small sets). The choice is
then refitted on all of TRAIN (on the training fold for the gov set) and scored once on
TEST. Task e scores the a1 model.

Run: .venv/bin/python bench/triage_quality.py [--data-dir ../shared/data] [--tasks a1,b1,…]
No data rows are written anywhere.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import statistics
import sys
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import opencc
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from complaintdesk.triage.engine.features import (  # noqa: E402
    AnalysedText,
    FeatureSpace,
    analyse_batch,
)
from complaintdesk.triage.engine.lexicon import load_lexicon  # noqa: E402

csv.field_size_limit(sys.maxsize)
# Block weights (character grams, word grams, lexicon and shape columns) a candidate uses;
# the triage pipeline itself ships with 1, 0.8 and 0.5/0.3 (the third number scales both).
FEATURE_SETS: dict[str, tuple[float, float, float]] = {
    "char": (1.0, 0.0, 0.0),  # B1's features
    "char+word": (1.0, 1.0, 0.0),  # B2's features
    "pipeline": (1.0, 0.8, 1.0),  # all blocks at the shipped weights
}
# Hash buckets per block: 2**24 (64 MB per lookup) keeps the review sets' grams nearly
# collision-free, close to the baseline's exact vocabulary; the shipped model uses 2**20.
HASH_BITS = 24
LOGREG_C = (1.0, 4.0, 16.0)
SGD_ALPHAS = (1e-5, 3e-5, 1e-4, 3e-4)
NB_SGD_ALPHAS = (1e-4, 3e-4)
# From this many TRAIN rows on: SGD heads only (logistic regression is too slow there).
LARGE = 12_000
# Below this many TRAIN rows: repeated 5-fold inner cross-validation.
SMALL = 1_000
# Steps of the coordinate ascent on the per-class offsets (probabilities lie in 0..1).
OFFSET_STEPS = (-0.1, -0.05, -0.02, 0.02, 0.05, 0.1)
OFFSET_ROUNDS = 3
BASELINES: dict[str, tuple[float, float, float, float]] = {
    # task: baseline macro-F1, accuracy, other variant macro-F1, accuracy
    "a1": (0.898, 0.905, 0.894, 0.901),
    "a2": (0.904, 0.891, 0.895, 0.890),
    "b1": (0.881, 0.897, 0.876, 0.893),
    "b2": (0.885, 0.903, 0.882, 0.901),
    "b3": (0.937, 0.937, 0.934, 0.934),
    "c": (0.697, 0.733, 0.745, 0.779),
    "d1": (0.574, 0.820, 0.616, 0.820),
    "d2": (0.364, 0.556, 0.399, 0.583),
    "e(i)": (0.797, 0.831, 0.817, 0.841),
    "e(ii)": (0.893, 0.901, 0.889, 0.897),
}


@dataclass(frozen=True, slots=True)
class Row:
    text: str
    label: str


def sha1_integer(text: str) -> int:
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)  # noqa: S324 (protocol)


def dedupe(rows: Sequence[tuple[str | None, str]]) -> list[Row]:
    """Strip, drop empty texts, keep the first occurrence of each text (file order)."""
    seen: set[str] = set()
    kept = []
    for text, label in rows:
        normalised = (text or "").strip()
        if not normalised or normalised in seen:
            continue
        seen.add(normalised)
        kept.append(Row(normalised, label))
    return kept


def is_test(row: Row) -> bool:
    return sha1_integer(row.text) % 5 == 0


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_tasks(data_dir: Path) -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
    """Each task's deduplicated rows, and the auxiliary rows of a task that has them: other
    TRAIN rows of the same table that carry the task's label (a2: the positive reviews)."""
    raw = data_dir / "raw"
    shopping_rows = read_csv(raw / "zh_online_shopping_10_cats" / "online_shopping_10_cats.csv")
    shopping = dedupe(
        [(row["review"], json.dumps([row["category"], row["sentiment"]])) for row in shopping_rows]
    )
    tasks: dict[str, list[Row]] = {
        "a1": [Row(row.text, json.loads(row.label)[0]) for row in shopping],
        "a2": [
            Row(row.text, json.loads(row.label)[0])
            for row in shopping
            if json.loads(row.label)[1] == "0"
        ],
        "b3": [Row(row.text, json.loads(row.label)[1]) for row in shopping],
    }
    auxiliary = {
        "a2": [
            Row(row.text, json.loads(row.label)[0])
            for row in shopping
            if json.loads(row.label)[1] != "0" and not is_test(row)
        ]
    }
    for task, name in (("b1", "waimai_10k.csv"), ("b2", "chnsenticorp_htl_all.csv")):
        rows = read_csv(raw / "zh_review_sentiment" / name)
        tasks[task] = dedupe([(row["review"], row["label"]) for row in rows])
    gov = read_csv(raw / "zh_gov_messages_teddy2020" / "messages_labelled.csv")
    tasks["c"] = dedupe(
        [(row["留言主题"] + "\n" + row["留言详情"], row["一级分类"]) for row in gov]
    )
    cfpb = []
    with (raw / "en_cfpb_narratives" / "cfpb_narratives.jsonl").open(encoding="utf-8") as handle:
        cfpb = [json.loads(line) for line in handle if line.strip()]
    tasks["d1"] = dedupe(
        [
            (row.get("text"), row["product_family"])
            for row in cfpb
            if row.get("product_family") != "other"
        ]
    )
    with_issue = dedupe(
        [(row.get("text"), row.get("issue") or "") for row in cfpb if row.get("issue")]
    )
    top_issues = {issue for issue, _ in Counter(row.label for row in with_issue).most_common(10)}
    tasks["d2"] = [
        Row(row.text, row.label if row.label in top_issues else "other") for row in with_issue
    ]
    return tasks, auxiliary


Member = tuple[str, str]  # (feature set, head)


class Pipeline:
    """The triage feature pipeline with linear heads: the block weights, the heads and how
    they decide together are chosen inside TRAIN (see the module docstring)."""

    def __init__(self) -> None:
        self.lexicon = load_lexicon()
        self.features: FeatureSpace | None = None
        # The chosen candidate and its members' heads, refitted on all of TRAIN.
        self.chosen = Candidate("single", ())
        self.classifiers: list[Any] = []
        # Over the members' decision scores, when the stack is chosen.
        self.stacker: Any = None
        # Added to the class probabilities before the arg max, when chosen (see fit).
        self.offsets: np.ndarray | None = None
        # The chosen candidate's mean validation macro-F1, and how it was chosen.
        self.score = 0.0
        self.choice = ""

    def analyse(self, texts: Sequence[str]) -> list[AnalysedText]:
        return analyse_batch(texts, self.lexicon)

    def _matrix(self, analysed: Sequence[AnalysedText], fit: bool) -> sp.csr_matrix:
        """The pipeline's matrix at its shipped block weights."""
        if fit:
            word_ids = FeatureSpace.word_ids_for(analysed)
            batch = FeatureSpace.hash_batch(analysed, word_ids, hash_bits=HASH_BITS)
            # Real review sets are far larger than the complaint corpus: no column cap
            # beyond the hash buckets per block.
            self.features = FeatureSpace.fit(
                batch,
                word_ids,
                self.lexicon.keys,
                max_char_features=1 << HASH_BITS,
                max_word_features=1 << HASH_BITS,
            )
            return self.features.rows(batch, analysed).matrix()
        assert self.features is not None
        return self.features.transform(analysed)

    def _weighted(self, matrix: sp.csr_matrix, feature_set: str) -> sp.csr_matrix:
        """``matrix`` with the block weights of ``feature_set``, zero-weight blocks dropped.

        Each block is L2-normalised on its own, so scaling its columns equals building the
        features with another block weight.
        """
        assert self.features is not None
        char, word, rest = FEATURE_SETS[feature_set]
        n_char = len(self.features.char_buckets)
        n_word = len(self.features.word_buckets)
        scale = np.full(matrix.shape[1], rest, dtype=np.float64)
        scale[:n_char] = char / self.features.char_weight
        scale[n_char : n_char + n_word] = word / self.features.word_weight
        columns = np.flatnonzero(scale)
        weighted: sp.csr_matrix = sp.csr_matrix(
            matrix[:, columns].astype(np.float64) @ sp.diags(scale[columns])
        )
        return weighted

    @staticmethod
    def _head_scores(
        matrix: sp.csr_matrix, labels: np.ndarray, validation: np.ndarray, large: bool
    ) -> Iterator[tuple[str, float, np.ndarray, np.ndarray]]:
        """Validation macro-F1, class probabilities and decision scores of every head
        fitted on the rows outside ``validation``.

        Logistic regression is fitted along its C path with warm starts (the same optimum,
        fewer iterations)."""
        fit_x, fit_y = matrix[~validation], labels[~validation]
        validation_x, validation_y = matrix[validation], labels[validation]

        def score(classifier: Any) -> tuple[float, np.ndarray, np.ndarray]:
            classifier.fit(fit_x, fit_y)
            predicted = classifier.predict(validation_x)
            f1 = float(f1_score(validation_y, predicted, average="macro"))
            return (
                f1,
                classifier.predict_proba(validation_x),
                decision_scores(classifier, validation_x),
            )

        for alpha in NB_SGD_ALPHAS:
            yield head_name("nb-sgd", alpha, None), *score(make_head("nb-sgd", alpha, None))
        for weighting in (None, "balanced"):
            # Balanced class weights make the SGD steps on rare classes large and the fit
            # unstable on the big sets; there the naive-Bayes scaling serves rare classes.
            if large and weighting:
                continue
            for alpha in SGD_ALPHAS:
                yield head_name("sgd", alpha, weighting), *score(make_head("sgd", alpha, weighting))
            if large:
                continue
            path = LogisticRegression(max_iter=1000, warm_start=True, class_weight=weighting)
            for c in LOGREG_C:
                path.set_params(C=c)
                yield head_name("logreg", c, weighting), *score(path)

    def fit(
        self,
        train: Sequence[Row],
        validation_masks: Sequence[np.ndarray],
        how: str,
        auxiliary: Sequence[Row] = (),
    ) -> None:
        """Choose by mean validation macro-F1 over ``validation_masks`` (inner
        cross-validation folds that partition TRAIN) among every feature set + head, the
        probability means of a few best heads, and the stack of the best heads; then
        per-class offsets on the chosen candidate's probabilities if they help
        (:func:`choose_offsets`); then refit on all of TRAIN.

        ``auxiliary`` rows (other TRAIN rows of the same table, see ``load_tasks``) join
        every fit, never a validation part: the score is on the task's own rows."""
        analysed = self.analyse([row.text for row in train])
        labels = np.asarray([row.label for row in train])
        classes = np.unique(labels)
        extra_analysed = self.analyse([row.text for row in auxiliary])
        extra_labels = np.asarray([row.label for row in auxiliary], dtype=labels.dtype)
        fit_labels = np.concatenate([labels, extra_labels])
        large = len(train) + len(auxiliary) >= LARGE
        totals: defaultdict[Candidate, float] = defaultdict(float)
        # Per validation part: each candidate's probabilities for its rows.
        held_out: list[dict[Candidate, np.ndarray]] = []
        decisions: list[dict[Member, np.ndarray]] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for mask in validation_masks:
                # Columns come from the fitting part only while choosing.
                self._matrix(
                    [item for item, held in zip(analysed, mask, strict=True) if not held]
                    + extra_analysed,
                    fit=True,
                )
                matrix = self._matrix(analysed + extra_analysed, fit=False)
                fit_mask = np.concatenate([mask, np.zeros(len(auxiliary), dtype=bool)])
                held_out.append({})
                decisions.append({})
                for feature_set in FEATURE_SETS:
                    weighted = self._weighted(matrix, feature_set)
                    for head, score, proba, decision in self._head_scores(
                        weighted, fit_labels, fit_mask, large
                    ):
                        candidate = Candidate("single", ((feature_set, head),))
                        totals[candidate] += score / len(validation_masks)
                        held_out[-1][candidate] = proba
                        decisions[-1][feature_set, head] = decision
            best_of_set = {
                feature_set: best_member(totals, feature_set) for feature_set in FEATURE_SETS
            }
            means = [
                members
                for size in (2, 3)
                for members in itertools.combinations(best_of_set.values(), size)
            ]
            # Within a feature set: the best plain head with the best naive-Bayes one.
            paired: list[tuple[Member, ...]] = [
                (
                    best_member(totals, feature_set, nb=False),
                    best_member(totals, feature_set, nb=True),
                )
                for feature_set in FEATURE_SETS
            ]
            for members in dict.fromkeys(means + paired):
                candidate = Candidate("mean", members)
                for mask, part in zip(validation_masks, held_out, strict=True):
                    singles = [part[Candidate("single", (member,))] for member in members]
                    part[candidate] = np.mean(singles, axis=0)
                    f1 = f1_score(
                        labels[mask], classes[part[candidate].argmax(axis=1)], average="macro"
                    )
                    totals[candidate] += float(f1) / len(validation_masks)
            stack = Candidate("stack", tuple(member for pair in paired for member in pair))
            stack_scores = out_of_fold_scores(stack.members, decisions, validation_masks)
            for mask, part, probability in zip(
                validation_masks,
                held_out,
                stacked_held_out(stack_scores, validation_masks, labels),
                strict=True,
            ):
                part[stack] = probability
                f1 = f1_score(labels[mask], classes[probability.argmax(axis=1)], average="macro")
                totals[stack] += float(f1) / len(validation_masks)
            # Highest mean score; the earlier candidate (single heads first) wins a tie.
            self.chosen = max(totals, key=totals.__getitem__)
            self.offsets, offsets_note = choose_offsets(
                [part[self.chosen] for part in held_out],
                validation_masks,
                labels,
                classes,
                totals[self.chosen],
            )
            self.score = totals[self.chosen]
            extra = f" + {len(auxiliary)} auxiliary rows" if auxiliary else ""
            self.choice = f"{self.chosen}{extra} ({how} macro-F1 {self.score:.3f}); {offsets_note}"
            matrix = self._matrix(analysed + extra_analysed, fit=True)
            self.classifiers = []
            for feature_set, head in self.chosen.members:
                classifier = make_head(*parse_head(head))
                classifier.fit(self._weighted(matrix, feature_set), fit_labels)
                self.classifiers.append(classifier)
            if self.chosen.how == "stack":
                # The stacker learns from the held-out decision scores of every row.
                self.stacker = make_stacker().fit(stack_scores, labels)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The chosen candidate's labels: a single head's, the label of highest mean
        probability, or the stacker's (plus the class offsets, when chosen)."""
        matrix = self._matrix(self.analyse(texts), fit=False)
        weighted = [self._weighted(matrix, feature_set) for feature_set, _ in self.chosen.members]
        if self.chosen.how == "stack":
            scores = np.hstack(
                [
                    decision_scores(classifier, rows)
                    for classifier, rows in zip(self.classifiers, weighted, strict=True)
                ]
            )
            probability = self.stacker.predict_proba(scores)
        else:
            probability = np.mean(
                [
                    classifier.predict_proba(rows)
                    for classifier, rows in zip(self.classifiers, weighted, strict=True)
                ],
                axis=0,
            )
        if self.offsets is not None:
            probability = probability + self.offsets
        return np.asarray(self.classifiers[0].classes_[probability.argmax(axis=1)])


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to decide: a single head (``single``), the mean of the members' class
    probabilities (``mean``) or a stacker over their decision scores (``stack``)."""

    how: str
    members: tuple[Member, ...]

    def __str__(self) -> str:
        joined = " & ".join(f"[{feature_set} + {head}]" for feature_set, head in self.members)
        return joined if self.how == "single" else f"{self.how} of {joined}"


def decision_scores(classifier: Any, matrix: sp.csr_matrix) -> np.ndarray:
    """One column per class (a binary head's single score as -s, s)."""
    scores = np.asarray(classifier.decision_function(matrix), dtype=np.float64)
    return np.column_stack([-scores, scores]) if scores.ndim == 1 else scores


def make_stacker() -> Any:
    """Multinomial logistic regression over the members' standardised decision scores, at
    one fixed strength (C 1, not tuned). It learns how far to trust each head for each
    class, and which class scores move together (a tablet review that also scores high
    for computers)."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000))


def out_of_fold_scores(
    members: Sequence[Member],
    decisions: Sequence[dict[Member, np.ndarray]],
    validation_masks: Sequence[np.ndarray],
) -> np.ndarray:
    """Every TRAIN row's decision scores from the members fitted without it (the
    validation parts partition TRAIN), side by side."""
    n_rows = len(validation_masks[0])
    columns = sum(decisions[0][member].shape[1] for member in members)
    scores = np.zeros((n_rows, columns))
    for mask, part in zip(validation_masks, decisions, strict=True):
        scores[mask] = np.hstack([part[member] for member in members])
    return scores


def stacked_held_out(
    scores: np.ndarray, validation_masks: Sequence[np.ndarray], labels: np.ndarray
) -> Iterator[np.ndarray]:
    """Per validation part, the probabilities of a stacker fitted on the other parts'
    out-of-fold ``scores``: the stack scored on the same parts as every other candidate."""
    for mask in validation_masks:
        yield make_stacker().fit(scores[~mask], labels[~mask]).predict_proba(scores[mask])


def macro_f1(truth: np.ndarray, predicted: np.ndarray, n_classes: int) -> float:
    """Macro-F1 of class indices, as scikit-learn's (a class absent from both counts 0),
    with one bincount: the offset search evaluates it hundreds of times."""
    confusion = np.bincount(truth * n_classes + predicted, minlength=n_classes * n_classes)
    confusion = confusion.reshape(n_classes, n_classes)
    hits = np.diag(confusion).astype(np.float64)
    denominator = confusion.sum(axis=0) + confusion.sum(axis=1)
    f1 = np.divide(2 * hits, denominator, out=np.zeros(n_classes), where=denominator > 0)
    return float(f1.mean())


def tune_offsets(probability: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Per-class offsets added to the probabilities that maximise macro-F1 on these rows:
    coordinate ascent over small steps, a step kept only if it raises the score.

    Macro-F1 weighs each class equally, so the arg max of the probabilities (which favours
    the frequent and the broad classes) is not its best decision rule."""
    n_classes = probability.shape[1]
    offsets = np.zeros(n_classes)
    best = macro_f1(truth, probability.argmax(axis=1), n_classes)
    for _ in range(OFFSET_ROUNDS):
        improved = False
        for column in range(n_classes):
            for step in OFFSET_STEPS:
                trial = offsets.copy()
                trial[column] += step
                score = macro_f1(truth, (probability + trial).argmax(axis=1), n_classes)
                if score > best + 1e-6:
                    best, offsets, improved = score, trial, True
        if not improved:
            break
    return offsets


def choose_offsets(
    held_out_probabilities: Sequence[np.ndarray],
    validation_masks: Sequence[np.ndarray],
    labels: np.ndarray,
    classes: np.ndarray,
    plain_score: float,
) -> tuple[np.ndarray | None, str]:
    """Class offsets tuned on the cross-validated probabilities of TRAIN, if they help.

    Whether they help is itself cross-validated: for each validation part, offsets are
    tuned on the other parts' predictions of the rows outside it (repeated folds overlap)
    and scored on it. Kept only if that mean macro-F1 beats ``plain_score`` (the
    candidate's own); the offsets used are then tuned on every part's predictions."""
    truth = np.searchsorted(classes, labels)
    nested = []
    for index, mask in enumerate(validation_masks):
        others = [
            (probability[~mask[other]], truth[other & ~mask])
            for position, (probability, other) in enumerate(
                zip(held_out_probabilities, validation_masks, strict=True)
            )
            if position != index
        ]
        offsets = tune_offsets(
            np.vstack([probability for probability, _ in others]),
            np.concatenate([part for _, part in others]),
        )
        predicted = (held_out_probabilities[index] + offsets).argmax(axis=1)
        nested.append(macro_f1(truth[mask], predicted, len(classes)))
    nested_score = statistics.mean(nested)
    if nested_score <= plain_score:
        return None, f"no class offsets (nested CV macro-F1 with them {nested_score:.3f})"
    offsets = tune_offsets(
        np.vstack(held_out_probabilities),
        np.concatenate([truth[mask] for mask in validation_masks]),
    )
    shown = ", ".join(
        f"{label} {offset:+.2f}" for label, offset in zip(classes, offsets, strict=True) if offset
    )
    return offsets, f"class offsets {shown or 'none'} (nested CV macro-F1 {nested_score:.3f})"


def best_member(totals: dict[Candidate, float], feature_set: str, nb: bool | None = None) -> Member:
    """The single head of ``feature_set`` with the highest mean validation score (only the
    naive-Bayes weighted heads, or only the others, when ``nb`` says so)."""
    singles = [
        candidate
        for candidate in totals
        if candidate.how == "single"
        and candidate.members[0][0] == feature_set
        and (nb is None or candidate.members[0][1].startswith("nb-") == nb)
    ]
    return max(singles, key=totals.__getitem__).members[0]


def head_name(kind: str, strength: float, weighting: str | None) -> str:
    parameter = "C" if kind == "logreg" else "alpha"
    return f"{kind} {parameter}={strength:g}" + (" balanced" if weighting else "")


def parse_head(name: str) -> tuple[str, float, str | None]:
    kind, setting, *rest = name.split()
    return kind, float(setting.split("=")[1]), "balanced" if rest else None


def make_head(kind: str, strength: float, weighting: str | None) -> Any:
    if kind == "logreg":
        return LogisticRegression(C=strength, max_iter=1000, class_weight=weighting)
    if kind == "nb-sgd":
        return NaiveBayesWeightedSGD(alpha=strength)
    return SGDClassifier(
        loss="modified_huber", alpha=strength, class_weight=weighting, random_state=0
    )


class NaiveBayesWeightedSGD:
    """NB-SVM (Wang and Manning, 2012) with a modified-Huber SGD head: for each class, the
    columns are scaled by their naive-Bayes log-count ratio (how much more often a gram
    occurs in the class's texts than in the others', add-one smoothed) and a binary
    one-vs-rest classifier is fitted on the scaled rows.

    The scaling lets rare but telling grams weigh in before the margin is fitted, which
    helps the small and the confusable classes. At prediction time it is still one linear
    layer: scaling the rows by r equals scaling the weights by r."""

    def __init__(self, alpha: float) -> None:
        self.alpha = alpha
        self.classes_: np.ndarray = np.empty(0)
        self.coef_: np.ndarray = np.empty((0, 0))
        self.intercept_: np.ndarray = np.empty(0)

    def fit(self, matrix: sp.csr_matrix, labels: np.ndarray) -> NaiveBayesWeightedSGD:
        self.classes_, truth = np.unique(labels, return_inverse=True)
        present = sp.csr_matrix(matrix, copy=True)
        present.data[:] = 1.0
        one_hot = sp.csr_matrix(
            (np.ones(len(truth)), (truth, np.arange(len(truth)))),
            shape=(len(self.classes_), len(truth)),
        )
        in_class = np.asarray((one_hot @ present).todense())
        in_others = in_class.sum(axis=0) - in_class
        # A binary task needs one classifier: the second class's.
        targets = range(1, 2) if len(self.classes_) == 2 else range(len(self.classes_))
        coefficients, intercepts = [], []
        for target in targets:
            inside, outside = in_class[target] + 1, in_others[target] + 1
            ratio = np.log(inside / inside.sum()) - np.log(outside / outside.sum())
            head = SGDClassifier(loss="modified_huber", alpha=self.alpha, random_state=0)
            head.fit(matrix @ sp.diags(ratio), truth == target)
            coefficients.append(head.coef_[0] * ratio)
            intercepts.append(head.intercept_[0])
        self.coef_, self.intercept_ = np.asarray(coefficients), np.asarray(intercepts)
        return self

    def decision_function(self, matrix: sp.csr_matrix) -> np.ndarray:
        scores = np.asarray(matrix @ self.coef_.T) + self.intercept_
        return np.hstack([-scores, scores]) if len(self.classes_) == 2 else scores

    def predict_proba(self, matrix: sp.csr_matrix) -> np.ndarray:
        """As scikit-learn's modified-Huber one-vs-rest: each score clipped to [-1, 1],
        mapped to [0, 1], and the row normalised (uniform where every class is at 0)."""
        probability = (np.clip(self.decision_function(matrix), -1, 1) + 1) / 2
        if len(self.classes_) == 2:
            return probability
        total = probability.sum(axis=1, keepdims=True)
        uniform = np.full_like(probability, 1 / len(self.classes_))
        return np.divide(probability, total, out=uniform, where=total > 0)

    def predict(self, matrix: sp.csr_matrix) -> np.ndarray:
        return np.asarray(self.classes_[self.decision_function(matrix).argmax(axis=1)])


def scores(truth: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    return (
        float(f1_score(truth, predicted, average="macro")),
        float(accuracy_score(truth, predicted)),
    )


def report(task: str, f1: float, accuracy: float, note: str = "", spread: str = "") -> None:
    base_f1, base_accuracy, other_f1, other_accuracy = BASELINES[task]
    bar = max(base_f1, other_f1)
    verdict = "beats" if f1 > bar else "BELOW"
    print(
        f"{task:6} ours macro-F1 {f1:.3f}{spread} acc {accuracy:.3f} | baseline {base_f1:.3f} / "
        f"{base_accuracy:.3f}, other variant {other_f1:.3f} / {other_accuracy:.3f} | {verdict} "
        f"{bar:.3f} {note}"
    )
    sys.stdout.flush()


def validation_masks(train: Sequence[Row]) -> tuple[list[np.ndarray], str]:
    """Where settings are chosen, inside TRAIN only: a stratified cross-validation of TRAIN,
    3 folds, and 5 folds repeated twice below 1,000 rows (the gov training folds).

    The protocol's hash slice (about 10% of TRAIN) is one noisy draw: the protocol notes
    that choosing on it picked the weaker variant on the small sets, and on the review
    sets the candidates' slice scores differ by less than its noise.
    """
    labels = np.asarray([row.label for row in train])
    if len(train) < SMALL:
        inner = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
        how = "inner 5-fold CV"
    else:
        inner = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
        how = "inner 3-fold CV"
    masks = []
    for _, held_out in inner.split(np.zeros(len(train)), labels):
        mask = np.zeros(len(train), dtype=bool)
        mask[held_out] = True
        masks.append(mask)
    return masks, how


def run_hash_split(
    task: str, rows: list[Row], auxiliary: Sequence[Row] = ()
) -> tuple[Pipeline, list[Row]]:
    train = [row for row in rows if not is_test(row)]
    test = [row for row in rows if is_test(row)]
    began = time.perf_counter()
    masks, how = validation_masks(train)
    pipeline = Pipeline()
    pipeline.fit(train, masks, how)
    if auxiliary:
        # With the auxiliary rows or without: the same folds decide, no row of TEST.
        assisted = Pipeline()
        assisted.fit(train, masks, how, auxiliary)
        if assisted.score > pipeline.score:
            pipeline, assisted = assisted, pipeline
        alternative = f"not chosen: {assisted.choice}"
    predicted = pipeline.predict([row.text for row in test])
    f1, accuracy = scores([row.label for row in test], list(predicted))
    report(
        task,
        f1,
        accuracy,
        f"[{len(train)}/{len(test)}; {pipeline.choice}; {time.perf_counter() - began:.0f}s]",
    )
    if auxiliary:
        print(f"         {alternative}")
    return pipeline, test


def run_gov_cross_validation(rows: list[Row]) -> None:
    labels = np.asarray([row.label for row in rows])
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    f1s, accuracies, choices = [], [], []
    began = time.perf_counter()
    for train_index, test_index in folds.split(np.zeros(len(rows)), labels):
        train = [rows[index] for index in train_index]
        pipeline = Pipeline()
        # Tuning inside the training fold (about 395 rows: inner cross-validation).
        pipeline.fit(train, *validation_masks(train))
        predicted = pipeline.predict([rows[index].text for index in test_index])
        f1, accuracy = scores(list(labels[test_index]), list(predicted))
        f1s.append(f1)
        accuracies.append(accuracy)
        choices.append(f"fold {len(f1s)}: macro-F1 {f1:.3f}; {pipeline.choice}")
    report(
        "c",
        statistics.mean(f1s),
        statistics.mean(accuracies),
        f"[5-fold CV, accuracy ± {statistics.stdev(accuracies):.3f}; "
        f"{time.perf_counter() - began:.0f}s]",
        spread=f" ± {statistics.stdev(f1s):.3f}",
    )
    for choice in choices:
        print(f"         {choice}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--tasks", default="a1,a2,b1,b2,b3,c,d1,d2,e")
    arguments = parser.parse_args()
    wanted = set(arguments.tasks.split(","))
    tasks, auxiliary = load_tasks(arguments.data_dir)
    for task in ("a1", "a2", "b1", "b2", "b3", "c", "d1", "d2"):
        if task not in wanted and not (task == "a1" and "e" in wanted):
            continue
        if task == "c":
            run_gov_cross_validation(tasks["c"])
            continue
        pipeline, test = run_hash_split(task, tasks[task], auxiliary.get(task, ()))
        if task == "a1" and "e" in wanted:
            to_traditional = opencc.OpenCC("s2twp")
            to_simplified = opencc.OpenCC("t2s")
            converted = [to_traditional.convert(row.text) for row in test]
            truth = [row.label for row in test]
            # The pipeline applies t2s itself, so (i) and (ii) differ only where the
            # round trip changes wording (软件 → 軟體 → 软体).
            f1, accuracy = scores(truth, list(pipeline.predict(converted)))
            report("e(i)", f1, accuracy, "[traditional text as it is]")
            f1, accuracy = scores(
                truth, list(pipeline.predict([to_simplified.convert(t) for t in converted]))
            )
            report("e(ii)", f1, accuracy, "[converted back with t2s first]")


if __name__ == "__main__":
    main()
