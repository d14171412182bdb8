"""The petition hot paths after their cost was cut: what is cached and shared is only what anyone may
see, each visitor still gets their own CSRF token, and the confirmation email drafted before the write
transaction still carries a working link."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from jinja2 import DictLoader, Environment

from civic.app import create_app
from civic.core.clock import FrozenClock
from civic.core.csrf import COOKIE, token_for
from civic.core.fastpath import language_key
from civic.core.outbox import Mail
from civic.core.state import app_state
from civic.core.templating import make_templates
from civic.core.users import Role
from civic.petitions.models import Petition, State
from civic.petitions.notify_sign import TOKEN_STAND_IN, ConfirmationDrafts, draft_confirmation
from civic.petitions.web_shared_pages import TOKEN_STAND_IN as SHARED_STAND_IN
from tests.conftest import PASSWORD, SECRET, StaffFactory, make_settings
from tests.petitions.conftest import PetitionMaker, confirm_link, links_in, outbox_to, sign_form
from tests.support.web import WebClient

HX = {"HX-Request": "true"}
HTMX_TOKEN = re.compile(r'"X-CSRF-Token": "([^"]+)"')


def htmx_token(html: str) -> str:
    """The token the page's htmx requests send (its forms carry the same one)."""
    found = HTMX_TOKEN.search(html)
    assert found, "no CSRF token in the page's htmx headers"
    return found.group(1)


@pytest.fixture
async def cached_app(database_url: str, clock: FrozenClock) -> AsyncIterator[Any]:
    app = create_app(make_settings(database_url, extra={"PETITION_COUNT_CACHE_SECONDS": "3600"}), clock=clock)
    yield app
    await app_state(app).db.dispose()


