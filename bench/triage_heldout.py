"""Held-out telecom benchmark: the shipped triage model, through the real command line, on
complaints written independently of the project (issue #5, "How it will be checked").

Run: .venv/bin/python bench/triage_heldout.py [--file bench/heldout/telecom_heldout.jsonl]
                                              [--command .venv/bin/complaintdesk] [--model DIR]

The held-out file (`bench/heldout/telecom_heldout.jsonl`, see `bench/heldout/README.md`) has
one labelled complaint per line. Only `id` and `text` are written to a temporary JSON-lines
file; `complaintdesk triage predict --industry telecom` reads it in a subprocess, exactly as
an operator would run it, and the bench compares its output with the labels. It prints:

- macro-F1 and accuracy of category, nature, emotion, motive and behaviour, overall and per
  language, next to the targets (category >= 0.85, the other four >= 0.70);
- the confusion matrix of each head (rows: true label, columns: predicted);
- crisis ("any signal") precision, recall and F1 (target: recall >= 0.95 at precision >= 0.85)
  and per-signal recall and precision;
- the personal-data check: every `pii` item must be gone from `masked_text` (target: none
  left). An item still there verbatim is *visible*; a run of 6 of its digits or an e-mail's
  local part still there is *partly visible*. Rows without personal data whose text was
  masked anyway are listed for information.

Macro-F1 averages the labels that occur in the truth or the predictions of the rows scored.
The scoring helpers are plain functions, tested in
`complaintdesk/triage/tests/test_heldout_bench.py`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "bench" / "heldout" / "telecom_heldout.jsonl"
LANGUAGES: tuple[str, ...] = ("zh-Hans", "zh-Hant", "en")
# Label sets as in complaintdesk/triage/engine/labels.py (telecom preset); repeated here so
# the bench and its tests do not depend on the engine they measure.
HEAD_LABELS: dict[str, tuple[str, ...]] = {
    "category": ("service", "network", "billing", "product", "device", "other"),
    "nature": ("general", "major", "urgent"),
    "emotion": ("anger", "anxiety", "disappointment", "neutral"),
    "motive": ("compensation", "respect", "vent", "improvement"),
    "behaviour": ("passive", "talker", "angry", "activist"),
}
CRISIS_SIGNALS: tuple[str, ...] = ("media", "regulator", "legal", "mass", "safety")
HEAD_TARGETS: dict[str, float] = {
    "category": 0.85,
    "nature": 0.70,
    "emotion": 0.70,
    "motive": 0.70,
    "behaviour": 0.70,
}
CRISIS_RECALL_TARGET = 0.95
CRISIS_PRECISION_TARGET = 0.85

Row = dict[str, Any]


# --- reading the held-out file and running the command -------------------------------------


def load_rows(path: Path) -> list[Row]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise SystemExit(f"{path}:{number}: not JSON: {error}") from error
    return rows


def cli_input_lines(rows: Iterable[Row]) -> list[str]:
    """The command's input: id and text only, so no label can reach the model."""
    return [json.dumps({"id": row["id"], "text": row["text"]}, ensure_ascii=False) for row in rows]


def default_command() -> str:
    venv_command = ROOT / ".venv" / "bin" / "complaintdesk"
    if venv_command.exists():
        return str(venv_command)
    found = shutil.which("complaintdesk")
    if found is None:
        raise SystemExit("no complaintdesk command: run `make setup` first")
    return found


def run_predict(rows: Sequence[Row], command: str, model: str | None = None) -> dict[str, Row]:
    """Predictions of ``complaintdesk triage predict`` for ``rows``, by id."""
    with tempfile.TemporaryDirectory(prefix="heldout-") as folder:
        source = Path(folder) / "texts.jsonl"
        sink = Path(folder) / "triaged.jsonl"
        source.write_text("\n".join(cli_input_lines(rows)) + "\n", encoding="utf-8")
        arguments = [command, "triage", "predict", "--industry", "telecom"]
        arguments += ["--input", str(source), "--output", str(sink)]
        if model:
            arguments += ["--model", model]
        finished = subprocess.run(arguments, capture_output=True, text=True, check=False)
        if finished.returncode != 0:
            raise SystemExit(f"{' '.join(arguments)} failed:\n{finished.stderr}")
        predictions = [json.loads(line) for line in sink.read_text(encoding="utf-8").splitlines()]
    by_id = {prediction["id"]: prediction for prediction in predictions}
    missing = [row["id"] for row in rows if row["id"] not in by_id]
    if missing:
        raise SystemExit(f"no prediction for {len(missing)} rows: {', '.join(missing[:10])}")
    return by_id


