"""The trained triage model: linear heads over one shared feature matrix.

Every head's coefficients are columns of one float32 matrix, so scoring a batch is a
single sparse × dense product. Softmax heads (category per industry, subcategory, nature,
emotion, motive, behaviour) and one sigmoid column per crisis signal are temperature-scaled
on the validation slice, so their probabilities are calibrated confidences.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from complaintdesk.triage.engine import pii
from complaintdesk.triage.engine.crisis import (
    CrisisDecision,
    CrisisEvidence,
    CrisisSettings,
    crisis_columns,
)
from complaintdesk.triage.engine.features import (
    HASH_BITS,
    AnalysedText,
    FeatureRows,
    FeatureSpace,
    analyse_batch,
)
from complaintdesk.triage.engine.labels import CRISIS_SIGNALS, SHARED_HEADS
from complaintdesk.triage.engine.lexicon import Lexicon, load_lexicon
from complaintdesk.triage.engine.openings import NO_SUBJECT_EXPLANATION, names_no_subject
from complaintdesk.triage.engine.results import TriageResult
from complaintdesk.triage.engine.rules import RuleBasedTriager, rules_fingerprint

if TYPE_CHECKING:
    import scipy.sparse as sp

FORMAT_VERSION = 1
_EXPLANATION_SIZE = 4
_EXPLANATION_CANDIDATES = 48


@dataclass(slots=True, eq=False)
class Head:
    """One prediction head: its labels and where its columns sit in the weight matrix."""

    name: str
    classes: tuple[str, ...]
    start: int
    kind: Literal["softmax", "sigmoid"]
    temperature: float = 1.0

    @property
    def stop(self) -> int:
        return self.start + (1 if self.kind == "sigmoid" else len(self.classes))


@dataclass(slots=True)
class Thresholds:
    """Decision thresholds chosen on the validation slice at training time."""

    crisis: float = 0.5
    # Whether a crisis lexicon hit alone raises the signal (chosen on validation).
    crisis_rules: bool = True
    # ... and how likely the model must find a crisis for a lexicon hit to count.
    crisis_rule_floor: float = 0.0
    # ... and, for the "any signal" head alone, how likely one signal's own head must find
    # its signal (0: the "any" head decides alone, as models before it did).
    crisis_signal_support: float = 0.0
    needs_triage: float = 0.5
    # The category head's share of the category probability; the rest is the summed
    # probability of each category's subcategories (chosen on the tuning set).
    category_weight: float = 1.0

    @property
    def crisis_settings(self) -> CrisisSettings:
        return CrisisSettings(
            self.crisis, self.crisis_rules, self.crisis_rule_floor, self.crisis_signal_support
        )


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=1, keepdims=True)
    exponent = np.exp(shifted)
    result: np.ndarray = exponent / exponent.sum(axis=1, keepdims=True)
    return result


def sigmoid(scores: np.ndarray) -> np.ndarray:
    # exp overflows to inf for very negative scores, which gives the right limit, 0.
    with np.errstate(over="ignore"):
        result: np.ndarray = 1 / (1 + np.exp(-scores))
    return result


def subcategory_membership(categories: Sequence[str], subcategories: Sequence[str]) -> np.ndarray:
    """categories × subcategories: whether each subcategory ("billing.charge") belongs to
    each category ("billing")."""
    return np.asarray(
        [[name.startswith(category + ".") for name in subcategories] for category in categories],
        dtype=bool,
    ).reshape(len(categories), len(subcategories))


def blend_categories(
    category: np.ndarray, subcategory: np.ndarray, membership: np.ndarray, weight: float
) -> np.ndarray:
    """Category probabilities: ``weight`` of the category head's, the rest from the
    subcategory head's summed per category. Writers who never read our guide are read
    better by the finer head, which learns each subcategory's own wording."""
    if weight >= 1.0:
        return category
    summed = subcategory @ membership.T.astype(subcategory.dtype)
    blended: np.ndarray = weight * category + (1.0 - weight) * summed
    return blended


def _rounded(values: np.ndarray) -> list[float]:
    """Confidences as shown: four decimals, plain floats."""
    result: list[float] = np.round(values.astype(np.float64), 4).tolist()
    return result


def _labels_of(head: Head, indices: np.ndarray) -> list[str]:
    return [head.classes[index] for index in indices.tolist()]


