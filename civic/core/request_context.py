"""Per-request context: the request id, the route's name, one access-log line and the request metrics.

Routes are named `mount:name` (as `url_path_for` knows them, e.g. `petitions:show`), never by their
raw path: a path holds ids and tokens, so it would make a metric label per petition and could put a
token in a log. The name is looked up from the endpoint the router chose, once it has chosen, so
nothing is matched twice. The access line carries method, route, status and duration only (no path,
query string or client address).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterable

from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic.core import telemetry
from civic.core.logs import REQUEST_ID, ROUTE

access = logging.getLogger("civic.access")
HEADER = b"x-request-id"
# An id a proxy already gave the request is kept, so one id follows it through every log; anything
# else in the header is replaced, so a client cannot write arbitrary text into the logs.
PLAUSIBLE_ID = re.compile(rb"[A-Za-z0-9._:-]{8,64}")
UNMATCHED = "unmatched"


def route_names(routes: Iterable[BaseRoute], prefix: str = "") -> dict[int, str]:
    """id(endpoint) -> `mount:name` for every route, walking into mounts. Keyed by identity: routers
    are not hashable, and the routes live as long as the app."""
    names: dict[int, str] = {}
    for route in routes:
        if isinstance(route, Mount):
            inner = f"{prefix}{route.name}:" if route.name else prefix
            if route.routes:
                for endpoint, name in route_names(route.routes, inner).items():
                    names.setdefault(endpoint, name)
            else:  # an app mounted whole, such as the static files
                names.setdefault(id(route.app), f"{prefix}{route.name or 'mount'}")
        elif isinstance(route, Route):
            names.setdefault(id(route.endpoint), f"{prefix}{route.name}")
    return names


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._names: dict[int, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(scope)
        id_token, route_token = REQUEST_ID.set(rid), ROUTE.set(UNMATCHED)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, rid.encode())]
                ROUTE.set(self._route(scope))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = self._route(scope)
            seconds = time.perf_counter() - started
            telemetry.observe_request(route, scope["method"], status, seconds)
            _access_line(scope["method"], route, status, seconds)
            REQUEST_ID.reset(id_token)
            ROUTE.reset(route_token)

    def _route(self, scope: Scope) -> str:
        if self._names is None:
            self._names = route_names(scope["app"].routes) if "app" in scope else {}
        endpoint = scope.get("endpoint")
        return UNMATCHED if endpoint is None else self._names.get(id(endpoint), UNMATCHED)


def request_id(scope: Scope) -> str:
    """The id a proxy gave the request, when plausible; otherwise a new one."""
    for name, value in scope["headers"]:
        if name == HEADER and PLAUSIBLE_ID.fullmatch(value):
            return str(value.decode())
    return uuid.uuid4().hex


def _access_line(method: str, route: str, status: int, seconds: float, level: int = logging.INFO) -> None:
    if access.isEnabledFor(level):
        access.log(
            level,
            "%s %s %d %.1fms",
            method,
            route,
            status,
            seconds * 1000,
            extra={"status": status, "duration_ms": round(seconds * 1000, 1)},
        )


def log_access(rid: str, route: str, method: str, status: int, seconds: float, level: int) -> None:
    """The access line of a request answered outside this middleware (civic.core.fastpath), at
    `level`, with its request id and route in the log context as here."""
    if access.isEnabledFor(level):
        id_token, route_token = REQUEST_ID.set(rid), ROUTE.set(route)
        try:
            _access_line(method, route, status, seconds, level)
        finally:
            REQUEST_ID.reset(id_token)
            ROUTE.reset(route_token)
