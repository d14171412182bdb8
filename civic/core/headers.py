"""Header-safe text for email: the one place where user-typed text is made fit for a mail header.

A petition's title or a panel's name can reach a Subject line. Whatever was typed, no CR, LF, NUL or
other control character (nor a Unicode line or paragraph separator) can reach a header: each run of
them becomes one space, so a header can never be split or injected. Folding and encoding of long or
non-ASCII values are left to the `email` package.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
MAX_SUBJECT = 250


def header_safe(value: str) -> str:
    return " ".join(_UNSAFE.sub(" ", value).split())


def safe_headers(headers: dict[str, str]) -> dict[str, str]:
    """Extra headers with safe names and values; a name that is not a plain token is dropped."""
    return {
        name: header_safe(value)
        for name, value in headers.items()
        if re.fullmatch(r"[A-Za-z0-9-]{1,76}", name)
    }
