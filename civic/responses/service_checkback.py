""" "Was it done?" answers about any feature's commitments: which are due to be asked about, one
answer per person, comments held for a moderator, and the tally a commitment's page and the report
cards show. A commitment is named by its source's kind and ref (`civic/core/commitments.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.commitments import CommitmentInfo, Kept
from civic.core.db import insert_or_ignore
from civic.core.i18n import gettext
from civic.core.publish import SMALL_BELOW
from civic.core.users import StaffUser
from civic.responses.models import COMMENT_MAX, CommentState, CommitmentAnswer, CommitmentCheck, WasItDone
from civic.responses.queries_commitments import all_commitments

Key = tuple[str, str]  # (commitment kind, ref)


def check_answer(raw: str, comment: str) -> tuple[WasItDone | None, dict[str, str]]:
    errors: dict[str, str] = {}
    answer = WasItDone(raw) if raw in {a.value for a in WasItDone} else None
    if answer is None:
        errors["answer"] = gettext("Choose whether it was done, partly done or not done")
    if len(comment) > COMMENT_MAX:
        errors["comment"] = gettext("Comment must be %(most)s characters or fewer", most=f"{COMMENT_MAX:,}")
    return answer, errors


def is_due(item: CommitmentInfo, today: date) -> bool:
    """Asked about once its date has passed or it was marked done. A dropped commitment is not:
    its body already says it will not be done."""
    if item.state == Kept.DROPPED:
        return False
    return item.state == Kept.DONE or (item.due_on is not None and item.due_on < today)


async def due_to_ask(session: AsyncSession, today: date) -> list[CommitmentInfo]:
    asked = set(
        (await session.exec(select(CommitmentCheck.commitment_kind, CommitmentCheck.commitment_ref))).all()
    )
    return [c for c in await all_commitments(session) if (c.kind, c.ref) not in asked and is_due(c, today)]


async def mark_asked(session: AsyncSession, item: CommitmentInfo, now: datetime) -> bool:
    """Record that it is being asked about; False if another run already did (it then sends nothing)."""
    values = {"commitment_kind": item.kind, "commitment_ref": item.ref, "asked_at": now}
    return await insert_or_ignore(session, CommitmentCheck, values)


async def existing_answer(session: AsyncSession, key: Key, rater: str) -> CommitmentAnswer | None:
    rows = await session.exec(
        select(CommitmentAnswer).where(
            CommitmentAnswer.commitment_kind == key[0],
            CommitmentAnswer.commitment_ref == key[1],
            CommitmentAnswer.rater_hash == rater,
        )
    )
    return rows.first()


async def answer(
    session: AsyncSession, key: Key, *, rater: str, was_it_done: WasItDone, comment: str, now: datetime
) -> bool:
    """Store the answer; False if this person already answered (the first answer stands)."""
    comment = comment.strip()
    values = {
        "commitment_kind": key[0],
        "commitment_ref": key[1],
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
        """More than half of at least 5 who answered say it was not done."""
        return self.shown and 2 * self.not_done > self.total


async def tallies(session: AsyncSession) -> dict[Key, Tally]:
    """(kind, ref) -> its tally, for every commitment anyone answered about."""
    query = select(
        CommitmentAnswer.commitment_kind,
        CommitmentAnswer.commitment_ref,
        CommitmentAnswer.answer,
        func.count(),
    ).group_by(
        col(CommitmentAnswer.commitment_kind),
        col(CommitmentAnswer.commitment_ref),
        col(CommitmentAnswer.answer),
    )
    counts: dict[Key, dict[str, int]] = {}
    for kind, ref, said, count in (await session.exec(query)).all():
        counts.setdefault((kind, ref), {})[WasItDone(said).value] = int(count)
    return {key: Tally(**c) for key, c in counts.items()}


async def tally_of(session: AsyncSession, key: Key) -> Tally:
    query = (
        select(CommitmentAnswer.answer, func.count())
        .where(CommitmentAnswer.commitment_kind == key[0], CommitmentAnswer.commitment_ref == key[1])
        .group_by(col(CommitmentAnswer.answer))
    )
    return Tally(**{WasItDone(said).value: int(n) for said, n in (await session.exec(query)).all()})


async def approved_comments(session: AsyncSession, key: Key) -> list[CommitmentAnswer]:
    rows = await session.exec(
        select(CommitmentAnswer)
        .where(
            CommitmentAnswer.commitment_kind == key[0],
            CommitmentAnswer.commitment_ref == key[1],
            CommitmentAnswer.comment_state == CommentState.APPROVED,
        )
        .order_by(col(CommitmentAnswer.created_at).desc())
    )
    return list(rows.all())


async def comments_awaiting_moderation(session: AsyncSession) -> list[CommitmentAnswer]:
    rows = await session.exec(
        select(CommitmentAnswer)
        .where(CommitmentAnswer.comment_state == CommentState.PENDING)
        .order_by(col(CommitmentAnswer.created_at))
    )
    return list(rows.all())


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
