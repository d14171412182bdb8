"""Moves the fixture meeting through its states with the services, for tests about later stages."""

from __future__ import annotations

from datetime import timedelta

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.panels import service, service_minutes, service_record
from civic.panels.links import MINUTES_KIND
from civic.panels.models import Decision, PanelMeeting
from civic.panels.procedure import AttendanceStatus, Tally
from tests.panels.conftest import PanelSetup

PRESENT = ("Joan Okafor", "Ravi Menon", "Tom Price", "Aisha Begum")


async def publish(
    db: Database, clock: FrozenClock, setup: PanelSetup, titles: tuple[str, ...] = ("Community fund",)
) -> None:
    async with db.transaction() as session:
        meeting = await session.get(PanelMeeting, setup.meeting.id)
        assert meeting is not None
        for title in titles:
            await service.add_item(session, meeting, actor=None, now=clock.now(), title=title)
        await service.publish_agenda(session, meeting, actor=None, now=clock.now())


async def hold(db: Database, clock: FrozenClock, setup: PanelSetup) -> None:
    await publish(db, clock, setup)
    clock.set(setup.meeting.starts_at)
    async with db.transaction() as session:
        meeting = await session.get(PanelMeeting, setup.meeting.id)
        assert meeting is not None
        await service.hold_meeting(session, meeting, actor=None, now=clock.now())


async def decide(
    db: Database, clock: FrozenClock, setup: PanelSetup, due_in: timedelta = timedelta(days=14)
) -> Decision:
    await hold(db, clock, setup)
    async with db.transaction() as session:
        meeting, panel = await service.get_meeting(session, row_id(setup.meeting))
        rec = await service_record.load(session, meeting, panel)
        entries = {setup.id(n): (AttendanceStatus.PRESENT, "") for n in PRESENT}
        await service_record.record_attendance(session, rec, entries, actor=None, now=clock.now())
        item = row_id(rec.items[0])
        motion = await service_record.record_motion(
            session, rec, actor=None, now=clock.now(), item_id=item, text="Fund the youth club",
            proposer_id=setup.id("Joan Okafor"), seconder_id=setup.id("Ravi Menon"), tally=Tally(3, 1, 0),
        )  # fmt: skip
        return await service_record.record_decision(
            session, rec, actor=None, now=clock.now(), item_id=item, motion_id=motion.id,
            text="Grant £2,000 to the youth club", reasons="Most requested", alternatives="Split the fund",
            actions=[("Pay the grant", "Community team", (clock.now() + due_in).date())],
        )  # fmt: skip


async def approve(db: Database, clock: FrozenClock, setup: PanelSetup) -> PanelMeeting:
    """Decide, draft, and approve at a later meeting; returns the later meeting."""
    await decide(db, clock, setup)
    async with db.transaction() as session:
        meeting, panel = await service.get_meeting(session, row_id(setup.meeting))
        await service_minutes.draft_minutes(
            session, await service_record.load(session, meeting, panel), actor=None, now=clock.now()
        )
        later = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=clock.now(),
            starts_at=clock.now() + timedelta(days=21),
            place="Library",
        )
        await service.add_item(
            session,
            later,
            actor=None,
            now=clock.now(),
            title="Minutes",
            links=[(MINUTES_KIND, str(meeting.id), "Minutes")],
        )
        await service.publish_agenda(session, later, actor=None, now=clock.now())
    clock.set(later.starts_at)
    async with db.transaction() as session:
        later, panel = await service.get_meeting(session, row_id(later))
        await service.hold_meeting(session, later, actor=None, now=clock.now())
        rec = await service_record.load(session, later, panel)
        entries = {setup.id(n): (AttendanceStatus.PRESENT, "") for n in PRESENT}
        await service_record.record_attendance(session, rec, entries, actor=None, now=clock.now())
        await service_record.record_motion(
            session, rec, actor=None, now=clock.now(), item_id=row_id(rec.items[0]), text="Approve the minutes",
            proposer_id=setup.id("Tom Price"), seconder_id=setup.id("Aisha Begum"), tally=Tally(4, 0, 0),
        )  # fmt: skip
    return later


async def publish_minutes(db: Database, clock: FrozenClock, setup: PanelSetup) -> PanelMeeting:
    """Decide, draft, approve at a later meeting and publish; returns the later meeting."""
    later = await approve(db, clock, setup)
    async with db.transaction() as session:
        first = await session.get(PanelMeeting, setup.meeting.id)
        assert first is not None
        await service_minutes.publish_minutes(session, first, actor=None, now=clock.now())
    return later
