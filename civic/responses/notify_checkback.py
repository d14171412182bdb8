""" "Was it done?": once a commitment is due (or marked done), everyone who asked to hear about the
ask is emailed once, with a signed link to answer done, partly or not done. No account is needed:
the link carries the commitment and a keyed hash of the address, never the address itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.db import row_id
from civic.core.outbox import Mail
from civic.core.tokens import make_token
from civic.responses.models import Commitment, Response
from civic.responses.notify import audience, enqueue_unsubscribable, scope_of

CHECK_PURPOSE = "was-it-done"
CHECK_LINK_DAYS = 90


def check_link(settings: Settings, commitment_id: int, rater: str, now: datetime) -> str:
    token = make_token(
        settings.secret_key,
        CHECK_PURPOSE,
        f"{commitment_id}:{rater}",
        expires=now + timedelta(days=CHECK_LINK_DAYS),
    )
    return settings.url(f"/responses/commitments/{commitment_id}/answer/{token}")


def dedupe_key(commitment_id: int, rater: str) -> str:
    """One email per person per commitment, however often the job runs or is retried."""
    return f"was-it-done:{commitment_id}:{rater}"


async def ask_was_it_done(
    session: AsyncSession,
    item: Commitment,
    response: Response,
    *,
    mail: Mail,
    settings: Settings,
    now: datetime,
) -> int:
    """Queue the one "was it done?" email to each person who asked; returns how many were new."""
    scope = scope_of(response.target_kind, response.target_id)
    people = await audience(session, settings, response.target_kind, response.target_id)
    queued = 0
    for rater, address in people.items():
        context = {
            "commitment": item,
            "response": response,
            "answer_url": check_link(settings, row_id(item), rater, now),
        }
        queued += await enqueue_unsubscribable(
            session, mail, to=address, rater=rater, scope=scope, template="response_was_it_done",
            context=context, dedupe_key=dedupe_key(row_id(item), rater), now=now,
        )  # fmt: skip
    return queued
