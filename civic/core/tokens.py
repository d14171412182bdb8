"""Signed, expiring tokens for links in emails (confirm, unsubscribe, rate).

A token is `payload.expiry.signature` where the signature is an HMAC over the purpose, payload and
expiry under SECRET_KEY; a token made for one purpose is refused for another. Single use is the
caller's job (mark the row consumed) because only the caller knows what "used" means.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime

from civic.core.i18n import gettext


class BadToken(ValueError):
    """The link is malformed, altered, for something else, or expired; the message says which."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, purpose: str, body: str) -> str:
    return _b64(hmac.new(secret.encode(), f"{purpose}|{body}".encode(), hashlib.sha256).digest()[:18])


def make_token(secret: str, purpose: str, payload: str, *, expires: datetime) -> str:
    body = f"{_b64(payload.encode())}.{int(expires.timestamp())}"
    return f"{body}.{_sign(secret, purpose, body)}"


def read_token(secret: str, purpose: str, token: str, *, now: datetime) -> str:
    """The payload of a valid token; BadToken otherwise (its message in the reader's language)."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        raise BadToken(gettext("This link is not complete. Check you copied all of it from the email."))
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _sign(secret, purpose, body)):
        raise BadToken(gettext("This link is not valid. Check you copied all of it from the email."))
    if int(parts[1]) < now.timestamp():
        raise BadToken(gettext("This link has expired."))
    try:
        return _unb64(parts[0]).decode()
    except (ValueError, UnicodeDecodeError):
        raise BadToken(gettext("This link is not valid.")) from None
