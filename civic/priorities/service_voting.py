"""Residents' ballots: a pending ballot, an emailed confirmation link, and one counted ballot per person.

The counted ballot is written with one `INSERT ... ON CONFLICT (round_id, email_hash) DO UPDATE ...
WHERE stored.pending_id < new.pending_id`: however many confirmations for one email race each other,
exactly one row exists and it holds the newest ballot; nobody gets an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, cast, literal, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import OUTSIDE_WARDS, PostcodeError, lookup_postcode, wards_of
from civic.core.db import dialect_name, row_id, run_sql
from civic.core.errors import Conflict, Gone
from civic.core.i18n import current as current_language
from civic.core.i18n import gettext
from civic.core.identity import email_hash
from civic.core.tokens import make_token, read_token
from civic.priorities.counting import valid_choices
from civic.priorities.models import (
    Ballot,
    Contact,
    OfflineBallot,
    PaperBatch,
    PaperEntry,
    PendingBallot,
    PriorityRound,
    RoundState,
)
from civic.priorities.service import candidates_of

CONFIRM_PURPOSE = "priorities.confirm"


class BallotError(ValueError):
    """A ballot that cannot be accepted; `field` names the form field to mark."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Confirmation:
    round: PriorityRound
    counted: bool  # False when a newer ballot from the same person already counts
    already: bool  # the link had been used before


async def start_ballot(
    session: AsyncSession,
    item: PriorityRound,
    *,
    secret: str,
    email: str,
    postcode: str,
    works_here: bool,
    choices: list[int],
    opt_in: bool,
    now: datetime,
) -> PendingBallot:
    """Check eligibility and store a pending ballot; the caller emails the confirmation link."""
    if not item.voting_is_open(now):
        raise Conflict(gettext("Voting in this round is not open."))
    candidate_ids = [row_id(c) for c in await candidates_of(session, row_id(item))]
    kept = valid_choices(choices, candidate_ids, item.choices)
    if not kept or len(kept) != len(choices):
        raise BallotError(
            "choices", gettext("Choose between 1 and %(most)s different issues", most=item.choices)
        )
    ward_code = await voter_ward(session, item, postcode, works_here)
    pending = PendingBallot(
        round_id=row_id(item),
        email_hash=email_hash(secret, email),
        ward_code=ward_code,
        works_here=ward_code == OUTSIDE_WARDS,
        choices_json=json.dumps(kept),
        contact_email=email.strip() if opt_in else None,
        lang=current_language(),
        created_at=now,
    )
    session.add(pending)
    await session.flush()
    return pending


async def voter_ward(session: AsyncSession, item: PriorityRound, postcode: str, works_here: bool) -> str:
    """The voter's ward if they live in the neighbourhood; OUTSIDE_WARDS if they only work there."""
    try:
        match = await lookup_postcode(session, postcode)
    except PostcodeError as exc:
        raise BallotError("postcode", str(exc)) from None
    local = {w.code for w in await wards_of(session, item.neighbourhood_slug)}
    if match.ward is not None and match.ward.code in local:
        return match.ward.code
    if works_here:
        return OUTSIDE_WARDS
    raise BallotError(
        "postcode",
        gettext(
            "%(postcode)s is not in this neighbourhood. If you work here, tick ‘I work in this neighbourhood’",
            postcode=match.postcode,
        ),
    )


def confirm_token(secret: str, pending: PendingBallot, *, now: datetime, hours: int) -> str:
    return make_token(secret, CONFIRM_PURPOSE, str(pending.id), expires=now + timedelta(hours=hours))


def read_confirm_token(secret: str, token: str, *, now: datetime) -> int:
    payload = read_token(secret, CONFIRM_PURPOSE, token, now=now)
    if not payload.isdigit():
        raise Gone(gettext("This link is not valid."))
    return int(payload)


async def confirm_ballot(session: AsyncSession, pending_id: int, *, now: datetime) -> Confirmation:
    pending = await session.get(PendingBallot, pending_id)
    if pending is None:
        raise Gone(gettext("This ballot has expired. Vote again to get a new link."))
    item = await session.get(PriorityRound, pending.round_id)
    assert item is not None
    already = pending.confirmed_at is not None
    if not already:
        if not item.voting_is_open(now):
            raise Conflict(gettext("Voting in this round has closed, so this ballot cannot be counted."))
        await _upsert_ballot(session, pending, now)
        if pending.contact_email:
            await _add_contact(session, pending, now)
        pending.confirmed_at, pending.contact_email = now, None
        session.add(pending)
        await session.flush()
    stored = await session.exec(
        select(Ballot.pending_id).where(
            Ballot.round_id == pending.round_id, Ballot.email_hash == pending.email_hash
        )
    )
    return Confirmation(item, counted=stored.first() == pending.id, already=already)


