"""Residents' side of responses in another language: the pseudo-locale guard over the pages a resident
reaches from a page or an email (follow, confirm, a response, rate, unsubscribe) and their emails; and
a follower who followed in Welsh hears in Welsh while the ask's own audience hears in the council's
default language, whatever language the councillor who publishes uses.
"""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import col, select

from civic.config import Settings
from civic.core.areas import Ward
from civic.core.db import Database
from civic.core.identity import email_hash
from civic.core.outbox import OutboxMessage
from civic.core.state import app_state
from civic.core.users import Role
from civic.responses import notify, notify_checkback, service_checkback, service_commitments
from civic.responses.models import (
    Commitment,
    CommitmentState,
    Follower,
    Response,
    ResponsibleBody,
    WasItDone,
)
from civic.responses.queries_commitments import all_commitments, page_path
from tests.conftest import PASSWORD, SECRET, StaffFactory, make_settings
from tests.responses.conftest import Asks
from tests.support.catalogues import PSEUDO, pseudo
from tests.support.pseudo_pages import english_words, page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def publish(web: WebClient, make_staff: StaffFactory, target_id: str) -> int:
    clerk = await make_staff(Role.COUNCILLOR)
    await web.login(clerk.email, PASSWORD)
    saved = await web.post_form(f"/responses/write/ask/{target_id}", {"summary": "Yes.", "details": "Soon."})
    response_id = int(saved.headers["location"].split("/")[2])
    await web.post_form(f"/responses/{response_id}/publish")
    await web.logout()
    return response_id


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, data)
    assert words == [], (where, sorted(set(words)))


async def test_the_residents_pages_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    bodies: None,
    web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    settings: Settings,
    clock: Any,
    db: Database,
) -> None:
    asks.add("7", due_at=clock.now(), asked_at=clock.now(), askers=["ann@example.org"])
    response_id = await publish(web, make_staff, "7")
    await web.get(f"/?lang={PSEUDO}")
    rater = email_hash(SECRET, "ann@example.org")
    rate = notify.rate_link(settings, response_id, rater, clock.now()).removeprefix(settings.base_url)
    unsubscribe = notify.unsubscribe_link(settings, rater, "ask:7", clock.now()).removeprefix(
        settings.base_url
    )
    follow_confirm = f"/responses/follow/confirm/{notify.follow_token(settings, 1, clock.now())}"
    async with db.reading() as session:
        written = (await session.exec(select(Response))).one()  # who wrote it is data, as stored
    data = (settings.council_name, "Ask number 7", "Test ask", "Yes.", "Soon.", "nope", written.author_name,
            written.author_role, written.author_wards or "")  # fmt: skip
    for path in ("/responses/follow/ask/7", follow_confirm, "/responses/follow/confirmed",
                 f"/responses/{response_id}", rate, unsubscribe, "/responses/follow/confirm/bad"):  # fmt: skip
        response = await web.get(path)
        assert response.status_code in {200, 400}, path
        check(response.text, data, path)
    for path, form in (("/responses/follow/ask/7", {"email": "nope"}), (rate, {"score": "9"})):
        refused = await web.post_form(path, form)
        assert refused.status_code == 422, path
        check(refused.text, data, f"{path} errors")
    done = await web.post_form("/responses/follow/ask/7", {"email": "bo@example.org"})
    check(done.text, data, "follow sent")
    rated = await web.post_form(rate, {"score": "4"})
    check(rated.text, data, "rated")
    check((await web.get(rate)).text, data, "already rated")
    unsubscribed = await web.post_form(unsubscribe, {"everything": "yes"})
    check(unsubscribed.text, data, "unsubscribed")


async def test_the_residents_emails_have_no_untranslated_english(app: Any, settings: Settings) -> None:
    target = SimpleNamespace(title="Ask number 7")
    response = SimpleNamespace(id=3, target_title="Ask number 7", author_name="Cllr Jo", author_role="Leader")
    contexts = {
        "response_follow_confirm": {"target": target, "link": "https://x.invalid/c"},
        "response_published": {"response": response, "version": SimpleNamespace(summary="Yes."),
                               "rate_url": "https://x.invalid/r", "unsubscribe_url": "https://x.invalid/u"},
    }  # fmt: skip
    data = ("Ask number 7", "Cllr Jo", "Leader", "Yes.", settings.council_name)
    for template, context in contexts.items():
        subject, body, _ = app_state(app).mail.render(template, context, lang=PSEUDO)
        assert english_words(f"{subject}\n{body}", data=data) == [], template
    # The answer has no version in the reader's language: the email says it is only in English.
    only_english = {
        **contexts["response_published"],
        "version": SimpleNamespace(summary="Yes.", only_in="en"),
    }
    subject, body, _ = app_state(app).mail.render("response_published", only_english, lang=PSEUDO)
    assert "Yes." in body and english_words(f"{subject}\n{body}", data=data) == []
    assert pseudo("This text is only available in English.") in body


