"""Openings that name no subject: "你好,我想问一下", "Hi, I have a question", "Hello?".

The category head gives every text some category, and on a bare greeting its confidence is
often low but not always below the needs-triage threshold. A text made only of greetings,
filler and punctuation cannot be categorised by anyone, so triage sends it to the
needs-triage queue outright. The word lists are in ``openings.yaml``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from complaintdesk.triage.engine.text import normalise_for_features

# Shown to the agent in place of the category's terms.
NO_SUBJECT_EXPLANATION = "no subject: greeting or opening only"
OPENINGS_PATH = Path(__file__).resolve().parent / "openings.yaml"
# Normalised characters; a longer text always says something and is not checked.
_LONGEST_OPENING = 60
_ENGLISH_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# What is left between openings: punctuation, symbols and spaces, never letters or digits.
_CONTENT = re.compile(r"[^\W_]", re.UNICODE)


@lru_cache(maxsize=2)
def _openings(path: Path) -> tuple[re.Pattern[str], frozenset[str]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    chinese = sorted({normalise_for_features(str(term)) for term in document["chinese"]}, key=len)
    english = frozenset(normalise_for_features(str(term)) for term in document["english"])
    # Longest first: the regex takes the first alternative that matches.
    return re.compile("|".join(map(re.escape, reversed(chinese)))), english


def names_no_subject(normalised: str, path: Path | None = None) -> bool:
    """True when ``normalised`` (see :func:`text.normalise_for_features`) is only openings.

    An empty text is not an opening: it has nothing to triage at all.
    """
    if len(normalised) > _LONGEST_OPENING or not _CONTENT.search(normalised):
        return False
    chinese, english = _openings(path or OPENINGS_PATH)
    rest = chinese.sub(" ", normalised)
    rest = _ENGLISH_WORD.sub(lambda word: " " if word[0] in english else word[0], rest)
    return not _CONTENT.search(rest)