async def _insert(session: AsyncSession) -> Any:
    return pg_insert if await dialect_name(session) == "postgresql" else sqlite_insert


async def _upsert_ballot(session: AsyncSession, pending: PendingBallot, now: datetime) -> None:
    table = Ballot.__table__  # type: ignore[attr-defined]
    values = {
        "round_id": pending.round_id,
        "email_hash": pending.email_hash,
        "ward_code": pending.ward_code,
        "works_here": pending.works_here,
        "choices_json": pending.choices_json,
        "pending_id": pending.id,
        "cast_on": pending.created_at,
        "confirmed_at": now,
    }
    statement = (await _insert(session))(table).values(**values)
    newer = {k: statement.excluded[k] for k in values if k not in {"round_id", "email_hash"}}
    statement = statement.on_conflict_do_update(
        index_elements=["round_id", "email_hash"],
        set_=newer,
        where=table.c.pending_id < statement.excluded.pending_id,
    )
    await run_sql(session, statement)


async def _add_contact(session: AsyncSession, pending: PendingBallot, now: datetime) -> None:
    table = Contact.__table__  # type: ignore[attr-defined]
    statement = (await _insert(session))(table).values(
        round_id=pending.round_id,
        email_hash=pending.email_hash,
        email=pending.contact_email,
        lang=pending.lang,
        created_at=now,
    )
    await run_sql(session, statement.on_conflict_do_nothing(index_elements=["round_id", "email_hash"]))


async def ballots_of(session: AsyncSession, round_id: int) -> list[Ballot]:
    rows = await session.exec(select(Ballot).where(Ballot.round_id == round_id).order_by(col(Ballot.id)))
    return list(rows.all())


async def offline_ballots_of(session: AsyncSession, round_id: int) -> list[OfflineBallot]:
    """Paper and assisted ballots of a round (they have no email, so no pending step)."""
    rows = await session.exec(
        select(OfflineBallot).where(OfflineBallot.round_id == round_id).order_by(col(OfflineBallot.id))
    )
    return list(rows.all())


async def contacts_of(session: AsyncSession, round_id: int) -> list[Contact]:
    rows = await session.exec(select(Contact).where(Contact.round_id == round_id).order_by(col(Contact.id)))
    return list(rows.all())


async def count_ballots(session: AsyncSession, round_id: int) -> int:
    rows = await session.exec(select(func.count()).select_from(Ballot).where(Ballot.round_id == round_id))
    return int(rows.one())


async def count_contacts(session: AsyncSession, round_id: int) -> int:
    rows = await session.exec(select(func.count()).select_from(Contact).where(Contact.round_id == round_id))
    return int(rows.one())


async def purge(session: AsyncSession, *, now: datetime, confirm_hours: int) -> tuple[int, int]:
    """Delete contacts whose retention has ended and pending ballots whose link can no longer work.
    Returns (contacts deleted, pending ballots deleted)."""
    expired_rounds = select(PriorityRound.id).where(
        col(PriorityRound.state) == RoundState.PUBLISHED,
        col(PriorityRound.contacts_delete_after) <= now,
    )
    gone = await session.exec(delete(Contact).where(col(Contact.round_id).in_(expired_rounds)))
    # "One ballot per person" no longer needs the keyed email hash once the round is over and its
    # retention has passed: replace it with a value that links to nobody.
    await run_sql(
        session,
        update(Ballot)
        .where(col(Ballot.round_id).in_(expired_rounds), col(Ballot.email_hash).not_like("removed-%"))
        .values(email_hash=literal("removed-") + cast(Ballot.id, String)),
    )
    await run_sql(
        session,
        update(OfflineBallot)
        .where(col(OfflineBallot.round_id).in_(expired_rounds), col(OfflineBallot.person_hash).is_not(None))
        .values(person_hash=None),
    )
    expired_batches = select(PaperBatch.id).where(col(PaperBatch.round_id).in_(expired_rounds))
    await session.exec(delete(PaperEntry).where(col(PaperEntry.batch_id).in_(expired_batches)))
    stale = now - timedelta(hours=confirm_hours)
    old = await session.exec(delete(PendingBallot).where(col(PendingBallot.created_at) < stale))
    return int(gone.rowcount or 0), int(old.rowcount or 0)
