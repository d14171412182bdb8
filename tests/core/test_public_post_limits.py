"""Every POST a resident can make without signing in is rate limited per IP address.

The rule for "public", made explicit: staff pages are protected by `require_user` / `require_role`
inside their handlers, which send an anonymous visitor to the login page. So a POST route is a staff
route exactly when an anonymous POST to it (with a valid CSRF token) is answered with a redirect to
/login; every other POST route is public and must name its limits with `@rate_limited(SETTING)` or
`@limits_itself(SETTING, ...)`, each a setting documented in the README.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from civic.config import Settings, all_settings
from civic.core.ratelimit import limits_of
from tests.conftest import SECRET, make_settings
from tests.support.web import WebClient


def post_routes(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, Route]]:
    found: list[tuple[str, Route]] = []
    for route in routes:
        if isinstance(route, Mount):
            found.extend(post_routes(list(route.routes or []), prefix + route.path))
        elif isinstance(route, Route) and "POST" in (route.methods or set()):
            found.append((prefix + route.path, route))
    return found


def sample_path(template: str) -> str:
    """Ids set to 1, every other value to a word: enough to reach each handler's first check."""
    return re.sub(r"\{\w+(:str)?\}", "sample", re.sub(r"\{\w+:id\}", "1", template))


async def is_staff_route(web: WebClient, path: str) -> bool:
    response = await web.post_form(path, {})
    return response.status_code == 303 and response.headers["location"].startswith("/login?next=")


async def test_every_public_post_has_a_documented_rate_limit(app: Any, web: WebClient) -> None:
    documented = {s.name for s in all_settings()}
    public, unlimited = [], []
    for template, route in post_routes(app.routes):
        limits = limits_of(route.endpoint)
        assert set(limits) <= documented, f"{template} names an unknown setting: {limits}"
        if await is_staff_route(web, sample_path(template)):
            continue
        public.append(template)
        if not limits:
            unlimited.append(template)
    assert len(public) >= 10, public  # the walk found the residents' forms
    assert not unlimited, f"public POST routes without a rate limit: {unlimited}"

