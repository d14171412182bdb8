"""Tightening STAFF_2FA_REQUIRED reaches sessions already signed in: a session begun with a password
alone stops counting, and the member signs in again with a second factor; one begun with a second
factor carries on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from civic.app import create_app
from civic.core.clock import FrozenClock
from civic.core.sessions import COOKIE_NAME
from civic.core.state import app_state
from civic.core.users import Role
from tests.conftest import PASSWORD, SECRET, StaffFactory, make_settings
from tests.site.test_twofactor import enrol
from tests.support.web import WebClient


@asynccontextmanager
async def visitor(
    database_url: str, clock: FrozenClock, rule: str, cookie: str = ""
) -> AsyncIterator[WebClient]:
    """A browser on an app started with this rule, carrying a staff cookie if given."""
    app = create_app(make_settings(database_url, staff_2fa_required=rule), clock=clock)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            if cookie:
                client.cookies.set(COOKIE_NAME, cookie)
            yield WebClient(client, SECRET)
    finally:
        await app_state(app).db.dispose()


async def test_a_password_only_session_ends_when_the_rule_is_tightened(
    database_url: str, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    user = await make_staff(Role.MODERATOR)
    async with visitor(database_url, clock, "off") as web:
        await web.login(user.email, PASSWORD)
        assert (await web.get("/staff")).status_code == 200
        cookie = web.http.cookies[COOKIE_NAME]
    async with visitor(database_url, clock, "off", cookie) as same_rule:
        assert (await same_rule.get("/staff")).status_code == 200
    async with visitor(database_url, clock, "publishers", cookie) as tightened:
        page = await tightened.get("/staff")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        again = await tightened.post_form("/login", {"email": user.email, "password": PASSWORD})
        assert again.headers["location"] == "/account/authenticator"  # now a second factor is due


async def test_a_session_with_a_second_factor_carries_on(
    database_url: str, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    user = await make_staff(Role.MODERATOR)
    async with visitor(database_url, clock, "publishers") as web:
        await enrol(web, user, clock)
        cookie = web.http.cookies[COOKIE_NAME]
    async with visitor(database_url, clock, "all", cookie) as stricter:
        assert (await stricter.get("/staff")).status_code == 200
