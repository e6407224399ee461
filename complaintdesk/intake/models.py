from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """Remembers which complaint an integration's `Idempotency-Key` created.

    A retried request with the same key and body returns that complaint; the same key with a
    different body is refused, so a client bug never silently files a second complaint.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_fingerprint = models.CharField(max_length=64)
    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_user_key")
        ]

    def __str__(self) -> str:
        return self.key


class DuplicateFingerprint(models.Model):
    """One LSH band key of a complaint's text: the index that finds possible duplicates.

    A new complaint looks up complaints sharing a key (an indexed equality lookup), then the
    triage duplicate detector decides on those few candidates.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.CASCADE, related_name="+"
    )
    key = models.BigIntegerField()
    customer_id = models.BigIntegerField()
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("duplicate fingerprint")
        verbose_name_plural = _("duplicate fingerprints")
        indexes = [models.Index(fields=["key", "received_at"], name="fingerprint_key_received")]

    def __str__(self) -> str:
        return f"{self.complaint_id}:{self.key}"
