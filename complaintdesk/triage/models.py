from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from complaintdesk.triage.choices import Dimension


class TaxonomyEntryQuerySet(models.QuerySet["TaxonomyEntry"]):
    def active(self) -> TaxonomyEntryQuerySet:
        return self.filter(is_active=True)

    def of(self, dimension: str) -> TaxonomyEntryQuerySet:
        return self.filter(dimension=dimension)


class TaxonomyEntry(models.Model):
    """One coded value of a classification dimension (e.g. content `NET-02` 网络速度).

    Entries are retired, never deleted, so old complaints keep their classification.
    The key is stable across code changes; triage predicts keys.
    """

    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    key = models.CharField(_("key"), max_length=60)
    code = models.CharField(_("code"), max_length=40)
    label_en = models.CharField(_("English label"), max_length=120)
    label_zh = models.CharField(_("Chinese label"), max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    # Reporting groups, scheme → group: telecom ch.4 groups complaints as
    # service/technical/policy and ch.6 as service/technical/charges ({"ch4": "policy", …}).
    grouping = models.JSONField(_("grouping"), default=dict, blank=True)

    objects = TaxonomyEntryQuerySet.as_manager()

    class Meta:
        ordering = ["dimension", "sort_order", "code"]
        verbose_name = _("taxonomy entry")
        verbose_name_plural = _("taxonomy entries")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key"], name="taxonomy_unique_key"),
            # A retired entry keeps its code on old complaints while an active one reuses it.
            models.UniqueConstraint(
                fields=["dimension", "code"],
                condition=models.Q(is_active=True),
                name="taxonomy_unique_active_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        language = get_language() or "en"
        return self.label_zh if language.startswith("zh") else self.label_en

    def clean(self) -> None:
        if self.parent is None:
            return
        if self.parent.dimension != self.dimension:
            raise ValidationError({"parent": _("The parent must belong to the same dimension.")})
        node: TaxonomyEntry | None = self.parent
        while node is not None:
            if node.pk is not None and node.pk == self.pk:
                raise ValidationError({"parent": _("An entry cannot sit under itself.")})
            node = node.parent
        if self.is_active and not self.parent.is_active:
            raise ValidationError({"parent": _("An active entry cannot sit under a retired one.")})


class OrganisationProfile(models.Model):
    """The organisation's set-up choices; one row. Its industry decides which preset the
    taxonomy came from and which category head triage uses."""

    industry = models.CharField(_("industry"), max_length=30, default="telecom")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("organisation profile")
        verbose_name_plural = _("organisation profile")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="organisation_profile_single")
        ]

    def __str__(self) -> str:
        return self.industry


class TriageModelVersion(models.Model):
    """A trained triage model on disk, with how it was made and how well it scored.

    Exactly one version is active; a retrained one becomes active only when it is not worse
    than the active one on the fixed evaluation set, and any earlier version can be restored.
    """

    version = models.CharField(_("version"), max_length=80, unique=True)
    path = models.CharField(_("path"), max_length=500)
    data_hash = models.CharField(_("training data hash"), max_length=64)
    trained_at = models.DateTimeField(_("trained"))
    example_count = models.PositiveIntegerField(_("training examples"), default=0)
    correction_count = models.PositiveIntegerField(_("agent corrections used"), default=0)
    scores = models.JSONField(_("evaluation scores"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-trained_at"]
        verbose_name = _("triage model version")
        verbose_name_plural = _("triage model versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="triage_one_active_model",
            )
        ]

    def __str__(self) -> str:
        return self.version


class TriageCorrection(models.Model):
    """An agent's verdict on one predicted label: accepted as is, or corrected.

    Only the masked text is kept, so the training store holds no personal data.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint", on_delete=models.PROTECT, related_name="triage_corrections"
    )
    head = models.CharField(_("label"), max_length=30)
    predicted = models.JSONField(_("predicted"), null=True, blank=True)
    corrected = models.JSONField(_("corrected"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted as predicted"), default=False)
    industry = models.CharField(max_length=30, default="telecom")
    masked_text = models.TextField(_("masked text"))
    model_version = models.CharField(max_length=80, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("triage correction")
        verbose_name_plural = _("triage corrections")
        indexes = [models.Index(fields=["created_at"], name="triage_correction_created")]

    def __str__(self) -> str:
        return f"{self.head}: {self.predicted} → {self.corrected}"
