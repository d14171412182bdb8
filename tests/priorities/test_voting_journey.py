"""Residents vote: eligibility by postcode, confirmation by emailed link, one counted ballot per person."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.identity import email_hash
from civic.priorities import service_results
from civic.priorities.models import Ballot, Contact, PendingBallot, RoundState
from tests.conftest import SECRET
from tests.priorities.conftest import Rounds, confirm_path, outbox
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient


async def ballots(db: Database) -> list[Ballot]:
    async with db.reading() as session:
        return list((await session.exec(select(Ballot))).all())


async def test_a_resident_votes_for_three_issues_confirms_changes_her_mind_and_her_new_ballot_counts(
    rounds: Rounds, mail_web: WebClient, mail_app: Any, smtp: SmtpServer, db: Database, clock: FrozenClock
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    form = await mail_web.get(f"/priorities/rounds/{item.id}/vote")
    assert form.status_code == 200 and "Choose up to 3 issues" in form.text

    first = [issues[0].id, issues[1].id, issues[2].id]
    sent = await mail_web.post_form(
        f"/priorities/rounds/{item.id}/vote",
        {"email": "rosa.jones@example.com", "postcode": "fb6 1uu", "choices": first, "opt_in": "yes"},
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith("/check-email")
    assert await ballots(db) == []  # nothing counts before confirmation
    await mail_app.state.worker.pass_once()
    [message] = smtp.to("rosa.jones@example.com")
    link = confirm_path(body_of(message))

    page = await mail_web.get(link)  # a mail scanner's GET changes nothing
    assert page.status_code == 200 and "Confirm my vote" in page.text
    assert await ballots(db) == []
    done = await mail_web.post_form(link)
    assert done.status_code == 200 and "Your vote is counted" in done.text
    [counted] = await ballots(db)
    assert counted.choices == first and counted.ward_code == "E05900006" and not counted.works_here
    assert counted.email_hash == email_hash(SECRET, "rosa.jones@example.com")

    clock.advance(timedelta(days=2))
    second = [issues[4].id, issues[3].id]
    await mail_web.post_form(
        f"/priorities/rounds/{item.id}/vote",
        {"email": "Rosa.Jones@Example.com ", "postcode": "FB6 1UU", "choices": second},
    )
    await mail_app.state.worker.pass_once()
    new_link = confirm_path(body_of(smtp.to("Rosa.Jones@Example.com")[0]))
    assert "Your vote is counted" in (await mail_web.post_form(new_link)).text
    [counted] = await ballots(db)
    assert counted.choices == second

    stale = await mail_web.post_form(link)  # the old link again: used, and older than her new ballot
    assert stale.status_code == 200 and "newer vote" in stale.text
    [counted] = await ballots(db)
    assert counted.choices == second

    async with db.transaction() as session:
        fresh = await session.get(type(item), item.id)
        assert fresh is not None
        result = await service_results.close_round(session, fresh, actor=None, now=clock.now())
    by_id = {row.candidate_id: row for row in result.rows}
    assert result.resident_voters == 1
    assert by_id[issues[4].id].residents == 1 and by_id[issues[0].id].residents == 0
    async with db.reading() as session:
        contacts = list((await session.exec(select(Contact))).all())
        pending = list((await session.exec(select(PendingBallot))).all())
    assert [c.email for c in contacts] == ["rosa.jones@example.com"]  # she opted in the first time
    assert all(p.contact_email is None for p in pending)  # the address moved to contacts, once


async def test_a_postcode_outside_the_neighbourhood_is_refused_unless_they_work_here(
    rounds: Rounds, web: WebClient, db: Database
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    url = f"/priorities/rounds/{item.id}/vote"
    north = await web.post_form(
        url, {"email": "sam@example.com", "postcode": "FB2 1EJ", "choices": [issues[0].id]}
    )
    assert north.status_code == 422 and "is not in this neighbourhood" in north.text
    assert "govuk-error-summary" in north.text
    outside = await web.post_form(
        url, {"email": "sam@example.com", "postcode": "ZZ1 1AA", "choices": [issues[0].id]}
    )
    assert outside.status_code == 422
    works = await web.post_form(
        url,
        {"email": "sam@example.com", "postcode": "ZZ1 1AA", "works_here": "yes", "choices": [issues[0].id]},
    )
    assert works.status_code == 303
    async with db.reading() as session:
        [pending] = (await session.exec(select(PendingBallot))).all()
    assert pending.works_here and pending.ward_code == "outside"
    [message] = await outbox(db, "sam@example.com")
    assert "/priorities/confirm/" in message.body_text


async def test_bad_ballots_get_clear_messages(rounds: Rounds, web: WebClient) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN, choices=2)
    url = f"/priorities/rounds/{item.id}/vote"
    too_many = await web.post_form(
        url, {"email": "a@example.com", "postcode": "FB6 1UU", "choices": [c.id for c in issues[:3]]}
    )
    assert too_many.status_code == 422 and "no more than 2" in too_many.text
    none = await web.post_form(url, {"email": "not-an-email", "postcode": "nonsense"})
    assert none.status_code == 422
    assert "Choose at least one issue" in none.text and "correct format" in none.text
    assert "real postcode" in none.text
    unknown = await web.post_form(
        url, {"email": "a@example.com", "postcode": "FB6 1UU", "choices": ["99999"]}
    )
    assert unknown.status_code == 422


async def test_the_honeypot_and_csrf_protect_the_vote(rounds: Rounds, web: WebClient, db: Database) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    url = f"/priorities/rounds/{item.id}/vote"
    data = {"email": "bot@example.com", "postcode": "FB6 1UU", "choices": [issues[0].id]}
    bot = await web.post_form(url, {**data, "website": "http://spam.example"})
    assert bot.status_code == 303  # looks the same to the bot ...
    assert await outbox(db) == []  # ... but nothing was stored or sent
    forged = await web.http.post(url, data=data)
    assert forged.status_code == 403


async def test_voting_is_rate_limited_per_email(rounds: Rounds, web: WebClient, db: Database) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    url = f"/priorities/rounds/{item.id}/vote"
    data = {"email": "busy@example.com", "postcode": "FB6 1UU", "choices": [issues[0].id]}
    codes = [(await web.post_form(url, data)).status_code for _ in range(6)]
    assert codes == [303] * 5 + [429]
    assert len(await outbox(db, "busy@example.com")) == 5


async def test_a_link_confirmed_after_voting_closes_is_not_counted(
    rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    await web.post_form(
        f"/priorities/rounds/{item.id}/vote",
        {"email": "late@example.com", "postcode": "FB6 1UU", "choices": [issues[0].id]},
    )
    [message] = await outbox(db, "late@example.com")
    link = confirm_path(message.body_text)
    async with db.transaction() as session:
        fresh = await session.get(type(item), item.id)
        assert fresh is not None
        await service_results.close_round(session, fresh, actor=None, now=clock.now())
    response = await web.post_form(link)
    assert response.status_code == 409
    assert await ballots(db) == []
    assert (await web.get(f"/priorities/rounds/{item.id}/vote")).status_code == 403


async def test_an_expired_link_says_so(
    rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    await web.post_form(
        f"/priorities/rounds/{item.id}/vote",
        {"email": "slow@example.com", "postcode": "FB6 1UU", "choices": [issues[0].id]},
    )
    [message] = await outbox(db, "slow@example.com")
    clock.advance(timedelta(hours=49))
    response = await web.post_form(confirm_path(message.body_text))
    assert response.status_code == 400 and "expired" in response.text
    assert await ballots(db) == []


async def test_a_tampered_link_is_refused(web: WebClient, areas: None) -> None:
    response = await web.get("/priorities/confirm/abc.123.xyz")
    assert response.status_code == 400 and "not valid" in response.text


async def test_ranked_ballots_keep_their_order(rounds: Rounds, web: WebClient, db: Database) -> None:
    from civic.priorities.models import Method

    item, issues = await rounds.make(RoundState.VOTING_OPEN, method=Method.RANKED)
    url = f"/priorities/rounds/{item.id}/vote"
    page = await web.get(url)
    assert "Rank up to 3 issues" in page.text
    gap = await web.post_form(
        url, {"email": "r@example.com", "postcode": "FB6 1UU", "rank_1": issues[2].id, "rank_3": issues[0].id}
    )
    assert gap.status_code == 422
    data = {"email": "r@example.com", "postcode": "FB6 1UU", "rank_1": issues[2].id, "rank_2": issues[0].id}
    assert (await web.post_form(url, data)).status_code == 303
    [message] = await outbox(db, "r@example.com")
    await web.post_form(confirm_path(message.body_text))
    [counted] = await ballots(db)
    assert counted.choices == [issues[2].id, issues[0].id]
