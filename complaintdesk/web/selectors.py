"""Reads the web UI needs besides complaints themselves: pick lists and a customer's history.

Complaint reads still start from complaints/selectors.py, so a department handler's customer
history shows only the complaints their department may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import ComplaintFilters, complaint_list
from complaintdesk.surveys.choices import ReviewStatus
from complaintdesk.surveys.models import RejectionReview
from complaintdesk.surveys.selectors import rejection_reviews_of_complaint
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.models import TaxonomyEntry

# The roles the lifecycle's assign guard accepts as assignees.
ASSIGNABLE_ROLES = (Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN)


def staff_assignable(*, actor: User) -> QuerySet[User]:
    """Active staff who may take a complaint; a department handler picks within their own."""
    queryset = (
        User.objects.filter(is_active=True, role__in=ASSIGNABLE_ROLES)
        .select_related("department")
        .order_by("department__name", "role", "first_name", "username")
    )
    if role_of(actor) == Role.HANDLER:
        if actor.department_id is None:
            return queryset.none()
        queryset = queryset.filter(department_id=actor.department_id)
    return queryset


def customer_history(*, user: User, complaint: Complaint, limit: int = 20) -> list[Complaint]:
    """The customer's other complaints that this user may see, newest first."""
    others = complaint_list(
        user=user, filters=ComplaintFilters(customer_id=complaint.customer_id)
    ).exclude(pk=complaint.pk)
    return list(others[:limit])


def rejection_pending(*, complaint: Complaint) -> RejectionReview | None:
    """The proposed rejection of the complaint that waits for a second supervisor, if any."""
    reviews = rejection_reviews_of_complaint(complaint=complaint)
    return reviews.filter(status=ReviewStatus.PROPOSED).first()


@dataclass(frozen=True)
class FilterOptions:
    categories: list[TaxonomyEntry]
    natures: list[TaxonomyEntry]
    departments: list[Department]
    assignees: list[User]


def filter_options(*, user: User) -> FilterOptions:
    """Values offered in the complaint list's filter selects."""
    entries = TaxonomyEntry.objects.active()
    departments = Department.objects.filter(is_active=True).order_by("name")
    if role_of(user) == Role.HANDLER:
        # A department handler sees only their own department's complaints.
        departments = departments.filter(members=user)
    return FilterOptions(
        # Top-level content categories: the list selector matches their children too.
        categories=list(entries.of(Dimension.CONTENT).filter(parent__isnull=True)),
        natures=list(entries.of(Dimension.NATURE)),
        departments=list(departments),
        assignees=list(staff_assignable(actor=user)),
    )


def taxonomy_choices(dimension: str) -> list[tuple[str, str]]:
    """(key, "code label") of the active entries of one dimension, in the taxonomy's order."""
    return [(entry.key, str(entry)) for entry in TaxonomyEntry.objects.active().of(dimension)]
