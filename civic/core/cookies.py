"""The request's cookies, parsed once per request.

The auth and CSRF middlewares and the cache headers of public pages all read cookies; parsing the
Cookie header once and keeping the result in the ASGI scope saves a parse per reader on every request.
"""

from __future__ import annotations

from starlette.requests import cookie_parser
from starlette.types import Scope

SCOPE_KEY = "civic.cookies"


def request_cookies(scope: Scope) -> dict[str, str]:
    found: dict[str, str] | None = scope.get(SCOPE_KEY)
    if found is None:
        found = {}
        for key, value in scope.get("headers", []):
            if key == b"cookie":
                found.update(cookie_parser(value.decode("latin-1")))
        scope[SCOPE_KEY] = found
    return found


def read_cookie(scope: Scope, name: str) -> str | None:
    return request_cookies(scope).get(name) or None
