"""The ways a notice leaves the system: e-mail through Django's mail backends, SMS through a
provider named in the SMS_PROVIDER setting, and the customer portal (nothing to send).

A provider reports what it actually knows: the default SMS provider only writes the message
to the log, so it says "logged" — a real gateway says "sent" on acceptance and may later
report "delivered" through `notice_record_status`. Failures are split into transient ones
(try again later) and permanent ones (the address is refused; trying again cannot help).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.utils import make_msgid
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from complaintdesk.core.masking import mask_phone
from complaintdesk.notifications.choices import NoticeStatus

if TYPE_CHECKING:
    from complaintdesk.notifications.models import Notice

logger = logging.getLogger("complaintdesk.notifications")

DEFAULT_SMS_PROVIDER = "complaintdesk.notifications.providers.LoggingSmsProvider"


@dataclass(frozen=True)
class DeliveryOutcome:
    """What a channel could say about a message it accepted."""

    status: str
    reference: str = ""


class TransientDeliveryError(Exception):
    """The channel could not take the message now (server down, busy, 4xx); retry later."""


class PermanentDeliveryError(Exception):
    """The channel refused the message for good (bad address, 5xx); retrying cannot help."""


class SmsProvider(Protocol):
    """An SMS gateway. `send` raises Transient/PermanentDeliveryError on failure."""

    def send(self, *, to: str, text: str, reference: str) -> DeliveryOutcome: ...


class LoggingSmsProvider:
    """The default: writes the SMS to the log. Nothing reaches a phone, so it says "logged"."""

    def send(self, *, to: str, text: str, reference: str) -> DeliveryOutcome:
        logger.info("SMS %s to %s (not sent, logged only): %s", reference, mask_phone(to), text)
        return DeliveryOutcome(status=NoticeStatus.LOGGED, reference=reference)


@lru_cache(maxsize=4)
def _provider_class(path: str) -> type[SmsProvider]:
    try:
        provider: type[SmsProvider] = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"SMS_PROVIDER {path!r} cannot be imported: {exc}") from exc
    return provider


def sms_provider() -> SmsProvider:
    """An instance of the provider class named in settings.SMS_PROVIDER."""
    return _provider_class(getattr(settings, "SMS_PROVIDER", DEFAULT_SMS_PROVIDER))()


def _smtp_error(exc: Exception) -> Exception:
    """Sort an error from the mail backend into transient or permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            return TransientDeliveryError(str(exc))
        return PermanentDeliveryError(str(exc))
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int) and code >= 500:
        return PermanentDeliveryError(f"{code} {getattr(exc, 'smtp_error', b'')!r}")
    return TransientDeliveryError(f"{type(exc).__name__}: {exc}")


def email_send(notice: Notice) -> DeliveryOutcome:
    """Send through the configured Django mail backend (SMTP in production)."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message_id = make_msgid(idstring=f"notice-{notice.pk}", domain=domain)
    message = EmailMessage(
        subject=notice.subject,
        body=notice.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient],
        headers={
            "Message-ID": message_id,
            "Auto-Submitted": "auto-generated",
            "X-Complaintdesk-Notice": str(notice.pk),
        },
        connection=get_connection(fail_silently=False),
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        raise _smtp_error(exc) from exc
    return DeliveryOutcome(status=NoticeStatus.SENT, reference=message_id)


def sms_send(notice: Notice) -> DeliveryOutcome:
    return sms_provider().send(
        to=notice.recipient, text=notice.body, reference=f"notice-{notice.pk}"
    )
