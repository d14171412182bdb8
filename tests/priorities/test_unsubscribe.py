"""Voters who asked for news can stop it: every news email has a one-click unsubscribe that works."""

from __future__ import annotations

from typing import Any

import httpx
from sqlmodel import col, select

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.priorities import service_results
from civic.priorities.models import Priority, PriorityRound, PriorityStatus
from civic.responses import notify
from tests.priorities.conftest import Rounds, outbox
from tests.priorities.test_team_journey import vote
from tests.support.web import WebClient


def unsubscribe_path(message: Any) -> str:
    headers = message.headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = str(headers["List-Unsubscribe"]).strip("<>")
    assert link in message.body_text  # the same link is in the text for people to click
    return link.removeprefix("http://testserver")


async def publish(app: Any, db: Database, round_id: int, clock: FrozenClock) -> Priority:
    async with db.transaction() as session:
        item = await session.get(PriorityRound, round_id)
        assert item is not None
        await service_results.close_round(session, item, actor=None, now=clock.now())
        await service_results.publish_results(
            session, item, actor=None, chosen_ids=None, reason="", now=clock.now(),
            mail=app_state(app).mail, retention_days=120,
        )  # fmt: skip
    async with db.reading() as session:
        return (await session.exec(select(Priority).order_by(col(Priority.id)))).first()  # type: ignore[return-value]


async def change_status(app: Any, db: Database, priority: Priority, clock: FrozenClock) -> None:
    async with db.transaction() as session:
        fresh = await session.get(Priority, priority.id)
        assert fresh is not None
        await service_results.update_priority(
            session, fresh, actor=None, now=clock.now(), mail=app_state(app).mail, text="Checks started.",
            status=PriorityStatus.IN_PROGRESS, owner="Team", target="", review_on=fresh.review_on,
        )  # fmt: skip


async def test_a_voter_unsubscribes_in_one_click_and_gets_no_more_news(
    app: Any, rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock
) -> None:
    item, issues = await rounds.make()
    for email in ("ann@example.com", "bob@example.com"):
        await vote(web, db, row_id(item), email, [row_id(issues[0])], opt_in="yes")
    priority = await publish(app, db, row_id(item), clock)

    [ann_results] = [m for m in await outbox(db, "ann@example.com") if m.subject.startswith("Results")]
    path = unsubscribe_path(ann_results)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as mail_client:
        # A mail client's RFC 8058 POST: no cookie, no CSRF token, no page visited first.
        one_click = await mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and "You have unsubscribed" in one_click.text

    await change_status(app, db, priority, clock)
    ann = [m.subject for m in await outbox(db, "ann@example.com")]
    bob = await outbox(db, "bob@example.com")
    assert not [s for s in ann if s.startswith("Police priority update")]
    [bob_update] = [m for m in bob if m.subject.startswith("Police priority update")]
    unsubscribe_path(bob_update)  # status emails carry the link too


async def test_stopping_everything_from_another_feature_also_stops_priorities_news(
    app: Any, rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock
) -> None:
    item, issues = await rounds.make()
    await vote(web, db, row_id(item), "cat@example.com", [row_id(issues[1])], opt_in="yes")
    async with db.transaction() as session:
        from civic.core.identity import email_hash

        rater = email_hash(app_state(app).settings.secret_key, "cat@example.com")
        await notify.opt_out(session, rater, notify.ALL, clock.now())
    await publish(app, db, row_id(item), clock)
    assert not [m for m in await outbox(db, "cat@example.com") if m.subject.startswith("Results")]
