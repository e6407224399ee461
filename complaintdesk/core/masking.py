"""Masking personal data for people who may not see it (analysts, exports, logs)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from complaintdesk.complaints.models import Complaint


def mask_name(name: str) -> str:
    """Keep the first character: 张三丰 → 张**, Alice Smith → A****."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(2, min(len(name) - 1, 4))


def mask_phone(phone: str) -> str:
    """Keep the last four digits, the part customers use to recognise their number."""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + "".join(digits[-4:])


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if not domain:
        return mask_name(email)
    return f"{local[:1]}***@{domain}"


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """Free text with phone numbers, ID and card numbers, e-mails and addresses masked.

    `names` are people known to the caller (the complaint's customer): a detector cannot tell
    a name from other words, but the text often greets or quotes the customer by theirs.
    """
    if not text:
        return text
    # Numbers first: "张**13812345678" would no longer read as a phone number to the detector.
    return name_masker(tuple(names))(_personal_data_masked(text))


# In a file name (赵六_身份证_110101199003071234_13700002222.png) "_" joins words, and a dash
# may join two numbers or a word and a number; the detector reads a digit next to either as
# part of a code. It also reads a copy with them as spaces: the same length, so the spans found
# there point into the original, from which the masked text is rebuilt.
_WORD_JOINERS = re.compile(r"_|(?<=\d{7})-(?=\d{7})|(?<=[^\x00-\x7f])-|-(?=[^\x00-\x7f])")


def _personal_data_masked(text: str) -> str:
    # The one detector triage also uses.
    from complaintdesk.triage.engine.pii import MASK_TOKENS, find_pii

    spans = find_pii(text)
    as_words = _WORD_JOINERS.sub(" ", text)
    if as_words != text:
        # Both readings: the text itself still finds what a space would split (zhang_wei@x.cn).
        spans += find_pii(as_words)
    if not spans:
        return text
    pieces: list[str] = []
    cursor = 0
    # Overlapping spans of the two readings become one, masked as the first one's kind.
    for span in sorted(spans, key=lambda span: (span.start, -span.end)):
        if span.start < cursor:
            if span.end > cursor:
                cursor = span.end
            continue
        pieces += [text[cursor : span.start], MASK_TOKENS[span.kind]]
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def complaint_names(complaint: Complaint) -> tuple[str, ...]:
    """The people a masked text of this complaint must not name. The record keeps no contact
    person besides the customer; one added later belongs here."""
    return (complaint.customer.name,)


def mask_complaint_text(text: str, complaint: Complaint) -> str:
    """Free text of a complaint (its description, a note, a message, a file name) as roles
    that see personal data masked read it."""
    return mask_text(text, names=complaint_names(complaint))


# Minimal lengths, so a name that is also an everyday word does not mangle the text: one Han
# character (王, 高) is part of countless words, so a Chinese name or given name is masked from
# two characters; an English first or last name alone from three letters ("Li", "Al" are
# masked only inside the full name).
MIN_HAN_NAME = 2
MIN_LATIN_PART = 3
# English words that are also first or last names (and pinyin surnames that are English
# words): alone they are far more often the word, so they are masked only inside the full name.
COMMON_WORD_NAMES = frozenset(
    """
    will bill mark may june april august summer dawn rose grace hope joy faith love frank
    rich young long short small little brown white green black gray grey king bell hall wood
    page cook price bond banks lane ward hill field case chase best guy art ray rob pat sue
    don jack gene jean day park key sky star sun fan tan pan man song tang ding gong hang
    bing ping wing van von der den del
    """.split()  # noqa: SIM905 - a word list reads better as words
)
# The given name of these follows two characters, not one (欧阳娜娜 → 娜娜).
_COMPOUND_SURNAMES = frozenset(
    """
    欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 令狐 澹台 端木 西门 南宫 独孤
    """.split()  # noqa: SIM905
)
# Courtesy titles a hotline records instead of a given name (王女士, 李先生).
_HONORIFIC = re.compile(
    "(?:先生|女士|小姐|太太|夫人|老师|师傅|阿姨|叔叔|大爷|大妈|奶奶|爷爷|同学|经理|老板)$"
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f']+")
# An English name is a whole word: no Latin letter either side ("_" and digits are
# separators in file names such as invoice_John_Smith.pdf).
_BEFORE = r"(?<![A-Za-z\u00c0-\u024f])"
_AFTER = r"(?![A-Za-z\u00c0-\u024f])"
# What joins an English full name's words in text and file names: "John Smith", "John_Smith".
_NAME_JOINER = r"[\s_.\-]+"
_NAME_SEPARATORS = re.compile(r"[^\s_.\-]+")
_MIDDLE_DOTS = re.compile(r"[·•・.]")
_HAN_NAME_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·•・]")