@dataclass(frozen=True, slots=True)
class _Decisions:
    """Every head's label and confidence for each text of a batch."""

    labels: list[dict[str, str]]
    confidences: list[dict[str, float]]
    # Unrounded, for the "needs triage" queue.
    category_confidence: list[float]
    # Texts whose industry has no trained category head: the lexicon chose.
    lexicon_categories: set[int]
    category_heads: list[Head | None]
    shared_heads: tuple[Head, ...]
    crisis: CrisisDecision
    raised_to_major: list[bool]

    def heads_of_row(self, row: int) -> list[tuple[str, Head]]:
        """The heads whose labels a text's explanations cover."""
        heads = [(head.name, head) for head in self.shared_heads]
        category_head = self.category_heads[row]
        if category_head is not None:
            heads.append(("category", category_head))
        return heads


@dataclass(frozen=True, slots=True)
class _RowFeatures:
    """One text's active columns, their values and weight rows (all heads), for explanations."""

    columns: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    names: Callable[[int], str]

    @classmethod
    def of(
        cls,
        rows: FeatureRows,
        row: int,
        gathered: np.ndarray | None,
        weights: np.ndarray,
        names: Callable[[int], str],
    ) -> _RowFeatures:
        """Row ``row`` of ``rows``; ``gathered``: its weight rows when already at hand."""
        start, stop = rows.indptr[row], rows.indptr[row + 1]
        columns = rows.indices[start:stop]
        return cls(
            columns,
            rows.data[start:stop],
            gathered if gathered is not None else weights[columns],
            names,
        )


