"""Intake over HTTP: complaints/s and latency for creation and for a filtered list.

Starts a real server (gunicorn) on a scratch database, preloads --preload complaints with bulk
inserts, then drives it with a fixed number of requests at a fixed concurrency and prints
throughput and p50/p95/p99 latency. SQLite by default; with DATABASE_URL pointing at
PostgreSQL it uses a scratch PostgreSQL database that is dropped afterwards.

    .venv/bin/python bench/intake.py --count 2000 --concurrency 8 --preload 100000
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from complaintdesk.core.testing.databases import scratch_database_url
from complaintdesk.core.testing.server import ServerProcess, request_json

TEXTS = [
    "宽带每天晚上都断线,重启光猫也没用,已经影响在家办公。",
    "这个月话费莫名其妙多扣了58元,客服说查不到原因。",
    "营业厅工作人员态度恶劣,办理携号转网被故意拖延。",
    "My fibre has dropped every evening for a week and nobody called back.",
    "I was charged roaming fees although roaming was switched off on my phone.",
    "合约机用了十天就黑屏,门店不给换。",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def report(name: str, latencies: list[float], elapsed: float, failures: int) -> None:
    ms = [value * 1000 for value in latencies]
    print(
        f"{name:<28} {len(latencies) / elapsed:8.1f} req/s   "
        f"p50 {percentile(ms, 0.50):7.1f} ms   p95 {percentile(ms, 0.95):7.1f} ms   "
        f"p99 {percentile(ms, 0.99):7.1f} ms   mean {statistics.fmean(ms):7.1f} ms   "
        f"failures {failures}"
    )


def preload(count: int, data_dir: Path, database_url: str) -> None:
    """Bulk-insert `count` registered complaints with their two events, then ANALYZE."""
    os.environ["COMPLAINTDESK_DATA_DIR"] = str(data_dir)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "complaintdesk.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from complaintdesk.accounts.models import Department
    from complaintdesk.complaints.models import Complaint, ComplaintEvent
    from complaintdesk.complaints.selectors import search_text_of
    from complaintdesk.core.ids import generate_tracking_number
    from complaintdesk.customers.models import Customer
    from complaintdesk.triage.models import TaxonomyEntry

    rng = random.Random(7)
    categories = list(TaxonomyEntry.objects.filter(dimension="content", parent__isnull=True))
    natures = list(TaxonomyEntry.objects.filter(dimension="nature"))
    departments = [
        Department.objects.get_or_create(code=code, defaults={"name": code})[0]
        for code in ("customer-service", "network", "billing")
    ]
    now = timezone.now()
    subject = "预加载投诉"
    # As intake stores it, so that a list search on the preloaded complaints finds them.
    search_texts = {text: search_text_of(subject, text) for text in TEXTS}
    batch = 5000
    started = time.perf_counter()
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        with transaction.atomic():
            customers = Customer.objects.bulk_create(
                Customer(name=f"客户{offset + i}", primary_phone=f"139{offset + i:08d}")
                for i in range(size)
            )
            complaints = Complaint.objects.bulk_create(
                Complaint(
                    tracking_number=generate_tracking_number(),
                    customer=customer,
                    channel=rng.choice(["hotline", "app", "web", "sms", "email"]),
                    subject=subject,
                    description=(text := rng.choice(TEXTS)),
                    search_text=search_texts[text],
                    content_category=rng.choice(categories),
                    nature=rng.choice(natures),
                    department=rng.choice(departments),
                    status=rng.choice(["registered", "assigned", "in_progress", "closed"]),
                    received_at=now - timedelta(minutes=rng.randrange(90 * 24 * 60)),
                    resolution_due_at=now + timedelta(hours=rng.randrange(-48, 120)),
                )
                for customer in customers
            )
            ComplaintEvent.objects.bulk_create(
                event
                for complaint in complaints
                for event in (
                    ComplaintEvent(complaint=complaint, kind="created"),
                    ComplaintEvent(
                        complaint=complaint,
                        kind="transition",
                        from_status="received",
                        to_status="registered",
                    ),
                )
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"preloaded {count} complaints in {time.perf_counter() - started:.1f} s")


def run(args: argparse.Namespace) -> None:
    with scratch_database_url() as database_url, tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        server = ServerProcess(data_dir=data_dir, database_url=database_url, workers=args.workers)
        token = server.prepare()
        print(f"database: {'PostgreSQL' if database_url else 'SQLite (WAL)'}")
        if args.preload:
            preload(args.preload, data_dir, database_url)
        server.start()
        try:
            create_url = f"{server.base_url}/api/complaints"

            def create(index: int) -> tuple[float, bool]:
                body = {
                    "channel": "app",
                    "description": TEXTS[index % len(TEXTS)] + f" #{index}",
                    "customer": {"name": "压测客户", "phone": f"137{index:08d}"},
                }
                started = time.perf_counter()
                status, _ = request_json(
                    "POST",
                    create_url,
                    token=token,
                    body=body,
                    headers={"Idempotency-Key": uuid.uuid4().hex},
                )
                return time.perf_counter() - started, status == 201

            filters = [
                "status=registered&category=network&page_size=50",
                "overdue=true&page_size=50",
                "department=billing&status=in_progress&page_size=50",
                "channel=hotline&nature=major&page=3&page_size=50",
            ]

            def list_page(index: int) -> tuple[float, bool]:
                started = time.perf_counter()
                status, _ = request_json(
                    "GET", f"{create_url}?{filters[index % len(filters)]}", token=token
                )
                return time.perf_counter() - started, status == 200

            for name, job, count in (
                ("create complaint", create, args.count),
                ("filtered list (50 rows)", list_page, args.list_requests),
            ):
                started = time.perf_counter()
                with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                    results = list(pool.map(job, range(count)))
                elapsed = time.perf_counter() - started
                failures = sum(1 for _latency, ok in results if not ok)
                report(name, [latency for latency, _ok in results], elapsed, failures)
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="complaints to create")
    parser.add_argument("--list-requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--preload", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
