"""Rounds open and close by themselves at their times, through the scheduled jobs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.jobs import REGISTRY, JobContext
from civic.core.state import app_state
from civic.core.users import StaffUser
from civic.priorities import service
from civic.priorities.jobs import close_due_rounds, open_due_rounds
from civic.priorities.models import Category, PriorityRound, RoundState
from tests.conftest import PASSWORD
from tests.support.web import WebClient


async def draft(db: Database, clock: FrozenClock, *, automatic: bool, issues: int = 3) -> int:
    now = clock.now()
    async with db.transaction() as session:
        item = await service.create_round(
            session, actor=None, neighbourhood_slug="fernbridge-central", title="Next quarter",
            opens_at=now + timedelta(days=2), closes_at=now + timedelta(days=23),
            opens_automatically=automatic, now=now,
        )  # fmt: skip
        for n in range(issues):
            await service.add_candidate(
                session,
                item,
                actor=None,
                category=Category.OTHER,
                title=f"Issue {n}",
                description="",
                now=now,
            )
        return row_id(item)


async def run(job: Any, db: Database, clock: FrozenClock, app: Any) -> str:
    result: str = await job(JobContext(db=db, settings=app_state(app).settings, now=clock.now(), mail=None))
    return result


async def state_of(db: Database, round_id: int) -> RoundState:
    async with db.reading() as session:
        item = await session.get(PriorityRound, round_id)
    assert item is not None
    return item.state


async def test_a_round_set_to_open_by_itself_opens_at_its_time_and_later_closes(
    db: Database, clock: FrozenClock, app: Any, areas: None
) -> None:
    automatic = await draft(db, clock, automatic=True)
    by_hand = await draft(db, clock, automatic=False)
    assert await run(open_due_rounds, db, clock, app) == "opened 0 round(s); 0 not ready"
    clock.advance(timedelta(days=2))
    assert await run(open_due_rounds, db, clock, app) == "opened 1 round(s); 0 not ready"
    assert await state_of(db, automatic) == RoundState.VOTING_OPEN
    assert await state_of(db, by_hand) == RoundState.DRAFT  # the team never said it could open alone
    async with db.reading() as session:
        entry = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "priorities.voting_open"))
        ).one()
    assert entry.public and entry.actor_id is None and "by itself" in entry.reason
    clock.advance(timedelta(days=21))
    assert await run(close_due_rounds, db, clock, app) == "closed 1 round(s)"
    assert await state_of(db, automatic) == RoundState.CLOSED


async def test_a_round_that_is_not_ready_waits_and_opens_once_it_is(
    db: Database, clock: FrozenClock, app: Any, areas: None
) -> None:
    round_id = await draft(db, clock, automatic=True, issues=1)
    clock.advance(timedelta(days=3))
    assert await run(open_due_rounds, db, clock, app) == "opened 0 round(s); 1 not ready"
    assert await state_of(db, round_id) == RoundState.DRAFT
    async with db.transaction() as session:
        item = await session.get(PriorityRound, round_id)
        assert item is not None
        await service.add_candidate(
            session,
            item,
            actor=None,
            category=Category.OTHER,
            title="Another",
            description="",
            now=clock.now(),
        )
    assert await run(open_due_rounds, db, clock, app) == "opened 1 round(s); 0 not ready"


async def test_both_jobs_are_registered_with_the_scheduler() -> None:
    assert {"priorities.open_due", "priorities.close_due"} <= set(REGISTRY)


async def test_the_team_chooses_automatic_opening_in_the_settings_form(
    db: Database, clock: FrozenClock, web: WebClient, police: StaffUser, areas: None
) -> None:
    round_id = await draft(db, clock, automatic=False)
    await web.login(police.email, PASSWORD)
    base = f"/priorities/manage/rounds/{round_id}"
    assert "Voting opens only when the team opens it" in (await web.get(base)).text
    form = {
        "title": "Next quarter",
        "opens_at": "2027-06-03T09:00",
        "closes_at": "2027-06-24T19:00",
        "choices": "3",
        "top_n": "3",
        "method": "approval",
        "opens_automatically": "yes",
    }
    assert (await web.post_form(f"{base}/settings", form)).status_code == 303
    page = (await web.get(base)).text
    assert "Voting opens by itself at 3 June 2027 at 9am" in page
    async with db.reading() as session:
        item = await session.get(PriorityRound, round_id)
    assert item is not None and item.opens_automatically
    del form["opens_automatically"]  # an unticked box is not sent
    assert (await web.post_form(f"{base}/settings", form)).status_code == 303
    async with db.reading() as session:
        rows = await session.exec(
            select(PriorityRound.opens_automatically).where(col(PriorityRound.id) == round_id)
        )
    assert rows.one() is False
