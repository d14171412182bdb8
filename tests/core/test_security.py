"""CSRF on every unsafe route, browser-origin checks, security headers, body limits, error pages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.routing import BaseRoute, Mount, Route

from civic.app import CSRF_EXEMPT_PREFIXES
from tests.support.web import WebClient

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def unsafe_routes(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, Mount):
            found.extend(unsafe_routes(list(route.routes or []), prefix + route.path))
        elif isinstance(route, Route):
            for method in sorted((route.methods or set()) & UNSAFE):
                path = prefix + route.path
                for name in route.param_convertors:
                    path = path.replace("{" + name + "}", "1").replace("{" + name + ":id}", "1")
                found.append((method, path))
    return found


async def test_every_unsafe_route_refuses_a_request_without_a_csrf_token(app: Any, web: WebClient) -> None:
    routes = unsafe_routes(app.routes)
    assert ("POST", "/login") in routes
    await web.get("/")  # has the CSRF cookie, but sends no token
    unprotected = []
    for method, path in routes:
        response = await web.http.request(method, path, data={"email": "a@b.example", "password": "x"})
        if path.startswith(CSRF_EXEMPT_PREFIXES):
            # One-click unsubscribe: no CSRF token by design, so its signed URL token must be checked.
            if response.status_code != 400:
                unprotected.append((method, path, response.status_code))
            continue
        if response.status_code != 403:
            unprotected.append((method, path, response.status_code))
    assert not unprotected, f"routes that accepted an unsafe request without a CSRF token: {unprotected}"


async def test_a_wrong_token_is_refused_and_the_right_one_accepted(web: WebClient) -> None:
    await web.get("/")
    wrong = await web.http.post(
        "/login", data={"csrf_token": "0" * 64, "email": "x@y.example", "password": "p"}
    )
    assert wrong.status_code == 403
    assert "expired" in wrong.text
    for forged in ("é" * 64, "\ufffd"):  # non-ASCII, as a forged form or a mangled multipart part holds
        refused = await web.http.post("/login", data={"csrf_token": forged, "email": "x@y.example"})
        assert refused.status_code == 403
        header = await web.http.post("/login", headers={"X-CSRF-Token": forged.encode()})
        assert header.status_code == 403
    right = await web.post_form("/login", {"email": "x@y.example", "password": "p"})
    assert right.status_code == 422  # reached the handler: wrong credentials, not CSRF


async def test_the_htmx_header_carries_the_token(web: WebClient) -> None:
    response = await web.post_htmx("/login", {"email": "x@y.example", "password": "p"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"}, {"Origin": "https://evil.example"}],
)
async def test_cross_site_posts_are_refused_even_with_a_valid_token(
    web: WebClient, headers: dict[str, str]
) -> None:
    response = await web.post_form("/login", {"email": "x@y.example", "password": "p"}, headers=headers)
    assert response.status_code == 403
    assert "another website" in response.text


async def test_same_origin_browser_signals_are_accepted(web: WebClient) -> None:
    headers = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    response = await web.post_form("/login", {"email": "x@y.example", "password": "p"}, headers=headers)
    assert response.status_code == 422


async def test_the_csrf_token_works_in_multipart_forms(web: WebClient) -> None:
    token = await web.csrf_token()
    files = {"upload": ("a.csv", b"x,y\n", "text/csv")}
    response = await web.http.post(
        "/login", data={"csrf_token": token, "email": "x@y.example", "password": "p"}, files=files
    )
    assert response.status_code == 422


async def test_security_headers_and_strict_csp(web: WebClient) -> None:
    response = await web.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


async def test_pages_have_no_inline_script_or_style(web: WebClient) -> None:
    for path in ("/", "/login", "/accessibility", "/audit"):
        html = (await web.get(path)).text
        assert "<style" not in html
        assert " style=" not in html
        for chunk in html.split("<script")[1:]:
            assert chunk.lstrip().startswith(("src=", 'type="module" src=')), f"inline script on {path}"


async def test_a_body_over_the_limit_gets_413_in_the_site_layout(web: WebClient) -> None:
    token = await web.csrf_token()
    big = "x" * 1_100_000
    response = await web.http.post("/login", data={"csrf_token": token, "email": big})
    assert response.status_code == 413
    assert "too large" in response.text


async def test_a_streamed_body_without_length_is_cut_off_at_the_limit(web: WebClient) -> None:
    async def stream() -> Any:
        for _ in range(40):
            yield b"x" * 50_000

    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": await web.csrf_token()}
    response = await web.http.post("/login", content=stream(), headers=headers)
    assert response.status_code == 413


async def test_an_unhandled_error_shows_a_friendly_500_without_a_traceback(app: Any) -> None:
    async def boom(request: Any) -> Any:
        raise RuntimeError("secret internals")

    app.router.routes.insert(0, Route("/boom", boom))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


async def test_bad_page_numbers_get_400_not_500(web: WebClient) -> None:
    for value in ("abc", "0", "-1", "99999999999"):
        response = await web.get(f"/audit?page={value}")
        assert response.status_code == 400


async def test_the_dev_mailbox_exists_only_in_development(web: WebClient) -> None:
    assert (await web.get("/dev/mailbox")).status_code == 404


def test_only_signed_one_click_unsubscribe_paths_skip_csrf() -> None:
    from civic.app import CSRF_EXEMPT_PREFIXES

    assert all("unsubscribe" in prefix for prefix in CSRF_EXEMPT_PREFIXES)
