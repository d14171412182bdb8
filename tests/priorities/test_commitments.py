"""An adopted police priority is a commitment read from the priorities' own tables: what, which team
and the review date, counted against the neighbourhood's policing team; once marked dealt with, the
round's voters who asked for news are asked "was it done?" once."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.commitments import Kept
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.priorities import answers_commitments
from civic.priorities.models import Contact, Priority, PriorityStatus, RoundState
from civic.responses.queries_commitments import all_commitments
from civic.responses.queries_members import police_body
from tests.priorities.conftest import Rounds
from tests.support.smtp import SmtpServer
from tests.support.web import WebClient


async def test_a_priority_is_a_commitment_and_its_voters_are_asked_once_it_is_dealt_with(
    mail_app: Any, db: Database, clock: FrozenClock, rounds: Rounds, smtp: SmtpServer, web: WebClient
) -> None:
    item, _ = await rounds.make(RoundState.PUBLISHED)
    async with db.transaction() as session:
        session.add(
            Contact(round_id=row_id(item), email_hash="h1", email="vic@example.org", created_at=clock.now())
        )
        priorities = list((await session.exec(select(Priority))).all())
    assert priorities, "publishing the results adopts priorities"
    async with db.reading() as session:
        found = [c for c in await all_commitments(session) if c.kind == answers_commitments.KIND]
        assert sorted(
            await answers_commitments.for_round(session, str(item.id)), key=lambda c: c.ref
        ) == sorted(found, key=lambda c: c.ref)
    assert len(found) == len(priorities)
    first = next(c for c in found if c.ref == str(priorities[0].id))
    assert first.state == Kept.OPEN and first.due_on == priorities[0].review_on.date()
    assert first.body_slug == police_body("fernbridge-central") and first.ward_codes
    assert (first.asked_kind, first.asked_ref) == ("priorities_round", str(item.id))
    assert first.owner == "Neighbourhood policing team"

    round_page = (await web.get(f"/priorities/rounds/{item.id}")).text
    assert "What happened to this ask" in round_page
    timeline = round_page.split('id="timeline"', 1)[1].split("</table>", 1)[0]
    assert all(p.title in timeline for p in priorities) and "Police priority" in timeline

    worker = app_state(mail_app).worker
    await worker.jobs_once(force=True)
    async with db.transaction() as session:
        done = await session.get(Priority, priorities[0].id)
        assert done is not None
        done.status = PriorityStatus.DEALT_WITH
        stopped = await session.get(Priority, priorities[1].id)
        assert stopped is not None
        stopped.status = PriorityStatus.NOT_DEALT_WITH  # the team says it was not: nobody is asked
        session.add_all([done, stopped])
    await worker.jobs_once(force=True)
    await worker.jobs_once(force=True)
    while await worker.pass_once():
        pass
    asked = [m for m in smtp.messages if m["Subject"].startswith("Was it done?")]
    assert [m["To"] for m in asked] == ["vic@example.org"]
    assert priorities[0].title in asked[0]["Subject"]
    page = await web.get(f"/responses/commitments/police_priority/{priorities[0].id}")
    assert page.status_code == 200 and "Done" in page.text


def test_every_priority_status_has_a_kept_state() -> None:
    assert set(answers_commitments.KEPT) == set(PriorityStatus)
