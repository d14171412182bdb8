"""Assisted votes: a member of staff records a priorities vote for a resident who asks, with their
consent and no email; the resident gets a reference; each staff member's entries are limited per
hour and audited; moderators and the team review them; the votes count in their own column."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from civic.config import Settings
from civic.core.audit import AuditEntry
from civic.core.db import Database, row_id
from civic.core.users import Role
from civic.priorities import counting
from civic.priorities.models import BallotChannel, Candidate, OfflineBallot, PriorityRound, RoundState
from tests.conftest import PASSWORD, make_settings
from tests.priorities.conftest import Rounds
from tests.support.web import WebClient


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, extra={"PRIORITIES_ASSISTED_PER_STAFF_HOUR": "2"})


async def _record(web: WebClient, round_id: int, name: str, choices: list[int], **extra: str) -> Any:
    form = {"name": name, "postcode": "FB6 1UU", "choices": choices, "consent": "yes", **extra}
    return await web.post_form(f"/priorities/manage/rounds/{round_id}/assisted", form)


async def _stored(db: Database) -> list[OfflineBallot]:
    async with db.reading() as session:
        return list((await session.exec(select(OfflineBallot).order_by(col(OfflineBallot.id)))).all())


async def test_staff_record_votes_for_residents_with_a_reference_within_their_limit(
    web: WebClient, another_web: WebClient, db: Database, rounds: Rounds, make_staff: Any
) -> None:
    item, candidates = await rounds.make(RoundState.VOTING_OPEN, choices=2)
    first, second = row_id(candidates[0]), row_id(candidates[1])
    helper = await make_staff(Role.YOUTH_WORKER)  # any member of staff, e.g. at a youth club
    await web.login(helper.email, PASSWORD)
    public_page = await web.get(f"/priorities/rounds/{item.id}")
    assert f"/priorities/manage/rounds/{item.id}/assisted" in public_page.text  # where staff find the form
    form = await web.get(f"/priorities/manage/rounds/{item.id}/assisted")
    assert form.status_code == 200 and candidates[0].title in form.text
    no_consent = await _record(web, row_id(item), "Rita Resident", [first], consent="")
    assert no_consent.status_code == 422 and "Confirm the resident asked you" in no_consent.text
    outside = await _record(web, row_id(item), "Rita Resident", [first], postcode="FB2 1AA")
    assert outside.status_code == 422 and "not in this neighbourhood" in outside.text
    done = await _record(web, row_id(item), "Rita Resident", [first, second])
    assert done.status_code == 303
    receipt = await web.get(done.headers["location"])
    [row] = await _stored(db)
    assert row.channel == BallotChannel.ASSISTED and row.choices == [first, second]
    assert row.reference and row.reference in receipt.text and "Vote recorded" in receipt.text
    assert row.person_hash and "Rita" not in row.person_hash

    # The same resident again (another spelling of the same name and postcode) is refused and not counted.
    repeat = await _record(web, row_id(item), "rita  RESIDENT", [second], postcode="fb61uu")
    assert repeat.status_code == 422 and "already been recorded" in repeat.text
    assert (await _record(web, row_id(item), "Sam Second", [second])).status_code == 303
    over = await _record(web, row_id(item), "Tom Third", [second])
    assert over.status_code == 429
    assert [r.reference for r in await _stored(db)][:1] == [row.reference] and len(await _stored(db)) == 2

    async with db.reading() as session:
        audit = list(
            (
                await session.exec(select(AuditEntry).where(AuditEntry.action == "priorities.assisted_vote"))
            ).all()
        )
    assert len(audit) == 2 and all(a.actor_id == helper.id and "consent given" in a.reason for a in audit)
    assert row.reference in audit[0].reason

    other = await make_staff(Role.PANEL_CLERK)  # the limit is per member of staff
    await another_web.login(other.email, PASSWORD)
    assert (await _record(another_web, row_id(item), "Tom Third", [second])).status_code == 303
    assert (await another_web.get(done.headers["location"])).status_code == 404  # not theirs to see


async def test_moderators_and_the_team_review_assisted_votes_and_others_cannot(
    web: WebClient, db: Database, rounds: Rounds, make_staff: Any, police: Any
) -> None:
    item, candidates = await rounds.make(RoundState.VOTING_OPEN)
    helper = await make_staff(Role.PANEL_CLERK, email="desk@council.example")
    await web.login(helper.email, PASSWORD)
    assert (await _record(web, row_id(item), "Ada Assisted", [row_id(candidates[2])])).status_code == 303
    review = f"/priorities/manage/rounds/{item.id}/assisted/review"
    assert (await web.get(review)).status_code == 403  # a desk worker records, but does not review
    [row] = await _stored(db)
    for reviewer in (await make_staff(Role.MODERATOR), police):
        await web.login(reviewer.email, PASSWORD)
        assert review in (await web.get(f"/priorities/rounds/{item.id}")).text
        page = await web.get(review)
        assert page.status_code == 200
        assert row.reference in page.text and "desk@council.example" in page.text
        assert candidates[2].title in page.text and "Ada" not in page.text
        assert (await web.get(f"/priorities/manage/rounds/{item.id}/assisted/{row.id}")).status_code == 200
    elsewhere = await make_staff(Role.POLICE, neighbourhood="fernbridge-north")
    await web.login(elsewhere.email, PASSWORD)
    assert (await web.get(review)).status_code == 403


async def test_assisted_votes_only_while_voting_is_open_and_they_count_on_their_own(
    web: WebClient, db: Database, rounds: Rounds, police: Any
) -> None:
    item, candidates = await rounds.make(RoundState.VOTING_OPEN, choices=1, top_n=1)
    await web.login(police.email, PASSWORD)
    for name in ("Ann One", "Bob Two"):
        assert (await _record(web, row_id(item), name, [row_id(candidates[3])])).status_code == 303
    base = f"/priorities/manage/rounds/{item.id}"
    assert (await web.post_form(f"{base}/state", {"action": "close"})).status_code == 303
    assert (await web.get(f"{base}/assisted")).status_code == 409
    assert (await _record(web, row_id(item), "Late Voter", [row_id(candidates[3])])).status_code == 409
    async with db.reading() as session:
        chosen = await session.get(Candidate, row_id(candidates[3]))
        fresh = await session.get(PriorityRound, row_id(item))
    assert chosen is not None and fresh is not None
    assert (chosen.assisted, chosen.residents, chosen.total, chosen.position) == (2, 0, 2, 1)
    assert (fresh.assisted_voters, fresh.resident_voters, fresh.ward_counts) == (2, 0, {})


def test_paper_and_assisted_ballots_add_to_the_total_but_not_to_the_online_tie_break() -> None:
    ballots = [
        counting.CastBallot([1], ward_code="W1"),
        counting.CastBallot([2], ward_code="W1", channel=counting.PAPER),
        counting.CastBallot([2, 1], ward_code="W2", channel=counting.ASSISTED),
    ]
    result = counting.count(
        method=counting.CountMethod.APPROVAL, allowed=2, candidate_ids=[1, 2], ballots=ballots, top_n=1
    )
    one, two = sorted(result.rows, key=lambda r: r.candidate_id)
    assert (one.residents, one.paper, one.assisted, one.total) == (1, 0, 1, 2)
    assert (two.residents, two.paper, two.assisted, two.total) == (0, 1, 1, 2)
    # Equal totals: the online votes decide, so candidate 1 is first.
    assert result.chosen_ids == [1] and one.tie_broken
    assert (result.resident_voters, result.paper_voters, result.assisted_voters) == (1, 1, 1)
    assert result.wards == {"W1": 1}  # the published map is of online voters