# --- scoring ---------------------------------------------------------------------------------


def present_labels(
    truth: Sequence[str], predicted: Sequence[str], order: Sequence[str]
) -> list[str]:
    """Labels occurring in truth or predictions, in the head's order (unknown ones last)."""
    seen = set(truth) | set(predicted)
    return [label for label in order if label in seen] + sorted(seen - set(order))


def f1_per_label(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    scores = {}
    for label in labels:
        true_positive = sum(
            t == label and p == label for t, p in zip(truth, predicted, strict=True)
        )
        predicted_count = sum(p == label for p in predicted)
        true_count = sum(t == label for t in truth)
        denominator = predicted_count + true_count
        scores[label] = 2 * true_positive / denominator if denominator else 0.0
    return scores


def macro_f1(truth: Sequence[str], predicted: Sequence[str], order: Sequence[str] = ()) -> float:
    labels = present_labels(truth, predicted, order)
    if not labels:
        return 0.0
    return sum(f1_per_label(truth, predicted, labels).values()) / len(labels)


def accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    if not truth:
        return 0.0
    return sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)


def confusion_matrix(
    truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """``matrix[i][j]``: rows whose true label is ``labels[i]`` and predicted ``labels[j]``."""
    index = {label: position for position, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(truth, predicted, strict=True):
        matrix[index[t]][index[p]] += 1
    return matrix


def precision_recall(truth: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    true_positive = sum(t and p for t, p in zip(truth, predicted, strict=True))
    false_positive = sum(p and not t for t, p in zip(truth, predicted, strict=True))
    false_negative = sum(t and not p for t, p in zip(truth, predicted, strict=True))
    precision = (
        true_positive / (true_positive + false_positive) if true_positive + false_positive else 0.0
    )
    recall = (
        true_positive / (true_positive + false_negative) if true_positive + false_negative else 0.0
    )
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": true_positive,
        "fp": false_positive,
        "fn": false_negative,
    }


def crisis_report(rows: Sequence[Row], predictions: dict[str, Row]) -> dict[str, Any]:
    """Crisis as "any signal", and each signal on its own."""
    truth = [set(row["crisis_signals"]) for row in rows]
    predicted = [set(predictions[row["id"]]["crisis_signals"]) for row in rows]
    report: dict[str, Any] = {
        "any": precision_recall([bool(t) for t in truth], [bool(p) for p in predicted])
    }
    for signal in CRISIS_SIGNALS:
        report[signal] = precision_recall(
            [signal in t for t in truth], [signal in p for p in predicted]
        )
    report["missed"] = [
        row["id"] for row, t, p in zip(rows, truth, predicted, strict=True) if t and not p
    ]
    report["false_alarms"] = [
        row["id"] for row, t, p in zip(rows, truth, predicted, strict=True) if p and not t
    ]
    return report


# --- personal data ---------------------------------------------------------------------------

_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_TW_LETTERS = dict(zip("ABCDEFGHJKLMNPQRSTUVXYWZIO", range(10, 36), strict=True))
_SEPARATORS = re.compile(r"[\s\-()+.]")


def cn_id_checksum_ok(number: str) -> bool:
    """Mainland 18-character resident ID: ISO 7064 MOD 11-2 check character."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(number[:17], _CN_ID_WEIGHTS, strict=True)
    )
    return "10X98765432"[total % 11] == number[17]


def luhn_ok(number: str) -> bool:
    digits = [int(character) for character in number if character.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for position, digit in enumerate(reversed(digits)):
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def tw_id_checksum_ok(number: str) -> bool:
    """Taiwan national ID: letter (as two digits) plus nine digits, weighted sum mod 10."""
    if not re.fullmatch(r"[A-Z][12]\d{8}", number):
        return False
    code = _TW_LETTERS[number[0]]
    weights = (8, 7, 6, 5, 4, 3, 2, 1, 1)
    total = code // 10 + code % 10 * 9
    total += sum(int(digit) * weight for digit, weight in zip(number[1:], weights, strict=True))
    return total % 10 == 0


def hk_id_checksum_ok(number: str) -> bool:
    """Hong Kong identity card: one or two letters, six digits, check digit in brackets."""
    match = re.fullmatch(r"([A-Z]{1,2})(\d{6})\(([\dA])\)", number.replace(" ", ""))
    if match is None:
        return False
    letters, digits, check = match.groups()
    values = [ord(letter) - 55 for letter in letters]
    if len(values) == 1:
        values.insert(0, 36)  # a single letter counts as a space first
    total = values[0] * 9 + values[1] * 8
    total += sum(int(digit) * weight for digit, weight in zip(digits, range(7, 1, -1), strict=True))
    expected = (11 - total % 11) % 11
    return check == ("A" if expected == 10 else str(expected))


def pii_kind(item: str) -> str:
    """What a personal-data item is: email, id_number, bank_card, phone or address."""
    compact = _SEPARATORS.sub("", item)
    if "@" in item:
        return "email"
    if re.fullmatch(r"[A-Z]{1,2}\d{6}\([\dA]\)", item.replace(" ", "")):
        return "id_number"
    if re.fullmatch(r"[A-Z][12]\d{8}", compact) or re.fullmatch(r"\d{17}[\dX]", compact):
        return "id_number"
    if compact.isdigit() and 15 <= len(compact) <= 19:
        return "bank_card"
    if compact.isdigit() and 7 <= len(compact) <= 14:
        return "phone"
    return "address"


def pii_visibility(item: str, masked_text: str) -> str | None:
    """``"visible"``, ``"partly visible"`` or None when the item is gone from the masked text."""
    if item in masked_text:
        return "visible"
    if "@" in item:
        local_part = item.split("@", 1)[0]
        return "partly visible" if len(local_part) >= 4 and local_part in masked_text else None
    digits = re.sub(r"\D", "", item)
    if pii_kind(item) != "address" and len(digits) >= 6:
        masked_compact = _SEPARATORS.sub("", masked_text)
        windows = {digits[start : start + 6] for start in range(len(digits) - 5)}
        if any(window in masked_compact for window in windows):
            return "partly visible"
    return None


def pii_report(rows: Sequence[Row], predictions: dict[str, Row]) -> dict[str, Any]:
    leaks: list[tuple[str, str, str, str]] = []  # id, kind, item, visibility
    items = Counter[str]()
    overmasked = []
    for row in rows:
        masked_text = predictions[row["id"]]["masked_text"]
        for item in row["pii"]:
            items[pii_kind(item)] += 1
            visibility = pii_visibility(item, masked_text)
            if visibility:
                leaks.append((row["id"], pii_kind(item), item, visibility))
        if not row["pii"] and masked_text != row["text"]:
            overmasked.append(row["id"])
    return {"items": items, "leaks": leaks, "overmasked": overmasked}


# --- the report ------------------------------------------------------------------------------


def head_scores(rows: Sequence[Row], predictions: dict[str, Row], head: str) -> tuple[float, float]:
    truth = [row[head] for row in rows]
    predicted = [predictions[row["id"]][head] for row in rows]
    return macro_f1(truth, predicted, HEAD_LABELS[head]), accuracy(truth, predicted)


def _mark(ok: bool) -> str:
    return "meets" if ok else "BELOW"


def format_confusion(rows: Sequence[Row], predictions: dict[str, Row], head: str) -> list[str]:
    truth = [row[head] for row in rows]
    predicted = [predictions[row["id"]][head] for row in rows]
    labels = present_labels(truth, predicted, HEAD_LABELS[head])
    matrix = confusion_matrix(truth, predicted, labels)
    width = max(len(label) for label in labels) + 2
    lines = [
        f"{head} (rows: true, columns: predicted)",
        " " * width + "".join(f"{label[:6]:>8}" for label in labels),
    ]
    for label, counts in zip(labels, matrix, strict=True):
        lines.append(f"{label:<{width}}" + "".join(f"{count:>8}" for count in counts))
    return lines


def _languages(rows: Sequence[Row]) -> list[str]:
    present = {row["lang"] for row in rows}
    return [language for language in LANGUAGES if language in present] + sorted(
        present - set(LANGUAGES)
    )


def _head_section(rows: Sequence[Row], predictions: dict[str, Row]) -> list[str]:
    languages = _languages(rows)
    lines = ["macro-F1 / accuracy per head (the target is on macro-F1 over all rows)"]
    header = f"{'head':<11}{'all':>15}" + "".join(f"{language:>15}" for language in languages)
    lines.append(header + f"{'target':>10}")
    for head, target in HEAD_TARGETS.items():
        f1, acc = head_scores(rows, predictions, head)
        line = f"{head:<11}{f'{f1:.3f} / {acc:.3f}':>15}"
        for language in languages:
            subset = [row for row in rows if row["lang"] == language]
            language_f1, language_acc = head_scores(subset, predictions, head)
            line += f"{f'{language_f1:.3f} / {language_acc:.3f}':>15}"
        lines.append(line + f"{f'>= {target:.2f}':>10}  {_mark(f1 >= target)}")
    return lines


def _precision_recall_text(scores: dict[str, float]) -> str:
    return (
        f"precision {scores['precision']:.3f}, recall {scores['recall']:.3f}, "
        f"F1 {scores['f1']:.3f} (tp {scores['tp']}, fp {scores['fp']}, fn {scores['fn']})"
    )


def _crisis_section(rows: Sequence[Row], predictions: dict[str, Row]) -> list[str]:
    crisis = crisis_report(rows, predictions)
    any_signal = crisis["any"]
    met = (
        any_signal["recall"] >= CRISIS_RECALL_TARGET
        and any_signal["precision"] >= CRISIS_PRECISION_TARGET
    )
    lines = [
        f"crisis (any signal): {_precision_recall_text(any_signal)}",
        f"  target: recall >= {CRISIS_RECALL_TARGET:.2f} at precision >= "
        f"{CRISIS_PRECISION_TARGET:.2f}  {_mark(met)}",
    ]
    for language in _languages(rows):
        subset = [row for row in rows if row["lang"] == language]
        scores = crisis_report(subset, predictions)["any"]
        lines.append(f"  {language:<8} {_precision_recall_text(scores)}")
    lines.append("  per signal:")
    for signal in CRISIS_SIGNALS:
        scores = crisis[signal]
        true_count = scores["tp"] + scores["fn"]
        lines.append(
            f"    {signal:<10} recall {scores['recall']:.3f} ({scores['tp']}/{true_count}), "
            f"precision {scores['precision']:.3f} (fp {scores['fp']})"
        )
    lines.append(f"  missed crises: {', '.join(crisis['missed']) or 'none'}")
    lines.append(f"  false alarms: {', '.join(crisis['false_alarms']) or 'none'}")
    return lines


def _pii_section(rows: Sequence[Row], predictions: dict[str, Row]) -> list[str]:
    if not all("pii" in row for row in rows):
        # A batch labelled without its personal-data items (a new writer's corpus batch).
        return ['personal data: not scored (the rows carry no "pii" list)']
    pii = pii_report(rows, predictions)
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(pii["items"].items()))
    rows_with_pii = sum(1 for row in rows if row["pii"])
    lines = [
        f"personal data: {sum(pii['items'].values())} items in {rows_with_pii} rows ({kinds}); "
        f"left in masked_text: {len(pii['leaks'])} (target 0)  {_mark(not pii['leaks'])}"
    ]
    leaked_kinds = Counter(kind for _, kind, _, _ in pii["leaks"])
    for kind, count in sorted(leaked_kinds.items()):
        lines.append(f"  {kind}: {count} of {pii['items'][kind]} not masked")
    for row_id, kind, item, visibility in pii["leaks"]:
        lines.append(f"  {row_id}  {kind:<10} {visibility:<15} {item}")
    overmasked = pii["overmasked"]
    lines.append(
        f"  rows without personal data that were masked anyway: {len(overmasked)}"
        + (f" ({', '.join(overmasked)})" if overmasked else "")
    )
    return lines


def format_report(rows: Sequence[Row], predictions: dict[str, Row], source: str = "") -> str:
    by_language = Counter(row["lang"] for row in rows)
    counts = ", ".join(f"{language} {by_language[language]}" for language in _languages(rows))
    sections = [
        [f"held-out set: {source} ({len(rows)} rows: {counts})"],
        _head_section(rows, predictions),
        _crisis_section(rows, predictions),
        _pii_section(rows, predictions),
        *(format_confusion(rows, predictions, head) for head in HEAD_LABELS),
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--file", type=Path, default=DEFAULT_FILE, help="labelled held-out JSON lines"
    )
    parser.add_argument("--command", default=None, help="the complaintdesk console command")
    parser.add_argument(
        "--model", default=None, help="model directory (default: the shipped model)"
    )
    options = parser.parse_args(argv)
    rows = load_rows(options.file)
    predictions = run_predict(rows, options.command or default_command(), options.model)
    try:
        source = str(options.file.resolve().relative_to(ROOT))
    except ValueError:
        source = str(options.file)
    print(format_report(rows, predictions, source), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
