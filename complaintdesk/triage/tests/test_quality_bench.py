"""The public-dataset quality bench (bench/triage_quality.py): its dedupe rule, its
naive-Bayes weighted head and its stacking, on tiny made-up data (no dataset rows)."""

import numpy as np
import pytest
import scipy.sparse as sp

from complaintdesk.triage.tests.benches import load_bench

bench = load_bench("triage_quality")


def test_dedupe_strips_drops_empty_and_keeps_the_first_copy():
    rows = bench.dedupe(
        [(" 好评 ", "1"), ("好评", "0"), ("\u3000", "1"), (None, "1"), ("差评", "0")]
    )
    assert [(row.text, row.label) for row in rows] == [("好评", "1"), ("差评", "0")]


def _toy(n_rows=240, n_classes=3, seed=0):
    """Rows of random noise columns plus one telling column per class."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, n_classes, n_rows)
    noise = sp.random(n_rows, 30, density=0.2, random_state=seed, format="csr")
    telling = sp.csr_matrix(
        (np.ones(n_rows), (np.arange(n_rows), labels)), shape=(n_rows, n_classes)
    )
    return sp.hstack([telling, noise]).tocsr(), np.asarray([f"c{label}" for label in labels])


@pytest.mark.parametrize("n_classes", [2, 4])
def test_naive_bayes_weighted_head_learns_the_telling_columns(n_classes):
    matrix, labels = _toy(n_classes=n_classes)
    head = bench.NaiveBayesWeightedSGD(alpha=1e-4).fit(matrix, labels)
    assert (head.predict(matrix) == labels).mean() > 0.95
    probability = head.predict_proba(matrix)
    assert probability.shape == (len(labels), n_classes)
    np.testing.assert_allclose(probability.sum(axis=1), 1.0)
    np.testing.assert_array_equal(head.classes_[probability.argmax(axis=1)], head.predict(matrix))


def test_out_of_fold_scores_put_each_parts_scores_on_its_rows():
    masks = [np.array([True, False, True, False]), np.array([False, True, False, True])]
    decisions = [
        {("char", "h"): np.array([[1.0, 2.0], [3.0, 4.0]])},
        {("char", "h"): np.array([[5.0, 6.0], [7.0, 8.0]])},
    ]
    scores = bench.out_of_fold_scores([("char", "h")], decisions, masks)
    np.testing.assert_array_equal(scores, [[1, 2], [5, 6], [3, 4], [7, 8]])


def test_the_stack_is_scored_on_each_part_by_a_stacker_that_did_not_see_it():
    matrix, labels = _toy(n_rows=300, n_classes=3, seed=1)
    masks = [np.arange(len(labels)) % 3 == part for part in range(3)]
    decisions = []
    for mask in masks:
        head = bench.make_head("sgd", 1e-4, None).fit(matrix[~mask], labels[~mask])
        decisions.append({("char", "sgd"): bench.decision_scores(head, matrix[mask])})
    scores = bench.out_of_fold_scores([("char", "sgd")], decisions, masks)
    parts = list(bench.stacked_held_out(scores, masks, labels))
    assert [len(part) for part in parts] == [int(mask.sum()) for mask in masks]
    classes = np.unique(labels)
    for mask, probability in zip(masks, parts, strict=True):
        assert (classes[probability.argmax(axis=1)] == labels[mask]).mean() > 0.9


def test_auxiliary_rows_join_every_fit_but_no_validation_part(monkeypatch):
    # Small hash tables: the bench's 2**24 buckets are for the real review sets.
    monkeypatch.setattr(bench, "HASH_BITS", 12)
    train = [bench.Row(f"这个苹果第{i}次买了不错", "a") for i in range(30)] + [
        bench.Row(f"那根香蕉第{i}次买了太差", "b") for i in range(30)
    ]
    auxiliary = [bench.Row(f"橙子真甜,第{i}箱", "a") for i in range(20)] + [
        bench.Row(f"葡萄好酸,第{i}串", "b") for i in range(20)
    ]
    masks, how = bench.validation_masks(train)
    alone, assisted = bench.Pipeline(), bench.Pipeline()
    alone.fit(train, masks, how)
    assisted.fit(train, masks, how, auxiliary)
    # Scored on the task's own rows only: both separate apples from bananas perfectly.
    assert alone.score == assisted.score == 1.0
    assert "40 auxiliary rows" in assisted.choice
    assert list(assisted.predict(["橙子真甜", "葡萄好酸"])) == ["a", "b"]
    assert list(alone.predict(["这个苹果", "那根香蕉"])) == ["a", "b"]
