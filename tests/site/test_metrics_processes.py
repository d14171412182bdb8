"""Metrics with several app processes: a scrape of any one process counts the requests of all.

Two real uvicorn processes serve the same database with a shared PROMETHEUS_MULTIPROC_DIR, as
`civic serve --workers 2` runs them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import SECRET
from tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-two-processes-0123"
HOME = 'civic_http_requests_total{method="GET",route="home",status="2xx"}'


@pytest.fixture
def two_processes(database_url: str, tmp_path: Path) -> Iterator[list[str]]:
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {
        **os.environ,
        "ENVIRONMENT": "test",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "MAIL_WORKER": "0",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "LOG_LEVEL": "WARNING",
    }
    ports = [free_port(), free_port()]
    logs = [(tmp_path / f"server{n}.log").open("wb") for n in range(2)]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "civic.asgi:app", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    try:
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        for base, server in zip(bases, servers, strict=True):
            _wait_until_up(base, server)
        yield bases
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        for log in logs:
            log.close()


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the app process exited while starting"
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not start within 60 s")


def _home_requests(base: str) -> float:
    scrape = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10)
    assert scrape.status_code == 200
    for line in scrape.text.splitlines():
        if line.startswith(HOME + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_scrape_of_either_process_counts_both(two_processes: list[str]) -> None:
    first, second = two_processes
    for _ in range(3):
        assert httpx.get(f"{first}/", timeout=10).status_code == 200
    for _ in range(5):
        assert httpx.get(f"{second}/", timeout=10).status_code == 200
    assert _home_requests(first) == 8
    assert _home_requests(second) == 8
