"""The demo panel: a past meeting fully recorded and published, a next one with a published agenda."""

from __future__ import annotations

from typing import Any

from civic.core.clock import FrozenClock, SystemClock
from civic.core.db import Database
from civic.core.demo import DemoContext
from civic.core.users import Role
from civic.panels.demo import load_panels
from tests.conftest import StaffFactory
from tests.support.web import WebClient


async def test_demo_panel_shows_a_recorded_past_and_a_published_agenda(
    app: Any, db: Database, web: WebClient, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    clock.set(SystemClock().now())
    staff = {Role.PANEL_CLERK: await make_staff(Role.PANEL_CLERK), Role.POLICE: await make_staff(Role.POLICE)}
    async with db.transaction() as session:
        await load_panels(session, DemoContext(settings=app.state.settings, mail=app.state.mail, staff=staff))
    listing = (await web.get("/panels/")).text
    assert "Fernbridge Central Community Panel" in listing
    page = (await web.get("/panels/fernbridge-central-community-panel")).text
    for expected in ("Joan Okafor", "Non-voting adviser", "Agenda published", "Grant £1,500", "Overdue"):
        assert expected in page, expected
    meetings = (await web.get("/panels/meetings.json")).json()["data"]
    states = sorted(m["state"] for m in meetings)
    assert states == ["agenda_published", "minutes_draft", "published"]
    past = next(m for m in meetings if m["state"] == "published")
    text = (await web.get(past["url"].removeprefix("http://testserver"))).text
    for expected in (
        "Recorded vote",
        # the grant's tied vote, carried because the chair's casting vote was for it
        "2 for, 2 against, 0 abstained; the chair gave a casting vote for. <strong>Carried.</strong>",
        "Vote: 2 for, 2 against, 0 abstentions; the chair&#39;s casting vote was for. The motion was carried.",
        "Left the room",
        "Version 1",
        "Approved as a correct record",
    ):
        assert expected in text, expected
    assert "Information about a particular person" in text
    upcoming = next(m for m in meetings if m["state"] == "agenda_published")
    text = (await web.get(upcoming["url"].removeprefix("http://testserver"))).text
    assert "Moved from" in text and "a polling station that day" in text
    home = (await web.get("/")).text
    assert "Fernbridge Central Community Panel meets" in home
