from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CustomerTier(models.TextChoices):
    STANDARD = "standard", _("Standard")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")
    VIP = "vip", _("VIP")


class Customer(models.Model):
    """The person or business that complains; their complaints form the contact history."""

    name = models.CharField(_("name"), max_length=200)
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    emails = models.JSONField(_("e-mail addresses"), default=list, blank=True)
    primary_phone = models.CharField(_("primary phone"), max_length=40, blank=True, db_index=True)
    primary_email = models.EmailField(_("primary e-mail"), blank=True, db_index=True)
    account_number = models.CharField(_("account number"), max_length=64, blank=True, db_index=True)
    contract_id = models.CharField(_("contract id"), max_length=64, blank=True)
    tier = models.CharField(
        _("tier"), max_length=20, choices=CustomerTier.choices, default=CustomerTier.STANDARD
    )
    # Only a language the customer asked for (zh-hans, en); blank: each complaint's language.
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    preferred_channel = models.CharField(_("preferred channel"), max_length=20, default="sms")
    # Channels the customer asked not to be contacted on ("sms", "email"); notices fall back.
    opted_out_channels = models.JSONField(_("opted out of"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_vip(self) -> bool:
        return self.tier in {CustomerTier.GOLD, CustomerTier.VIP}
