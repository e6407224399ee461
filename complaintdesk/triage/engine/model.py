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
from complaintdesk.triage.engine.features import (
    HASH_BITS,
    AnalysedText,
    FeatureSpace,
    analyse_batch,
)
from complaintdesk.triage.engine.labels import CRISIS_SIGNALS, SHARED_HEADS
from complaintdesk.triage.engine.lexicon import Lexicon, load_lexicon
from complaintdesk.triage.engine.results import TriageResult
from complaintdesk.triage.engine.rules import RuleBasedTriager, crisis_rule_terms

if TYPE_CHECKING:
    import scipy.sparse as sp

FORMAT_VERSION = 1
_EXPLANATION_SIZE = 4
_EXPLANATION_CANDIDATES = 48
# Once a text is judged a crisis, a signal is named when its own head gives it this much.
_SIGNAL_NAMED_AT = 0.5


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
    needs_triage: float = 0.5


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


@dataclass(frozen=True, slots=True)
class _RowFeatures:
    """One text's active columns, their values and weight rows (all heads), for explanations."""

    columns: np.ndarray
    values: np.ndarray
    weights: np.ndarray
    names: Callable[[int], str]

    @classmethod
    def of(
        cls, rows: _Rows, row: int, weights: np.ndarray, names: Callable[[int], str]
    ) -> _RowFeatures:
        start, stop = rows.indptr[row], rows.indptr[row + 1]
        columns = rows.indices[start:stop]
        gathered = rows.gathered if rows.gathered is not None else weights[columns]
        return cls(columns, rows.data[start:stop], gathered, names)


