"""panel answering bodies

Answers belong to bodies: a panel's decisions are now owed by the panel's own responsible body
("panel-<panel id>", kind "panel") instead of the council. Each existing panel gets its body, and
existing responses to panel decisions move to it, so a started draft is answered by the same body the
queue shows. The downgrade moves them back to the council and removes the panel bodies. No schema change.

Revision ID: 5b9e31c07d42
Revises: a330cb54d4ae
Create Date: 2026-12-02 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b9e31c07d42"
down_revision: str | None = "a330cb54d4ae"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KIND = "panel_decision"
COUNCIL = "council"

panel = sa.table("panel", sa.column("id", sa.Integer), sa.column("name", sa.String))
decision = sa.table("panel_decision", sa.column("id", sa.Integer), sa.column("panel_id", sa.Integer))
response_body = sa.table("response_body", sa.column("slug", sa.String), sa.column("name", sa.String),
                         sa.column("kind", sa.String), sa.column("description", sa.String))  # fmt: skip
response = sa.table("response", sa.column("id", sa.Integer), sa.column("target_kind", sa.String),
                    sa.column("target_id", sa.String), sa.column("body_slug", sa.String))  # fmt: skip


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(bind.execute(sa.select(response_body.c.slug)).scalars())
    body_of_panel: dict[int, str] = {}
    for panel_id, name in bind.execute(sa.select(panel.c.id, panel.c.name)).all():
        body_of_panel[panel_id] = f"panel-{panel_id}"
        if body_of_panel[panel_id] not in existing:
            bind.execute(response_body.insert().values(slug=body_of_panel[panel_id], name=name[:160], kind="panel",
                                                       description="Answers the panel's decisions"))  # fmt: skip
    panel_of = dict(bind.execute(sa.select(decision.c.id, decision.c.panel_id)).all())
    rows = bind.execute(sa.select(response.c.id, response.c.target_id).where(response.c.target_kind == KIND))
    for response_id, target_id in rows.all():
        body = body_of_panel.get(panel_of.get(int(target_id), -1)) if target_id.isdigit() else None
        if body is not None:
            bind.execute(response.update().where(response.c.id == response_id).values(body_slug=body))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.select(response_body.c.slug).where(response_body.c.slug == COUNCIL)).first() is None:
        bind.execute(response_body.insert().values(slug=COUNCIL, name="Council", kind="department",
                                                   description="Councillors and officers answering petitions"))  # fmt: skip
    bind.execute(response.update().where(response.c.target_kind == KIND).values(body_slug=COUNCIL))
    bind.execute(response_body.delete().where(response_body.c.kind == "panel",
                                              response_body.c.slug.like("panel-%")))  # fmt: skip
