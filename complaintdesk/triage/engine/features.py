"""One shared sparse feature matrix for every triage head.

Blocks, each L2-normalised on its own and weighted:
- character 1–3-grams of the normalised text (digits folded to 0, so amounts and dates
  generalise), packed into 63-bit keys with numpy so a batch needs no per-gram Python work;
- rjieba word 1–2-grams (whole words for English);
- lexicon hits (one column per cue key, e.g. ``crisis.media``);
- shape: length, exclamation and question marks, capitals, language.

Gram keys are hashed into 2**hash_bits buckets per block (the hashing trick: no vocabulary
sort, linear time; 20 bits for the complaint corpus, more for sets of tens of thousands of
long texts, where grams would collide); only buckets seen in at least ``min_df`` training
texts become columns, capped by document frequency. Everything is float32.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import TYPE_CHECKING

import numpy as np

from complaintdesk.triage.engine.lexicon import Lexicon, LexiconHit

if TYPE_CHECKING:
    # Imported where used: a fresh process that triages one text never needs scipy.
    import scipy.sparse as sp
from complaintdesk.triage.engine.text import (
    Language,
    normalise_and_detect,
    normalise_and_detect_batch,
    tokenise,
    tokenise_batch,
)

_BITS = 21  # every code point fits in 21 bits, so three fit in one uint64
_SEPARATOR = "\x00"
# The default (and every model saved before the size was a setting).
HASH_BITS = 20
_HASH_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_WORD_SALT = np.uint64(0x5BD1E9955BD1E995)
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
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_UPPER_LETTER = re.compile(r"[A-Z]")
_LANGUAGE_COLUMN = {"zh-Hans": 11, "zh-Hant": 12, "en": 13, "other": 14}
# Texts analysed together: large enough to amortise each pass, small enough for the cache.
_ANALYSIS_CHUNK = 2000
# Gram counts of this many entries and more are made by scipy (see _pair_counts).
_SCIPY_COUNTING_FROM = 200_000


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
        shape=_shape_columns(
            normalised, len(_ASCII_LETTER.findall(text)), len(_UPPER_LETTER.findall(text))
        ),
    )


def analyse_batch(texts: Sequence[str], lexicon: Lexicon) -> list[AnalysedText]:
    """:func:`analyse` for many texts; every step runs once per chunk of the batch."""
    result: list[AnalysedText] = []
    for start in range(0, len(texts), _ANALYSIS_CHUNK):
        chunk = texts[start : start + _ANALYSIS_CHUNK]
        normalised_languages = normalise_and_detect_batch(chunk)
        normalised = [item[0] for item in normalised_languages]
        words = tokenise_batch(normalised)
        hits = lexicon.find_batch(normalised)
        letters, upper = _ascii_letter_counts(chunk)
        result.extend(
            AnalysedText(
                normalised=text_normalised,
                language=language,
                words=tuple(text_words),
                hits=tuple(text_hits),
                shape=_shape_columns(text_normalised, text_letters, text_upper),
            )
            for (text_normalised, language), text_words, text_hits, text_letters, text_upper in zip(
                normalised_languages, words, hits, letters, upper, strict=True
            )
        )
    return result


def _ascii_letter_counts(texts: Sequence[str]) -> tuple[list[int], list[int]]:
    """ASCII letters and capitals per text, counted with numpy over the whole batch."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != len(texts) - 1:
        return (
            [len(_ASCII_LETTER.findall(text)) for text in texts],
            [len(_UPPER_LETTER.findall(text)) for text in texts],
        )
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    document = np.cumsum(codes == 0)
    upper = (codes >= ord("A")) & (codes <= ord("Z"))
    letters = upper | ((codes >= ord("a")) & (codes <= ord("z")))
    return (
        np.bincount(document[letters], minlength=len(texts)).tolist(),
        np.bincount(document[upper], minlength=len(texts)).tolist(),
    )


