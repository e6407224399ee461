"""A greeting or opening alone names no subject and goes to the needs-triage queue."""

import json
from pathlib import Path

import pytest
import yaml

from complaintdesk.triage.engine import collect_training_examples
from complaintdesk.triage.engine.openings import (
    NO_SUBJECT_EXPLANATION,
    OPENINGS_PATH,
    names_no_subject,
)
from complaintdesk.triage.engine.rules import RuleBasedTriager
from complaintdesk.triage.engine.text import normalise_for_features


@pytest.mark.parametrize(
    "text",
    [
        "你好,我想问一下。",
        "喂?喂?有人吗",
        "有个问题想咨询一下",
        "我想反映个情况",
        "我要投诉!",
        "請問一下",
        "唔該,想問下",
        "係咪有人呀?",
        "Hi, I have a question.",
        "Hello?",
        "Is anyone there??",
        "I'd like to make a complaint please",
        "I want to speak to a real person!",
        "Yes hello? Anyone?",
    ],
)
def test_greetings_and_filler_alone_name_no_subject(text):
    assert names_no_subject(normalise_for_features(text))


@pytest.mark.parametrize(
    "text",
    [
        "你好,没信号",
        "你好,我想问一下话费",
        "我要投诉客服",
        "請問一下,退費怎麼還沒到",
        "退钱",
        "Hi, my bill is wrong",
        "Hello? The internet is down again",
        "I want to complain about the router",
        "12300",
        "hi 13800138000",
        "",
        "???",
    ],
)
def test_a_text_with_any_subject_or_nothing_to_read_is_not_an_opening(text):
    assert not names_no_subject(normalise_for_features(text))


def test_long_texts_are_never_openings():
    assert not names_no_subject(normalise_for_features("你好," * 40))


def test_no_corpus_complaint_counts_as_an_opening():
    openings = [
        example.text
        for example in collect_training_examples()
        if names_no_subject(normalise_for_features(example.text))
    ]
    assert openings == []


def test_every_listed_opening_is_text():
    # YAML reads a bare yes, no, on or off as a boolean, which would never match a word.
    document = yaml.safe_load(OPENINGS_PATH.read_text(encoding="utf-8"))
    entries = document["chinese"] + document["english"]
    assert all(isinstance(entry, str) and entry for entry in entries)


def test_the_word_lists_can_be_replaced(tmp_path: Path):
    path = tmp_path / "openings.yaml"
    path.write_text(json.dumps({"chinese": ["早上好"], "english": ["howdy"]}), encoding="utf-8")
    assert names_no_subject("早上好!", path)
    assert names_no_subject("howdy", path)
    assert not names_no_subject("你好", path)


def test_an_opening_goes_to_the_queue_with_the_reason_shown(shipped_model):
    opening, complaint = shipped_model.predict(["Hi, I have a question.", "Hi, my bill is wrong"])
    assert opening.needs_triage
    assert opening.explanations["category"] == [NO_SUBJECT_EXPLANATION]
    assert not complaint.needs_triage
    assert NO_SUBJECT_EXPLANATION not in complaint.explanations["category"]


def test_the_rules_alone_queue_an_opening_too():
    [opening] = RuleBasedTriager().predict(["喂,你好"])
    assert opening.needs_triage
    assert opening.explanations["category"] == [NO_SUBJECT_EXPLANATION]
