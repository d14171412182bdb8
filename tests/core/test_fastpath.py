"""The fast path answers only the polls the full stack would answer with the same bytes, and answers
them with the same security headers, a request id, a metric and an access line."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from civic.core import telemetry
from civic.core.fastpath import FastPaths, language_key
from civic.core.fastpath_serve import FastPathMiddleware
from civic.core.security import security_headers

PATH = "/petitions/7/count"
BODY = b'<span class="count">12</span>'
CSRF, SESSION = "civic_csrf", "civic_session"
POLL = [(b"hx-request", b"true"), (b"cookie", f"{CSRF}=abc".encode())]


class Inner:
    """The rest of the stack: records that it was reached."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"long way"})


def scope(
    headers: list[tuple[bytes, bytes]], *, path: str = PATH, method: str = "GET", query: bytes = b""
) -> Scope:
    return {"type": "http", "method": method, "path": path, "query_string": query, "headers": headers}


async def run(app: Any, request: Scope) -> list[Message]:
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await app(request, receive, send)
    return sent


def middleware(paths: FastPaths, inner: Inner) -> FastPathMiddleware:
    return FastPathMiddleware(
        inner, paths=paths, security=security_headers(hsts=False), csrf_cookie=CSRF, session_cookie=SESSION
    )


@pytest.fixture
def prepared() -> FastPaths:
    paths = FastPaths()
    paths.put(
        language_key(PATH, "en"),
        "petitions:count",
        BODY,
        [(b"content-type", b"text/html; charset=utf-8")],
        60,
    )
    return paths


def test_a_poll_for_a_prepared_path_is_answered_without_the_rest_of_the_stack(prepared: FastPaths) -> None:
    inner = Inner()
    before = telemetry.REQUESTS.labels("petitions:count", "GET", "2xx")._value.get()
    start, body = asyncio.run(run(middleware(prepared, inner), scope(POLL)))
    assert inner.calls == 0 and body["body"] == BODY and start["status"] == 200
    headers = dict(start["headers"])
    assert headers[b"content-security-policy"].startswith(b"default-src 'self'")
    assert headers[b"x-frame-options"] == b"DENY" and len(headers[b"x-request-id"]) == 32
    assert telemetry.REQUESTS.labels("petitions:count", "GET", "2xx")._value.get() == before + 1


def test_a_proxys_request_id_is_kept(prepared: FastPaths) -> None:
    start, _ = asyncio.run(
        run(middleware(prepared, Inner()), scope([*POLL, (b"x-request-id", b"edge-1234abcd")]))
    )
    assert dict(start["headers"])[b"x-request-id"] == b"edge-1234abcd"


@pytest.mark.parametrize(
    "request_scope",
    [
        scope([(b"cookie", f"{CSRF}=abc".encode())]),  # not htmx: the full page
        scope([(b"hx-request", b"true")]),  # no CSRF cookie yet: the long way sets one
        scope([*POLL[:1], (b"cookie", f"{CSRF}=abc; {SESSION}=staff".encode())]),  # staff
        scope(POLL, query=b"x=1"),  # a query string goes through the query rule
        scope(POLL, method="POST"),
        scope(POLL, path="/petitions/8/count"),  # nothing prepared for it
    ],
)
def test_anything_else_takes_the_long_way(prepared: FastPaths, request_scope: Scope) -> None:
    inner = Inner()
    messages = asyncio.run(run(middleware(prepared, inner), request_scope))
    assert inner.calls == 1 and messages[-1]["body"] == b"long way"


def test_a_stale_or_forgotten_answer_is_not_served() -> None:
    paths = FastPaths()
    paths.put(PATH, "petitions:count", BODY, [], 60)
    paths.forget(PATH)
    assert paths.get(PATH) is None
    paths.put(PATH, "petitions:count", BODY, [], 0)  # caching switched off
    assert paths.get(PATH) is None
    paths.put(PATH, "petitions:count", BODY, [], 1e-9)
    assert paths.get(PATH) is None


def test_the_fast_answer_writes_its_access_line_at_debug(
    prepared: FastPaths, caplog: pytest.LogCaptureFixture
) -> None:
    app = middleware(prepared, Inner())
    with caplog.at_level(logging.INFO, logger="civic.access"):
        asyncio.run(run(app, scope(POLL)))
    assert not [r for r in caplog.records if r.name == "civic.access"]  # not at the default level
    with caplog.at_level(logging.DEBUG, logger="civic.access"):
        asyncio.run(run(app, scope([*POLL, (b"x-request-id", b"edge-1234abcd")])))
    (line,) = [r for r in caplog.records if r.name == "civic.access"]
    assert line.getMessage().startswith("GET petitions:count 200 ") and line.levelno == logging.DEBUG
    assert getattr(line, "status") == 200  # noqa: B009 (set through `extra`)


def test_a_poll_in_another_language_gets_only_an_answer_prepared_in_that_language() -> None:
    paths = FastPaths()
    paths.put(language_key(PATH, "en"), "petitions:count", BODY, [], 60)
    inner = Inner()
    bilingual = FastPathMiddleware(
        inner, paths=paths, security=security_headers(hsts=False), csrf_cookie=CSRF, session_cookie=SESSION,
        languages=("en", "cy"), default_language="en",
    )  # fmt: skip
    welsh_cookie = [(b"hx-request", b"true"), (b"cookie", f"{CSRF}=t; civic_lang=cy".encode())]
    welsh_browser = [
        (b"hx-request", b"true"),
        (b"cookie", f"{CSRF}=t".encode()),
        (b"accept-language", b"cy-GB"),
    ]
    for headers in (welsh_cookie, welsh_browser):
        asyncio.run(run(bilingual, scope(headers)))
    assert inner.calls == 2  # both went the long way, to be answered in Welsh
    paths.put(language_key(PATH, "cy"), "petitions:count", b"cy", [], 60)
    _, body = asyncio.run(run(bilingual, scope(welsh_cookie)))
    assert body["body"] == b"cy" and inner.calls == 2
