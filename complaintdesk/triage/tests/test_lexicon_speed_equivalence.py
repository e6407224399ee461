"""The automaton scan of the lexicon gives exactly the hits of the plain scan with regular
expressions: same hits, same order, same terms, one text at a time or in batches."""

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintdesk.triage.engine import collect_training_examples
from complaintdesk.triage.engine.lexicon import (
    LexiconHit,
    _first_char_search,
    _required_literals,
    _search,
    build_lexicon,
    load_lexicon,
)
from complaintdesk.triage.engine.text import BATCH_SEPARATOR, normalise_and_detect_batch

HANDCRAFTED = {
    "version": "test",
    "crisis": {
        "media": ["曝光", "微博曝光", "post online"],
        "legal": ["sue", "lawyer", "律师"],
    },
    "category": {
        "telecom": {
            "billing": ["bill", "billing", "扣费", "多扣费", "hk$", "5g"],
            "network": ["no signal", "signal", "信号", "没信号", "$"],
        }
    },
    "emotion": {"anger": ["sue", "气死"]},
    "patterns": {
        "crisis.mass": [r"(\d{2,}|几十)(户|家)", r"\b(all|every) (the )?residents\b"],
        "crisis.safety": [r"(120|110)[^0-9]{0,4}(打不通|call)"],
    },
}
# Each case: the text and the (key, term) pairs it gives, in order.
HANDCRAFTED_CASES = [
    ("微博曝光了", [("crisis.media", "微博曝光")]),
    ("曝光微博曝光", [("crisis.media", "曝光"), ("crisis.media", "微博曝光")]),
    (
        "多扣费又没信号",
        [("category.telecom.billing", "多扣费"), ("category.telecom.network", "没信号")],
    ),
    ("bill", [("category.telecom.billing", "bill")]),
    # "billing" is a term of its own; "billy" is another word.
    (
        "billing billed bills biller billy",
        [("category.telecom.billing", "billing")] + [("category.telecom.billing", "bill")] * 3,
    ),
    ("sue", [("crisis.legal", "sue"), ("emotion.anger", "sue")]),
    ("pursued issue sued", [("crisis.legal", "sue"), ("emotion.anger", "sue")]),
    ("no signals at all", [("category.telecom.network", "no signal")]),
    ("signal", [("category.telecom.network", "signal")]),
    ("xsignal signalx", []),
    (
        "5g, hk$ 5gs",
        [
            ("category.telecom.billing", "5g"),
            ("category.telecom.billing", "hk$"),
            ("category.telecom.billing", "5g"),
        ],
    ),
    (
        "30户没信号 sue",
        [
            ("category.telecom.network", "没信号"),
            ("crisis.legal", "sue"),
            ("emotion.anger", "sue"),
            ("crisis.mass", "30户"),
        ],
    ),
    ("$5 only", []),
    ("信号$5", [("category.telecom.network", "信号"), ("category.telecom.network", "$")]),
    ("all the residents are angry", [("crisis.mass", "all the residents")]),
    ("打了120,打不通", [("crisis.safety", "120,打不通")]),
    ("120 call", []),
    ("", []),
    ("\x00sue\x00", [("crisis.legal", "sue"), ("emotion.anger", "sue")]),
]


def _reference_find(documents: dict, text: str) -> list[tuple[str, str]]:
    """The lexicon's rules spelled out with plain ``re``, one position at a time."""
    keys_by_term: dict[str, list[str]] = {}
    patterns = []
    for section, value in documents.items():
        if section == "version":
            continue
        if section == "patterns":
            patterns = [(key, expr) for key, exprs in value.items() for expr in exprs]
            continue
        stack = [(section, value)]
        while stack:
            prefix, node = stack.pop(0)
            if isinstance(node, list):
                for term in node:
                    keys_by_term.setdefault(term, []).append(prefix)
            else:
                stack[0:0] = [(f"{prefix}.{name}", child) for name, child in node.items()]
    english = {t for t in keys_by_term if t.isascii() and any(c.isalpha() for c in t)}
    chinese = set(keys_by_term) - english
    has_han = re.search(r"[\u3400-\u9fff]", text) is not None
    has_latin = re.search(r"[a-z]", text) is not None
    found: list[tuple[str, str]] = []
    position = 0
    while has_han or not has_latin:
        # Leftmost, then longest, never overlapping.
        at = [(p, t) for p in range(position, len(text)) for t in chinese if text.startswith(t, p)]
        if not at:
            break
        start = min(p for p, _ in at)
        term = max((t for p, t in at if p == start), key=len)
        found += [(key, term) for key in keys_by_term[term]]
        position = start + len(term)
    position = 0
    while has_latin and position < len(text):
        choice = None
        for start in range(position, len(text)):
            if start and "a" <= text[start - 1] <= "z":
                continue
            for term in sorted(english, key=len, reverse=True):
                if not text.startswith(term, start):
                    continue
                rest = re.match("[a-z]*", text[start + len(term) :]).group()
                if rest in ("", "s", "es", "ed", "d", "ing", "er", "ers"):
                    choice = (start, term, start + len(term) + len(rest))
                    break
            if choice:
                break
        if choice is None:
            break
        found += [(key, choice[1]) for key in keys_by_term[choice[1]]]
        position = choice[2]
    for key, expression in patterns:
        if (re.search(r"[\u3400-\u9fff]", expression) is not None) == has_han:
            match = re.search(expression, text)
            if match:
                found.append((key, match.group()))
    return found


