"""With the per-process caches on (the default), hot pages reuse what they read a moment ago, and a
process's own changes show at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from civic.app import create_app
from civic.core.clock import FrozenClock
from civic.core.state import app_state
from tests.conftest import SECRET, make_settings
from tests.petitions.conftest import PetitionMaker, confirm_link, links_in, outbox_to, sign_form
from tests.support.web import WebClient


@pytest.fixture
async def cached_web(database_url: str, clock: FrozenClock) -> AsyncIterator[tuple[WebClient, Any]]:
    app = create_app(make_settings(database_url, extra={"PETITION_COUNT_CACHE_SECONDS": "3600"}), clock=clock)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET), app
    await app_state(app).db.dispose()


async def test_counts_are_reused_until_this_process_changes_them(
    cached_web: tuple[WebClient, Any], make_petition: PetitionMaker
) -> None:
    web, app = cached_web
    petition = await make_petition()
    hx = {"HX-Request": "true"}
    assert ">0</span>" in (await web.get(f"/petitions/{petition.id}/count", headers=hx)).text
    await make_petition.signatures(petition, 2)  # written behind the process's back
    assert ">0</span>" in (await web.get(f"/petitions/{petition.id}/count", headers=hx)).text
    assert ">0</span>" in (await web.get(f"/petitions/{petition.id}")).text
    await web.post_form(f"/petitions/{petition.id}/sign", sign_form())
    (mail,) = await outbox_to(app_state(app).db, "sam@example.org")
    await confirm_link(web, links_in(mail.body_text)[0])  # this process confirms: it forgets its copies
    assert ">3</span>" in (await web.get(f"/petitions/{petition.id}/count", headers=hx)).text
    assert ">3</span>" in (await web.get(f"/petitions/{petition.id}")).text
