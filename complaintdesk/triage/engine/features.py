"""One shared sparse feature matrix for every triage head.

Blocks, each L2-normalised on its own and weighted:
- character 1–3-grams of the normalised text (digits folded to 0, so amounts and dates
  generalise), hashed losslessly into 63-bit keys with numpy so a batch needs no per-gram
  Python work;
- rjieba word 1–2-grams (whole words for English);
- lexicon hits (one column per cue key, e.g. ``crisis.media``);
- shape: length, exclamation and question marks, capitals, language.

Vocabularies are pruned by document frequency at fit time; everything is float32.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from complaintdesk.triage.engine.lexicon import Lexicon, LexiconHit
from complaintdesk.triage.engine.text import (
    Language,
    normalise_and_detect,
    tokenise,
)

_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")
_BITS = 21  # every code point fits in 21 bits, so three fit in one uint64
_SEPARATOR = "\x00"
SHAPE_FEATURES: tuple[str, ...] = (
    "length<40",
    "length<100",
    "length<250",
    "length>=250",
    "no_exclamation",
    "exclamations:1",
    "exclamations:2-3",
    "exclamations:4+",
    "repeated_marks",
    "questions:2+",
    "shouting",
    "lang:zh-Hans",
    "lang:zh-Hant",
    "lang:en",
    "lang:other",
)
_LANGUAGE_COLUMN = {"zh-Hans": 11, "zh-Hant": 12, "en": 13, "other": 14}


@dataclass(frozen=True, slots=True)
class AnalysedText:
    """What the feature code needs from one text, computed once."""

    normalised: str
    language: Language
    words: tuple[str, ...]
    hits: tuple[LexiconHit, ...]
    shape: tuple[int, ...]


def analyse(text: str, lexicon: Lexicon) -> AnalysedText:
    normalised, language = normalise_and_detect(text)
    return AnalysedText(
        normalised=normalised,
        language=language,
        words=tuple(tokenise(normalised)),
        hits=tuple(lexicon.find(normalised)),
        shape=_shape_columns(text, normalised),
    )


def _shape_columns(text: str, normalised: str) -> tuple[int, ...]:
    length = len(normalised)
    columns = [0 if length < 40 else 1 if length < 100 else 2 if length < 250 else 3]
    exclamations = normalised.count("!")
    columns.append(4 if exclamations == 0 else 5 if exclamations == 1 else 6 if exclamations < 4 else 7)
    if "!!" in normalised or "??" in normalised or "?!" in normalised:
        columns.append(8)
    if normalised.count("?") >= 2:
        columns.append(9)
    letters = [char for char in text if char.isascii() and char.isalpha()]
    if len(letters) >= 12 and sum(char.isupper() for char in letters) / len(letters) > 0.3:
        columns.append(10)
    return tuple(columns)


def _char_keys(normalised_texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(document index, key) of every character 1-, 2- and 3-gram in the batch.

    A key packs up to three code points into 21-bit slots; real characters are never 0,
    so the n of an n-gram is implied by which slots are filled, and the separator between
    documents (code point 0) marks grams that must be dropped.
    """
    joined = _SEPARATOR + _SEPARATOR.join(
        text.translate(_DIGITS_TO_ZERO) for text in normalised_texts
    ) + _SEPARATOR
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    document = np.cumsum(codes == 0) - 1
    first, second, third = codes[:-2], codes[1:-1], codes[2:]
    unigram_ok = second != 0
    # Spaces alone carry nothing; spaces inside bigrams and trigrams mark word edges.
    unigram_ok &= second != 32
    bigram_ok = unigram_ok & (third != 0)
    trigram_ok = bigram_ok & (first != 0)
    keys = np.concatenate(
        (
            second[unigram_ok],
            (second[bigram_ok] << _BITS) | third[bigram_ok],
            (first[trigram_ok] << (2 * _BITS)) | (second[trigram_ok] << _BITS) | third[trigram_ok],
        )
    )
    positions = document[1:-1]
    documents = np.concatenate(
        (positions[unigram_ok], positions[bigram_ok], positions[trigram_ok])
    )
    return documents.astype(np.int64), keys


def decode_char_key(key: int) -> str:
    mask = (1 << _BITS) - 1
    parts = [(key >> (2 * _BITS)) & mask, (key >> _BITS) & mask, key & mask]
    return "".join(chr(part) for part in parts if part)


