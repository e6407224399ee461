"""The project-owned lexicon: readable YAML cue lists for every triage head.

Terms are matched on the normalised text (see :func:`text.normalise_for_features`), so the
YAML can list simplified, traditional and English wording side by side. Chinese terms match
as substrings, English ones as whole words with common endings; the ``patterns`` are regular
expressions, each giving its first match in a text.

The scan runs on Aho-Corasick automata (``ahocorasick_rs``): one pass per text, or per batch
of texts joined by the separator, finds every term, and a pattern only runs on the texts
that contain one of the literals its every match must contain. It gives exactly the hits of
the plain scan with regular expressions (:meth:`Lexicon.find_with_regexes`): two trie-shaped
expressions (leftmost-longest terms, English ones inside word boundaries) and each pattern's
first match. That scan also serves texts the automata cannot read (lone surrogates).
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import yaml

from complaintdesk.triage.engine.text import BATCH_SEPARATOR, normalise_for_features

try:
    import ahocorasick_rs
except ImportError:  # pragma: no cover - the regular expressions give the same hits, slower
    ahocorasick_rs = None  # type: ignore[assignment]

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
_ENDINGS = ("s", "es", "ed", "d", "ing", "er", "ers")
_ENGLISH_ENDINGS = "(?:" + "|".join(_ENDINGS) + ")?"
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[a-z]")
# An English term ends a word when the letters right after it, up to the next non-letter,
# are one of the endings (or none). Checked on UTF-8, where bytes a-z are only letters a-z.
_WORD_ENDINGS_BYTES = frozenset(ending.encode() for ending in ("", *_ENDINGS))
_LETTER_RUN_BYTES = re.compile(rb"[a-z]*")
# Below this many texts a batch is scanned text by text (as fast, one join fewer).
_JOINED_SCAN_FROM = 4


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
    # (key, expression, its script: _pattern_script); a Chinese pattern only runs on texts
    # with Han characters, an English one only on texts without, one of digits on both.
    _patterns: tuple[tuple[str, re.Pattern[str], bool | None], ...] = field(default=())
    # The hits each term gives, built once so a scan only looks them up.
    _hits_by_term: dict[str, tuple[LexiconHit, ...]] = field(init=False, repr=False)
    # Both derived from the fields above, so left out of comparisons.
    _automata: _Automata | None = field(init=False, repr=False, compare=False)
    # The trie-shaped expressions, compiled on first use by the plain scan.
    _regexes: tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._hits_by_term = {
            term: tuple(LexiconHit(key, term) for key in keys)
            for term, keys in self._keys_by_term.items()
        }
        self._regexes = None
        self._automata = (
            _Automata(self._hits_by_term, self._patterns) if ahocorasick_rs is not None else None
        )

    def find(self, normalised: str) -> list[LexiconHit]:
        """Every cue in an already normalised text: Chinese terms, then English terms, each
        in the order they occur, then the first match of each pattern, in lexicon order."""
        if self._automata is None:
            return self.find_with_regexes(normalised)
        try:
            return self._automata.find(normalised)
        except UnicodeEncodeError:  # a lone surrogate: no UTF-8 for the automata
            return self.find_with_regexes(normalised)

    def find_batch(self, normalised_texts: Sequence[str]) -> list[list[LexiconHit]]:
        """:meth:`find` for many texts, with one scan of the joined batch per automaton.

        Terms and pattern literals never contain the separator, which is no letter, so every
        text gets exactly the hits :meth:`find` gives, in the same order.
        """
        if (
            self._automata is None
            or len(normalised_texts) < _JOINED_SCAN_FROM
            or any(BATCH_SEPARATOR in text for text in normalised_texts)
        ):
            return [self.find(text) for text in normalised_texts]
        try:
            return self._automata.find_joined(normalised_texts)
        except UnicodeEncodeError:
            return [self.find(text) for text in normalised_texts]

    def find_with_regexes(self, normalised: str) -> list[LexiconHit]:
        """:meth:`find` with regular expressions only: the reference for the automata."""
        if self._regexes is None:
            self._regexes = _compile_term_regexes(self._keys_by_term)
        chinese, english = self._regexes
        hits: list[LexiconHit] = []
        has_han = _HAN.search(normalised) is not None
        has_latin = _LATIN.search(normalised) is not None
        hits_by_term = self._hits_by_term
        for pattern, wanted in ((chinese, has_han or not has_latin), (english, has_latin)):
            if pattern is None or not wanted:
                continue
            for match in pattern.finditer(normalised):
                hits.extend(hits_by_term[match.group("term")])
        for key, pattern, needs_han in self._patterns:
            # Chinese patterns cannot match a text without Han characters, and vice versa.
            if needs_han is not None and needs_han != has_han:
                continue
            found = pattern.search(normalised)
            if found is not None:
                hits.append(LexiconHit(key, found.group()))
        return hits

    def count(self, normalised: str) -> Counter[str]:
        """Hit counts per key."""
        return Counter(hit.key for hit in self.find(normalised))


class _Automata:
    """The Aho-Corasick scan behind :meth:`Lexicon.find` and :meth:`Lexicon.find_batch`.

    Chinese terms: leftmost-longest matches, which is what the trie-shaped expression finds.
    English terms: every occurrence, kept where it starts a word and ends one with at most
    an ending, then the longest at each start and the leftmost of overlapping ones, which is
    what the expression with its lookarounds finds. Pattern literals: every occurrence; a
    pattern runs on a text only if it has one (or if no literal is known for the pattern).

    Each automaton also knows the batch separator, so a scan of joined texts reports where
    one text ends and the next begins, in order with the terms (no term holds a separator).
    """

    __slots__ = (
        "always",
        "chinese",
        "english",
        "english_hits",
        "english_separator",
        "group_bits",
        "hits_by_term",
        "literal_bits",
        "literals",
        "patterns",
    )

    def __init__(
        self,
        hits_by_term: dict[str, tuple[LexiconHit, ...]],
        patterns: tuple[tuple[str, re.Pattern[str], bool | None], ...],
    ) -> None:
        assert ahocorasick_rs is not None
        chinese = [term for term in hits_by_term if not is_english_term(term)]
        english = [term for term in hits_by_term if is_english_term(term)]
        self.hits_by_term = {**hits_by_term, BATCH_SEPARATOR: ()}
        self.english_hits = [hits_by_term[term] for term in english]
        self.english_separator = len(english)
        self.chinese = _automaton(chinese, ahocorasick_rs.MatchKind.LeftmostLongest)
        # Offsets in bytes: the lookarounds are checked on the UTF-8 of the texts.
        self.english = _automaton(english, as_bytes=True)
        self.patterns = [
            (key, pattern, _first_char_search(pattern)) for key, pattern, _ in patterns
        ]
        # Bit i stands for pattern i; a text runs the patterns of its script (Han or not)
        # whose bit its literals set, and those without literals.
        self.group_bits = {han: 0 for han in (False, True)}
        self.always = 0
        bits_by_literal: dict[str, int] = {}
        for index, (_, pattern, han) in enumerate(patterns):
            for group in (False, True) if han is None else (han,):
                self.group_bits[group] |= 1 << index
            required = _required_literals(pattern)
            if required is None:
                self.always |= 1 << index
                continue
            for literal in required:
                bits_by_literal[literal] = bits_by_literal.get(literal, 0) | 1 << index
        self.literals = _automaton(list(bits_by_literal)) if bits_by_literal else None
        self.literal_bits = {**bits_by_literal, BATCH_SEPARATOR: 0}

    def find(self, text: str) -> list[LexiconHit]:
        has_han = _HAN.search(text) is not None
        has_latin = _LATIN.search(text) is not None
        hits: list[LexiconHit] = []
        if has_han or not has_latin:
            hits_by_term = self.hits_by_term
            for term in self.chinese.find_matches_as_strings(text):
                hits += hits_by_term[term]
        if has_latin:
            data = text.encode()
            found = self.english.find_matches_as_indexes(data, overlapping=True)
            if found:
                if BATCH_SEPARATOR in text:
                    found = [match for match in found if match[0] != self.english_separator]
                english_hits = self.english_hits
                for index in _english_matches(data, found)[0]:
                    hits += english_hits[index]
        bits = self.group_bits[has_han]
        wanted = self.always & bits
        if self.literals is not None and bits & ~wanted:
            literal_bits = self.literal_bits
            for literal in self.literals.find_matches_as_strings(text, overlapping=True):
                wanted |= literal_bits[literal]
            wanted &= bits
        self._run_patterns(text, wanted, hits)
        return hits

    def _run_patterns(self, text: str, wanted: int, hits: list[LexiconHit]) -> None:
        """The first match of each pattern whose bit is set in ``wanted``, in order."""
        patterns = self.patterns
        while wanted:
            lowest = wanted & -wanted
            key, pattern, first_char = patterns[lowest.bit_length() - 1]
            match = _search(pattern, first_char, text)
            if match is not None:
                hits.append(LexiconHit(key, match.group()))
            wanted ^= lowest

    def find_joined(self, texts: Sequence[str]) -> list[list[LexiconHit]]:
        """:meth:`find` for each of ``texts`` (none with the separator), from one pass of each
        automaton over the joined texts."""
        joined = BATCH_SEPARATOR.join(texts)
        has_han = [_HAN.search(text) is not None for text in texts]
        has_latin = [_LATIN.search(text) is not None for text in texts]
        hits: list[list[LexiconHit]] = [[] for _ in texts]
        unwanted: list[LexiconHit] = []

        chinese_wanted = [han or not latin for han, latin in zip(has_han, has_latin, strict=True)]
        if any(chinese_wanted):
            hits_by_term = self.hits_by_term
            owner = 0
            found = hits[0] if chinese_wanted[0] else unwanted
            for term in self.chinese.find_matches_as_strings(joined):
                if term == BATCH_SEPARATOR:
                    owner += 1
                    found = hits[owner] if chinese_wanted[owner] else unwanted
                else:
                    found += hits_by_term[term]

        if any(has_latin):
            data = joined.encode()
            separator = self.english_separator
            # Where each text after the first starts, in bytes.
            starts: list[int] = []
            candidates = []
            for match in self.english.find_matches_as_indexes(data, overlapping=True):
                if match[0] == separator:
                    starts.append(match[2])
                else:
                    candidates.append(match)
            english_hits = self.english_hits
            for index, position in zip(*_english_matches(data, candidates), strict=True):
                owner = bisect_right(starts, position)
                if has_latin[owner]:
                    hits[owner] += english_hits[index]

        if self.patterns:
            group_bits = self.group_bits
            always = self.always
            wanted = [always & group_bits[han] for han in has_han]
            if self.literals is not None:
                literal_bits = self.literal_bits
                owner = 0
                bits = 0
                for literal in self.literals.find_matches_as_strings(joined, overlapping=True):
                    if literal == BATCH_SEPARATOR:
                        wanted[owner] |= bits & group_bits[has_han[owner]]
                        owner += 1
                        bits = 0
                    else:
                        bits |= literal_bits[literal]
                wanted[owner] |= bits & group_bits[has_han[owner]]
            for text, text_wanted, text_hits in zip(texts, wanted, hits, strict=True):
                if text_wanted:
                    self._run_patterns(text, text_wanted, text_hits)
        return hits


def _search(
    pattern: re.Pattern[str], first_char: re.Pattern[str] | None, text: str
) -> re.Match[str] | None:
    """``pattern.search(text)``, through ``first_char`` (see :func:`_first_char_search`)."""
    if first_char is None:
        return pattern.search(text)
    found = first_char.search(text)
    return None if found is None else pattern.match(text, found.start())


def _first_char_search(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """An expression whose search finds where ``pattern.search`` finds its match, faster.

    The regex engine skips positions cheaply only when it knows the characters a match can
    start with, and it does not work them out behind alternatives with optional parts such
    as ``([二三]?十|\\d{2,})``. This expression starts with that character class and then
    checks, from one character back, that the pattern matches there. None when the engine
    knows the class already or it cannot be worked out.
    """
    if pattern.flags != re.UNICODE:
        return None
    try:
        items = _parsed(pattern.pattern)
        first, nullable = _first_chars(items)
    except _NoLiterals:
        return None
    if first is None or nullable or _engine_knows_first_chars(items):
        return None
    chars = "[" + "".join(dict.fromkeys(first)) + "]"
    return re.compile(f"{chars}(?<=(?=(?:{pattern.pattern})){chars})")


_CATEGORIES = {
    sre.CATEGORY_DIGIT: r"\d",
    sre.CATEGORY_NOT_DIGIT: r"\D",
    sre.CATEGORY_SPACE: r"\s",
    sre.CATEGORY_NOT_SPACE: r"\S",
    sre.CATEGORY_WORD: r"\w",
    sre.CATEGORY_NOT_WORD: r"\W",
}


def _engine_knows_first_chars(items: Sequence[tuple[Any, Any]]) -> bool:
    """Whether the regex engine finds the first character class itself (its rule: a
    literal, a class, or alternatives that each start with a literal, maybe in a group)."""
    while items and items[0][0] is sre.SUBPATTERN:
        items = items[0][1][3].data
    if not items:
        return False
    op, argument = items[0]
    if op is sre.BRANCH:
        return all(alternative and alternative[0][0] is sre.LITERAL for alternative in argument[1])
    return op in (sre.LITERAL, sre.IN)


def _first_chars(items: Sequence[tuple[Any, Any]]) -> tuple[list[str] | None, bool]:
    """(class items for the characters a match of the sequence can start with, or None if
    unknown; whether the sequence can match the empty string)."""
    found: list[str] = []
    for op, argument in items:
        item_first, nullable = _item_first_chars(op, argument)
        if item_first is None:
            return None, False
        found += item_first
        if not nullable:
            return found, False
    return found, True


def _item_first_chars(op: Any, argument: Any) -> tuple[list[str] | None, bool]:
    if op is sre.LITERAL:
        return [re.escape(chr(argument))], False
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return [], True
    if op is sre.IN:
        found: list[str] = []
        for item_op, item in argument:
            if item_op is sre.LITERAL:
                found.append(re.escape(chr(item)))
            elif item_op is sre.RANGE:
                found.append(re.escape(chr(item[0])) + "-" + re.escape(chr(item[1])))
            elif item_op is sre.CATEGORY and item in _CATEGORIES:
                found.append(_CATEGORIES[item])
            else:
                return None, False
        return found, False
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, items = argument
        if add_flags or del_flags:
            raise _NoLiterals
        return _first_chars(items.data)
    if op is sre.ATOMIC_GROUP:
        return _first_chars(argument.data)
    if op is sre.BRANCH:
        union: list[str] = []
        any_nullable = False
        for alternative in argument[1]:
            alternative_first, nullable = _first_chars(alternative.data)
            if alternative_first is None:
                return None, False
            union += alternative_first
            any_nullable = any_nullable or nullable
        return union, any_nullable
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, items = argument
        item_first, nullable = _first_chars(items.data)
        return item_first, nullable or low == 0
    return None, False


def _automaton(strings: list[str], matchkind: Any = None, as_bytes: bool = False) -> Any:
    """A DFA (built in milliseconds, the fastest scan) over ``strings`` and the separator."""
    assert ahocorasick_rs is not None
    kind = matchkind or ahocorasick_rs.MatchKind.Standard
    dfa = ahocorasick_rs.Implementation.DFA
    strings = [*strings, BATCH_SEPARATOR]
    if as_bytes:
        return ahocorasick_rs.BytesAhoCorasick(
            [string.encode() for string in strings], matchkind=kind, implementation=dfa
        )
    return ahocorasick_rs.AhoCorasick(
        strings, matchkind=kind, store_patterns=True, implementation=dfa
    )


def _english_matches(
    data: bytes, found: Iterable[tuple[int, int, int]]
) -> tuple[list[int], list[int]]:
    """(term indices, start offsets) of the matches of the English expression in ``data``
    (UTF-8), in order, from every occurrence ``(term index, start, end)`` of the terms.

    The expression matches a term where no letter a-z comes before it and the letters
    right after it (up to a non-letter) are one of the endings; at one start it takes the
    longest such term, and it goes on after the ending.
    """
    longest: dict[int, tuple[int, int, int]] = {}
    size = len(data)
    for index, start, end in found:
        if start and 0x61 <= data[start - 1] <= 0x7A:
            continue
        stop = end
        if end < size and 0x61 <= data[end] <= 0x7A:
            stop = _LETTER_RUN_BYTES.match(data, end).end()  # type: ignore[union-attr]
            if data[end:stop] not in _WORD_ENDINGS_BYTES:
                continue
        known = longest.get(start)
        if known is None or end > known[0]:
            longest[start] = (end, stop, index)
    indices: list[int] = []
    positions: list[int] = []
    position = 0
    for start in sorted(longest):
        if start >= position:
            _, position, index = longest[start]
            indices.append(index)
            positions.append(start)
    return indices, positions


# Literal sets larger than this are not spelled out (cross products of alternatives grow).
_LITERAL_SET_LIMIT = 64


def _required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, or None if none are known.

    Read from the parsed expression: literals, small character classes, alternatives,
    groups and repeats; anything else (``.``, ``\\d``, negated classes, flags) is taken to
    match anything. Of the sets a sequence offers, the one least likely in a text is kept.
    """
    if pattern.flags != re.UNICODE:
        return None
    try:
        _, required = _literal_info(_parsed(pattern.pattern))
    except _NoLiterals:
        return None
    return required


