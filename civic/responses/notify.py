"""Telling the people who asked: followers, double opt-in, one email per person per response,
one-click unsubscribe (RFC 8058) and a signed link to rate the response."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import i18n
from civic.core.content_languages import load as load_versions
from civic.core.db import insert_or_ignore, row_id
from civic.core.identity import canonical_email, email_hash
from civic.core.outbox import Mail, in_language
from civic.core.tokens import make_token
from civic.responses.models import Follower, OptOut, Response, ResponseVersion
from civic.responses.queries_targets import get_kind
from civic.responses.service_versions import FIELDS, KIND

RATE_PURPOSE = "rate-response"
UNSUBSCRIBE_PURPOSE = "unsubscribe"
FOLLOW_PURPOSE = "confirm-follow"
RATE_LINK_DAYS = 90
UNSUBSCRIBE_LINK_DAYS = 5 * 365
ALL = "all"


def scope_of(kind: str, target_id: str) -> str:
    return f"{kind}:{target_id}"


def rate_link(settings: Settings, response_id: int, rater: str, now: datetime) -> str:
    token = make_token(
        settings.secret_key,
        RATE_PURPOSE,
        f"{response_id}:{rater}",
        expires=now + timedelta(days=RATE_LINK_DAYS),
    )
    return settings.url(f"/responses/{response_id}/rate/{token}")


def unsubscribe_link(settings: Settings, rater: str, scope: str, now: datetime) -> str:
    token = make_token(
        settings.secret_key,
        UNSUBSCRIBE_PURPOSE,
        f"{rater}|{scope}",
        expires=now + timedelta(days=UNSUBSCRIBE_LINK_DAYS),
    )
    return settings.url(f"/responses/unsubscribe/{token}")


def unsubscribe_headers(link: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers, so mail clients offer a one-click unsubscribe that POSTs."""
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


async def opted_out(session: AsyncSession, hashes: list[str], scope: str) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        rows = await session.exec(
            select(OptOut.email_hash).where(
                col(OptOut.email_hash).in_(chunk), col(OptOut.scope).in_([scope, ALL])
            )
        )
        found.update(rows.all())
    return found


async def audience(session: AsyncSession, settings: Settings, kind: str, target_id: str) -> dict[str, str]:
    """email hash -> address for everyone who asked to hear and has not opted out."""
    return {
        rater: address
        for rater, (address, _) in (await _audience(session, settings, kind, target_id)).items()
    }


async def audience_in_languages(
    session: AsyncSession, settings: Settings, kind: str, target_id: str
) -> dict[str, tuple[str, str]]:
    """email hash -> (address, language) for everyone who asked to hear and has not opted out."""
    return await _audience(session, settings, kind, target_id)


async def _audience(
    session: AsyncSession, settings: Settings, kind: str, target_id: str
) -> dict[str, tuple[str, str]]:
    """email hash -> (address, language): the feature's own audience in the language each used when
    they asked (the council's default where the feature does not say), followers in the language they
    followed in."""
    target = get_kind(kind)
    languages = await target.languages(session, target_id) if target else {}
    addresses = [
        (a, languages.get(a, settings.default_language))
        for a in (await target.audience(session, target_id) if target else [])
    ]
    followers = await session.exec(
        select(Follower.email, Follower.lang).where(
            Follower.target_kind == kind,
            Follower.target_id == target_id,
            col(Follower.confirmed_at).is_not(None),
        )
    )
    addresses.extend((email, lang) for email, lang in followers.all())
    people = {email_hash(settings.secret_key, a): (a, lang) for a, lang in addresses}
    for gone in await opted_out(session, list(people), scope_of(kind, target_id)):
        people.pop(gone, None)
    return people


async def notify_published(
    session: AsyncSession,
    response: Response,
    version: ResponseVersion,
    *,
    mail: Mail,
    settings: Settings,
    now: datetime,
) -> int:
    """Queue one email per person for the response's first publication; later versions are shown on
    the page but not emailed again. Returns how many were queued now."""
    scope = scope_of(response.target_kind, response.target_id)
    texts = await load_versions(session, KIND, [row_id(version)])
    queued = 0
    for rater, (address, lang) in (
        await _audience(session, settings, response.target_kind, response.target_id)
    ).items():
        context = {
            "response": response,
            # The text in the recipient's language when it has a version in it.
            "version": texts.localise(version, FIELDS, settings.default_language, lang),
            "rate_url": in_language(settings, rate_link(settings, row_id(response), rater, now), lang),
        }
        queued += await enqueue_unsubscribable(
            session, mail, to=address, rater=rater, scope=scope, template="response_published",
            context=context, dedupe_key=f"response:{row_id(response)}:{rater}", now=now, lang=lang,
        )  # fmt: skip
    return queued


async def enqueue_unsubscribable(
    session: AsyncSession,
    mail: Mail,
    *,
    to: str,
    rater: str,
    scope: str,
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    now: datetime,
    lang: str | None = None,
) -> bool:
    """Queue an email that lets its reader stop emails about `scope` in one click: the link in the
    text (`unsubscribe_url`) and the RFC 8058 headers, in the reader's language `lang`. False if the
    dedupe key was already used."""
    link = in_language(mail.settings, unsubscribe_link(mail.settings, rater, scope, now), lang)
    return await mail.enqueue(
        session,
        to=to,
        template=template,
        context={**context, "unsubscribe_url": link},
        now=now,
        dedupe_key=dedupe_key,
        headers=unsubscribe_headers(link),
        lang=lang,
    )


async def add_follower(
    session: AsyncSession, settings: Settings, *, kind: str, target_id: str, email: str, now: datetime
) -> Follower:
    """Record (or find) a pending follower; the caller emails them the confirmation link."""
    rater = email_hash(settings.secret_key, email)
    values = {
        "target_kind": kind,
        "target_id": target_id,
        "email": canonical_email(email),
        "email_hash": rater,
        "lang": i18n.current(),
        "created_at": now,
    }
    await insert_or_ignore(session, Follower, values)
    rows = await session.exec(
        select(Follower).where(
            Follower.target_kind == kind, Follower.target_id == target_id, Follower.email_hash == rater
        )
    )
    return rows.one()


def follow_token(settings: Settings, follower_id: int, now: datetime) -> str:
    return make_token(settings.secret_key, FOLLOW_PURPOSE, str(follower_id), expires=now + timedelta(days=7))


async def confirm_follower(session: AsyncSession, follower_id: int, now: datetime) -> Follower | None:
    follower = await session.get(Follower, follower_id)
    if follower is not None and follower.confirmed_at is None:
        follower.confirmed_at = now
        session.add(follower)
        await session.flush()
    return follower


async def opt_out(session: AsyncSession, rater: str, scope: str, now: datetime) -> None:
    await insert_or_ignore(session, OptOut, {"email_hash": rater, "scope": scope, "created_at": now})
