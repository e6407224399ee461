"""Shared test helpers: a complaint whose customer has the contact details a test needs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from complaintdesk.accounts.models import User
from complaintdesk.complaints.lifecycle import complaint_transition
from complaintdesk.complaints.models import Complaint
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.customers.models import Customer

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Tuesday morning, outside the SMS quiet hours.
REGISTERED_AT = datetime(2026, 3, 10, 9, 30, tzinfo=SHANGHAI)
DAYTIME = datetime(2026, 3, 10, 10, 30, tzinfo=SHANGHAI)


def complaint_for_customer(
    *, actor: User, register: bool = True, at: datetime = REGISTERED_AT, **customer: Any
) -> Complaint:
    """A complaint whose customer has these fields (language, channel, e-mail, opt-outs)
    before it is registered, so the acknowledgement already follows them."""
    with clock.travel_to(at):
        complaint = complaint_make(
            actor=actor, register=False, subject="宽带断线", phone="13812345678"
        )
        Customer.objects.filter(pk=complaint.customer_id).update(**customer)
        if register:
            complaint_transition(complaint=complaint, action="register", actor=actor)
    complaint.refresh_from_db()
    return complaint
