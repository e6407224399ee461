"""Complaint texts for the demo, taken from the labelled telecom corpus that ships with triage."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parents[2] / "triage" / "corpus"
CORPUS_FILES = ("telecom_zh_hans.jsonl", "telecom_zh_hant.jsonl", "telecom_en.jsonl")
LANGUAGES = ("zh-Hans", "zh-Hant", "en")


@dataclass(frozen=True)
class CorpusText:
    """One labelled complaint text: what the customer said and how a person classified it."""

    id: str
    language: str
    channel: str
    text: str
    category: str
    subcategory: str
    nature: str
    motive: str

    @property
    def content_key(self) -> str:
        return self.subcategory or self.category


def corpus_load(directory: Path = CORPUS_DIR) -> dict[str, list[CorpusText]]:
    """Texts by language. Lines that do not parse are skipped: the corpus may be mid-edit."""
    by_language: dict[str, list[CorpusText]] = {language: [] for language in LANGUAGES}
    for name in CORPUS_FILES:
        path = directory / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(row, dict) or row.get("industry", "telecom") != "telecom":
                continue
            text, language = str(row.get("text", "")).strip(), row.get("lang")
            if not text or language not in by_language or not row.get("category"):
                continue
            by_language[language].append(
                CorpusText(
                    id=str(row.get("id", "")),
                    language=language,
                    channel=str(row.get("channel", "")),
                    text=text,
                    category=str(row["category"]),
                    subcategory=str(row.get("subcategory") or ""),
                    nature=str(row.get("nature") or ""),
                    motive=str(row.get("motive") or ""),
                )
            )
    return by_language


# An agent's note of a call starts by saying who reported it, a letter with a salutation, a
# message with a tag; the subject is what comes after.
_LEADING_NOISE = re.compile(
    r"^(?:[(\uff08\u3010\[][^)\uff09\u3011\]]{0,20}[)\uff09\u3011\]]\s*)?"
    # "致…:" opens a letter; "致电…" (calling) does not.
    r"(?:致(?![电電])[^,\uff0c:\uff1a\n]{0,20}[:\uff1a\n]\s*"
    r"|尊敬的[^,\uff0c:\uff1a\n]{0,20}[,\uff0c:\uff1a]\s*|(?:敬启者|敬啟者)[,\uff0c:\uff1a]?\s*"
    r"|(?:您好|你好|hi|hello|dear)[^,\uff0c:\uff1a!\uff01\n]{0,30}[,\uff0c:\uff1a!\uff01]\s*"
    r"|to whom it may concern[,:]?\s*)?"
    r"(?:(?:客[户戶]|用[户戶]|来电人|來電人)(?:本人)?"
    r"(?:来电|來電|到厅|到廳|到店|致电|致電|留言)?(?:简述|簡述)?"
    r"(?:反映|反應|投诉|投訴|称|稱|表示|说|說)?[,\uff0c:\uff1a ]*(?:称|稱|其|反映|表示)?"
    r"|(?:caller|customer|cust\.?|the customer)\b[^.,:;]{0,60}?\b"
    r"(?:says|said|states|stated|reports|reported|called|complains|complained|rang)"
    r"(?:\s+(?:that|to say|in|about))?[\s:,]*)?",
    re.IGNORECASE,
)
# Clause ends; a comma between digits ("NT$86,400") is a thousands separator, not one.
_CLAUSE_END_ZH = re.compile(r"(?<!\d),(?!\d)|[\uff0c\u3002\uff01\uff1f\uff1b\uff1a!?;:\n]")
_CLAUSE_END_EN = re.compile(r"(?<!\d)[.!?;:\n]|,\s|\s[-\u2013\u2014]\s")


def subject_from_text(text: str, language: str) -> str:
    """A short subject: the first clause of the complaint, as an agent would title it."""
    body = _LEADING_NOISE.sub("", text.strip(), count=1).strip() or text.strip()
    english = language == "en"
    pattern, shortest, longest = (_CLAUSE_END_EN, 15, 90) if english else (_CLAUSE_END_ZH, 6, 40)
    subject = ""
    position = 0
    # Grow clause by clause until the subject says something ("算了" alone does not).
    while len(subject) < shortest and position < len(body):
        match = pattern.search(body, position)
        end = match.start() if match else len(body)
        subject = body[:end].strip()
        position = match.end() if match else len(body)
    subject = subject.strip()
    if len(subject) > longest:
        cut = subject[:longest]
        if english and " " in cut:
            cut = cut.rsplit(" ", 1)[0]
        subject = re.sub(r"[\s,\uff0c\u3001]+$", "", cut) + "…"
    if english and subject:
        subject = subject[0].upper() + subject[1:]
    return subject or text[:longest]


_MONEY = re.compile(
    r"(?P<cur>HK\$|NT\$|RMB ?|\$|¥|￥|£|€)\s?"
    r"(?P<amount>\d{1,3}(?:,\d{3})+(?:\.\d\d)?|\d+(?:\.\d\d)?)"
    r"|(?P<bare>\d+(?:\.\d\d)?) ?(?:元|块|蚊|圓)"
)


def money_in_text(text: str) -> tuple[str, str] | None:
    """The first sum of money the customer mentions, as (currency sign, amount), if any."""
    match = _MONEY.search(text)
    if match is None:
        return None
    if match.group("bare"):
        return "", match.group("bare")
    currency = match.group("cur").replace("￥", "¥").replace("RMB", "RMB ").replace("  ", " ")
    return currency, match.group("amount").removesuffix(".00")
