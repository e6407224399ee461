"""JSON-lines batch processing behind ``complaintdesk triage predict`` and ``dedupe``.

Input lines are ``{"id": ..., "text": ...}``. A bad line (not JSON, no text, text not a
string, an id or text that is not valid Unicode) is reported on the error stream with its
line number and skipped; the caller turns a non-zero failure count into a non-zero exit
code.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from complaintdesk.triage.engine.api import Triager
from complaintdesk.triage.engine.dedupe import DuplicateDetector
from complaintdesk.triage.engine.guidance import guidance_for
from complaintdesk.triage.engine.text import decode_line, lone_surrogate_at

_BATCH_SIZE = 256


class Writable(Protocol):
    """A text stream: a file, sys.stdout or Django's OutputWrapper."""

    def write(self, text: str, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class InputLine:
    number: int
    id: Any
    text: str


def read_lines(lines: Iterable[str | bytes], errors: Writable) -> Iterator[InputLine | None]:
    """Parsed input lines; None (after an error message) for a bad line. Blank lines are skipped.

    Lines given as bytes (a file or stdin read in binary) are decoded one at a time, so a
    line that is not UTF-8 is named and the others go on; a byte-order mark before the
    first line (Windows Notepad's "UTF-8 with BOM") is skipped.
    """
    for number, line in enumerate(lines, start=1):
        if isinstance(line, bytes):
            try:
                raw = decode_line(line, first=number == 1)
            except ValueError as error:
                errors.write(f"line {number}: {error}\n")
                yield None
                continue
        else:
            raw = line.removeprefix("\ufeff") if number == 1 else line
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as error:
            errors.write(f"line {number}: not valid JSON ({error.msg})\n")
            yield None
            continue
        if not isinstance(record, dict):
            errors.write(f'line {number}: expected a JSON object with "id" and "text"\n')
            yield None
            continue
        text = record.get("text")
        if "text" not in record:
            errors.write(f'line {number}: no "text" field\n')
            yield None
            continue
        if not isinstance(text, str):
            errors.write(f'line {number}: "text" must be a string, got {type(text).__name__}\n')
            yield None
            continue
        broken = _lone_surrogate_in(record)
        if broken is not None:
            field, position = broken
            errors.write(
                f'line {number}: "{field}" holds half of a character (a lone UTF-16 surrogate '
                f"escape at character {position + 1}), which is not valid Unicode: fix the "
                "escape or write the character itself\n"
            )
            yield None
            continue
        yield InputLine(number, record.get("id"), text)


def _lone_surrogate_in(record: dict[str, Any]) -> tuple[str, int] | None:
    """The field ("text" or "id") and position of a lone surrogate, which the JSON escape
    "\\ud83d" alone yields: its output line could not be written as UTF-8."""
    for field in ("id", "text"):
        value = record.get(field)
        position = lone_surrogate_at(value) if isinstance(value, str) else None
        if position is not None:
            return field, position
    return None


def _write(output: Writable, record: dict[str, Any]) -> None:
    output.write(json.dumps(record, ensure_ascii=False) + "\n")


def predict_lines(
    lines: Iterable[str | bytes],
    output: Writable,
    errors: Writable,
    triager: Triager,
    industry: str = "telecom",
    *,
    with_guidance: bool = True,
) -> int:
    """Triage every good line in order, in batches; returns the number of bad lines."""
    failures = 0
    pending: list[InputLine] = []

    def flush() -> None:
        results = triager.predict([line.text for line in pending], industry)
        for line, result in zip(pending, results, strict=True):
            record = {"id": line.id, **result.as_dict()}
            if with_guidance:
                record["guidance"] = guidance_for(result.behaviour, result.motive, result.lang)
            _write(output, record)
        pending.clear()

    for line in read_lines(lines, errors):
        if line is None:
            failures += 1
            continue
        pending.append(line)
        if len(pending) >= _BATCH_SIZE:
            flush()
    if pending:
        flush()
    return failures


def dedupe_lines(
    lines: Iterable[str | bytes],
    output: Writable,
    errors: Writable,
    detector: DuplicateDetector | None = None,
) -> int:
    """For each good line, the earlier line it duplicates (or null); returns the bad-line count."""
    detector = detector or DuplicateDetector()
    failures = 0
    # Ids may repeat or be missing in a file; line numbers keep the index keys unique.
    id_by_line: dict[int, Any] = {}
    for line in read_lines(lines, errors):
        if line is None:
            failures += 1
            continue
        match = detector.query(line.text)
        _write(
            output,
            {
                "id": line.id,
                "duplicate_of": id_by_line[int(str(match.key))] if match else None,
                "score": match.score if match else None,
            },
        )
        detector.add(line.number, line.text)
        id_by_line[line.number] = line.id
    return failures
