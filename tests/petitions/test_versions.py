"""A petition in more than one language: a moderator writes its Welsh version, a Welsh reader sees it
(and an English reader the original), a text with no version says it exists only in its own language,
a council that publishes in every language cannot open a petition without them, and open data carries
the Welsh text beside the original."""

from __future__ import annotations

import csv
import io

import pytest
from sqlmodel import col, select

from civic.config import Settings
from civic.core.audit import AuditEntry
from civic.core.db import Database, row_id
from civic.core.users import Role
from civic.petitions.models import State
from tests.conftest import PASSWORD, StaffFactory, make_settings
from tests.petitions.conftest import PetitionMaker, outbox_to, reload, sign_form, stored_signatures
from tests.support.web import WebClient

WELSH = {"action__cy": "Trwsio goleuadau'r stryd", "background__cy": "Mae Heol y Felin yn dywyll."}


async def as_moderator(web: WebClient, make_staff: StaffFactory) -> None:
    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)


async def test_a_welsh_reader_sees_the_welsh_version_and_an_english_reader_the_original(
    web: WebClient,
    another_web: WebClient,
    db: Database,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
) -> None:
    petition = await make_petition(State.OPEN)
    before = await another_web.get(f"/petitions/{petition.id}?lang=cy")
    assert "Mae&#39;r testun hwn ar gael yn Saesneg yn unig." in before.text
    assert f'<h1 class="govuk-heading-xl" lang="en">{petition.action}</h1>' in before.text

    await as_moderator(web, make_staff)
    form = await web.get(f"/petitions/{petition.id}/versions")
    assert form.status_code == 200 and 'name="action__cy"' in form.text and 'lang="cy"' in form.text
    saved = await web.post_form(f"/petitions/{petition.id}/versions", WELSH)
    assert saved.status_code == 303
    assert (
        "Trwsio goleuadau&#39;r stryd" in (await web.get(saved.headers["location"])).text
    )  # kept in the boxes

    welsh = await another_web.get(f"/petitions/{petition.id}?lang=cy")
    assert '<h1 class="govuk-heading-xl">Trwsio goleuadau&#39;r stryd</h1>' in welsh.text
    assert "Mae Heol y Felin yn dywyll." in welsh.text and "ar gael yn Saesneg yn unig" not in welsh.text
    assert "Trwsio goleuadau&#39;r stryd" in (await another_web.get("/petitions?lang=cy")).text
    english = await another_web.get(f"/petitions/{petition.id}?lang=en")
    assert petition.action in english.text and "Trwsio" not in english.text
    assert "only available" not in english.text
    sign = await another_web.get(f"/petitions/{petition.id}/sign?lang=cy")
    assert "Trwsio goleuadau&#39;r stryd" in sign.text

    async with db.reading() as session:
        audits = (
            await session.exec(select(AuditEntry).where(col(AuditEntry.action) == "petitions.versions_saved"))
        ).all()
    assert [(a.object_id, a.reason) for a in audits] == [(str(petition.id), "text in cy")]
    # Saving the same text again changes nothing and is not audited again.
    await web.post_form(f"/petitions/{petition.id}/versions", WELSH)
    async with db.reading() as session:
        again = (
            await session.exec(select(AuditEntry).where(col(AuditEntry.action) == "petitions.versions_saved"))
        ).all()
    assert len(again) == 1


async def test_versions_longer_than_the_petition_allows_are_refused_with_the_text_kept(
    web: WebClient, make_staff: StaffFactory, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.OPEN)
    await as_moderator(web, make_staff)
    refused = await web.post_form(
        f"/petitions/{petition.id}/versions", {"action__cy": "x" * 81, "background__cy": "Iawn"}
    )
    assert refused.status_code == 422 and "80 characters or fewer" in refused.text
    assert "Iawn" in refused.text and 'href="#action__cy"' in refused.text


async def test_only_moderators_write_versions(
    web: WebClient, make_staff: StaffFactory, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.OPEN)
    assert (await web.get(f"/petitions/{petition.id}/versions", follow_redirects=False)).status_code in {
        302,
        303,
        401,
    }
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    assert (await web.post_form(f"/petitions/{petition.id}/versions", WELSH)).status_code == 403


