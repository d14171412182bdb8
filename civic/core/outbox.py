"""The email outbox. Requests only add rows here, inside their own transaction, so a message exists
exactly when the change that caused it was committed; the worker (`civic.core.mailer`) sends them.

A `dedupe_key` makes "email each signer once" hold even if the code that queues mail runs twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from jinja2 import Environment, Template, TemplateNotFound
from sqlalchemy import Text, func, update
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import i18n
from civic.core.db import UTCDateTime, insert_or_ignore, str_enum
from civic.core.headers import MAX_SUBJECT, header_safe, safe_headers


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(SQLModel, table=True):
    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=250)
    body_text: str = Field(sa_type=Text)
    body_html: str | None = Field(default=None, sa_type=Text)
    headers_json: str = Field(default="{}", sa_type=Text)
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    status: OutboxStatus = Field(default=OutboxStatus.PENDING, sa_type=str_enum(OutboxStatus), index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime, index=True)
    lease_owner: str | None = Field(default=None, max_length=80)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str = Field(default="", max_length=1000)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the server was last tried for this message, and when staff last requeued it (the retry
    # window of MAIL_MAX_AGE_DAYS starts again from then).
    last_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    requeued_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def retry_from(self) -> datetime:
        return self.requeued_at or self.created_at

    @property
    def headers(self) -> dict[str, str]:
        loaded: dict[str, str] = json.loads(self.headers_json)
        return loaded


def email_url(settings: Settings, lang: str) -> Callable[[str], str]:
    """`url()` in an email: an absolute link from BASE_URL that opens the page in the email's language
    (a reader of a Welsh email gets the Welsh page, whatever browser they open it in)."""

    def url(path: str) -> str:
        return in_language(settings, settings.url(path), lang)

    return url


def in_language(settings: Settings, link: str, lang: str | None) -> str:
    """An absolute link made elsewhere (a signed rate or unsubscribe link) that opens in `lang`
    (None: the language of the moment)."""
    lang = lang or i18n.current()
    if lang == settings.default_language:
        return link
    return f"{link}{'&' if '?' in link else '?'}{i18n.QUERY_PARAMETER}={lang}"


class Mail:
    """Renders email templates and queues them. Lives in the app's `AppState`; services take it as `mail=`.

    A template `emails/NAME.txt` starts with a `Subject: ...` line and a blank line; an optional
    `emails/NAME.html` gives an HTML alternative. Every context gets `settings` and `url()` (absolute
    links from BASE_URL, never from a request's Host header).
    """

    def __init__(self, env: Environment, settings: Settings) -> None:
        self.env = env
        self.settings = settings
        self._html_known: dict[str, bool] = {}
        self._parts: dict[str, tuple[Template, Template]] = {}

    def _has_html(self, template: str) -> bool:
        """Whether an HTML alternative exists; remembered, because email is rendered on hot paths."""
        if template not in self._html_known:
            try:
                self.env.get_template(f"emails/{template}.html")
                self._html_known[template] = True
            except TemplateNotFound:
                self._html_known[template] = False
        return self._html_known[template]

    def _text_parts(self, template: str) -> tuple[Template, Template]:
        """The subject line and the body of `emails/NAME.txt`, compiled apart: text typed by a user (a
        panel's name with a line break in it, say) can then never move from the subject into the body."""
        if template not in self._parts:
            name = f"emails/{template}.txt"
            assert self.env.loader is not None
            source, _, _ = self.env.loader.get_source(self.env, name)
            first, _, body = source.lstrip().partition("\n")
            if not first.startswith("Subject:"):
                raise ValueError(f"{name} must start with a 'Subject:' line")
            self._parts[template] = (
                self.env.from_string(first.removeprefix("Subject:")),
                self.env.from_string(body),
            )
        return self._parts[template]

    def render(
        self, template: str, context: dict[str, Any], *, lang: str | None = None
    ) -> tuple[str, str, str | None]:
        """Subject, text and HTML in `lang` (the recipient's; None: the language of the moment)."""
        lang = lang or i18n.current()
        full = {"settings": self.settings, "url": email_url(self.settings, lang), "lang": lang, **context}
        with i18n.using(lang):
            subject, body = (part.render(full) for part in self._text_parts(template))
            html = None
            if self._has_html(template):
                html = self.env.get_template(f"emails/{template}.html").render(full)
        return header_safe(subject), body.strip() + "\n", html

    async def enqueue(
        self,
        session: AsyncSession,
        *,
        to: str,
        template: str,
        context: dict[str, Any],
        now: datetime,
        dedupe_key: str | None = None,
        headers: dict[str, str] | None = None,
        lang: str | None = None,
    ) -> bool:
        """Queue one message, rendered in `lang`: the language the recipient used when they signed,
        voted or subscribed (None: the language of the moment, which is the reader's in a request).
        False when a message with the same dedupe key was already queued."""
        subject, text, html = self.render(template, context, lang=lang)
        values = {
            "created_at": now,
            "to_address": header_safe(to),
            "subject": header_safe(subject)[:MAX_SUBJECT],
            # PostgreSQL cannot store NUL; text from an imported file could still carry one.
            "body_text": text.replace("\x00", ""),
            "body_html": html.replace("\x00", "") if html else html,
            "headers_json": json.dumps(safe_headers(headers or {})),
            "dedupe_key": dedupe_key,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": now,
            "last_error": "",
        }
        return await insert_or_ignore(session, OutboxMessage, values)


async def recent_messages(session: AsyncSession, *, limit: int = 50) -> list[OutboxMessage]:
    rows = await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit))
    return list(rows.all())


REDACTED_ADDRESS = "removed@redacted.invalid"


async def redact_outbox(session: AsyncSession, *, now: datetime, older_than: timedelta) -> int:
    """Remove the address and text of emails sent or failed more than `older_than` ago. The row (and
    its dedupe key) stays, so an email queued "once per person" is still never sent twice."""
    finished = func.coalesce(OutboxMessage.sent_at, OutboxMessage.last_attempt_at, OutboxMessage.created_at)
    result = await session.exec(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.status).in_((OutboxStatus.SENT, OutboxStatus.FAILED)),
            col(OutboxMessage.to_address) != REDACTED_ADDRESS,
            finished < now - older_than,
        )
        .values(
            to_address=REDACTED_ADDRESS, body_text="", body_html=None, headers_json="{}", subject="(removed)"
        )
    )
    return int(result.rowcount or 0)
