import pytest

from complaintdesk.triage.engine import SHIPPED_MODEL_DIR, TriageModel, load_model


@pytest.fixture(scope="session")
def shipped_model() -> TriageModel:
    if not (SHIPPED_MODEL_DIR / "metadata.json").exists():
        pytest.fail("no shipped model: run scripts/train_shipped_model.py")
    return load_model()
