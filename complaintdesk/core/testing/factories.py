"""Factories and named personas for tests: plain functions, no JSON fixtures."""

from __future__ import annotations

import itertools
from typing import Any

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department, User
from complaintdesk.complaints.models import Complaint
from complaintdesk.intake.services import ComplaintDraft, CustomerDetails, complaint_create

_counter = itertools.count(1)


def department_make(code: str = "", name: str = "") -> Department:
    code = code or f"dept-{next(_counter)}"
    department, _ = Department.objects.get_or_create(code=code, defaults={"name": name or code})
    return department


def user_make(
    role: str = Role.AGENT,
    *,
    department: Department | None = None,
    username: str = "",
    languages: list[str] | None = None,
    **extra: Any,
) -> User:
    username = username or f"{role}-{next(_counter)}"
    if role == Role.ADMIN:
        # Administrators configure the product in the Django admin.
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
    return User.objects.create_user(
        username=username,
        password="correct-horse-battery",  # noqa: S106 - test personas only
        role=role,
        department=department,
        languages=languages if languages is not None else ["zh", "en"],
        **extra,
    )


def complaint_make(
    *,
    actor: User,
    description: str = "宽带从昨晚开始一直断线,重启光猫也没用,影响在家办公。",
    channel: str = "hotline",
    phone: str = "",
    register: bool = True,
    **draft_fields: Any,
) -> Complaint:
    # A new customer each time unless a phone is given: the same customer sending the same
    # text again would be a repeat of the first complaint, not a second one.
    phone = phone or f"1380{next(_counter):07d}"
    draft = ComplaintDraft(
        channel=channel,
        subject=draft_fields.pop("subject", ""),
        description=description,
        customer=CustomerDetails(name=draft_fields.pop("customer_name", "王女士"), phone=phone),
        **draft_fields,
    )
    return complaint_create(draft=draft, actor=actor, register=register).complaint
