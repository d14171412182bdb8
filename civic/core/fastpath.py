"""Prepared answers to the busiest polls, served before the rest of the middleware stack.

Every open petition page polls its signature count every few seconds, and between refreshes each poll
gets the same bytes. A feature that has prepared such an answer puts it here under its exact path for
as long as it would cache it anyway; `FastPathMiddleware` (civic/core/fastpath_serve.py) then answers a
matching poll at once, with the same security headers, request id, metrics and access line as any
other response.

Only requests that would get exactly those bytes through the full stack are answered here: a GET
with no query string from htmx (`HX-Request: true`), from a visitor who already holds the CSRF cookie
(so no cookie would be set) and no staff session cookie (staff requests go the long way, where the
session is checked and kept alive). Everything else, and any path not prepared, passes through.

A prepared answer is in one language, so it is kept under its path and that language
(`language_key`); the middleware works out the poll's language as the locale middleware would (a poll
has no query string, so from the language cookie, then Accept-Language, then the default).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

RawHeaders = list[tuple[bytes, bytes]]
MAX_ENTRIES = 10_000  # one per open petition at most; cleared whole if ever exceeded


def language_key(path: str, lang: str) -> str:
    """Where the answer to `path` in `lang` is kept."""
    return f"{path}|{lang}"


@dataclass(frozen=True)
class Prepared:
    route: str  # the route's name, as metrics and logs know it (e.g. `petitions:count`)
    body: bytes
    headers: RawHeaders  # content type, length and cache headers, without the security headers
    until: float  # time.monotonic() after which it is stale


class FastPaths:
    """Path -> prepared answer, per process. Correctness never depends on it: a miss takes the long way."""

    def __init__(self) -> None:
        self._items: dict[str, Prepared] = {}

    def put(self, path: str, route: str, body: bytes, headers: RawHeaders, seconds: float) -> None:
        if seconds <= 0:
            return
        if len(self._items) >= MAX_ENTRIES:
            self._items.clear()
        self._items[path] = Prepared(route, body, list(headers), time.monotonic() + seconds)

    def get(self, path: str) -> Prepared | None:
        found = self._items.get(path)
        if found is None or time.monotonic() >= found.until:
            return None
        return found

    def forget(self, path: str) -> None:
        self._items.pop(path, None)
