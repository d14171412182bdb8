"""Panel decisions move to their panel's own body on upgrade, and back to the council on downgrade,
on a copy of the demo data."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import col, select

from civic.commands import alembic_config
from civic.core.db import Database
from civic.demo import load_demo
from civic.panels.models import Decision
from civic.responses.models import BodyKind, Response, ResponsibleBody
from tests.conftest import make_settings, run_in_thread
from tests.support.postgres import PostgresServer

BEFORE = "a330cb54d4ae"  # panel decisions were still owed by the council


@pytest.fixture
def scratch_url(postgres: PostgresServer | None, tmp_path: Path) -> str:
    """An empty database of its own: this test moves the schema up and down."""
    if postgres is not None:
        return postgres.create_database(f"civic_bodies_{uuid.uuid4().hex[:8]}")
    return f"sqlite+aiosqlite:///{tmp_path / 'bodies.db'}"


async def owners(url: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Each panel decision's response and the body it belongs to (as the panel's body is named), and
    the panel bodies that exist."""
    db = Database(url)
    try:
        async with db.reading() as session:
            panel_of = dict((await session.exec(select(Decision.id, Decision.panel_id))).all())
            rows = await session.exec(
                select(Response.body_slug, Response.target_id)
                .where(Response.target_kind == "panel_decision")
                .order_by(col(Response.id))
            )
            found = [(slug, f"panel-{panel_of[int(target)]}") for slug, target in rows.all()]
            bodies = await session.exec(
                select(ResponsibleBody.slug).where(ResponsibleBody.kind == BodyKind.PANEL)
            )
            return found, sorted(bodies.all())
    finally:
        await db.dispose()


async def test_panel_answers_follow_their_body_down_and_up(scratch_url: str) -> None:
    run_in_thread(command.upgrade, alembic_config(scratch_url), "head")
    assert await load_demo(make_settings(scratch_url)) == 0
    answers, bodies = await owners(scratch_url)
    assert len(answers) == 2 and all(slug == panel for slug, panel in answers)
    assert bodies == sorted({panel for _, panel in answers})

    run_in_thread(command.downgrade, alembic_config(scratch_url), BEFORE)
    answers, bodies = await owners(scratch_url)
    assert [slug for slug, _ in answers] == ["council", "council"] and bodies == []

    run_in_thread(command.upgrade, alembic_config(scratch_url), "head")
    answers, bodies = await owners(scratch_url)
    assert len(answers) == 2 and all(slug == panel for slug, panel in answers) and len(bodies) == 1
