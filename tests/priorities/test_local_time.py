"""Round times are typed, stored and shown so that what the team enters is what residents read."""

from __future__ import annotations

from datetime import UTC, datetime

from civic.core.db import Database
from civic.core.users import StaffUser
from civic.priorities.models import PriorityRound, RoundState
from tests.conftest import PASSWORD
from tests.priorities.conftest import Rounds
from tests.support.web import WebClient

SETTINGS = {"title": "Summer priorities", "choices": "3", "top_n": "3", "method": "approval"}


async def test_a_summer_closing_time_typed_as_7pm_is_stored_as_6pm_utc_and_shown_as_7pm(
    rounds: Rounds, web: WebClient, police: StaffUser, db: Database
) -> None:
    item, _ = await rounds.make(RoundState.DRAFT)
    await web.login(police.email, PASSWORD)
    base = f"/priorities/manage/rounds/{item.id}"
    form = {**SETTINGS, "opens_at": "2027-06-03T09:00", "closes_at": "2027-06-24T19:00"}
    assert (await web.post_form(f"{base}/settings", form)).status_code == 303
    async with db.reading() as session:
        stored = await session.get(PriorityRound, item.id)
    assert stored is not None and stored.closes_at == datetime(2027, 6, 24, 18, 0, tzinfo=UTC)
    page = (await web.get(base)).text
    assert "3 June 2027 at 9am" in page and "24 June 2027 at 7pm" in page
    assert 'value="2027-06-24T19:00"' in page and "UTC" not in page


async def test_a_closing_time_lost_when_the_clocks_go_forward_is_a_form_error(
    rounds: Rounds, web: WebClient, police: StaffUser
) -> None:
    item, _ = await rounds.make(RoundState.DRAFT)
    await web.login(police.email, PASSWORD)
    form = {**SETTINGS, "opens_at": "2027-03-01T09:00", "closes_at": "2027-03-28T01:30"}
    refused = await web.post_form(f"/priorities/manage/rounds/{item.id}/settings", form)
    assert refused.status_code == 422 and "does not exist in UK time" in refused.text
