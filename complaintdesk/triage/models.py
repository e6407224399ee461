from __future__ import annotations

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

    objects = TaxonomyEntryQuerySet.as_manager()

    class Meta:
        ordering = ["dimension", "sort_order", "code"]
        verbose_name = _("taxonomy entry")
        verbose_name_plural = _("taxonomy entries")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "key"], name="taxonomy_unique_key"),
            models.UniqueConstraint(fields=["dimension", "code"], name="taxonomy_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        language = get_language() or "en"
        return self.label_zh if language.startswith("zh") else self.label_en
