"""Intake never loses an acknowledged complaint, even when the server is SIGKILLed mid-stream."""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid

import pytest

from complaintdesk.core.testing.databases import scratch_database_url
from complaintdesk.core.testing.server import ServerProcess, request_json

pytestmark = pytest.mark.slow

CLIENTS = 4
KILLS = 3


def _payload(reference: str) -> dict:
    return {
        "channel": "app",
        "channel_reference": reference,
        "subject": "手机流量扣费异常",
        "description": f"本月流量包明明没用完却被额外扣了30元,请核查。参考号 {reference}",
        "customer": {"name": "测试客户", "phone": "13700000000"},
    }


def test_acknowledged_complaints_survive_sigkill_and_none_is_duplicated(tmp_path):
    with scratch_database_url() as database_url:
        server = ServerProcess(data_dir=tmp_path / "data", database_url=database_url)
        token = server.prepare()
        server.start()
        acknowledged: set[str] = set()
        pending: dict[str, str] = {}  # reference → idempotency key, sent but not acknowledged
        lock = threading.Lock()
        running = threading.Event()
        running.set()

        def client() -> None:
            while running.is_set():
                with lock:
                    retry = next(iter(pending.items()), None)
                    if retry is not None:
                        pending.pop(retry[0])
                reference, key = retry or (uuid.uuid4().hex, uuid.uuid4().hex)
                try:
                    status, _body = request_json(
                        "POST",
                        f"{server.base_url}/api/complaints",
                        token=token,
                        body=_payload(reference),
                        headers={"Idempotency-Key": key},
                        timeout=10,
                    )
                # A kill mid-response cuts the body short (IncompleteRead): not acknowledged.
                except (OSError, http.client.HTTPException, json.JSONDecodeError):
                    status = 0
                with lock:
                    if 200 <= status < 300:
                        acknowledged.add(reference)
                    else:
                        pending[reference] = key
                        time.sleep(0.05)

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        try:
            for _ in range(KILLS):
                time.sleep(1.5)
                server.kill()
                time.sleep(0.3)
                server.start()
            time.sleep(1.0)
        finally:
            running.clear()
            for thread in threads:
                thread.join(timeout=30)
            server.stop()
        census = json.loads(
            server.manage(
                "shell",
                "-v",
                "0",
                "-c",
                "import json\n"
                "from django.db.models import Count\n"
                "from complaintdesk.complaints.models import Complaint\n"
                "rows = Complaint.objects.values('channel_reference')"
                ".annotate(n=Count('id', distinct=True), events=Count('events', distinct=True))\n"
                "print(json.dumps({r['channel_reference']: [r['n'], r['events']] for r in rows}))",
            )
        )
    assert len(acknowledged) > 20, "the clients made too little progress to prove anything"
    missing = acknowledged - census.keys()
    assert not missing, f"{len(missing)} acknowledged complaints were lost"
    duplicated = {ref: n for ref, (n, _events) in census.items() if n > 1}
    assert not duplicated, f"complaints stored twice: {duplicated}"
    without_events = [ref for ref, (_n, events) in census.items() if events < 2]
    assert not without_events, "a complaint was stored without its created/registered events"