def visitor(app: Any, ip: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 51000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_a_moderators_count_fragment_is_not_shared_with_the_public(
    cached_app: Any, make_petition: PetitionMaker, make_staff: StaffFactory
) -> None:
    petition = await make_petition(State.MODERATION)
    moderator = await make_staff(Role.MODERATOR)
    async with visitor(cached_app, "203.0.113.20") as staff, visitor(cached_app, "203.0.113.21") as public:
        await WebClient(staff, SECRET).login(moderator.email, PASSWORD)
        seen = await staff.get(f"/petitions/{petition.id}/count", headers=HX)
        assert seen.status_code == 200
        assert (await public.get(f"/petitions/{petition.id}/count", headers=HX)).status_code == 404


async def test_an_open_petitions_fragment_is_shared_and_keeps_its_headers(
    cached_app: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    async with visitor(cached_app, "203.0.113.22") as first, visitor(cached_app, "203.0.113.23") as second:
        one = await first.get(f"/petitions/{petition.id}/count", headers=HX)
        two = await second.get(f"/petitions/{petition.id}/count", headers=HX)
    assert one.text == two.text
    for response in (one, two):
        assert response.headers["vary"] == "HX-Request, Accept-Language, Cookie"
        assert response.headers["x-frame-options"] == "DENY"
        # A first-time visitor is given a cookie, so only their browser may keep the response.
        assert response.headers["cache-control"].startswith("private, max-age=")


async def test_the_drafted_confirmation_email_links_to_this_signature(
    web: WebClient, db: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    name = f"Sam {TOKEN_STAND_IN[:12]}"  # as close to the stand-in as anyone could guess
    response = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(name=name))
    assert response.status_code == 303
    (mail,) = await outbox_to(db, "sam@example.org")
    assert TOKEN_STAND_IN not in mail.body_text
    assert name in mail.body_text
    assert "Confirm your signature" in mail.subject
    confirmed = await confirm_link(web, links_in(mail.body_text)[0])
    assert "result=confirmed" in confirmed.headers["location"]


async def test_anonymous_visitors_share_a_page_but_each_gets_their_own_form_token(
    cached_app: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    async with visitor(cached_app, "203.0.113.24") as one, visitor(cached_app, "203.0.113.25") as two:
        pages = [await client.get(f"/petitions/{petition.id}") for client in (one, two)]
        tokens = [htmx_token(page.text) for page in pages]
        assert tokens == [token_for(SECRET, client.cookies[COOKIE]) for client in (one, two)]
        assert tokens[0] != tokens[1]
        assert pages[0].text.replace(tokens[0], "") == pages[1].text.replace(tokens[1], "")
        assert SHARED_STAND_IN not in pages[0].text
        signed = await one.post(
            f"/petitions/{petition.id}/sign", data={**sign_form(), "csrf_token": tokens[0]}
        )
        assert signed.status_code == 303


async def test_staff_actions_never_reach_the_shared_page(
    cached_app: Any, make_petition: PetitionMaker, make_staff: StaffFactory
) -> None:
    petition = await make_petition()
    moderator = await make_staff(Role.MODERATOR)
    async with visitor(cached_app, "203.0.113.26") as staff, visitor(cached_app, "203.0.113.27") as public:
        await WebClient(staff, SECRET).login(moderator.email, PASSWORD)
        assert "Remove this petition" in (await staff.get(f"/petitions/{petition.id}")).text
        assert "Remove this petition" not in (await public.get(f"/petitions/{petition.id}")).text
        assert "Remove this petition" in (await staff.get(f"/petitions/{petition.id}")).text


@pytest.mark.parametrize("name", ["Sam Signer", "Siân O'Brien & Sons <b>", "Zoë {{ name }} %s \\1"])
def test_a_drafted_email_is_the_email_a_full_render_makes(name: str) -> None:
    mail = Mail(make_templates().env, make_settings("sqlite+aiosqlite:///unused.db"))
    petition = Petition(id=7, action="Reopen the library on Mill Road")
    drafts = ConfirmationDrafts(mail)
    for _ in range(2):  # the first builds the petition's skeleton, the second reuses it
        assert drafts.draft(petition, name, "en") == draft_confirmation(mail, petition, name, "en")


def test_a_template_that_does_not_name_the_signer_once_in_the_body_is_rendered_in_full() -> None:
    env = Environment(  # noqa: S701 - a text email, as the app renders .txt templates
        loader=DictLoader(
            {"emails/petitions_confirm_signature.txt": "Subject: For {{ name }}\n\n{{ token }}"}
        )
    )
    mail = Mail(env, make_settings("sqlite+aiosqlite:///unused.db"))
    petition = Petition(id=8, action="Fix the lights")
    draft = ConfirmationDrafts(mail).draft(petition, "Sam", "en")
    assert draft == draft_confirmation(mail, petition, "Sam", "en")
    assert draft.subject == "For Sam"


async def test_signers_arriving_together_from_one_postcode_share_one_lookup(
    app: Any, make_petition: PetitionMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from civic.petitions import web_sign

    petition = await make_petition()
    lookups: list[str] = []
    real = web_sign.resolve_ward

    async def counted(*args: Any, **kwargs: Any) -> str:
        lookups.append(args[1]["postcode"])
        await asyncio.sleep(0.01)  # still looking up while the others arrive
        return await real(*args, **kwargs)

    monkeypatch.setattr(web_sign, "resolve_ward", counted)
    async with visitor(app, "203.0.113.30") as client:
        web = WebClient(client, SECRET)
        forms = [sign_form(email=f"signer{n}@example.org") for n in range(8)]
        responses = await asyncio.gather(*(web.post_form(f"/petitions/{petition.id}/sign", f) for f in forms))
    assert [r.status_code for r in responses] == [303] * 8
    assert lookups == ["FB6 1UU"]


async def test_a_cached_fragment_carries_no_other_visitors_cookie(
    cached_app: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    url = f"/petitions/{petition.id}/count"
    async with visitor(cached_app, "203.0.113.31") as one, visitor(cached_app, "203.0.113.32") as two:
        first = await one.get(url, headers=HX)
        second = await two.get(url, headers=HX)
        again = await one.get(url, headers=HX)  # now has the cookie: a shared cache may keep this one
    assert len(first.headers.get_list("set-cookie")) == len(second.headers.get_list("set-cookie")) == 1
    assert first.headers["set-cookie"] != second.headers["set-cookie"]
    assert "set-cookie" not in again.headers
    assert again.headers["cache-control"].startswith("public, max-age=")
    assert first.text == second.text == again.text


async def test_a_repeat_poll_is_answered_from_the_fast_path_with_the_same_bytes_and_headers(
    cached_app: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    path = f"/petitions/{petition.id}/count"
    async with visitor(cached_app, "203.0.113.24") as first, visitor(cached_app, "203.0.113.25") as other:
        await first.get(f"/petitions/{petition.id}")  # the page visit gives the CSRF cookie
        await other.get(f"/petitions/{petition.id}")
        long_way = await first.get(path, headers=HX)  # prepares it
        assert app_state(cached_app).fast_paths.get(language_key(path, "en")) is not None
        fast = await other.get(path, headers=HX)
        plain = await other.get(path)  # not htmx: the full page, the long way
    assert fast.content == long_way.content and fast.status_code == 200
    assert {k: v for k, v in fast.headers.items() if k != "x-request-id"} == {
        k: v for k, v in long_way.headers.items() if k != "x-request-id"
    }
    assert fast.headers["cache-control"].startswith("public, max-age=")
    assert fast.headers["x-request-id"] != long_way.headers["x-request-id"]
    assert "<html" in plain.text and "<html" not in fast.text


async def test_a_petition_this_process_changes_is_not_answered_from_an_old_fast_copy(
    cached_app: Any, make_petition: PetitionMaker
) -> None:
    from civic.petitions.web_state import PetitionState

    petition = await make_petition()
    path = f"/petitions/{petition.id}/count"
    async with visitor(cached_app, "203.0.113.26") as client:
        await client.get(f"/petitions/{petition.id}")
        await client.get(path, headers=HX)
        assert app_state(cached_app).fast_paths.get(language_key(path, "en")) is not None
        app_state(cached_app).part(PetitionState).forget(petition.id or 0)
        assert app_state(cached_app).fast_paths.get(language_key(path, "en")) is None
