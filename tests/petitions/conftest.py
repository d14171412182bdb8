"""Petition test helpers: petitions in any state, and the resident's steps over HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from civic.app import create_app
from civic.config import Settings
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.petitions.models import Petition, Signature, SignatureState, State
from civic.petitions.policy import policy_of
from tests.conftest import SECRET, make_settings
from tests.support.smtp import SmtpServer
from tests.support.web import WebClient

LINK = re.compile(r"http://testserver(/petitions/[^\s]+)")


# Tests read their own writes at once, so per-process caches are off (a dedicated test turns them on).
NO_CACHE = {"PETITION_COUNT_CACHE_SECONDS": "0"}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, extra=dict(NO_CACHE))


@pytest.fixture
async def mail_app(database_url: str, clock: FrozenClock, smtp: SmtpServer) -> AsyncIterator[Any]:
    application = create_app(
        make_settings(database_url, smtp_url=smtp.url, extra=dict(NO_CACHE)), clock=clock
    )
    yield application
    await application.state.db.dispose()


@pytest.fixture
async def mail_web(mail_app: Any, areas: None) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.7", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


def client_for(app: Any, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def links_in(body: str) -> list[str]:
    return LINK.findall(body)


class PetitionMaker:
    """Puts petitions straight into the database in a chosen state, for tests about later stages."""

    def __init__(self, db: Database, clock: FrozenClock, settings: Any) -> None:
        self.db, self.clock, self.policy = db, clock, policy_of(settings)
        self.count = 0

    async def __call__(self, state: State = State.OPEN, **fields: Any) -> Petition:
        self.count += 1
        now = self.clock.now()
        values: dict[str, Any] = {
            "action": f"Fix the streetlights number {self.count}",
            "background": "It is dark on Mill Road.",
            "creator_name": "Carla Creator",
            "creator_email": f"carla{self.count}@example.org",
            "creator_key": f"key{self.count}",
            "created_at": now,
            "updated_at": now,
            "state": state,
        }
        if state in {State.OPEN, State.CLOSED}:
            values.update(
                opened_at=now,
                closes_at=now + self.policy.open_for,
                response_threshold=self.policy.response_threshold,
                debate_threshold=self.policy.debate_threshold,
            )
        if state == State.CLOSED:
            values.update(closed_at=now, closes_at=now)
        if state == State.MODERATION:
            values.update(moderation_entered_at=now)
        if state == State.REJECTED:
            values.update(rejected_at=now, rejection_count=1, rejection_code="duplicate")
        values.update(fields)
        async with self.db.transaction() as session:
            petition = Petition(**values)
            session.add(petition)
        return petition

    async def signatures(
        self, petition: Petition, count: int, *, ward: str = "E05900006", notify: bool = False, **extra: Any
    ) -> None:
        async with self.db.transaction() as session:
            for i in range(count):
                email = f"bulk{i}.{petition.id}.{self.count}@example.net"
                values: dict[str, Any] = {
                    "petition_id": petition.id,
                    "name": f"Bulk {i}",
                    "email": email,
                    "email_canonical": email,
                    "ward_code": ward,
                    "notify": notify,
                    "state": SignatureState.VALIDATED,
                    "created_at": self.clock.now(),
                    "validated_at": self.clock.now(),
                    "ip_address": "192.0.2.50",
                }
                values.update(extra)
                session.add(Signature(**values))
            self.count += 1


@pytest.fixture
def make_petition(db: Database, clock: FrozenClock, settings: Any, areas: None) -> PetitionMaker:
    return PetitionMaker(db, clock, settings)


async def stored_signatures(db: Database, petition_id: int) -> list[Signature]:
    async with db.reading() as session:
        rows = await session.exec(select(Signature).where(Signature.petition_id == petition_id))
        return list(rows.all())


async def outbox_to(db: Database, address: str) -> list[OutboxMessage]:
    async with db.reading() as session:
        rows = await session.exec(select(OutboxMessage).where(OutboxMessage.to_address == address))
        return list(rows.all())


async def outbox_count(db: Database) -> int:
    async with db.reading() as session:
        return int((await session.exec(select(func.count()).select_from(OutboxMessage))).one())


async def reload(db: Database, petition_id: int) -> Petition:
    async with db.reading() as session:
        petition = await session.get(Petition, petition_id)
        assert petition is not None
        return petition


def sign_form(**overrides: str) -> dict[str, str]:
    form = {
        "name": "Sam Signer",
        "email": "sam@example.org",
        "postcode": "FB6 1UU",
        "residency": "live",
        "notify": "yes",
    }
    form.update(overrides)
    return form


async def confirm_link(web: WebClient, path: str) -> httpx.Response:
    """Open the emailed link (a page with a button), then press the button."""
    page = await web.get(path)
    assert page.status_code == 200, page.text
    assert 'action="/petitions/confirm"' in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text)
    assert token
    return await web.post_form("/petitions/confirm", {"token": token.group(1)})


def later(clock: FrozenClock, **delta: float) -> datetime:
    clock.advance(timedelta(**delta))
    return clock.now()


async def publish_answer(
    session: Any, petition: Petition, *, actor: Any, summary: str, details: str, now: datetime
) -> None:
    """The council's answer published through the responses service, as the shared pages do it."""
    from civic.petitions import answers
    from civic.responses import service
    from civic.responses.models import BodyKind

    await service.ensure_body(session, answers.COUNCIL_BODY, "Fernbridge", BodyKind.DEPARTMENT)
    target = await answers.load(session, str(petition.id))
    assert target is not None
    response = await service.start_response(session, target, actor=actor, now=now)
    await service.save_draft(
        session, response, actor=actor, summary=summary, details=details, reason="", now=now
    )
    await service.publish(session, response, actor=actor, now=now)


@pytest.fixture
async def council_body(db: Database) -> None:
    """The body that answers petitions. Migrations create it; PostgreSQL tests start from emptied tables."""
    from civic.petitions.answers import COUNCIL_BODY
    from civic.responses.models import BodyKind
    from civic.responses.service import ensure_body

    async with db.transaction() as session:
        await ensure_body(session, COUNCIL_BODY, "Fernbridge Borough Council", BodyKind.DEPARTMENT)
