""" "Was it done?": once a commitment is due (or marked done) the people who asked hear once, answer
through a signed link without an account, comments wait for a moderator, and the answer's page shows
the tally only from 5 answers."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.identity import email_hash
from civic.core.privacy import Subject
from civic.core.state import app_state
from civic.core.users import Role
from civic.features import FEATURES
from civic.responses import notify, privacy, service, service_checkback, service_commitments
from civic.responses.models import (
    Commitment,
    CommitmentAnswer,
    CommitmentCheck,
    CommitmentState,
    Response,
    WasItDone,
)
from tests.conftest import PASSWORD, SECRET, StaffFactory
from tests.responses.conftest import Asks, due_in
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("bodies")

LINK = re.compile(r"http://testserver(/responses/commitments/commitment/(\d+)/answer/\S+)")


@pytest.fixture
async def mail_web(mail_app: Any) -> Any:
    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.51", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


async def committed(
    db: Database,
    asks: Asks,
    clock: FrozenClock,
    make_staff: StaffFactory,
    askers: list[str],
    *,
    due_days: int = 20,
    target_id: str = "1",
) -> tuple[Response, Commitment]:
    """An ask answered and published, with a commitment due in `due_days` days."""
    info = asks.add(target_id, due_at=due_in(clock, 10), asked_at=clock.now(), askers=askers)
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        response = await service.start_response(session, info, actor=admin, now=clock.now())
        await service.save_draft(
            session, response, actor=admin, summary="We will", details="Soon.", reason="", now=clock.now()
        )
        await service.publish(session, response, actor=admin, now=clock.now())
        item = await service_commitments.commit(
            session, response, what="Replace the twelve streetlights on Mill Road",
            due_on=clock.now().date() + timedelta(days=due_days), ward_codes=("E05900006",),
            actor=admin, now=clock.now(),
        )  # fmt: skip
    return response, item


def asking_emails(smtp: SmtpServer) -> list[Any]:
    return [m for m in smtp.messages if m["Subject"].startswith("Was it done?")]


async def deliver(app: Any) -> None:
    while await app_state(app).worker.pass_once():
        pass


def test_the_job_is_part_of_the_responses_contract() -> None:
    names = {job.name for feature in FEATURES for job in feature.jobs}
    assert "responses.ask_was_it_done" in names


async def test_each_person_who_asked_is_asked_once_when_the_date_passes(
    mail_app: Any, db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, smtp: SmtpServer
) -> None:
    askers = ["ann@example.org", "bob@example.org", "cara@example.org"]
    _, item = await committed(db, asks, clock, make_staff, askers)
    # cara unsubscribed from everything: she is never asked
    async with db.transaction() as session:
        await notify.opt_out(session, email_hash(SECRET, "cara@example.org"), notify.ALL, clock.now())
    worker = app_state(mail_app).worker
    await worker.jobs_once(force=True)
    await deliver(mail_app)
    assert asking_emails(smtp) == []  # not due yet
    clock.advance(timedelta(days=21))
    await worker.jobs_once(force=True)
    await worker.jobs_once(force=True)  # a second run, as after a restart, asks nobody again
    await deliver(mail_app)
    letters = asking_emails(smtp)
    assert sorted(m["To"] for m in letters) == ["ann@example.org", "bob@example.org"]
    text = body_of(letters[0])
    assert "Replace the twelve streetlights on Mill Road" in text and LINK.search(text)
    assert letters[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    async with db.reading() as session:
        [check] = (await session.exec(select(CommitmentCheck))).all()
        assert (check.commitment_kind, check.commitment_ref) == ("commitment", str(item.id))


async def test_marking_done_asks_at_once_and_a_dropped_commitment_is_never_asked(
    mail_app: Any, db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, smtp: SmtpServer
) -> None:
    _, done = await committed(db, asks, clock, make_staff, ["dan@example.org"], target_id="1")
    _, dropped = await committed(db, asks, clock, make_staff, ["eve@example.org"], target_id="2")
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        for item, state in ((done, CommitmentState.DONE), (dropped, CommitmentState.DROPPED)):
            fresh = await session.get(Commitment, item.id)
            assert fresh is not None
            await service_commitments.post_update(
                session, fresh, state=state, note="Closed", actor=admin, now=clock.now()
            )
    clock.advance(timedelta(days=30))
    await app_state(mail_app).worker.jobs_once(force=True)
    await deliver(mail_app)
    assert [m["To"] for m in asking_emails(smtp)] == ["dan@example.org"]
    assert "The council says it has been done." in body_of(asking_emails(smtp)[0])


async def test_a_resident_answers_once_through_the_link_and_a_moderator_shows_the_comment(
    mail_app: Any,
    mail_web: WebClient,
    db: Database,
    asks: Asks,
    clock: FrozenClock,
    make_staff: StaffFactory,
    smtp: SmtpServer,
) -> None:
    response, item = await committed(db, asks, clock, make_staff, ["fay@example.org"], due_days=1)
    clock.advance(timedelta(days=2))
    await app_state(mail_app).worker.jobs_once(force=True)
    await deliver(mail_app)
    [letter] = asking_emails(smtp)
    found = LINK.search(body_of(letter))
    assert found is not None and found.group(2) == str(item.id)
    url = found.group(1)
    form = await mail_web.get(url)
    assert form.status_code == 200 and "Was it done?" in form.text
    bad = await mail_web.post_form(url, {"answer": "maybe"})
    assert bad.status_code == 422 and "Choose whether it was done" in bad.text
    sent = await mail_web.post_form(url, {"answer": "partly", "comment": "Only half the lights work"})
    assert sent.status_code == 200 and "Answer received" in sent.text
    again = await mail_web.post_form(url, {"answer": "done"})
    assert "You had already answered" in again.text
    async with db.reading() as session:
        tally = await service_checkback.tally_of(session, ("commitment", str(item.id)))
        assert (tally.done, tally.partly, tally.not_done) == (0, 1, 0)
    page = (await mail_web.get(f"/responses/{response.id}")).text
    assert "Fewer than 5 people have answered so far" in page
    assert "Only half the lights work" not in page  # not moderated yet
    assert (await mail_web.get(url[:-3] + "abc")).status_code == 400  # tampered
    other = url.replace(f"/commitment/{item.id}/", f"/commitment/{row_id(item) + 1}/")
    assert (await mail_web.get(other)).status_code == 400  # the link names another commitment

    moderator = await make_staff(Role.MODERATOR)
    await mail_web.login(moderator.email, PASSWORD)
    queue = (await mail_web.get("/responses/comments")).text
    assert "Only half the lights work" in queue
    answer_id = re.search(r"/responses/comments/done/(\d+)", queue)
    assert answer_id is not None
    moderated = await mail_web.post_form(
        f"/responses/comments/done/{answer_id.group(1)}", {"decision": "approve"}
    )
    assert moderated.status_code == 303
    assert "Only half the lights work" in (await mail_web.get(f"/responses/{response.id}")).text


async def test_the_tally_shows_from_five_answers_and_a_disputed_done_is_flagged(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, web: WebClient
) -> None:
    response, item = await committed(db, asks, clock, make_staff, [])
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        fresh = await session.get(Commitment, item.id)
        assert fresh is not None
        await service_commitments.post_update(
            session, fresh, state=CommitmentState.DONE, note="All done", actor=admin, now=clock.now()
        )
        said = [WasItDone.NOT_DONE, WasItDone.NOT_DONE, WasItDone.NOT_DONE, WasItDone.DONE]
        for n, answer in enumerate(said):
            assert await service_checkback.answer(
                session,
                ("commitment", str(item.id)),
                rater=f"r{n}",
                was_it_done=answer,
                comment="",
                now=clock.now(),
            )
    page = (await web.get(f"/responses/{response.id}")).text
    assert "Fewer than 5 people have answered" in page and "most people who answered say" not in page
    async with db.transaction() as session:
        await service_checkback.answer(
            session,
            ("commitment", str(item.id)),
            rater="r9",
            was_it_done=WasItDone.PARTLY,
            comment="",
            now=clock.now(),
        )
    page = (await web.get(f"/responses/{response.id}")).text
    cells = re.findall(r'govuk-table__cell--numeric">(\d+)</td>', page)
    assert cells[:3] == ["1", "1", "3"]  # done, partly, not done
    assert "marked this done, but most people who answered say it was not done" in page


async def test_a_data_request_finds_and_erasure_unlinks_an_answer_keeping_it_counted(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    _, item = await committed(db, asks, clock, make_staff, [])
    key = ("commitment", str(item.id))
    subject = Subject(email="gil@example.org", secret=SECRET)
    async with db.transaction() as session:
        await service_checkback.answer(
            session, key, rater=email_hash(SECRET, "gil@example.org"), was_it_done=WasItDone.NOT_DONE,
            comment="Nothing has changed", now=clock.now(),
        )  # fmt: skip
        [held] = [h for h in await privacy.search(session, subject) if "was it done" in h.kind]
        assert held.fields["answer"] == "not_done" and held.fields["comment"] == "Nothing has changed"
        erased = await privacy.erase(session, subject, clock.now())
        assert erased.changed == 1 and '1 "was it done?" answer(s)' in erased.summary
    async with db.reading() as session:
        assert [h for h in await privacy.search(session, subject) if "was it done" in h.kind] == []
        assert (await service_checkback.tally_of(session, key)).not_done == 1
        [row] = (await session.exec(select(CommitmentAnswer))).all()
        assert row.comment == "" and row.rater_hash.startswith("erased-")
