"""Two approvals at once cannot both overdraw a budget: the budget row is locked.

Needs real concurrent transactions, so it runs on PostgreSQL only (SQLite serialises
every writer anyway)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from complaintdesk.complaints.errors import Conflict
from complaintdesk.handling.tests.support import budget_make, clause_make, handled_complaint
from complaintdesk.remedies import services
from complaintdesk.remedies.choices import ItemStatus
from complaintdesk.remedies.models import CompensationBudget, CompensationItem
from complaintdesk.remedies.services import compensation_approve, compensation_propose

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]


def test_concurrent_approvals_do_not_overdraw_the_budget(
    agent, handler, supervisor, second_supervisor, network_department, monkeypatch
):
    charge = services._charge

    def slow_charge(*args, **kwargs):
        # Widen the window between reading the budget and writing it back, so that
        # without the row lock both approvals would read the same committed amount.
        time.sleep(0.5)
        return charge(*args, **kwargs)

    monkeypatch.setattr(services, "_charge", slow_charge)
    budget_make(network_department, "1000")
    complaint = handled_complaint(agent, handler)
    items = [
        compensation_propose(
            complaint=complaint,
            actor=handler,
            form="refund",
            amount=Decimal("600"),
            policy_clause=clause_make(),
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(item: CompensationItem, approver) -> None:
        try:
            barrier.wait(timeout=10)
            compensation_approve(item=item, actor=approver)
            outcomes.append("approved")
        except Conflict as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(item, approver))
        for item, approver in zip(items, [supervisor, second_supervisor], strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes, key=len)[0] == "approved"
    assert len(outcomes) == 2 and outcomes.count("approved") == 1
    refusal = next(o for o in outcomes if o != "approved")
    assert "400.00 CNY left, 600.00 CNY asked" in refusal
    assert CompensationBudget.objects.get().committed == Decimal("600.00")
    statuses = sorted(CompensationItem.objects.values_list("status", flat=True))
    assert statuses == [ItemStatus.APPROVED, ItemStatus.PROPOSED]
