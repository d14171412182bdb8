"""A clerk types a meeting's time in UK time; residents read that same time."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select

from civic.core.db import Database
from civic.core.users import Role
from civic.panels.models import PanelMeeting
from tests.conftest import PASSWORD, StaffFactory
from tests.panels.conftest import PanelSetup
from tests.support.web import WebClient


async def test_a_7pm_summer_meeting_is_stored_as_6pm_utc_and_shown_as_7pm(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, db: Database
) -> None:
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    made = await web.post_form(
        f"/panels/manage/{setup.panel.slug}/meetings", {"day": "2027-06-03", "time": "19:00", "place": "Hall"}
    )
    assert made.status_code == 303
    async with db.reading() as session:
        meeting = (await session.exec(select(PanelMeeting).where(col(PanelMeeting.place) == "Hall"))).one()
    assert meeting.starts_at == datetime(2027, 6, 3, 18, 0, tzinfo=UTC)
    page = (await web.get(f"/panels/manage/{setup.panel.slug}")).text
    assert "3 June 2027 at 7pm, Hall" in page and "UTC" not in page


async def test_a_meeting_in_the_hour_the_clocks_skip_is_refused(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup
) -> None:
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    refused = await web.post_form(
        f"/panels/manage/{setup.panel.slug}/meetings", {"day": "2027-03-28", "time": "01:30", "place": "Hall"}
    )
    assert refused.status_code == 422 and "does not exist in UK time" in refused.text
