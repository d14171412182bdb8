"""Staff sign-in: sessions on the server, throttling, timeouts, roles taking effect at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.staff import change_role, set_disabled
from civic.core.state import app_state
from civic.core.users import Role, StaffUser
from tests.conftest import PASSWORD, StaffFactory
from tests.support.web import WebClient


async def test_a_moderator_signs_in_and_out(web: WebClient, make_staff: StaffFactory) -> None:
    user = await make_staff(Role.MODERATOR)
    response = await web.login(user.email, PASSWORD)
    assert response.headers["location"] == "/staff"
    cookie = response.headers["set-cookie"]
    assert "civic_staff=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    page = await web.get("/staff")
    assert page.status_code == 200
    assert user.name in page.text
    assert page.headers["cache-control"] == "no-store"
    await web.logout()
    assert (await web.get("/staff")).status_code == 303


async def test_a_session_token_stops_working_after_logout(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory
) -> None:
    user = await make_staff(Role.MODERATOR)
    await web.login(user.email, PASSWORD)
    stolen = web.http.cookies.get("civic_staff")
    await web.logout()
    another_web.http.cookies.set("civic_staff", stolen or "")
    assert (await another_web.get("/staff")).status_code == 303


async def test_wrong_password_gets_a_clear_message(web: WebClient, make_staff: StaffFactory) -> None:
    user = await make_staff(Role.MODERATOR)
    response = await web.post_form("/login", {"email": user.email, "password": "wrong password!!"})
    assert response.status_code == 422
    assert "Enter a correct email address and password" in response.text
    assert "govuk-error-summary" in response.text
    unknown = await web.post_form("/login", {"email": "nobody@council.example", "password": "whatever12345"})
    assert "Enter a correct email address and password" in unknown.text  # no account enumeration


async def test_empty_form_gets_field_errors(web: WebClient) -> None:
    response = await web.post_form("/login", {})
    assert response.status_code == 422
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text


async def test_an_account_locks_after_repeated_failures_even_for_the_right_password(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    user = await make_staff(Role.COUNCILLOR)
    for _ in range(5):
        assert (
            await web.post_form("/login", {"email": user.email, "password": "not it at all"})
        ).status_code == 422
    locked = await another_web.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.text
    clock.advance(timedelta(minutes=31))
    assert (
        await another_web.post_form("/login", {"email": user.email, "password": PASSWORD})
    ).status_code == 303


async def test_one_address_trying_many_accounts_is_throttled(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory
) -> None:
    user = await make_staff(Role.MODERATOR)
    for n in range(20):
        await web.post_form("/login", {"email": f"guess{n}@council.example", "password": "not it at all"})
    assert (await web.post_form("/login", {"email": user.email, "password": PASSWORD})).status_code == 429
    assert (
        await another_web.post_form("/login", {"email": user.email, "password": PASSWORD})
    ).status_code == 303


async def test_idle_and_absolute_timeouts(
    web: WebClient, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    user = await make_staff(Role.MODERATOR)
    await web.login(user.email, PASSWORD)
    clock.advance(timedelta(minutes=29))
    assert (await web.get("/staff")).status_code == 200
    clock.advance(timedelta(minutes=29))
    assert (await web.get("/staff")).status_code == 200  # kept alive by use
    clock.advance(timedelta(minutes=31))
    assert (await web.get("/staff")).status_code == 303  # idle too long
    await web.login(user.email, PASSWORD)
    for _ in range(25):  # busy all day, but sessions end after 12 hours regardless
        clock.advance(timedelta(minutes=29))
        last = await web.get("/staff")
    assert last.status_code == 303


async def test_disabling_an_account_signs_it_out_at_once(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    user = await make_staff(Role.POLICE)
    await web.login(user.email, PASSWORD)
    async with db.transaction() as session:
        target = await session.get(StaffUser, user.id)
        assert target is not None
        await set_disabled(
            session, target, actor=None, disabled=True, now=clock.now(), reason="left the force"
        )
    assert (await web.get("/staff")).status_code == 303
    assert (await web.post_form("/login", {"email": user.email, "password": PASSWORD})).status_code == 422


async def test_a_role_change_takes_effect_on_the_next_request(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    assert (await web.get("/admin/staff")).status_code == 200
    async with db.transaction() as session:
        target = await session.get(StaffUser, admin.id)
        assert target is not None
        await change_role(session, target, actor=None, role=Role.MODERATOR, now=clock.now())
    assert (await web.get("/admin/staff")).status_code == 403


async def test_admin_pages_are_for_admins_only(web: WebClient, make_staff: StaffFactory) -> None:
    assert (await web.get("/admin/staff")).headers["location"].startswith("/login?next=/admin/staff")
    for role in (Role.MODERATOR, Role.COUNCILLOR, Role.POLICE, Role.YOUTH_WORKER, Role.PANEL_CLERK):
        user = await make_staff(role)
        await web.login(user.email, PASSWORD)
        assert (await web.get("/admin/staff")).status_code == 403, role
        assert (await web.post_form("/admin/staff/new", {"email": "x@y.example"})).status_code == 403, role
        await web.logout()


async def test_login_never_redirects_off_site(web: WebClient, make_staff: StaffFactory) -> None:
    user = await make_staff(Role.MODERATOR)
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = await web.post_form("/login", {"email": user.email, "password": PASSWORD, "next": target})
        assert response.headers["location"] == "/staff"
        await web.logout()


async def test_an_admin_creates_a_councillor_and_changes_roles(
    web: WebClient, make_staff: StaffFactory, db: Database, app: Any
) -> None:
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    form = {
        "email": "Cllr.New@Council.example",
        "name": "Cllr New",
        "role": "councillor",
        "wards": ["E05900001", "E05900002"],
        "password": "a long enough password",
    }
    created = await web.post_form("/admin/staff/new", form)
    assert created.status_code == 303
    detail = await web.get(created.headers["location"])
    assert "cllr.new@council.example" in detail.text
    user_id = created.headers["location"].split("/")[3].split("?")[0]
    bad = await web.post_form(f"/admin/staff/{user_id}", {"action": "role", "role": "police"})
    assert bad.status_code == 422
    assert "A police user needs a neighbourhood" in bad.text
    ok = await web.post_form(
        f"/admin/staff/{user_id}", {"action": "role", "role": "police", "neighbourhood": "fernbridge-north"}
    )
    assert ok.status_code == 303
    duplicate = await web.post_form("/admin/staff/new", {**form, "role": "moderator"})
    assert duplicate.status_code == 422
    assert "already an account" in duplicate.text
    short = await web.post_form(
        "/admin/staff/new", {**form, "email": "b@council.example", "password": "short"}
    )
    assert "at least 12 characters" in short.text
    assert (await web.get("/admin/staff/notanumber")).status_code == 404
    assert (await web.get("/admin/staff/99999")).status_code == 404


async def test_an_admin_cannot_disable_themselves(web: WebClient, make_staff: StaffFactory) -> None:
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    response = await web.post_form(f"/admin/staff/{admin.id}", {"action": "disable"})
    assert response.status_code == 422
    assert "cannot disable your own account" in response.text


async def test_https_deployments_get_secure_host_prefixed_cookies(
    database_url: str, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    import httpx

    from civic.app import create_app
    from tests.conftest import SECRET, make_settings

    user = await make_staff(Role.MODERATOR)
    app = create_app(make_settings(database_url, base_url="https://civic.example"), clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://civic.example") as client:
        web = WebClient(client, SECRET)
        response = await web.post_form("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert cookie.startswith("__Host-civic_staff=")
        assert "Secure" in cookie
        home = await client.get("/")
        assert "max-age=31536000" in home.headers["strict-transport-security"]
    await app_state(app).db.dispose()
