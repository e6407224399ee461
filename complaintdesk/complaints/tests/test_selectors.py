"""The complaint list's search and ordering, shared by the web list and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaintdesk.accounts.models import User
from complaintdesk.complaints.errors import InvalidInput
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import ComplaintFilters, complaint_list
from complaintdesk.core import clock
from complaintdesk.core.testing.factories import complaint_make
from complaintdesk.customers.services import customer_find_or_create
from complaintdesk.intake.services import CustomerDetails

pytestmark = pytest.mark.django_db


def _found(user: User, **filters: object) -> list[str]:
    queryset = complaint_list(user=user, filters=ComplaintFilters(**filters))  # type: ignore[arg-type]
    return [complaint.tracking_number for complaint in queryset]


@pytest.fixture
def zhao(agent: User) -> Complaint:
    complaint = complaint_make(actor=agent, customer_name="赵六", phone="137 0000 2222")
    customer = complaint.customer
    customer.primary_email = "Zhao.Liu@Example.com"
    customer.emails = ["zhao.liu@example.com"]
    customer.account_number = "ACC-778899"
    customer.save()
    return complaint


@pytest.fixture
def someone_else(agent: User) -> Complaint:
    return complaint_make(actor=agent, customer_name="钱七", phone="13900003333")


@pytest.mark.parametrize(
    "query",
    [
        "赵六",
        "赵",
        "13700002222",
        "137-0000-2222",
        "137 0000 2222",
        "+86 137 0000 2222",
        "0000222",
        "2222",
        "zhao.liu@example.com",
        "ZHAO.LIU@EXAMPLE.COM",
        "@example.com",
        "acc-778899",
    ],
)
def test_staff_who_see_personal_data_find_a_customers_complaints_by_their_details(
    agent, zhao, someone_else, query
):
    assert _found(agent, text=query) == [zhao.tracking_number]


def test_a_phone_added_to_the_customer_later_is_found_too(agent, zhao):
    customer_find_or_create(
        details=CustomerDetails(name="赵六", account_number="ACC-778899", phone="18611112222")
    )
    assert _found(agent, text="186 1111 2222") == [zhao.tracking_number]


@pytest.mark.parametrize("query", ["000", "0000", "22", "zhao", "ACC-7788"])
def test_pieces_too_short_or_without_an_at_sign_do_not_match_the_customer(agent, zhao, query):
    # Four to six digits are the end of a number; 0000 is its middle. A word is no e-mail,
    # and an account number is matched whole.
    assert _found(agent, text=query) == []


def test_an_analyst_searching_a_customers_name_does_not_match_the_name_field(analyst, zhao):
    assert _found(analyst, text="赵六") == []


def test_an_analyst_still_finds_the_name_in_the_complaint_text(analyst, agent):
    complaint = complaint_make(actor=agent, customer_name="孙八", description="孙八说宽带断了三天")
    assert _found(analyst, text="孙八") == [complaint.tracking_number]


@pytest.mark.parametrize("query", ["13700002222", "zhao.liu@example.com"])
def test_an_analyst_is_refused_a_search_by_phone_or_email(analyst, zhao, query):
    with pytest.raises(InvalidInput, match="personal data masked"):
        _found(analyst, text=query)


def test_the_overdue_list_shows_the_most_overdue_first(agent):
    now = clock.now()
    received_first = complaint_make(actor=agent)
    received_last = complaint_make(actor=agent)
    Complaint.objects.filter(pk=received_first.pk).update(
        received_at=now - timedelta(days=5), resolution_due_at=now - timedelta(days=2)
    )
    Complaint.objects.filter(pk=received_last.pk).update(
        received_at=now - timedelta(days=1), resolution_due_at=now - timedelta(hours=1)
    )
    assert _found(agent, overdue=True) == [
        received_first.tracking_number,
        received_last.tracking_number,
    ]
    # Arrival still orders the list without the filter.
    assert _found(agent) == [received_last.tracking_number, received_first.tracking_number]