@lru_cache(maxsize=256)
def _parsed(expression: str) -> Any:
    """The regex engine's parse of ``expression`` (a sequence of (op, argument) items)."""
    return sre_parse.parse(expression).data


class _NoLiterals(Exception):
    """The expression uses something the literal analysis does not follow."""


@lru_cache(maxsize=4096)
def _literal_cost(literals: frozenset[str]) -> float:
    """Rough chance of meeting one of ``literals`` at a position of a normalised text."""
    total = 0.0
    for literal in literals:
        chance = 1.0
        for char in literal:
            chance *= (
                1 / 300
                if "\u3400" <= char <= "\u9fff"
                else 1 / 15
                if "a" <= char <= "z"
                else 1 / 5
                if char == " "
                else 1 / 10
                if char.isdigit()
                else 1 / 30
            )
        total += chance
    return total


def _best_literals(*candidates: frozenset[str] | None) -> frozenset[str] | None:
    usable = [found for found in candidates if found and "" not in found]
    return min(usable, key=_literal_cost) if usable else None


_Info = tuple[frozenset[str] | None, frozenset[str] | None]


def _literal_info(items: Sequence[tuple[Any, Any]]) -> _Info:
    """(every string the sequence can match, if few; strings one of which every match
    contains, if known)."""
    exact: set[str] = {""}
    complete = True
    candidates: list[frozenset[str] | None] = []
    for op, argument in items:
        item_exact, item_required = _item_literal_info(op, argument)
        if item_exact is not None and len(exact) * len(item_exact) <= _LITERAL_SET_LIMIT:
            exact = {before + after for before in exact for after in item_exact}
            continue
        complete = False
        candidates += [frozenset(exact), item_required, item_exact]
        exact = set(item_exact) if item_exact is not None else {""}
    candidates.append(frozenset(exact))
    return (frozenset(exact) if complete else None), _best_literals(*candidates)


