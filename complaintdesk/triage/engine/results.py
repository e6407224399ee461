"""The triage result returned for every complaint text."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field, fields
from typing import Any

from complaintdesk.triage.engine.text import Language


@dataclass(slots=True)
class TriageResult:
    """What triage says about one complaint; label strings as in the labelling guide.

    ``confidences`` holds the calibrated probability of each predicted label (and of each
    crisis signal); ``explanations`` the terms and rules that drove each head.
    """

    lang: Language
    category: str
    category_confidence: float
    nature: str
    emotion: str
    motive: str
    behaviour: str
    crisis: bool
    crisis_signals: list[str]
    masked_text: str
    subcategory: str | None = None
    needs_triage: bool = False
    confidences: dict[str, float] = field(default_factory=dict)
    explanations: dict[str, list[str]] = field(default_factory=dict)
    personal_data: list[str] = field(default_factory=list)
    model_version: str = ""
    guidance: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The result as plain data, sharing no container with it (what dataclasses.asdict
        gives, built by hand: asdict's recursive copy was a fifth of a batch's time)."""
        record = {name: getattr(self, name) for name in _FIELD_NAMES}
        record["crisis_signals"] = list(self.crisis_signals)
        record["confidences"] = dict(self.confidences)
        record["explanations"] = {head: list(terms) for head, terms in self.explanations.items()}
        record["personal_data"] = list(self.personal_data)
        if self.guidance is not None:
            record["guidance"] = deepcopy(self.guidance)
        return record


_FIELD_NAMES = tuple(item.name for item in fields(TriageResult))
