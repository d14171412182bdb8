"""Property-based fuzz of every route over the whole demo council: generated path values, query strings
and form bodies (with a valid CSRF token), sent anonymously and by an admin, never get a 5xx answer
and never make the app raise (which a real client would see as a dropped connection).

How many examples each route gets comes from the Hypothesis profile (see tests/conftest.py): "ci"
under CI=true, "dev" by default, or HYPOTHESIS_PROFILE=deep for a long local run. The number of
requests sent is printed at the end of the run."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.app import build_routes, create_app
from civic.commands import upgrade
from civic.core.clock import FrozenClock
from civic.core.staff import create_staff
from civic.core.users import Role
from civic.demo import load_demo
from tests.conftest import PASSWORD, SECRET, make_settings, run_in_thread
from tests.core.test_bad_input_walk import routes_of
from tests.support.postgres import PostgresServer
from tests.support.web import WebClient

ROUTES = [r for r in routes_of(build_routes()) if not r[1].endswith("/logout")]
GETS = [(path, params) for method, path, params in ROUTES if method == "GET"]
POSTS = [(path, params) for method, path, params in ROUTES if method == "POST"]
PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
HREF = re.compile(r'(?:href|action)="(/[^"?#]*)')

# Field and query names the app's forms and handlers read, so generated bodies reach the validation
# code and not only the "field missing" branch.
FIELD_NAMES = (
    "summary details reason title text name email postcode day time score comment decision action "
    "starts_on ends_on budget cost count code state role place quorum_rule ward wards choice choices "
    "chosen ideas password kind body slug label description purpose terms_of_reference area_kind "
    "area_code member proposer seconder recorded for against abstain casting item motion reasons "
    "alternatives owner due_on status note since until residency works_here opt_in next key token "
    "receipt total top_n max_choices min_choices opens_at closes_at scheduled_for online_url "
    "urgency_reason late_reason withdrawn_reason cancel_reason exempt exempt_reason link_kind "
    "link_ref link_label attendance nature minutes correction_note held_on video_url outcome user_id "
    "age_min age_max age_band category feasibility target method sheet stage suspect percent"
)
FIELDS = tuple(FIELD_NAMES.split())
QUERY_NAMES = ("page", "q", "kind", "ward", "body", "state", "area", "panel", "next", "token", "key")

NASTY = (
    "\x00", "a\x00b", "%00", "\x1b[2J", "\x7f", "\r\n", "\u2028", "\u202e", "\ufeff", "\ud7ff",
    "Ωμέγα", "日本語", "مرحبا", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "e\u0301", "=1+1", "@SUM(A1)", "-2+3", "{{ 7*7 }}",
    "<script>", "../../etc/passwd", "' OR 1=1 --", " ", "",
)  # fmt: skip
BOUNDARY_NUMBERS = (0, -1, 1, 2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64, 10**40)
# Percent-escapes put into a path as they are: NUL, control characters, invalid UTF-8, an encoded
# slash, a lone percent sign.
ESCAPES = ("%00", "%0A", "%1B", "%7F", "%FF", "%C3%28", "%E2%80%AE", "%2F", "%25", "%3F", "%", "%zz")

numbers = st.one_of(
    st.sampled_from(BOUNDARY_NUMBERS), st.integers(min_value=-(2**130), max_value=2**130)
).map(str)
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
controls = st.text(st.characters(categories=["Cc"]), min_size=1, max_size=5)
long_texts = st.builds(lambda c, n: c * n, st.characters(exclude_categories=["Cs"]), st.integers(256, 4000))
values = st.one_of(st.sampled_from(NASTY), numbers, texts, controls, long_texts)
escapes = st.lists(st.one_of(st.sampled_from(ESCAPES), st.sampled_from(("a", "1", "é"))), min_size=1).map(
    "".join
)


@dataclass
class Fuzz:
    """The app over the demo council, an anonymous visitor, and an admin who stays signed in."""

    app: Any
    anonymous: WebClient
    admin: WebClient
    known: list[str]  # path segments seen in the demo's links: real ids, slugs and tokens
    requests: int = 0
    admins: int = 0
    signed_out: bool = field(default=True)

    async def sign_in_admin(self) -> None:
        """A fresh admin account, because a fuzzed form may have disabled or renamed the last one."""
        self.admins += 1
        email = f"fuzz-admin-{self.admins}@council.example"
        async with self.app.state.db.transaction() as session:
            await create_staff(
                session, actor=None, email=email, name="Fuzz Admin", role=Role.ADMIN,
                password=PASSWORD, now=self.app.state.clock.now(), hash_cost="fast",
            )  # fmt: skip
        self.admin.http.cookies.clear()
        await self.admin.login(email, PASSWORD)
        self.signed_out = False

    async def client(self, as_admin: bool) -> WebClient:
        if not as_admin:
            # A new address for each example, so the rate limits do not turn every later form into 429.
            transport: Any = self.anonymous.http._transport
            transport.client = (f"10.{self.requests % 250}.{self.requests // 250 % 250}.9", 1)
            return self.anonymous
        if self.signed_out:
            await self.sign_in_admin()
        return self.admin

    async def send(self, web: WebClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.requests += 1
        try:
            if method == "GET":
                response = await web.get(url, **kwargs)
            else:
                response = await web.post_form(url, kwargs.pop("data"), **kwargs)
        except Exception as exc:  # what a browser would see as a dropped connection
            raise AssertionError(f"{method} {url!r} {kwargs!r}: the app raised {exc!r}") from exc
        assert response.status_code < 500, f"{method} {url!r} {kwargs!r}: {response.status_code}"
        if web is self.admin and response.headers.get("location", "").startswith("/login"):
            self.signed_out = True
        return response


def demo_segments(pages: list[str]) -> list[str]:
    """Every path segment linked from the pages: the ids and slugs the demo really has."""
    found = {segment for page in pages for link in HREF.findall(page) for segment in link.split("/")}
    return sorted(s for s in found if s and len(s) < 80)


@pytest.fixture(scope="module")
async def fuzz(
    postgres: PostgresServer | None,
    tmp_path_factory: pytest.TempPathFactory,
    record_testsuite_property: Any,
) -> AsyncIterator[Fuzz]:
    if postgres is not None:
        url = postgres.create_database("civic_fuzz")
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'civic.db'}"
    run_in_thread(upgrade, url)
    settings = make_settings(url)
    with contextlib.redirect_stdout(io.StringIO()):  # the demo prints its staff passwords
        await load_demo(settings)
    app = create_app(settings, clock=FrozenClock(datetime.now(UTC)))  # the demo is dated from now
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=ip), base_url="http://testserver")
        for ip in (("203.0.113.20", 1), ("203.0.113.21", 1))
    ]
    fuzz = Fuzz(app, WebClient(clients[0], SECRET), WebClient(clients[1], SECRET), known=[])
    await fuzz.sign_in_admin()
    listings = ("/", "/petitions/", "/budgets/", "/panels/", "/priorities/", "/responses/", "/audit")
    staff_pages = (
        "/responses/queue",
        "/panels/manage",
        "/budgets/staff",
        "/priorities/manage",
        "/admin/staff",
    )
    pages = [(await fuzz.anonymous.get(p)).text for p in listings]
    pages += [(await fuzz.admin.get(p)).text for p in staff_pages]
    fuzz.known = demo_segments(pages)
    assert len(fuzz.known) > 30, fuzz.known
    yield fuzz
    FUZZ_CASES.append(fuzz.requests)
    record_testsuite_property("fuzz_cases", fuzz.requests)  # summed by tests/support/summary.py
    for client in clients:
        await client.aclose()
    await app.state.db.dispose()


FUZZ_CASES: list[int] = []  # requests sent, read by the terminal summary in tests/conftest.py


def draw_path(data: st.DataObject, template: str, known: list[str]) -> str:
    def fill(match: re.Match[str]) -> str:
        real = st.sampled_from(known)
        if match.group(2) == "int":  # Starlette routes only digits here; anything else is a 404
            value = data.draw(st.one_of(st.sampled_from(("1", "2", "3")), numbers, real, values))
        else:
            value = data.draw(st.one_of(real, values))
        if data.draw(st.integers(0, 9)) == 0:
            return data.draw(escapes)
        return quote(value, safe="")

    return PARAM.sub(fill, template)


def draw_pairs(data: st.DataObject, names: tuple[str, ...] | list[str], most: int) -> list[tuple[str, str]]:
    key = st.one_of(st.sampled_from(names), texts, st.sampled_from(NASTY))
    return data.draw(st.lists(st.tuples(key, values), max_size=most))


@pytest.mark.parametrize(("template", "params"), GETS, ids=[path for path, _ in GETS])
@given(data=st.data())
async def test_a_get_with_generated_path_and_query_is_never_a_server_error(
    fuzz: Fuzz, template: str, params: list[str], data: st.DataObject
) -> None:
    web = await fuzz.client(as_admin=data.draw(st.booleans()))
    path = draw_path(data, template, fuzz.known)
    await fuzz.send(web, "GET", path, params=draw_pairs(data, QUERY_NAMES, 6))


@pytest.mark.parametrize(("template", "params"), POSTS, ids=[path for path, _ in POSTS])
@given(data=st.data())
async def test_a_post_with_generated_form_is_never_a_server_error(
    fuzz: Fuzz, template: str, params: list[str], data: st.DataObject
) -> None:
    web = await fuzz.client(as_admin=data.draw(st.booleans()))
    path = draw_path(data, template, fuzz.known)
    form: dict[str, list[str]] = {}
    for key, value in draw_pairs(data, FIELDS, 12):  # a name may repeat, as checkboxes do
        form.setdefault(key, []).append(value)
    await fuzz.send(web, "POST", path, data=form)
