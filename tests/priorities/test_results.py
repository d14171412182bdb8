"""Result computation through the services: meeting tallies before and after closing, ranked rounds,
ties at the cut-off and what becomes a priority."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.priorities import service, service_results
from civic.priorities.models import Candidate, Method, Priority, PriorityRound, RoundState
from civic.priorities.service_voting import confirm_ballot, start_ballot
from tests.conftest import SECRET
from tests.priorities.conftest import Rounds

POSTCODES = ["FB6 1UU", "FB1 2BE", "FB4 1NB"]  # Fernbridge Central, Abbey, Dockside: all in the neighbourhood


async def cast(
    db: Database, item: PriorityRound, clock: FrozenClock, email: str, choices: list[int], **kw: Any
) -> None:
    async with db.transaction() as session:
        pending = await start_ballot(
            session,
            item,
            secret=SECRET,
            email=email,
            postcode=kw.get("postcode", "FB6 1UU"),
            works_here=kw.get("works_here", False),
            choices=choices,
            opt_in=kw.get("opt_in", False),
            now=clock.now(),
        )
        await confirm_ballot(session, row_id(pending), now=clock.now())


async def candidates(db: Database, round_id: int) -> dict[int, Candidate]:
    async with db.reading() as session:
        return {row_id(c): c for c in await service.candidates_of(session, round_id)}


async def test_meeting_tallies_sit_beside_online_counts_and_a_late_tally_recounts(
    rounds: Rounds, db: Database, clock: FrozenClock, app: Any
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN, top_n=1)
    a, b = row_id(issues[0]), row_id(issues[1])
    for n in range(3):
        await cast(db, item, clock, f"v{n}@example.com", [a], postcode=POSTCODES[n])
    async with db.transaction() as session:
        fresh = await session.get(PriorityRound, item.id)
        assert fresh is not None
        await service.record_meeting(
            session,
            fresh,
            actor=None,
            held_on=clock.now() - timedelta(days=1),
            place="Hall",
            attendance=10,
            hands={b: 2},
            now=clock.now(),
        )
        first = await service_results.close_round(session, fresh, actor=None, now=clock.now())
    assert first.chosen_ids == [a]
    async with db.transaction() as session:
        fresh = await session.get(PriorityRound, item.id)
        assert fresh is not None
        await service.record_meeting(
            session,
            fresh,
            actor=None,
            held_on=clock.now(),
            place="Market hall",
            attendance=6,
            hands={b: 5},
            now=clock.now(),
        )
        second = await service_results.compute_results(session, fresh)
    assert second.chosen_ids == [b]
    stored = await candidates(db, row_id(item))
    assert (stored[b].residents, stored[b].meeting, stored[b].total) == (0, 7, 7)
    assert (stored[a].residents, stored[a].meeting, stored[a].total) == (3, 0, 3)
    async with db.reading() as session:
        fresh = await session.get(PriorityRound, item.id)
    assert fresh is not None and fresh.meeting_attendance == 16
    assert fresh.ward_counts == {"E05900001": 1, "E05900004": 1, "E05900006": 1}


async def test_a_ranked_round_with_a_tie_at_the_cut_off(
    rounds: Rounds, db: Database, clock: FrozenClock, app: Any
) -> None:
    item, issues = await rounds.make(
        RoundState.VOTING_OPEN, method=Method.RANKED, choices=3, top_n=2, issues=3
    )
    a, b, c = (row_id(i) for i in issues)
    await cast(db, item, clock, "one@example.com", [a, c, b])  # a 3, c 2, b 1
    await cast(db, item, clock, "two@example.com", [c, b])  # c 3, b 2
    await cast(db, item, clock, "three@example.com", [c], postcode="ZZ1 1AA", works_here=True)  # c 3 (worker)
    async with db.transaction() as session:
        fresh = await session.get(PriorityRound, item.id)
        assert fresh is not None
        result = await service_results.close_round(session, fresh, actor=None, now=clock.now())
    totals = {r.candidate_id: r.total for r in result.rows}
    assert totals == {a: 3, b: 3, c: 8}
    # a and b tie for the second place on points, online and residents' votes; b is on more ballots.
    assert result.chosen_ids == [c, b] and result.tie_at_cutoff
    assert result.worker_voters == 1 and result.resident_voters == 2

    clock.advance(timedelta(hours=1))
    async with db.transaction() as session:
        fresh = await session.get(PriorityRound, item.id)
        assert fresh is not None
        made = await service_results.publish_results(
            session,
            fresh,
            actor=None,
            chosen_ids=None,
            reason="",
            now=clock.now(),
            mail=app_state(app).mail,
            retention_days=30,
        )
    assert [p.title for p in made] == [issues[2].title, issues[1].title]
    async with db.reading() as session:
        fresh = await session.get(PriorityRound, item.id)
        priorities = (await session.exec(select(Priority).order_by(col(Priority.id)))).all()
    assert fresh is not None and fresh.state == RoundState.PUBLISHED and fresh.override_reason == ""
    assert fresh.contacts_delete_after == clock.now() + timedelta(days=30)
    assert all(p.review_on == clock.now() + timedelta(days=90) for p in priorities)
