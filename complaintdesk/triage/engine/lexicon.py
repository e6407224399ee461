"""The project-owned lexicon: readable YAML cue lists for every triage head.

Terms are matched on the normalised text (see :func:`text.normalise_for_features`), so the
YAML can list simplified, traditional and English wording side by side. All terms are
compiled into two trie-shaped regular expressions (Chinese: substring match; English:
whole-word match with common endings), so one pass over a text finds every hit.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from complaintdesk.triage.engine.text import normalise_for_features

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
_ENGLISH_ENDINGS = r"(?:s|es|ed|d|ing|er|ers)?"
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """One cue found in a text: ``key`` is e.g. ``crisis.media`` or ``category.telecom.billing``."""

    key: str
    term: str


@dataclass(slots=True)
class Lexicon:
    """Compiled cue lists; build with :func:`load_lexicon`."""

    version: str
    # SHA-256 of the parsed documents: any edit to the cue lists changes it.
    fingerprint: str
    keys: tuple[str, ...]
    _keys_by_term: dict[str, tuple[str, ...]]
    _chinese: re.Pattern[str] | None
    _english: re.Pattern[str] | None
    _patterns: tuple[tuple[str, re.Pattern[str], bool], ...] = field(default=())

    def find(self, normalised: str) -> list[LexiconHit]:
        """Every cue in an already normalised text."""
        hits: list[LexiconHit] = []
        has_han = _HAN.search(normalised) is not None
        has_latin = _LATIN.search(normalised) is not None
        for pattern, wanted in (
            (self._chinese, has_han or not has_latin),
            (self._english, has_latin),
        ):
            if pattern is None or not wanted:
                continue
            for match in pattern.finditer(normalised):
                term = match.group("term")
                hits.extend(LexiconHit(key, term) for key in self._keys_by_term[term])
        for key, pattern, needs_han in self._patterns:
            # Chinese patterns cannot match a text without Han characters, and vice versa.
            if needs_han != has_han:
                continue
            found = pattern.search(normalised)
            if found is not None:
                hits.append(LexiconHit(key, found.group()))
        return hits

    def count(self, normalised: str) -> Counter[str]:
        """Hit counts per key."""
        return Counter(hit.key for hit in self.find(normalised))


def _is_english(term: str) -> bool:
    return term.isascii() and any(char.isalpha() for char in term)


def _trie_regex(terms: Iterable[str]) -> str:
    """A regular expression matching any of ``terms``, longest first, shaped as a trie.

    A flat alternation of a thousand words is tried word by word at every position; a trie
    lets the regex engine reject a position after one character.
    """
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return render(trie)


def _walk(section: Any, prefix: str) -> Iterator[tuple[str, list[str]]]:
    if isinstance(section, list):
        yield prefix, [str(term) for term in section]
    elif isinstance(section, dict):
        for name, child in section.items():
            yield from _walk(child, f"{prefix}.{name}" if prefix else str(name))


def build_lexicon(documents: Iterable[dict[str, Any]]) -> Lexicon:
    """Compile parsed lexicon documents (``category``/``crisis``/… sections, ``patterns``)."""
    documents = list(documents)
    fingerprint = hashlib.sha256(
        json.dumps(documents, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    keys_by_term: dict[str, list[str]] = {}
    keys: list[str] = []
    patterns: list[tuple[str, re.Pattern[str], bool]] = []
    versions: list[str] = []
    for document in documents:
        versions.append(str(document.get("version", "0")))
        for section_name, section in document.items():
            if section_name == "version":
                continue
            if section_name == "patterns":
                for key, expressions in section.items():
                    keys.append(key)
                    patterns.extend(
                        (key, re.compile(expression), _HAN.search(expression) is not None)
                        for expression in expressions
                    )
                continue
            for key, terms in _walk(section, section_name):
                keys.append(key)
                for term in terms:
                    normalised = normalise_for_features(term)
                    if normalised:
                        keys_by_term.setdefault(normalised, []).append(key)
    chinese_terms = [term for term in keys_by_term if not _is_english(term)]
    english_terms = [term for term in keys_by_term if _is_english(term)]
    chinese = re.compile("(?P<term>" + _trie_regex(chinese_terms) + ")") if chinese_terms else None
    english = (
        re.compile(
            r"(?<![a-z])(?P<term>"
            + _trie_regex(english_terms)
            + ")"
            + _ENGLISH_ENDINGS
            + r"(?![a-z])"
        )
        if english_terms
        else None
    )
    return Lexicon(
        version="+".join(versions),
        fingerprint=fingerprint,
        keys=tuple(dict.fromkeys(keys)),
        _keys_by_term={term: tuple(dict.fromkeys(found)) for term, found in keys_by_term.items()},
        _chinese=chinese,
        _english=english,
        _patterns=tuple(patterns),
    )


def load_lexicon_documents(directory: Path | None = None) -> list[dict[str, Any]]:
    folder = directory or LEXICON_DIR
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))
    ]


@lru_cache(maxsize=4)
def load_lexicon(directory: Path | None = None) -> Lexicon:
    """The lexicon in ``directory`` (default: the one shipped with the engine), cached."""
    return build_lexicon(load_lexicon_documents(directory))
