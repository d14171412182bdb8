"""Odd values in paths never give a server error or a dropped connection.

Ids outside 1..2**31-1 (the range of every id column on PostgreSQL; SQLite overflows past 64 bits) match
no route, so they are 404 on every route that takes an id. A staff URL holding a non-Latin-1 letter or
a NUL sends an anonymous visitor to the login page with `next` percent-encoded, so the Location header
is ASCII and reads back as exactly the path; a real uvicorn server proves the connection is not dropped.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import uvicorn
from starlette.routing import BaseRoute, Mount, Route

from civic.app import create_app
from civic.core.paths import MAX_ID, at_most, parse_id
from civic.core.users import Role
from tests.conftest import PASSWORD, StaffFactory, make_settings
from tests.support.web import WebClient

OUT_OF_RANGE = ("0", "-1", "00", "01", str(2**31), str(2**63), str(2**64 + 1), str(10**30), "\u0661")
# Query values that name rows; a long number in each must never reach the database.
ID_QUERY = {name: str(10**30) for name in ("round", "area", "id", "page", "panel", "petition", "ward")}
STAFF_PATHS = ("/budgets/staff/{}", "/panels/manage/{}", "/budgets/staff/{}/ideas")
ODD = ("caf\u00e9-\u0101\u4e2d", "%00", "a%00b", "%C4%81?x=1&y=%00", "tab%09here", "sp ace")


def id_routes(routes: list[BaseRoute], prefix: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for route in routes:
        if isinstance(route, Mount):
            found.extend(id_routes(list(route.routes or []), prefix + route.path))
        elif isinstance(route, Route) and ":id}" in route.path:
            found.extend(
                (method, prefix + route.path)
                for method in sorted(route.methods or {"GET"})
                if method != "HEAD"
            )
    return found


def get_routes(routes: list[BaseRoute], prefix: str = "") -> list[str]:
    found: list[str] = []
    for route in routes:
        if isinstance(route, Mount):
            found.extend(get_routes(list(route.routes or []), prefix + route.path))
        elif (
            isinstance(route, Route)
            and "GET" in (route.methods or {"GET"})
            and not route.path.endswith("logout")
        ):
            found.append(prefix + route.path)
    return found


def with_id(template: str, varied: str, value: str) -> str:
    """The template with the `varied` id set to `value`, other ids to 1 and other values to a word."""
    path = template.replace("{" + varied + ":id}", value)
    return re.sub(r"\{\w+(:str)?\}", "sample", re.sub(r"\{\w+:id\}", "1", path))


def test_the_id_pattern_matches_exactly_the_column_range() -> None:
    pattern = re.compile(at_most(MAX_ID) + "$")
    for good in ("1", "9", "10", "2147483647", "2147483639", "1999999999", "999999999"):
        assert pattern.match(good) and parse_id(good) == int(good)
    for bad in (
        "0",
        "01",
        "2147483648",
        "2147483650",
        "2200000000",
        "9999999999",
        "-1",
        "",
        "\u0661",
        "\u00b2",
    ):
        assert not pattern.match(bad) and parse_id(bad) is None


async def test_ids_out_of_range_are_404_on_every_id_route(
    app: Any, web: WebClient, make_staff: StaffFactory
) -> None:
    routes = id_routes(app.routes)
    assert len(routes) >= 40, routes  # the walk found the id routes (every feature has some)
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    failures = []
    for method, template in routes:
        for varied in re.findall(r"\{(\w+):id\}", template):
            for value in OUT_OF_RANGE:
                path = with_id(template, varied, httpx.URL(value).raw_path.decode())
                response = await (web.get(path) if method == "GET" else web.post_form(path, {}))
                if response.status_code != 404:
                    failures.append((method, path, response.status_code))
            largest = with_id(template, varied, str(MAX_ID))  # in range, names nothing: never a 500
            response = await (web.get(largest) if method == "GET" else web.post_form(largest, {}))
            if response.status_code >= 500:
                failures.append((method, largest, response.status_code))
    assert not failures, failures


async def test_id_queries_out_of_range_on_every_page_are_not_server_errors(
    app: Any, web: WebClient, make_staff: StaffFactory
) -> None:
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    failures = []
    templates = get_routes(app.routes)
    assert len(templates) >= 80, templates
    for template in templates:
        response = await web.get(with_id(template, "", "1"), params=ID_QUERY)
        if response.status_code >= 500:
            failures.append((template, response.status_code))
    assert not failures, failures


def next_of(location: str) -> str:
    assert location.isascii(), location
    parts = urlsplit(location)
    assert parts.path == "/login", location
    return parse_qs(parts.query, keep_blank_values=True)["next"][0]


def raw_target(path: str) -> str:
    """What a browser sends for `path`: non-ASCII letters and spaces percent-encoded."""
    return httpx.URL("http://x" + path).raw_path.decode("ascii")


def decoded(target: str) -> tuple[str, str]:
    from urllib.parse import unquote

    path, _, query = target.partition("?")
    return unquote(path), query


def refused(path: str, query: str) -> int | None:
    """The input rule's answer: 404 for a control character in the path (no page has such an address),
    400 for one in the query string; None when the request reaches the page."""
    if any(ch in path for ch in "\x00\t"):
        return 404
    return 400 if "%00" in query else None


async def test_anonymous_staff_urls_with_odd_paths_go_to_login_with_an_encoded_next(web: WebClient) -> None:
    for template in STAFF_PATHS:
        for odd in ODD:
            target = raw_target(template.format(odd))
            response = await web.get(target)
            path, query = decoded(target)
            refusal = refused(path, query)
            if refusal:
                assert response.status_code == refusal, (target, response.status_code)
                continue
            assert response.status_code in {303, 404}, (target, response.status_code)
            if response.status_code == 303:
                assert next_of(response.headers["location"]) == path + ("?" + query if query else "")
                assert (await web.get(response.headers["location"])).status_code == 200  # the login page


@pytest.fixture
def live_server(database_url: str) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, as in production."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(make_settings(database_url, base_url=f"http://127.0.0.1:{port}"))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(500):  # wait for the socket to listen; no assertion about how long it takes
        if server.started:
            started.set()
            break
        started.wait(0.02)
    if not server.started:
        server.should_exit = True
        thread.join()
        pytest.fail("uvicorn did not start")
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join()


def raw_get(base: str, target: str) -> bytes:
    """One request over a plain socket, so nothing between the test and the server rewrites the path."""
    host, port = urlsplit(base).hostname or "", urlsplit(base).port or 80
    with socket.create_connection((host, port)) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("ascii"))
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_real_server_answers_odd_paths_instead_of_dropping_the_connection(live_server: str) -> None:
    for template in STAFF_PATHS:
        for odd in ODD:
            target = raw_target(template.format(odd))
            answer = raw_get(live_server, target)
            assert answer, f"connection dropped for {target}"
            head = answer.split(b"\r\n\r\n", 1)[0].decode("ascii")
            status = int(head.split(" ", 2)[1])
            refusal = refused(*decoded(target))
            if refusal:
                assert status == refusal, (target, head)
                continue
            assert status in {303, 404}, (target, head)
            if status == 303:
                location = re.search(r"(?im)^location: (.*)$", head)
                assert location, head
                path, query = decoded(target)
                assert next_of(location.group(1).strip()) == path + ("?" + query if query else "")
    for value in ("0", str(2**64 + 1), str(10**30)):
        assert b" 404 " in raw_get(live_server, f"/petitions/{value}").split(b"\r\n", 1)[0]
