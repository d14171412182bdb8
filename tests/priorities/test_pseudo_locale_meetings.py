"""The pseudo-locale guard over what police priorities print and publish beyond the voting pages: a
public meeting's page (coming up, after the resident says they are coming, cancelled, and with its show
of hands), the reply form and its errors, the poster, the calendars, the cancellation email, the
printed ballot and the "Check this count" page show no plain English beyond names and what people
wrote; and a reply made in Welsh gets its cancellation email in Welsh.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from icalendar import Calendar
from sqlmodel import select

from civic.config import Settings
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.priorities import service_meetings
from civic.priorities.models import Access, Meeting, MeetingRsvp, PriorityRound, RoundState
from civic.priorities.service_meetings import MeetingDetails
from tests.conftest import make_settings
from tests.priorities.conftest import Rounds, outbox
from tests.priorities.test_count_record import published_round
from tests.priorities.test_pseudo_locale import check, names
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")
PLACE, ADDRESS = "Fernbridge Library, community room", "1 High Street, Fernbridge, FB6 1UU"
NOTES, LINK = "Lift to the first floor", "https://meet.example.org/fernbridge"
AGENDA = ("Welcome", "What the team did since the last meeting")
REASON, TALLY_NOTES = "The hall is flooded.", "Parking came up most."


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def advertise(db: Database, item: PriorityRound, clock: FrozenClock, hours: int) -> Meeting:
    starts = clock.now() + timedelta(hours=hours)
    details = MeetingDetails(
        starts_at=starts, ends_at=starts + timedelta(hours=2), place=PLACE, address=ADDRESS,
        access=[Access.STEP_FREE, Access.HEARING_LOOP, Access.BSL], access_notes=NOTES, online_url=LINK,
        agenda="\n".join(AGENDA),
    )  # fmt: skip
    async with db.transaction() as session:
        fresh = await session.get(PriorityRound, item.id)
        assert fresh is not None
        return await service_meetings.advertise_meeting(
            session, fresh, actor=None, details=details, now=clock.now()
        )


async def cancel(app: Any, db: Database, meeting: Meeting, clock: FrozenClock) -> int:
    async with db.transaction() as session:
        fresh, item = (
            await session.get(Meeting, meeting.id),
            await session.get(PriorityRound, meeting.round_id),
        )
        assert fresh is not None and item is not None
        return await service_meetings.cancel_meeting(
            session, fresh, item, actor=None, reason=REASON, now=clock.now(), mail=app_state(app).mail
        )


async def test_the_meeting_pages_reply_form_poster_and_calendars_have_no_untranslated_english(
    app: Any, rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock, settings: Settings
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    coming = await advertise(db, item, clock, hours=48)
    held = await advertise(db, item, clock, hours=1)
    called_off = await advertise(db, item, clock, hours=72)
    data = await names(db, settings, PLACE, ADDRESS, NOTES, *AGENDA, REASON, TALLY_NOTES, "=x", "nope")
    await web.get(f"/?lang={PSEUDO}")
    page = f"/priorities/meetings/{coming.id}"
    for path in (page, f"{page}/rsvp", f"{page}/poster", f"/priorities/rounds/{item.id}/ballot"):
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, path)
    refused = await web.post_form(f"{page}/rsvp", {"party": "x", "name": "=x", "email": "nope"})
    assert refused.status_code == 422
    check(refused.text, data, "reply errors")
    replied = await web.post_form(f"{page}/rsvp", {"party": "2", "email": "gwen@example.org"})
    assert replied.status_code == 303
    check((await web.get(replied.headers["location"])).text, data, "replied")

    clock.advance(timedelta(hours=2))
    async with db.transaction() as session:
        meeting, fresh = await session.get(Meeting, held.id), await session.get(PriorityRound, item.id)
        assert meeting is not None and fresh is not None
        await service_meetings.record_tally(
            session, meeting, fresh, actor=None, attendance=12, hands={row_id(issues[0]): 7, row_id(issues[1]): 2},
            notes=TALLY_NOTES, now=clock.now(),
        )  # fmt: skip
    assert await cancel(app, db, called_off, clock) == 0
    for path in (f"/priorities/meetings/{held.id}", f"/priorities/meetings/{called_off.id}"):
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, path)
    no_poster = await web.get(f"/priorities/meetings/{called_off.id}/poster")
    assert no_poster.status_code == 409
    check(no_poster.text, data, "no poster for a cancelled meeting")
    closed, _ = await rounds.make(RoundState.CLOSED, slug="fernbridge-north")
    no_ballot = await web.get(f"/priorities/rounds/{closed.id}/ballot")  # ballots print while voting is open
    assert no_ballot.status_code == 409
    check(no_ballot.text, data, "no ballot for a closed round")

    for path in (
        f"{page}/meeting.ics",
        "/priorities/fernbridge-central/meetings.ics",
        "/priorities/meetings.ics",
    ):
        calendar = Calendar.from_ical((await web.get(path)).content)
        shown = [str(calendar["X-WR-CALNAME"])]
        for event in calendar.walk("VEVENT"):
            shown += [str(event["SUMMARY"]), str(event["DESCRIPTION"])]
        assert all("⟦" in text for text in shown), path
        assert english_words("\n".join(shown), data=data) == [], path


async def test_the_cancellation_email_is_in_the_language_of_the_reply(
    app: Any, rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, clock: FrozenClock,
    settings: Settings,
) -> None:  # fmt: skip
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    meeting = await advertise(db, item, clock, hours=48)
    await web.get(f"/?lang={PSEUDO}")
    await another_web.get("/?lang=cy")
    for client, email in ((web, "pseudo@example.org"), (another_web, "gwen@example.org")):
        sent = await client.post_form(
            f"/priorities/meetings/{meeting.id}/rsvp", {"party": "1", "email": email}
        )
        assert sent.status_code == 303
    async with db.reading() as session:
        langs = sorted(r.lang for r in (await session.exec(select(MeetingRsvp))).all())
    assert langs == ["cy", PSEUDO]
    assert await cancel(app, db, meeting, clock) == 2
    [pseudo] = await outbox(db, "pseudo@example.org")
    data = (PLACE, REASON, settings.council_name)
    assert english_words(f"{pseudo.subject}\n{pseudo.body_text}", data=data) == []
    assert "lang=en_XA" in pseudo.body_text
    [welsh] = await outbox(db, "gwen@example.org")
    assert welsh.subject.startswith("Mae'r cyfarfod blaenoriaethau plismona ar ")
    assert "Rheswm: The hall is flooded." in welsh.body_text


async def test_the_check_this_count_page_has_no_untranslated_english(
    rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock, settings: Settings
) -> None:
    item = await published_round(rounds, db, clock)
    await web.get(f"/?lang={PSEUDO}")
    record = (await web.get(f"/priorities/rounds/{item.id}/count/record.json")).json()
    # Not words to translate: the record's own values, file names, digests and the commands to type.
    machine = (record["rule"], record["engine"]["name"], record["record_sha256"], record["audit"]["hash"],
               *(f["name"] for f in record["files"]), *(f["sha256"] for f in record["files"]),
               "civic priorities tally", "civic recount", "SHA-256")  # fmt: skip
    data = await names(db, settings, *machine)
    response = await web.get(f"/priorities/rounds/{item.id}/count")
    assert response.status_code == 200
    check(response.text, data, "count")
    assert "⟦" in response.text.split('class="govuk-summary-list"')[1].split("</dl>")[0]  # rule, tie-break
    missing = await web.get(f"/priorities/rounds/{item.id}/count/nothing.csv")
    assert missing.status_code == 404
    check(missing.text, data, "no such file")
