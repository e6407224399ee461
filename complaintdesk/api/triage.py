"""Triage endpoints: live prediction while typing, agents' review, model versions."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.permissions import role_of
from complaintdesk.api.auth import request_user
from complaintdesk.api.complaints import ERRORS
from complaintdesk.api.presenters import complaint_out
from complaintdesk.api.schemas import TEXT_MAX, ComplaintOut
from complaintdesk.complaints.errors import NotAllowed
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.triage import engine
from complaintdesk.triage.models import TriageModelVersion
from complaintdesk.triage.services import complaint_triage_review, triage_text
from complaintdesk.triage.versions import triage_model_activate, triage_model_use_shipped

router = Router(tags=["triage"])


class PredictIn(Schema):
    text: str = Field(..., min_length=1, max_length=TEXT_MAX)
    industry: str | None = Field(None, description="telecom, ecommerce or automotive")


class PredictOut(Schema):
    lang: str
    category: str
    subcategory: str | None
    category_confidence: float
    needs_triage: bool
    nature: str
    emotion: str
    motive: str
    behaviour: str
    crisis: bool
    crisis_signals: list[str]
    masked_text: str
    confidences: dict[str, float]
    explanations: dict[str, list[str]]
    guidance: dict[str, Any] | None
    model_version: str


class TriageReviewIn(Schema):
    accept: list[str] = Field(default_factory=list, description="Labels confirmed as predicted")
    corrections: dict[str, Any] = Field(
        default_factory=dict, description='Corrected labels, e.g. {"category": "billing.charge"}'
    )


class ModelVersionOut(Schema):
    version: str
    data_hash: str
    trained_at: datetime
    example_count: int
    correction_count: int
    scores: dict[str, Any]
    is_active: bool
    activated_at: datetime | None
    shipped: bool = Field(False, description="The model shipped with the package")


@router.post(
    "/triage/predict", response={200: PredictOut, **ERRORS}, summary="Triage a text as typed"
)
def predict(request: HttpRequest, payload: PredictIn) -> dict[str, Any]:
    user = request_user(request)
    if role_of(user) not in {Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN}:
        raise NotAllowed(_("Your role may not run triage."))
    return triage_text(payload.text, industry=payload.industry).as_dict()


@router.post(
    "/complaints/{tracking_number}/triage/review",
    response={200: ComplaintOut, **ERRORS},
    summary="Accept or correct the predicted labels",
)
def review(request: HttpRequest, tracking_number: str, payload: TriageReviewIn) -> dict[str, Any]:
    user = request_user(request)
    complaint = complaint_get(user=user, tracking_number=tracking_number)
    complaint_triage_review(
        complaint=complaint, actor=user, accept=payload.accept, corrections=payload.corrections
    )
    return complaint_out(complaint_get(user=user, tracking_number=tracking_number), user)


def _shipped_model() -> dict[str, Any] | None:
    """The shipped model as a version, from the metadata.json the engine loads it with; it is
    in use whenever no trained version is (triage.services.active_triager)."""
    try:
        metadata = json.loads(
            (engine.SHIPPED_MODEL_DIR / "metadata.json").read_text(encoding="utf-8")
        )
    except FileNotFoundError:
        return None  # predictions then come from the lexicon rules
    active = TriageModelVersion.objects.filter(is_active=True).first()
    return {
        "version": str(metadata["version"]),
        "data_hash": str(metadata.get("data_hash", "")),
        "trained_at": datetime.fromisoformat(metadata["created"]),
        "example_count": int(metadata.get("n_examples", 0)),
        "correction_count": 0,
        "scores": dict(metadata.get("validation_scores", {})),
        "is_active": active is None or not Path(active.path, "metadata.json").exists(),
        "activated_at": None,
        "shipped": True,
    }


@router.get(
    "/triage/models",
    response={200: list[ModelVersionOut], **ERRORS},
    summary="Model versions",
    description="Trained versions, newest first, then the model shipped with the package.",
)
def list_models(request: HttpRequest) -> Any:
    if role_of(request_user(request)) not in {Role.ADMIN, Role.SUPERVISOR, Role.ANALYST}:
        raise NotAllowed(_("Your role may not see triage model versions."))
    versions: list[Any] = list(TriageModelVersion.objects.all())
    shipped = _shipped_model()
    return [*versions, shipped] if shipped else versions


@router.post(
    "/triage/models/{version}/activate",
    response={200: ModelVersionOut, **ERRORS},
    summary="Activate (or roll back to) a model version",
    description="The shipped model's version goes back to the shipped model.",
)
def activate(request: HttpRequest, version: str) -> Any:
    user = request_user(request)
    shipped = _shipped_model()
    stored = TriageModelVersion.objects.filter(version=version).exists()
    if shipped is not None and version == shipped["version"] and not stored:
        triage_model_use_shipped(actor=user)
        return _shipped_model()
    return triage_model_activate(version=version, actor=user)
