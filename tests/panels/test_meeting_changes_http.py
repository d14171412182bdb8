"""Over HTTP: the clerk moves a meeting, adds a late item and withdraws one; bad input gets the form
back with a GOV.UK error summary (422), steps out of turn get 409, and the public pages, calendar and
audit log show what changed."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.users import Role
from tests.conftest import PASSWORD, StaffFactory
from tests.panels import steps
from tests.panels.conftest import PanelSetup
from tests.support.web import WebClient

GOOD_MOVE = {
    "day": "2026-12-09",
    "time": "18:30",
    "place": "Community Hub",
    "online_url": "",
    "reason": "Hall flooded",
}


async def clerk(web: WebClient, make_staff: StaffFactory) -> None:
    user = await make_staff(Role.PANEL_CLERK)
    await web.login(user.email, PASSWORD)


def refused_with(response: httpx.Response, message: str, anchor: str) -> None:
    assert response.status_code == 422, response.status_code
    assert "govuk-error-summary" in response.text and message in response.text
    assert f'href="#{anchor}"' in response.text and f'id="{anchor}"' in response.text


@pytest.mark.parametrize(
    ("change", "message", "anchor"),
    [
        ({"day": "9 December"}, "as a real date", "move-day"),
        ({"day": ""}, "Enter the date of the meeting", "move-day"),
        ({"time": "25:99"}, "Enter the start time in UK time", "move-time"),
        ({"day": "2027-03-28", "time": "01:30"}, "clocks go forward", "move-time"),
        ({"place": ""}, "Enter where the meeting is", "move-place"),
        ({"online_url": "http://meet.example"}, "must start with https://", "move-online_url"),
        ({"reason": ""}, "Enter the reason for the change", "move-reason"),
        ({"reason": "x" * 1001}, "1000 characters or fewer", "move-reason"),
        ({"day": "2026-11-21"}, "must be in the future", "move-day"),
        (
            {"day": "2026-12-02", "time": "10:00", "place": "Fernbridge Library"},
            "Change the date",
            "move-day",
        ),
    ],
)
async def test_bad_moves_get_the_form_back_with_an_error_summary(
    web: WebClient,
    make_staff: StaffFactory,
    setup: PanelSetup,
    change: dict[str, str],
    message: str,
    anchor: str,
) -> None:
    await clerk(web, make_staff)
    response = await web.post_form(
        f"/panels/manage/meetings/{setup.meeting.id}/reschedule", GOOD_MOVE | change
    )
    refused_with(response, message, anchor)


async def test_the_clerk_moves_a_published_meeting_and_everyone_can_see_it(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, db: Database, clock: FrozenClock
) -> None:
    await steps.publish(db, clock, setup)
    clock.advance(timedelta(days=2))  # Tuesday 24 November
    await clerk(web, make_staff)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    form = (await web.get(base)).text
    assert "Move the meeting" in form and 'value="2026-12-02"' in form and 'value="10:00"' in form
    soon = GOOD_MOVE | {"day": "2026-11-27"}  # Friday: two clear days (Wednesday and Thursday)
    refused_with(await web.post_form(f"{base}/reschedule", soon), "fewer than 5", "move-urgency_reason")
    response = await web.post_form(f"{base}/reschedule", GOOD_MOVE)
    assert response.status_code == 303 and response.headers["location"].endswith("#move-day")
    page = (await web.get(f"/panels/meetings/{setup.meeting.id}")).text
    assert "9 December 2026 at 6:30pm" in page and "Community Hub" in page
    assert "Moved from 2 December 2026 at 10am – Hall flooded" in page
    calendar = (await web.get(f"/panels/{setup.panel.slug}/meetings.ics")).text
    assert "DTSTART:20261209T183000Z" in calendar and "SEQUENCE:1" in calendar
    assert "LOCATION:Community Hub" in calendar
    feed = (await web.get(f"/panels/{setup.panel.slug}/feed.atom")).text
    assert "Moved from 2 December 2026 at 10am: Hall flooded" in feed
    assert "<updated>2026-11-24T10:00:00" in feed  # the entry is dated by the move, so readers see it again
    audit = (await web.get("/audit")).text
    assert "moved from 2 December 2026 at 10am to 9 December 2026 at 6:30pm" in audit


async def test_held_meetings_cannot_move_and_only_clerks_may_move_them(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, db: Database, clock: FrozenClock
) -> None:
    path = f"/panels/manage/meetings/{setup.meeting.id}/reschedule"
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    assert (await web.post_form(path, GOOD_MOVE)).status_code == 403
    await web.logout()
    await steps.hold(db, clock, setup)
    await clerk(web, make_staff)  # after the clock moved, so the login is fresh
    no_token = await web.http.post(path, data=GOOD_MOVE)
    assert no_token.status_code == 403
    response = await web.post_form(path, GOOD_MOVE | {"day": "2026-12-20"})
    assert response.status_code == 409 and "has not been held or cancelled" in response.text
    assert "Move the meeting" not in (await web.get(f"/panels/manage/meetings/{setup.meeting.id}")).text


async def test_late_items_need_a_reason_and_published_items_are_withdrawn_not_removed(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, db: Database, clock: FrozenClock
) -> None:
    await clerk(web, make_staff)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    draft = (await web.get(base)).text
    assert "Add an agenda item" in draft and "Why the item is urgent" not in draft
    await steps.publish(db, clock, setup, titles=("Community fund", "Skate park"))
    page = (await web.get(base)).text
    assert "Add a late item" in page and "Withdraw item 2" in page and ">Remove<" not in page
    refused_with(await web.post_form(f"{base}/items", {"title": "Flooding"}), "urgent enough", "late_reason")
    response = await web.post_form(
        f"{base}/items", {"title": "Flooding", "late_reason": "The estate flooded"}
    )
    assert response.status_code == 303
    item_ids = [int(part.split("/")[0]) for part in page.split(f"{base}/items/")[1:]]
    fund, skate = item_ids[0], item_ids[-1]
    removed = await web.post_form(f"{base}/items/{skate}/remove")
    assert removed.status_code == 409 and "Withdraw the item instead" in removed.text
    refused_with(
        await web.post_form(f"{base}/items/{skate}/withdraw"), "Give the reason", f"withdraw-{skate}"
    )
    response = await web.post_form(f"{base}/items/{skate}/withdraw", {"withdrawn_reason": "Report not ready"})
    assert response.status_code == 303
    public = (await web.get(f"/panels/meetings/{setup.meeting.id}")).text
    assert "Added after the agenda was published: The estate flooded" in public
    assert "Withdrawn: Report not ready" in public and "3. Flooding" in public
    again = await web.post_form(f"{base}/items/{skate}/withdraw", {"withdrawn_reason": "Again"})
    assert again.status_code == 409
    await steps_hold_published(db, clock, setup)
    await clerk(web, make_staff)  # a fresh login: staff sessions expire while the clock moves on
    after = await web.post_form(f"{base}/items/{fund}/withdraw", {"withdrawn_reason": "Too late"})
    assert after.status_code == 409 and "not yet held can be withdrawn" in after.text
    late = await web.post_form(f"{base}/items", {"title": "AOB", "late_reason": "x"})
    assert late.status_code == 409


async def steps_hold_published(db: Database, clock: FrozenClock, setup: PanelSetup) -> None:
    from civic.panels import service

    clock.set(setup.meeting.starts_at)
    async with db.transaction() as session:
        meeting, _ = await service.get_meeting(session, row_id(setup.meeting))
        await service.hold_meeting(session, meeting, actor=None, now=clock.now())
