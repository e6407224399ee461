"""Near-duplicate and similar-complaint search (MinHash LSH, datasketch).

Texts are compared after personal-data masking and feature normalisation, so punctuation,
simplified/traditional script, full-width forms, phone-number tails and digits the
customer masked do not matter. A candidate is a duplicate when its character-shingle
Jaccard similarity reaches the threshold *and* the two texts differ only by insertions or
deletions: a substitution (another amount, another place, another problem in the same
sentence frame) means different facts, so look-alikes are not merged.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from complaintdesk.triage.engine import pii
from complaintdesk.triage.engine.text import normalise_for_features, tokenise

_SHINGLE = 3
_CUSTOMER_MASKED = re.compile(r"[0-9]*[*＊xX×]{3,}[0-9]*")
_MASK_TOKEN = re.compile(r"\[(?:phone|id_number|bank_card|email|address)\]")
_NOT_CONTENT = re.compile(r"[\s\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SimilarComplaint:
    key: Hashable
    score: float


@dataclass(frozen=True, slots=True)
class _Entry:
    shingles: frozenset[str]
    words: tuple[str, ...]


def comparable_form(text: str) -> str:
    """The text as the detector compares it: masked, normalised, personal numbers removed."""
    normalised = normalise_for_features(pii.mask(text).masked_text)
    return _MASK_TOKEN.sub("#", _CUSTOMER_MASKED.sub("#", normalised))


def _shingles(comparable: str) -> frozenset[str]:
    compact = _NOT_CONTENT.sub("", comparable)
    if len(compact) <= _SHINGLE:
        return frozenset({compact}) if compact else frozenset()
    return frozenset(
        compact[index : index + _SHINGLE] for index in range(len(compact) - _SHINGLE + 1)
    )


def _jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    if not first and not second:
        return 1.0
    return len(first & second) / len(first | second)


def _facts_differ(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """True when one text replaces words of the other (not only adds or drops words)."""
    matcher = difflib.SequenceMatcher(a=first, b=second, autojunk=False)
    for operation, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if operation != "replace":
            continue
        removed = "".join(first[a_start:a_end])
        added = "".join(second[b_start:b_end])
        # A one-character swap (的/得, a/an) is a typo, not another fact; a digit never is.
        if len(removed) > 1 or len(added) > 1 or any(char.isdigit() for char in removed + added):
            return True
    return False


@lru_cache(maxsize=16)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows for an LSH threshold. datasketch finds them by numerical integration
    (~70 ms), which intake would pay on every complaint; the answer depends only on these two
    numbers, so it is worked out once."""
    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return index.b, index.r


@lru_cache(maxsize=8)
def _empty_minhash(num_perm: int) -> MinHash:
    return MinHash(num_perm=num_perm, seed=1)


def _minhash_of(shingles: frozenset[str], num_perm: int) -> MinHash:
    # A copy of one empty MinHash shares its permutations instead of drawing them again.
    minhash = _empty_minhash(num_perm).copy()
    minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles)])
    return minhash


class DuplicateDetector:
    """An incremental index of complaint texts.

    ``add`` stores a text under a key; ``query`` returns the best earlier duplicate;
    ``similar`` returns the most similar stored texts for an agent's search.
    """

    def __init__(
        self, threshold: float = 0.7, *, num_perm: int = 128, candidate_threshold: float = 0.3
    ) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(num_perm=num_perm, params=_lsh_params(candidate_threshold, num_perm))
        self._entries: dict[Hashable, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def _minhash(self, shingles: frozenset[str]) -> MinHash:
        return _minhash_of(shingles, self.num_perm)

    def _prepare(self, text: str) -> _Entry:
        comparable = comparable_form(text)
        return _Entry(_shingles(comparable), tuple(tokenise(comparable)))

    def add(self, key: Hashable, text: str) -> None:
        if key in self._entries:
            raise KeyError(f"{key!r} is already indexed")
        entry = self._prepare(text)
        self._entries[key] = entry
        self._lsh.insert(key, self._minhash(entry.shingles))

    def _scored(self, entry: _Entry) -> list[SimilarComplaint]:
        if not entry.shingles:
            return []
        candidates = self._lsh.query(self._minhash(entry.shingles))
        scored = [
            SimilarComplaint(key, round(_jaccard(entry.shingles, self._entries[key].shingles), 4))
            for key in candidates
        ]
        # Highest score first; the earlier-added key wins a tie.
        order = {key: position for position, key in enumerate(self._entries)}
        return sorted(scored, key=lambda match: (-match.score, order[match.key]))

    def query(self, text: str) -> SimilarComplaint | None:
        """The best stored duplicate of ``text``, or None."""
        entry = self._prepare(text)
        for match in self._scored(entry):
            if match.score < self.threshold:
                break
            if not _facts_differ(entry.words, self._entries[match.key].words):
                return match
        return None

    def similar(self, text: str, k: int = 10) -> list[SimilarComplaint]:
        """Up to ``k`` stored texts most similar to ``text`` (duplicates or not)."""
        return self._scored(self._prepare(text))[:k]

    def scores(self, text: str) -> np.ndarray:
        """Similarity of ``text`` to every stored candidate (for analytics and tests)."""
        return np.asarray([match.score for match in self.similar(text, k=len(self._entries) or 1)])


BANDS = 24
ROWS_PER_BAND = 5


def band_keys(text: str, *, bands: int = BANDS, rows: int = ROWS_PER_BAND) -> list[int]:
    """LSH band keys of ``text`` for a database index of complaints.

    Two texts share at least one key with high probability when their shingle Jaccard
    similarity is above about (1/bands)**(1/rows) (0.53 with the defaults), so a store can
    find candidates with an indexed equality lookup and let ``DuplicateDetector`` decide.
    Keys are signed 63-bit integers that fit a database BIGINT; the band number is mixed in.
    """
    shingles = _shingles(comparable_form(text))
    if not shingles:
        return []
    values = _minhash_of(shingles, bands * rows).hashvalues
    keys = []
    for band in range(bands):
        chunk = values[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "big")).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys
