"""HTTP behaviour: who may do what (403 / 409 / login), validation (422), open data, action updates,
minutes corrections, and the subscription links' edge cases."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.core.users import Role
from civic.panels.models import PanelAction, PanelSubscription
from tests.conftest import PASSWORD, StaffFactory
from tests.panels import steps
from tests.panels.conftest import PanelSetup
from tests.support.web import WebClient

ACTIONS = ["items", "publish-agenda", "cancel", "hold", "attendance", "declarations", "motions", "decisions",
           "draft-minutes", "minutes", "publish-minutes", "corrections"]  # fmt: skip


async def test_residents_are_sent_to_login_and_other_staff_refused(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup
) -> None:
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    for action in ACTIONS:
        response = await web.post_form(f"{base}/{action}")
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), action
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    for action in ACTIONS:
        assert (await web.post_form(f"{base}/{action}")).status_code == 403, action
    for path in ("/panels/manage", base, f"/panels/manage/{setup.panel.slug}"):
        assert (await web.get(path)).status_code == 403


@pytest.mark.parametrize(
    ("stage", "refused"),
    [
        (
            "scheduled",
            ["hold", "attendance", "motions", "draft-minutes", "minutes", "publish-minutes", "corrections"],
        ),
        ("held", ["items", "publish-agenda", "cancel", "hold", "minutes", "publish-minutes", "corrections"]),
    ],
)
async def test_clerk_actions_out_of_turn_get_409(
    web: WebClient,
    make_staff: StaffFactory,
    setup: PanelSetup,
    db: Database,
    clock: FrozenClock,
    stage: str,
    refused: list[str],
) -> None:
    if stage == "held":
        await steps.hold(db, clock, setup)
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    for action in refused:
        response = await web.post_form(f"/panels/manage/meetings/{setup.meeting.id}/{action}")
        assert response.status_code == 409, (action, response.status_code)
        assert "cannot be done while the meeting is" in response.text


async def test_validation_errors_rerender_the_form_with_422(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup
) -> None:
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    response = await web.post_form("/panels/manage", {"name": "", "quorum_rule": "half", "area_kind": "ward"})
    assert response.status_code == 422
    assert "govuk-error-summary" in response.text and "Enter the quorum as a number" in response.text
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    response = await web.post_form(f"{base}/publish-agenda")
    assert response.status_code == 422 and "Add at least one item" in response.text
    response = await web.post_form(f"{base}/items", {"title": "Private", "exempt": "yes"})
    assert response.status_code == 422 and "reason the item is exempt" in response.text
    response = await web.post_form(
        f"{base}/items", {"title": "x", "link_kind": "petition", "link_ref": "<script>"}
    )
    assert response.status_code == 422
    response = await web.post_form(
        f"/panels/manage/{setup.panel.slug}/meetings", {"day": "2020-01-01", "time": "18:00", "place": "Hall"}
    )
    assert response.status_code == 422 and "must be in the future" in response.text


async def test_short_notice_over_http_needs_a_reason(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, clock: FrozenClock
) -> None:
    clerk = await make_staff(Role.PANEL_CLERK)
    clock.advance(timedelta(days=8))
    await web.login(clerk.email, PASSWORD)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    assert (await web.post_form(f"{base}/items", {"title": "Flooding"})).status_code == 303
    response = await web.post_form(f"{base}/publish-agenda")
    assert response.status_code == 422 and "fewer than 5" in response.text
    response = await web.post_form(f"{base}/publish-agenda", {"urgency_reason": "Flooding on the estate"})
    assert response.status_code == 303
    page = (await web.get(f"/panels/meetings/{setup.meeting.id}")).text
    assert "Published at short notice because: Flooding on the estate" in page
    audit = (await web.get("/audit")).text
    assert "urgent: Flooding on the estate" in audit


async def test_scheduled_meetings_hide_their_draft_agenda(
    web: WebClient, db: Database, setup: PanelSetup
) -> None:
    from civic.panels import service

    async with db.transaction() as session:
        await service.add_item(
            session, setup.meeting, actor=None, now=setup.meeting.created_at, title="Draft item"
        )
    page = (await web.get(f"/panels/meetings/{setup.meeting.id}")).text
    assert "Draft item" not in page and "will be published" in page
    assert (await web.get("/panels/meetings/999")).status_code == 404
    assert (await web.get("/panels/meetings/abc")).status_code == 404
    assert (await web.get("/panels/no-such-panel")).status_code == 404


async def test_open_data_escapes_formulas_and_the_feed_is_valid_atom(
    web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    from civic.panels.models import Decision

    decision = await steps.decide(db, clock, setup)
    async with db.transaction() as session:
        row = await session.get(Decision, decision.id)
        assert row is not None
        row.reasons = '=HYPERLINK("http://evil.example")'
        session.add(row)
    response = await web.get("/panels/decisions.csv")
    assert (
        response.headers["content-type"].startswith("text/csv")
        and "max-age" in response.headers["cache-control"]
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows[0]["reasons"].startswith("'=")
    assert rows[0]["outcome"] == "carried" and rows[0]["votes_for"] == "3"
    meetings = (await web.get("/panels/meetings.json")).json()
    assert meetings["data"][0]["state"] == "held" and "Open Government Licence" in meetings["licence"]
    feed = await web.get(f"/panels/{setup.panel.slug}/feed.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.text)  # noqa: S314 - our own feed
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert any(t and t.startswith("Decision: Grant £2,000") for t in titles)
    assert any(t and t.startswith("Agenda:") for t in titles)


async def test_clerk_updates_an_action_and_overdue_actions_are_flagged(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    decision = await steps.decide(db, clock, setup, due_in=timedelta(days=3))
    panel_page = f"/panels/{setup.panel.slug}"
    assert "Overdue" not in (await web.get(panel_page)).text
    clock.advance(timedelta(days=5))
    assert "1 overdue" in (await web.get(panel_page)).text
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    async with db.reading() as session:
        action = (await session.exec(select(PanelAction))).one()
    path = f"/panels/manage/actions/{action.id}"
    assert (await web.get(path)).status_code == 200
    assert (await web.post_form(path, {"status": "done", "note": ""})).status_code == 422
    response = await web.post_form(path, {"status": "done", "note": "Grant paid on Monday"})
    assert response.status_code == 303
    page = (await web.get(f"/panels/decisions/{decision.id}")).text
    assert "Grant paid on Monday" in page and "Overdue" not in page
    assert (await web.post_form(path, {"status": "open", "note": "Reopen"})).status_code == 409


async def test_a_correction_is_a_new_visible_version(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.publish_minutes(db, clock, setup)
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    assert (await web.post_form(f"{base}/minutes", {"body": "Rewritten"})).status_code == 409
    response = await web.post_form(
        f"{base}/corrections", {"body": "Corrected minutes text", "correction_note": ""}
    )
    assert response.status_code == 422
    response = await web.post_form(
        f"{base}/corrections",
        {"body": "Corrected minutes text", "correction_note": "Tom Price was present, not absent"},
    )
    assert response.status_code == 303
    page = (await web.get(f"/panels/meetings/{setup.meeting.id}")).text
    assert "Version 2" in page and "Corrected minutes text" in page
    assert "Version 1, published" in page and "(superseded)" in page
    assert "Correction: Tom Price was present, not absent" in page


async def test_subscription_links_are_safe_against_scanners_forgery_and_expiry(
    web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    slug = setup.panel.slug
    assert (await web.post_form(f"/panels/{slug}/subscribe", {"email": "not-an-email"})).status_code == 422
    response = await web.post_form(f"/panels/{slug}/subscribe", {"email": "Sam.Lee@Example.org"})
    assert response.status_code == 303 and response.headers["location"] == f"/panels/{slug}/subscribe/check"
    async with db.reading() as session:
        message = (await session.exec(select(OutboxMessage))).one()
    match = re.search(r"/panels/subscriptions/confirm\?token=(\S+)", message.body_text)
    assert match
    token = match.group(1)
    page = await web.get(f"/panels/subscriptions/confirm?token={token}")  # a scanner's GET confirms nothing
    assert page.status_code == 200
    async with db.reading() as session:
        assert (await session.exec(select(PanelSubscription))).one().status.value == "pending"
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (await web.get(f"/panels/subscriptions/confirm?token={forged}")).status_code == 400
    assert (await web.post_form("/panels/subscriptions/confirm", {"token": forged})).status_code == 400
    unsubscribe_with_confirm_token = await web.post_form(
        "/panels/subscriptions/unsubscribe", {"token": token}
    )
    assert unsubscribe_with_confirm_token.status_code == 400  # tokens are bound to their purpose
    clock.advance(timedelta(days=8))
    expired = await web.post_form("/panels/subscriptions/confirm", {"token": token})
    assert expired.status_code == 400 and "expired" in expired.text


async def test_asking_again_reveals_nothing_and_is_rate_limited(
    web: WebClient, db: Database, setup: PanelSetup
) -> None:
    slug = setup.panel.slug
    for _ in range(3):
        assert (
            await web.post_form(f"/panels/{slug}/subscribe", {"email": "sam@example.org"})
        ).status_code == 303
    response = await web.post_form(f"/panels/{slug}/subscribe", {"email": "sam@example.org"})
    assert response.status_code == 429 and response.headers["retry-after"]
    async with db.reading() as session:
        assert len((await session.exec(select(PanelSubscription))).all()) == 1


async def test_open_data_can_be_narrowed_to_one_panel(
    web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.decide(db, clock, setup)
    mine = (await web.get(f"/panels/decisions.json?panel={setup.panel.slug}")).json()
    assert len(mine["data"]) == 1
    assert (await web.get("/panels/decisions.json?panel=no-such-panel")).json()["data"] == []
    assert (await web.get("/panels/meetings.json?panel=no-such-panel")).json()["data"] == []


async def test_a_member_can_be_a_staff_user_and_unknown_accounts_are_refused(
    web: WebClient, make_staff: StaffFactory, db: Database, setup: PanelSetup
) -> None:
    clerk = await make_staff(Role.PANEL_CLERK)
    councillor = await make_staff(Role.COUNCILLOR, name="Cllr Ann Reyes")
    await web.login(clerk.email, PASSWORD)
    path = f"/panels/manage/{setup.panel.slug}/members"
    form = {"name": "Cllr Ann Reyes", "role": "member", "voting": "no", "starts_on": "2026-06-01"}
    refused = await web.post_form(path, {**form, "user_id": "99999"})
    assert refused.status_code == 422 and "Choose a staff account" in refused.text
    assert (await web.post_form(path, {**form, "user_id": str(councillor.id)})).status_code == 303
    async with db.reading() as session:
        from civic.panels.models import PanelMember

        member = (await session.exec(select(PanelMember).where(PanelMember.name == "Cllr Ann Reyes"))).one()
    assert member.user_id == councillor.id and member.voting is False
    page = (await web.get(f"/panels/{setup.panel.slug}")).text
    assert "Cllr Ann Reyes" in page and councillor.email not in page


async def test_the_open_data_hub_lists_the_panels_datasets(web: WebClient) -> None:
    hub = (await web.get("/data")).text
    for expected in (
        "Community panel meetings",
        "Community panel decisions",
        "/panels/decisions.csv",
        "notice_clear_days",
    ):
        assert expected in hub, expected


async def test_the_chair_signs_the_approved_minutes_which_publishes_them(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    from civic.panels.models import PanelMeeting, PanelMember

    chair = await make_staff(Role.COUNCILLOR, name="Cllr Joan Okafor")
    other = await make_staff(Role.COUNCILLOR)
    async with db.transaction() as session:
        seat = await session.get(PanelMember, setup.id("Joan Okafor"))
        assert seat is not None
        seat.user_id = chair.id
        session.add(seat)
    path = f"/panels/meetings/{setup.meeting.id}/sign"
    await web.login(chair.email, PASSWORD)
    assert (await web.post_form(path)).status_code == 409  # nothing approved yet
    await steps.approve(db, clock, setup)
    await web.login(chair.email, PASSWORD)  # the clock moved past the session's lifetime
    page = (await web.get(f"/panels/meetings/{setup.meeting.id}")).text
    assert "Sign the minutes as a correct record" in page
    await web.logout()
    await web.login(other.email, PASSWORD)
    assert "Sign the minutes" not in (await web.get(f"/panels/meetings/{setup.meeting.id}")).text
    assert (await web.post_form(path)).status_code == 403
    await web.logout()
    await web.login(chair.email, PASSWORD)
    assert (await web.post_form(path)).status_code == 303
    async with db.reading() as session:
        signed = await session.get(PanelMeeting, setup.meeting.id)
        assert signed is not None and signed.state.value == "published"
    assert "Cllr Joan Okafor (Councillor)" in (await web.get("/audit")).text


async def test_the_navigation_link_is_served_without_a_redirect(web: WebClient) -> None:
    response = await web.get("/panels")
    assert response.status_code == 200 and "Community panels" in response.text


async def test_oversized_reasons_are_refused_with_the_form_not_a_crash(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, clock: FrozenClock
) -> None:
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    long = "x" * 1500
    response = await web.post_form(
        f"{base}/items", {"title": "Private", "exempt": "yes", "exempt_reason": long}
    )
    assert response.status_code == 422 and "300 characters or fewer" in response.text
    assert (await web.post_form(f"{base}/items", {"title": "Fund"})).status_code == 303
    response = await web.post_form(f"{base}/publish-agenda", {"urgency_reason": long})
    assert response.status_code == 422 and "1000 characters or fewer" in response.text
    response = await web.post_form(f"{base}/cancel", {"cancel_reason": long})
    assert response.status_code == 422
    for path in (f"{base}/motions", f"{base}/declarations", f"{base}/attendance"):
        assert (await web.post_form(path, {"item": "abc", "member": "-1"})).status_code == 409  # not held yet


async def test_garbage_in_the_meeting_forms_gets_422_never_500(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.hold(db, clock, setup)
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    member = str(setup.id("Joan Okafor"))
    attempts = [
        ("attendance", {f"status-{member}": "bogus", "status-99999": "present"}, 303),
        ("declarations", {"member": "99999", "item": "1", "nature": "x", "action": "left_room"}, 422),
        ("declarations", {"member": member, "item": "99999", "nature": "x", "action": "nope"}, 422),
        ("motions", {"item": "99999", "text": "x", "proposer": member, "for": "1"}, 422),
        ("motions", {"item": "1", "text": "x", "proposer": "abc", "for": "-3"}, 422),
        (
            "decisions",
            {
                "item": "1",
                "motion": "99999",
                "text": "x",
                "reasons": "y",
                "due_on": "31/02/2027",
                "action": "a",
                "owner": "o",
            },
            422,
        ),
    ]
    for action, form, status in attempts:
        response = await web.post_form(f"{base}/{action}", form)
        assert response.status_code == status, (action, form, response.status_code)


async def test_a_panels_meetings_as_a_calendar(
    web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    from civic.panels import service

    async with db.transaction() as session:
        other = await service.schedule_meeting(
            session, setup.panel, actor=None, now=clock.now(), starts_at=clock.now() + timedelta(days=40),
            place="Hall, Room 2; upstairs " + "very long directions " * 5,
        )  # fmt: skip
        await service.cancel_meeting(session, other, actor=None, now=clock.now(), reason="Hall closed")
    response = await web.get(f"/panels/{setup.panel.slug}/meetings.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    text = response.text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == 2 and "STATUS:CANCELLED" in text and "STATUS:CONFIRMED" in text
    assert "LOCATION:Hall\\, Room 2\\; upstairs" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "DTSTART:20261202T100000Z" in text  # the fixture's meeting, ten days after 22 November 10:00 UTC
