"""Persona journeys over HTTP, with mail delivered to a real SMTP server on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from civic.core.state import app_state
from civic.core.users import Role
from civic.petitions.models import State
from tests.conftest import PASSWORD, StaffFactory
from tests.petitions.conftest import client_for, confirm_link, links_in, reload, sign_form
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("council_body")

PETITION = {
    "action": "Build a zebra crossing on Mill Road",
    "background": "Children cross Mill Road on the way to school and cars do not stop.",
    "additional_details": "Near the bakery.",
}


async def deliver(app: Any) -> None:
    while await app_state(app).worker.pass_once():
        pass


async def only_link(smtp: SmtpServer, address: str, index: int = -1, contains: str = "") -> str:
    messages = smtp.to(address)
    assert messages, f"no mail to {address}"
    found = [link for link in links_in(body_of(messages[index])) if contains in link]
    assert found, body_of(messages[index])
    return found[0]


async def create_through_the_form(web: WebClient, name: str, email: str) -> None:
    step = await web.post_form("/petitions/new", {"stage": "petition", **PETITION})
    assert step.status_code == 200 and "Your details" in step.text
    details = {**PETITION, "name": name, "email": email, "postcode": "FB6 1UU"}
    check = await web.post_form("/petitions/new", {"stage": "creator", **details})
    assert "Check your petition" in check.text and "Mill Road" in check.text, check.text[
        check.text.find("govuk-error-summary") :
    ][:1500]
    done = await web.post_form("/petitions/new", {"stage": "replay", **details})
    assert done.status_code == 303 and done.headers["location"] == "/petitions/new/check-email"


async def test_rosa_creates_gathers_five_supporters_is_approved_sam_signs_and_a_councillor_responds(
    mail_app: Any, mail_web: WebClient, smtp: SmtpServer, make_staff: StaffFactory
) -> None:
    web = mail_web
    await create_through_the_form(web, "Rosa Resident", "rosa@example.org")
    await deliver(mail_app)
    confirmed = await confirm_link(web, await only_link(smtp, "rosa@example.org"))
    assert confirmed.status_code == 303
    await deliver(mail_app)
    share = await only_link(smtp, "rosa@example.org", contains="/sign?key=")
    petition_id = int(share.split("/")[2])
    assert (await reload(app_state(mail_app).db, petition_id)).state == State.COLLECTING

    # Five friends support it through the private link, each confirming from their email.
    for n in range(5):
        async with client_for(mail_app, f"198.51.100.{n + 20}") as http:
            friend = WebClient(http, web.secret)
            form = await friend.get(share)
            assert form.status_code == 200
            key = share.split("key=")[1]
            sent = await friend.post_form(
                f"/petitions/{petition_id}/sign", {**sign_form(email=f"friend{n}@example.org"), "key": key}
            )
            assert sent.status_code == 303
            await deliver(mail_app)
            assert (
                await confirm_link(friend, await only_link(smtp, f"friend{n}@example.org"))
            ).status_code == 303
    assert (await reload(app_state(mail_app).db, petition_id)).state == State.MODERATION
    await deliver(mail_app)
    assert smtp.to("rosa@example.org")[-1]["Subject"] == "Your petition is waiting for a moderator"

    # Morgan the moderator approves it; Rosa hears about it.
    morgan = await make_staff(Role.MODERATOR, email="morgan@council.example")
    await web.login(morgan.email, PASSWORD)
    assert (await web.get(f"/petitions/{petition_id}/moderate")).status_code == 200
    approved = await web.post_form(f"/petitions/{petition_id}/moderate", {"decision": "approve"})
    assert approved.status_code == 303
    await web.logout()
    await deliver(mail_app)
    assert smtp.to("rosa@example.org")[-1]["Subject"] == "Your petition is open for signatures"

    # Sam signs the open petition, confirms from the email and sees the count rise.
    async with client_for(mail_app, "192.0.2.77") as http:
        sam = WebClient(http, web.secret)
        before = await sam.get(f"/petitions/{petition_id}/count", headers={"HX-Request": "true"})
        assert ">6</span>" in before.text
        assert (await sam.post_form(f"/petitions/{petition_id}/sign", sign_form())).status_code == 303
        await deliver(mail_app)
        assert (await confirm_link(sam, await only_link(smtp, "sam@example.org"))).status_code == 303
        after = await sam.get(f"/petitions/{petition_id}/count", headers={"HX-Request": "true"})
        assert ">7</span>" in after.text
        assert "max-age" in after.headers["cache-control"]

    # Chris the councillor drafts then publishes a response; every opted-in signer gets one email.
    chris = await make_staff(Role.COUNCILLOR, email="chris@council.example")
    await web.login(chris.email, PASSWORD)
    response = {"summary": "We will build the crossing in spring.", "details": "Funding is agreed."}
    legacy = await web.get(f"/petitions/{petition_id}/response")  # old link: the shared responses pages
    assert legacy.headers["location"] == f"/responses/write/petition/{petition_id}"
    saved = await web.post_form(f"/responses/write/petition/{petition_id}", {**response, "reason": ""})
    assert saved.status_code == 303
    response_id = saved.headers["location"].split("/")[2]
    page = await web.get(f"/petitions/{petition_id}")
    assert "We will build the crossing" not in page.text  # a draft is not public
    published = await web.post_form(f"/responses/{response_id}/publish", {})
    assert published.status_code == 303
    await app_state(mail_app).worker.jobs_once(force=True)
    await deliver(mail_app)
    signers = ["rosa@example.org", "sam@example.org", *[f"friend{n}@example.org" for n in range(5)]]
    for address in signers:
        answers = [m for m in smtp.to(address) if m["Subject"].startswith("Answer published")]
        assert len(answers) == 1, address
        assert "/responses/unsubscribe/" in answers[0]["List-Unsubscribe"]
    # A corrected version is published with a reason: the page changes, nobody is emailed twice.
    second = {
        "summary": "We will build the crossing in March.",
        "details": "Funding is agreed.",
        "reason": "The contractor confirmed the month.",
    }
    saved = await web.post_form(f"/responses/write/petition/{petition_id}", second)
    assert saved.status_code == 303
    assert (await web.post_form(f"/responses/{response_id}/publish", {})).status_code == 303
    await app_state(mail_app).worker.jobs_once(force=True)
    await deliver(mail_app)
    assert sum(m["Subject"].startswith("Answer published") for m in smtp.messages) == len(signers)
    page = await web.get(f"/petitions/{petition_id}")
    assert "version 2" in page.text and f"/responses/{response_id}" in page.text
    assert "in March" in page.text and "The council responded" in page.text
