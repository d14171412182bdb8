"""A response in Welsh as well as English: staff write its Welsh version beside it, each reader sees
their language (or is told the text exists only in English), each asker's email is in theirs, a
council that publishes bilingually cannot publish without it, and open data carries `summary_cy`."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.core.state import app_state
from civic.core.users import Role
from tests.conftest import PASSWORD, StaffFactory
from tests.responses.conftest import Asks, due_in
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("bodies")

ENGLISH = {"summary": "We will fix the lights by March.", "details": "The contractor starts in February."}
WELSH = {
    "summary__cy": "Byddwn yn trwsio'r goleuadau erbyn mis Mawrth.",
    "details__cy": "Mae'r contractwr yn dechrau ym mis Chwefror.",
}
ONLY_ENGLISH = "Mae'r testun hwn ar gael yn Saesneg yn unig."


async def _answer(web: WebClient, target: str, form: dict[str, str]) -> str:
    saved = await web.post_form(f"/responses/write/ask/{target}", form)
    assert saved.status_code == 303, saved.text
    return saved.headers["location"].split("/")[2]


async def _versions_saved(db: Database) -> list[AuditEntry]:
    async with db.reading() as session:
        rows = await session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "responses.versions_saved")
            .order_by(col(AuditEntry.id))
        )
        return list(rows.all())


async def test_staff_add_a_welsh_version_and_each_reader_and_asker_gets_their_language(
    web: WebClient, db: Database, asks: Asks, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    asks.add(
        "7", due_at=due_in(clock, 5), asked_at=clock.now(), askers=["siân@example.org", "sam@example.org"]
    )
    asks.asked_in["siân@example.org"] = "cy"
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    form = await web.get("/responses/write/ask/7")
    assert (
        'name="summary__cy"' in form.text and 'name="details__cy"' in form.text and 'lang="cy"' in form.text
    )

    too_long = await web.post_form("/responses/write/ask/7", {**ENGLISH, **WELSH, "summary__cy": "x" * 201})
    assert too_long.status_code == 422
    assert "The summary's version must be 200 characters or fewer" in html.unescape(too_long.text)
    assert WELSH["details__cy"] in html.unescape(too_long.text)  # what was typed stays

    response_id = await _answer(web, "7", {**ENGLISH, **WELSH})
    preview = html.unescape((await web.get(f"/responses/{response_id}/preview")).text)
    assert WELSH["summary__cy"] in preview
    (saved,) = await _versions_saved(db)
    assert saved.object_id == response_id and saved.reason == "cy"
    assert (await web.post_form(f"/responses/{response_id}/publish")).status_code == 303

    welsh = html.unescape((await web.get(f"/responses/{response_id}?lang=cy")).text)
    assert WELSH["summary__cy"] in welsh and WELSH["details__cy"] in welsh
    assert ENGLISH["summary"] not in welsh and ONLY_ENGLISH not in welsh
    english = html.unescape((await web.get(f"/responses/{response_id}?lang=en")).text)
    assert ENGLISH["summary"] in english and WELSH["summary__cy"] not in english
    listed = html.unescape((await web.get("/responses/?lang=cy")).text)
    assert WELSH["summary__cy"] in listed

    async with db.reading() as session:
        mails = {m.to_address: m.body_text for m in (await session.exec(select(OutboxMessage))).all()}
    assert (
        WELSH["summary__cy"] in mails["siân@example.org"]
        and ENGLISH["summary"] not in mails["siân@example.org"]
    )
    assert (
        ENGLISH["summary"] in mails["sam@example.org"]
        and WELSH["summary__cy"] not in mails["sam@example.org"]
    )

    data = (await web.get("/responses.json")).json()["data"]
    (record,) = [r for r in data if r["id"] == int(response_id)]
    assert (record["summary"], record["summary_cy"], record["details_cy"]) == (
        ENGLISH["summary"],
        WELSH["summary__cy"],
        WELSH["details__cy"],
    )
    header = (await web.get("/responses.csv")).text.splitlines()[0]
    assert header.endswith("summary_cy,details_cy")


async def test_an_edit_needs_its_own_welsh_version_and_a_welsh_reader_is_told_when_there_is_none(
    web: WebClient, db: Database, asks: Asks, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    asks.add("8", due_at=due_in(clock, 5), asked_at=clock.now() - timedelta(days=1), askers=[])
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    response_id = await _answer(web, "8", ENGLISH)
    assert await _versions_saved(db) == []  # empty boxes are no edit
    assert (await web.post_form(f"/responses/{response_id}/publish")).status_code == 303
    page = (await web.get(f"/responses/{response_id}?lang=cy")).text
    assert ONLY_ENGLISH in html.unescape(page)
    assert f'<p class="govuk-body-l" lang="en">{ENGLISH["summary"]}</p>' in page
    assert ONLY_ENGLISH not in html.unescape((await web.get(f"/responses/{response_id}?lang=en")).text)

    changed = {**ENGLISH, "summary": "We will fix the lights by April.", "reason": "The date moved."}
    await _answer(web, "8", {**changed, **WELSH})
    assert (await web.post_form(f"/responses/{response_id}/publish")).status_code == 303
    welsh = html.unescape((await web.get(f"/responses/{response_id}?lang=cy")).text)
    # The new version is shown in Welsh; the first, which had no Welsh version, still says so.
    assert WELSH["summary__cy"] in welsh and ONLY_ENGLISH in welsh and ENGLISH["summary"] in welsh


async def test_a_council_that_publishes_in_every_language_needs_the_welsh_version_first(
    app: Any, web: WebClient, asks: Asks, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    state = app_state(app)
    state.settings = replace(state.settings, publish_in_all_languages=True)
    asks.add("9", due_at=due_in(clock, 5), asked_at=clock.now(), askers=[])
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    response_id = await _answer(web, "9", {**ENGLISH, "summary__cy": WELSH["summary__cy"]})
    refused = await web.post_form(f"/responses/{response_id}/publish")
    assert refused.status_code == 409
    assert "Add the Welsh version of the full response before publishing." in refused.text
    assert "summary before" not in refused.text
    assert (await web.get(f"/responses/{response_id}")).status_code == 404
    await _answer(web, "9", {**ENGLISH, **WELSH})
    assert (await web.post_form(f"/responses/{response_id}/publish")).status_code == 303
    assert (await web.get(f"/responses/{response_id}")).status_code == 200
