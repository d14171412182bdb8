"""Residents' identities, kept minimal: a canonical email for "one per person" rules, and a keyed hash
of it for records that must not hold the address itself."""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

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


TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir"})


def name_key(name: str) -> str:
    """A name as two channels without email can compare it: "  Dr. Anne-Marie  O'Neil " ->
    "anne marie oneil" (case, accents, titles and punctuation go)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    plain = re.sub(r"['’.]", "", plain)
    words = [w for w in re.split(r"[^a-z]+", plain) if w and w not in TITLES]
    return " ".join(words)[:120]


def person_hash(secret: str, name: str, postcode: str) -> str:
    """HMAC-SHA256 of a normalised name and postcode under SECRET_KEY: how a record without an email
    recognises the same resident again without keeping their name."""
    key = f"person:{name_key(name)}|{''.join(postcode.split()).upper()}"
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()
