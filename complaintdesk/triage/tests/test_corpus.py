"""The labelled corpus (triage/corpus/*.jsonl, the independent writers' in
triage/corpus/independent/), the tuning set (triage/tuning/*.jsonl) and the independent
evaluation texts (triage/evaluation/*.jsonl): every label is one the heads know, ids and
texts are unique, and no tuning or evaluation text is in the corpus (they choose the
regularisation and decide activation only because they were written apart)."""

from collections import Counter
from pathlib import Path

import pytest

from complaintdesk.triage.engine.corpus import (
    EVALUATION_DIR,
    INDEPENDENT_WEIGHT,
    TUNING_DIR,
    collect_training_examples,
    corpus_files,
    load_examples,
)
from complaintdesk.triage.engine.labels import CATEGORIES, CRISIS_SIGNALS, SHARED_HEADS

FILES = (
    [path for path, _ in corpus_files()]
    + sorted(TUNING_DIR.glob("*.jsonl"))
    + sorted(EVALUATION_DIR.glob("*.jsonl"))
)
EXAMPLES = {path: load_examples(path) for path in FILES}
LANGUAGES = {"zh-Hans", "zh-Hant", "en"}


def test_the_corpus_the_tuning_set_and_the_evaluation_texts_are_there():
    apart = {TUNING_DIR, EVALUATION_DIR}
    corpus = [example for path in FILES if path.parent not in apart for example in EXAMPLES[path]]
    tuning = [example for path in FILES if path.parent == TUNING_DIR for example in EXAMPLES[path]]
    evaluation = [ex for path in FILES if path.parent == EVALUATION_DIR for ex in EXAMPLES[path]]
    assert len(corpus) >= 4_500
    assert len(tuning) >= 300
    assert {example.lang for example in tuning} == LANGUAGES
    assert len(evaluation) >= 1440
    assert {example.lang for example in evaluation} >= {"zh-Hans", "zh-Hant", "en"}


@pytest.mark.parametrize("path", FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_every_label_is_one_the_heads_know(path: Path):
    problems = []
    for example in EXAMPLES[path]:
        where = f"{path.name} {example.id}"
        categories = CATEGORIES.get(example.industry)
        if categories is None:
            problems.append(f"{where}: industry {example.industry!r}")
            continue
        if example.lang not in LANGUAGES:
            problems.append(f"{where}: lang {example.lang!r}")
        if example.category not in categories:
            problems.append(f"{where}: category {example.category!r}")
        if example.subcategory and not example.subcategory.startswith(f"{example.category}."):
            problems.append(f"{where}: subcategory {example.subcategory!r} outside its category")
        for head, allowed in SHARED_HEADS.items():
            if example.label(head) not in allowed:
                problems.append(f"{where}: {head} {example.label(head)!r}")
        if example.crisis_signals is None or not set(example.crisis_signals) <= set(CRISIS_SIGNALS):
            problems.append(f"{where}: crisis_signals {example.crisis_signals!r}")
    assert not problems, "\n".join(problems[:20])


def test_ids_and_texts_are_unique_across_the_corpus_tuning_and_evaluation_sets():
    everything = [example for examples in EXAMPLES.values() for example in examples]
    repeated_ids = [key for key, count in Counter(ex.id for ex in everything).items() if count > 1]
    repeated_texts = [
        key for key, count in Counter(ex.text.strip() for ex in everything).items() if count > 1
    ]
    assert not repeated_ids
    assert not repeated_texts


def test_the_independent_writers_texts_count_more_in_training():
    weights = Counter(example.weight for example in collect_training_examples())
    assert set(weights) == {1.0, INDEPENDENT_WEIGHT}
    assert INDEPENDENT_WEIGHT > 1.0
    independent = [path for path, weight in corpus_files() if weight == INDEPENDENT_WEIGHT]
    assert weights[INDEPENDENT_WEIGHT] == sum(len(EXAMPLES[path]) for path in independent)
