"""The staged create form, similar petitions, debates, and anonymisation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.core.users import Role
from civic.petitions.models import State
from tests.conftest import PASSWORD, StaffFactory
from tests.petitions.conftest import PetitionMaker, outbox_to, reload, stored_signatures
from tests.support.web import WebClient

PETITION = {
    "action": "Fix the potholes on Elm Street",
    "background": "They damage bikes.",
    "additional_details": "",
}


async def test_similar_open_petitions_are_shown_before_the_details_page(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    await make_petition(action="Repair potholes in Elm Street now")
    await make_petition(action="Plant trees in the park")
    step = await web.post_form("/petitions/new", {"stage": "petition", **PETITION})
    assert "similar petitions" in step.text
    assert "Repair potholes in Elm Street now" in step.text and "Plant trees" not in step.text
    onward = await web.post_form("/petitions/new", {"stage": "similar", **PETITION})
    assert "Your details" in onward.text


async def test_each_question_page_validates_and_the_check_page_allows_changes(
    web: WebClient, db: Database, areas: None
) -> None:
    too_long = await web.post_form("/petitions/new", {"stage": "petition", **PETITION, "action": "x" * 81})
    assert too_long.status_code == 422 and "80 characters or fewer" in too_long.text
    formula = await web.post_form(
        "/petitions/new", {"stage": "petition", **PETITION, "background": "@SUM(A1)"}
    )
    assert formula.status_code == 422
    details = {**PETITION, "name": "Rosa", "email": "rosa@example.org", "postcode": "FB6 1UU"}
    check = await web.post_form("/petitions/new", {"stage": "creator", **details})
    assert "Check your petition" in check.text
    change = await web.post_form("/petitions/new", {"stage": "replay", "change": "petition", **details})
    assert "What do you want the council to do?" in change.text and 'value="Rosa"' in change.text
    tampered = await web.post_form("/petitions/new", {"stage": "replay", **details, "action": ""})
    assert tampered.status_code == 422
    done = await web.post_form("/petitions/new", {"stage": "replay", **details})
    assert done.status_code == 303
    (mail,) = await outbox_to(db, "rosa@example.org")
    assert mail.subject == "Confirm your email to create your petition"


async def test_a_councillor_records_a_debate_and_opted_in_signers_hear_the_outcome(
    app: Any, web: WebClient, db: Database, make_staff: StaffFactory, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await make_petition.signatures(petition, 3, notify=True)
    await make_petition.signatures(petition, 2, notify=False)
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    bad = await web.post_form(
        f"/petitions/{petition.id}/debate", {"scheduled_for": "soon", "minutes_url": "ftp://x"}
    )
    assert bad.status_code == 422
    scheduled = await web.post_form(f"/petitions/{petition.id}/debate", {"scheduled_for": "2026-12-10"})
    assert scheduled.status_code == 303
    assert "Debate scheduled" in (await web.get(f"/petitions/{petition.id}")).text
    outcome = {
        "scheduled_for": "2026-12-10",
        "outcome": "Agreed to act.",
        "video_url": "https://video.example/1",
    }
    assert (await web.post_form(f"/petitions/{petition.id}/debate", outcome)).status_code == 303
    await web.post_form(f"/petitions/{petition.id}/debate", outcome)  # saved twice: mailed once
    page = (await web.get(f"/petitions/{petition.id}")).text
    assert "Agreed to act." in page and "Watch the debate" in page
    signatures = await stored_signatures(db, row_id(petition))
    mailed = [s for s in signatures if await outbox_to(db, s.email)]
    assert len(mailed) == 3


async def test_signers_are_anonymised_six_months_after_closing(
    app: Any, db: Database, clock: FrozenClock, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(State.CLOSED)
    await make_petition.signatures(petition, 3, ward="E05900001")
    clock.advance(timedelta(days=100))
    await app_state(app).worker.jobs_once(force=True)
    assert all(s.email for s in await stored_signatures(db, row_id(petition)))
    clock.advance(timedelta(days=90))
    await app_state(app).worker.jobs_once(force=True)
    signatures = await stored_signatures(db, row_id(petition))
    assert {(s.name, s.email, s.postcode, s.ip_address) for s in signatures} == {("", "", "", "")}
    assert all(s.ward_code == "E05900001" and s.email_canonical.startswith("anonymised-") for s in signatures)
    closed = await reload(db, row_id(petition))
    assert closed.creator_email == "" and closed.anonymised_at == clock.now()


async def test_the_thanks_page_of_a_petition_not_yet_public_shows_the_outcome_only(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    """A creator confirming their email lands here while the petition still gathers supporters:
    the page answers 200 with the outcome and without the petition, not 404."""
    petition = await make_petition(State.COLLECTING, action="A petition nobody can see yet")
    page = await web.get(f"/petitions/{petition.id}/thanks?result=confirmed")
    assert page.status_code == 200
    assert "Thank you" in page.text and "A petition nobody can see yet" not in page.text