@dataclass(slots=True)
class TriageModel:
    """A versioned, trained triage model. Build with ``training.train_model``."""

    features: FeatureSpace
    weights: np.ndarray
    bias: np.ndarray
    heads: dict[str, Head]
    thresholds: Thresholds
    metadata: dict[str, Any]
    lexicon: Lexicon = field(default_factory=load_lexicon)
    _head_means: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False)
    # Decides the category where an industry has no trained head, and names its cues.
    _rules: RuleBasedTriager = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rules = RuleBasedTriager(self.lexicon)

    @property
    def version(self) -> str:
        """The trained version; with "+rules-" and the rules' fingerprint when the lexicon or
        the rule sources in use are not the ones it was trained with, so that one version
        string always gives the same answers."""
        trained = str(self.metadata.get("version", ""))
        running = rules_fingerprint(self.lexicon)
        if self.metadata.get("rules_fingerprint") == running:
            return trained
        return f"{trained}+rules-{running[:6]}"

    @property
    def industries(self) -> tuple[str, ...]:
        return tuple(name.split(":", 1)[1] for name in self.heads if name.startswith("category:"))

    def analyse(self, texts: Sequence[str]) -> list[AnalysedText]:
        return analyse_batch(texts, self.lexicon)

    def scores(self, matrix: sp.csr_matrix) -> np.ndarray:
        product = matrix @ self.weights
        result: np.ndarray = np.asarray(product) + self.bias
        return result

    def probabilities(self, head: Head, scores: np.ndarray) -> np.ndarray:
        block = scores[:, head.start : head.stop] / head.temperature
        return sigmoid(block[:, 0]) if head.kind == "sigmoid" else softmax(block)

    def predict(
        self,
        texts: Sequence[str],
        industry: str | Sequence[str] = "telecom",
        *,
        explain: bool = True,
    ) -> list[TriageResult]:
        """Triage a batch of texts; ``industry`` is one preset or one per text.

        Every decision is taken for the whole batch at once with numpy; only the explanations
        (and the lexicon fallback of an industry without a trained category head) look at
        one text at a time.
        """
        industries = [industry] * len(texts) if isinstance(industry, str) else list(industry)
        if len(industries) != len(texts):
            raise ValueError("give one industry, or one per text")
        if not texts:
            return []
        masked = pii.mask_batch(texts)
        analysed = self.analyse([pii.contact_details_dropped(item) for item in masked])
        hashed = self.features.hash(analysed, keep_keys=explain)
        rows = self.features.rows(hashed, analysed)
        gathered: np.ndarray | None = None
        if len(analysed) == 1:
            # One text (an agent waiting): numpy only (no scipy import), summed in the order
            # scipy sums a row; its weight rows are kept for the explanations.
            gathered = self.weights[rows.indices]
            scores = (np.add.reduce(rows.data[:, None] * gathered, axis=0) + self.bias)[None, :]
        else:
            scores = self.scores(rows.matrix())
        probabilities = {
            name: self.probabilities(head, scores) for name, head in self.heads.items()
        }
        decided = self._decide(analysed, industries, probabilities)
        explanations: list[dict[str, list[str]]] = [{} for _ in texts]
        if explain:
            namers = self.features.namers(analysed, hashed)
            for row, (item, row_labels) in enumerate(zip(analysed, decided.labels, strict=True)):
                features = _RowFeatures.of(rows, row, gathered, self.weights, namers[row])
                for head_name, head in decided.heads_of_row(row):
                    explanations[row][head_name] = self._explain(
                        head, row_labels[head_name], features, item
                    )
        results = []
        version = self.version
        for row, (item, text_mask) in enumerate(zip(analysed, masked, strict=True)):
            labels = decided.labels[row]
            confidences = decided.confidences[row]
            row_explanations = explanations[row]
            if row in decided.lexicon_categories:
                row_explanations["category"] = self._rules.category_explanation(
                    item, industries[row], labels["category"]
                )
            signals = decided.crisis.signals[row]
            row_explanations["crisis"] = decided.crisis.explanations[row]
            if decided.raised_to_major[row]:
                row_explanations["nature"] = ["crisis signal: " + ", ".join(signals)]
            category_confidence = decided.category_confidence[row]
            no_subject = names_no_subject(item.normalised)
            if no_subject:
                row_explanations["category"] = [NO_SUBJECT_EXPLANATION]
            results.append(
                TriageResult(
                    lang=item.language,
                    category=labels["category"],
                    category_confidence=confidences["category"],
                    subcategory=labels.get("subcategory"),
                    nature=labels["nature"],
                    emotion=labels["emotion"],
                    motive=labels["motive"],
                    behaviour=labels["behaviour"],
                    crisis=bool(signals),
                    crisis_signals=signals,
                    masked_text=text_mask.masked_text,
                    needs_triage=no_subject or category_confidence < self.thresholds.needs_triage,
                    confidences=confidences,
                    explanations=row_explanations,
                    personal_data=sorted({span.kind for span in text_mask.spans}),
                    model_version=version,
                )
            )
        return results

    def _decide(
        self,
        analysed: Sequence[AnalysedText],
        industries: Sequence[str],
        probabilities: dict[str, np.ndarray],
    ) -> _Decisions:
        """Every head's label and confidence for a batch, with numpy over whole columns."""
        label_columns: dict[str, list[str]] = {}
        confidence_columns: dict[str, list[float]] = {}
        for head_name in SHARED_HEADS:
            head = self.heads[head_name]
            values = probabilities[head_name]
            label_columns[head_name] = _labels_of(head, values.argmax(axis=1))
            confidence_columns[head_name] = _rounded(values.max(axis=1))
        category, category_confidence, subcategory, subcategory_confidence, fallback_rows = (
            self._categories(analysed, industries, probabilities)
        )
        evidence = self.crisis_evidence(analysed, probabilities)
        crisis = evidence.decide(self.thresholds.crisis_settings)
        general = np.asarray([label == "general" for label in label_columns["nature"]])
        # The guide: exposure (media, regulator, legal, mass, safety) makes it major.
        raised = crisis.is_crisis & general
        if raised.any():
            label_columns["nature"] = [
                "major" if up else label
                for up, label in zip(raised.tolist(), label_columns["nature"], strict=True)
            ]
        crisis_confidences = {
            f"crisis.{signal}": _rounded(evidence.by_signal[:, index])
            for index, signal in enumerate(CRISIS_SIGNALS)
        }
        crisis_confidences["crisis"] = _rounded(evidence.any_probability)
        labels = [
            {
                "nature": nature,
                "emotion": emotion,
                "motive": motive,
                "behaviour": behaviour,
                "category": category_label,
            }
            for nature, emotion, motive, behaviour, category_label in zip(
                label_columns["nature"],
                label_columns["emotion"],
                label_columns["motive"],
                label_columns["behaviour"],
                category,
                strict=True,
            )
        ]
        confidence_names = (*SHARED_HEADS, "category", *crisis_confidences)
        confidences = [
            dict(zip(confidence_names, row_values, strict=True))
            for row_values in zip(
                *(confidence_columns[name] for name in SHARED_HEADS),
                _rounded(category_confidence),
                *crisis_confidences.values(),
                strict=True,
            )
        ]
        for row, (label, confidence) in enumerate(
            zip(subcategory, subcategory_confidence, strict=True)
        ):
            if label is not None:
                labels[row]["subcategory"] = label
                confidences[row]["subcategory"] = confidence
        heads = [
            self.heads.get(f"category:{industry}") if row not in fallback_rows else None
            for row, industry in enumerate(industries)
        ]
        return _Decisions(
            labels=labels,
            confidences=confidences,
            category_confidence=category_confidence.tolist(),
            lexicon_categories=fallback_rows,
            category_heads=heads,
            shared_heads=tuple(self.heads[name] for name in SHARED_HEADS),
            crisis=crisis,
            raised_to_major=raised.tolist(),
        )

    def _categories(
        self,
        analysed: Sequence[AnalysedText],
        industries: Sequence[str],
        probabilities: dict[str, np.ndarray],
    ) -> tuple[list[str], np.ndarray, list[str | None], list[float | None], set[int]]:
        """Category (and subcategory within it) per text, by each text's industry head;
        the lexicon decides for an industry without training data."""
        n_rows = len(analysed)
        category: list[str] = [""] * n_rows
        confidence = np.zeros(n_rows, dtype=np.float64)
        subcategory: list[str | None] = [None] * n_rows
        subcategory_confidence: list[float | None] = [None] * n_rows
        fallback_rows: set[int] = set()
        rows_by_industry: dict[str, list[int]] = {}
        for row, industry in enumerate(industries):
            rows_by_industry.setdefault(industry, []).append(row)
        for industry, row_list in rows_by_industry.items():
            head = self.heads.get(f"category:{industry}")
            if head is None:
                for row in row_list:
                    category[row], confidence[row] = self._rules.category(analysed[row], industry)
                    fallback_rows.add(row)
                continue
            rows = np.asarray(row_list)
            values = probabilities[head.name][rows]
            sub_head = self.heads.get(f"subcategory:{industry}")
            if sub_head is not None:
                values = blend_categories(
                    values,
                    probabilities[sub_head.name][rows],
                    self._subcategories_within(head, sub_head),
                    self.thresholds.category_weight,
                )
            best = values.argmax(axis=1)
            confidence[rows] = values[np.arange(len(rows)), best]
            labels = _labels_of(head, best)
            for row, label in zip(row_list, labels, strict=True):
                category[row] = label
            if sub_head is None:
                continue
            allowed = self._subcategories_within(head, sub_head)[best]
            candidates = np.where(allowed, probabilities[sub_head.name][rows], -1.0)
            sub_best = candidates.argmax(axis=1)
            sub_probability = candidates[np.arange(len(rows)), sub_best]
            within = sub_probability / np.maximum(
                np.where(allowed, candidates, 0).sum(axis=1), 1e-9
            )
            has_any = allowed.any(axis=1).tolist()
            for row, ok, sub, share in zip(
                row_list, has_any, _labels_of(sub_head, sub_best), _rounded(within), strict=True
            ):
                if ok:
                    subcategory[row], subcategory_confidence[row] = sub, share
        return category, confidence, subcategory, subcategory_confidence, fallback_rows

    @staticmethod
    @lru_cache(maxsize=64)
    def _subcategories_within(category_head: Head, subcategory_head: Head) -> np.ndarray:
        return subcategory_membership(category_head.classes, subcategory_head.classes)

    def crisis_evidence(
        self, analysed: Sequence[AnalysedText], probabilities: dict[str, np.ndarray]
    ) -> CrisisEvidence:
        """What the crisis decision weighs for each text: the heads and the lexicon's cues."""
        by_signal, any_probability = crisis_columns(probabilities, len(analysed))
        return CrisisEvidence.of(analysed, any_probability, by_signal)

    def _explain(
        self, head: Head, label: str, features: _RowFeatures, item: AnalysedText
    ) -> list[str]:
        """The features that pushed this label up most, as readable terms and rules."""
        if len(features.columns) == 0:
            return []
        block = features.weights[:, head.start : head.stop]
        index = head.classes.index(label)
        # Relative to the other labels, so words common to every label do not show.
        relative = (
            block[:, index] - self._label_means(head)[features.columns]
            if head.kind == "softmax"
            else block[:, 0]
        )
        contribution = features.values * relative
        order = np.argsort(-contribution)
        # The loop rarely looks past the first few dozen; convert only those to Python.
        shown = min(len(order), _EXPLANATION_CANDIDATES)
        columns = features.columns[order[:shown]].tolist()
        contributions = contribution[order[:shown]].tolist()
        chosen: list[str] = []
        for rank, value in enumerate(contributions):
            if value <= 0 or len(chosen) >= _EXPLANATION_SIZE:
                break
            if rank == shown - 1 and shown < len(order):
                # Ran out of converted candidates: take the rest too.
                columns = features.columns[order].tolist()
                contributions.extend(contribution[order[shown:]].tolist())
                shown = len(order)
            name = features.names(columns[rank])
            if not name or name.startswith("shape:lang:"):
                continue
            if name.startswith("lexicon:"):
                key = name.removeprefix("lexicon:")
                terms = dict.fromkeys(hit.term for hit in item.hits if hit.key == key)
                name = f"{'/'.join(terms)} [{key}]"
            elif len(name.strip()) < 2 or any(name in other or other in name for other in chosen):
                # Single characters and overlapping n-grams say little to an agent.
                continue
            chosen.append(name)
        return chosen

    def _label_means(self, head: Head) -> np.ndarray:
        """Per feature, the mean weight over the head's labels (computed once per head;
        the same numbers as the mean over a text's gathered rows)."""
        means = self._head_means.get(head.name)
        if means is None:
            means = self.weights[:, head.start : head.stop].mean(axis=1)
            self._head_means[head.name] = means
        return means

    def save(self, directory: Path) -> None:
        """Write ``weights.npz`` and ``metadata.json`` into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        words = list(self.features.word_ids)
        np.savez_compressed(
            directory / "weights.npz",
            # float16 on disk halves the size; scores are computed in float32.
            weights=self.weights.astype(np.float16),
            bias=self.bias.astype(np.float32),
            char_buckets=self.features.char_buckets.astype(np.int32),
            char_idf=self.features.char_idf,
            word_buckets=self.features.word_buckets.astype(np.int32),
            word_idf=self.features.word_idf,
            words=np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8),
            word_ids=np.asarray([self.features.word_ids[word] for word in words], dtype=np.int64),
        )
        metadata = dict(self.metadata)
        metadata["format"] = FORMAT_VERSION
        metadata["heads"] = [asdict(head) for head in self.heads.values()]
        metadata["thresholds"] = asdict(self.thresholds)
        metadata["lexicon_keys"] = list(self.features.lexicon_keys)
        metadata["hash_bits"] = self.features.hash_bits
        metadata["feature_weights"] = {
            "char": self.features.char_weight,
            "word": self.features.word_weight,
            "lexicon": self.features.lexicon_weight,
            "shape": self.features.shape_weight,
        }
        (directory / "metadata.json").write_text(
            json.dumps(metadata, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )

    @classmethod
    def load(cls, directory: Path) -> TriageModel:
        metadata = json.loads((directory / "metadata.json").read_text(encoding="utf-8"))
        if metadata.get("format") != FORMAT_VERSION:
            raise ValueError(f"{directory}: unsupported model format {metadata.get('format')!r}")
        with np.load(directory / "weights.npz") as arrays:
            words_blob = arrays["words"].tobytes().decode("utf-8")
            words = words_blob.split("\n") if words_blob else []
            feature_weights = metadata["feature_weights"]
            features = FeatureSpace(
                char_buckets=arrays["char_buckets"].astype(np.int64),
                char_idf=arrays["char_idf"],
                word_ids=dict(zip(words, arrays["word_ids"].tolist(), strict=True)),
                word_buckets=arrays["word_buckets"].astype(np.int64),
                word_idf=arrays["word_idf"],
                lexicon_keys=tuple(metadata["lexicon_keys"]),
                char_weight=feature_weights["char"],
                word_weight=feature_weights["word"],
                lexicon_weight=feature_weights["lexicon"],
                shape_weight=feature_weights["shape"],
                # Models saved before the hash size was a setting used the default.
                hash_bits=metadata.get("hash_bits", HASH_BITS),
            )
            weights = arrays["weights"].astype(np.float32)
            bias = arrays["bias"]
        heads = {}
        for raw in metadata["heads"]:
            head = Head(**{**raw, "classes": tuple(raw["classes"])})
            heads[head.name] = head
        return cls(
            features=features,
            weights=weights,
            bias=bias,
            heads=heads,
            thresholds=Thresholds(**metadata["thresholds"]),
            metadata=metadata,
        )