def _shape_columns(normalised: str, letters: int, upper: int) -> tuple[int, ...]:
    length = len(normalised)
    columns = [0 if length < 40 else 1 if length < 100 else 2 if length < 250 else 3]
    exclamations = normalised.count("!")
    columns.append(
        4 if exclamations == 0 else 5 if exclamations == 1 else 6 if exclamations < 4 else 7
    )
    if "!!" in normalised or "??" in normalised or "?!" in normalised:
        columns.append(8)
    if normalised.count("?") >= 2:
        columns.append(9)
    if letters >= 12 and upper / letters > 0.3:
        columns.append(10)
    return tuple(columns)


def char_gram_keys(normalised_texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(document index, key) of every character 1-, 2- and 3-gram in the batch.

    A key packs up to three code points into 21-bit slots; real characters are never 0,
    so the n of an n-gram is implied by which slots are filled, and the separator between
    documents (code point 0) marks grams that must be dropped.
    """
    if not normalised_texts:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.uint64)
    joined = _SEPARATOR.join(normalised_texts)
    codes32 = np.frombuffer((_SEPARATOR + joined + _SEPARATOR).encode("utf-32-le"), np.uint32)
    # Digits 1-9 fold to 0, so amounts and dates generalise.
    codes32 = np.where((codes32 >= 0x31) & (codes32 <= 0x39), np.uint32(0x30), codes32)
    codes = codes32.astype(np.uint64)
    # A NUL inside a text breaks grams like the separator but does not start a document.
    separators = codes32 == 0
    lengths = np.fromiter(
        (len(text) + 1 for text in normalised_texts), np.int64, len(normalised_texts)
    )
    document = np.repeat(
        np.arange(len(normalised_texts) + 1, dtype=np.int32), np.append(lengths, 1)
    )
    first, second, third = codes[:-2], codes[1:-1], codes[2:]
    # Spaces alone carry nothing; spaces inside bigrams and trigrams mark word edges.
    unigram_ok = ~separators[1:-1] & (codes32[1:-1] != 32)
    bigram_ok = unigram_ok & ~separators[2:]
    trigram_ok = bigram_ok & ~separators[:-2]
    shift = np.uint64(_BITS)
    keys = np.concatenate(
        (
            second[unigram_ok],
            (second[bigram_ok] << shift) | third[bigram_ok],
            (first[trigram_ok] << (shift + shift))
            | (second[trigram_ok] << shift)
            | third[trigram_ok],
        )
    )
    positions = document[1:-1]
    documents = np.concatenate((positions[unigram_ok], positions[bigram_ok], positions[trigram_ok]))
    return documents, keys


def decode_char_key(key: int) -> str:
    mask = (1 << _BITS) - 1
    parts = [(key >> (2 * _BITS)) & mask, (key >> _BITS) & mask, key & mask]
    return "".join(chr(part) for part in parts if part)


def word_gram_keys(
    word_lists: Sequence[Sequence[str]], word_ids: dict[str, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(document index, key) of word unigrams (key = id) and bigrams (id1 << 32 | id2).

    Unknown words get id 0 and every gram touching them is dropped.
    """
    lookup = word_ids.get
    unknown = repeat(0)
    ids: list[int] = []
    for words in word_lists:
        ids.extend(map(lookup, words, unknown))
        # A sentinel between documents stops bigrams from crossing them.
        ids.append(0)
    id_array = np.asarray(ids, dtype=np.uint64)
    lengths = np.fromiter(
        (len(words) + 1 for words in word_lists), dtype=np.int64, count=len(word_lists)
    )
    document_array = np.repeat(np.arange(len(word_lists), dtype=np.int32), lengths)
    unigram_ok = id_array != 0
    bigram_ok = unigram_ok[:-1] & unigram_ok[1:]
    bigrams = (id_array[:-1][bigram_ok] << np.uint64(32)) | id_array[1:][bigram_ok]
    keys = np.concatenate((id_array[unigram_ok], bigrams))
    documents = np.concatenate((document_array[unigram_ok], document_array[:-1][bigram_ok]))
    return documents, keys


def bucket_of(
    keys: np.ndarray, salt: np.uint64 | None = None, hash_bits: int = HASH_BITS
) -> np.ndarray:
    """Multiplicative (Fibonacci) hash of 64-bit keys into 2**hash_bits buckets."""
    mixed = keys ^ salt if salt is not None else keys
    with np.errstate(over="ignore"):
        hashed: np.ndarray = (mixed * _HASH_MULTIPLIER) >> np.uint64(64 - hash_bits)
    return hashed.astype(np.int32)


@dataclass(slots=True)
class KeyBatch:
    """Hashed grams of a batch of analysed texts, reusable across fits (training)."""

    n_documents: int
    char_documents: np.ndarray
    char_buckets: np.ndarray
    word_documents: np.ndarray
    word_buckets: np.ndarray
    hash_bits: int = HASH_BITS
    # The gram keys themselves, kept only when explanations will name columns.
    char_keys: np.ndarray | None = None
    word_keys: np.ndarray | None = None
    _counts: dict[str, _BucketCounts] = field(default_factory=dict, repr=False)

    def counts(self, block: str) -> _BucketCounts:
        """Per document, each bucket of the ``char`` or ``word`` block and how often it
        occurs; computed once and shared by fitting and every transform."""
        found = self._counts.get(block)
        if found is None:
            documents, buckets = (
                (self.char_documents, self.char_buckets)
                if block == "char"
                else (self.word_documents, self.word_buckets)
            )
            found = _pair_counts(documents, buckets, self.n_documents, 1 << self.hash_bits)
            self._counts[block] = found
        return found


@dataclass(frozen=True, slots=True)
class _BucketCounts:
    """How often each bucket (or column) occurs in each document: entries sorted by
    document, then bucket."""

    documents: np.ndarray
    buckets: np.ndarray
    counts: np.ndarray


def _pair_counts(
    documents: np.ndarray, columns: np.ndarray, n_rows: int, n_columns: int
) -> _BucketCounts:
    """The counts of (document, column) pairs.

    Large batches (training) go through scipy's linear-time COO → CSR conversion; small ones
    sort with numpy alone, so that a process triaging one text never imports scipy. Both
    give the same arrays."""
    if len(columns) >= _SCIPY_COUNTING_FROM:
        import scipy.sparse as sp

        matrix = sp.csr_matrix(
            (np.ones(len(columns), dtype=np.float32), (documents, columns)),
            shape=(n_rows, n_columns),
        )
        matrix.sum_duplicates()
        return _BucketCounts(
            np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(matrix.indptr)),
            matrix.indices.astype(np.int64),
            matrix.data,
        )
    keys, key_counts = np.unique(
        (documents.astype(np.int64) << 32) | columns.astype(np.int64), return_counts=True
    )
    return _BucketCounts(keys >> 32, keys & 0xFFFFFFFF, key_counts.astype(np.float32))