def _pairs(hits: list[LexiconHit]) -> list[tuple[str, str]]:
    return [(hit.key, hit.term) for hit in hits]


@pytest.mark.parametrize(("text", "expected"), HANDCRAFTED_CASES)
def test_handcrafted_lexicon_finds_what_plain_regular_expressions_find(text, expected):
    lexicon = build_lexicon([HANDCRAFTED])
    assert _reference_find(HANDCRAFTED, text) == expected
    assert _pairs(lexicon.find(text)) == expected
    assert _pairs(lexicon.find_with_regexes(text)) == expected


def test_handcrafted_batch_finds_what_each_text_alone_finds():
    lexicon = build_lexicon([HANDCRAFTED])
    texts = [text for text, _ in HANDCRAFTED_CASES] * 3
    assert [_pairs(hits) for hits in lexicon.find_batch(texts)] == [
        expected for _, expected in HANDCRAFTED_CASES
    ] * 3


def _varied_texts() -> list[str]:
    """Corpus texts, pieces and recombinations of them, and texts made of lexicon terms
    with endings, fillers and the characters a batch scan could trip on."""
    rng = random.Random(5)
    corpus = [example.text for example in collect_training_examples()]
    normalised = [text for text, _ in normalise_and_detect_batch(rng.sample(corpus, 400))]
    lexicon = load_lexicon()
    terms = sorted(lexicon._keys_by_term)
    fillers = [" ", "", ",", "的", "x", "1", "\x00", "!", "'", "-", "é", "@", "12"]
    endings = ["", "s", "es", "ed", "d", "ing", "er", "ers", "ly", "x"]
    texts = list(normalised)
    for _ in range(400):
        a, b = rng.choice(normalised), rng.choice(normalised)
        texts.append(
            a[: rng.randint(0, len(a))] + rng.choice(fillers) + b[rng.randint(0, len(b)) :]
        )
    for _ in range(600):
        parts = []
        for _ in range(rng.randint(0, 10)):
            term = rng.choice(terms)
            parts.append(term + (rng.choice(endings) if term.isascii() else ""))
            parts.append(rng.choice(fillers))
        texts.append("".join(parts))
    texts += ["", " ", "a", "的", "on x", "call 999 " * 3, "sue" + "d" * 2, "1" * 40 + "户"]
    return texts


@pytest.fixture(scope="module")
def varied_texts() -> list[str]:
    return _varied_texts()


def test_automaton_scan_equals_regular_expression_scan(varied_texts):
    lexicon = load_lexicon()
    for text in varied_texts:
        assert lexicon.find(text) == lexicon.find_with_regexes(text), text


@pytest.mark.parametrize("size", [2, 7, 8, 9, 64, 1000])
def test_batch_scan_equals_scan_of_each_text(varied_texts, size):
    lexicon = load_lexicon()
    expected = [lexicon.find(text) for text in varied_texts]
    found = []
    for start in range(0, len(varied_texts), size):
        found += lexicon.find_batch(varied_texts[start : start + size])
    assert found == expected


def test_texts_the_automata_cannot_read_get_the_plain_scan():
    lexicon = load_lexicon()
    odd = ["sue you\ud800 now", "微博曝光\udfff", "no signal"]
    for text in odd:
        assert lexicon.find(text) == lexicon.find_with_regexes(text)
    texts = odd * 4 + ["foo" + BATCH_SEPARATOR + "sue"] + ["宽带断了三天"] * 8
    assert lexicon.find_batch(texts) == [lexicon.find(text) for text in texts]


def test_literal_analysis_gives_up_on_what_it_cannot_follow():
    assert _required_literals(re.compile("(?i)sue")) is None
    assert _required_literals(re.compile("(?i:sue) you")) is None
    assert _required_literals(re.compile(r"\d+.*")) is None
    assert _required_literals(re.compile("a?b?")) is None
    assert _required_literals(re.compile("(微博|抖音)(上)?曝光")) is not None


@pytest.mark.parametrize(
    "pattern", [pattern for _, pattern, _ in load_lexicon()._patterns], ids=lambda p: p.pattern[:30]
)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_match_of_a_pattern_contains_one_of_its_literals(pattern, data):
    required = _required_literals(pattern)
    if required is None:
        return
    match = data.draw(st.from_regex(pattern, fullmatch=True))
    assert any(literal in match for literal in required)


@pytest.mark.parametrize(
    "expression",
    [
        r"([二三]?十|[一二]?百|\d{2,})[几多]?(户|家)",
        r"\bon x\b",
        r"(a|b)?c+d",
        r"\b(\d+|no) (on|x)",
    ],
)
@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet="一二三十百0123456789几多户家onx abcd,", max_size=40))
def test_search_from_first_characters_finds_what_search_finds(expression, text):
    pattern = re.compile(expression)
    first_char = _first_char_search(pattern)
    assert first_char is not None
    found, expected = _search(pattern, first_char, text), pattern.search(text)
    assert (found and (found.span(), found.group())) == (
        expected and (expected.span(), expected.group())
    )


def test_search_from_first_characters_is_left_to_the_engine_when_it_knows_them():
    assert _first_char_search(re.compile("(微博|抖音)曝光")) is None
    assert _first_char_search(re.compile("[0-9]+天")) is not None
    assert _first_char_search(re.compile("[0-9]天")) is None
    assert _first_char_search(re.compile("(?i)(a|b)?c")) is None
    assert _first_char_search(re.compile("x?")) is None
