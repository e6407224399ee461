"""The lexicon's YAML files: each term listed once where it is listed."""

from collections import Counter
from typing import Any

from complaintdesk.triage.engine.lexicon import load_lexicon_documents


def _lists(node: Any, path: str = "") -> list[tuple[str, list[Any]]]:
    if isinstance(node, dict):
        return [item for key, value in node.items() for item in _lists(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [(path, node)]
    return []


def test_no_term_is_listed_twice_under_the_same_key():
    # A second copy adds nothing but is in the lexicon fingerprint: removing it later
    # changes the model version and needs a retrain.
    repeated = {
        path: [term for term, count in Counter(terms).items() if count > 1]
        for document in load_lexicon_documents()
        for path, terms in _lists(document)
    }
    assert {path: terms for path, terms in repeated.items() if terms} == {}


def test_every_lexicon_file_has_a_version():
    assert all(isinstance(document.get("version"), str) for document in load_lexicon_documents())