@dataclass(frozen=True, slots=True)
class NameMasker:
    """The names known for one complaint, compiled once, masking them in any text.

    Chinese names are matched in the simplified form of the text as well, so 張偉 in a
    traditional-Chinese note is masked for a customer registered as 张伟.
    """

    pattern: re.Pattern[str] | None
    has_han: bool

    def __call__(self, text: str) -> str:
        if self.pattern is None or not text:
            return text
        searched = text
        if self.has_han and _HAN.search(text):
            from complaintdesk.triage.engine.text import to_simplified

            simplified = to_simplified(text)
            # t2s maps character to character almost always; where a phrase changes length,
            # positions would not line up, so only the text as written is searched.
            if len(simplified) == len(text):
                searched = simplified
        pieces: list[str] = []
        end = 0
        for found in self.pattern.finditer(searched):
            start, stop = found.span()
            pieces.append(text[end:start])
            pieces.append(_MASKERS[found.lastgroup or ""](text[start:stop]))
            end = stop
        if not pieces:
            return text
        pieces.append(text[end:])
        return "".join(pieces)


def _mask_words(found: str) -> str:
    """Each word of an English name keeps its first letter: John_Smith → J***_S****."""
    return _NAME_SEPARATORS.sub(lambda word: mask_name(word.group()), found)


# How a match of each kind of alternative is masked (the regex group names).
_MASKERS: dict[str, Callable[[str], str]] = {
    "whole": mask_name,  # 张伟 → 张**, like the customer field
    # A given name alone shows nothing: its first character is half of it.
    "given": lambda found: "*" * max(2, len(found)),
    "latin": _mask_words,
}


@functools.lru_cache(maxsize=1024)
def name_masker(names: tuple[str, ...]) -> NameMasker:
    """The masker for these names; cached, so every event and attachment of the complaint
    shown reuses the one pattern."""
    from complaintdesk.triage.engine.text import to_simplified

    whole: set[str] = set()
    given: set[str] = set()
    latin: set[str] = set()
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        han = "".join(_HAN_NAME_CHARS.findall(name))
        if _HAN.search(han):
            for form in {han, to_simplified(han)}:
                _han_forms(form, whole, given)
        if _LATIN.search(name):
            _latin_forms(name, latin)
        elif not han and len(name) >= MIN_HAN_NAME:  # another script: the name as written
            whole.add(re.escape(name))
    given -= whole
    groups = [
        ("whole", whole, "", ""),
        ("latin", latin, _BEFORE, _AFTER),
        ("given", given, "", ""),
    ]
    alternatives = [
        f"(?P<{group}>{before}(?:{'|'.join(sorted(forms, key=len, reverse=True))}){after})"
        for group, forms, before, after in groups
        if forms
    ]
    if not alternatives:
        return NameMasker(pattern=None, has_han=False)
    return NameMasker(
        pattern=re.compile("|".join(alternatives), re.IGNORECASE),
        has_han=bool(whole or given),
    )


def _han_forms(name: str, whole: set[str], given: set[str]) -> None:
    if len(name) >= MIN_HAN_NAME:
        whole.add(re.escape(name))
    # 王女士 is the customer's surname and a courtesy title: 女士 alone is no name.
    core = _HONORIFIC.sub("", name)
    if core != name and len(core) >= MIN_HAN_NAME:
        whole.add(re.escape(core))
    parts = [p for p in _MIDDLE_DOTS.split(core) if p]
    if len(parts) > 1:  # 买买提·艾力: each part is a name of its own
        given.update(re.escape(p) for p in parts if len(p) >= MIN_HAN_NAME)
        return
    surname = 2 if core[:2] in _COMPOUND_SURNAMES else 1
    if len(core) - surname >= MIN_HAN_NAME:
        given.add(re.escape(core[surname:]))


def _latin_forms(name: str, forms: set[str]) -> None:
    words = _LATIN_WORD.findall(name)
    if not words:
        return
    if len(words) > 1 or _masked_alone(words[0]):
        forms.add(_NAME_JOINER.join(re.escape(w) for w in words))
    forms.update(re.escape(w) for w in words if _masked_alone(w))


def _masked_alone(word: str) -> bool:
    return len(word) >= MIN_LATIN_PART and word.lower() not in COMMON_WORD_NAMES
