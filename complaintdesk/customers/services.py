"""Finding the customer behind a complaint, so their history stays in one place."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.customers.models import Customer, CustomerTier

if TYPE_CHECKING:
    from complaintdesk.intake.services import CustomerDetails

_PHONE_CHARS = re.compile(r"[\s\-().]")


def normalise_phone(raw: str) -> str:
    """Digits with an optional leading +, so "138 1234-5678" and "13812345678" match."""
    phone = _PHONE_CHARS.sub("", raw.strip())
    if phone.startswith("0086"):
        phone = "+86" + phone[4:]
    if phone and not re.fullmatch(r"\+?\d{3,20}", phone):
        raise InvalidInput(_("%(phone)s is not a phone number.") % {"phone": raw}, "customer.phone")
    return phone


def customer_find_or_create(*, details: CustomerDetails) -> Customer:
    """The existing customer with this account, phone or e-mail, else a new one."""
    phone = normalise_phone(details.phone) if details.phone else ""
    email = details.email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise InvalidInput(
                _("%(email)s is not an e-mail address.") % {"email": details.email},
                field="customer.email",
            ) from exc
    if details.tier and details.tier not in CustomerTier.values:
        raise InvalidInput(
            _("Unknown customer tier %(tier)s; use one of: %(known)s.")
            % {"tier": details.tier, "known": ", ".join(CustomerTier.values)},
            field="customer.tier",
        )
    customer = None
    if details.account_number:
        customer = Customer.objects.filter(account_number=details.account_number).first()
    if customer is None and phone:
        customer = Customer.objects.filter(primary_phone=phone).first()
    if customer is None and email:
        customer = Customer.objects.filter(primary_email=email).first()
    if customer is not None:
        _add_contacts(customer, phone=phone, email=email)
        return customer
    return Customer.objects.create(
        name=details.name.strip() or phone or email or details.account_number,
        phones=[phone] if phone else [],
        emails=[email] if email else [],
        primary_phone=phone,
        primary_email=email,
        account_number=details.account_number.strip(),
        contract_id=details.contract_id.strip(),
        tier=details.tier or CustomerTier.STANDARD,
        # Only a language the customer chose: left blank, each complaint's own (detected)
        # language decides what the notices about it are written in.
        preferred_language=details.preferred_language.strip(),
        preferred_channel=details.preferred_channel or ("sms" if phone else "email"),
        region=details.region.strip(),
    )


def _add_contacts(customer: Customer, *, phone: str, email: str) -> None:
    changed = False
    if phone and phone not in customer.phones:
        customer.phones = [*customer.phones, phone]
        changed = True
    if email and email not in customer.emails:
        customer.emails = [*customer.emails, email]
        changed = True
    if changed:
        customer.save(update_fields=["phones", "emails"])
