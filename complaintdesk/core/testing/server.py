"""A real complaintdesk server in a subprocess, for the crash test and the HTTP benchmarks.

It runs gunicorn on a free loopback port against its own data directory (SQLite) or a given
DATABASE_URL, so what is measured or killed is the production stack, not the test client.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServerProcess:
    data_dir: Path
    database_url: str = ""
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env["COMPLAINTDESK_DATA_DIR"] = str(self.data_dir)
        env["TASK_BACKEND"] = "database"
        env["TRIAGE_ENABLED"] = env.get("TRIAGE_ENABLED", "true")
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        else:
            env.pop("DATABASE_URL", None)
        return env

    def manage(self, *args: str, input_text: str | None = None) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "complaintdesk", *args],
            cwd=PROJECT_DIR,
            env=self.environment(),
            input=input_text,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"complaintdesk {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def prepare(self, *, username: str = "bench-agent") -> str:
        """Migrate, create an agent and return a fresh API token for it."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("setup", "--industry", "telecom")
        self.manage(
            "shell",
            "-v",
            "0",
            "-c",
            "from complaintdesk.accounts.models import User;"
            f"User.objects.filter(username='{username}').exists() or "
            f"User.objects.create_user(username='{username}', role='agent')",
        )
        return self.manage("token", "create", "--user", username).strip()

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "complaintdesk.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--threads", "4", "--worker-class", "gthread", "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 - fixed command
            command, cwd=PROJECT_DIR, env=self.environment(), start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base_url}/api/openapi.json", timeout=2):  # noqa: S310
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if self.process.poll() is not None:
                    raise RuntimeError("the server exited during start-up") from None
                time.sleep(0.2)
        raise RuntimeError("the server did not answer within 60 s")

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def request_json(
    method: str,
    url: str,
    *,
    token: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - loopback only
    request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
