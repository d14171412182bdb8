"""Assisted votes: at a library, a help desk or on the phone a member of staff records a priorities
vote for a resident who asks, with the resident's consent. No email is needed; the resident gets a
reference (printed or read out) instead. Each staff member's entries are rate-limited and audited,
and moderators review them.

The resident's name is never stored: a keyed hash of their name and postcode lets the same resident
be recognised if someone tries to record a second vote for them in the round.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.areas import OUTSIDE_WARDS
from civic.core.db import insert_or_ignore, row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.identity import person_hash
from civic.core.ratelimit import Limit, enforce
from civic.core.users import StaffUser
from civic.priorities.counting import valid_choices
from civic.priorities.models import BallotChannel, OfflineBallot, PriorityRound
from civic.priorities.service import candidates_of
from civic.priorities.service_voting import BallotError, voter_ward

# No 0/O or 1/I/L: the reference is read out over the phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "V" + "".join(secrets.choice(ALPHABET) for _ in range(7))


async def record_assisted(
    session: AsyncSession,
    item: PriorityRound,
    *,
    secret: str,
    name: str,
    postcode: str,
    works_here: bool,
    choices: list[int],
    actor: StaffUser,
    limit: Limit,
    now: datetime,
) -> OfflineBallot:
    """Store the resident's vote (the form checks consent). Over the staff member's limit this is a
    429 and nothing is stored; a second vote for the same resident is refused (BallotError)."""
    if not item.voting_is_open(now):
        raise Conflict(gettext("Voting in this round is not open."))
    await enforce(session, f"priorities.assisted|{actor.id}", [limit], now=now)
    candidate_ids = [row_id(c) for c in await candidates_of(session, row_id(item))]
    kept = valid_choices(choices, candidate_ids, item.choices)
    if not kept or len(kept) != len(choices):
        raise BallotError(
            "choices", gettext("Choose between 1 and %(most)s different issues", most=item.choices)
        )
    ward_code = await voter_ward(session, item, postcode, works_here)
    reference = new_reference()
    values = {
        "round_id": row_id(item), "channel": BallotChannel.ASSISTED.value, "batch_id": None, "sheet": 0,
        "ward_code": ward_code, "works_here": ward_code == OUTSIDE_WARDS, "choices_json": json.dumps(kept),
        "person_hash": person_hash(secret, name, postcode), "reference": reference,
        "entered_by": row_id(actor), "created_at": now,
    }  # fmt: skip
    if not await insert_or_ignore(session, OfflineBallot, values):
        raise BallotError("name", gettext("A vote for this resident has already been recorded in this round"))
    found = await session.exec(select(OfflineBallot).where(OfflineBallot.reference == reference))
    ballot = found.one()
    await audit.record(
        session, actor=actor, action="priorities.assisted_vote", object_type="priorities_offline_ballot",
        object_id=ballot.id, now=now, reason=f"round {item.id}, reference {ballot.reference}, consent given",
    )  # fmt: skip
    return ballot


async def assisted_of(session: AsyncSession, round_id: int) -> list[tuple[OfflineBallot, str]]:
    """Every assisted vote of a round with who recorded it, newest first, for the moderators."""
    rows = await session.exec(
        select(OfflineBallot, StaffUser.email)
        .join(StaffUser, col(StaffUser.id) == col(OfflineBallot.entered_by))
        .where(OfflineBallot.round_id == round_id, OfflineBallot.channel == BallotChannel.ASSISTED)
        .order_by(col(OfflineBallot.id).desc())
    )
    return [(ballot, email) for ballot, email in rows.all()]
