from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.choices import Role
from complaintdesk.calendars.selectors import calendar_name_problem


class Department(models.Model):
    """A unit that handles complaints (客服, 技术, 市场, 法务…); routing sends complaints here."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)
    calendar_name = models.SlugField(
        _("business calendar"),
        max_length=60,
        default="cn-office",
        help_text=_("Working hours and holidays used for this department's time limits."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        # The page's language picks the name (网络运维部 / Network operations) wherever a
        # department is shown: lists, pickers, the detail page.
        language = translation.get_language() or ""
        if self.name_zh and language.startswith("zh"):
            return self.name_zh
        return self.name

    def clean(self) -> None:
        super().clean()
        current = ""
        if self.pk is not None:
            current = (
                Department.objects.filter(pk=self.pk)
                .values_list("calendar_name", flat=True)
                .first()
                or ""
            )
        problem = calendar_name_problem(self.calendar_name, current=current)
        if problem:
            raise ValidationError({"calendar_name": problem})


class User(AbstractUser):
    """A staff member. The role decides what they may do, the department what they may see."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_('Language codes, e.g. ["zh", "en"].')
    )
    skills = models.JSONField(
        _("skills"), default=list, blank=True, help_text=_("Content category keys handled.")
    )
    is_available = models.BooleanField(_("available for assignment"), default=True)

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for an integration. Only its hash is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, *, user: User, name: str = "") -> tuple[ApiToken, str]:
        prefix = secrets.token_hex(4)
        raw = f"cd_{prefix}_{secrets.token_urlsafe(32)}"
        token = cls.objects.create(user=user, name=name, prefix=prefix, key_hash=hash_token(raw))
        return token, raw
