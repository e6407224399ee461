"""Finding or creating the customer behind a complaint."""

from __future__ import annotations

import pytest

from complaintdesk.customers.services import customer_find_or_create
from complaintdesk.intake.services import CustomerDetails

pytestmark = pytest.mark.django_db


def test_a_new_customer_who_chose_no_language_has_no_preference_recorded():
    customer = customer_find_or_create(details=CustomerDetails(name="John Smith", email="j@x.org"))
    # Blank, not a default Chinese: the language of each complaint decides.
    assert customer.preferred_language == ""


def test_a_language_the_customer_chose_is_recorded():
    details = CustomerDetails(name="John Smith", email="j@x.org", preferred_language="en")
    assert customer_find_or_create(details=details).preferred_language == "en"
