"""`civic mail status` and `civic mail retry-failed`: the outbox's health and requeuing failed mail."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

from civic.config import Settings
from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.outbox_health import outbox_health, requeue_failed


def add_arguments(mail: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    mail.add_parser("status", help="queued, retrying and failed messages, the oldest and the last error")
    retry = mail.add_parser("retry-failed", help="put failed messages back in the queue")
    retry.add_argument(
        "--since",
        type=parse_since,
        help="only messages that failed at or after this UTC date or date-time (2026-12-01 or 2026-12-01T09:00)",
    )


def parse_since(raw: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or date-time: {raw!r}") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(value: datetime | None) -> str:
    return "-" if value is None else value.astimezone(UTC).isoformat(timespec="seconds")


async def mail_status(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    now = SystemClock().now()
    try:
        async with db.reading() as session:
            health = await outbox_health(session, now=now)
    finally:
        await db.dispose()
    age = health.oldest_age(now)
    print(f"Queued: {health.queued} ({health.retrying} not yet accepted by the mail server)")
    print(
        f"Oldest queued: {_when(health.oldest_queued_at)}"
        + (f" ({int(age.total_seconds())} s ago)" if age else "")
    )
    print(f"Failed: {health.failed}")
    print(f"Sent in the last 24 hours: {health.sent_last_day}")
    print(f"Last error: {health.last_error or '-'} ({_when(health.last_error_at)})")
    return 0 if health.healthy else 1


async def mail_retry_failed(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            count = await requeue_failed(session, now=SystemClock().now(), since=args.since)
    finally:
        await db.dispose()
    print(f"Requeued {count} failed messages.")
    return 0


HANDLERS = {"mail status": mail_status, "mail retry-failed": mail_retry_failed}
