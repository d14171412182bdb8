"""Property-based fuzz of every route over the whole demo council: generated path values, query strings
and form bodies (with a valid CSRF token), sent anonymously, by an admin and by staff of each role,
never get a 5xx answer and never make the app raise (which a real client would see as a dropped
connection).

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
from civic.core.state import app_state
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
    "²", "①", "٣", "１２",  # digits to str.isdigit(); int() refuses the first two
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
# Shorter in a query string, which httpx refuses to build past 64 KiB (a real server refuses sooner).
short_long_texts = st.builds(
    lambda c, n: c * n, st.characters(exclude_categories=["Cs"]), st.integers(100, 300)
)
query_values = st.one_of(st.sampled_from(NASTY), numbers, texts, controls, short_long_texts)
escapes = st.lists(st.one_of(st.sampled_from(ESCAPES), st.sampled_from(("a", "1", "é"))), min_size=1).map(
    "".join
)


# Who sends the generated requests: nobody, an admin, and one account of each role that has pages
# of its own (an admin is refused most of those, so would never reach their form handling).
ACTORS: tuple[Role | None, ...] = (
    None, Role.ADMIN, Role.POLICE, Role.PANEL_CLERK, Role.YOUTH_WORKER, Role.COUNCILLOR, Role.MODERATOR,
)  # fmt: skip
AREAS: dict[Role, dict[str, Any]] = {
    Role.POLICE: {"neighbourhood": "fernbridge-central"},
    Role.COUNCILLOR: {"wards": ["E05900006"]},
}


@dataclass
class Fuzz:
    """The app over the demo council, an anonymous visitor, and staff who stay signed in."""

    app: Any
    anonymous: WebClient
    staff: dict[Role, WebClient]
    known: list[str] = field(default_factory=list)  # path segments linked from the demo's pages
    requests: int = 0
    accounts: int = 0
    signed_out: set[Role] = field(default_factory=set)

    def __repr__(self) -> str:  # Hypothesis prints the fixture with each failing example
        return f"Fuzz(requests={self.requests})"

    async def sign_in(self, role: Role) -> None:
        """A fresh account, because a fuzzed form may have disabled or changed the last one."""
        self.accounts += 1
        email = f"fuzz-{role.value}-{self.accounts}@council.example"
        async with app_state(self.app).db.transaction() as session:
            await create_staff(
                session, actor=None, email=email, name=f"Fuzz {role.label}", role=role,
                password=PASSWORD, now=app_state(self.app).clock.now(), hash_cost="fast", **AREAS.get(role, {}),
            )  # fmt: skip
        self.staff[role].http.cookies.clear()
        await self.staff[role].login(email, PASSWORD)
        self.signed_out.discard(role)

    async def client(self, role: Role | None) -> WebClient:
        if role is None:
            # A new address for each example, so the rate limits do not turn every later form into 429.
            transport: Any = self.anonymous.http._transport
            transport.client = (f"10.{self.requests % 250}.{self.requests // 250 % 250}.9", 1)
            return self.anonymous
        if role in self.signed_out:
            await self.sign_in(role)
        return self.staff[role]

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
        if response.headers.get("location", "").startswith("/login"):
            self.signed_out.update(role for role, client in self.staff.items() if client is web)
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
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(f"203.0.113.{20 + n}", 1)),
            base_url="http://testserver",
        )
        for n in range(len(ACTORS))
    ]
    webs = [WebClient(client, SECRET) for client in clients]
    fuzz = Fuzz(app, webs[0], {role: web for role, web in zip(ACTORS[1:], webs[1:], strict=True) if role})
    for role in fuzz.staff:
        await fuzz.sign_in(role)
    listings = ("/", "/petitions/", "/budgets/", "/panels/", "/priorities/", "/responses/", "/audit")
    staff_pages = {
        Role.ADMIN: ("/admin/staff", "/petitions/moderation"),
        Role.COUNCILLOR: ("/responses/queue",),
        Role.PANEL_CLERK: ("/panels/manage",),
        Role.YOUTH_WORKER: ("/budgets/staff",),
        Role.POLICE: ("/priorities/manage",),
    }
    pages = [(await fuzz.anonymous.get(p)).text for p in listings]
    pages += [(await fuzz.staff[role].get(p)).text for role, paths in staff_pages.items() for p in paths]
    fuzz.known = demo_segments(pages)
    assert len(fuzz.known) > 30, fuzz.known
    yield fuzz
    FUZZ_CASES.append(fuzz.requests)
    record_testsuite_property("fuzz_cases", fuzz.requests)  # summed by tests/support/summary.py
    for client in clients:
        await client.aclose()
    await app_state(app).db.dispose()


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


def draw_pairs(
    data: st.DataObject, names: tuple[str, ...], most: int, value: st.SearchStrategy[str] = values
) -> list[tuple[str, str]]:
    key = st.one_of(st.sampled_from(names), texts, st.sampled_from(NASTY))
    return data.draw(st.lists(st.tuples(key, value), max_size=most))


@pytest.mark.parametrize(("template", "params"), GETS, ids=[path for path, _ in GETS])
@given(data=st.data())
async def test_a_get_with_generated_path_and_query_is_never_a_server_error(
    fuzz: Fuzz, template: str, params: list[str], data: st.DataObject
) -> None:
    web = await fuzz.client(data.draw(st.sampled_from(ACTORS)))
    path = draw_path(data, template, fuzz.known)
    await fuzz.send(web, "GET", path, params=draw_pairs(data, QUERY_NAMES, 6, query_values))


@pytest.mark.parametrize(("template", "params"), POSTS, ids=[path for path, _ in POSTS])
@given(data=st.data())
async def test_a_post_with_generated_form_is_never_a_server_error(
    fuzz: Fuzz, template: str, params: list[str], data: st.DataObject
) -> None:
    web = await fuzz.client(data.draw(st.sampled_from(ACTORS)))
    path = draw_path(data, template, fuzz.known)
    form: dict[str, list[str]] = {}
    for key, value in draw_pairs(data, FIELDS, 12):  # a name may repeat, as checkboxes do
        form.setdefault(key, []).append(value)
    await fuzz.send(web, "POST", path, data=form)
