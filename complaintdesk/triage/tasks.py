"""Background work of triage: retraining on agents' corrections."""

from __future__ import annotations

from django_tasks import task

from complaintdesk.triage.models import TriageCorrection, TriageModelVersion
from complaintdesk.triage.versions import triage_model_train


@task()
def retrain_triage_model() -> str:
    """Retrain when there are corrections newer than the last trained version; idempotent."""
    last = TriageModelVersion.objects.order_by("-trained_at").first()
    newer = TriageCorrection.objects.all()
    if last is not None:
        newer = newer.filter(created_at__gt=last.trained_at)
    if not newer.exists():
        return "no new corrections"
    return triage_model_train().version
