"""Training: determinism, versioned artefacts and agent corrections moving predictions."""

import dataclasses
import json
import os
import shutil

import numpy as np
import pytest
import scipy.sparse as sp

from complaintdesk.triage.engine import (
    CORRECTION_WEIGHT,
    TrainingExample,
    TriageModel,
    collect_training_examples,
    train,
    training,
)
from complaintdesk.triage.engine.lexicon import build_lexicon, load_lexicon_documents
from complaintdesk.triage.engine.rules import RULE_SOURCES, RuleBasedTriager, rules_fingerprint
from complaintdesk.triage.engine.training import (
    category_weight_of,
    class_weights,
    train_model,
    training_threads,
)

PROBE = "营业厅的小哥帮我把套餐改了,但改完以后每个月话费还是一样,我也搞不清楚怎么回事。"


def _small_sample() -> list[TrainingExample]:
    # About a thousand texts of every batch and language: enough for each head to see each
    # label, small enough that the suite trains a dozen models in a minute.
    examples = collect_training_examples()
    return examples[::24]


def test_same_model_version_gives_the_same_answer_twice(shipped_model, tmp_path):
    texts = ["宽带断网三天了,整栋楼都没网,再不修我就找媒体!", "The bill is wrong again, refund me."]
    first = [result.as_dict() for result in shipped_model.predict(texts)]
    again = TriageModel.load(shipped_model_dir())
    second = [result.as_dict() for result in again.predict(texts)]
    assert first == second


def shipped_model_dir():
    from complaintdesk.triage.engine import SHIPPED_MODEL_DIR

    return SHIPPED_MODEL_DIR


def test_training_twice_on_the_same_data_gives_the_same_weights():
    examples = _small_sample()
    first = train_model(examples, tune=False)
    second = train_model(examples, tune=False)
    assert first.metadata["data_hash"] == second.metadata["data_hash"]
    np.testing.assert_array_equal(first.weights, second.weights)


@pytest.mark.parametrize("large", [False, True], ids=["lbfgs", "sgd"])
def test_training_on_one_thread_or_two_gives_the_same_weights(monkeypatch, large):
    if large:  # the SGD solver of large sets, on a sample small enough for a test
        monkeypatch.setattr(training, "_LARGE_DATA", 100)
    examples = _small_sample()
    monkeypatch.setenv("COMPLAINTDESK_TRAINING_THREADS", "1")
    one = train_model(examples, tune=False)
    monkeypatch.setenv("COMPLAINTDESK_TRAINING_THREADS", "2")
    two = train_model(examples, tune=False)
    np.testing.assert_array_equal(one.weights, two.weights)
    np.testing.assert_array_equal(one.bias, two.bias)
    assert one.metadata["validation_scores"] == two.metadata["validation_scores"]


def test_training_threads_are_capped_by_the_setting(monkeypatch):
    monkeypatch.setenv("COMPLAINTDESK_TRAINING_THREADS", "1")
    assert training_threads() == 1
    available = len(os.sched_getaffinity(0))
    monkeypatch.setenv("COMPLAINTDESK_TRAINING_THREADS", "999")
    assert training_threads() == available
    monkeypatch.setenv("COMPLAINTDESK_TRAINING_THREADS", "")
    assert training_threads() == available
    for wrong in ("many", "0", "-2"):
        monkeypatch.setenv("COMPLAINTDESK_TRAINING_THREADS", wrong)
        with pytest.raises(ValueError, match="COMPLAINTDESK_TRAINING_THREADS must be"):
            training_threads()


