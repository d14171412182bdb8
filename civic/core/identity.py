"""Residents' identities, kept minimal: a canonical email for "one per person" rules, and a keyed hash
of it for records that must not hold the address itself."""

from __future__ import annotations

import hashlib
import hmac

# Providers that ignore dots in the local part and deliver user+tag@ to user@.
DOT_BLIND = frozenset({"gmail.com", "googlemail.com"})
PLUS_TAG = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "yahoo.com",
        "proton.me",
        "protonmail.com",
        "fastmail.com",
    }
)
ALIASES = {"googlemail.com": "gmail.com"}


def canonical_email(raw: str) -> str:
    """The form two addresses share when they reach the same mailbox: lower case, and for providers
    that ignore them, no dots and no +tags. 'J.Smith+petition@GoogleMail.com' -> 'jsmith@gmail.com'."""
    address = raw.strip().lower()
    local, _, domain = address.rpartition("@")
    if not local:
        return address
    domain = ALIASES.get(domain, domain)
    if domain in PLUS_TAG:
        local = local.split("+", 1)[0]
    if domain in DOT_BLIND:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def email_hash(secret: str, email: str) -> str:
    """HMAC-SHA256 of the canonical email under SECRET_KEY: equal for the same person, useless to
    anyone without the key."""
    return hmac.new(secret.encode(), b"email:" + canonical_email(email).encode(), hashlib.sha256).hexdigest()
