"""The crisis decision: whether a complaint could become a public crisis, and which signals.

One rule, used both to triage and to choose its thresholds at training time (so the
thresholds are chosen on the rule itself, not on a copy of it). It weighs, per text:
- the "any signal" head's probability and each signal head's own probability;
- the lexicon's crisis cues (rules.crisis_rule_terms), minus cues named only in a negated
  clause ("我不想闹到媒体": the model's n-grams see the media, the rules see it ruled out),
  for a regulator only for its rules ("Ofcom expects providers to…"), for a regulator or a
  lawsuit only as news ("看到新闻说工信部…"), for a hazard or the media only as another's
  incident heard of ("看吧里有人说手机爆炸了"), for the media or a lawyer only as another
  person's job ("我表哥在报社上班"), or for a threat taken back by the words around it
  ("工信部我是不会去投诉的", "本来想找律师,算了", "本来都准备打12300了,结果…").

A text is a crisis when the "any" probability reaches the threshold and one signal's own
head gives its signal at least the support (the "any" head alone learns the look of a
crisis-prone text, "每天晚上都斷線好幾次", without any signal in it), or when a lexicon cue
is present and the model does not rule a crisis out altogether (probability at least the
floor). With every cue of a signal negated and no other cue, only another signal's own
head (at 0.5) can still raise it. A crisis names the signals the cues or their own heads
see, at least the likeliest one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from complaintdesk.triage.engine.features import AnalysedText
from complaintdesk.triage.engine.labels import CRISIS_SIGNALS
from complaintdesk.triage.engine.rules import crisis_rule_terms

# Once a text is judged a crisis, a signal is named when its own head gives it this much.
SIGNAL_NAMED_AT = 0.5


@dataclass(frozen=True, slots=True)
class CrisisSettings:
    """The decision's thresholds, chosen on the validation slice at training time."""

    threshold: float
    # Whether a lexicon cue alone raises the crisis ...
    use_rules: bool
    # ... and how likely the model must find a crisis for a cue to count.
    rule_floor: float
    # How likely one signal's own head must find its signal for the "any" head to count.
    signal_support: float = 0.0


@dataclass(frozen=True, slots=True)
class CrisisDecision:
    is_crisis: np.ndarray  # bool per text
    signals: list[list[str]]
    explanations: list[list[str]]


def crisis_columns(
    probabilities: Mapping[str, np.ndarray], n_rows: int
) -> tuple[np.ndarray, np.ndarray]:
    """The crisis heads' probabilities among ``probabilities`` (keyed by head name) as the
    decision reads them: one column per signal (``crisis:<signal>``, 0 where there is no
    such head) and the "any signal" column (``crisis:any``, else the likeliest signal's)."""
    by_signal = np.zeros((n_rows, len(CRISIS_SIGNALS)), dtype=np.float64)
    for index, signal in enumerate(CRISIS_SIGNALS):
        column = probabilities.get(f"crisis:{signal}")
        if column is not None:
            by_signal[:, index] = column
    any_column = probabilities.get("crisis:any")
    any_probability = (
        any_column.astype(np.float64) if any_column is not None else by_signal.max(axis=1)
    )
    return by_signal, any_probability


@dataclass(frozen=True, slots=True)
class CrisisEvidence:
    """What the decision weighs, for a batch of texts (columns in CRISIS_SIGNALS order)."""

    any_probability: np.ndarray  # (texts,)
    by_signal: np.ndarray  # (texts, signals): each signal head's probability
    cue_terms: list[dict[str, list[str]]]  # the lexicon cues that count, per signal
    has_cue: np.ndarray  # (texts, signals) bool
    negated: np.ndarray  # (texts, signals) bool: named only in negated clauses

    @classmethod
    def of(
        cls,
        analysed: Sequence[AnalysedText],
        any_probability: np.ndarray,
        by_signal: np.ndarray,
    ) -> CrisisEvidence:
        n_texts = len(analysed)
        has_cue = np.zeros((n_texts, len(CRISIS_SIGNALS)), dtype=bool)
        negated = np.zeros_like(has_cue)
        column = {signal: index for index, signal in enumerate(CRISIS_SIGNALS)}
        cue_terms: list[dict[str, list[str]]] = []
        for row, item in enumerate(analysed):
            ruled_out: set[str] = set()
            # A custom lexicon may list other crisis keys: only the known signals count.
            terms = {
                signal: found
                for signal, found in crisis_rule_terms(item, ruled_out).items()
                if signal in column
            }
            cue_terms.append(terms)
            for signal in terms:
                has_cue[row, column[signal]] = True
            for signal in ruled_out & column.keys():
                negated[row, column[signal]] = True
        return cls(any_probability, by_signal, cue_terms, has_cue, negated)

    def is_crisis(self, settings: CrisisSettings) -> np.ndarray:
        """Per text, whether the rule finds a crisis (cheap: no signal naming)."""
        any_cue = self.has_cue.any(axis=1)
        use_cues = settings.use_rules & (self.any_probability >= settings.rule_floor)
        # The signal heads, less those of signals whose every cue is ruled out.
        heads_left = np.where(self.negated, 0.0, self.by_signal).max(axis=1)
        supported = heads_left >= settings.signal_support
        raised = ((self.any_probability >= settings.threshold) & supported) | (use_cues & any_cue)
        # Every cue ruled out: another signal's own head must see it.
        ruled_out = self.negated.any(axis=1) & ~any_cue & (heads_left < SIGNAL_NAMED_AT)
        result: np.ndarray = raised & ~ruled_out
        return result

    def decide(self, settings: CrisisSettings) -> CrisisDecision:
        is_crisis = self.is_crisis(settings)
        use_cues = (settings.use_rules & (self.any_probability >= settings.rule_floor))[:, None]
        by_signal = np.where(self.negated, 0.0, self.by_signal)
        named = (by_signal >= SIGNAL_NAMED_AT) | (use_cues & self.has_cue)
        signals: list[list[str]] = [[] for _ in range(len(is_crisis))]
        explanations: list[list[str]] = [[] for _ in range(len(is_crisis))]
        for row in np.flatnonzero(is_crisis).tolist():
            named_indices = np.flatnonzero(named[row]).tolist()
            indices = named_indices or [int(by_signal[row].argmax())]
            terms = self.cue_terms[row]
            for index in indices:
                signal = CRISIS_SIGNALS[index]
                signals[row].append(signal)
                if signal in terms:
                    explanation = f"{signal}: " + ", ".join(dict.fromkeys(terms[signal]))
                elif named_indices:
                    explanation = f"{signal}: model p={by_signal[row, index]:.2f}"
                else:
                    # Raised by the "any signal" head alone: say so, or the agent reads a
                    # crisis explained by a 0.02 (its likeliest signal's own head).
                    explanation = (
                        f"{signal}: model p={self.any_probability[row]:.2f} for any signal, "
                        f"{by_signal[row, index]:.2f} for this one"
                    )
                explanations[row].append(explanation)
        return CrisisDecision(is_crisis, signals, explanations)
