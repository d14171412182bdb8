"""Emails to voters who asked for news of a round (results, status changes).

Every one carries a one-click unsubscribe (RFC 8058). It reuses the responses feature's opt-outs, keyed
by the same email hash and the round's scope, so one unsubscribe stops both these emails and the
policing team's published-response emails about the round; "stop everything" stops all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.outbox import Mail
from civic.priorities.answers import KIND
from civic.priorities.service_voting import contacts_of
from civic.responses import notify


def round_scope(round_id: int) -> str:
    return notify.scope_of(KIND, str(round_id))


async def email_voters(
    session: AsyncSession,
    round_id: int,
    *,
    template: str,
    context: dict[str, Any],
    mail: Mail,
    now: datetime,
    dedupe_key: str,
    contexts: Mapping[str, dict[str, Any]] | None = None,
) -> int:
    """Queue one email per opted-in voter who has not unsubscribed; returns how many were queued.
    `contexts` gives the context for a voter's language (the team's words in it), when it differs."""
    scope = round_scope(round_id)
    contacts = await contacts_of(session, round_id)
    gone = await notify.opted_out(session, [c.email_hash for c in contacts], scope)
    queued = 0
    for contact in contacts:
        if contact.email_hash in gone:
            continue
        queued += await notify.enqueue_unsubscribable(
            session, mail, to=contact.email, rater=contact.email_hash, scope=scope, template=template,
            context=(contexts or {}).get(contact.lang, context), dedupe_key=f"{dedupe_key}:{contact.id}", now=now, lang=contact.lang,
        )  # fmt: skip
    return queued
