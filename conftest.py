"""Named personas shared by every test: an agent, handlers of two departments, a supervisor…"""

from __future__ import annotations

import pytest

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department, User
from complaintdesk.core.testing.factories import department_make, user_make


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Production hashing costs ~0.3 s per user; tests create hundreds of personas.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def network_department(db: None) -> Department:
    return department_make("network", "Network operations")


@pytest.fixture
def billing_department(db: None) -> Department:
    return department_make("billing", "Billing centre")


@pytest.fixture
def agent(db: None) -> User:
    return user_make(Role.AGENT, username="agent")


@pytest.fixture
def handler(network_department: Department) -> User:
    return user_make(Role.HANDLER, department=network_department, username="handler")


@pytest.fixture
def other_department_handler(billing_department: Department) -> User:
    return user_make(Role.HANDLER, department=billing_department, username="billing-handler")


@pytest.fixture
def supervisor(network_department: Department) -> User:
    return user_make(Role.SUPERVISOR, department=network_department, username="supervisor")


@pytest.fixture
def second_supervisor(network_department: Department) -> User:
    return user_make(Role.SUPERVISOR, department=network_department, username="supervisor2")


@pytest.fixture
def auditor(db: None) -> User:
    return user_make(Role.AUDITOR, username="auditor")


@pytest.fixture
def analyst(db: None) -> User:
    return user_make(Role.ANALYST, username="analyst")


@pytest.fixture
def administrator(db: None) -> User:
    return user_make(Role.ADMIN, username="administrator")