def _union(sets: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    union: set[str] = set()
    for found in sets:
        if found is None:
            return None
        union |= found
    return frozenset(union)


def _item_literal_info(op: Any, argument: Any) -> _Info:
    if op is sre.LITERAL:
        return frozenset({chr(argument)}), None
    if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
        return frozenset({""}), None
    if op is sre.IN:
        chars: set[str] = set()
        for item_op, item in argument:
            if item_op is sre.LITERAL:
                chars.add(chr(item))
            elif item_op is sre.RANGE and item[1] - item[0] < _LITERAL_SET_LIMIT:
                chars.update(chr(code) for code in range(item[0], item[1] + 1))
            else:
                return None, None
        return (frozenset(chars) if len(chars) <= _LITERAL_SET_LIMIT else None), None
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, items = argument
        if add_flags or del_flags:
            raise _NoLiterals
        return _literal_info(items.data)
    if op is sre.ATOMIC_GROUP:
        return _literal_info(argument.data)
    if op is sre.BRANCH:
        exacts: list[frozenset[str] | None] = []
        requireds: list[frozenset[str] | None] = []
        for alternative in argument[1]:
            alternative_exact, alternative_required = _literal_info(alternative.data)
            exacts.append(alternative_exact)
            requireds.append(_best_literals(alternative_required, alternative_exact))
        union = _union(exacts)
        if union is not None and len(union) > _LITERAL_SET_LIMIT:
            union = None
        return union, _union(requireds)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, items = argument
        item_exact, item_required = _literal_info(items.data)
        if low == 0:
            if high == 1 and item_exact is not None:
                return item_exact | {""}, None
            return None, None
        if low == high == 1:
            return item_exact, item_required
        return None, _best_literals(item_required, item_exact)
    return None, None


def _compile_term_regexes(
    keys_by_term: dict[str, tuple[str, ...]],
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The Chinese (substring) and English (whole word, with endings) trie expressions."""
    chinese_terms = [term for term in keys_by_term if not is_english_term(term)]
    english_terms = [term for term in keys_by_term if is_english_term(term)]
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
    return chinese, english


def is_english_term(term: str) -> bool:
    """An English term (ASCII with a letter) matches whole words; any other, substrings."""
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
    patterns: list[tuple[str, re.Pattern[str], bool | None]] = []
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
                        (key, re.compile(expression), _pattern_script(expression))
                        for expression in expressions
                    )
                continue
            for key, terms in _walk(section, section_name):
                keys.append(key)
                for term in terms:
                    normalised = normalise_for_features(term)
                    if normalised:
                        keys_by_term.setdefault(normalised, []).append(key)
    return Lexicon(
        version="+".join(versions),
        fingerprint=fingerprint,
        keys=tuple(dict.fromkeys(keys)),
        _keys_by_term={term: tuple(dict.fromkeys(found)) for term, found in keys_by_term.items()},
        _patterns=tuple(patterns),
    )


def _pattern_script(expression: str) -> bool | None:
    """True for a Chinese pattern (it has Han characters), False for an English one (Latin
    letters outside escapes such as \\b and \\d), None for one of digits and signs only,
    which runs on every text ("12315" is named in Chinese and English complaints alike)."""
    if _HAN.search(expression):
        return True
    if _LATIN.search(re.sub(r"\\.", "", expression.lower())):
        return False
    return None


def load_lexicon_documents(directory: Path | None = None) -> list[dict[str, Any]]:
    folder = directory or LEXICON_DIR
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))
    ]


@lru_cache(maxsize=4)
def load_lexicon(directory: Path | None = None) -> Lexicon:
    """The lexicon in ``directory`` (default: the one shipped with the engine), cached."""
    return build_lexicon(load_lexicon_documents(directory))
