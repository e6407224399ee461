"""``complaintdesk triage train|evaluate|predict|dedupe`` — thin wrappers over the engine."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from complaintdesk.triage.engine import (
    DuplicateDetector,
    collect_training_examples,
    evaluate,
    load_model,
    load_triager,
    train,
)
from complaintdesk.triage.engine.batch import Writable, dedupe_lines, predict_lines
from complaintdesk.triage.engine.corpus import corpus_files, load_examples
from complaintdesk.triage.engine.labels import INDUSTRIES


class Command(BaseCommand):
    help = "Train, evaluate and run the complaint triage model; find duplicate complaints."
    # The engine needs neither the database nor the calendars the system checks look at:
    # they cost 1.3 s a run and put their warnings among the stderr lines naming bad input.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        train_parser = commands.add_parser("train", help="train a new model version")
        train_parser.add_argument("--output", type=Path, help="model directory to write")
        train_parser.add_argument("--corpus", type=Path, help="directory of corpus *.jsonl")
        train_parser.add_argument("--extra", type=Path, help="extra labelled JSON lines")

        evaluate_parser = commands.add_parser("evaluate", help="score a model on labelled lines")
        evaluate_parser.add_argument("--data", type=Path, required=True)
        evaluate_parser.add_argument("--model", type=Path)

        predict_parser = commands.add_parser("predict", help="triage JSON lines")
        predict_parser.add_argument("--input", type=Path)
        predict_parser.add_argument("--output", type=Path)
        predict_parser.add_argument("--model", type=Path)
        predict_parser.add_argument("--industry", default="telecom", choices=INDUSTRIES)

        dedupe_parser = commands.add_parser("dedupe", help="flag near-duplicate lines")
        dedupe_parser.add_argument("--input", type=Path)
        dedupe_parser.add_argument("--output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "train":
            self._train(options)
        elif action == "evaluate":
            self._evaluate(options)
        else:
            self._stream(action, options)

    def _train(self, options: dict[str, Any]) -> None:
        corpus: Path | None = options["corpus"]
        if corpus is not None and not corpus.is_dir():
            raise CommandError(f"--corpus {corpus} is not a folder")
        if corpus is not None and not corpus_files(corpus):
            raise CommandError(f"--corpus {corpus} holds no *.jsonl files")
        extra: Path | None = options["extra"]
        if extra is not None and not extra.is_file():
            raise CommandError(f"cannot read --extra {extra}: no such file")
        try:
            examples = collect_training_examples(extra=extra, corpus_dir=corpus)
            model = train(examples, progress=lambda message: self.stderr.write(message))
        except (OSError, ValueError) as error:
            # A bad label in a file, or too few examples to learn from.
            raise CommandError(str(error)) from error
        metadata = model.metadata
        output = options["output"] or Path(settings.TRIAGE_MODEL_DIR) / metadata["version"]
        try:
            model.save(output)
        except OSError as error:
            raise CommandError(f"cannot write --output {output}: {error.strerror}") from error
        self.stdout.write(f"model {metadata['version']} written to {output}")
        self.stdout.write(f"created {metadata['created']}, data hash {metadata['data_hash']}")
        self.stdout.write(f"{metadata['n_examples']} examples, {metadata['n_validation']} held out")
        self.stdout.write(json.dumps(metadata["validation_scores"], indent=2, ensure_ascii=False))

    def _evaluate(self, options: dict[str, Any]) -> None:
        try:
            examples = load_examples(options["data"])
        except OSError as error:
            raise CommandError(f"cannot read --data {options['data']}: {error.strerror}") from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not examples:
            raise CommandError(f"no labelled examples in {options['data']}")
        model = self._model(options)
        report = evaluate(model, examples)
        self.stdout.write(f"model {model.version}, {len(examples)} examples")
        for head, scores in report.items():
            if head == "crisis":
                for signal, figures in scores.items():
                    self.stdout.write(
                        f"crisis {signal:10} precision {figures['precision']:.3f} "
                        f"recall {figures['recall']:.3f} f1 {figures['f1']:.3f} "
                        f"(n={figures['support']})"
                    )
                continue
            self.stdout.write(
                f"{head:22} macro-F1 {scores['macro_f1']:.3f}  accuracy {scores['accuracy']:.3f}"
                f"  (n={scores['n']})"
            )
            self.stdout.write("  labels: " + " ".join(scores["labels"]))
            for label, row in zip(scores["labels"], scores["confusion_matrix"], strict=True):
                self.stdout.write(f"  {label:>16} " + " ".join(f"{count:4d}" for count in row))

    @staticmethod
    def _model(options: dict[str, Any]) -> Any:
        try:
            return load_model(options["model"]) if options["model"] else load_triager()
        except FileNotFoundError as error:
            raise CommandError(str(error)) from error

    @staticmethod
    def _open(path: Path, mode: str, option: str) -> IO[Any]:
        try:
            # Input in binary: batch.read_lines decodes each line, naming one that is not
            # UTF-8 instead of stopping the run; output as UTF-8 text.
            if mode == "r":
                return path.open("rb")
            return path.open(mode, encoding="utf-8")
        except OSError as error:
            verb = "read" if mode == "r" else "write"
            raise CommandError(f"cannot {verb} {option} {path}: {error.strerror}") from error

    def _stream(self, action: str, options: dict[str, Any]) -> None:
        with ExitStack() as stack:
            source: Iterable[str | bytes] = (
                stack.enter_context(self._open(options["input"], "r", "--input"))
                if options["input"]
                # The byte stream under stdin, where there is one (a test's StringIO has none).
                else getattr(sys.stdin, "buffer", sys.stdin)
            )
            # The model is loaded before the output is created, so a bad --model leaves no
            # empty output file behind.
            triager = self._model(options) if action == "predict" else None
            sink: Writable = (
                stack.enter_context(self._open(options["output"], "w", "--output"))
                if options["output"]
                else self.stdout
            )
            if triager is not None:
                failures = predict_lines(source, sink, self.stderr, triager, options["industry"])
            else:
                failures = dedupe_lines(source, sink, self.stderr, DuplicateDetector())
        if failures:
            raise CommandError(f"{failures} input line(s) could not be processed")
