""" "Was it done?": once a commitment is due (or marked done), everyone who asked to hear about the
ask it answers is emailed once, with a signed link to answer done, partly or not done. No account is
needed: the link carries the commitment and a keyed hash of the address, never the address itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.commitments import CommitmentInfo
from civic.core.outbox import Mail, in_language
from civic.core.tokens import make_token
from civic.responses.notify import audience_in_languages, enqueue_unsubscribable, scope_of
from civic.responses.queries_commitments import page_path
from civic.responses.queries_targets import load_target

CHECK_PURPOSE = "was-it-done"
CHECK_LINK_DAYS = 90


def check_link(settings: Settings, item: CommitmentInfo, rater: str, now: datetime) -> str:
    token = make_token(
        settings.secret_key,
        CHECK_PURPOSE,
        f"{item.kind}:{item.ref}:{rater}",
        expires=now + timedelta(days=CHECK_LINK_DAYS),
    )
    return settings.url(f"{page_path(item.kind, item.ref)}/answer/{token}")


def dedupe_key(item: CommitmentInfo, rater: str) -> str:
    """One email per person per commitment, however often the job runs or is retried."""
    return f"was-it-done:{item.kind}:{item.ref}:{rater}"


async def ask_was_it_done(
    session: AsyncSession, item: CommitmentInfo, *, mail: Mail, settings: Settings, now: datetime
) -> int:
    """Queue the one "was it done?" email to each person who asked; returns how many were new."""
    scope = scope_of(item.asked_kind, item.asked_ref)
    ask = await load_target(session, item.asked_kind, item.asked_ref)
    people = await audience_in_languages(session, settings, item.asked_kind, item.asked_ref)
    queued = 0
    for rater, (address, lang) in people.items():  # each in the language they asked or followed in
        context = {
            "commitment": item,
            "ask_title": ask.title if ask else "",
            "page_url": in_language(settings, settings.url(page_path(item.kind, item.ref)), lang),
            "answer_url": in_language(settings, check_link(settings, item, rater, now), lang),
        }
        queued += await enqueue_unsubscribable(
            session, mail, to=address, rater=rater, scope=scope, template="response_was_it_done",
            context=context, dedupe_key=dedupe_key(item, rater), now=now, lang=lang,
        )  # fmt: skip
    return queued
