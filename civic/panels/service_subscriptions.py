"""Email subscriptions to a panel's published agendas and decisions.

Double opt-in: asking queues a confirmation email whose link opens a page with a button (a POST), so
a mail scanner following links confirms nothing. Every email carries an unsubscribe link; ending a
subscription erases the address and keeps only its keyed hash. The page that takes an address says the
same thing whether or not it was already subscribed, so it reveals nobody's subscriptions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import i18n
from civic.core.db import insert_or_ignore, row_id
from civic.core.identity import email_hash
from civic.core.outbox import Mail, OutboxMessage, email_url
from civic.core.paths import parse_id
from civic.core.tokens import make_token, read_token
from civic.panels.models import (
    AgendaItem,
    MeetingChange,
    Panel,
    PanelMeeting,
    PanelSubscription,
    SubscriptionStatus,
)

CONFIRM = "panels-subscribe"
UNSUBSCRIBE = "panels-unsubscribe"
CONFIRM_FOR = timedelta(days=7)
UNSUBSCRIBE_FOR = timedelta(days=3650)


def confirm_token(settings: Settings, subscription: PanelSubscription, now: datetime) -> str:
    return make_token(settings.secret_key, CONFIRM, str(subscription.id), expires=now + CONFIRM_FOR)


def unsubscribe_token(settings: Settings, subscription: PanelSubscription, now: datetime) -> str:
    return make_token(settings.secret_key, UNSUBSCRIBE, str(subscription.id), expires=now + UNSUBSCRIBE_FOR)


async def request_subscription(
    session: AsyncSession, panel: Panel, address: str, *, settings: Settings, mail: Mail, now: datetime
) -> None:
    """Queue a confirmation email, unless the address is already confirmed for this panel."""
    key = email_hash(settings.secret_key, address)
    # Insert-if-absent first, so two requests racing for one address never collide on the unique key.
    values = {
        "panel_id": row_id(panel),
        "email_hash": key,
        "email": "",
        "status": SubscriptionStatus.PENDING,
        "created_at": now,
    }
    await insert_or_ignore(session, PanelSubscription, values)
    subscription = (
        await session.exec(
            select(PanelSubscription)
            .where(PanelSubscription.panel_id == row_id(panel), PanelSubscription.email_hash == key)
            .with_for_update()
        )
    ).one()
    if subscription.status == SubscriptionStatus.CONFIRMED:
        return
    subscription.email, subscription.status, subscription.ended_at = (
        address.strip(),
        SubscriptionStatus.PENDING,
        None,
    )
    subscription.lang = i18n.current()  # the language they asked in; their emails are in it
    session.add(subscription)
    await session.flush()
    await mail.enqueue(
        session,
        to=subscription.email,
        template="panels_confirm",
        context={"panel": panel, "token": confirm_token(settings, subscription, now)},
        now=now,
        dedupe_key=f"panels:confirm:{subscription.id}:{int(now.timestamp()) // 600}",
    )


async def _by_token(
    session: AsyncSession, settings: Settings, purpose: str, token: str, now: datetime
) -> Any:
    raw = read_token(settings.secret_key, purpose, token, now=now)  # raises BadToken
    subscription = await session.get(PanelSubscription, key) if (key := parse_id(raw)) else None
    panel = await session.get(Panel, subscription.panel_id) if subscription else None
    return subscription, panel


async def confirm(
    session: AsyncSession, settings: Settings, token: str, *, now: datetime
) -> tuple[PanelSubscription | None, Panel | None]:
    """Confirm once; a second use of the link changes nothing. An ended subscription stays ended."""
    subscription, panel = await _by_token(session, settings, CONFIRM, token, now)
    if subscription is not None and subscription.status == SubscriptionStatus.PENDING:
        subscription.status, subscription.confirmed_at = SubscriptionStatus.CONFIRMED, now
        session.add(subscription)
        await session.flush()
    return subscription, panel


async def unsubscribe(
    session: AsyncSession, settings: Settings, token: str, *, now: datetime
) -> tuple[PanelSubscription | None, Panel | None]:
    subscription, panel = await _by_token(session, settings, UNSUBSCRIBE, token, now)
    if subscription is not None and subscription.status != SubscriptionStatus.ENDED:
        subscription.status, subscription.ended_at, subscription.email = SubscriptionStatus.ENDED, now, ""
        session.add(subscription)
        await session.flush()
    return subscription, panel


async def peek(session: AsyncSession, settings: Settings, purpose: str, token: str, *, now: datetime) -> Any:
    """The subscription and panel a link is for, without changing anything (for the GET page)."""
    return await _by_token(session, settings, purpose, token, now)


def _dedupe_key(what: str, meeting: PanelMeeting, subscription_id: int | str) -> str:
    return f"panels:{what}:{meeting.id}:{subscription_id}"


async def notify(
    session: AsyncSession,
    panel: Panel,
    meeting: PanelMeeting,
    what: str,
    context: dict[str, Any],
    *,
    settings: Settings,
    mail: Mail,
    now: datetime,
    by_lang: dict[str, dict[str, Any]] | None = None,
) -> int:
    """Queue one email per subscriber about `what`: "agenda" or "decisions" go to every confirmed
    subscriber; "cancelled" only to those who were sent the agenda (a later subscriber never heard of
    the meeting). `by_lang` gives what differs with the subscriber's language (what was written, in
    their language's version). Returns how many were queued."""
    if what == "cancelled":
        recipients = await agenda_recipients(session, meeting)
    else:
        recipients = await confirmed_subscribers(session, panel)
    letter = Letter(panel, meeting, f"panels_{what}", what, context, by_lang or {})
    return await _send(session, recipients, letter, settings=settings, mail=mail, now=now)


