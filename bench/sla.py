"""The escalation sweep and the at-risk queue on 1,000,000 open complaints, SQLite and PostgreSQL.

For each backend a throw-away database is made (a temporary SQLite file; a scratch
PostgreSQL database on 127.0.0.1:5432, dropped afterwards), migrated, and loaded with bulk
inserts (executemany on SQLite, COPY on PostgreSQL), then ANALYZEd. The data:

- 1 % of the complaints are due soon: their next check (warning at 80 %) falls in the next
  24 hours, evenly spread; the sweep runs every minute, so one sweep handles the checks that
  fell due during the last minute (about 7 rows) — that is "one escalation sweep";
- 0.7 % are at risk or overdue already (warned; 0.2 % also escalated), so the at-risk queue
  has about 7,000 rows to order;
- the rest are due days to weeks ahead.

Printed: the load time, one sweep (the minute's work), a sweep with nothing due, a catch-up
sweep after an hour's outage (~420 rows, to show the per-row cost), and the first page
(50, with the count) of the at-risk / overdue queue for someone who sees every department
and for a department handler. Target: sweep and queue each under 200 ms.

    .venv/bin/python bench/sla.py                 # both backends, 1,000,000 complaints
    .venv/bin/python bench/sla.py --rows 50000 --backend sqlite
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
OPEN = ("registered", "assigned", "in_progress", "reopened")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


# -- child: runs inside one backend's Django process --------------------------------------


def _rows(count: int, now: datetime, customer_id: int, department_ids: list[int], assignee: int):
    """Yield complaint column dicts; the due-soon and at-risk shares as described above."""
    from complaintdesk.complaints.models import Complaint
    from complaintdesk.complaints.selectors import search_text_of

    rng = random.Random(20261001)  # reproducible bench data
    fields = [f for f in Complaint._meta.concrete_fields if f.name != "id"]
    base = {f.attname: f.get_default() for f in fields}
    subject, description = "宽带断线", "宽带每天晚上都断线,重启光猫也没用。"
    base.update(
        customer_id=customer_id,
        channel="hotline",
        subject=subject,
        description=description,
        # As intake stores it, so that a list search on the bench data finds it.
        search_text=search_text_of(subject, description),
        sla_calendar="cn-24x7",
        sla_terms={
            "policy": "bench",
            "first_response": {"minutes": 120, "basis": "calendar"},
            "resolution": {"minutes": 2880, "basis": "calendar"},
        },
    )
    day = timedelta(days=1)
    for i in range(count):
        row = dict(base)
        kind = rng.random()
        if kind < 0.01:  # due soon: the warning falls due within the next 24 hours
            warn = now - timedelta(seconds=60) + day * rng.random()
            due, check, warned, breached = warn + timedelta(hours=9.6), warn, None, None
        elif kind < 0.015:  # warned, not yet due
            warn = now - day * rng.random()
            due = now + day * rng.random()
            check, warned, breached = due, warn, None
        elif kind < 0.017:  # overdue and escalated
            due = now - 3 * day * rng.random()
            warn, check, warned, breached = due - timedelta(hours=9.6), None, due, due
        else:
            due = now + day * (2 + 20 * rng.random())
            warn, check, warned, breached = (
                due - timedelta(hours=9.6),
                due - timedelta(hours=9.6),
                None,
                None,
            )
        started = due - timedelta(hours=48)
        row.update(
            tracking_number=f"B{i:011d}",
            status=OPEN[i % len(OPEN)],
            department_id=department_ids[i % len(department_ids)],
            assignee_id=assignee if i % 4 else None,
            received_at=started,
            registered_at=started,
            created_at=started,
            updated_at=started,
            sla_started_at=started,
            first_response_due_at=started + timedelta(hours=2),
            first_responded_at=started + timedelta(minutes=30),
            resolution_due_at=due,
            sla_warn_at=warn,
            sla_check_at=check,
            sla_warned_at=warned,
            sla_breached_at=breached,
            escalated_at=breached,
            urgency=2,
        )
        yield row


def _load(count: int, now: datetime, customer_id: int, departments: list[int], assignee: int):
    from django.db import connection

    from complaintdesk.complaints.models import Complaint

    fields = [f for f in Complaint._meta.concrete_fields if f.name != "id"]
    table = Complaint._meta.db_table
    columns = [f.column for f in fields]
    rows = _rows(count, now, customer_id, departments, assignee)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        raw = connection.connection
        assert raw is not None
        column_list = ", ".join(f'"{c}"' for c in columns)
        copy_sql = f'COPY "{table}" ({column_list}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[f.attname], ensure_ascii=False)
                        if f.get_internal_type() == "JSONField"
                        else row[f.attname]
                        for f in fields
                    ]
                )
        raw.commit()
        with connection.cursor() as cursor:
            cursor.execute(f'ANALYZE "{table}"')
    else:
        placeholders = ", ".join("?" for _ in columns)
        column_list = ", ".join(f'"{c}"' for c in columns)
        sql = f'INSERT INTO "{table}" ({column_list}) VALUES ({placeholders})'  # noqa: S608
        raw = connection.connection
        assert raw is not None
        # Django keeps the driver in autocommit; one explicit transaction for the whole load.
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("BEGIN")
        # Prepare each column the way Django would, once for the constant columns; datetimes
        # (the columns that vary) are stored as naive UTC text, as Django's SQLite backend does.
        first = next(rows)
        prepared = {f.attname: f.get_db_prep_save(first[f.attname], connection) for f in fields}
        stamps = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}

        def convert(name: str, value: object) -> object:
            if name in stamps and isinstance(value, datetime):
                return str(value.astimezone(UTC).replace(tzinfo=None))
            return value if name in varying else prepared[name]

        varying = {
            "tracking_number", "status", "department_id", "assignee_id", "urgency", *stamps
        }  # fmt: skip
        batch: list[list[object]] = [[convert(f.attname, first[f.attname]) for f in fields]]
        for row in rows:
            batch.append([convert(f.attname, row[f.attname]) for f in fields])
            if len(batch) == 20_000:
                raw.executemany(sql, batch)
                batch.clear()
        if batch:
            raw.executemany(sql, batch)
        raw.commit()
        raw.execute("ANALYZE")
    return time.perf_counter() - started


def child(count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from complaintdesk.accounts.choices import Role
    from complaintdesk.accounts.models import Department, User
    from complaintdesk.complaints.escalation import sla_sweep
    from complaintdesk.complaints.selectors import complaint_at_risk_list
    from complaintdesk.customers.models import Customer

    call_command("migrate", verbosity=0)
    now = datetime.now(UTC).replace(microsecond=0)
    departments = [
        Department.objects.create(code=f"dept-{i}", name=f"Department {i}", calendar_name="cn-24x7")
        for i in range(8)
    ]
    handler = User.objects.create(
        username="bench-handler",
        role=Role.HANDLER,
        department=departments[0],
        email="h@example.com",
    )
    boss = User.objects.create(username="bench-supervisor", role=Role.SUPERVISOR)
    customer = Customer.objects.create(name="王女士", primary_phone="13812345678")
    load = _load(count, now, customer.pk, [d.pk for d in departments], handler.pk)
    print(f"  loaded {count:,} open complaints in {load:.1f} s ({connection.vendor})")

    def queue(user: User) -> tuple[float, int, int]:
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            queryset = complaint_at_risk_list(user=user, now=now)
            page = list(queryset[:50])
            total = queryset.count()
            timings.append(time.perf_counter() - started)
        return statistics.median(timings), len(page), total

    for label, user in (("every department", boss), ("one department's handler", handler)):
        elapsed, shown, total = queue(user)
        print(f"  at-risk queue, first page ({label}): {_ms(elapsed)}  ({shown} of {total:,})")

    started = time.perf_counter()
    report = sla_sweep(now=now)
    elapsed = time.perf_counter() - started
    print(
        f"  one escalation sweep (the last minute's work): {_ms(elapsed)}  "
        f"(looked at {report.looked_at}, warned {len(report.warned)}, "
        f"escalated {len(report.escalated)})"
    )
    started = time.perf_counter()
    report = sla_sweep(now=now)
    print(f"  sweep with nothing due: {_ms(time.perf_counter() - started)}  ({report.looked_at})")
    started = time.perf_counter()
    report = sla_sweep(now=now + timedelta(hours=1))
    elapsed = time.perf_counter() - started
    print(
        f"  catch-up sweep after an hour's outage: {_ms(elapsed)}  "
        f"(warned {len(report.warned)}, escalated {len(report.escalated)}; "
        f"{elapsed / max(1, report.looked_at) * 1000:.2f} ms per complaint)"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "EXPLAIN SELECT id FROM complaints_complaint WHERE sla_check_at <= %s "
                "ORDER BY sla_check_at, id LIMIT 200",
                [now],
            )
        else:
            cursor.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM complaints_complaint WHERE sla_check_at <= %s "
                "ORDER BY sla_check_at, id LIMIT 200",
                [now.isoformat()],
            )
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    print(f"  sweep query plan: {plan}")


# -- parent: one child process per backend --------------------------------------------------


def run(backend: str, rows: int) -> None:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "complaintdesk.settings"
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    env["TRIAGE_ENABLED"] = "false"
    with tempfile.TemporaryDirectory(prefix="sla-bench-") as tmp:
        env["COMPLAINTDESK_DATA_DIR"] = tmp
        print(f"{backend}:")
        if backend == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            _child(env, rows)
            return
        import psycopg

        name = f"complaintdesk_sla_bench_{uuid.uuid4().hex[:8]}"
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            env["DATABASE_URL"] = f"{base}/{name}"
            _child(env, rows)
        finally:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _child(env: dict[str, str], rows: int) -> None:
    subprocess.run(
        [sys.executable, __file__, "--child", "--rows", str(rows)], env=env, cwd=ROOT, check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.rows)
        return
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run(backend, args.rows)


if __name__ == "__main__":
    main()
