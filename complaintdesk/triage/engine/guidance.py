"""Coping guidance for the detected behaviour type and motive (SPEC §13)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

GUIDANCE_PATH = Path(__file__).resolve().parent / "guidance.yaml"


@lru_cache(maxsize=8)
def _load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document


def guidance_language(lang: str) -> str:
    """Chinese guidance for Chinese complaints, English otherwise."""
    return "zh" if lang.startswith("zh") else "en"


def guidance_for(
    behaviour: str, motive: str, lang: str = "en", path: Path | None = None
) -> dict[str, Any]:
    """The coping approach, what to say first, the motive's advice and the golden four steps.

    ``lang`` is a triage language (``zh-Hans``…) or ``zh``/``en``; ``path`` an organisation's
    own guidance YAML in the shipped file's shape.
    """
    document = _load(path or GUIDANCE_PATH)
    language = guidance_language(lang)
    behaviour_text = document["behaviour"][behaviour][language]
    return {
        "behaviour": behaviour,
        "motive": motive,
        "approach": behaviour_text["approach"],
        "say_first": behaviour_text["say_first"],
        "motive_advice": document["motive"][motive][language],
        "golden_four_steps": document["golden_four_steps"][language],
    }
