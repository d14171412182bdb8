"""petition responses into the generic responses tables

The body "council" (it answers petitions) is created if missing. Every petition response becomes a `response` (target kind "petition", answered by the body "council")
with one `response_version` per published version, numbered 1..n in publication order; an unpublished
newest version becomes the response's draft. Then `petition_response` is dropped. The downgrade copies
the versions and any draft back; ratings and followers of petition responses exist only in the new
tables, so a downgrade deletes them (the petition tables never had them).

Revision ID: c4d8e2a17f30
Revises: be135cd1a7b9
Create Date: 2026-11-29 19:00:00
"""

import os
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

import civic.core.db
from civic.config import Settings, read_env_file

revision: str = "c4d8e2a17f30"
down_revision: str | None = "be135cd1a7b9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = "petition"
BODY = "council"
When = civic.core.db.UTCDateTime

petition = sa.table("petition", sa.column("id", sa.Integer), sa.column("action", sa.String),
                    sa.column("response_due_at", When))  # fmt: skip
petition_response = sa.table(
    "petition_response", sa.column("id", sa.Integer), sa.column("petition_id", sa.Integer),
    sa.column("version", sa.Integer), sa.column("summary", sa.String), sa.column("details", sa.Text),
    sa.column("author_id", sa.Integer), sa.column("author_label", sa.String),
    sa.column("created_at", When), sa.column("published_at", When),
)  # fmt: skip
response_body = sa.table("response_body", sa.column("slug", sa.String), sa.column("name", sa.String),
                         sa.column("kind", sa.String), sa.column("description", sa.String))  # fmt: skip
response = sa.table(
    "response", sa.column("id", sa.Integer), sa.column("target_kind", sa.String),
    sa.column("target_id", sa.String), sa.column("target_title", sa.String), sa.column("body_slug", sa.String),
    sa.column("state", sa.String), sa.column("author_id", sa.Integer), sa.column("author_name", sa.String),
    sa.column("author_role", sa.String), sa.column("author_wards", sa.String),
    sa.column("author_party", sa.String), sa.column("draft_summary", sa.String),
    sa.column("draft_details", sa.Text), sa.column("draft_reason", sa.String), sa.column("due_at", When),
    sa.column("created_at", When), sa.column("first_published_at", When), sa.column("version", sa.Integer),
)  # fmt: skip
response_version = sa.table(
    "response_version", sa.column("id", sa.Integer), sa.column("response_id", sa.Integer),
    sa.column("version", sa.Integer), sa.column("summary", sa.String), sa.column("details", sa.Text),
    sa.column("reason", sa.String), sa.column("author_name", sa.String), sa.column("published_at", When),
)  # fmt: skip

response_rating = sa.table("response_rating", sa.column("response_id", sa.Integer))


def _council_name() -> str:
    source = {**read_env_file(Path(".env")), **os.environ}
    return source.get("COUNCIL_NAME") or Settings.council_name


def _ensure_council_body(bind: sa.Connection) -> None:
    """Petitions are answered by the council from day one, so its body exists without an admin step."""
    found = bind.execute(sa.select(response_body.c.slug).where(response_body.c.slug == BODY)).first()
    if found is None:
        name = _council_name()
        bind.execute(response_body.insert().values(slug=BODY, name=name, kind="department",
                                                   description="Councillors and officers answering petitions"))  # fmt: skip


def _response_row(versions: list[Any]) -> dict[str, Any]:
    """`versions` are one petition's rows, oldest first, each joined with the petition's columns."""
    published = [v for v in versions if v.published_at is not None]
    newest = versions[-1]  # the draft when unpublished; else the service keeps the live text as the draft
    return {
        "target_kind": KIND, "target_id": str(newest.petition_id), "target_title": newest.action[:300],
        "body_slug": BODY, "state": "published" if published else "draft", "author_id": newest.author_id,
        "author_name": newest.author_label[:160], "author_role": "", "author_wards": "", "author_party": "",
        "draft_summary": newest.summary, "draft_details": newest.details,
        "draft_reason": "", "due_at": newest.response_due_at, "created_at": versions[0].created_at,
        "first_published_at": published[0].published_at if published else None, "version": len(published),
    }  # fmt: skip


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(petition_response, petition.c.action, petition.c.response_due_at)
        .join(petition, petition.c.id == petition_response.c.petition_id)
        .order_by(petition_response.c.petition_id, petition_response.c.version)
    ).all()
    _ensure_council_body(bind)
    for _petition_id, group in groupby(rows, key=lambda r: r.petition_id):
        versions = list(group)
        values = _response_row(versions)
        response_id = bind.execute(response.insert().values(**values).returning(response.c.id)).scalar_one()
        published = [v for v in versions if v.published_at is not None]
        for number, version in enumerate(published, start=1):
            bind.execute(response_version.insert().values(
                response_id=response_id, version=number, summary=version.summary, details=version.details,
                reason="" if number == 1 else "Updated by the council",
                author_name=version.author_label[:160], published_at=version.published_at,
            ))  # fmt: skip
    with op.batch_alter_table("petition_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_response_petition_id"))
    op.drop_table("petition_response")


def downgrade() -> None:
    op.create_table(
        "petition_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("summary", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_label", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("created_at", civic.core.db.UTCDateTime(), nullable=False),
        sa.Column("published_at", civic.core.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff_user.id"], name=op.f("fk_petition_response_author_id_staff_user")
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petition.id"], name=op.f("fk_petition_response_petition_id_petition")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_response")),
    )
    with op.batch_alter_table("petition_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_response_petition_id"), ["petition_id"], unique=False)
    bind = op.get_bind()
    answers = bind.execute(sa.select(response).where(response.c.target_kind == KIND)).all()
    for answer in answers:
        versions = bind.execute(
            sa.select(response_version)
            .where(response_version.c.response_id == answer.id)
            .order_by(response_version.c.version)
        ).all()
        for version in versions:
            bind.execute(petition_response.insert().values(
                petition_id=int(answer.target_id), version=version.version, summary=version.summary,
                details=version.details, author_id=answer.author_id, author_label=version.author_name,
                created_at=version.published_at, published_at=version.published_at,
            ))  # fmt: skip
        live = (versions[-1].summary, versions[-1].details) if versions else None
        if answer.draft_summary and (answer.draft_summary, answer.draft_details) != live:
            bind.execute(petition_response.insert().values(
                petition_id=int(answer.target_id), version=len(versions) + 1, summary=answer.draft_summary,
                details=answer.draft_details, author_id=answer.author_id, author_label=answer.author_name,
                created_at=answer.created_at, published_at=None,
            ))  # fmt: skip
        bind.execute(response_rating.delete().where(response_rating.c.response_id == answer.id))
        bind.execute(response_version.delete().where(response_version.c.response_id == answer.id))
        bind.execute(response.delete().where(response.c.id == answer.id))
