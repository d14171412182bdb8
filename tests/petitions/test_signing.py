"""Signing and confirming: one per person, never revealing who signed, links that need a button."""

from __future__ import annotations

from datetime import timedelta

from civic.core.areas import OUTSIDE_WARDS
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.petitions.models import SignatureState, State
from tests.petitions.conftest import (
    PetitionMaker,
    confirm_link,
    links_in,
    outbox_count,
    outbox_to,
    reload,
    sign_form,
    stored_signatures,
)
from tests.support.web import WebClient


async def test_a_second_attempt_shows_the_same_page_and_emails_already_signed(
    web: WebClient, another_web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    first = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(email="Jo.Bloggs@Example.org"))
    second = await another_web.post_form(
        f"/petitions/{petition.id}/sign", sign_form(email="jo.bloggs@example.ORG")
    )
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    page_one = await web.get(first.headers["location"])
    page_two = await another_web.get(second.headers["location"])
    assert "Check your email" in page_one.text and page_one.text.count(
        "Check your email"
    ) == page_two.text.count("Check your email")
    assert len(await stored_signatures(db, row_id(petition))) == 1
    mails = await outbox_to(db, "jo.bloggs@example.ORG")
    assert [m.subject for m in mails] == ["You have already signed this petition"]
    assert "/petitions/confirm?token=" in mails[0].body_text  # still pending: the link comes again


async def test_confirming_needs_a_post_and_the_link_works_once(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await web.post_form(f"/petitions/{petition.id}/sign", sign_form())
    (mail,) = await outbox_to(db, "sam@example.org")
    link = links_in(mail.body_text)[0]
    await web.get(link)  # a mail scanner following the link changes nothing
    (pending,) = await stored_signatures(db, row_id(petition))
    assert pending.state == SignatureState.PENDING
    assert (await confirm_link(web, link)).headers["location"].endswith("result=confirmed")
    again = await confirm_link(web, link)
    assert again.headers["location"].endswith("result=already")
    (confirmed,) = await stored_signatures(db, row_id(petition))
    assert confirmed.state == SignatureState.VALIDATED and confirmed.ward_code == "E05900006"


async def test_an_altered_or_expired_link_is_refused_with_a_message(
    web: WebClient, db: Database, clock: FrozenClock, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await web.post_form(f"/petitions/{petition.id}/sign", sign_form())
    (mail,) = await outbox_to(db, "sam@example.org")
    link = links_in(mail.body_text)[0]
    altered = await web.get(link[:-3] + "xyz")
    assert altered.status_code == 400 and "not valid" in altered.text
    clock.advance(timedelta(days=15))
    expired = await web.get(link)
    assert expired.status_code == 400 and "expired" in expired.text


async def test_outside_postcodes_need_the_work_or_study_declaration(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    refused = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(postcode="ZZ1 1AA"))
    assert refused.status_code == 422 and "not in the council" in refused.text
    accepted = await web.post_form(
        f"/petitions/{petition.id}/sign", sign_form(postcode="zz11aa", residency="work_study")
    )
    assert accepted.status_code == 303
    (signature,) = await stored_signatures(db, row_id(petition))
    assert signature.ward_code == OUTSIDE_WARDS and signature.postcode == "ZZ1 1AA"


async def test_bad_input_gets_the_form_back_with_errors(web: WebClient, make_petition: PetitionMaker) -> None:
    petition = await make_petition()
    response = await web.post_form(
        f"/petitions/{petition.id}/sign",
        sign_form(name="=HYPERLINK(1)", email="not-an-email", postcode="nope", residency=""),
    )
    assert response.status_code == 422
    for message in ("must not start with", "correct format", "real postcode", "live, work or study"):
        assert message in response.text
    linked = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(name="Visit www.spam.example"))
    assert linked.status_code == 422 and "web link" in linked.text


async def test_the_honeypot_stores_nothing_but_looks_the_same(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    before = await outbox_count(db)
    bot = await web.post_form(f"/petitions/{petition.id}/sign", {**sign_form(), "website": "http://spam"})
    assert bot.status_code == 303 and bot.headers["location"].endswith("/signed")
    assert await stored_signatures(db, row_id(petition)) == []
    assert await outbox_count(db) == before


async def test_signatures_over_the_rate_limit_are_kept_as_suspect_and_not_counted(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    for n in range(12):
        response = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(email=f"p{n}@example.org"))
        assert response.status_code == 303
    stored = sorted(await stored_signatures(db, row_id(petition)), key=lambda s: row_id(s))
    assert [s.suspect for s in stored] == [False] * 10 + [True] * 2
    for signature in stored:
        (mail,) = await outbox_to(db, signature.email)
        await confirm_link(web, links_in(mail.body_text)[0])
    page = await web.get(f"/petitions/{petition.id}/count", headers={"HX-Request": "true"})
    assert ">10</span>" in page.text


async def test_signatures_can_be_confirmed_for_24_hours_after_closing(
    web: WebClient, db: Database, clock: FrozenClock, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(closes_at=clock.now() + timedelta(hours=1))
    for email in ("early@example.org", "late@example.org"):
        await web.post_form(f"/petitions/{petition.id}/sign", sign_form(email=email))
    clock.advance(timedelta(hours=2))
    closed = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(email="after@example.org"))
    assert closed.status_code == 409
    (early,) = await outbox_to(db, "early@example.org")
    assert (await confirm_link(web, links_in(early.body_text)[0])).headers["location"].endswith("confirmed")
    clock.advance(timedelta(hours=24))
    (late,) = await outbox_to(db, "late@example.org")
    assert (await confirm_link(web, links_in(late.body_text)[0])).headers["location"].endswith("closed")
    assert (await reload(db, row_id(petition))).state == State.OPEN  # the closing job has not run yet


async def test_petitions_that_are_not_open_cannot_be_signed(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    for state, status in (
        (State.MODERATION, 404),
        (State.PENDING, 404),
        (State.CLOSED, 409),
        (State.REJECTED, 409),
    ):
        petition = await make_petition(state)
        response = await web.post_form(f"/petitions/{petition.id}/sign", sign_form())
        assert response.status_code == status, state
    collecting = await make_petition(State.COLLECTING)
    assert (await web.get(f"/petitions/{collecting.id}/sign")).status_code == 404
    assert (await web.get(f"/petitions/{collecting.id}/sign?key={collecting.creator_key}")).status_code == 200