def _word_keys(
    word_lists: Sequence[Sequence[str]], word_ids: dict[str, int], grow: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(document index, key) of word unigrams (key = id) and bigrams (id1 << 32 | id2).

    Unknown words get id 0 and every gram touching them is dropped.
    """
    if grow:
        for words in word_lists:
            for word in words:
                if word not in word_ids:
                    word_ids[word] = len(word_ids) + 1
    lookup = word_ids.get
    ids: list[int] = []
    for words in word_lists:
        ids.extend([lookup(word, 0) for word in words])
        # A sentinel between documents stops bigrams from crossing them.
        ids.append(0)
    id_array = np.asarray(ids, dtype=np.uint64)
    document_array = np.repeat(
        np.arange(len(word_lists), dtype=np.int64),
        np.fromiter((len(words) + 1 for words in word_lists), dtype=np.int64, count=len(word_lists)),
    )
    unigram_ok = id_array != 0
    bigram_ok = unigram_ok[:-1] & unigram_ok[1:]
    keys = np.concatenate((id_array[unigram_ok], (id_array[:-1][bigram_ok] << 32) | id_array[1:][bigram_ok]))
    return np.concatenate((document_array[unigram_ok], document_array[:-1][bigram_ok])), keys


def _counts_matrix(
    documents: np.ndarray, columns: np.ndarray, n_documents: int, n_columns: int
) -> sp.csr_matrix:
    matrix = sp.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), (documents, columns)),
        shape=(n_documents, n_columns),
        dtype=np.float32,
    )
    matrix.sum_duplicates()
    return matrix


def _prune(
    documents: np.ndarray, keys: np.ndarray, n_documents: int, min_df: int, max_features: int
) -> tuple[np.ndarray, np.ndarray]:
    """Keys kept (sorted) and their idf, by document frequency."""
    unique_keys, inverse = np.unique(keys, return_inverse=True)
    counts = _counts_matrix(documents, inverse.ravel(), n_documents, len(unique_keys))
    document_frequency = np.bincount(counts.indices, minlength=len(unique_keys))
    keep = np.flatnonzero(document_frequency >= min_df)
    if len(keep) > max_features:
        # Highest document frequency first; ties broken by key so the choice is deterministic.
        order = np.lexsort((unique_keys[keep], -document_frequency[keep]))
        keep = np.sort(keep[order[:max_features]])
    idf = np.log((1 + n_documents) / (1 + document_frequency[keep])) + 1
    return unique_keys[keep], idf.astype(np.float32)


Entries = tuple[np.ndarray, np.ndarray, np.ndarray]  # document, column, value


def _weighted_entries(
    documents: np.ndarray,
    keys: np.ndarray,
    vocabulary: np.ndarray,
    idf: np.ndarray,
    n_documents: int,
    weight: float,
) -> Entries:
    """Sublinear tf-idf of one block, L2-normalised per document, sorted by (document, column).

    Plain numpy instead of scipy matrix algebra: a single text then costs tens of
    microseconds instead of milliseconds.
    """
    if len(vocabulary) == 0 or len(keys) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.float32)
    position = np.searchsorted(vocabulary, keys)
    position[position == len(vocabulary)] = 0
    found = vocabulary[position] == keys
    size = len(vocabulary)
    combined, counts = np.unique(documents[found] * size + position[found], return_counts=True)
    document, column = np.divmod(combined, size)
    value = (1 + np.log(counts.astype(np.float32))) * idf[column]
    norms = np.sqrt(np.bincount(document, weights=value * value, minlength=n_documents))
    value *= (weight / norms[document]).astype(np.float32)
    return document, column, value.astype(np.float32)


@dataclass(slots=True)
class FeatureSpace:
    """The fitted vocabularies and weights that turn analysed texts into one sparse matrix."""

    char_vocabulary: np.ndarray
    char_idf: np.ndarray
    word_ids: dict[str, int]
    word_vocabulary: np.ndarray
    word_idf: np.ndarray
    lexicon_keys: tuple[str, ...]
    char_weight: float = 1.0
    word_weight: float = 0.8
    lexicon_weight: float = 0.5
    shape_weight: float = 0.3
    _words_by_id: dict[int, str] = field(default_factory=dict, repr=False)

    @property
    def n_features(self) -> int:
        return (
            len(self.char_vocabulary)
            + len(self.word_vocabulary)
            + len(self.lexicon_keys)
            + len(SHAPE_FEATURES)
        )

    @classmethod
    def fit(
        cls,
        analysed: Sequence[AnalysedText],
        lexicon_keys: Sequence[str],
        *,
        min_df: int = 2,
        max_char_features: int = 60_000,
        max_word_features: int = 30_000,
    ) -> FeatureSpace:
        char_documents, char_keys = _char_keys([item.normalised for item in analysed])
        char_vocabulary, char_idf = _prune(
            char_documents, char_keys, len(analysed), min_df, max_char_features
        )
        all_word_ids: dict[str, int] = {}
        word_documents, word_keys = _word_keys([item.words for item in analysed], all_word_ids, grow=True)
        word_vocabulary, word_idf = _prune(
            word_documents, word_keys, len(analysed), min_df, max_word_features
        )
        # Keep only the words some kept gram uses, and renumber them densely.
        used = np.unique(
            np.concatenate((word_vocabulary & 0xFFFFFFFF, word_vocabulary >> 32))
        )
        used = used[used != 0]
        old_to_new = {int(old): new for new, old in enumerate(used, start=1)}
        word_ids = {
            word: old_to_new[old] for word, old in all_word_ids.items() if old in old_to_new
        }
        remapped = np.array(
            [
                (old_to_new.get(int(key >> 32), 0) << 32 if key >> 32 else 0)
                | old_to_new[int(key & 0xFFFFFFFF)]
                for key in word_vocabulary
            ],
            dtype=np.uint64,
        )
        order = np.argsort(remapped)
        return cls(
            char_vocabulary=char_vocabulary,
            char_idf=char_idf,
            word_ids=word_ids,
            word_vocabulary=remapped[order],
            word_idf=word_idf[order],
            lexicon_keys=tuple(lexicon_keys),
        )

    def transform(self, analysed: Sequence[AnalysedText]) -> sp.csr_matrix:
        n_documents = len(analysed)
        char_documents, char_keys = _char_keys([item.normalised for item in analysed])
        word_documents, word_keys = _word_keys(
            [item.words for item in analysed], self.word_ids, grow=False
        )
        blocks = (
            _weighted_entries(
                char_documents, char_keys, self.char_vocabulary, self.char_idf,
                n_documents, self.char_weight,
            ),
            _weighted_entries(
                word_documents, word_keys, self.word_vocabulary, self.word_idf,
                n_documents, self.word_weight,
            ),
            self._lexicon_entries(analysed),
            self._shape_entries(analysed),
        )
        offsets = np.cumsum(
            (0, len(self.char_vocabulary), len(self.word_vocabulary), len(self.lexicon_keys))
        )
        document = np.concatenate([block[0] for block in blocks])
        column = np.concatenate([block[1] + offset for block, offset in zip(blocks, offsets, strict=True)])
        value = np.concatenate([block[2] for block in blocks])
        # Each block is sorted by (document, column) and blocks come in column order, so a
        # stable sort on the document alone yields CSR order.
        order = np.argsort(document, kind="stable")
        indptr = np.zeros(n_documents + 1, dtype=np.int64)
        np.cumsum(np.bincount(document, minlength=n_documents), out=indptr[1:])
        return sp.csr_matrix(
            (value[order], column[order], indptr), shape=(n_documents, self.n_features)
        )

    def _lexicon_entries(self, analysed: Sequence[AnalysedText]) -> Entries:
        column_of = {key: column for column, key in enumerate(self.lexicon_keys)}
        rows: list[int] = []
        columns: list[int] = []
        for row, item in enumerate(analysed):
            for hit in item.hits:
                column = column_of.get(hit.key)
                if column is not None:
                    rows.append(row)
                    columns.append(column)
        size = len(self.lexicon_keys)
        combined, counts = np.unique(
            np.asarray(rows, dtype=np.int64) * size + np.asarray(columns, dtype=np.int64),
            return_counts=True,
        )
        document, column = np.divmod(combined, size)
        # 1 hit → 0.5, 2 → 0.79, 3+ → 1: more cues help, with diminishing returns.
        value = np.minimum(np.log2(counts + 1) / 2, 1).astype(np.float32) * self.lexicon_weight
        return document, column, value

    def _shape_entries(self, analysed: Sequence[AnalysedText]) -> Entries:
        rows: list[int] = []
        columns: list[int] = []
        for row, item in enumerate(analysed):
            item_columns = sorted((*item.shape, _LANGUAGE_COLUMN[item.language]))
            rows.extend([row] * len(item_columns))
            columns.extend(item_columns)
        return (
            np.asarray(rows, dtype=np.int64),
            np.asarray(columns, dtype=np.int64),
            np.full(len(rows), self.shape_weight, dtype=np.float32),
        )

    def feature_name(self, column: int) -> str:
        """A readable name for a column, for explanations."""
        n_char = len(self.char_vocabulary)
        n_word = len(self.word_vocabulary)
        if column < n_char:
            return decode_char_key(int(self.char_vocabulary[column]))
        column -= n_char
        if column < n_word:
            return self._word_gram(int(self.word_vocabulary[column]))
        column -= n_word
        if column < len(self.lexicon_keys):
            return "lexicon:" + self.lexicon_keys[column]
        return "shape:" + SHAPE_FEATURES[column - len(self.lexicon_keys)]

    def _word_gram(self, key: int) -> str:
        if len(self._words_by_id) != len(self.word_ids):
            self._words_by_id = {word_id: word for word, word_id in self.word_ids.items()}
        first, second = key >> 32, key & 0xFFFFFFFF
        words = self._words_by_id
        return f"{words[first]} {words[second]}" if first else words[second]

