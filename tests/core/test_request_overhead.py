"""The per-request work that every page pays for stays cheap without weakening anything: anonymous
requests never touch the database, security headers and CSRF still hold on every response, and a body
is still counted against the limit however it is sent."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from civic.core.cookies import read_cookie
from civic.core.csrf import COOKIE, token_for
from civic.core.db import Database
from civic.core.security import STATIC_HEADERS
from civic.core.sessions import StaffSession
from civic.core.state import app_state
from tests.conftest import PASSWORD, SECRET, StaffFactory
from tests.support.web import WebClient, csrf_from_page

Opener = Callable[[], AbstractAsyncContextManager[Any]]


@pytest.fixture
def db_opened(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each unit of work the app opens on its database."""
    opened: list[str] = []

    def counting(name: str, original: Opener) -> Opener:
        def wrapper() -> AbstractAsyncContextManager[Any]:
            opened.append(name)
            return original()

        return wrapper

    monkeypatch.setattr(db, "reading", counting("reading", db.reading))
    monkeypatch.setattr(db, "transaction", counting("transaction", db.transaction))
    return opened


async def staff_sessions(db: Database) -> int:
    async with db.reading() as session:
        return int((await session.exec(select(func.count()).select_from(StaffSession))).one())


async def test_an_anonymous_request_opens_no_database_session(
    web: WebClient, db: Database, db_opened: list[str]
) -> None:
    before = await staff_sessions(db)
    db_opened.clear()
    response = await web.get("/accessibility")
    assert response.status_code == 200
    assert db_opened == []
    assert await staff_sessions(db) == before


async def test_a_staff_cookie_is_still_checked_against_the_database(
    web: WebClient, make_staff: StaffFactory, db_opened: list[str]
) -> None:
    staff = await make_staff()
    await web.login(staff.email, PASSWORD)
    db_opened.clear()
    page = await web.get("/accessibility")
    assert "Signed in as" in page.text
    assert "reading" in db_opened


async def test_a_forged_staff_cookie_signs_no_one_in(web: WebClient) -> None:
    web.http.cookies.set("civic_staff", "made-up")
    page = await web.get("/accessibility")
    assert "Signed in as" not in page.text


@pytest.mark.parametrize("path", ["/", "/accessibility", "/no-such-page", "/static/css/civic.css"])
async def test_every_security_header_is_sent_exactly_once(web: WebClient, path: str) -> None:
    response = await web.get(path)
    for name, value in STATIC_HEADERS.items():
        assert response.headers.get_list(name) == [value], name
    assert len(response.headers.get_list("cache-control")) == 1


async def test_a_response_keeps_its_own_cache_control(web: WebClient) -> None:
    await web.get("/")
    response = await web.get("/petitions.json")
    assert response.headers.get_list("cache-control") == ["public, max-age=30, stale-while-revalidate=180"]
    assert response.headers["content-security-policy"] == STATIC_HEADERS["content-security-policy"]


async def test_pages_for_staff_are_never_stored(web: WebClient, make_staff: StaffFactory) -> None:
    staff = await make_staff()
    await web.login(staff.email, PASSWORD)
    assert (await web.get("/accessibility")).headers["cache-control"] == "no-store"


async def test_a_first_visit_gets_a_form_token_for_the_cookie_it_is_given(web: WebClient) -> None:
    page = await web.get("/login")
    cookie = web.http.cookies.get(COOKIE)
    assert cookie
    assert csrf_from_page(page.text) == token_for(SECRET, cookie)


async def test_a_returning_visitor_keeps_the_token_for_their_cookie(web: WebClient) -> None:
    await web.get("/")
    cookie = web.http.cookies.get(COOKIE)
    page = await web.get("/login")
    assert "set-cookie" not in page.headers
    assert cookie
    assert csrf_from_page(page.text) == token_for(SECRET, cookie)


async def test_a_post_without_a_token_is_still_refused_on_a_petition(web: WebClient) -> None:
    await web.get("/")
    response = await web.http.post("/petitions/1/sign", data={"name": "Sam"})
    assert response.status_code == 403


async def test_a_chunked_body_over_the_limit_is_refused_before_csrf_reads_it(web: WebClient) -> None:
    async def stream() -> AsyncIterator[bytes]:
        for _ in range(30):
            yield b"y" * 50_000

    response = await web.http.post(
        "/petitions/1/sign", content=stream(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("civic_csrf=abc", "abc"),
        ("theme=dark; civic_csrf=abc; other=1", "abc"),
        ('civic_csrf="quoted"', "quoted"),
        ("civic_csrf=", None),
        ("broken;;;==; civic_csrf=abc", "abc"),
        ("", None),
    ],
)
def test_cookies_are_read_from_the_header_once(header: str, expected: str | None) -> None:
    scope: dict[str, Any] = {"type": "http", "headers": [(b"cookie", header.encode())]}
    assert read_cookie(scope, "civic_csrf") == expected
    scope["headers"] = []  # parsed once: later reads use the first parse
    assert read_cookie(scope, "civic_csrf") == expected


@pytest.mark.parametrize(
    "body",
    [
        b"a=1&b=two+words&c=%C3%A9t%C3%A9&d=&e",
        b"&&a=1&&b=2&",
        b"a=1;b=2&c=%3B",
        b"name=caf\xc3\xa9&x=%ZZ&y=%E9",
        b"a=1&a=2&a=",
    ],
)
async def test_a_form_parsed_once_reads_as_starlette_would_read_it(body: bytes) -> None:
    from starlette.requests import Request

    from civic.core.forms import parse_urlencoded

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    headers = [(b"content-type", b"application/x-www-form-urlencoded")]
    request = Request({"type": "http", "method": "POST", "headers": headers}, receive)
    assert parse_urlencoded(body) == list((await request.form()).multi_items())


def test_a_form_with_too_many_fields_is_left_to_the_handler_to_refuse() -> None:
    from civic.core.forms import MAX_FIELDS, parse_urlencoded

    assert parse_urlencoded(b"&".join([b"a=1"] * (MAX_FIELDS + 1))) is None


async def test_a_form_with_too_many_fields_gets_400_past_csrf(
    web: WebClient,
) -> None:
    form = {f"field{n}": "x" for n in range(600)}
    response = await web.post_form("/login", form)
    assert response.status_code == 400


async def test_starting_the_app_takes_its_startup_objects_out_of_full_collections(app: Any) -> None:
    gc.unfreeze()
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the rest of the test run collects as usual


@pytest.mark.parametrize(("environment", "reloads"), [("development", True), ("test", False)])
def test_templates_are_reread_from_disk_only_in_development(
    database_url: str, environment: str, reloads: bool
) -> None:
    from civic.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings(database_url, environment=environment))
    assert app_state(app).templates.env.auto_reload is reloads
