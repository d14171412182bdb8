"""Moderation: reasons (some hidden), one moderator at a time, overdue marks, resubmission once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.users import Role
from civic.petitions.models import State
from tests.conftest import PASSWORD, StaffFactory
from tests.petitions.conftest import PetitionMaker, links_in, outbox_to, reload
from tests.support.web import WebClient


async def moderator_web(web: WebClient, make_staff: StaffFactory, **extra: Any) -> WebClient:
    moderator = await make_staff(Role.MODERATOR, **extra)
    await web.login(moderator.email, PASSWORD)
    return web


async def test_a_published_rejection_shows_its_reason_and_the_creator_may_resubmit_once(
    web: WebClient,
    another_web: WebClient,
    db: Database,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
) -> None:
    petition = await make_petition(State.MODERATION)
    await moderator_web(web, make_staff)
    missing = await web.post_form(f"/petitions/{petition.id}/moderate", {"decision": "reject"})
    assert missing.status_code == 422 and "Choose a reason" in missing.text
    form = {"decision": "reject", "reason_code": "duplicate", "details": "See the crossing petition."}
    assert (await web.post_form(f"/petitions/{petition.id}/moderate", form)).status_code == 303
    public = await another_web.get(f"/petitions/{petition.id}")
    assert public.status_code == 200 and "See the crossing petition." in public.text
    (mail,) = await outbox_to(db, petition.creator_email)
    assert mail.subject == "Your petition was not accepted"
    resubmit = next(link for link in links_in(mail.body_text) if "/resubmit" in link)
    page = await another_web.get(resubmit)
    assert page.status_code == 200
    token = resubmit.split("token=")[1]
    edited = {
        "token": token,
        "action": "Build a different crossing",
        "background": "Elsewhere.",
        "additional_details": "",
    }
    assert (await another_web.post_form(f"/petitions/{petition.id}/resubmit", edited)).status_code == 303
    again = await reload(db, row_id(petition))
    assert again.state == State.MODERATION and again.action == "Build a different crossing"
    # A second rejection is final: no resubmit link, and the old link no longer works.
    await web.get(f"/petitions/{petition.id}/moderate")
    assert (await web.post_form(f"/petitions/{petition.id}/moderate", form)).status_code == 303
    final = (await outbox_to(db, petition.creator_email))[-1]
    assert "/resubmit" not in final.body_text
    assert (await another_web.post_form(f"/petitions/{petition.id}/resubmit", edited)).status_code == 409


async def test_a_hidden_rejection_publishes_nothing(
    web: WebClient,
    another_web: WebClient,
    db: Database,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
) -> None:
    petition = await make_petition(State.MODERATION)
    await moderator_web(web, make_staff)
    form = {"decision": "reject", "reason_code": "libellous", "details": "Names a neighbour."}
    assert (await web.post_form(f"/petitions/{petition.id}/moderate", form)).status_code == 303
    assert (await reload(db, row_id(petition))).state == State.HIDDEN
    assert (await another_web.get(f"/petitions/{petition.id}")).status_code == 404
    listed = await another_web.get("/petitions.json?state=rejected")
    assert listed.json()["petitions"] == []
    (mail,) = await outbox_to(db, petition.creator_email)
    assert "/resubmit" not in mail.body_text


async def test_one_moderator_at_a_time(
    web: WebClient,
    another_web: WebClient,
    db: Database,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
) -> None:
    petition = await make_petition(State.MODERATION)
    await moderator_web(web, make_staff, name="Morgan")
    await moderator_web(another_web, make_staff, name="Mo")
    assert "Save decision" in (await web.get(f"/petitions/{petition.id}/moderate")).text
    blocked = await another_web.get(f"/petitions/{petition.id}/moderate")
    assert "Morgan is moderating this petition" in blocked.text and "Save decision" not in blocked.text
    refused = await another_web.post_form(f"/petitions/{petition.id}/moderate", {"decision": "approve"})
    assert refused.status_code == 403
    flagged = await web.post_form(f"/petitions/{petition.id}/moderate", {"decision": "flag", "details": "?"})
    assert flagged.status_code == 303  # flagging releases the petition for a second opinion
    assert (
        await another_web.post_form(f"/petitions/{petition.id}/moderate", {"decision": "approve"})
    ).status_code == 303
    assert (await reload(db, row_id(petition))).state == State.OPEN


async def test_the_queue_marks_overdue_and_flagged_petitions(
    web: WebClient, clock: FrozenClock, make_staff: StaffFactory, make_petition: PetitionMaker
) -> None:
    await make_petition(State.MODERATION, action="Old one")
    clock.advance(timedelta(days=8))
    await make_petition(State.MODERATION, action="New one", flagged=True)
    await moderator_web(web, make_staff)
    page = (await web.get("/petitions/moderation")).text
    assert page.index("Old one") < page.index("Overdue") < page.index("New one") < page.index("Flagged")
    assert page.count("Overdue") == 1


async def test_residents_and_councillors_cannot_see_the_queue(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory
) -> None:
    assert (await web.get("/petitions/moderation")).status_code == 303  # to the login page
    councillor = await make_staff(Role.COUNCILLOR)
    await another_web.login(councillor.email, PASSWORD)
    assert (await another_web.get("/petitions/moderation")).status_code == 403
