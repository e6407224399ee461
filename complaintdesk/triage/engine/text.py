"""Text normalisation, language detection and tokenisation for triage features.

Everything here is a pure function of the text. The normalised form feeds features, the
lexicon and the duplicate detector only; the complaint's stored text is never changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Literal

import numpy as np
import opencc
import rjieba

Language = Literal["zh-Hans", "zh-Hant", "en", "other"]

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space fold to ASCII with one
# C-level translate; NFKC is only run when something else remains un-normalised.
_FULL_WIDTH_TABLE = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_TABLE[0x3000] = 0x20
# Chinese punctuation that NFKC keeps: fold it too, so "，" and "," give the same features.
_FULL_WIDTH_TABLE.update(
    {
        ord(a): ord(b)
        for a, b in zip("。、「」『』【】〔〕《》〈〉…—～·", '.,""""[]()<><>.-~.', strict=True)
    }
)

# The same folding as an array over the Basic Multilingual Plane, for whole batches.
_FOLD_ARRAY = np.arange(0x10000, dtype=np.uint32)
for _code, _target in _FULL_WIDTH_TABLE.items():
    _FOLD_ARRAY[_code] = _target

_T2S = opencc.OpenCC("t2s")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_ENGLISH_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "of",
        "in",
        "on",
        "for",
        "is",
        "are",
        "was",
        "were",
        "my",
        "i",
        "you",
        "your",
        "it",
        "this",
        "that",
        "with",
        "not",
        "have",
        "has",
        "had",
        "be",
        "been",
        "me",
        "we",
        "they",
        "but",
        "no",
        "at",
        "by",
        "from",
        "our",
        "will",
        "can",
        "would",
        "please",
    ]
)
_WHITESPACE = re.compile(r"\s+")
# Joins the texts of a batch so each conversion step runs once over the batch: a private-use
# character is never changed by NFKC, t2s, lower case or the whitespace rule, is neither a
# word nor Han, and no dictionary phrase contains it, so the pieces convert exactly as the
# single texts would. A batch containing it falls back to one text at a time.
BATCH_SEPARATOR = "\ue000"
_NOT_WORDS = frozenset(" \t\n,.;:!?()[]<>\"'-~/\\|@#$%^&*_+=`{}，。；：！？、")


# A lone surrogate (JSON "\ud83d": half an emoji) is a valid Python string but not valid
# Unicode: no encoder, OpenCC or rjieba takes it, and no database stores it.
_LONE_SURROGATE = re.compile("[\\ud800-\\udfff]")


def lone_surrogate_at(text: str) -> int | None:
    """The position of the first lone surrogate in ``text``, or None when it is valid Unicode."""
    found = _LONE_SURROGATE.search(text)
    return found.start() if found else None


def well_formed(text: str) -> str:
    """``text`` with each lone surrogate read as U+FFFD (the replacement character); the
    length and every other character's position stay as they were."""
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def decode_line(raw: bytes, *, first: bool) -> str:
    """One line of a UTF-8 file read in binary, so that a line in another encoding is named
    rather than stopping the reader; a byte-order mark before the first line (Notepad's
    "UTF-8 with BOM") is dropped. Raises ValueError saying which byte is wrong."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x} at byte {error.start + 1} cannot "
            "start or continue a character); save the file as UTF-8"
        ) from error
    return line.removeprefix("\ufeff") if first else line


def fold_width(text: str) -> str:
    """Fold full-width forms and compatibility characters (NFKC) to their plain form."""
    folded = text.translate(_FULL_WIDTH_TABLE)
    if unicodedata.is_normalized("NFKC", folded):
        return folded
    return unicodedata.normalize("NFKC", folded)


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese with OpenCC ``t2s`` (for features only)."""
    return _T2S.convert(text)


def normalise_for_features(text: str) -> str:
    """The single form every feature, lexicon rule and duplicate check sees.

    NFKC + full-width folding, traditional → simplified, lower case, collapsed whitespace.
    """
    return normalise_and_detect(text)[0]


def normalise_and_detect(text: str) -> tuple[str, Language]:
    """:func:`normalise_for_features` and :func:`detect_language` sharing one t2s pass."""
    folded = fold_width(text)
    han_count = len(_HAN.findall(folded))
    if han_count:
        simplified = _T2S.convert(folded)
        language = _chinese_variant(folded, simplified, han_count)
    else:
        simplified = folded
        language = "other"
    latin_letters = len(_LATIN_LETTER.findall(folded))
    if len(_KANA_HANGUL.findall(folded)) > han_count / 4:
        language = "other"
    # A Chinese sentence may carry English product names; four letters weigh about one Han.
    elif not han_count or han_count * 4 < latin_letters:
        language = _latin_language(folded, latin_letters)
    normalised = _WHITESPACE.sub(" ", simplified.lower()).strip()
    return normalised, language