async def test_followers_and_askers_hear_in_the_language_they_asked_in_else_the_default(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    bodies: None,
    web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    db: Database,
    clock: Any,
) -> None:
    asks.add("8", due_at=None, asked_at=clock.now(), askers=["ann@example.org", "cai@example.org"])
    asks.asked_in["cai@example.org"] = "cy"  # the feature says Cai asked in Welsh
    await web.get("/?lang=cy")
    sent = await web.post_form("/responses/follow/ask/8", {"email": "gwyn@example.org"})
    assert sent.status_code == 200 and "Gwiriwch eich e-bost" in sent.text
    async with db.reading() as session:
        follower = (await session.exec(select(Follower))).one()
        [confirm] = (await session.exec(select(OutboxMessage))).all()
    assert follower.lang == "cy"
    assert confirm.subject.startswith("Cadarnhewch ddiweddariadau am:")
    link = re.search(r"http://testserver(/responses/follow/confirm/\S+)", confirm.body_text)
    assert link is not None and link.group(1).endswith("?lang=cy")
    await web.post_form(link.group(1))
    await publish(web, make_staff, "8")  # the councillor's browser still says Cymraeg
    async with db.reading() as session:
        rows = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))).all()
    published = {m.to_address: m for m in rows if m.subject.startswith(("Answer", "Ateb"))}
    assert published["gwyn@example.org"].subject == "Ateb wedi'i gyhoeddi: Ask number 8"
    assert "lang=cy" in published["gwyn@example.org"].body_text  # the rate and unsubscribe links too
    assert published["ann@example.org"].subject == "Answer published: Ask number 8"
    assert published["cai@example.org"].subject == "Ateb wedi'i gyhoeddi: Ask number 8"
    assert "lang=" not in published["ann@example.org"].body_text


async def test_the_public_answers_pages_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    bodies: None,
    areas: None,
    web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    settings: Settings,
    clock: Any,
    db: Database,
) -> None:
    """The list of answers, overdue answers, report cards (a body's and a ward's), commitments, the open
    data hub's page, the accessibility statement and the public record of actions."""
    asks.add(
        "9", due_at=clock.now() - timedelta(days=3), asked_at=clock.now() - timedelta(days=30), askers=[]
    )
    asks.add(
        "10", due_at=clock.now() - timedelta(days=1), asked_at=clock.now() - timedelta(days=20), askers=[]
    )
    await publish(web, make_staff, "10")
    async with db.reading() as session:
        names = [b.name for b in (await session.exec(select(ResponsibleBody))).all()]
        names += [w.name for w in (await session.exec(select(Ward))).all()]
        answer = (await session.exec(select(Response))).one()
    data = (
        settings.council_name,
        settings.council_short_name,
        "Ask number 9",
        "Ask number 10",
        "Test ask",
        "Yes.",
        answer.author_name,
        answer.author_role,
        answer.author_wards or "",
        *names,
        "responses.publish",
        "response",
    )  # fmt: skip - the record of actions names them by their codes, which are data
    await web.get(f"/?lang={PSEUDO}")
    paths = ["/responses/", "/responses/?kind=ask", "/responses/overdue", "/responses/report-cards",
             "/responses/bodies/council", "/responses/wards/E05900006", "/responses/bodies/council/commitments",
             "/responses/wards/E05900006/commitments", "/accessibility", "/audit"]  # fmt: skip
    for path in paths:
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, path)


