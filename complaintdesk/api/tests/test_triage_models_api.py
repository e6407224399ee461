"""The triage model list names the model shipped with the package, active unless a trained
version is, and the shipped version can be made active again."""

from __future__ import annotations

import json

import pytest

from complaintdesk.api.tests.test_complaints_api import api_client
from complaintdesk.core import clock
from complaintdesk.triage.engine import SHIPPED_MODEL_DIR
from complaintdesk.triage.models import TriageModelVersion

pytestmark = pytest.mark.django_db

SHIPPED = json.loads((SHIPPED_MODEL_DIR / "metadata.json").read_text(encoding="utf-8"))


def trained_version(tmp_path, *, active: bool) -> TriageModelVersion:
    (tmp_path / "metadata.json").write_text("{}", encoding="utf-8")
    return TriageModelVersion.objects.create(
        version="20261201-090000-abcdef12",
        path=str(tmp_path),
        data_hash="abcdef12" * 8,
        trained_at=clock.now(),
        example_count=10,
        scores={"nature": {"macro_f1": 0.5}},
        is_active=active,
        activated_at=clock.now() if active else None,
    )


def test_without_trained_versions_the_shipped_model_is_listed_as_active(analyst):
    response = api_client(analyst).get("/api/triage/models")
    assert response.status_code == 200, response.content
    [shipped] = response.json()
    assert shipped["shipped"] is True and shipped["is_active"] is True
    assert shipped["version"] == SHIPPED["version"]
    assert shipped["data_hash"] == SHIPPED["data_hash"]
    assert shipped["example_count"] == SHIPPED["n_examples"]
    assert (
        shipped["scores"]["nature"]["macro_f1"]
        == SHIPPED["validation_scores"]["nature"]["macro_f1"]
    )
    assert shipped["trained_at"].startswith(SHIPPED["created"][:10])


def test_an_active_trained_version_takes_over_from_the_shipped_model(administrator, tmp_path):
    trained = trained_version(tmp_path, active=True)
    listed = api_client(administrator).get("/api/triage/models").json()
    assert [(v["version"], v["shipped"], v["is_active"]) for v in listed] == [
        (trained.version, False, True),
        (SHIPPED["version"], True, False),
    ]
    assert listed[0]["data_hash"] == trained.data_hash


def test_activating_the_shipped_version_rolls_back_to_it(administrator, agent, tmp_path):
    trained = trained_version(tmp_path, active=True)
    url = f"/api/triage/models/{SHIPPED['version']}/activate"
    assert api_client(agent).post(url).status_code == 403
    response = api_client(administrator).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["shipped"] is True and response.json()["is_active"] is True
    trained.refresh_from_db()
    assert not trained.is_active


def test_an_agent_may_not_list_model_versions(agent):
    assert api_client(agent).get("/api/triage/models").status_code == 403