@dataclass(frozen=True, slots=True)
class _Rows:
    """The feature rows of a batch in CSR form (for one text: plain arrays, no scipy)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    # One text's weight rows, already gathered for its scores.
    gathered: np.ndarray | None = None


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

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", ""))

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
        """Triage a batch of texts; ``industry`` is one preset or one per text."""
        industries = [industry] * len(texts) if isinstance(industry, str) else list(industry)
        if len(industries) != len(texts):
            raise ValueError("give one industry, or one per text")
        masked = [pii.mask(text) for text in texts]
        analysed = self.analyse([item.masked_text for item in masked])
        hashed = self.features.hash(analysed, keep_keys=explain)
        if len(analysed) == 1:
            # One text (an agent waiting): numpy only, summed in the order scipy sums a row.
            columns, values = self.features.transform_one(hashed, analysed[0])
            gathered = self.weights[columns]
            row_scores = np.add.reduce(values[:, None] * gathered, axis=0) + self.bias
            scores = row_scores[None, :]
            rows = _Rows(np.asarray([0, len(columns)]), columns, values, gathered)
        else:
            matrix = self.features.transform_hashed(hashed, analysed)
            scores = self.scores(matrix)
            rows = _Rows(matrix.indptr, matrix.indices, matrix.data)
        probabilities = {
            name: self.probabilities(head, scores) for name, head in self.heads.items()
        }
        # Best label and its probability per head for the whole batch at once.
        best = {
            name: (values.argmax(axis=1).tolist(), values.max(axis=1).tolist())
            for name, values in probabilities.items()
            if values.ndim == 2
        }
        rules = RuleBasedTriager(self.lexicon)
        namers = self.features.namers(analysed, hashed) if explain else None
        return [
            self._result_for_row(
                row,
                item,
                text_mask,
                row_industry,
                probabilities,
                best,
                rules,
                _RowFeatures.of(rows, row, self.weights, namers[row])
                if namers is not None
                else None,
            )
            for row, (text_mask, item, row_industry) in enumerate(
                zip(masked, analysed, industries, strict=True)
            )
        ]

    def _result_for_row(
        self,
        row: int,
        item: AnalysedText,
        text_mask: pii.MaskResult,
        industry: str,
        probabilities: dict[str, np.ndarray],
        best: dict[str, tuple[list[int], list[float]]],
        rules: RuleBasedTriager,
        features: _RowFeatures | None,
    ) -> TriageResult:
        confidences: dict[str, float] = {}
        explanations: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        for head_name in SHARED_HEADS:
            head = self.heads[head_name]
            label, confidence = self._best(head, best[head_name], row)
            labels[head_name] = label
            confidences[head_name] = confidence
            if features is not None:
                explanations[head_name] = self._explain(head, label, features, item)
        category_head = self.heads.get(f"category:{industry}")
        if category_head is None:
            # No training data for this preset yet: the lexicon decides.
            fallback = rules.category(item, industry)
            category, category_confidence = fallback
            explanations["category"] = rules.category_explanation(item, industry, category)
        else:
            category, category_confidence = self._best(category_head, best[category_head.name], row)
            if features is not None:
                explanations["category"] = self._explain(category_head, category, features, item)
        confidences["category"] = category_confidence
        subcategory = self._subcategory(industry, category, probabilities, row, confidences)
        signals, crisis_explanations = self._crisis(row, item, probabilities, confidences)
        explanations["crisis"] = crisis_explanations
        if signals and labels["nature"] == "general":
            # The guide: exposure (media, regulator, legal, mass, safety) makes it major.
            labels["nature"] = "major"
            explanations["nature"] = ["crisis signal: " + ", ".join(signals)]
        return TriageResult(
            lang=item.language,
            category=category,
            category_confidence=round(category_confidence, 4),
            subcategory=subcategory,
            nature=labels["nature"],
            emotion=labels["emotion"],
            motive=labels["motive"],
            behaviour=labels["behaviour"],
            crisis=bool(signals),
            crisis_signals=signals,
            masked_text=text_mask.masked_text,
            needs_triage=category_confidence < self.thresholds.needs_triage,
            confidences={name: round(value, 4) for name, value in confidences.items()},
            explanations=explanations,
            personal_data=sorted({span.kind for span in text_mask.spans}),
            model_version=self.version,
        )

    @staticmethod
    def _best(head: Head, best: tuple[list[int], list[float]], row: int) -> tuple[str, float]:
        indices, values = best
        return head.classes[indices[row]], values[row]

    @staticmethod
    @lru_cache(maxsize=256)
    def _subcategories_of(head: Head, category: str) -> list[int]:
        return [index for index, name in enumerate(head.classes) if name.startswith(category + ".")]

    def _subcategory(
        self,
        industry: str,
        category: str,
        probabilities: dict[str, np.ndarray],
        row: int,
        confidences: dict[str, float],
    ) -> str | None:
        head = self.heads.get(f"subcategory:{industry}")
        if head is None:
            return None
        allowed = self._subcategories_of(head, category)
        if not allowed:
            return None
        row_probabilities = probabilities[head.name][row]
        candidates = row_probabilities[allowed]
        best = allowed[int(candidates.argmax())]
        within = float(row_probabilities[best] / max(candidates.sum(), 1e-9))
        confidences["subcategory"] = round(within, 4)
        return head.classes[best]

    def _crisis(
        self,
        row: int,
        item: AnalysedText,
        probabilities: dict[str, np.ndarray],
        confidences: dict[str, float],
    ) -> tuple[list[str], list[str]]:
        negated: set[str] = set()
        rule_terms = crisis_rule_terms(item, negated)
        by_signal: dict[str, float] = {}
        for signal in CRISIS_SIGNALS:
            head = self.heads.get(f"crisis:{signal}")
            by_signal[signal] = float(probabilities[head.name][row]) if head is not None else 0.0
            confidences[f"crisis.{signal}"] = round(by_signal[signal], 4)
        any_head = self.heads.get("crisis:any")
        any_probability = (
            float(probabilities[any_head.name][row]) if any_head else max(by_signal.values())
        )
        confidences["crisis"] = round(any_probability, 4)
        # A lexicon cue counts when the model does not rule a crisis out altogether.
        use_rules = (
            self.thresholds.crisis_rules and any_probability >= self.thresholds.crisis_rule_floor
        )
        if any_probability < self.thresholds.crisis and not (use_rules and rule_terms):
            return [], []
        if negated:
            # "我不想闹到媒体": the model's n-grams see the media, the rules see it ruled out.
            # A ruled-out signal is not named; without other cues, another signal can still
            # raise the crisis on its own head.
            by_signal = {signal: 0.0 if signal in negated else p for signal, p in by_signal.items()}
            if not rule_terms and max(by_signal.values()) < _SIGNAL_NAMED_AT:
                return [], []
        # A crisis: name the signals the rules or their own heads see, at least the likeliest.
        signals = [
            signal
            for signal in CRISIS_SIGNALS
            if by_signal[signal] >= _SIGNAL_NAMED_AT or (use_rules and signal in rule_terms)
        ] or [max(CRISIS_SIGNALS, key=by_signal.__getitem__)]
        explanations = [
            f"{signal}: " + ", ".join(dict.fromkeys(rule_terms[signal]))
            if signal in rule_terms
            else f"{signal}: model p={by_signal[signal]:.2f}"
            for signal in signals
        ]
        return signals, explanations

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
