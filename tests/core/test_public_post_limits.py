"""Every POST a resident can make without signing in is rate limited per IP address.

The rule for "public", made explicit: staff pages are protected by `require_user` / `require_role`
inside their handlers, which send an anonymous visitor to the login page. So a POST route is a staff
route exactly when an anonymous POST to it (with a valid CSRF token) is answered with a redirect to
/login; every other POST route is public and must name its limits with `@rate_limited(SETTING)` or
`@limits_itself(SETTING, ...)`, each a setting documented in the README.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select
from starlette.routing import BaseRoute, Mount, Route

from civic.app import create_app
from civic.budgets.models import BudgetIdea
from civic.config import all_settings
from civic.core.clock import FrozenClock
from civic.core.ratelimit import limits_of
from civic.core.state import app_state
from tests.budgets.conftest import create_budget
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


@pytest.fixture
async def strict_app(database_url: str, clock: FrozenClock) -> AsyncIterator[Any]:
    """The app with small limits, so a test can go past them in a few requests."""
    low = {"BUDGET_IDEAS_PER_HOUR": "2", "RESPONSES_UNSUBSCRIBES_PER_HOUR": "2"}
    application = create_app(make_settings(database_url, extra=low), clock=clock)
    yield application
    await app_state(application).db.dispose()


@pytest.fixture
async def strict_web(strict_app: Any) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=strict_app, client=("203.0.113.50", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


IDEA = {
    "title": "Benches by the river",
    "body": "Near the bandstand",
    "first_name": "Amira",
    "age_band": "14-16",
}


async def test_a_third_idea_in_an_hour_gets_a_429_page(
    strict_app: Any, strict_web: WebClient, clock: FrozenClock
) -> None:
    fund = await create_budget(app_state(strict_app).db, "limited-fund", offsets=(-1, 5, 10, 20, 40))
    path = f"/budgets/{fund.slug}/ideas/new"
    answers = [await strict_web.post_form(path, {**IDEA, "title": f"Idea {n}"}) for n in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "Too many requests" in answers[2].text and int(answers[2].headers["retry-after"]) > 0
    async with app_state(strict_app).db.reading() as session:
        stored = (await session.exec(select(BudgetIdea))).all()
    assert sorted(i.title for i in stored) == ["Idea 0", "Idea 1"]  # the refused one was not kept
    other = httpx.ASGITransport(app=strict_app, client=("198.51.100.50", 52000))
    async with httpx.AsyncClient(transport=other, base_url="http://testserver") as client:
        assert (await WebClient(client, SECRET).post_form(path, IDEA)).status_code == 200  # per IP
    clock.advance(timedelta(hours=1))
    assert (await strict_web.post_form(path, {**IDEA, "title": "Later"})).status_code == 200


async def test_one_click_unsubscribes_are_limited_too(strict_web: WebClient) -> None:
    # Bad tokens are answered 400, and still count: a guesser is refused once over the limit.
    codes = [(await strict_web.http.post(f"/responses/unsubscribe/guess{n}")).status_code for n in range(3)]
    assert codes == [400, 400, 429]
