"""Responses staff pages in another language: the pseudo-locale guard over the queue, writing,
previewing and publishing an answer (and changing it), recording a commitment and posting updates on
it, the commitment's page, the bodies admin page, and their form errors and refusals.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.areas import Ward
from civic.core.db import Database
from civic.core.users import Role
from civic.responses.models import (
    CommentState,
    Commitment,
    CommitmentAnswer,
    Rating,
    Response,
    ResponsibleBody,
    WasItDone,
)
from tests.conftest import PASSWORD, StaffFactory, make_settings
from tests.responses.conftest import Asks
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale", "bodies")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(
        html, (*data, "Test ask", Settings.council_name, Settings.council_short_name)
    )  # its kind
    assert words == [], (where, sorted(set(words)))


async def names(db: Database) -> tuple[str, ...]:
    """Bodies and wards are named by the council: data."""
    async with db.reading() as session:
        bodies = [
            (b.name, b.slug, b.slug.removeprefix("police-"))
            for b in (await session.exec(select(ResponsibleBody))).all()
        ]
        wards = (await session.exec(select(Ward.name))).all()
    return (*(text for body in bodies for text in body), *wards)


def dated(day: Any) -> dict[str, str]:
    return {"due_on-day": str(day.day), "due_on-month": str(day.month), "due_on-year": str(day.year)}


async def test_writing_and_publishing_an_answer_has_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    another_web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    db: Database,
    clock: Any,
) -> None:
    asks.add("7", due_at=clock.now() - timedelta(days=2), asked_at=clock.now(), askers=["ann@example.org"])
    asks.add("8", due_at=None, asked_at=clock.now(), askers=[])
    asks.add("9", due_at=clock.now() + timedelta(days=9), asked_at=clock.now(), askers=[], body="nowhere")
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    await web.get(f"/?lang={PSEUDO}")
    data = (councillor.name, councillor.email, *(await names(db)), "Fix the streetlights", "nowhere",
            *(f"Ask number {n}" for n in (7, 8, 9)))  # fmt: skip
    for path in ("/staff", "/responses/queue", "/responses/queue?body=council&ward=E05900006",
                 "/responses/queue?body=youth-service", "/responses/write/ask/7"):  # fmt: skip
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, path)
    refused = await web.post_form("/responses/write/ask/7", {"summary": "", "details": "1" * 6001})
    assert refused.status_code == 422
    check(refused.text, data, "write with errors")
    saved = await web.post_form("/responses/write/ask/7", {"summary": "Yes.", "details": "Soon."})
    preview = saved.headers["location"]
    async with db.reading() as session:
        written = (await session.exec(select(Response))).one()  # who wrote it is data, as stored
    data = (*data, "Yes.", "Soon.", written.author_name, written.author_role, written.author_wards or "")
    check((await web.get(preview)).text, data, "preview")
    check((await web.get("/responses/queue")).text, data, "queue with a draft")
    await web.post_form(preview.replace("/preview", "/publish"))
    again = await web.post_form("/responses/write/ask/7", {"summary": "Yes, now.", "details": "Sooner."})
    assert again.status_code == 422  # a published answer changes only with a reason
    check(again.text, (*data, "Yes, now.", "Sooner."), "change without a reason")
    await web.post_form(
        "/responses/write/ask/7", {"summary": "Yes, now.", "details": "Sooner.", "reason": "Dates"}
    )
    check((await web.get(preview)).text, (*data, "Yes, now.", "Sooner.", "Dates"), "preview of a change")
    not_set_up = await web.get("/responses/write/ask/9")
    assert not_set_up.status_code == 409
    check(not_set_up.text, data, "a body that is not set up")
    police = await make_staff(Role.POLICE)
    await another_web.login(police.email, PASSWORD)
    await another_web.get(f"/?lang={PSEUDO}")
    not_theirs = await another_web.get("/responses/write/ask/8")
    assert not_theirs.status_code == 403
    check(not_theirs.text, (*data, police.name), "not their body")
    moderator = await make_staff(Role.MODERATOR)
    await another_web.logout()
    await another_web.login(moderator.email, PASSWORD)
    no_answers = await another_web.get("/responses/write/ask/8")
    assert no_answers.status_code == 403
    check(no_answers.text, (*data, moderator.name), "a role that does not answer")


async def test_commitments_and_bodies_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    db: Database,
    clock: Any,
) -> None:
    asks.add("7", due_at=clock.now(), asked_at=clock.now(), askers=["ann@example.org"])
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    await web.get(f"/?lang={PSEUDO}")
    await web.post_form("/responses/write/ask/7", {"summary": "Yes.", "details": "Soon."})
    async with db.reading() as session:
        response = (await session.exec(select(Response))).one()
    await web.post_form(f"/responses/{response.id}/publish")
    data = (admin.name, admin.email, *(await names(db)), "Fix the streetlights", "Ask number 7", "Yes.",
            "Soon.", "Repair the lights", "Ordered the lamps", "Gone", response.author_name,
            response.author_role)  # fmt: skip
    commit = f"/responses/{response.id}/commit"
    check((await web.get(commit)).text, data, "commit")
    today = clock.now().date()
    for form in ({"what": "", "due_on-day": "31", "due_on-month": "2", "due_on-year": "2027"},
                 {"what": "1" * 301, **dated(today - timedelta(days=1))}, {"what": "Repair the lights"}):  # fmt: skip
        refused = await web.post_form(commit, form)
        assert refused.status_code == 422, form
        check(refused.text, data, f"commit {form}")
    await web.post_form(commit, {"what": "Repair the lights", **dated(today + timedelta(days=40))})
    twice = await web.post_form(commit, {"what": "Gone", **dated(today + timedelta(days=40))})
    assert twice.status_code == 409
    check(twice.text, data, "commit twice")
    update = f"/responses/{response.id}/commitment"
    check((await web.get(update)).text, data, "update")
    for form in (
        {"state": "", "note": ""},
        {"state": "open", "note": ""},
        {"state": "open", "note": "1" * 1001},
    ):
        refused = await web.post_form(update, form)
        assert refused.status_code == 422, form
        check(refused.text, data, f"update {form}")
    async with db.reading() as session:
        item = (await session.exec(select(Commitment))).one()
    page = f"/responses/commitments/commitment/{item.id}"
    check((await web.get(page)).text, data, "the commitment's page")
    await web.post_form(update, {"state": "open", "note": "Ordered the lamps"})
    check((await web.get(page)).text, data, "the commitment's page with an update")
    await web.post_form(update, {"state": "done", "note": "Gone"})
    check((await web.get(page)).text, data, "the commitment's page, done")
    closed = await web.post_form(update, {"state": "open", "note": "Ordered the lamps"})
    assert closed.status_code == 409
    check(closed.text, data, "update a closed commitment")
    body = {"name": "Parks Team", "slug": "parks", "kind": "department", "description": "Parks and gardens"}
    for path in ("/responses/bodies", "/responses/bodies?added=1"):
        check((await web.get(path)).text, data, path)
    for form in ({"name": "", "slug": "Not A Slug!", "kind": "moon", "description": "1" * 501},
                 {**body, "slug": "council"}):  # fmt: skip
        refused = await web.post_form("/responses/bodies", form)
        assert refused.status_code == 422, form
        check(
            refused.text, (*data, "Parks Team", "Parks and gardens", "Not A Slug!", "moon"), f"bodies {form}"
        )
    await web.post_form("/responses/bodies", body)
    check((await web.get("/responses/bodies")).text, (*data, "Parks Team", "parks"), "bodies with a new one")


async def test_comment_moderation_and_linking_steps_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    another_web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    db: Database,
    clock: Any,
) -> None:
    asks.add("7", due_at=clock.now(), asked_at=clock.now(), askers=[])
    councillor = await make_staff(Role.COUNCILLOR)
    await another_web.login(councillor.email, PASSWORD)
    await another_web.get(f"/?lang={PSEUDO}")
    await another_web.post_form("/responses/write/ask/7", {"summary": "Yes.", "details": "Soon."})
    async with db.reading() as session:
        response = (await session.exec(select(Response))).one()
    await another_web.post_form(f"/responses/{response.id}/publish")
    await another_web.post_form(
        f"/responses/{response.id}/commit",
        {"what": "Repair the lights", **dated(clock.now().date() + timedelta(days=9))},
    )
    async with db.transaction() as session:
        item = (await session.exec(select(Commitment))).one()
        session.add(
            Rating(
                response_id=response.id or 0,
                version=1,
                rater_hash="a" * 64,
                score=2,
                comment="Too slow",
                comment_state=CommentState.PENDING,
                created_at=clock.now(),
            )
        )
        for n, ref in enumerate((str(item.id), "999")):
            session.add(CommitmentAnswer(commitment_kind="commitment", commitment_ref=ref, rater_hash=f"{n}" * 64,
                                         answer=WasItDone.PARTLY, comment="Half of them",
                                         comment_state=CommentState.PENDING, created_at=clock.now()))  # fmt: skip
    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    await web.get(f"/?lang={PSEUDO}")
    data = (moderator.name, councillor.name, *(await names(db)), "Ask number 7", "Repair the lights", "Too slow",
            "Half of them")  # fmt: skip
    check((await web.get("/responses/comments")).text, data, "comments to moderate")
    refused = await web.post_form("/responses/comments/1", {"decision": "maybe"})
    assert refused.status_code == 400
    check(refused.text, data, "neither approve nor reject")
    await web.post_form("/responses/comments/1", {"decision": "approve"})
    for answer in (1, 2):
        await web.post_form(f"/responses/comments/done/{answer}", {"decision": "reject"})
    check((await web.get("/responses/comments")).text, data, "no comments waiting")
    check((await another_web.get("/responses/links")).text, data, "link steps")
    check((await another_web.get("/responses/links?saved=1")).text, data, "steps linked")
    for form in ({"from_kind": "", "from_ref": "", "to_kind": "ask", "to_ref": ""},
                 {"from_kind": "ask", "from_ref": "404", "to_kind": "ask", "to_ref": "7"},
                 {"from_kind": "ask", "from_ref": "7", "to_kind": "ask", "to_ref": "7"}):  # fmt: skip
        refused = await another_web.post_form("/responses/links", form)
        assert refused.status_code == 422, form
        check(refused.text, (*data, "404", "test ask"), f"link {form}")
