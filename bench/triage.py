"""Triage speed: single-text latency, batch throughput, training time, model size, cold load.

Run: .venv/bin/python bench/triage.py [--skip-training | --only training]  (one process;
prediction on one core, training on the threads the process may use, which it prints;
COMPLAINTDESK_TRAINING_THREADS=1 trains on one. Texts are built at run time by recombining
corpus sentences and are never written to disk).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# One core: keep BLAS and friends single-threaded.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

from complaintdesk.triage.engine import (  # noqa: E402
    SHIPPED_MODEL_DIR,
    TrainingExample,
    collect_training_examples,
    load_model,
)
from complaintdesk.triage.engine.training import train_model, training_threads  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[。！？!?.])")


def sentences_by_example(examples: list[TrainingExample]) -> list[list[str]]:
    return [
        [part for part in _SENTENCE_END.split(example.text) if part.strip()] for example in examples
    ]


def text_of_length(rng: random.Random, pools: list[list[str]], length: int) -> str:
    """Sentences from random corpus texts, joined up to ``length`` characters."""
    parts: list[str] = []
    while sum(map(len, parts)) < length:
        parts.append(rng.choice(rng.choice(pools)))
    return "".join(parts)[:length]


def recombined_examples(
    rng: random.Random, examples: list[TrainingExample], count: int
) -> list[TrainingExample]:
    """Each new example keeps the labels of one corpus example and adds sentences of
    another one of the same industry, so the texts are new but the labels plausible."""
    by_industry: dict[str, list[TrainingExample]] = {}
    for example in examples:
        by_industry.setdefault(example.industry, []).append(example)
    result = []
    for index in range(count):
        base = rng.choice(examples)
        other = rng.choice(by_industry[base.industry])
        extra = rng.choice(sentences_by_example([other])[0] or [other.text])
        text = base.text + extra if index % 2 else extra + base.text
        result.append(
            TrainingExample(
                text=text,
                industry=base.industry,
                category=base.category,
                subcategory=base.subcategory,
                nature=base.nature,
                emotion=base.emotion,
                motive=base.motive,
                behaviour=base.behaviour,
                crisis_signals=base.crisis_signals,
            )
        )
    return result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-training", action="store_true", help="no 100,000-text training")
    parser.add_argument("--only", choices=("training", "prediction"), help="run one part only")
    arguments = parser.parse_args()
    examples = collect_training_examples()
    # Each part has its own seed, so running one part alone measures the same texts.
    if arguments.only != "training":
        bench_prediction(random.Random(0), sentences_by_example(examples))
    if arguments.only != "prediction" and not arguments.skip_training:
        bench_training(random.Random(1), examples)


def bench_prediction(rng: random.Random, pools: list[list[str]]) -> None:
    # Five fresh processes: the first may also pay for reading the files from disk.
    cold = [
        float(
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import time; t = time.perf_counter();"
                    "from complaintdesk.triage.engine import load_model;"
                    "model = load_model(); model.predict(['warm up']);"
                    "print(time.perf_counter() - t)",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(5)
    ]
    print(
        "cold load (import + load + first prediction, fresh process, 5 runs): "
        f"median {statistics.median(cold):.3f} s, first {cold[0]:.3f} s, max {max(cold):.3f} s"
    )

    size = sum(path.stat().st_size for path in SHIPPED_MODEL_DIR.iterdir() if path.is_file())
    print(f"shipped model size: {size / 1e6:.2f} MB")

    model = load_model()
    texts = [text_of_length(rng, pools, 150) for _ in range(3000)]
    model.predict(texts[:50])
    latencies = []
    for text in texts[:2000]:
        began = time.perf_counter()
        model.predict([text])
        latencies.append((time.perf_counter() - began) * 1000)
    print(
        f"single text (150 chars, with explanations): p50 {statistics.median(latencies):.2f} ms, "
        f"p99 {percentile(latencies, 0.99):.2f} ms"
    )
    latencies_plain = []
    for text in texts[:2000]:
        began = time.perf_counter()
        model.predict([text], explain=False)
        latencies_plain.append((time.perf_counter() - began) * 1000)
    print(
        "single text (150 chars, labels only):      "
        f"p50 {statistics.median(latencies_plain):.2f} ms, "
        f"p99 {percentile(latencies_plain, 0.99):.2f} ms"
    )

    batch = [text_of_length(rng, pools, 150) for _ in range(10_000)]
    for explain in (False, True):
        began, began_cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(batch), 1000):
            model.predict(batch[start : start + 1000], explain=explain)
        elapsed = time.perf_counter() - began
        cpu = time.process_time() - began_cpu
        label = "with explanations" if explain else "labels only"
        # On a shared machine the CPU-time rate is the steadier figure.
        print(
            f"batch throughput ({label}, 1 core): {len(batch) / elapsed:,.0f} texts/s "
            f"(per CPU second: {len(batch) / cpu:,.0f})"
        )


def bench_training(rng: random.Random, examples: list[TrainingExample]) -> None:
    large = recombined_examples(rng, examples, 100_000)
    mean_length = statistics.mean(len(example.text) for example in large)
    began, began_cpu = time.perf_counter(), time.process_time()
    trained = train_model(large)
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - began_cpu
    print(
        f"training on {len(large):,} texts (mean {mean_length:.0f} chars, all heads, validation "
        f"slice + calibration): {elapsed:.1f} s on {training_threads()} threads (cpu {cpu:.1f} s), "
        f"{trained.features.n_features:,} features"
    )
    scores = {
        name: report["macro_f1"]
        for name, report in trained.metadata["validation_scores"].items()
        if "macro_f1" in report
    }
    print(
        f"validation macro-F1: mean {statistics.mean(scores.values()):.4f}; "
        + " ".join(f"{name} {score:.3f}" for name, score in sorted(scores.items()))
    )


if __name__ == "__main__":
    main()
