"""The fast paths give the answers of the plain ones: a batch triages each text exactly as
that text alone, and a fresh process triages without the heavy imports."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from complaintdesk.triage.engine.features import analyse, analyse_batch
from complaintdesk.triage.engine.labels import CATEGORIES
from complaintdesk.triage.engine.lexicon import load_lexicon
from complaintdesk.triage.engine.text import (
    BATCH_SEPARATOR,
    normalise_and_detect,
    normalise_and_detect_batch,
    tokenise,
    tokenise_batch,
)
from complaintdesk.triage.tests.unseen_telecom import UNSEEN_TELECOM

ROOT = Path(__file__).resolve().parents[3]

# Texts whose neighbours in a joined batch could mislead a careless batch scan: a crisis
# pattern split across two texts ("…120" + "打不通…"), an English cue at a text's edge,
# traditional and simplified side by side, empty and blank texts, a Greek final sigma,
# odd whitespace and texts with the separators themselves in them.
AWKWARD_TEXTS = [
    "家里老人突然晕倒,打了120",
    "打不通,急死了!!!",
    "我要发到",
    "微博上曝光你们",
    "post it",
    "on facebook if you do not refund me",
    "網絡斷了三天，客服電話一直打不通。",
    "宽带断了三天",
    "",
    "   ",
    "ΟΔΟΣ test",
    "１２３ＡＢＣ full width",
    "東京タワーの近くです",
    "账单多扣了58元" + BATCH_SEPARATOR + "请退款",
    "call 999 now, no signal",
    "30户人家都没网",
    "NO SIGNAL\x00 FOR THREE DAYS IN MY FLAT",
    "tabs\tand\n\nnew  lines\u3000too",
]
TEXTS = AWKWARD_TEXTS + [row[0] for row in UNSEEN_TELECOM]


def test_batch_normalisation_and_tokens_equal_single_text_ones():
    single = [normalise_and_detect(text) for text in TEXTS]
    assert normalise_and_detect_batch(TEXTS) == single
    normalised = [text for text, _ in single]
    assert tokenise_batch(normalised) == [tokenise(text) for text in normalised]


def test_batch_lexicon_scan_finds_what_each_text_alone_finds():
    lexicon = load_lexicon()
    normalised = [normalise_and_detect(text)[0] for text in TEXTS]
    assert lexicon.find_batch(normalised) == [lexicon.find(text) for text in normalised]
    # The crisis pattern must not match across the two texts.
    assert not any(hit.key == "crisis.safety" for hit in lexicon.find_batch(normalised)[0])


def test_batch_analysis_equals_single_text_analysis():
    lexicon = load_lexicon()
    assert analyse_batch(TEXTS, lexicon) == [analyse(text, lexicon) for text in TEXTS]


@pytest.mark.parametrize("explain", [True, False])
def test_batch_and_single_predictions_are_equal(shipped_model, explain):
    industries = ["telecom", "ecommerce", "automotive"] * (len(TEXTS) // 3 + 1)
    batch = shipped_model.predict(TEXTS, industries[: len(TEXTS)], explain=explain)
    single = [
        shipped_model.predict([text], industry, explain=explain)[0]
        for text, industry in zip(TEXTS, industries, strict=False)
    ]
    assert [result.as_dict() for result in batch] == [result.as_dict() for result in single]


def test_fresh_process_triages_without_scipy_sklearn_or_datasketch():
    script = (
        "import json, sys;"
        "from complaintdesk.triage.engine import load_model;"
        "result = load_model().predict(['宽带又断了,三天了没人修!'])[0];"
        "heavy = [name for name in ('scipy', 'sklearn', 'datasketch') if name in sys.modules];"
        "from complaintdesk.triage.engine import DuplicateDetector;"
        "print(json.dumps({'heavy': heavy, 'category': result.category,"
        " 'detector': DuplicateDetector.__name__}))"
    )
    completed = subprocess.run(  # noqa: S603 -- our own interpreter and a fixed script
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    report = json.loads(completed.stdout)
    assert report["heavy"] == []
    assert report["category"] in CATEGORIES["telecom"]
    assert report["detector"] == "DuplicateDetector"


def test_feature_rows_of_a_training_sized_batch_equal_each_text_alone(shipped_model):
    """Large batches count their grams with scipy (training shares those counts with
    fitting), single texts with numpy; the rows must not depend on the route."""
    from complaintdesk.triage.engine.corpus import collect_training_examples
    from complaintdesk.triage.engine.features import _SCIPY_COUNTING_FROM

    lexicon = load_lexicon()
    texts = TEXTS + [example.text for example in collect_training_examples()[:1500]]
    analysed = analyse_batch(texts, lexicon)
    features = shipped_model.features
    batch = features.hash(analysed)
    assert len(batch.char_buckets) >= _SCIPY_COUNTING_FROM  # the scipy route is the one tested
    together = features.rows(batch, analysed).matrix()
    for row, item in enumerate(analysed):
        alone = features.transform([item])
        expected = together[row]
        assert alone.indices.tolist() == expected.indices.tolist(), texts[row]
        assert alone.data.tobytes() == expected.data.tobytes(), texts[row]


def test_a_result_as_plain_data_is_what_asdict_gives_and_shares_nothing(shipped_model):
    import dataclasses

    from complaintdesk.triage.engine import predict

    [result] = predict(["光猫冒烟了,电话13812345678,我要找记者"], with_guidance=True)
    assert result.guidance and result.explanations and result.crisis_signals
    record = result.as_dict()
    assert record == dataclasses.asdict(result)
    record["explanations"]["crisis"].append("x")
    record["crisis_signals"].append("x")
    record["guidance"].clear()
    record["confidences"].clear()
    assert record != dataclasses.asdict(result)
    assert result.as_dict() == dataclasses.asdict(result) != record
    assert "x" not in result.crisis_signals and result.guidance and result.confidences