def _kept_buckets(
    counts: _BucketCounts, rows: np.ndarray, min_df: int, max_features: int, hash_bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Buckets that become columns (sorted) and their idf, from the rows selected for fitting."""
    selected = rows[counts.documents]
    document_frequency = np.bincount(counts.buckets[selected], minlength=1 << hash_bits)
    keep = np.flatnonzero(document_frequency >= min_df)
    if len(keep) > max_features:
        # Highest document frequency first; ties broken by bucket so the choice is stable.
        order = np.lexsort((keep, -document_frequency[keep]))
        keep = np.sort(keep[order[:max_features]])
    n_fitted = int(rows.sum())
    idf = np.log((1 + n_fitted) / (1 + document_frequency[keep])) + 1
    return keep.astype(np.int64), idf.astype(np.float32)


def _column_lookup(kept: np.ndarray, hash_bits: int) -> np.ndarray:
    lookup = np.full(1 << hash_bits, -1, dtype=np.int32)
    lookup[kept] = np.arange(len(kept), dtype=np.int32)
    return lookup


def _shape_entries(analysed: Sequence[AnalysedText]) -> tuple[np.ndarray, np.ndarray]:
    """(text, shape column) of every shape feature and the language of each text."""
    documents: list[int] = []
    columns: list[int] = []
    for row, item in enumerate(analysed):
        item_columns = (*item.shape, _LANGUAGE_COLUMN[item.language])
        documents.extend([row] * len(item_columns))
        columns.extend(item_columns)
    return np.asarray(documents, dtype=np.int64), np.asarray(columns, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class FeatureRows:
    """Feature rows of a batch in CSR form as plain arrays (columns ascending in each row)."""

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_columns: int

    def matrix(self) -> sp.csr_matrix:
        import scipy.sparse as sp

        return sp.csr_matrix(
            (self.data, self.indices, self.indptr),
            shape=(len(self.indptr) - 1, self.n_columns),
        )


def _side_by_side(
    blocks: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]], n_documents: int, n_columns: int
) -> FeatureRows:
    """One CSR matrix from blocks of (text, column, value) entries, each block sorted by text
    then column and every column of a block below the next block's: in each row the
    blocks' entries follow one another."""
    lengths = [np.bincount(documents, minlength=n_documents) for documents, _, _ in blocks]
    indptr = np.zeros(n_documents + 1, dtype=np.int64)
    np.cumsum(np.sum(lengths, axis=0), out=indptr[1:])
    indices = np.empty(int(indptr[-1]), dtype=np.int64)
    data = np.empty(int(indptr[-1]), dtype=np.float32)
    filled = indptr[:-1].copy()  # where each row's next block starts
    for (documents, columns, values), block_lengths in zip(blocks, lengths, strict=True):
        block_starts = np.zeros(n_documents, dtype=np.int64)
        np.cumsum(block_lengths[:-1], out=block_starts[1:])
        within_row = np.arange(len(documents)) - block_starts[documents]
        positions = filled[documents] + within_row
        indices[positions] = columns
        data[positions] = values
        filled += block_lengths
    return FeatureRows(indptr, indices, data, n_columns)


@dataclass(slots=True)
class FeatureSpace:
    """The fitted columns and weights that turn analysed texts into one sparse matrix."""

    char_buckets: np.ndarray
    char_idf: np.ndarray
    word_ids: dict[str, int]
    word_buckets: np.ndarray
    word_idf: np.ndarray
    lexicon_keys: tuple[str, ...]
    char_weight: float = 1.0
    word_weight: float = 0.8
    lexicon_weight: float = 0.5
    shape_weight: float = 0.3
    hash_bits: int = HASH_BITS
    _char_lookup: np.ndarray = field(init=False, repr=False)
    _word_lookup: np.ndarray = field(init=False, repr=False)
    _lexicon_column: dict[str, int] = field(init=False, repr=False)
    _words_by_id: dict[int, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._char_lookup = _column_lookup(self.char_buckets, self.hash_bits)
        self._word_lookup = _column_lookup(self.word_buckets, self.hash_bits)
        self._lexicon_column = {key: column for column, key in enumerate(self.lexicon_keys)}
        self._words_by_id = {number: word for word, number in self.word_ids.items()}

    @property
    def n_features(self) -> int:
        return (
            len(self.char_buckets)
            + len(self.word_buckets)
            + len(self.lexicon_keys)
            + len(SHAPE_FEATURES)
        )

    @staticmethod
    def word_ids_for(analysed: Sequence[AnalysedText]) -> dict[str, int]:
        """Ids for every word seen (in order of first appearance, so deterministic)."""
        words = dict.fromkeys(chain.from_iterable(item.words for item in analysed))
        return {word: number for number, word in enumerate(words, start=1)}

    @staticmethod
    def hash_batch(
        analysed: Sequence[AnalysedText],
        word_ids: dict[str, int],
        *,
        keep_keys: bool = False,
        hash_bits: int = HASH_BITS,
    ) -> KeyBatch:
        char_documents, char_keys = char_gram_keys([item.normalised for item in analysed])
        word_documents, word_keys = word_gram_keys([item.words for item in analysed], word_ids)
        return KeyBatch(
            n_documents=len(analysed),
            char_documents=char_documents,
            char_buckets=bucket_of(char_keys, hash_bits=hash_bits),
            word_documents=word_documents,
            word_buckets=bucket_of(word_keys, _WORD_SALT, hash_bits),
            hash_bits=hash_bits,
            char_keys=char_keys if keep_keys else None,
            word_keys=word_keys if keep_keys else None,
        )

    @classmethod
    def fit(
        cls,
        batch: KeyBatch,
        word_ids: dict[str, int],
        lexicon_keys: Sequence[str],
        *,
        rows: np.ndarray | None = None,
        min_df: int = 2,
        max_char_features: int = 80_000,
        max_word_features: int = 40_000,
    ) -> FeatureSpace:
        """Choose columns from the ``rows`` of ``batch`` (default: all)."""
        if rows is None:
            rows = np.ones(batch.n_documents, dtype=bool)
        bits = batch.hash_bits
        char_buckets, char_idf = _kept_buckets(
            batch.counts("char"), rows, min_df, max_char_features, bits
        )
        word_buckets, word_idf = _kept_buckets(
            batch.counts("word"), rows, min_df, max_word_features, bits
        )
        # Ship only words whose own bucket is a column: a word whose unigram is too rare
        # to keep is almost never part of a frequent bigram.
        kept = np.zeros(1 << bits, dtype=bool)
        kept[word_buckets] = True
        words = list(word_ids)
        unigram_buckets = bucket_of(np.arange(1, len(words) + 1, dtype=np.uint64), _WORD_SALT, bits)
        shipped = [word for word, keep in zip(words, kept[unigram_buckets], strict=True) if keep]
        # Renumbering changes bigram keys, so hash again with the shipped ids at transform
        # time; the buckets chosen above were computed with the training ids, hence keep
        # the training ids for the shipped words.
        return cls(
            char_buckets=char_buckets,
            char_idf=char_idf,
            word_ids={word: word_ids[word] for word in shipped},
            word_buckets=word_buckets,
            word_idf=word_idf,
            lexicon_keys=tuple(lexicon_keys),
            hash_bits=bits,
        )

    def hash(self, analysed: Sequence[AnalysedText], *, keep_keys: bool = False) -> KeyBatch:
        """The texts' grams hashed with this space's word ids and hash size."""
        return self.hash_batch(
            analysed, self.word_ids, keep_keys=keep_keys, hash_bits=self.hash_bits
        )

    def transform(self, analysed: Sequence[AnalysedText]) -> sp.csr_matrix:
        return self.rows(self.hash(analysed), analysed).matrix()

    def rows(self, batch: KeyBatch, analysed: Sequence[AnalysedText]) -> FeatureRows:
        """The feature rows of hashed texts (training, a batch and one text an agent waits
        for all take this path, so they get the same numbers; only training-sized batches
        count their grams with scipy, see _pair_counts).

        Each block's counts (shared with fitting when training) become weighted entries in
        (text, column) order; the blocks are then laid side by side in each row with offsets,
        no sort, since a block's columns all come before the next block's."""
        n_documents = batch.n_documents
        n_char, n_word = len(self.char_buckets), len(self.word_buckets)
        lexicon_offset = n_char + n_word
        shape_offset = lexicon_offset + len(self.lexicon_keys)
        blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for block, lookup, offset, idf, weight in (
            ("char", self._char_lookup, 0, self.char_idf, self.char_weight),
            ("word", self._word_lookup, n_char, self.word_idf, self.word_weight),
        ):
            counts = batch.counts(block)
            columns = lookup[counts.buckets]
            found = columns >= 0
            documents = counts.documents[found]
            columns = columns[found]
            # Sublinear tf-idf, L2-normalised per text within the block.
            values = (1 + np.log(counts.counts[found])) * idf[columns]
            norms = np.sqrt(np.bincount(documents, weights=values * values, minlength=n_documents))
            norms[norms == 0] = 1
            data = (values * (weight / norms[documents])).astype(np.float32)
            blocks.append((documents, columns.astype(np.int64) + offset, data))
        lexicon_documents, lexicon_columns = self._lexicon_entries(analysed)
        hits = _pair_counts(
            lexicon_documents, lexicon_columns, n_documents, max(len(self.lexicon_keys), 1)
        )
        # 1 hit → 0.5, 2 → 0.79, 3+ → 1: more cues help, with diminishing returns.
        blocks.append(
            (
                hits.documents,
                hits.buckets + lexicon_offset,
                (np.minimum(np.log2(hits.counts + 1) / 2, 1) * self.lexicon_weight).astype(
                    np.float32
                ),
            )
        )
        # One entry per shape column, already in (text, column) order.
        shape_documents, shape_columns = _shape_entries(analysed)
        blocks.append(
            (
                shape_documents,
                shape_columns + shape_offset,
                np.full(len(shape_columns), self.shape_weight, dtype=np.float32),
            )
        )
        return _side_by_side(blocks, n_documents, self.n_features)

    def _lexicon_entries(self, analysed: Sequence[AnalysedText]) -> tuple[np.ndarray, np.ndarray]:
        """(text, lexicon column) of every cue hit, a pair per hit."""
        documents: list[int] = []
        columns: list[int] = []
        column_of = self._lexicon_column
        for row, item in enumerate(analysed):
            for hit in item.hits:
                column = column_of.get(hit.key)
                if column is not None:
                    documents.append(row)
                    columns.append(column)
        return np.asarray(documents, dtype=np.int64), np.asarray(columns, dtype=np.int64)

    def namer(self, item: AnalysedText) -> Callable[[int], str]:
        """Readable names of the columns one text activates, decoded on demand (grams are
        hashed, so names come from the text itself)."""
        return self.namers([item])[0]

    def namers(
        self, analysed: Sequence[AnalysedText], batch: KeyBatch | None = None
    ) -> list[Callable[[int], str]]:
        """:meth:`namer` for every text of a batch, with the grams hashed once for all
        (``batch``: the texts hashed with ``keep_keys``, when the caller has it)."""
        if batch is None or batch.char_keys is None or batch.word_keys is None:
            batch = self.hash(analysed, keep_keys=True)
        assert batch.char_keys is not None and batch.word_keys is not None
        char_names = _FirstKeys(
            batch.char_documents,
            self._char_lookup[batch.char_buckets],
            batch.char_keys,
            len(analysed),
        )
        word_names = _FirstKeys(
            batch.word_documents,
            self._word_lookup[batch.word_buckets],
            batch.word_keys,
            len(analysed),
        )
        return [
            self._namer_for(row, item, char_names, word_names) for row, item in enumerate(analysed)
        ]

    def _namer_for(
        self, row: int, item: AnalysedText, char_names: _FirstKeys, word_names: _FirstKeys
    ) -> Callable[[int], str]:
        n_char, n_word, n_lexicon = (
            len(self.char_buckets),
            len(self.word_buckets),
            len(self.lexicon_keys),
        )
        words_by_id = self._words_by_id

        def name(column: int) -> str:
            if column < n_char:
                key = char_names.key(row, column)
                return decode_char_key(key) if key is not None else ""
            column -= n_char
            if column < n_word:
                key = word_names.key(row, column)
                if key is None:
                    return ""
                first, second = key >> 32, key & 0xFFFFFFFF
                return (
                    f"{words_by_id[first]} {words_by_id[second]}" if first else words_by_id[second]
                )
            column -= n_word
            if column < n_lexicon:
                return "lexicon:" + self.lexicon_keys[column]
            return "shape:" + SHAPE_FEATURES[column - n_lexicon]

        return name


class _FirstKeys:
    """For each document of a batch, the gram key that first hit each column (grams in the
    order char_gram_keys/word_gram_keys produce them: unigrams, then longer grams)."""

    def __init__(
        self, documents: np.ndarray, columns: np.ndarray, keys: np.ndarray, n_documents: int
    ) -> None:
        found = columns >= 0
        composite = documents[found].astype(np.int64) * (1 << 32) + columns[found]
        unique, first = np.unique(composite, return_index=True)
        # Plain lists: a handful of look-ups per text, each a C-level bisection.
        self._composite: list[int] = unique.tolist()
        self._keys: list[int] = keys[found][first].tolist()

    def key(self, document: int, column: int) -> int | None:
        wanted = (document << 32) + column
        position = bisect_left(self._composite, wanted)
        if position < len(self._composite) and self._composite[position] == wanted:
            return self._keys[position]
        return None
