"""Satisfaction: the people who asked rate the response, once each; comments wait for a moderator."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.db import insert_or_ignore
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.responses.models import COMMENT_MAX, CommentState, Rating, Response


def check_rating(score_raw: str, comment: str) -> tuple[int | None, dict[str, str]]:
    errors: dict[str, str] = {}
    score = int(score_raw) if score_raw in {"1", "2", "3", "4", "5"} else None
    if score is None:
        errors["score"] = gettext("Choose how satisfied you are, from 1 to 5")
    if len(comment) > COMMENT_MAX:
        errors["comment"] = gettext("Comment must be %(most)s characters or fewer", most=f"{COMMENT_MAX:,}")
    return score, errors


async def existing_rating(session: AsyncSession, response_id: int, rater: str) -> Rating | None:
    rows = await session.exec(
        select(Rating).where(Rating.response_id == response_id, Rating.rater_hash == rater)
    )
    return rows.first()


async def rate(
    session: AsyncSession, response: Response, *, rater: str, score: int, comment: str, now: datetime
) -> bool:
    """Store the rating; False if this person already rated this response (the first one stands)."""
    values = {
        "response_id": response.id,
        "version": response.version,
        "rater_hash": rater,
        "score": score,
        "comment": comment.strip(),
        "comment_state": CommentState.PENDING if comment.strip() else CommentState.NONE,
        "created_at": now,
    }
    return await insert_or_ignore(session, Rating, values)


async def comments_awaiting_moderation(session: AsyncSession) -> list[tuple[Rating, Response]]:
    rows = await session.exec(
        select(Rating, Response)
        .join(Response, col(Response.id) == col(Rating.response_id))
        .where(Rating.comment_state == CommentState.PENDING)
        .order_by(col(Rating.created_at))
    )
    return [(rating, response) for rating, response in rows.all()]


async def moderate_comment(
    session: AsyncSession, rating: Rating, *, actor: StaffUser, approve: bool, now: datetime
) -> None:
    rating.comment_state = CommentState.APPROVED if approve else CommentState.REJECTED
    session.add(rating)
    await session.flush()
    action = "responses.comment_approve" if approve else "responses.comment_reject"
    await audit.record(
        session, actor=actor, action=action, object_type="response_rating", object_id=rating.id, now=now
    )


async def approved_comments(session: AsyncSession, response_id: int) -> list[Rating]:
    rows = await session.exec(
        select(Rating)
        .where(Rating.response_id == response_id, Rating.comment_state == CommentState.APPROVED)
        .order_by(col(Rating.created_at).desc())
    )
    return list(rows.all())
