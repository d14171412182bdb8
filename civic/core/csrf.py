"""CSRF protection for every unsafe request (POST, PUT, PATCH, DELETE).

Residents have no session, so the token is bound to a random `civic_csrf` cookie: the form field
`csrf_token` (or the `X-CSRF-Token` header that htmx sends) must equal an HMAC of that cookie under
SECRET_KEY. Before that, the browser's own signals are checked: a `Sec-Fetch-Site` of cross-site or
same-site, or an `Origin` other than ours, is refused outright.

The body is buffered here (it is already capped by the body-limit middleware) and replayed to the app.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import parse_qs

from python_multipart.multipart import parse_options_header
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic.config import Settings
from civic.core.cookies import read_cookie
from civic.core.csrf_tokens import STATE_COOKIE
from civic.core.csrf_tokens import token_for as token_for  # re-exported: clients sign forms with it
from civic.core.errors import error_response
from civic.core.forms import PARSED_FORM, parse_urlencoded
from civic.core.i18n import gettext
from civic.core.state import app_state

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
COOKIE = "civic_csrf"
FIELD = "csrf_token"
HEADER = b"x-csrf-token"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _form_token(scope: Scope, content_type: str, body: bytes) -> str | None:
    kind, params = parse_options_header(content_type)
    if kind == b"application/x-www-form-urlencoded":
        fields = parse_urlencoded(body)
        if fields is None:  # too many fields: the handler's own parse refuses the form
            values = parse_qs(body.decode("utf-8", "replace")).get(FIELD)
            return values[0] if values else None
        # The handler reuses this parse; read_form applies the input rule to it (so a value the rule
        # refuses gets its 422 naming the field there, after this token check, like any other form).
        scope[PARSED_FORM] = fields
        return next((value for name, value in fields if name == FIELD), None)
    if kind == b"multipart/form-data" and b"boundary" in params:
        return _multipart_token(body, params[b"boundary"])
    return None


def _multipart_token(body: bytes, boundary: bytes) -> str | None:
    marker = b'name="' + FIELD.encode() + b'"'
    for part in body.split(b"--" + boundary):
        head, _, value = part.partition(b"\r\n\r\n")
        if marker in head:
            return value.rstrip(b"\r\n").decode("ascii", "replace")
    return None


class CSRFMiddleware:
    def __init__(self, app: ASGIApp, *, exempt_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        # Only for endpoints protected by a signed token in their URL, such as RFC 8058 one-click
        # unsubscribe, which mail clients POST without any cookie.
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = app_state(scope["app"]).settings
        cookie = read_cookie(scope, COOKIE)
        new_cookie = None if cookie else secrets.token_urlsafe(24)
        scope.setdefault("state", {})[STATE_COOKIE] = cookie or new_cookie  # the token is made on demand
        send = self._cookie_setter(send, new_cookie, settings.secure_cookies)
        if scope["method"] in UNSAFE_METHODS and not scope["path"].startswith(self.exempt_prefixes):
            problem, receive = await self._check(scope, receive, cookie, settings)
            if problem:
                await error_response(scope, 403, problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _check(
        self, scope: Scope, receive: Receive, cookie: str | None, settings: Settings
    ) -> tuple[str | None, Receive]:
        site = _header(scope, b"sec-fetch-site")
        if site in {"cross-site", "same-site"}:
            return gettext("This form was sent from another website, so it was not accepted."), receive
        origin = _header(scope, b"origin")
        if origin and origin != "null" and origin not in _allowed_origins(scope, settings):
            return gettext("This form was sent from another website, so it was not accepted."), receive
        body, receive = await _buffer(receive)
        sent = _header(scope, HEADER) or _form_token(scope, _header(scope, b"content-type") or "", body)
        expected = token_for(settings.secret_key, cookie) if cookie else None
        # As bytes: compare_digest refuses str with non-ASCII characters, which a forged token may hold.
        if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
            return (
                gettext(
                    "Your form had expired or came from somewhere else. Go back, reload the page and try again."
                ),
                receive,
            )
        return None, receive

    @staticmethod
    def _cookie_setter(send: Send, value: str | None, secure: bool) -> Send:
        if value is None:
            return send

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                flags = "; Secure" if secure else ""
                headers.append("set-cookie", f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{flags}")
            await send(message)

        return wrapped


def _allowed_origins(scope: Scope, settings: Settings) -> set[str]:
    host = _header(scope, b"host") or ""
    scheme = scope.get("scheme", "http")
    return {settings.base_origin, f"{scheme}://{host}"}


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
