"""The concurrency guarantee: many simultaneous ballots for one email give one counted ballot and no
errors, on SQLite and on PostgreSQL (whichever CIVIC_TEST_ENGINE selects)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlmodel import func, select

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.priorities.models import Ballot, Contact, PendingBallot, RoundState
from civic.priorities.service_voting import confirm_ballot, confirm_token, start_ballot
from tests.conftest import SECRET
from tests.priorities.conftest import Rounds
from tests.support.web import WebClient

ATTEMPTS = 200


async def test_many_simultaneous_ballots_for_one_email_leave_one_counted_ballot(
    rounds: Rounds, db: Database, clock: FrozenClock, app: Any, web: WebClient
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    ids = [row_id(c) for c in issues]

    async def cast(n: int) -> int:
        async with db.transaction() as session:
            pending = await start_ballot(
                session,
                item,
                secret=SECRET,
                email="Same.Person@example.com" if n % 2 else "same.person@example.com",
                postcode="FB6 1UU",
                works_here=False,
                choices=[ids[n % len(ids)]],
                opt_in=True,
                now=clock.now(),
            )
            return row_id(pending)

    pending_ids = await asyncio.gather(*(cast(n) for n in range(ATTEMPTS)))
    assert len(set(pending_ids)) == ATTEMPTS

    # Every confirmation link clicked at once, through the real handler.
    csrf = await web.csrf_token()
    tokens = [
        confirm_token(
            SECRET,
            PendingBallot(
                id=p, round_id=0, email_hash="", ward_code="", choices_json="[]", created_at=clock.now()
            ),
            now=clock.now(),
            hours=48,
        )
        for p in pending_ids
    ]

    async def click(token: str) -> httpx.Response:
        return await web.http.post(f"/priorities/confirm/{token}", data={"csrf_token": csrf})

    responses = await asyncio.gather(*(click(t) for t in tokens), return_exceptions=True)
    errors = [r for r in responses if not isinstance(r, httpx.Response) or r.status_code != 200]
    async with db.reading() as session:
        stored = list((await session.exec(select(Ballot))).all())
        contacts = (await session.exec(select(func.count()).select_from(Contact))).one()
    print(
        f"\nconcurrency: {ATTEMPTS} ballots and {ATTEMPTS} simultaneous confirmations for one email -> "
        f"{len(stored)} counted ballot(s), {contacts} contact(s), {len(errors)} error(s)"
    )
    assert errors == []
    assert len(stored) == 1 and contacts == 1
    newest = max(pending_ids)
    assert stored[0].pending_id == newest  # the newest ballot is the one that counts
    assert stored[0].choices == [ids[(pending_ids.index(newest)) % len(ids)]]


async def test_confirming_the_same_link_many_times_at_once_is_harmless(
    rounds: Rounds, db: Database, clock: FrozenClock
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    async with db.transaction() as session:
        pending = await start_ballot(
            session,
            item,
            secret=SECRET,
            email="twice@example.com",
            postcode="FB6 1UU",
            works_here=False,
            choices=[row_id(issues[0])],
            opt_in=False,
            now=clock.now(),
        )

    async def confirm() -> bool:
        async with db.transaction() as session:
            return (await confirm_ballot(session, row_id(pending), now=clock.now())).counted

    outcomes = await asyncio.gather(*(confirm() for _ in range(20)))
    assert all(outcomes)
    async with db.reading() as session:
        assert (await session.exec(select(func.count()).select_from(Ballot))).one() == 1
