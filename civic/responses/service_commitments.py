"""Commitments: a published answer that promises an action, and its dated public updates.

Services flush; the handler commits. Every change is audit-logged in public, because a commitment
is a promise to residents and its history is part of the record."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.responses.models import (
    UPDATE_MAX,
    WHAT_MAX,
    Commitment,
    CommitmentState,
    CommitmentUpdate,
    Response,
    ResponseState,
)
from civic.responses.service import ResponseError


def check_commitment(what: str, due_on: date | None, *, today: date) -> dict[str, str]:
    """The form's rules: say what will be done, by a date that has not passed."""
    errors: dict[str, str] = {}
    if not what:
        errors["what"] = gettext("Enter what the answer commits to doing")
    elif len(what) > WHAT_MAX:
        errors["what"] = gettext("What will be done must be %(most)s characters or fewer", most=WHAT_MAX)
    if due_on is None:
        errors["due_on"] = gettext("Enter the date it will be done by")
    elif due_on < today:
        errors["due_on"] = gettext("The date it will be done by must be today or in the future")
    return errors


async def commitment_for(session: AsyncSession, response_id: int) -> Commitment | None:
    rows = await session.exec(select(Commitment).where(Commitment.response_id == response_id))
    return rows.first()


async def commit(
    session: AsyncSession,
    response: Response,
    *,
    what: str,
    due_on: date | None,
    ward_codes: tuple[str, ...],
    actor: StaffUser,
    now: datetime,
) -> Commitment:
    """Tick "this answer commits us to an action" on a published response (once per response)."""
    if response.state != ResponseState.PUBLISHED:
        raise Conflict(gettext("Publish the response before recording what it commits to"))
    if await commitment_for(session, row_id(response)) is not None:
        raise Conflict(gettext("This response already records a commitment; post an update to it instead"))
    what = what.strip()
    errors = check_commitment(what, due_on, today=now.date())
    if errors or due_on is None:
        raise ResponseError(errors)
    item = Commitment(
        response_id=row_id(response),
        body_slug=response.body_slug,
        ward_codes=",".join(ward_codes),
        what=what,
        due_on=due_on,
        created_at=now,
    )
    session.add(item)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="responses.commit",
        object_type="commitment",
        object_id=row_id(item),
        now=now,
        reason=f"{what} (by {due_on.isoformat()})",
        public=True,
    )
    return item


async def post_update(
    session: AsyncSession,
    item: Commitment,
    *,
    state: CommitmentState,
    note: str,
    actor: StaffUser,
    now: datetime,
) -> CommitmentUpdate:
    """A dated public note; it may also close the commitment as done or dropped."""
    if item.state != CommitmentState.OPEN:
        raise Conflict(gettext("This commitment is closed; its updates are final"))
    note = note.strip()
    if not note:
        raise ResponseError({"note": gettext("Enter what has happened")})
    if len(note) > UPDATE_MAX:
        raise ResponseError(
            {"note": gettext("The update must be %(most)s characters or fewer", most=UPDATE_MAX)}
        )
    update = CommitmentUpdate(
        commitment_id=row_id(item), state=state, note=note, author_name=actor.name, posted_at=now
    )
    session.add(update)
    if state != CommitmentState.OPEN:
        item.state = state
        item.closed_at = now
        session.add(item)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action=f"responses.commitment_{state.value}",
        object_type="commitment",
        object_id=row_id(item),
        now=now,
        reason=note,
        public=True,
    )
    return update


async def updates_of(session: AsyncSession, commitment_id: int) -> list[CommitmentUpdate]:
    rows = await session.exec(
        select(CommitmentUpdate)
        .where(CommitmentUpdate.commitment_id == commitment_id)
        .order_by(col(CommitmentUpdate.posted_at), col(CommitmentUpdate.id))
    )
    return list(rows.all())


async def for_body(session: AsyncSession, body_slug: str) -> list[Commitment]:
    rows = await session.exec(
        select(Commitment).where(Commitment.body_slug == body_slug).order_by(col(Commitment.due_on))
    )
    return list(rows.all())


async def for_ward(session: AsyncSession, ward_code: str) -> list[Commitment]:
    """Commitments for asks in a ward. Codes are stored comma-separated, so match a whole code."""
    rows = await session.exec(select(Commitment).order_by(col(Commitment.due_on)))
    return [c for c in rows.all() if ward_code in c.ward_codes.split(",")]


def is_late(item: Commitment, today: date) -> bool:
    """Open past its date, or closed after it."""
    if item.state == CommitmentState.OPEN:
        return today > item.due_on
    return item.closed_at is not None and item.closed_at.date() > item.due_on
