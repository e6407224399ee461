"""The triage result returned for every complaint text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
        return asdict(self)
