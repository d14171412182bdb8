"""Helpers for the priorities tests: rounds in any state, ballots, and reading confirmation links."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.core.users import Role, StaffUser
from civic.priorities import service, service_results
from civic.priorities.models import Candidate, Category, Method, PriorityRound, RoundState

ISSUES = [
    (Category.DRUG_DEALING, "Drug dealing near the station"),
    (Category.SPEEDING, "Speeding on Castle Road"),
    (Category.ANTI_SOCIAL_BEHAVIOUR, "Groups in Abbey Park"),
    (Category.VEHICLE_CRIME, "Thefts from cars"),
    (Category.STREET_DRINKING, "Street drinking in Market Square"),
]
CONFIRM_LINK = re.compile(r"http://testserver(/priorities/confirm/\S+)")


class Rounds:
    """Makes rounds in a given state through the real services."""

    def __init__(self, db: Database, clock: FrozenClock) -> None:
        self.db, self.clock = db, clock

    async def make(
        self,
        state: RoundState = RoundState.VOTING_OPEN,
        *,
        slug: str = "fernbridge-central",
        method: Method = Method.APPROVAL,
        choices: int = 3,
        top_n: int = 3,
        issues: int = 5,
        actor: StaffUser | None = None,
    ) -> tuple[PriorityRound, list[Candidate]]:
        now = self.clock.now()
        async with self.db.transaction() as session:
            item = await service.create_round(
                session,
                actor=actor,
                neighbourhood_slug=slug,
                title="Police priorities this quarter",
                opens_at=now,
                closes_at=now + timedelta(days=21),
                choices=choices,
                top_n=top_n,
                method=method,
                now=now,
            )
            candidates = [
                await service.add_candidate(
                    session, item, actor=actor, category=c, title=t, description="", now=now
                )
                for c, t in ISSUES[:issues]
            ]
            path = {
                RoundState.DRAFT: [],
                RoundState.SUGGESTIONS_OPEN: [RoundState.SUGGESTIONS_OPEN],
                RoundState.VOTING_OPEN: [RoundState.VOTING_OPEN],
                RoundState.CLOSED: [RoundState.VOTING_OPEN, RoundState.CLOSED],
                RoundState.PUBLISHED: [RoundState.VOTING_OPEN, RoundState.CLOSED, RoundState.PUBLISHED],
            }[state]
            for step in path:
                if step == RoundState.CLOSED:
                    await service_results.close_round(session, item, actor=actor, now=now)
                elif step == RoundState.PUBLISHED:
                    await service_results.publish_results(
                        session,
                        item,
                        actor=actor,
                        chosen_ids=None,
                        reason="",
                        now=now,
                        mail=_mail(self),
                        retention_days=120,
                    )
                else:
                    await service.transition(session, item, step, actor=actor, now=now)
        return item, candidates


def _mail(rounds: Rounds) -> Any:
    from civic.core.outbox import Mail
    from civic.core.templating import make_templates
    from tests.conftest import make_settings

    return Mail(make_templates().env, make_settings(rounds.db.url))


@pytest.fixture
def rounds(db: Database, clock: FrozenClock, areas: None) -> Rounds:
    return Rounds(db, clock)


@pytest.fixture
async def police(make_staff: Any) -> StaffUser:
    user: StaffUser = await make_staff(Role.POLICE, email="pc.shah@police.example", name="PC Priya Shah")
    return user


async def outbox(db: Database, to: str | None = None) -> list[OutboxMessage]:
    async with db.reading() as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if to is not None:
            query = query.where(OutboxMessage.to_address == to)
        return list((await session.exec(query)).all())


def confirm_path(body: str) -> str:
    match = CONFIRM_LINK.search(body)
    assert match, body
    return match.group(1)


@pytest.fixture
async def mail_web(mail_app: Any) -> Any:
    import httpx

    from tests.conftest import SECRET
    from tests.support.web import WebClient

    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.50", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)
