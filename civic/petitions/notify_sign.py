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

from civic.core import i18n
from civic.core.content_languages import Localised
from civic.core.outbox import Mail, OutboxStatus, email_url
from civic.petitions.models import Petition

# Random per process, so no one can type them into a name and have something else written in their place.
TOKEN_STAND_IN = "token" + secrets.token_hex(16)
NAME_STAND_IN = "name" + secrets.token_hex(16)
CONFIRM_TEMPLATE = "petitions_confirm_signature"


@dataclass(frozen=True)
class Draft:
    """A rendered text email whose body still has TOKEN_STAND_IN where the confirmation token goes."""

    subject: str
    body: str

    def with_token(self, token: str) -> tuple[str, str]:
        return self.subject, self.body.replace(TOKEN_STAND_IN, token)


def draft_confirmation(mail: Mail, petition: Petition | Localised, name: str, lang: str) -> Draft:
    context = {"petition": petition, "name": name, "token": TOKEN_STAND_IN}
    subject, body, _ = render_text(mail, CONFIRM_TEMPLATE, context, lang=lang)
    return Draft(subject, body)


class ConfirmationDrafts:
    """Confirmation emails for one process. The template is rendered once per petition with stand-ins
    for the signer's name and token (a text email inserts both verbatim), and each signer's draft is
    that skeleton with their name put in: a string replace instead of a template render per signature.
    """

    def __init__(self, mail: Mail, max_items: int = 1000) -> None:
        self.mail, self.max_items = mail, max_items
        self._skeletons: dict[tuple[int | None, str, str], Draft | None] = {}

    def draft(self, petition: Petition | Localised, name: str, lang: str) -> Draft:
        """The signer's confirmation email, in the language they signed in."""
        skeleton = self._skeleton(petition, lang)
        if skeleton is None:
            return draft_confirmation(self.mail, petition, name, lang)
        return Draft(skeleton.subject, skeleton.body.replace(NAME_STAND_IN, name))

    def _skeleton(self, petition: Petition | Localised, lang: str) -> Draft | None:
        key = (petition.id, petition.action, lang)
        if key not in self._skeletons:
            if len(self._skeletons) >= self.max_items:
                self._skeletons.clear()
            draft = draft_confirmation(self.mail, petition, NAME_STAND_IN, lang)
            # Only a template that puts the name in the body, once, and nowhere else can be reused.
            usable = draft.body.count(NAME_STAND_IN) == 1 and NAME_STAND_IN not in draft.subject
            self._skeletons[key] = draft if usable else None
        return self._skeletons[key]


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


def render_text(mail: Mail, template: str, context: dict[str, Any], *, lang: str) -> tuple[str, str, None]:
    """Mail.render for a text-only email in `lang`, without its per-message search for an HTML
    alternative (that search lists the whole template folder; a hot path cannot afford it)."""
    full = {"settings": mail.settings, "url": email_url(mail.settings, lang), "lang": lang, **context}
    with i18n.using(lang):
        text = mail.env.get_template(f"emails/{template}.txt").render(full)
    first, _, body = text.lstrip().partition("\n")
    return first.removeprefix("Subject:").strip(), body.strip() + "\n", None
