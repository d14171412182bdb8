"""Answers polls from prepared bytes (civic.core.fastpath) before the middleware stack runs; see there
for which requests qualify and why."""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from civic.core import i18n, telemetry
from civic.core.cookies import request_cookies
from civic.core.fastpath import FastPaths, Prepared, RawHeaders, language_key
from civic.core.request_context import HEADER, log_access, request_id

# A poll answered here is one of the same few every open page sends every few seconds: the metrics
# count and time each one, and its access line is written at DEBUG, so the logs (at the default INFO)
# are not filled with identical lines. Writing that line cost a third of such a poll's time.
POLL_LOG_LEVEL = logging.DEBUG


def _is_poll(scope: Scope) -> bool:
    if scope["method"] != "GET" or scope["query_string"]:
        return False
    return any(name == b"hx-request" and value == b"true" for name, value in scope["headers"])


class FastPathMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        paths: FastPaths,
        security: RawHeaders,
        csrf_cookie: str,
        session_cookie: str,
        languages: tuple[str, ...] = (i18n.SOURCE_LANGUAGE,),
        default_language: str = i18n.SOURCE_LANGUAGE,
    ) -> None:
        self.app, self.paths, self.security = app, paths, security
        self.csrf_cookie, self.session_cookie = csrf_cookie, session_cookie
        self.languages, self.default_language = languages, default_language

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        prepared = self._prepared(scope) if scope["type"] == "http" else None
        if prepared is None:
            await self.app(scope, receive, send)
            return
        started, rid = time.perf_counter(), request_id(scope)
        headers = [*self._varied(prepared.headers), *self.security, (HEADER, rid.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": prepared.body})
        seconds = time.perf_counter() - started
        telemetry.observe_request(prepared.route, "GET", 200, seconds)
        log_access(rid, prepared.route, "GET", 200, seconds, POLL_LOG_LEVEL)

    def _prepared(self, scope: Scope) -> Prepared | None:
        if not _is_poll(scope):
            return None
        cookies = request_cookies(scope)
        if not cookies.get(self.csrf_cookie) or cookies.get(self.session_cookie):
            return None
        return self.paths.get(language_key(scope["path"], self._language(scope, cookies)))

    def _varied(self, headers: RawHeaders) -> RawHeaders:
        """With several languages offered, the answer varies as LocaleMiddleware says pages do."""
        if len(self.languages) == 1:
            return headers
        others = [(k, v) for k, v in headers if k != b"vary"]
        vary = [v for k, v in headers if k == b"vary"]
        return [*others, (b"vary", b", ".join([*vary, b"Accept-Language", b"Cookie"]))]

    def _language(self, scope: Scope, cookies: dict[str, str]) -> str:
        """The poll's language, chosen as LocaleMiddleware chooses it (a poll has no `?lang=`)."""
        if len(self.languages) == 1:
            return self.default_language
        accept = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"accept-language"), "")
        return i18n.choose(
            asked=None,
            cookie=cookies.get(i18n.COOKIE),
            accept_language=accept,
            languages=self.languages,
            default=self.default_language,
        )
