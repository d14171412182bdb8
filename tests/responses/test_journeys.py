"""Journeys: asks fall due, councillors answer, residents hear once, rate, and unsubscribe."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest

from civic.core.clock import FrozenClock
from civic.core.state import app_state
from civic.core.users import Role
from tests.conftest import PASSWORD, SECRET, StaffFactory
from tests.responses.conftest import Asks, due_in
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("bodies")


@pytest.fixture
async def mail_web(mail_app: Any) -> Any:
    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.50", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


async def test_a_councillor_answers_an_overdue_ask_and_each_asker_hears_once(
    mail_app: Any,
    mail_web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    asks.add(
        "7",
        due_at=due_in(clock, -3),
        asked_at=clock.now() - timedelta(days=40),
        askers=["ann@example.org", "Bob.Smith@gmail.com", "ann@example.org"],
    )
    overdue = await mail_web.get("/responses/overdue")
    assert "Ask number 7" in overdue.text
    councillor = await make_staff(Role.COUNCILLOR, name="Cllr Dana Reid", party="Green")
    await mail_web.login(councillor.email, PASSWORD)
    queue = await mail_web.get("/responses/queue")
    assert "Ask number 7" in queue.text
    assert "Overdue since" in queue.text
    empty = await mail_web.post_form("/responses/write/ask/7", {"summary": "", "details": ""})
    assert empty.status_code == 422
    assert "Enter a summary of the response" in empty.text
    saved = await mail_web.post_form(
        "/responses/write/ask/7",
        {
            "summary": "We will fix the lights by March.",
            "details": "The contractor starts in February.\nAll 12 lights will be replaced.",
        },
    )
    assert saved.status_code == 303
    preview = await mail_web.get(saved.headers["location"])
    assert "Preview: not yet published" in preview.text
    assert "Cllr Dana Reid" in preview.text
    assert "Fernbridge Central" in preview.text
    response_id = saved.headers["location"].split("/")[2]
    published = await mail_web.post_form(f"/responses/{response_id}/publish")
    assert published.status_code == 303
    page = await mail_web.get(f"/responses/{response_id}")
    assert "We will fix the lights by March." in page.text
    assert "was late" in page.text
    assert "(Green)" in page.text
    await app_state(mail_app).worker.pass_once()
    recipients = sorted(m["To"].lower() for m in smtp.messages)
    assert recipients == ["ann@example.org", "bob.smith@gmail.com"]
    again = await mail_web.post_form(f"/responses/{response_id}/publish")
    assert again.status_code == 409  # nothing new to publish: the draft reason is needed for a change
    await app_state(mail_app).worker.pass_once()
    assert len(smtp.messages) == 2
    assert "Ask number 7" not in (await mail_web.get("/responses/overdue")).text


async def test_a_resident_rates_the_response_once_and_a_moderator_shows_the_comment(
    mail_app: Any,
    mail_web: WebClient,
    another_web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    asks.add(
        "8",
        due_at=due_in(clock, 10),
        asked_at=clock.now(),
        askers=["cara@example.org"],
        body="police-fernbridge-central",
    )
    officer = await make_staff(Role.POLICE)  # of Fernbridge Central, whose team owes the answer
    await mail_web.login(officer.email, PASSWORD)
    saved = await mail_web.post_form(
        "/responses/write/ask/8", {"summary": "Done.", "details": "Patrols increased."}
    )
    response_id = saved.headers["location"].split("/")[2]
    await mail_web.post_form(f"/responses/{response_id}/publish")
    await mail_web.logout()
    await app_state(mail_app).worker.pass_once()
    [message] = smtp.messages
    text = body_of(message)
    rate_url = re.search(r"http://testserver(/responses/\d+/rate/\S+)", text)
    assert rate_url is not None
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    form = await mail_web.get(rate_url.group(1))
    assert "How satisfied are you" in form.text
    missing = await mail_web.post_form(rate_url.group(1), {"score": "9"})
    assert missing.status_code == 422
    rated = await mail_web.post_form(
        rate_url.group(1), {"score": "4", "comment": "Quick and clear, thank you"}
    )
    assert "Rating received" in rated.text
    twice = await mail_web.post_form(rate_url.group(1), {"score": "1"})
    assert "already rated" in twice.text
    page = await mail_web.get(f"/responses/{response_id}")
    # how many rated is a public count, so it follows the small-count rule
    assert "Average rating 4.0 out of 5 from fewer than 5 people who asked" in page.text
    assert "Quick and clear" not in page.text  # not yet moderated
    moderator = await make_staff(Role.MODERATOR)
    await mail_web.login(moderator.email, PASSWORD)
    queue = await mail_web.get("/responses/comments")
    assert "Quick and clear" in queue.text
    rating_id = re.search(r"/responses/comments/(\d+)", queue.text)
    assert rating_id is not None
    await mail_web.post_form(f"/responses/comments/{rating_id.group(1)}", {"decision": "approve"})
    assert "Quick and clear" in (await mail_web.get(f"/responses/{response_id}")).text
    tampered = rate_url.group(1)[:-3] + "abc"
    assert (await mail_web.get(tampered)).status_code == 400


async def test_a_published_response_changes_only_as_a_new_visible_version(
    mail_app: Any,
    mail_web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    asks.add("9", due_at=None, asked_at=clock.now(), askers=["dev@example.org"], body="panel-1")
    clerk = await make_staff(Role.PANEL_CLERK)
    await mail_web.login(clerk.email, PASSWORD)
    saved = await mail_web.post_form(
        "/responses/write/ask/9", {"summary": "First answer.", "details": "Original text."}
    )
    response_id = saved.headers["location"].split("/")[2]
    await mail_web.post_form(f"/responses/{response_id}/publish")
    clock.advance(timedelta(days=2))
    await mail_web.login(clerk.email, PASSWORD)  # the old session timed out meanwhile
    no_reason = await mail_web.post_form(
        "/responses/write/ask/9", {"summary": "Corrected answer.", "details": "New text."}
    )
    assert no_reason.status_code == 422
    assert "Say why the published response is being changed" in no_reason.text
    await mail_web.post_form(
        "/responses/write/ask/9",
        {"summary": "Corrected answer.", "details": "New text.", "reason": "The date was wrong."},
    )
    await mail_web.post_form(f"/responses/{response_id}/publish")
    page = (await mail_web.get(f"/responses/{response_id}")).text
    assert "Corrected answer." in page
    assert "The date was wrong." in page
    assert "Version 1, published" in page
    assert "Original text." in page
    await app_state(mail_app).worker.pass_once()
    assert len(smtp.messages) == 1  # the correction is on the page, not a second email


async def test_one_click_unsubscribe_from_a_mail_client_without_cookies(
    mail_app: Any,
    mail_web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    for target in ("10", "11"):
        asks.add(
            target,
            due_at=None,
            asked_at=clock.now(),
            askers=["eve@example.org", "fay@example.org"],
            body="youth-service",
        )
    officer = await make_staff(Role.YOUTH_WORKER)
    await mail_web.login(officer.email, PASSWORD)
    for target in ("10", "11"):
        saved = await mail_web.post_form(
            f"/responses/write/ask/{target}", {"summary": "Answer.", "details": "Text."}
        )
        if target == "10":
            await mail_web.post_form(f"/responses/{saved.headers['location'].split('/')[2]}/publish")
    await app_state(mail_app).worker.pass_once()
    eve = smtp.to("eve@example.org")[0]
    unsubscribe_url = eve["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    transport = httpx.ASGITransport(app=mail_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as mail_client:
        one_click = await mail_client.post(unsubscribe_url, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert "You have unsubscribed" in one_click.text
    fay = smtp.to("fay@example.org")[0]
    fay_url = fay["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    page = await mail_web.get(fay_url)
    assert "Unsubscribe" in page.text
    await mail_web.post_form(fay_url, {"everything": "yes"})
    smtp.messages.clear()
    response_11 = (await mail_web.get("/responses/queue")).text
    assert "Ask number 11" in response_11
    draft = await mail_web.get("/responses/write/ask/11")
    assert "Answer." in draft.text
    queue_id = re.search(
        r"/responses/(\d+)/preview",
        (
            await mail_web.post_form("/responses/write/ask/11", {"summary": "Answer.", "details": "Text."})
        ).headers["location"],
    )
    assert queue_id is not None
    await mail_web.post_form(f"/responses/{queue_id.group(1)}/publish")
    await app_state(mail_app).worker.pass_once()
    assert [m["To"] for m in smtp.messages] == [
        "eve@example.org"
    ]  # eve left only ask 10; fay left everything


async def test_a_resident_follows_an_ask_with_double_opt_in(
    mail_app: Any,
    mail_web: WebClient,
    asks: Asks,
    make_staff: StaffFactory,
    smtp: SmtpServer,
    clock: FrozenClock,
) -> None:
    asks.add("12", due_at=None, asked_at=clock.now(), askers=[])
    bad = await mail_web.post_form("/responses/follow/ask/12", {"email": "not an email"})
    assert bad.status_code == 422
    sent = await mail_web.post_form("/responses/follow/ask/12", {"email": "gus@example.org"})
    assert "Check your email" in sent.text
    await app_state(mail_app).worker.pass_once()
    link = re.search(r"http://testserver(/responses/follow/confirm/\S+)", body_of(smtp.messages[0]))
    assert link is not None
    confirm_page = await mail_web.get(link.group(1))  # a mail scanner's GET confirms nothing
    assert "Confirm you want updates" in confirm_page.text
    smtp.messages.clear()
    clerk = await make_staff(Role.COUNCILLOR)
    await mail_web.login(clerk.email, PASSWORD)
    saved = await mail_web.post_form("/responses/write/ask/12", {"summary": "Answer.", "details": "Text."})
    response_id = saved.headers["location"].split("/")[2]
    await mail_web.post_form(f"/responses/{response_id}/publish")
    await app_state(mail_app).worker.pass_once()
    assert smtp.messages == []  # not confirmed, so not told
    await mail_web.logout()
    await mail_web.post_form(link.group(1))
    assert (await mail_web.get("/responses/follow/confirmed")).status_code == 200
