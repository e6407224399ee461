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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from complaintdesk.triage.engine.text import BATCH_SEPARATOR, normalise_for_features

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
    # The hits each term gives, built once so a scan only looks them up.
    _hits_by_term: dict[str, tuple[LexiconHit, ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._hits_by_term = {
            term: tuple(LexiconHit(key, term) for key in keys)
            for term, keys in self._keys_by_term.items()
        }

    def find(self, normalised: str) -> list[LexiconHit]:
        """Every cue in an already normalised text."""
        hits: list[LexiconHit] = []
        has_han = _HAN.search(normalised) is not None
        has_latin = _LATIN.search(normalised) is not None
        hits_by_term = self._hits_by_term
        for pattern, wanted in (
            (self._chinese, has_han or not has_latin),
            (self._english, has_latin),
        ):
            if pattern is None or not wanted:
                continue
            for match in pattern.finditer(normalised):
                hits.extend(hits_by_term[match.group("term")])
        self._find_patterns(normalised, has_han, hits)
        return hits

    def _find_patterns(self, normalised: str, has_han: bool, hits: list[LexiconHit]) -> None:
        for key, pattern, needs_han in self._patterns:
            # Chinese patterns cannot match a text without Han characters, and vice versa.
            if needs_han != has_han:
                continue
            found = pattern.search(normalised)
            if found is not None:
                hits.append(LexiconHit(key, found.group()))

    def find_batch(self, normalised_texts: Sequence[str]) -> list[list[LexiconHit]]:
        """:meth:`find` for many texts: each expression scans the joined batch once.

        Terms and patterns never contain the separator and the English lookarounds treat
        it like the start or end of a text, so every text gets exactly the hits :meth:`find`
        gives, in the same order.
        """
        if len(normalised_texts) < 2 or any(BATCH_SEPARATOR in text for text in normalised_texts):
            return [self.find(text) for text in normalised_texts]
        joined = BATCH_SEPARATOR.join(normalised_texts)
        codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        separator = codes == ord(BATCH_SEPARATOR)
        document = np.cumsum(separator)
        n_texts = len(normalised_texts)
        has_han = (
            np.bincount(document[(codes >= 0x3400) & (codes <= 0x9FFF)], minlength=n_texts) > 0
        )
        has_latin = (
            np.bincount(document[(codes >= ord("a")) & (codes <= ord("z"))], minlength=n_texts) > 0
        )
        # Start offset of every text in the joined string, to place each match.
        starts = np.concatenate(([0], np.flatnonzero(separator) + 1))
        hits: list[list[LexiconHit]] = [[] for _ in normalised_texts]
        hits_by_term = self._hits_by_term
        for pattern, wanted in (
            (self._chinese, has_han | ~has_latin),
            (self._english, has_latin),
        ):
            if pattern is None or not wanted.any():
                continue
            matches = [(match.start(), match.group("term")) for match in pattern.finditer(joined)]
            if not matches:
                continue
            positions = np.fromiter((start for start, _ in matches), np.int64, len(matches))
            owners = (np.searchsorted(starts, positions, side="right") - 1).tolist()
            wanted_list = wanted.tolist()
            for owner, (_, term) in zip(owners, matches, strict=True):
                if wanted_list[owner]:
                    hits[owner].extend(hits_by_term[term])
        self._find_patterns_batch(normalised_texts, has_han.tolist(), hits)
        return hits

    def _find_patterns_batch(
        self, normalised_texts: Sequence[str], has_han: list[bool], hits: list[list[LexiconHit]]
    ) -> None:
        """Chinese patterns run over the joined texts with Han characters, the others over
        the rest (neither can match the other kind of text)."""
        for needs_han in (True, False):
            patterns = [(key, pattern) for key, pattern, han in self._patterns if han == needs_han]
            indices = [index for index, han in enumerate(has_han) if han == needs_han]
            if not patterns or not indices:
                continue
            texts = [normalised_texts[index] for index in indices]
            joined = BATCH_SEPARATOR.join(texts)
            lengths = np.fromiter((len(text) + 1 for text in texts), np.int64, len(texts))
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            for key, pattern in patterns:
                for local, text in _first_matches(pattern, texts, joined, starts):
                    hits[indices[local]].append(LexiconHit(key, text))

    def count(self, normalised: str) -> Counter[str]:
        """Hit counts per key."""
        return Counter(hit.key for hit in self.find(normalised))


def _first_matches(
    pattern: re.Pattern[str], texts: Sequence[str], joined: str, starts: np.ndarray
) -> list[tuple[int, str]]:
    """(text index, match) of ``pattern.search`` on each text, from one scan of ``joined``
    (the texts joined by the separator, starting at ``starts``).

    The first match inside a text is what a search of that text alone finds. A match
    crossing from one text into the next may hide a match of its own in either, so those
    texts are searched on their own.
    """
    found: dict[int, str] = {}
    crossed: set[int] = set()
    spans = [(match.start(), match.end()) for match in pattern.finditer(joined)]
    if spans:
        bounds = np.asarray(spans, dtype=np.int64)
        first = np.searchsorted(starts, bounds[:, 0], side="right") - 1
        last = np.searchsorted(starts, np.maximum(bounds[:, 1] - 1, bounds[:, 0]), "right")
        for (start, end), low, high in zip(spans, first.tolist(), last.tolist(), strict=True):
            if high - low > 1:
                crossed.update(range(low, high))
            elif low not in found:
                found[low] = joined[start:end]
    for index in crossed:
        match = pattern.search(texts[index])
        if match is None:
            found.pop(index, None)
        else:
            found[index] = match.group()
    return sorted(found.items())


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
