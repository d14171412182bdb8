"""What a council's IT team monitors: /healthz, /readyz, /metrics, request ids and JSON logs."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from civic.app import create_app
from civic.core.clock import FrozenClock
from civic.core.db import Database, run_sql
from civic.core.logs import CivicHandler, formatter, redact
from civic.core.outbox import OutboxMessage
from civic.core.readiness import code_revision
from civic.core.state import app_state
from tests.conftest import SECRET, make_settings
from tests.support.web import WebClient

TOKEN = "metrics-token-for-tests-0123456789"


@pytest.fixture
async def ops_web(database_url: str, clock: FrozenClock) -> AsyncIterator[WebClient]:
    app = create_app(make_settings(database_url, metrics_token=TOKEN, log_format="json"), clock=clock)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)
    await app_state(app).db.dispose()


async def queue_mail(db: Database, age: timedelta, clock: FrozenClock) -> None:
    at = clock.now() - age
    async with db.transaction() as session:
        session.add(
            OutboxMessage(
                created_at=at, next_attempt_at=at, to_address="a@example.org", subject="s", body_text="b"
            )
        )


async def test_healthz_answers_without_asking_the_database(tmp_path: Path, clock: FrozenClock) -> None:
    nowhere = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'folder' / 'civic.db'}"
    app = create_app(make_settings(nowhere), clock=clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
    await app_state(app).db.dispose()
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] == {
        "ok": False,
        "detail": "the database did not answer (OperationalError)",
    }


async def test_readyz_checks_the_database_the_migrations_and_the_outbox(
    web: WebClient, db: Database, clock: FrozenClock
) -> None:
    ready = await web.get("/readyz")
    assert ready.status_code == 200 and ready.headers["cache-control"] == "no-store"
    assert ready.json()["status"] == "ready"
    assert set(ready.json()["checks"]) == {"database", "migrations", "outbox"}

    await queue_mail(db, timedelta(minutes=59), clock)
    assert (await web.get("/readyz")).status_code == 200, "an hour is the default limit"
    await queue_mail(db, timedelta(minutes=61), clock)
    stuck = await web.get("/readyz")
    assert stuck.status_code == 503
    assert stuck.json()["checks"]["outbox"] == {
        "ok": False,
        "detail": "oldest message waiting 61 min (limit 60)",
    }


async def test_readyz_says_when_the_database_is_behind_the_code(web: WebClient, db: Database) -> None:
    async def set_revision(revision: str) -> None:
        async with db.transaction() as session:
            await run_sql(session, text("UPDATE alembic_version SET version_num = :r"), {"r": revision})

    await set_revision("a330cb54d4ae")
    try:
        behind = await web.get("/readyz")
    finally:  # on PostgreSQL the test database is shared, and a truncate does not reset this table
        await set_revision(code_revision())
    assert behind.status_code == 503
    detail = behind.json()["checks"]["migrations"]["detail"]
    assert detail.startswith("database at a330cb54d4ae, code needs ") and detail.endswith("run civic migrate")


async def test_metrics_are_off_without_a_token_and_need_it_when_on(
    web: WebClient, ops_web: WebClient
) -> None:
    assert (await web.get("/metrics")).status_code == 404
    refused = await ops_web.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert (await ops_web.get("/metrics")).status_code == 401


async def test_metrics_count_requests_by_route_name_and_read_the_outbox(
    ops_web: WebClient, db: Database, clock: FrozenClock
) -> None:
    before = await scrape(ops_web)
    for path in ("/", "/accessibility", "/petitions/999999", "/no/such/page"):
        await ops_web.get(path)
    await queue_mail(db, timedelta(minutes=5), clock)
    after = await scrape(ops_web)

    def grew(sample: str) -> float:
        return after.get(sample, 0.0) - before.get(sample, 0.0)

    assert grew('civic_http_requests_total{method="GET",route="home",status="2xx"}') == 1
    assert grew('civic_http_requests_total{method="GET",route="accessibility",status="2xx"}') == 1
    assert grew('civic_http_requests_total{method="GET",route="unmatched",status="4xx"}') == 1
    petition_routes = [s for s in after if 'route="petitions:' in s and 'status="4xx"' in s]
    assert petition_routes, "a petition page is counted by its route name, not its path"
    assert not [s for s in after if "999999" in s], "no raw path in a label"
    assert after["civic_outbox_queued_messages"] == before.get("civic_outbox_queued_messages", 0) + 1
    assert after["civic_outbox_oldest_queued_age_seconds"] >= 300
    assert "civic_outbox_failed_messages" in after
    assert any(s.startswith('civic_job_lag_seconds{job="petitions.close"}') for s in after)
    assert after["civic_process_max_resident_memory_bytes"] > 10_000_000
    for stored in ("signatures", "budget_ballots", "priorities_ballots"):
        assert after[f"civic_{stored}_stored"] == 0, "each feature's contract names what it stores"


async def scrape(web: WebClient) -> dict[str, float]:
    response = await web.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, float] = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


async def test_every_response_carries_a_request_id(web: WebClient) -> None:
    made = (await web.get("/")).headers["x-request-id"]
    assert len(made) == 32
    kept = await web.get("/", headers={"X-Request-ID": "proxy-id-12345678"})
    assert kept.headers["x-request-id"] == "proxy-id-12345678"
    replaced = await web.get("/", headers={"X-Request-ID": "bad id\twith spaces"})
    assert (
        replaced.headers["x-request-id"] != "bad id\twith spaces"
        and len(replaced.headers["x-request-id"]) == 32
    )


async def test_json_logs_have_one_object_per_line_with_the_request_context(ops_web: WebClient) -> None:
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, CivicHandler))
    buffer = io.StringIO()
    handler.setStream(buffer)
    response = await ops_web.get("/accessibility", headers={"X-Request-ID": "trace-0000000001"})
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "civic.access"]
    assert access[-1] == access[-1] | {
        "level": "INFO",
        "request_id": "trace-0000000001",
        "route": "accessibility",
        "status": 200,
    }
    assert {"time", "message", "duration_ms"} <= set(access[-1])
    assert "/accessibility" not in access[-1]["message"] and "203.0.113.7" not in buffer.getvalue()
    assert response.status_code == 200


def test_logs_lose_emails_and_the_host_part_of_addresses() -> None:
    line = "550 5.1.1 <Bob.Smith+civic@mail.example.co.uk>: rejected for 192.0.2.33 and 2001:db8:85a3:0:0:8a2e:370:7334"
    assert redact(line) == "550 5.1.1 <[email]>: rejected for 192.0.2.x and 2001:db8:85a3::x"
    assert redact("version 1.2.3.4.5 and 10:30:00") == "version 1.2.3.4.5 and 10:30:00"


def test_a_traceback_is_redacted_too() -> None:
    try:
        raise ValueError("cannot send to carla@example.org")
    except ValueError:
        record = logging.LogRecord("civic.test", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    record.request_id, record.route = "-", "-"
    for kind in ("text", "json"):
        out = formatter(kind).format(record)
        assert "carla@example.org" not in out and "[email]" in out
