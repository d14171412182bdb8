"""A resident signs a petition in Welsh, and every later email to them is in Welsh."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from civic.core.db import Database, row_id
from civic.core.users import Role
from civic.petitions.models import Signature
from tests.conftest import PASSWORD
from tests.petitions.conftest import (
    PetitionMaker,
    confirm_link,
    links_in,
    outbox_to,
    sign_form,
    stored_signatures,
)
from tests.support.web import WebClient

WELSH = {"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}


async def test_a_welsh_reader_sees_the_petition_in_welsh_with_welsh_dates(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    page = await web.get(f"/petitions/{petition.id}", headers=WELSH)
    assert page.status_code == 200
    assert '<html lang="cy"' in page.text
    assert "Llofnodi&#39;r ddeiseb hon" in page.text or "Llofnodi'r ddeiseb hon" in page.text
    assert "Sign this petition" not in page.text
    assert "Ar agor tan " in page.text and " am " in page.text  # "Ar agor tan 21 Chwefror 2027 am ..."
    english = await web.get(f"/petitions/{petition.id}", headers={"Accept-Language": "en-GB"})
    assert "Sign this petition" in english.text and '<html lang="en"' in english.text


async def test_a_resident_signs_in_welsh_and_confirms_from_a_welsh_email(
    web: WebClient, another_web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    signed = await web.post_form(
        f"/petitions/{petition.id}/sign", sign_form(email="siân@example.org"), headers=WELSH
    )
    assert signed.status_code == 303
    assert "Gwiriwch eich e-bost" in (await web.get(signed.headers["location"], headers=WELSH)).text
    await another_web.post_form(f"/petitions/{petition.id}/sign", sign_form(email="sam@example.org"))

    (welsh,) = await outbox_to(db, "siân@example.org")
    assert welsh.subject == "Cadarnhewch eich llofnod ar ddeiseb"
    assert "Annwyl Sam Signer," in welsh.body_text and "Cadarnhau" in welsh.body_text
    (english,) = await outbox_to(db, "sam@example.org")
    assert english.subject == "Confirm your signature on a petition"
    assert "lang=" not in english.body_text  # English is the default: its links stay as they were

    link = links_in(welsh.body_text)[0]
    assert link.endswith("&lang=cy")  # opens the Welsh page in any browser
    page = await web.http.get(link, headers={"Accept-Language": "en"})
    assert "Cadarnhewch eich cyfeiriad e-bost" in page.text
    thanks = await confirm_link(web, link)
    assert "Diolch" in (await web.get(thanks.headers["location"])).text  # the cookie remembers Welsh
    languages = {s.email: s.lang for s in await stored_signatures(db, row_id(petition))}
    assert languages == {"siân@example.org": "cy", "sam@example.org": "en"}


async def test_a_debate_recorded_in_english_is_emailed_to_each_signer_in_their_language(
    web: WebClient, db: Database, make_staff: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await make_petition.signatures(petition, 2, notify=True)
    welsh_signer = (await stored_signatures(db, row_id(petition)))[0]
    async with db.transaction() as session:
        welsh_signer.lang = "cy"
        session.add(welsh_signer)
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    outcome = {"scheduled_for": "2026-12-10", "outcome": "Agreed to act."}
    assert (await web.post_form(f"/petitions/{petition.id}/debate", outcome)).status_code == 303

    (cy,) = await outbox_to(db, welsh_signer.email)
    assert cy.subject == "Mae'r cynghorwyr wedi trafod deiseb a lofnodwyd gennych"
    assert "10 Rhagfyr 2026" in cy.body_text and "Agreed to act." in cy.body_text
    others = [s for s in await stored_signatures(db, row_id(petition)) if s.id != welsh_signer.id]
    (en,) = await outbox_to(db, others[0].email)
    assert en.subject == "Councillors have debated a petition you signed"


async def test_the_creator_hears_about_moderation_in_the_language_they_wrote_in(
    web: WebClient, db: Database, areas: None
) -> None:
    values = {
        "action": "Agor y llyfrgell ar ddydd Sul",
        "background": "Mae angen lle tawel i astudio.",
        "additional_details": "",
        "name": "Siân Jones",
        "email": "sian.jones@example.org",
        "postcode": "FB6 1UU",
    }
    created = await web.post_form("/petitions/new", {**values, "stage": "replay"}, headers=WELSH)
    assert created.status_code == 303
    (mail,) = await outbox_to(db, "sian.jones@example.org")
    assert mail.subject == "Cadarnhewch eich e-bost i greu eich deiseb"
    (creator,) = [s for s in await stored_signatures(db, 1) if s.is_creator]
    assert creator.lang == "cy"


async def test_the_answer_to_a_petition_reaches_each_signer_in_the_language_they_signed_in(
    db: Any, make_petition: Any
) -> None:
    from civic.petitions import answers

    petition = await make_petition()
    await make_petition.signatures(petition, 2, ward="E05900001")
    async with db.transaction() as session:
        signers = (await session.exec(select(Signature).where(Signature.petition_id == petition.id))).all()
        for signer in signers:
            signer.notify = True
            session.add(signer)
        signers[0].lang = "cy"
    async with db.reading() as session:
        found = await answers.languages(session, str(petition.id))
        heard = set(await answers.audience(session, str(petition.id)))
    assert heard == {s.email for s in signers}
    assert found[signers[0].email] == "cy" and found[signers[1].email] == "en"
