"""Security headers on every response, and the request body limit (413)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic.core.errors import error_response

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)
STATIC_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), interest-cohort=()",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def security_headers(*, hsts: bool) -> list[tuple[bytes, bytes]]:
    """The security headers every response carries, encoded once."""
    headers = dict(STATIC_HEADERS)
    if hsts:
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return [(key.encode("latin-1"), value.encode("latin-1")) for key, value in headers.items()]


class SecurityHeadersMiddleware:
    """Adds the security headers to every response that does not set its own.

    The headers are encoded once, here, and appended to the raw header list of each response: this runs
    on every request, so it avoids re-encoding strings and MutableHeaders' linear scans per header."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.raw_headers = security_headers(hsts=hsts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = self._complete(scope, list(message.get("headers", [])))
            await send(message)

        await self.app(scope, receive, with_headers)

    def _complete(self, scope: Scope, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        present = {key.lower() for key, _ in headers}
        headers.extend(item for item in self.raw_headers if item[0] not in present)
        if b"cache-control" not in present:
            # Pages for signed-in staff may hold personal data: never store them anywhere.
            headers.append((b"cache-control", b"no-store" if scope["state"].get("user") else b"no-cache"))
        return headers


class BodyTooLarge(HTTPException):
    """Raised while reading a body without a Content-Length; handled like any 413."""

    def __init__(self) -> None:
        super().__init__(status_code=413)


# What a multipart form adds to its file: the boundaries, part headers and the other fields.
UPLOAD_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class Upload:
    """A route of a feature that takes files larger than MAX_BODY_BYTES: its path under the feature's
    mount as a regular expression (POSTs only), and the setting holding the largest file it takes."""

    path: str
    setting: str


Allowance = tuple[re.Pattern[str], int]


class BodyLimitMiddleware:
    """Refuses bodies over the limit: at once from Content-Length, or while streaming without one.
    An upload route's POSTs may be as large as its file setting allows (plus the form around it);
    every other request keeps MAX_BODY_BYTES."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, allowances: Sequence[Allowance] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.allowances = tuple(allowances)

    def _limit(self, scope: Scope) -> int:
        if scope.get("method") == "POST":
            for pattern, most in self.allowances:
                if pattern.fullmatch(scope["path"]):
                    return max(self.max_bytes, most + UPLOAD_OVERHEAD)
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit(scope)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await error_response(scope, 413)(scope, receive, send)
            return
        if not _declares_body(scope):
            # HTTP/1.1 gives a request a body only through one of these two headers, so there is
            # nothing to count (most GETs): skip the wrappers on the busiest paths.
            await self.app(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except BodyTooLarge:
            if not started:
                await error_response(scope, 413)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _declares_body(scope: Scope) -> bool:
    return any(key in (b"content-length", b"transfer-encoding") for key, _ in scope.get("headers", []))
