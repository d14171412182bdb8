"""Concurrent writers, on real commits: subscriptions racing for the same addresses, and clerks
racing to publish the same agenda. Figures are printed for the report; nothing is timed."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlmodel import func, select

from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.panels import service, service_subscriptions
from civic.panels.models import Panel, PanelMeeting, PanelSubscription
from tests.panels.conftest import PanelSetup

ATTEMPTS, ADDRESSES = 240, 12


async def test_racing_subscriptions_store_one_row_per_address(
    app: Any, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    errors: list[BaseException] = []

    async def attempt(number: int) -> None:
        try:
            async with db.transaction() as session:
                panel = await session.get(Panel, setup.panel.id)
                assert panel is not None
                await service_subscriptions.request_subscription(
                    session, panel, f"resident{number % ADDRESSES}@example.org",
                    settings=app_state(app).settings, mail=app_state(app).mail, now=clock.now(),
                )  # fmt: skip
        except Exception as exc:
            errors.append(exc)

    await asyncio.gather(*(attempt(n) for n in range(ATTEMPTS)))
    async with db.reading() as session:
        rows = (await session.exec(select(func.count()).select_from(PanelSubscription))).one()
    print(f"\nsubscriptions: {ATTEMPTS} attempts, {rows} rows, {len(errors)} errors")
    assert errors == []
    assert rows == ADDRESSES


async def test_racing_clerks_publish_an_agenda_once(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    async with db.transaction() as session:
        meeting = await session.get(PanelMeeting, setup.meeting.id)
        assert meeting is not None
        await service.add_item(session, meeting, actor=None, now=clock.now(), title="Community fund")
    outcomes: list[str] = []

    async def attempt() -> None:
        try:
            async with db.transaction() as session:
                meeting, _ = await service.get_meeting(session, row_id(setup.meeting), for_update=True)
                await service.publish_agenda(session, meeting, actor=None, now=clock.now())
            outcomes.append("published")
        except Exception as exc:
            outcomes.append(type(exc).__name__ if getattr(exc, "status_code", 0) != 409 else "conflict")

    await asyncio.gather(*(attempt() for _ in range(60)))
    async with db.reading() as session:
        entries = (
            await session.exec(
                select(AuditEntry).where(AuditEntry.action == "panels.meeting.agenda_published")
            )
        ).all()
    print(
        f"\npublish agenda: 60 attempts, {outcomes.count('published')} published, {outcomes.count('conflict')} refused"
    )
    assert outcomes.count("published") == 1 and outcomes.count("conflict") == 59
    assert len(entries) == 1
