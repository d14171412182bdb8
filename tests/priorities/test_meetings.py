"""A policing team advertises a face-to-face meeting, residents say they are coming without an account,
the team records the show of hands afterwards, and the results say how online and meeting votes combined."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.users import StaffUser
from civic.priorities.models import Meeting, MeetingCount, MeetingRsvp, PriorityRound, RoundState
from tests.conftest import PASSWORD
from tests.priorities.conftest import Rounds, outbox
from tests.priorities.test_results import POSTCODES, cast
from tests.support.web import WebClient

DETAILS = {
    "starts_at": "2026-12-01T19:00",
    "ends_at": "2026-12-01T20:30",
    "place": "Fernbridge Library, community room",
    "address": "1 High Street, Fernbridge, FB6 1UU",
    "access": ["step_free", "hearing_loop"],
    "access_notes": "Lift to the first floor",
    "online_url": "https://meet.example.org/fernbridge",
    "details": "Welcome\nWhat the team did since the last meeting\nVote on the next priorities",
}


async def advertise(web: WebClient, round_id: int, **changes: Any) -> Any:
    return await web.post_form(f"/priorities/manage/rounds/{round_id}/meetings/new", {**DETAILS, **changes})


async def meetings(db: Database) -> list[Meeting]:
    async with db.reading() as session:
        return list((await session.exec(select(Meeting).order_by(col(Meeting.id)))).all())


async def test_the_team_advertises_a_meeting_and_it_shows_on_the_neighbourhood_round_and_home_pages(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    await web.login(police.email, PASSWORD)
    bad = await advertise(
        web, row_id(item), ends_at="2026-12-01T18:00", online_url="meet.example.org", place=""
    )
    assert bad.status_code == 422
    assert (
        "must end after it starts" in bad.text
        and "starting https://" in bad.text
        and "Enter the venue" in bad.text
    )
    assert await meetings(db) == []
    made = await advertise(web, row_id(item))
    assert made.status_code == 303
    (meeting,) = await meetings(db)
    assert made.headers["location"] == f"/priorities/manage/meetings/{meeting.id}"
    assert meeting.access == "step_free,hearing_loop" and meeting.recorded_at is None

    page = await another_web.get(f"/priorities/meetings/{meeting.id}")
    assert page.status_code == 200
    for text in ("1 December 2026, 7pm to 8:30pm", "Step-free access", "Hearing loop", "Lift to the first floor",
                 "https://meet.example.org/fernbridge", "What the team did since the last meeting",
                 "Tell us you are coming"):  # fmt: skip
        assert text in page.text
    hood = await another_web.get("/priorities/fernbridge-central")
    assert f"/priorities/meetings/{meeting.id}" in hood.text and "Step-free access" in hood.text
    home = await another_web.get("/")
    assert "Public meeting on police priorities for Fernbridge Central" in home.text
    round_page = await another_web.get(f"/priorities/rounds/{item.id}")
    assert "Come to a public meeting" in round_page.text
    async with db.reading() as session:
        actions = (await session.exec(select(AuditEntry.action))).all()
    assert "priorities.advertise_meeting" in actions


async def test_a_draft_rounds_meetings_stay_private_and_other_teams_cannot_advertise(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, make_staff: Any
) -> None:
    from civic.core.users import Role

    item, _ = await rounds.make(RoundState.DRAFT)
    admin = await make_staff(Role.ADMIN, email="admin@council.example")
    other = await make_staff(Role.POLICE, email="pc.north@police.example", neighbourhood="fernbridge-north")
    await another_web.login(other.email, PASSWORD)
    assert (await advertise(another_web, row_id(item))).status_code == 403
    await web.login(admin.email, PASSWORD)
    assert (await advertise(web, row_id(item))).status_code == 303
    (meeting,) = await meetings(db)
    await another_web.logout()
    assert (await another_web.get(f"/priorities/meetings/{meeting.id}")).status_code == 404
    assert (await another_web.get(f"/priorities/meetings/{meeting.id}/meeting.ics")).status_code == 404
    assert "Fernbridge Library" not in (await another_web.get("/priorities/meetings.ics")).text
    assert "Fernbridge Library" not in (await another_web.get("/")).text


async def test_residents_say_they_are_coming_with_or_without_a_name_and_are_rate_limited(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    await web.login(police.email, PASSWORD)
    await advertise(web, row_id(item))
    (meeting,) = await meetings(db)
    url = f"/priorities/meetings/{meeting.id}/rsvp"
    assert "How many people are coming" in (await another_web.get(url)).text
    anonymous = await another_web.post_form(url, {"party": "2"})
    assert anonymous.status_code == 303 and anonymous.headers["location"].endswith("?replied=1")
    assert (
        "The policing team knows you are coming"
        in (await another_web.get(anonymous.headers["location"])).text
    )
    bad = await another_web.post_form(url, {"party": "0", "email": "not-an-address", "name": "=cmd"})
    assert bad.status_code == 422
    assert "from 1 to 20" in bad.text and "correct format" in bad.text and "must not start with" in bad.text
    named = await another_web.post_form(
        url, {"party": "1", "name": "Rosa Jones", "email": "rosa@example.com"}
    )
    assert named.status_code == 303
    no_token = await another_web.http.post(url, data={"party": "1"})
    assert no_token.status_code == 403
    async with db.reading() as session:
        replies = (await session.exec(select(MeetingRsvp).order_by(col(MeetingRsvp.id)))).all()
    assert [(r.name, r.email, r.party) for r in replies] == [
        ("", None, 2),
        ("Rosa Jones", "rosa@example.com", 1),
    ]
    staff_page = await web.get(f"/priorities/manage/meetings/{meeting.id}")
    assert "2 replies, 3 people in all" in staff_page.text and "rosa@example.com" in staff_page.text
    public_page = await another_web.get(f"/priorities/meetings/{meeting.id}")
    assert "Rosa Jones" not in public_page.text and "rosa@example.com" not in public_page.text
    statuses = [(await another_web.post_form(url, {"party": "1"})).status_code for _ in range(10)]
    assert statuses.count(429) >= 1 and statuses[0] == 303  # 10 an hour from one address (the default)


async def test_after_the_meeting_the_tally_counts_with_online_votes_and_the_result_says_how_many_from_each(
    rounds: Rounds,
    web: WebClient,
    another_web: WebClient,
    db: Database,
    clock: FrozenClock,
    police: StaffUser,
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN, top_n=1)
    a, b = row_id(issues[0]), row_id(issues[1])
    for n in range(3):
        await cast(db, item, clock, f"v{n}@example.com", [a], postcode=POSTCODES[n])
    await web.login(police.email, PASSWORD)
    await advertise(web, row_id(item))
    (meeting,) = await meetings(db)
    tally_url = f"/priorities/manage/meetings/{meeting.id}/tally"
    tally = {
        "attendance": "12",
        f"hands_{a}": "1",
        f"hands_{b}": "9",
        "note": "Parking near the school raised",
    }
    early = await web.post_form(tally_url, tally)
    assert early.status_code == 422 and "once the meeting has started" in early.text
    clock.set(meeting.held_on + timedelta(hours=2))
    await web.login(police.email, PASSWORD)  # a week on: the staff session has expired
    too_many = await web.post_form(tally_url, {**tally, f"hands_{b}": "13"})
    assert too_many.status_code == 422 and "more hands than people" in too_many.text
    assert (await web.post_form(tally_url, tally)).status_code == 303
    async with db.reading() as session:
        counts = (await session.exec(select(MeetingCount).order_by(col(MeetingCount.candidate_id)))).all()
        actions = (await session.exec(select(AuditEntry.action))).all()
    assert [(c.candidate_id, c.hands) for c in counts] == [(a, 1), (b, 9)] + [
        (row_id(i), 0) for i in issues[2:]
    ]
    assert "priorities.record_meeting" in actions
    # A correction replaces the tally and is audited as one.
    assert (await web.post_form(tally_url, {**tally, f"hands_{b}": "8"})).status_code == 303
    async with db.reading() as session:
        assert "priorities.correct_meeting" in (await session.exec(select(AuditEntry.action))).all()

    later = await advertise(web, row_id(item), starts_at="2026-12-08T19:00", ends_at="2026-12-08T20:00")
    await web.post_form(f"{later.headers['location']}/cancel", {"reason": "Snow"})
    base = f"/priorities/manage/rounds/{item.id}"
    assert (await web.post_form(f"{base}/state", {"action": "close"})).status_code == 303
    assert (await web.post_form(f"{base}/publish", {"chosen": [b], "reason": ""})).status_code == 303
    async with db.reading() as session:
        fresh = await session.get(PriorityRound, item.id)
    assert fresh is not None and fresh.state == RoundState.PUBLISHED and fresh.meeting_attendance == 12
    page = (await another_web.get(f"/priorities/rounds/{item.id}")).text
    assert "How online and meeting votes combined" in page
    assert "Online: fewer than 5 votes from fewer than 5 people." in page  # 3 votes, the small-count rule
    assert "At 1 public meeting: 9 votes by show of hands, from 12 people there." in page
    assert "Together: 12 votes" in page
    (published,) = (await another_web.get("/priorities/fernbridge-central/data.json")).json()["rounds"]
    assert published["meetings"] == [{"date": "2026-12-01", "place": DETAILS["place"], "attendance": 12}]
    meeting_page = (await another_web.get(f"/priorities/meetings/{meeting.id}")).text
    assert "12 people came" in meeting_page and "Parking near the school raised" in meeting_page
    assert "Tell us you are coming" not in meeting_page


async def test_cancelling_a_meeting_emails_the_people_who_left_an_address_and_stops_replies(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    await web.login(police.email, PASSWORD)
    await advertise(web, row_id(item))
    (meeting,) = await meetings(db)
    rsvp = f"/priorities/meetings/{meeting.id}/rsvp"
    await another_web.post_form(rsvp, {"party": "1", "email": "sam@example.com"})
    await another_web.post_form(rsvp, {"party": "3"})
    cancel = f"/priorities/manage/meetings/{meeting.id}/cancel"
    assert (await web.post_form(cancel, {"reason": ""})).status_code == 422
    assert (await web.post_form(cancel, {"reason": "The library is closed for repairs"})).status_code == 303
    (message,) = await outbox(db, "sam@example.com")
    assert "is cancelled" in message.subject and "closed for repairs" in message.body_text
    assert len(await outbox(db)) == 1
    assert (await another_web.post_form(rsvp, {"party": "1"})).status_code == 403
    page = await another_web.get(f"/priorities/meetings/{meeting.id}")
    assert "This meeting is cancelled" in page.text and "Tell us you are coming" not in page.text
    assert (await another_web.get(f"/priorities/meetings/{meeting.id}/poster")).status_code == 409
    assert (await web.post_form(cancel, {"reason": "again"})).status_code == 409
    assert "Fernbridge Library" not in (await another_web.get("/priorities/fernbridge-central")).text


async def test_the_poster_carries_the_details_and_a_server_made_qr_code(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    await web.login(police.email, PASSWORD)
    await advertise(web, row_id(item))
    (meeting,) = await meetings(db)
    poster = await another_web.get(f"/priorities/meetings/{meeting.id}/poster")
    assert poster.status_code == 200
    assert poster.text.count('class="civic-qr"') == 1 and "<path" in poster.text
    assert f"http://testserver/priorities/meetings/{meeting.id}" in poster.text
    assert "Step-free access" in poster.text and "1 December 2026, 7pm to 8:30pm" in poster.text
    assert "civic-poster" in poster.text and "http" + "s://api.qrserver" not in poster.text
