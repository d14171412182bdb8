"""Scheduled closing, the home page's "open now" and the demo data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import col, select

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.jobs import JobContext
from civic.core.state import app_state
from civic.priorities.jobs import close_due_rounds
from civic.priorities.models import Priority, PriorityRound, PriorityUpdate, RoundState
from tests.priorities.conftest import Rounds
from tests.support.web import WebClient


async def test_voting_closes_by_itself_at_the_closing_time(
    rounds: Rounds, db: Database, clock: FrozenClock, app: Any
) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    ctx = JobContext(db=db, settings=app_state(app).settings, now=clock.now(), mail=None)
    assert await close_due_rounds(ctx) == "closed 0 round(s)"
    clock.advance(timedelta(days=21))
    ctx = JobContext(db=db, settings=app_state(app).settings, now=clock.now(), mail=None)
    assert await close_due_rounds(ctx) == "closed 1 round(s)"
    async with db.reading() as session:
        fresh = await session.get(PriorityRound, item.id)
    assert fresh is not None and fresh.state == RoundState.CLOSED


async def test_the_home_page_lists_rounds_open_for_voting(rounds: Rounds, web: WebClient) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    home = await web.get("/")
    assert "Vote on police priorities for Fernbridge Central and Docks" in home.text
    assert f"/priorities/rounds/{item.id}" in home.text


async def test_the_demo_has_a_round_open_and_published_priorities_with_progress(
    settings: Any, web: WebClient, db: Database, clock: FrozenClock
) -> None:
    from civic.core.clock import SystemClock
    from civic.demo import load_demo

    clock.set(SystemClock().now())  # the demo is dated from the real time, so its round is open now
    await load_demo(settings)
    clock.set(datetime.now(UTC))  # the demo is dated from the real clock, not the tests' frozen one
    async with db.reading() as session:
        rounds = list((await session.exec(select(PriorityRound).order_by(col(PriorityRound.id)))).all())
        updates = (await session.exec(select(PriorityUpdate))).all()
        priorities = (await session.exec(select(Priority))).all()
    central = [r for r in rounds if r.neighbourhood_slug == "fernbridge-central"]
    north = [r for r in rounds if r.neighbourhood_slug == "fernbridge-north"]
    assert [r.state for r in central] == [RoundState.VOTING_OPEN, RoundState.PUBLISHED]
    assert [r.state for r in north] == [RoundState.PUBLISHED, RoundState.PUBLISHED]
    assert len(priorities) == 9 and len(updates) >= 8
    for path in (
        "/priorities/",
        "/priorities/fernbridge-central",
        "/priorities/fernbridge-north",
        f"/priorities/rounds/{central[0].id}",
        f"/priorities/rounds/{central[0].id}/vote",
        f"/priorities/rounds/{north[-1].id}",
        "/priorities/fernbridge-north.json",
    ):
        assert (await web.get(path)).status_code == 200, path
    north_page = (await web.get("/priorities/fernbridge-north")).text
    assert "Past rounds" in north_page and "Updated" in north_page
    # The open round has a public meeting coming up, on the neighbourhood's page and the home page.
    assert (
        "Fernbridge Central Library, community room" in (await web.get("/priorities/fernbridge-central")).text
    )
    assert "Public meeting on police priorities for Fernbridge Central" in (await web.get("/")).text


async def test_a_closed_round_awaits_a_response_from_the_neighbourhood_police(
    rounds: Rounds, db: Database, clock: FrozenClock
) -> None:
    from civic.responses.queries_targets import all_awaiting, load_target

    draft, _ = await rounds.make(RoundState.DRAFT)
    closed, _ = await rounds.make(RoundState.CLOSED)
    async with db.reading() as session:
        assert await load_target(session, "priorities_round", str(draft.id)) is None
        info = await load_target(session, "priorities_round", str(closed.id))
        waiting = [t.id for t in await all_awaiting(session, clock.now()) if t.kind == "priorities_round"]
    assert info is not None and info.body_slug == "police-fernbridge-central"
    assert info.href == f"/priorities/rounds/{closed.id}" and info.due_at == clock.now() + timedelta(days=28)
    assert waiting == [str(closed.id)]
