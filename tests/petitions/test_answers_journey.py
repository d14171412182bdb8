"""A petition passes its response threshold; the answer falls due, goes overdue and is published;
signers hear once each; three rate it; the council's report card changes."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from civic.core.clock import FrozenClock
from civic.core.users import Role
from tests.conftest import PASSWORD, StaffFactory
from tests.petitions.conftest import PetitionMaker
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("council_body")

RATE = re.compile(r"http://testserver(/responses/\d+/rate/\S+)")


async def deliver(app: Any) -> None:
    while await app.state.worker.pass_once():
        pass


def summary_row(page: str, key: str) -> str:
    """The first card summary's value for `key` (the body's own; the council average comes second)."""
    found = re.search(rf"{key}</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, key
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


async def test_an_overdue_petition_answer_is_published_heard_once_rated_and_graded(
    mail_app: Any,
    mail_web: WebClient,
    make_petition: PetitionMaker,
    make_staff: StaffFactory,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    petition = await make_petition(response_threshold=5, debate_threshold=50)
    await make_petition.signatures(petition, 4, notify=True)
    await make_petition.signatures(petition, 2, notify=False)
    await mail_app.state.worker.jobs_once(force=True)  # counts: the threshold is reached now
    card = await mail_web.get("/responses/bodies/council")
    assert summary_row(card.text, "Answered on time") == "Nothing due yet"

    clock.advance(timedelta(days=31))  # the 30-day response period runs out
    assert petition.action in (await mail_web.get("/responses/overdue")).text
    card = await mail_web.get("/responses/bodies/council")
    assert summary_row(card.text, "Overdue now") == "1" and petition.action in card.text
    page = await mail_web.get(f"/petitions/{petition.id}")
    assert "The council will respond to this petition by" in page.text

    councillor = await make_staff(Role.COUNCILLOR, name="Cllr Dana Reid")
    await mail_web.login(councillor.email, PASSWORD)
    assert petition.action in (await mail_web.get("/responses/queue?ward=")).text
    saved = await mail_web.post_form(
        f"/responses/write/petition/{petition.id}",
        {"summary": "We will fix the lights by March.", "details": "All twelve lights will be replaced."},
    )
    response_path = saved.headers["location"].removesuffix("/preview")
    assert (await mail_web.post_form(f"{response_path}/publish", {})).status_code == 303
    await mail_web.logout()
    await deliver(mail_app)

    opted_in = {m["To"] for m in smtp.messages if m["Subject"].startswith("Answer published")}
    assert len(opted_in) == 4 and all(a.startswith("bulk") for a in opted_in)
    assert len([m for m in smtp.messages if m["Subject"].startswith("Answer published")]) == 4

    page = await mail_web.get(f"/petitions/{petition.id}")
    assert "We will fix the lights by March." in page.text and "The council responded" in page.text
    card = await mail_web.get("/responses/bodies/council")
    assert summary_row(card.text, "Answered on time").startswith("0% of 1")
    assert summary_row(card.text, "Satisfaction") == "No ratings yet"

    letters = [m for m in smtp.messages if m["Subject"].startswith("Answer published")]
    for message, score in zip(letters[:3], ("5", "4", "2"), strict=True):
        link = RATE.search(body_of(message))
        assert link is not None
        rated = await mail_web.post_form(link.group(1), {"score": score, "comment": ""})
        assert "Rating received" in rated.text
    card = await mail_web.get("/responses/bodies/council")
    assert summary_row(card.text, "Satisfaction") == "3.67 out of 5 (3 ratings)"
    assert summary_row(card.text, "Median days late") == "1.0"
    assert summary_row(card.text, "Grade") != "Not graded yet"


async def test_one_click_from_a_debate_email_stops_that_signers_response_email_too(
    mail_app: Any,
    mail_web: WebClient,
    make_petition: PetitionMaker,
    make_staff: StaffFactory,
    smtp: SmtpServer,
) -> None:
    petition = await make_petition()
    await make_petition.signatures(petition, 3, notify=True)
    councillor = await make_staff(Role.COUNCILLOR, name="Cllr Dana Reid")
    await mail_web.login(councillor.email, PASSWORD)
    outcome = {"scheduled_for": "2026-12-10", "outcome": "Agreed to act."}
    assert (await mail_web.post_form(f"/petitions/{petition.id}/debate", outcome)).status_code == 303
    await deliver(mail_app)
    debated = [m for m in smtp.messages if "debated" in m["Subject"]]
    assert len(debated) == 3
    leaver = debated[0]
    assert leaver["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = leaver["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    assert one_click in body_of(leaver)
    await mail_web.logout()
    # What a mail client sends for its unsubscribe button: a bare POST, no page, no CSRF token.
    assert (await mail_web.http.post(one_click, data={"List-Unsubscribe": "One-Click"})).status_code == 200

    await mail_web.login(councillor.email, PASSWORD)
    saved = await mail_web.post_form(
        f"/responses/write/petition/{petition.id}", {"summary": "We will act.", "details": "Soon."}
    )
    assert (
        await mail_web.post_form(saved.headers["location"].removesuffix("/preview") + "/publish", {})
    ).status_code == 303
    await deliver(mail_app)
    answered = {m["To"] for m in smtp.messages if m["Subject"].startswith("Answer published")}
    assert len(answered) == 2 and leaver["To"] not in answered
