""" "Was it done?" answers: which commitments are due to be asked about, one answer per person,
comments held for a moderator, and the tally a commitment's page and the report cards show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import insert_or_ignore
from civic.core.publish import SMALL_BELOW
from civic.core.users import StaffUser
from civic.responses.models import (
    COMMENT_MAX,
    CommentState,
    Commitment,
    CommitmentAnswer,
    CommitmentState,
    Response,
    WasItDone,
)


def check_answer(raw: str, comment: str) -> tuple[WasItDone | None, dict[str, str]]:
    errors: dict[str, str] = {}
    answer = WasItDone(raw) if raw in {a.value for a in WasItDone} else None
    if answer is None:
        errors["answer"] = "Choose whether it was done, partly done or not done"
    if len(comment) > COMMENT_MAX:
        errors["comment"] = f"Comment must be {COMMENT_MAX:,} characters or fewer"
    return answer, errors


async def due_to_ask(session: AsyncSession, today: date) -> list[tuple[Commitment, Response]]:
    """Commitments not yet asked about whose date has passed or that were marked done. A dropped
    commitment is not asked about: its body already says it will not be done."""
    rows = await session.exec(
        select(Commitment, Response)
        .join(Response, col(Response.id) == col(Commitment.response_id))
        .where(
            col(Commitment.checked_at).is_(None),
            Commitment.state != CommitmentState.DROPPED,
            or_(col(Commitment.due_on) < today, col(Commitment.state) == CommitmentState.DONE),
        )
        .order_by(col(Commitment.id))
    )
    return [(item, response) for item, response in rows.all()]


async def existing_answer(session: AsyncSession, commitment_id: int, rater: str) -> CommitmentAnswer | None:
    rows = await session.exec(
        select(CommitmentAnswer).where(
            CommitmentAnswer.commitment_id == commitment_id, CommitmentAnswer.rater_hash == rater
        )
    )
    return rows.first()


async def answer(
    session: AsyncSession,
    commitment_id: int,
    *,
    rater: str,
    was_it_done: WasItDone,
    comment: str,
    now: datetime,
) -> bool:
    """Store the answer; False if this person already answered (the first answer stands)."""
    comment = comment.strip()
    values = {
        "commitment_id": commitment_id,
        "rater_hash": rater,
        "answer": was_it_done,
        "comment": comment,
        "comment_state": CommentState.PENDING if comment else CommentState.NONE,
        "created_at": now,
    }
    return await insert_or_ignore(session, CommitmentAnswer, values)


@dataclass(frozen=True)
class Tally:
    """What the people who asked said. Below the small-number rule no figures are shown at all."""

    done: int = 0
    partly: int = 0
    not_done: int = 0

    @property
    def total(self) -> int:
        return self.done + self.partly + self.not_done

    @property
    def shown(self) -> bool:
        return self.total >= SMALL_BELOW

    @property
    def disputed(self) -> bool:
        """More than half of those who answered say it was not done."""
        return self.shown and 2 * self.not_done > self.total


async def tallies(session: AsyncSession, ids: list[int] | None = None) -> dict[int, Tally]:
    """commitment id -> its tally, for the given commitments (None: all)."""
    query = select(CommitmentAnswer.commitment_id, CommitmentAnswer.answer, func.count()).group_by(
        col(CommitmentAnswer.commitment_id), col(CommitmentAnswer.answer)
    )
    if ids is not None:
        query = query.where(col(CommitmentAnswer.commitment_id).in_(ids))
    counts: dict[int, dict[str, int]] = {}
    for commitment_id, said, count in (await session.exec(query)).all():
        counts.setdefault(commitment_id, {})[WasItDone(said).value] = int(count)
    return {cid: Tally(**c) for cid, c in counts.items()}


async def approved_comments(session: AsyncSession, commitment_id: int) -> list[CommitmentAnswer]:
    rows = await session.exec(
        select(CommitmentAnswer)
        .where(
            CommitmentAnswer.commitment_id == commitment_id,
            CommitmentAnswer.comment_state == CommentState.APPROVED,
        )
        .order_by(col(CommitmentAnswer.created_at).desc())
    )
    return list(rows.all())


async def comments_awaiting_moderation(session: AsyncSession) -> list[tuple[CommitmentAnswer, Commitment]]:
    rows = await session.exec(
        select(CommitmentAnswer, Commitment)
        .join(Commitment, col(Commitment.id) == col(CommitmentAnswer.commitment_id))
        .where(CommitmentAnswer.comment_state == CommentState.PENDING)
        .order_by(col(CommitmentAnswer.created_at))
    )
    return [(item, commitment) for item, commitment in rows.all()]


async def moderate_comment(
    session: AsyncSession, item: CommitmentAnswer, *, actor: StaffUser, approve: bool, now: datetime
) -> None:
    item.comment_state = CommentState.APPROVED if approve else CommentState.REJECTED
    session.add(item)
    await session.flush()
    action = "responses.done_comment_approve" if approve else "responses.done_comment_reject"
    await audit.record(
        session, actor=actor, action=action, object_type="commitment_answer", object_id=item.id, now=now
    )