def normalise_and_detect_batch(texts: Sequence[str]) -> list[tuple[str, Language]]:
    """:func:`normalise_and_detect` for many texts, with one pass of each step over the batch."""
    if len(texts) < 2 or any(BATCH_SEPARATOR in text for text in texts):
        return [normalise_and_detect(text) for text in texts]
    raw_codes = np.frombuffer(BATCH_SEPARATOR.join(texts).encode("utf-32-le"), dtype=np.uint32)
    codes = np.where(raw_codes < 0x10000, _FOLD_ARRAY[raw_codes & 0xFFFF], raw_codes)
    folded_joined = codes.tobytes().decode("utf-32-le")
    if not unicodedata.is_normalized("NFKC", folded_joined):
        folded_joined = unicodedata.normalize("NFKC", folded_joined)
        codes = np.frombuffer(folded_joined.encode("utf-32-le"), dtype=np.uint32)
    simplified_joined = _T2S.convert(folded_joined)
    folded = folded_joined.split(BATCH_SEPARATOR)
    simplified = simplified_joined.split(BATCH_SEPARATOR)
    # str.split() without arguments splits on exactly the characters ``\s`` matches.
    normalised = [
        " ".join(piece.split()) for piece in simplified_joined.lower().split(BATCH_SEPARATOR)
    ]
    document = np.cumsum(codes == ord(BATCH_SEPARATOR))
    n_texts = len(texts)

    def count_per_text(mask: np.ndarray) -> list[int]:
        counts: list[int] = np.bincount(document[mask], minlength=n_texts).tolist()
        return counts

    han_counts = count_per_text(
        ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0x4E00) & (codes <= 0x9FFF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF))
    )
    kana_hangul_counts = count_per_text(
        ((codes >= 0x3040) & (codes <= 0x30FF)) | ((codes >= 0xAC00) & (codes <= 0xD7AF))
    )
    lower_case = codes | 0x20
    latin_counts = count_per_text((lower_case >= ord("a")) & (lower_case <= ord("z")))
    if [len(piece) for piece in folded] == [len(piece) for piece in simplified]:
        simplified_codes = np.frombuffer(simplified_joined.encode("utf-32-le"), dtype=np.uint32)
        changed_counts: list[int] | None = count_per_text(codes != simplified_codes)
    else:
        changed_counts = None
    results: list[tuple[str, Language]] = []
    for index in range(n_texts):
        han_count = han_counts[index]
        latin_letters = latin_counts[index]
        language: Language = "other"
        if han_count:
            if changed_counts is not None:
                changed = changed_counts[index]
                language = "zh-Hant" if changed and changed / han_count >= 0.04 else "zh-Hans"
            else:
                language = _chinese_variant(folded[index], simplified[index], han_count)
            text_normalised = normalised[index]
        else:
            # Without Han characters the single-text path skips t2s.
            text_normalised = " ".join(folded[index].lower().split())
        if kana_hangul_counts[index] > han_count / 4:
            language = "other"
        elif not han_count or han_count * 4 < latin_letters:
            language = _latin_language(folded[index], latin_letters)
        results.append((text_normalised, language))
    return results


def _chinese_variant(folded: str, simplified: str, han_count: int) -> Language:
    """Traditional when a noticeable share of the Han characters change under t2s.

    Simplified text keeps almost every character under t2s; traditional text of any length
    changes several (about a quarter in running text).
    """
    if len(folded) == len(simplified):
        changed = sum(
            1 for before, after in zip(folded, simplified, strict=True) if before != after
        )
    else:
        changed = sum(1 for char in _HAN.findall(folded) if _T2S.convert(char) != char)
    return "zh-Hant" if changed and changed / han_count >= 0.04 else "zh-Hans"


def _latin_language(folded: str, latin_letters: int) -> Language:
    if latin_letters == 0:
        return "other"
    words = _ENGLISH_WORD.findall(folded.lower())
    if not words:
        return "other"
    function_share = sum(word in _ENGLISH_FUNCTION_WORDS for word in words) / len(words)
    # Short English complaints ("No signal again!!") may hold no function word at all.
    if function_share >= 0.12 or len(words) <= 4:
        return "en"
    return "other"


def detect_language(text: str) -> Language:
    """Guess ``zh-Hans``, ``zh-Hant``, ``en`` or ``other`` from the script of the text.

    Han text is traditional when enough of its characters change under OpenCC t2s; Latin
    text counts as English when English function words occur in it.
    """
    return normalise_and_detect(text)[1]


def tokenise(normalised: str) -> list[str]:
    """Words of a normalised text: rjieba for Chinese, word tokens for Latin script.

    rjieba splits Latin words on spaces and punctuation too, so one call serves both;
    single punctuation and whitespace tokens are dropped (runs such as "!!!" are kept: they
    carry tone).
    """
    return [token for token in rjieba.cut(normalised) if token not in _NOT_WORDS]


def tokenise_batch(normalised_texts: Sequence[str]) -> list[list[str]]:
    """:func:`tokenise` for many texts with one rjieba call (the separator is a token of
    its own and never joins a word)."""
    joined = BATCH_SEPARATOR.join(normalised_texts)
    if len(normalised_texts) < 2 or joined.count(BATCH_SEPARATOR) != len(normalised_texts) - 1:
        return [tokenise(text) for text in normalised_texts]
    tokens = rjieba.cut(joined)
    # A plain loop: a set look-up per token is cheaper than gluing the tokens and cutting
    # them apart again with string methods (measured: 9 against 30 µs a text).
    result: list[list[str]] = [[]]
    for token in tokens:
        if token == BATCH_SEPARATOR:
            result.append([])
        elif token not in _NOT_WORDS:
            result[-1].append(token)
    if len(result) != len(normalised_texts):
        # rjieba kept a separator inside a token after all: one text at a time.
        return [tokenise(text) for text in normalised_texts]
    return result
