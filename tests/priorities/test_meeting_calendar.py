"""iCalendar feeds of priorities meetings, read back with the icalendar parser as a calendar client
would: every meeting, a neighbourhood's, and one meeting; a cancellation updates the same event."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar

from civic.core.db import Database, row_id
from civic.core.users import StaffUser
from civic.priorities.models import RoundState
from tests.conftest import PASSWORD
from tests.priorities.conftest import Rounds
from tests.priorities.test_meetings import advertise, meetings
from tests.support.web import WebClient


def events(body: bytes) -> list[dict[str, object]]:
    calendar = Calendar.from_ical(body)
    return [dict(e) for e in calendar.walk("VEVENT")]


async def test_the_feeds_carry_the_meeting_with_its_place_access_and_link_and_fold_long_lines(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    await web.login(police.email, PASSWORD)
    await advertise(web, row_id(item))
    (meeting,) = await meetings(db)
    for url in ("/priorities/meetings.ics", "/priorities/fernbridge-central/meetings.ics",
                f"/priorities/meetings/{meeting.id}/meeting.ics"):  # fmt: skip
        response = await another_web.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/calendar; charset=utf-8"
        assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
        (event,) = events(response.content)
        assert str(event["SUMMARY"]).startswith("Police priorities meeting: Fernbridge Central")
        assert event["DTSTART"].dt == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)  # type: ignore[attr-defined]
        assert event["DTEND"].dt == datetime(2026, 12, 1, 20, 30, tzinfo=UTC)  # type: ignore[attr-defined]
        assert (
            str(event["LOCATION"]) == "Fernbridge Library, community room, 1 High Street, Fernbridge, FB6 1UU"
        )
        assert str(event["STATUS"]) == "CONFIRMED" and event["SEQUENCE"] == 0
        description = str(event["DESCRIPTION"])
        assert "Step-free access; Hearing loop; Lift to the first floor" in description
        assert "Join online: https://meet.example.org/fernbridge" in description
        assert str(event["URL"]) == f"http://testserver/priorities/meetings/{meeting.id}"
    raw = (await another_web.get("/priorities/meetings.ics")).text
    assert "LOCATION:Fernbridge Library\\, community room\\," in raw  # commas escaped, RFC 5545 3.3.11
    assert "fernbridge-north" not in (await another_web.get("/priorities/fernbridge-north/meetings.ics")).text
    assert events((await another_web.get("/priorities/fernbridge-north/meetings.ics")).content) == []
    assert (await another_web.get("/priorities/nowhere/meetings.ics")).status_code == 404


async def test_a_cancelled_meeting_stays_in_the_feed_marked_cancelled_with_a_new_sequence(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    await web.login(police.email, PASSWORD)
    await advertise(web, row_id(item))
    (meeting,) = await meetings(db)
    before = events((await another_web.get("/priorities/meetings.ics")).content)[0]
    await web.post_form(f"/priorities/manage/meetings/{meeting.id}/cancel", {"reason": "Venue flooded"})
    (after,) = events((await another_web.get("/priorities/meetings.ics")).content)
    assert after["UID"] == before["UID"]
    assert str(after["STATUS"]) == "CANCELLED" and after["SEQUENCE"] == 1