async def confirmed_subscribers(session: AsyncSession, panel: Panel) -> list[PanelSubscription]:
    rows = await session.exec(
        select(PanelSubscription).where(
            PanelSubscription.panel_id == panel.id, PanelSubscription.status == SubscriptionStatus.CONFIRMED
        )
    )
    return list(rows.all())


async def agenda_recipients(session: AsyncSession, meeting: PanelMeeting) -> list[PanelSubscription]:
    """Subscribers still subscribed who were sent this meeting's agenda. The outbox is the record of
    who was sent it: its dedupe keys name the subscription each agenda email went to."""
    prefix = _dedupe_key("agenda", meeting, "")
    keys = await session.exec(
        select(OutboxMessage.dedupe_key).where(
            col(OutboxMessage.dedupe_key).startswith(prefix, autoescape=True)
        )
    )
    ids = [int(tail) for key in keys.all() if key and (tail := key.removeprefix(prefix)).isdigit()]
    if not ids:
        return []
    rows = await session.exec(
        select(PanelSubscription)
        .where(col(PanelSubscription.id).in_(ids), PanelSubscription.status == SubscriptionStatus.CONFIRMED)
        .order_by(col(PanelSubscription.id))
    )
    return list(rows.all())


async def notify_change(
    session: AsyncSession,
    panel: Panel,
    meeting: PanelMeeting,
    change: MeetingChange,
    *,
    settings: Settings,
    mail: Mail,
    now: datetime,
) -> int:
    """Tell the subscribers who had the agenda that the meeting moved: once per change."""
    recipients = await agenda_recipients(session, meeting)
    letter = Letter(panel, meeting, "panels_moved", f"moved-{change.id}", {"change": change})
    return await _send(session, recipients, letter, settings=settings, mail=mail, now=now)


async def notify_agenda_change(
    session: AsyncSession,
    panel: Panel,
    meeting: PanelMeeting,
    item: AgendaItem,
    *,
    settings: Settings,
    mail: Mail,
    now: datetime,
) -> int:
    """Tell the subscribers who had the agenda that an item was added late or withdrawn: once each."""
    change = "withdrawn" if item.withdrawn_at is not None else "added"
    recipients = await agenda_recipients(session, meeting)
    context = {"item": item, "change": change}
    letter = Letter(panel, meeting, "panels_agenda_changed", f"item-{change}-{item.id}", context)
    return await _send(session, recipients, letter, settings=settings, mail=mail, now=now)


@dataclass(frozen=True)
class Letter:
    """One email about a meeting: its template, the name that keeps it to one per subscriber, and
    what the template needs besides the panel, the meeting and the unsubscribe link."""

    panel: Panel
    meeting: PanelMeeting
    template: str
    key: str
    context: dict[str, Any]
    by_lang: dict[str, dict[str, Any]] = field(default_factory=dict)  # lang -> context in that language


async def _send(
    session: AsyncSession,
    recipients: list[PanelSubscription],
    letter: Letter,
    *,
    settings: Settings,
    mail: Mail,
    now: datetime,
) -> int:
    queued = 0
    for subscription in recipients:
        link = email_url(settings, subscription.lang)(
            f"/panels/subscriptions/unsubscribe?token={unsubscribe_token(settings, subscription, now)}"
        )
        context = {
            **letter.context,
            **letter.by_lang.get(subscription.lang, {}),
            "panel": letter.panel,
            "meeting": letter.meeting,
            "unsubscribe_url": link,
        }
        queued += await mail.enqueue(
            session,
            to=subscription.email,
            template=letter.template,
            context=context,
            now=now,
            dedupe_key=_dedupe_key(letter.key, letter.meeting, row_id(subscription)),
            headers={"List-Unsubscribe": f"<{link}>"},
            lang=subscription.lang,
        )
    return queued


async def purge_unconfirmed(session: AsyncSession, *, now: datetime) -> int:
    """Addresses that never confirmed are kept no longer than their confirmation link lasts."""
    stale = (
        await session.exec(
            select(PanelSubscription).where(
                PanelSubscription.status == SubscriptionStatus.PENDING,
                col(PanelSubscription.created_at) < now - CONFIRM_FOR,
            )
        )
    ).all()
    for subscription in stale:
        await session.delete(subscription)
    await session.flush()
    return len(stale)


async def purge_ended(session: AsyncSession, *, now: datetime, keep_days: int) -> int:
    """An ended subscription lost its address when it ended; its keyed hash goes `keep_days` later
    (until then a repeated unsubscribe link still finds it)."""
    result = await session.exec(
        delete(PanelSubscription).where(
            col(PanelSubscription.status) == SubscriptionStatus.ENDED,
            col(PanelSubscription.ended_at) < now - timedelta(days=keep_days),
        )
    )
    return int(result.rowcount or 0)
