"""Petition responses move into the generic responses tables without losing anything: on a copy of the
demo data (down to the old schema and back up), and on hand-made rows with several versions and a draft."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import col, select

from civic.commands import alembic_config
from civic.core.db import Database, UTCDateTime, run_sql
from civic.demo import load_demo
from civic.petitions.models import Petition, State
from civic.responses.models import Response, ResponseVersion, ResponsibleBody
from tests.conftest import make_settings, run_in_thread
from tests.support.postgres import PostgresServer

BEFORE = "be135cd1a7b9"  # the petitions schema, which still had petition_response
AFTER = "c4d8e2a17f30"

# The petition table as it was before the response migration (later revisions added columns).
old_petition = sa.table(
    "petition",
    *(sa.column(name, sa.String) for name in ("action", "background", "state", "creator_name")),
    *(sa.column(name, sa.String) for name in ("creator_email", "creator_key", "additional_details")),
    *(sa.column(name, UTCDateTime) for name in ("created_at", "updated_at", "response_due_at")),
    *(sa.column(name, sa.Integer) for name in ("rejection_count", "signature_count")),
    sa.column("flagged", sa.Boolean),
    sa.column("rejection_details", sa.String),
)
petition_response = sa.table(
    "petition_response",
    sa.column("petition_id", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("summary", sa.String),
    sa.column("details", sa.Text),
    sa.column("author_id", sa.Integer),
    sa.column("author_label", sa.String),
    sa.column("created_at", UTCDateTime),
    sa.column("published_at", UTCDateTime),
)


@pytest.fixture
def scratch_url(postgres: PostgresServer | None, tmp_path: Path) -> str:
    """An empty database of its own: these tests move the schema up and down."""
    if postgres is not None:
        return postgres.create_database(f"civic_migration_{uuid.uuid4().hex[:8]}")
    return f"sqlite+aiosqlite:///{tmp_path / 'migration.db'}"


def migrate(url: str, revision: str) -> None:
    run_in_thread(command.upgrade, alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    run_in_thread(command.downgrade, alembic_config(url), revision)


async def petition_answers(url: str) -> list[tuple[Any, ...]]:
    """Everything a petition's answer consists of, in a form that survives new row ids."""
    db = Database(url)
    try:
        async with db.transaction() as session:
            rows = await session.exec(
                select(Response, ResponseVersion)
                .join(ResponseVersion, col(ResponseVersion.response_id) == col(Response.id))
                .where(Response.target_kind == "petition")
                .order_by(col(Response.target_id), col(ResponseVersion.version))
            )
            fields = ("target_id", "state", "version", "draft_summary", "first_published_at")
            texts = ("version", "summary", "details", "author_name", "published_at")
            return [
                tuple(getattr(r, f) for f in fields) + tuple(getattr(v, f) for f in texts)
                for r, v in rows.all()
            ]
    finally:
        await db.dispose()


async def old_rows(url: str) -> list[Any]:
    db = Database(url)
    try:
        async with db.transaction() as session:
            result = await run_sql(
                session,
                sa.select(petition_response).order_by(
                    petition_response.c.petition_id, petition_response.c.version
                ),
            )
            return list(result.all())
    finally:
        await db.dispose()


async def test_the_demo_answers_survive_going_down_to_petition_response_and_back(scratch_url: str) -> None:
    migrate(scratch_url, "head")
    assert await load_demo(make_settings(scratch_url)) == 0
    before = await petition_answers(scratch_url)
    assert len(before) >= 2, "the demo publishes petition answers"

    downgrade(scratch_url, BEFORE)
    copied = await old_rows(scratch_url)
    assert [(str(r.petition_id), r.version, r.summary, r.details) for r in copied] == [
        (b[0], b[5], b[6], b[7]) for b in before
    ]

    migrate(scratch_url, "head")
    assert await petition_answers(scratch_url) == before


async def test_versions_and_a_draft_become_one_response_with_its_history(scratch_url: str) -> None:
    migrate(scratch_url, BEFORE)
    day = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    db = Database(scratch_url)
    try:
        async with db.transaction() as session:
            await run_sql(session, old_petition.insert().values(
                action="Fix the lights on Mill Road", background="Dark.", state=State.OPEN.value,
                creator_name="Carla", creator_email="carla@example.org", creator_key="k", additional_details="",
                flagged=False, rejection_count=0, signature_count=0, rejection_details="",
                created_at=day, updated_at=day, response_due_at=day + timedelta(days=30),
            ))  # fmt: skip
            petition = (await session.exec(select(Petition.id))).one()  # type: ignore[call-overload]
            texts = [("First answer", day), ("Second answer", day + timedelta(days=3)), ("Draft", None)]
            for number, (summary, published) in enumerate(texts, start=1):
                await run_sql(session, petition_response.insert().values(
                    petition_id=petition, version=number, summary=summary, details=f"{summary} in full.",
                    author_id=None, author_label="Cllr Chris Patel", created_at=day, published_at=published,
                ))  # fmt: skip
            petition_id = petition
    finally:
        await db.dispose()

    migrate(scratch_url, AFTER)

    db = Database(scratch_url)
    try:
        async with db.transaction() as session:
            response = (await session.exec(select(Response))).one()
            versions = (
                await session.exec(select(ResponseVersion).order_by(col(ResponseVersion.version)))
            ).all()
            body = await session.get(ResponsibleBody, "council")
    finally:
        await db.dispose()
    assert (response.target_kind, response.target_id) == ("petition", str(petition_id))
    assert response.state == "published" and response.version == 2 and response.body_slug == "council"
    assert response.first_published_at == day and response.due_at == day + timedelta(days=30)
    assert (response.draft_summary, response.draft_details) == ("Draft", "Draft in full.")
    assert [(v.version, v.summary, v.published_at) for v in versions] == [
        (1, "First answer", day),
        (2, "Second answer", day + timedelta(days=3)),
    ]
    assert versions[1].reason and versions[0].reason == ""  # a later version always says why it changed
    assert body is not None