def test_saved_model_carries_its_version_data_hash_and_validation_scores(tmp_path):
    model = train(_small_sample(), output=tmp_path / "model")
    metadata = json.loads((tmp_path / "model" / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["version"] == model.version
    assert len(metadata["data_hash"]) == 64
    assert metadata["created"]
    assert "nature" in metadata["label_sets"]
    loaded = TriageModel.load(tmp_path / "model")
    assert loaded.predict([PROBE])[0].as_dict() == model.predict([PROBE])[0].as_dict()


def test_a_model_run_with_other_rules_than_it_was_trained_with_says_so(tmp_path):
    model = train_model(_small_sample(), tune=False)
    model.save(tmp_path / "model")
    trained = model.metadata["version"]
    assert model.metadata["rules_fingerprint"] == rules_fingerprint(model.lexicon)
    assert model.version == trained
    assert TriageModel.load(tmp_path / "model").version == trained
    # The same weights with one more crisis cue in the lexicon read texts differently.
    documents = [*load_lexicon_documents(), {"version": "test", "crisis": {"media": ["某某台"]}}]
    other_lexicon = build_lexicon(documents)
    with_other_rules = dataclasses.replace(model, lexicon=other_lexicon)
    running = rules_fingerprint(other_lexicon)
    assert with_other_rules.version == f"{trained}+rules-{running[:6]}"
    [result] = with_other_rules.predict(["某某台的记者已经联系我了"])
    assert result.model_version == with_other_rules.version


def test_the_rules_fingerprint_follows_the_rule_sources(tmp_path):
    lexicon = build_lexicon(load_lexicon_documents())
    copies = [tmp_path / source.name for source in RULE_SOURCES]
    for source, copy in zip(RULE_SOURCES, copies, strict=True):
        shutil.copyfile(source, copy)
    assert rules_fingerprint(lexicon, copies) == rules_fingerprint(lexicon)
    rules_copy = copies[0]
    rules_copy.write_text(rules_copy.read_text(encoding="utf-8") + "\n# changed\n", "utf-8")
    assert rules_fingerprint(lexicon, copies) != rules_fingerprint(lexicon)
    # The rules-only triager names the same fingerprint in its results.
    rules_only = RuleBasedTriager(lexicon)
    assert rules_only.version == f"rules-{rules_fingerprint(lexicon)[:10]}"
    assert rules_only.predict(["网速太慢了"])[0].model_version == rules_only.version


@pytest.mark.slow
def test_agent_corrections_change_the_prediction_after_retraining(shipped_model):
    # A model trained on part of the corpus (the whole takes minutes), then the same part
    # with the agents' corrections: only the corrections differ between the two.
    sample = collect_training_examples()[::8]
    before = train_model(sample, tune=False).predict([PROBE])[0]
    corrected_category = "product" if before.category != "product" else "billing"
    corrected_emotion = "anxiety" if before.emotion != "anxiety" else "neutral"
    # An agent corrects the probe and a few complaints like it.
    corrections = [
        TrainingExample(
            text=text,
            industry="telecom",
            category=corrected_category,
            emotion=corrected_emotion,
            weight=CORRECTION_WEIGHT,
        )
        for text in (
            PROBE,
            "营业厅帮我改了套餐,可是每月扣的钱一点没变,我也不明白是怎么回事。",
            "店员说给我换了便宜的套餐,结果话费和以前一模一样,搞不懂。",
            "改套餐之后费用没有变化,我不清楚到底改成功没有。",
        )
    ]
    model = train_model([*sample, *corrections], tune=False)
    after = model.predict([PROBE])[0]
    assert after.category == corrected_category
    assert after.emotion == corrected_emotion
    assert model.version != shipped_model.version


def test_a_correction_of_one_label_keeps_the_other_corpus_labels():
    corpus = collect_training_examples()
    original = corpus[0]
    new_emotion = "anxiety" if original.emotion != "anxiety" else "neutral"
    correction = TrainingExample(text=original.text, emotion=new_emotion, weight=CORRECTION_WEIGHT)
    merged = collect_training_examples(extra=[correction])
    assert len(merged) == len(corpus)
    [updated] = [example for example in merged if example.text == original.text]
    assert updated.emotion == new_emotion
    assert updated.weight == CORRECTION_WEIGHT
    assert updated.category == original.category
    assert updated.crisis_signals == original.crisis_signals


def test_a_model_hashed_into_fewer_buckets_answers_the_same_after_loading(tmp_path):
    model = train_model(_small_sample(), tune=False, hash_bits=16)
    assert model.features.hash_bits == 16
    assert int(model.features.char_buckets.max()) < 1 << 16
    model.save(tmp_path / "model")
    metadata = json.loads((tmp_path / "model" / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["hash_bits"] == 16
    loaded = TriageModel.load(tmp_path / "model")
    assert loaded.features.hash_bits == 16
    texts = [PROBE, "The router keeps dropping and nobody came to fix it."]
    assert [result.as_dict() for result in loaded.predict(texts)] == [
        result.as_dict() for result in model.predict(texts)
    ]


def test_the_tuning_set_chooses_label_regularisation_and_joins_the_crisis_choice():
    from complaintdesk.triage.engine import collect_tuning_examples
    from complaintdesk.triage.engine.training import (
        _DEFAULT_C,
        _TUNING_MARGIN,
    )

    tuning = collect_tuning_examples()
    model = train_model(_small_sample(), tuning=tuning)
    reports = model.metadata["validation_scores"]
    tuned = {name: report for name, report in reports.items() if "tuning_macro_f1_by_c" in report}
    assert {"category:telecom", "nature", "emotion", "motive", "behaviour"} <= tuned.keys()
    for report in tuned.values():
        by_c = report["tuning_macro_f1_by_c"]
        assert set(by_c) == {"1", "4", "16"}
        default = by_c[f"{_DEFAULT_C:g}"]
        rivals = [score for c, score in by_c.items() if score > default + _TUNING_MARGIN]
        # The default stays unless another C beats it by more than the margin.
        expected = max(rivals) if rivals else default
        assert by_c[f"{report['c']:g}"] == expected
    # Crisis heads get theirs from how they rank the independent writers' texts, each read
    # by the head fitted without its batch: the best average precision wins.
    assert not any(name.startswith("crisis") for name in tuned)
    crisis_heads = [name for name in reports if name.startswith("crisis:")]
    assert crisis_heads
    for name in crisis_heads:
        by_c = reports[name]["unseen_batches_average_precision_by_c"]
        assert set(by_c) == {"1", "4", "16"} and all(0 < ap <= 1 for ap in by_c.values())
        assert by_c[f"{reports[name]['c']:g}"] == max(by_c.values())
    assert model.metadata["n_tuning"] == len(tuning)
    untuned = train_model(_small_sample(), tune=True)
    assert untuned.version != model.version
    # The crisis decision is chosen on the independent writers' texts, each read by the
    # heads fitted without its batch (as a stranger's words are read), and the tuning texts.
    assert reports["crisis"]["read_on"] == "unseen_batches"
    assert untuned.metadata["validation_scores"]["crisis"]["read_on"] == "unseen_batches"
    pooled = reports["crisis"]["n"] - untuned.metadata["validation_scores"]["crisis"]["n"]
    assert pooled == len(tuning)
    assert not any(
        "tuning_macro_f1_by_c" in r for r in untuned.metadata["validation_scores"].values()
    )
    # The category head's share in the category is chosen on the same texts, by a margin
    # rule around its default (half); without tuning texts the category head decides alone.
    by_weight = reports["category_weight"]["tuning_macro_f1_by_weight"]
    losses = reports["category_weight"]["tuning_log_loss_by_weight"]
    assert set(by_weight) == set(losses) == {"1", "0.75", "0.5", "0.25", "0"}
    assert all(0 < loss < 5 for loss in losses.values())
    expected = category_weight_of(
        {float(w): score for w, score in by_weight.items()},
        {float(w): loss for w, loss in losses.items()},
    )
    assert model.thresholds.category_weight == expected
    assert "category_weight" not in untuned.metadata["validation_scores"]
    assert untuned.thresholds.category_weight == 1.0


def test_category_blends_the_category_head_with_its_summed_subcategories():
    from complaintdesk.triage.engine.model import blend_categories, subcategory_membership

    membership = subcategory_membership(
        ("billing", "product"), ("billing.charge", "billing.tariff", "product.plan")
    )
    category = np.array([[0.7, 0.3]])
    subcategory = np.array([[0.25, 0.15, 0.6]])  # summed: billing 0.4, product 0.6
    assert blend_categories(category, subcategory, membership, 1.0) is category
    np.testing.assert_allclose(
        blend_categories(category, subcategory, membership, 0.0), [[0.4, 0.6]]
    )
    np.testing.assert_allclose(
        blend_categories(category, subcategory, membership, 0.5), [[0.55, 0.45]]
    )
    np.testing.assert_allclose(
        blend_categories(category, subcategory, membership, 0.25), [[0.475, 0.525]]
    )


def test_the_model_decides_the_category_with_its_saved_weight(shipped_model, tmp_path):
    from dataclasses import replace

    from complaintdesk.triage.tests.unseen_telecom import UNSEEN_TELECOM

    texts = [row[0] for row in UNSEEN_TELECOM]

    def categories(weight: float) -> list[str]:
        model = replace(
            shipped_model, thresholds=replace(shipped_model.thresholds, category_weight=weight)
        )
        return [result.category for result in model.predict(texts, explain=False)]

    alone, finer = categories(1.0), categories(0.0)
    assert alone != finer
    model = replace(
        shipped_model, thresholds=replace(shipped_model.thresholds, category_weight=0.0)
    )
    model.save(tmp_path / "model")
    loaded = TriageModel.load(tmp_path / "model")
    assert loaded.thresholds.category_weight == 0.0
    assert [result.category for result in loaded.predict(texts, explain=False)] == finer


def test_heavier_examples_outweigh_lighter_ones_that_contradict_them():
    from dataclasses import replace

    # Two groups of texts share a made-up word and disagree on the emotion; whichever group
    # weighs more decides how a new text with that word reads.
    def group(emotion: str, weight: float) -> list[TrainingExample]:
        return [
            replace(
                TrainingExample(
                    text=f"Note {number}: the qvxz qvxz plan again, ref {emotion[:3]}{number}.",
                    category="product",
                    subcategory="product.plan",
                    nature="general",
                    emotion=emotion,
                    motive="improvement",
                    behaviour="passive",
                    crisis_signals=(),
                ),
                weight=weight,
            )
            for number in range(4)
        ]

    base = _small_sample()
    probe = "qvxz qvxz qvxz"

    def anger_probability(anger_weight: float, neutral_weight: float) -> float:
        model = train_model(
            base + group("anger", anger_weight) + group("neutral", neutral_weight), tune=False
        )
        analysed = model.analyse([probe])
        rows = model.features.rows(model.features.hash(analysed), analysed)
        head = model.heads["emotion"]
        probabilities = model.probabilities(head, model.scores(rows.matrix()))
        return float(probabilities[0, head.classes.index("anger")])

    assert anger_probability(8.0, 1.0) > anger_probability(1.0, 8.0)


def test_classes_weigh_the_square_root_of_fully_balanced_weights():
    # 90 weighted examples of class 0, 10 of class 2, none of class 1: fully balanced weights
    # would be 100/180 and 100/20 (ratio 9); the square root keeps a ratio of 3, so the
    # common label keeps some of its prior.
    targets = np.array([0] * 60 + [2] * 10)
    weights = np.array([1.0] * 30 + [2.0] * 30 + [1.0] * 10)
    weighed = class_weights(targets, weights)
    assert weighed[1] == 0.0
    assert weighed[2] / weighed[0] == pytest.approx(3.0)
    assert weighed[0] == pytest.approx((100 / 180) ** 0.5)


def test_a_head_fitted_on_a_text_that_says_nothing_keeps_part_of_the_prior():

    from complaintdesk.triage.engine.training import _fit_head, _HeadData

    # One constant feature, 90 texts of one label and 10 of another: fully balanced weights
    # would give the rare label half the probability, the square root a quarter (90 : 30).
    targets = np.array([0] * 90 + [1] * 10)
    data = _HeadData(
        name="emotion",
        kind="softmax",
        rows=np.arange(100),
        targets=targets,
        classes=("anger", "neutral"),
        weights=np.ones(100),
    )
    matrix = sp.csr_matrix(np.ones((100, 1), dtype=np.float32))
    coefficients, intercepts = _fit_head(matrix, data, np.ones(100, dtype=bool), 4.0, sgd=False)
    scores = coefficients[0] + intercepts
    probabilities = np.exp(scores - scores.max()) / np.exp(scores - scores.max()).sum()
    assert probabilities[1] == pytest.approx(0.25, abs=0.02)


def test_a_bad_training_thread_count_stops_the_start_with_a_message():
    import subprocess
    import sys

    environment = {**os.environ, "COMPLAINTDESK_TRAINING_THREADS": "many"}
    finished = subprocess.run(
        [sys.executable, "-c", "import complaintdesk.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode != 0
    assert "COMPLAINTDESK_TRAINING_THREADS must be a whole number, not 'many'" in finished.stderr


def test_the_category_share_leaves_half_only_for_a_clear_gain():
    flat_loss = dict.fromkeys((0.0, 0.25, 0.5, 0.75, 1.0), 0.21)
    # The tuning scores of the 26 November training that chose 0 by 0.0075: noise.
    noisy = {0.0: 0.925, 0.25: 0.9214, 0.5: 0.9175, 0.75: 0.9106, 1.0: 0.913}
    assert category_weight_of(noisy, flat_loss) == 0.5
    clear = {0.0: 0.935, 0.25: 0.9214, 0.5: 0.9175, 0.75: 0.9106, 1.0: 0.913}
    assert category_weight_of(clear, flat_loss) == 0.0
    # ... but not when it is bought with surer, worse confidences (log loss on the tuning
    # texts more than the margin above half's); a level log loss lets it win.
    surer = {**flat_loss, 0.0: 0.2134, 0.5: 0.2070}
    assert category_weight_of(clear, surer) == 0.5
    level = {**flat_loss, 0.0: 0.2075, 0.5: 0.2070}
    assert category_weight_of(clear, level) == 0.0


def test_crisis_heads_are_ranked_on_writers_they_never_saw():
    from complaintdesk.triage.engine.training import (
        _head_data,
        _unseen_crisis_probabilities,
        _unseen_scores,
        batch_folds,
    )

    # Twelve writers' batches; each writer marks the media with a word of their own and no
    # one else's. A head that saw the writer ranks their texts perfectly; one fitted without
    # their batch has nothing to go on, and ranks them no better than chance.
    names = [f"writer{number}" for number in range(12)]
    batches = [name for name in names for _ in range(20)]
    assert batch_folds(batches) is not None
    generator = np.random.default_rng(5)
    media = generator.random(len(batches)) < 0.4
    own_word = np.zeros((len(batches), len(names)), dtype=bool)
    own_word[np.arange(len(batches)), np.repeat(np.arange(len(names)), 20)] = media
    noise = generator.random((len(batches), 10)) < 0.3
    matrix = sp.csr_matrix(np.column_stack([own_word, noise]).astype(np.float32))
    examples = [
        TrainingExample(text=f"text {row}", batch=batch, crisis_signals=("media",) * int(is_media))
        for row, (batch, is_media) in enumerate(zip(batches, media, strict=True))
    ]
    heads = _head_data(examples)
    grids = {data.name: (1.0, 4.0) for data in heads}
    nothing_held = np.zeros(len(examples), dtype=bool)
    unseen = _unseen_scores(matrix, heads, nothing_held, batches, grids, sgd=False)
    precision = unseen.average_precision
    assert set(precision) == {
        (name, c) for name in ("crisis:media", "crisis:any") for c in grids[name]
    }
    assert all(value < 0.65 for value in precision.values()), precision
    # The same scores, per text, give the crisis decision its probabilities as a stranger's
    # words get them: a head that had seen the writers would find their media texts at once.
    chosen = {data.name: 4.0 for data in heads}
    probabilities = _unseen_crisis_probabilities(heads, unseen, chosen, {}, len(examples))
    assert probabilities is not None
    assert set(probabilities) == {"crisis:media", "crisis:any"}
    unseen_media = probabilities["crisis:media"][media]
    assert float(np.median(unseen_media)) < 0.6, unseen_media
    # A head with no unseen scores at its chosen C: no unseen reading at all.
    assert (
        _unseen_crisis_probabilities(heads, unseen, {**chosen, "crisis:any": 9.0}, {}, 240) is None
    )
    # No choice to make, or too few batches: nothing is computed.
    single = {name: (4.0,) for name in grids}
    assert _unseen_scores(matrix, heads, nothing_held, batches, single, sgd=False).scores == {}
    few = [batch if batch in names[:7] else "" for batch in batches]
    assert _unseen_scores(matrix, heads, nothing_held, few, grids, sgd=False).scores == {}
