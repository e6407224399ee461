from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticePurpose(models.TextChoices):
    """What a notice tells the customer (SPEC §5 reply content types, §8, §10, §11)."""

    ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of receipt")
    PROGRESS = "progress", _("Progress and expected time")
    INFO_NEEDED = "info_needed", _("More information needed")
    RESULT = "result", _("Result")
    SUGGESTION_THANKS = "suggestion_thanks", _("Thanks for a suggestion")
    SURVEY = "survey", _("Satisfaction survey invitation")
    COMPENSATION_OFFER = "compensation_offer", _("Compensation offer")
    FOLLOW_UP = "follow_up", _("Follow-up")


class NoticeChannel(models.TextChoices):
    """How a notice reaches the customer; the portal inbox is always available."""

    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PORTAL = "portal", _("Customer portal")


class NoticeStatus(models.TextChoices):
    """Where a notice is on its way out. "Logged" means written to a log, not delivered."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Handed to the mail server")
    LOGGED = "logged", _("Written to the SMS log (not delivered)")
    DELIVERED = "delivered", _("Delivered")
    PUBLISHED = "published", _("Shown in the customer portal")
    FAILED = "failed", _("Failed")


# Statuses after which the message is out of our hands; the delivery task never sends again.
OUT_STATUSES = frozenset(
    {NoticeStatus.SENT, NoticeStatus.LOGGED, NoticeStatus.DELIVERED, NoticeStatus.PUBLISHED}
)
FINAL_STATUSES = OUT_STATUSES | {NoticeStatus.FAILED}
