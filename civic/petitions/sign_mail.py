"""The emails that signing queues, as outbox rows for multi-row inserts.

A confirmation email is drafted while the sign request is handled, before it joins a write
transaction: rendering a template costs more than storing the row, and the write lock is shared by every
signer (and by every process on SQLite). The link's token depends on the signature's id, known only
after the insert, so the draft holds a stand-in that is swapped for the token inside the transaction.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from civic.core.outbox import Mail, OutboxStatus
from civic.petitions.models import Petition

# Random per process, so no one can type it into a name and have a token written in its place.
TOKEN_STAND_IN = "token" + secrets.token_hex(16)
CONFIRM_TEMPLATE = "petitions_confirm_signature"


@dataclass(frozen=True)
class Draft:
    """A rendered text email whose body still has TOKEN_STAND_IN where the confirmation token goes."""

    subject: str
    body: str

    def with_token(self, token: str) -> tuple[str, str]:
        return self.subject, self.body.replace(TOKEN_STAND_IN, token)


def draft_confirmation(mail: Mail, petition: Petition, name: str) -> Draft:
    context = {"petition": petition, "name": name, "token": TOKEN_STAND_IN}
    subject, body, _ = render_text(mail, CONFIRM_TEMPLATE, context)
    return Draft(subject, body)


def outbox_row(to: str, subject: str, body: str, now: datetime, dedupe_key: str | None) -> dict[str, Any]:
    """The outbox row Mail.enqueue would write, for a multi-row insert."""
    return {
        "created_at": now,
        "to_address": to,
        "subject": subject[:250],
        "body_text": body,
        "body_html": None,
        "headers_json": json.dumps({}),
        "dedupe_key": dedupe_key,
        "status": OutboxStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "last_error": "",
    }


def render_text(mail: Mail, template: str, context: dict[str, Any]) -> tuple[str, str, None]:
    """Mail.render for a text-only email, without its per-message search for an HTML alternative
    (that search lists the whole template folder; a hot path cannot afford it)."""
    full = {"settings": mail.settings, "url": mail.settings.url, **context}
    text = mail.env.get_template(f"emails/{template}.txt").render(full)
    first, _, body = text.lstrip().partition("\n")
    return first.removeprefix("Subject:").strip(), body.strip() + "\n", None
