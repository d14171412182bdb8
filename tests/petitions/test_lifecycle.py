"""The state machine: allowed moves are stamped and audited, others refused with 409."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.errors import Conflict
from civic.core.state import app_state
from civic.core.users import Role
from civic.petitions.jobs import close_petitions
from civic.petitions.models import TRANSITIONS, State
from civic.petitions.policy import policy_of
from civic.petitions.service import transition
from tests.conftest import PASSWORD, StaffFactory
from tests.petitions.conftest import PetitionMaker, reload
from tests.support.web import WebClient


async def audit_actions(db: Database) -> list[str]:
    async with db.reading() as session:
        rows = await session.exec(select(AuditEntry.action).order_by(col(AuditEntry.id)))
        return [a for a in rows.all() if a.startswith("petitions.")]


@pytest.mark.parametrize("start", list(State))
async def test_every_refused_transition_is_a_409_and_changes_nothing(
    start: State,
    db: Database,
    clock: FrozenClock,
    settings: Any,
    make_petition: PetitionMaker,
    caplog: pytest.LogCaptureFixture,
) -> None:
    petition = await make_petition(start)
    for target in State:
        if target in TRANSITIONS[start]:
            continue
        async with db.transaction() as session:
            fresh = await session.get(type(petition), petition.id)
            assert fresh is not None
            with pytest.raises(Conflict) as refused:
                await transition(
                    session, fresh, target, actor=None, now=clock.now(), policy=policy_of(settings)
                )
        assert refused.value.status_code == 409 and "cannot become" in str(refused.value.detail)
        assert f"refused petitions.{target.value} on petition {petition.id}" in caplog.text
        assert (await reload(db, row_id(petition))).state == start
    assert await audit_actions(db) == []


async def test_opening_records_the_thresholds_then_in_force(
    db: Database, clock: FrozenClock, settings: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.MODERATION)
    async with db.transaction() as session:
        fresh = await session.get(type(petition), petition.id)
        assert fresh is not None
        await transition(session, fresh, State.OPEN, actor=None, now=clock.now(), policy=policy_of(settings))
    opened = await reload(db, row_id(petition))
    assert (opened.response_threshold, opened.debate_threshold) == (100, 1500)
    assert opened.closes_at == clock.now() + timedelta(days=182)
    assert await audit_actions(db) == ["petitions.open"]


async def test_the_closing_job_closes_petitions_whose_time_is_up(
    app: Any, db: Database, clock: FrozenClock, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.OPEN)
    clock.advance(timedelta(days=183))
    ctx = type("Ctx", (), {"db": db, "settings": app_state(app).settings, "now": clock.now(), "mail": None})()
    assert await close_petitions(ctx) == "closed 1 petitions"  # type: ignore[arg-type]
    closed = await reload(db, row_id(petition))
    assert closed.state == State.CLOSED and closed.closed_at == clock.now()


async def test_moderating_a_petition_that_is_already_open_is_refused_with_an_explanation(
    web: WebClient, make_staff: StaffFactory, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.OPEN)
    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    refused = await web.post_form(f"/petitions/{petition.id}/moderate", {"decision": "approve"})
    assert refused.status_code == 409
    assert "cannot be moderated" in refused.text


async def test_a_removed_petition_is_gone(
    web: WebClient, db: Database, make_staff: StaffFactory, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.OPEN)
    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    removed = await web.post_form(f"/petitions/{petition.id}/remove", {"reason": "libellous"})
    assert removed.status_code == 303
    assert (await web.get(f"/petitions/{petition.id}")).status_code == 410
    assert (await web.get(f"/petitions/{petition.id}.json")).status_code == 410
    again = await web.post_form(f"/petitions/{petition.id}/remove", {"reason": "twice"})
    assert again.status_code == 410
    assert await audit_actions(db) == ["petitions.removed"]
