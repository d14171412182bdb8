"""The CSRF token a page puts in its forms, made only when a page asks for it.

The CSRF middleware records which `civic_csrf` cookie the request has (or is about to be given); the
token, an HMAC of that cookie, is computed the first time a template needs it. Responses without forms,
such as the polled count fragment, never pay for the HMAC.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

STATE_COOKIE = "csrf_cookie"
STATE_TOKEN = "csrf_token"  # noqa: S105 - a key in the request state, not a secret


def token_for(secret: str, cookie_value: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + cookie_value.encode(), hashlib.sha256).hexdigest()


def page_token(state: dict[str, Any], secret: str) -> str:
    """The token for this request's forms; '' where the CSRF middleware did not run (such as 404s for
    static files)."""
    found: str | None = state.get(STATE_TOKEN)
    if found is None:
        cookie = state.get(STATE_COOKIE)
        found = state[STATE_TOKEN] = token_for(secret, cookie) if cookie else ""
    return found