class TestPublishingInEveryLanguage:
    @pytest.fixture
    def settings(self, database_url: str) -> Settings:
        return make_settings(database_url, publish_in_all_languages=True)

    async def test_a_petition_opens_only_once_its_text_is_in_every_language(
        self, web: WebClient, db: Database, make_staff: StaffFactory, make_petition: PetitionMaker
    ) -> None:
        petition = await make_petition(State.MODERATION)
        await as_moderator(web, make_staff)
        refused = await web.post_form(f"/petitions/{petition.id}/moderate", {"decision": "approve"})
        assert refused.status_code == 422 and "Missing: Welsh version" in refused.text
        assert (await reload(db, petition.id or 0)).state == State.MODERATION
        await web.post_form(f"/petitions/{petition.id}/versions", WELSH)
        assert (
            await web.post_form(f"/petitions/{petition.id}/moderate", {"decision": "approve"})
        ).status_code == 303
        assert (await reload(db, petition.id or 0)).state == State.OPEN


async def test_open_data_gives_the_language_written_in_and_the_welsh_text(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.OPEN)
    welsh_first = await make_petition(State.OPEN, action="Cadw'r llyfrgell ar agor", lang="cy")
    await as_moderator(web, make_staff)
    await web.post_form(f"/petitions/{petition.id}/versions", WELSH)
    rows = {row["id"]: row for row in (await another_web.get("/petitions.json")).json()["petitions"]}
    assert rows[petition.id]["lang"] == "en" and rows[petition.id]["action_cy"] == WELSH["action__cy"]
    assert rows[petition.id]["additional_details_cy"] is None
    assert (
        rows[welsh_first.id]["lang"] == "cy"
        and rows[welsh_first.id]["action_cy"] == "Cadw'r llyfrgell ar agor"
    )
    table = list(csv.DictReader(io.StringIO((await another_web.get("/petitions.csv")).text)))
    by_id = {int(row["id"]): row for row in table}
    assert (
        by_id[petition.id or 0]["action_cy"] == WELSH["action__cy"]
        and by_id[petition.id or 0]["lang"] == "en"
    )


WELSH_READER = {"Accept-Language": "cy-GB,cy;q=0.9"}


async def test_a_welsh_signer_is_emailed_the_welsh_text_and_an_english_signer_the_original(
    web: WebClient,
    another_web: WebClient,
    db: Database,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
) -> None:
    petition = await make_petition(State.OPEN)
    await as_moderator(web, make_staff)
    await web.post_form(f"/petitions/{petition.id}/versions", WELSH)
    await web.logout()
    await another_web.post_form(
        f"/petitions/{petition.id}/sign", sign_form(email="sian@example.org"), headers=WELSH_READER
    )
    await another_web.post_form(
        f"/petitions/{petition.id}/sign",
        sign_form(email="sam@example.org"),
        headers={"Accept-Language": "en"},
    )
    (welsh,) = await outbox_to(db, "sian@example.org")
    assert "Trwsio goleuadau'r stryd" in welsh.body_text and petition.action not in welsh.body_text
    (english,) = await outbox_to(db, "sam@example.org")
    assert petition.action in english.body_text and "Trwsio" not in english.body_text


async def test_a_debate_email_gives_each_signer_the_petition_in_their_language(
    web: WebClient, db: Database, make_staff: StaffFactory, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.OPEN)
    await make_petition.signatures(petition, 2, notify=True)
    welsh_signer, english_signer = await stored_signatures(db, row_id(petition))
    async with db.transaction() as session:
        welsh_signer.lang = "cy"
        session.add(welsh_signer)
    await as_moderator(web, make_staff)
    await web.post_form(f"/petitions/{petition.id}/versions", WELSH)
    await web.logout()
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    outcome = {"scheduled_for": "2026-12-10", "outcome": "Agreed to act."}
    assert (await web.post_form(f"/petitions/{petition.id}/debate", outcome)).status_code == 303
    (cy,) = await outbox_to(db, welsh_signer.email)
    assert "Trwsio goleuadau'r stryd" in cy.body_text
    (en,) = await outbox_to(db, english_signer.email)
    assert petition.action in en.body_text and "Trwsio" not in en.body_text