async def test_was_it_done_pages_and_email_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    app: Any,
    bodies: None,
    web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    settings: Settings,
    clock: Any,
    db: Database,
) -> None:
    """The emailed link's form, its errors and thanks, the commitment's page and the answer's page with
    the tally (too few answers, then a disputed "done"), and the email that asks."""
    asks.add("11", due_at=clock.now(), asked_at=clock.now(), askers=[])
    response_id = await publish(web, make_staff, "11")
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        response = await session.get(Response, response_id)
        assert response is not None
        item = await service_commitments.commit(
            session, response, what="Mend the lights", due_on=clock.now().date() + timedelta(days=5),
            ward_codes=(), actor=admin, now=clock.now(),
        )  # fmt: skip
        [info] = [c for c in await all_commitments(session) if c.ref == str(item.id)]
        written = (await session.exec(select(Response))).one()
    data = (settings.council_name, "Ask number 11", "Test ask", "Yes.", "Soon.", "Mend the lights",
            "It is half done", written.author_name, written.author_role, written.author_wards or "",
            *[b.name for b in await bodies_of(db)])  # fmt: skip
    await web.get(f"/?lang={PSEUDO}")
    link = notify_checkback.check_link(settings, info, "r1", clock.now()).removeprefix(settings.base_url)
    page = page_path(info.kind, info.ref)
    check((await web.get(link)).text, data, "was it done")
    refused = await web.post_form(link, {"answer": "maybe", "comment": "x" * 3000})
    assert refused.status_code == 422
    check(refused.text, (*data, "x" * 3000), "was it done errors")
    check((await web.post_form(link, {"answer": "partly", "comment": "It is half done"})).text, data, "sent")
    check((await web.post_form(link, {"answer": "done"})).text, data, "already sent")
    check((await web.get(link)).text, data, "already answered")
    check((await web.get(page)).text, data, "commitment, few answers")
    async with db.transaction() as session:
        fresh = await session.get(Commitment, item.id)
        assert fresh is not None
        await service_commitments.post_update(
            session, fresh, state=CommitmentState.DONE, note="Done", actor=admin, now=clock.now()
        )
        for n in range(5):
            await service_checkback.answer(
                session, (info.kind, info.ref), rater=f"n{n}", was_it_done=WasItDone.NOT_DONE,
                comment="", now=clock.now(),
            )  # fmt: skip
    for path in (page, f"/responses/{response_id}"):
        shown = await web.get(path)
        assert "</table>" in shown.text, path
        check(
            shown.text, (*data, "Done", admin.name), f"{path} disputed"
        )  # the update and its author are data
    subject, body, _ = app_state(app).mail.render(
        "response_was_it_done",
        {"commitment": info, "ask_title": "Ask number 11", "page_url": "https://x.invalid/p",
         "answer_url": "https://x.invalid/a", "unsubscribe_url": "https://x.invalid/u"},
        lang=PSEUDO,
    )  # fmt: skip
    assert (
        english_words(f"{subject}\n{body}", data=("Ask number 11", "Mend the lights", settings.council_name))
        == []
    )


async def bodies_of(db: Database) -> list[ResponsibleBody]:
    async with db.reading() as session:
        return list((await session.exec(select(ResponsibleBody))).all())


async def test_each_person_who_asked_is_asked_was_it_done_in_their_language(
    app: Any, bodies: None, web: WebClient, asks: Asks, make_staff: StaffFactory, settings: Settings,
    clock: Any, db: Database,
) -> None:  # fmt: skip
    asks.add("12", due_at=clock.now(), asked_at=clock.now(), askers=["ann@example.org", "cai@example.org"])
    asks.asked_in["cai@example.org"] = "cy"
    response_id = await publish(web, make_staff, "12")
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        response = await session.get(Response, response_id)
        assert response is not None
        item = await service_commitments.commit(
            session, response, what="Mend the lights", due_on=clock.now().date(), ward_codes=(),
            actor=admin, now=clock.now(),
        )  # fmt: skip
        [info] = [c for c in await all_commitments(session) if c.ref == str(item.id)]
        queued = await notify_checkback.ask_was_it_done(
            session, info, mail=app_state(app).mail, settings=settings, now=clock.now()
        )
    assert queued == 2
    async with db.reading() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    asked = {m.to_address: m for m in rows if m.subject.endswith("Mend the lights")}
    assert asked["cai@example.org"].subject == "A gafodd ei wneud? Mend the lights"
    assert "?lang=cy" in asked["cai@example.org"].body_text
    assert asked["ann@example.org"].subject == "Was it done? Mend the lights"
    assert "lang=" not in asked["ann@example.org"].body_text
