from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from civic.core import audit
from civic.core.clock import FrozenClock
from civic.core.db import Database, run_sql
from tests.support.web import WebClient


async def write_entries(db: Database, clock: FrozenClock, count: int) -> None:
    for n in range(count):
        async with db.transaction() as session:
            await audit.record(
                session,
                actor=None,
                action="petitions.approve",
                object_type="petition",
                object_id=n,
                now=clock.now(),
                reason=f"entry {n}",
                public=n % 2 == 0,
            )
        clock.advance(timedelta(seconds=1))


async def test_an_intact_chain_verifies(db: Database, clock: FrozenClock) -> None:
    await write_entries(db, clock, 5)
    async with db.reading() as session:
        report = await audit.verify_chain(session)
    assert report.ok
    assert report.checked == 5


async def test_changing_an_entry_is_detected_at_that_entry(db: Database, clock: FrozenClock) -> None:
    await write_entries(db, clock, 5)
    async with db.transaction() as session:
        await run_sql(session, text("UPDATE audit_entry SET reason = 'nothing to see' WHERE id = 3"))
    async with db.reading() as session:
        report = await audit.verify_chain(session)
    assert report.broken_at == 3
    assert "contents" in report.problem
    assert report.checked == 2


async def test_deleting_an_entry_breaks_the_next_link(db: Database, clock: FrozenClock) -> None:
    await write_entries(db, clock, 5)
    async with db.transaction() as session:
        await run_sql(session, text("DELETE FROM audit_entry WHERE id = 2"))
    async with db.reading() as session:
        report = await audit.verify_chain(session)
    assert report.broken_at == 3
    assert "previous" in report.problem


async def test_rewriting_an_entry_and_its_hash_still_breaks_the_chain(
    db: Database, clock: FrozenClock
) -> None:
    await write_entries(db, clock, 4)
    async with db.transaction() as session:
        entry = await session.get(audit.AuditEntry, 2)
        assert entry is not None
        entry.reason = "forged"
        entry.hash = audit.entry_hash(entry)
        session.add(entry)
    async with db.reading() as session:
        report = await audit.verify_chain(session)
    assert report.broken_at == 3


async def test_only_public_entries_are_shown_on_the_public_page(
    web: WebClient, db: Database, clock: FrozenClock
) -> None:
    await write_entries(db, clock, 4)
    page = (await web.get("/audit")).text
    assert "entry 0" in page
    assert "entry 2" in page
    assert "entry 1" not in page
    assert "entry 3" not in page


async def test_concurrent_appends_never_fork_the_chain(db: Database, clock: FrozenClock) -> None:
    import asyncio

    async def append(n: int) -> None:
        async with db.transaction() as session:
            await audit.record(
                session, actor=None, action="test.append", object_type="x", object_id=n, now=clock.now()
            )

    await asyncio.gather(*(append(n) for n in range(30)))
    async with db.reading() as session:
        report = await audit.verify_chain(session)
    assert report.ok
    assert report.checked == 30
