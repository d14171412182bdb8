"""Replies to meetings are personal data: found and erased by address (as a mailbox), and deleted by
the purge job a set time after the meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.jobs import JobContext
from civic.core.privacy import Subject
from civic.core.state import app_state
from civic.core.users import StaffUser
from civic.priorities import privacy
from civic.priorities.jobs import purge_personal_data
from civic.priorities.models import MeetingRsvp, RoundState
from tests.conftest import PASSWORD, SECRET
from tests.priorities.conftest import Rounds
from tests.priorities.test_meetings import advertise, meetings
from tests.support.web import WebClient


async def replies(db: Database) -> list[MeetingRsvp]:
    async with db.reading() as session:
        return list((await session.exec(select(MeetingRsvp))).all())


async def _with_replies(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> int:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    await web.login(police.email, PASSWORD)
    await advertise(web, row_id(item))
    (meeting,) = await meetings(db)
    url = f"/priorities/meetings/{meeting.id}/rsvp"
    await another_web.post_form(
        url, {"party": "2", "name": "Jo Smith", "email": "J.Smith+meet@GoogleMail.com"}
    )
    await another_web.post_form(url, {"party": "1", "email": "someone.else@example.com"})
    await another_web.post_form(url, {"party": "1"})
    return row_id(meeting)


async def test_a_subject_access_request_finds_and_erases_replies_by_mailbox(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    await _with_replies(rounds, web, another_web, db, police)
    subject = Subject("jsmith@gmail.com", SECRET)
    async with db.reading() as session:
        found = await privacy.search(session, subject)
    (held,) = [h for h in found if h.kind == "Reply to a priorities meeting"]
    assert held.fields["name"] == "Jo Smith" and held.fields["people"] == "2"
    async with db.transaction() as session:
        erased = await privacy.erase(session, subject, rounds.clock.now())
    assert erased.changed == 1
    assert sorted(r.email or "" for r in await replies(db)) == ["", "someone.else@example.com"]


async def test_replies_are_deleted_by_the_purge_job_after_the_retention_period(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, clock: FrozenClock,
    police: StaffUser, app: Any,
) -> None:  # fmt: skip
    await _with_replies(rounds, web, another_web, db, police)
    settings = app_state(app).settings
    (meeting,) = await meetings(db)
    clock.set(meeting.held_on + timedelta(days=13))
    assert "and 0 meeting replies" in await purge_personal_data(
        JobContext(db=db, settings=settings, now=clock.now(), mail=None)
    )
    assert len(await replies(db)) == 3
    clock.set(meeting.held_on + timedelta(days=14, minutes=1))
    assert "and 3 meeting replies" in await purge_personal_data(
        JobContext(db=db, settings=settings, now=clock.now(), mail=None)
    )
    assert await replies(db) == []
