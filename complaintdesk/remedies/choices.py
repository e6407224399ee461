"""Words of compensation and care (SPEC §10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CompensationForm(models.TextChoices):
    """The forms compensation takes (seeds 000, 003, 004)."""

    SERVICE_CREDIT = "service_credit", _("Service credit")
    DATA = "data", _("Mobile data")
    VALUE_ADDED = "value_added", _("Free value-added service")
    GIFT = "gift", _("Gift")
    COUPON = "coupon", _("Coupon or discount")
    POINTS = "points", _("Points")
    SUBSIDY = "subsidy", _("Subsidy")
    CASH = "cash", _("Cash compensation")
    REFUND = "refund", _("Refund")
    RETURN_REFUND = "return_refund", _("Return with refund")
    FREE_REPAIR = "free_repair", _("Free repair")
    REPLACEMENT = "replacement", _("Replacement")
    REPROVISION = "reprovision", _("Free re-provision")


class PolicyKind(models.TextChoices):
    TARIFF = "tariff", _("Tariff policy")
    RETURN_EXCHANGE = "return_exchange", _("Return and exchange policy")
    WARRANTY = "warranty", _("Warranty and claims")
    MANUFACTURER = "manufacturer", _("Manufacturer policy")
    GOODWILL = "goodwill", _("Goodwill and care policy")


class ItemStatus(models.TextChoices):
    """Where a compensation item is: proposed, approved (budget committed), offered, …"""

    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    OFFERED = "offered", _("Offered to the customer")
    ACCEPTED = "accepted", _("Accepted by the customer")
    DECLINED = "declined", _("Declined by the customer")
    FULFILLED = "fulfilled", _("Fulfilled")
    CONFIRMED = "confirmed", _("Fulfilment confirmed")
    CANCELLED = "cancelled", _("Cancelled")


# Items that hold a commitment on their month's budget.
COMMITTED_STATUSES = frozenset(
    {
        ItemStatus.APPROVED,
        ItemStatus.OFFERED,
        ItemStatus.ACCEPTED,
        ItemStatus.FULFILLED,
        ItemStatus.CONFIRMED,
    }
)


class ConsentDecision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ConsentMethod(models.TextChoices):
    """How the customer's consent was obtained."""

    LINK = "link", _("Through the link in the notice")
    PHONE = "phone", _("By phone")
    IN_PERSON = "in_person", _("In person")
    WRITTEN = "written", _("In writing")
    MESSAGE = "message", _("By SMS, e-mail or chat")


class ConfirmationMethod(models.TextChoices):
    CUSTOMER = "customer", _("Customer confirmed receipt")
    RECORDS = "records", _("Checked in the billing or order records")
    SITE = "site", _("Checked on site")


class CareKind(models.TextChoices):
    CALL = "call", _("Phone call")
    VISIT = "visit", _("Home visit or on-site service")
    SMS = "sms", _("SMS care")
    WEB_REPLY = "web_reply", _("Web response")


class CareStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CareEffect(models.TextChoices):
    IMPROVED = "improved", _("Customer's feeling improved")
    UNCHANGED = "unchanged", _("No change")
    WORSE = "worse", _("Customer more upset")
    UNKNOWN = "unknown", _("Not known yet")
