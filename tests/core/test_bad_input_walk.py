"""Every route, fed bad input, answers with a clear 4xx (or works) and never a 500: anonymous and staff
GETs with odd path values, and staff POSTs with a valid CSRF token but empty or nonsense forms, on a
database holding the whole demo council."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from civic.core.clock import FrozenClock
from civic.demo import load_demo
from tests.conftest import SECRET
from tests.support.web import WebClient

# Path values: real demo ids and slugs (so handlers get past their lookups), and nonsense.
VALUES = ("1", "2", "0", "999999", "fernbridge-central", "youth-fund-2027", "not a thing", "x" * 300)
FIELDS = (
    "summary", "details", "reason", "title", "text", "name", "email", "postcode", "day", "time", "score",
    "comment", "decision", "action", "starts_at", "budget", "cost", "count", "code", "state", "role",
    "place", "quorum_rule", "ward", "choices", "project", "amount",
)  # fmt: skip
# A formula, a right-to-left override and a long number in every field a form is likely to read.
JUNK_FORM = dict.fromkeys(FIELDS, "=1+1\u202e" + "9" * 40)


def routes_of(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, str, list[str]]]:
    found: list[tuple[str, str, list[str]]] = []
    for route in routes:
        if isinstance(route, Mount):
            found.extend(routes_of(list(route.routes or []), prefix + route.path))
        elif isinstance(route, Route):
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD":
                    found.append((method, prefix + route.path, list(route.param_convertors)))
    return found


def paths(template: str, params: list[str]) -> list[str]:
    """The template with each parameter set to each value (one parameter varied at a time)."""
    if not params:
        return [template]
    out = []
    for varied in params:
        for value in VALUES:
            path = template
            for name in params:
                chosen = value if name == varied else "1"
                path = path.replace("{" + name + ":id}", chosen if chosen.isdigit() else "1")
                path = path.replace("{" + name + "}", httpx.URL(chosen).raw_path.decode())
            out.append(path)
    return sorted(set(out))


@pytest.fixture
async def raw_web(app: Any) -> AsyncIterator[WebClient]:
    """A client that gets a 500 response back instead of the app's exception, so all are reported."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 51000), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


async def walk(web: WebClient, app: Any, methods: set[str]) -> list[tuple[str, str, int]]:
    failures = []
    for method, template, params in routes_of(app.routes):
        if method not in methods or template.endswith("/logout"):
            continue
        for path in paths(template, params):
            if method == "GET":
                response = await web.get(path)
            else:
                for form in ({}, JUNK_FORM):
                    response = await web.post_form(path, form)
                    if response.status_code >= 500:
                        break
            if response.status_code >= 500:
                failures.append((method, path, response.status_code))
    return failures


def admin_password(printed: str) -> str:
    found = re.search(r"Admin\s+(admin@\S+)\s+(\S+)", printed)
    assert found, printed
    return found.group(2)


async def test_no_route_answers_bad_input_with_a_server_error(
    app: Any, raw_web: WebClient, settings: Any, clock: FrozenClock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.set(datetime.now(UTC))  # the demo is dated from the real clock
    await load_demo(settings)
    password = admin_password(capsys.readouterr().out)
    anonymous = await walk(raw_web, app, {"GET"})
    await raw_web.login("admin@fernbridge.example", password)
    as_admin = await walk(raw_web, app, {"GET", "POST"})
    assert not anonymous and not as_admin, f"server errors: {anonymous + as_admin}"
