from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaintdesk.notifications.choices import NoticeChannel, NoticePurpose, NoticeStatus
from complaintdesk.notifications.masking import mask_one_time_links
from complaintdesk.notifications.rendering import template_check


class NoticeTemplate(models.Model):
    """The wording of one kind of notice (回复模板) in one language, edited by administrators.

    A template with a blank channel serves every channel; one for a given channel (a short
    SMS text, say) takes precedence on that channel. The subject is used for e-mail and as
    the title in the customer portal. Both texts are Django templates restricted to the
    variables the notice service provides (rendering.VARIABLES); a template using anything
    else cannot be saved.
    """

    purpose = models.CharField(_("purpose"), max_length=30, choices=NoticePurpose.choices)
    language = models.CharField(
        _("language"), max_length=10, help_text=_("Language code, e.g. zh-hans or en.")
    )
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=NoticeChannel.choices,
        blank=True,
        help_text=_("Blank: every channel without a template of its own."),
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["purpose", "language", "channel"]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "language", "channel"], name="notice_template_unique"
            )
        ]

    def __str__(self) -> str:
        channel = self.get_channel_display() if self.channel else _("any channel")
        return f"{self.get_purpose_display()} · {self.language} · {channel}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Whatever the way in (admin, shell, a service), a broken template is refused.
        self.clean()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.language = (self.language or "").strip().lower()
        errors: dict[str, Any] = {}
        for field in ("subject", "body"):
            try:
                template_check(getattr(self, field))
            except ValidationError as exc:
                errors[field] = exc.messages
        if errors:
            raise ValidationError(errors)


class Notice(models.Model):
    """One message to the customer about a complaint (通知), with its delivery record.

    The text is rendered once, when the notice is made, and never changes: it is what the
    customer receives, one-time links included, so staff read `subject_for_staff` and
    `body_for_staff` instead. What changes is the delivery status (queued → sending → sent /
    logged / delivered, or failed), each step kept in `status_log`. The delivery task claims
    the row (queued → sending) before it sends, so a message goes out at most once however
    often the task runs. `not_before` holds an SMS back until the quiet hours end, or a retry
    until its backoff has passed.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=NoticePurpose.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NoticeChannel.choices)
    # The channel asked for (or preferred) when opt-out or a missing address changed it.
    requested_channel = models.CharField(_("channel asked for"), max_length=20, blank=True)
    fallback_reason = models.CharField(_("why another channel"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    template = models.ForeignKey(
        NoticeTemplate,
        verbose_name=_("template"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    status_log = models.JSONField(_("status history"), default=list, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["status", "not_before"], name="notice_status_not_before"),
            models.Index(fields=["complaint", "created_at"], name="notice_complaint_created"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.purpose} {self.channel} {self.status}"

    @property
    def subject_for_staff(self) -> str:
        return mask_one_time_links(self.subject)

    @property
    def body_for_staff(self) -> str:
        return mask_one_time_links(self.body)
