"""Shared fixtures.

Engine: `CIVIC_TEST_ENGINE=sqlite` (default) or `postgresql`. PostgreSQL is started by the harness from
Debian's binaries on 127.0.0.1. Every test gets a clean, migrated database: a copy of a migrated SQLite
file, or a PostgreSQL database whose tables are truncated. Tests commit for real (the app owns its
transactions, and the concurrency tests need real commits), so a clean copy replaces rollback.

In CI (CI=true) a suite that cannot get its database, SMTP server or browser fails; it never skips.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import re
import shutil
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from civic import features  # noqa: F401
from civic.app import create_app
from civic.commands import upgrade
from civic.config import Settings
from civic.core.clock import FrozenClock
from civic.core.db import Database, metadata
from civic.core.logs import EMAIL, RequestContext, plain_formatter
from civic.core.staff import create_staff
from civic.core.state import app_state
from civic.core.users import Role, StaffUser
from tests.support.postgres import PostgresServer, PostgresUnavailable
from tests.support.smtp import SmtpServer
from tests.support.web import WebClient

ENGINE = os.environ.get("CIVIC_TEST_ENGINE", "sqlite")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SECRET = "test-secret-key-that-is-long-enough-0123456789"
START = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
PASSWORD = "correct horse battery staple"
# The test harness's own parts (the SMTP server playing the council's mail relay, the HTTP client
# playing the browser) log what they receive; the app's process never runs them.
TEST_ONLY_LOGGERS = ("mail.log", "mail.debug", "httpx", "httpcore")
FULL_IPV4 = re.compile(r"(?<![\d.])(?!127\.)\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.])")


def unavailable(reason: str) -> None:
    """Fail in CI, skip on a developer's machine."""
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def run_in_thread(func: Any, *args: Any) -> None:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            func(*args)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


@pytest.fixture(autouse=True)
def logs_hold_no_personal_data() -> Iterator[None]:
    """Every test's log output, as JSON and BEFORE Civic's redaction, must hold no email address and
    no full IP address: code must not log them at all, and redaction (tested on its own in
    tests/site/test_operations.py) is only the second line of defence."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestContext())
    handler.addFilter(lambda record: not record.name.startswith(TEST_ONLY_LOGGERS))
    handler.setFormatter(plain_formatter("json"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    output = buffer.getvalue()
    leaks = [m.group(0) for m in (*EMAIL.finditer(output), *FULL_IPV4.finditer(output))]
    assert not leaks, f"personal data in the log output: {leaks[:5]}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer | None]:
    if ENGINE != "postgresql":
        yield None
        return
    try:
        server = PostgresServer()
        server.start()
    except (PostgresUnavailable, OSError) as exc:
        unavailable(f"PostgreSQL unavailable: {exc}")
        return
    yield server
    server.stop()


@pytest.fixture(scope="session")
def migrated_template(postgres: PostgresServer | None, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per session: a template SQLite file, or the PostgreSQL test database."""
    if postgres is not None:
        url = postgres.create_database("civic_test")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    run_in_thread(upgrade, url)
    return url


TABLES = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)


@pytest.fixture
async def database_url(migrated_template: str, tmp_path: Path) -> str:
    if migrated_template.startswith("sqlite"):
        source = Path(migrated_template.split(":///", 1)[1])
        target = tmp_path / "civic.db"
        shutil.copy(source, target)
        return f"sqlite+aiosqlite:///{target}"
    engine = create_async_engine(migrated_template)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    return migrated_template


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "secret_key": SECRET,
        "database_url": database_url,
        "base_url": "http://testserver",
        "mail_worker": False,
        "password_hash_cost": "fast",
        "smtp_url": "",
        # Tests that are not about two-factor sign-in sign staff in with a password alone; the
        # two-factor tests set it back to the real default ("publishers").
        "staff_2fa_required": "off",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[Any]:
    application = create_app(settings, clock=clock)
    yield application
    await app_state(application).db.dispose()


@pytest.fixture
def db(app: Any) -> Database:
    database: Database = app_state(app).db
    return database


@pytest.fixture
async def web(app: Any) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


@pytest.fixture
async def another_web(app: Any) -> AsyncIterator[WebClient]:
    """A second, separate visitor (own cookies, own IP address)."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 52000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


@pytest.fixture
async def areas(db: Database) -> None:
    """The demo council's wards, neighbourhoods and postcodes."""
    from civic.demo import load_areas

    async with db.transaction() as session:
        await load_areas(session)


class StaffFactory:
    def __init__(self, db: Database, clock: FrozenClock) -> None:
        self.db, self.clock, self.count = db, clock, 0

    async def __call__(self, role: Role = Role.ADMIN, **extra: Any) -> StaffUser:
        self.count += 1
        if role == Role.COUNCILLOR:
            extra.setdefault("wards", ["E05900006"])
        if role == Role.POLICE:
            extra.setdefault("neighbourhood", "fernbridge-central")
        async with self.db.transaction() as session:
            return await create_staff(
                session,
                actor=None,
                email=extra.pop("email", f"{role.value}{self.count}@council.example"),
                name=extra.pop("name", f"{role.label} {self.count}"),
                role=role,
                password=PASSWORD,
                now=self.clock.now(),
                hash_cost="fast",
                **extra,
            )


@pytest.fixture
def make_staff(db: Database, clock: FrozenClock, areas: None) -> StaffFactory:
    return StaffFactory(db, clock)


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    server = SmtpServer()
    try:
        server.start()
    except OSError as exc:
        unavailable(f"SMTP test server could not start: {exc}")
    yield server
    server.stop()


@pytest.fixture
async def mail_app(database_url: str, clock: FrozenClock, smtp: SmtpServer) -> AsyncIterator[Any]:
    """An app whose outbox worker sends to the loopback SMTP server."""
    application = create_app(make_settings(database_url, smtp_url=smtp.url), clock=clock)
    yield application
    await app_state(application).db.dispose()


# Hypothesis: "ci" (CI=true) bounds the fuzz so it adds about a minute per engine; "dev" is the default;
# HYPOTHESIS_PROFILE=deep runs long. Derandomised with no example database: the same examples every run,
# and nothing written into the repository.
_FUZZ = {"deadline": None, "database": None, "derandomize": True, "print_blob": False,
         "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}  # fmt: skip
# CI reports the first failing example as found: shrinking a long generated string costs minutes.
hypothesis_settings.register_profile("ci", max_examples=12, phases=[Phase.explicit, Phase.generate], **_FUZZ)
hypothesis_settings.register_profile("dev", max_examples=12, **_FUZZ)
hypothesis_settings.register_profile(
    "deep", max_examples=1000, **{**_FUZZ, "derandomize": False, "print_blob": True}
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if IN_CI else "dev"))


def pytest_report_header() -> str:
    return (
        f"civic test engine: {ENGINE}; hypothesis profile: {hypothesis_settings.get_current_profile_name()}"
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    fuzz = sys.modules.get("tests.core.test_fuzz_routes")
    if fuzz is not None and fuzz.FUZZ_CASES:
        terminalreporter.write_line(f"fuzz cases run: {sum(fuzz.FUZZ_CASES)} generated requests ({ENGINE})")


__all__ = ["PASSWORD", "SECRET", "START", "StaffFactory", "asyncio"]
