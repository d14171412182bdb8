"""Services: moving a meeting before it is held, items added late with a reason of urgency, and
published items withdrawn rather than removed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.errors import ServiceError
from civic.panels import service, service_agenda, service_minutes, service_record, service_rescheduling
from civic.panels.models import PanelMeeting
from civic.panels.procedure import AttendanceStatus, ProcedureError, Tally
from civic.panels.service_rescheduling import NewArrangements
from tests.panels import steps
from tests.panels.conftest import PanelSetup


async def _meeting(session: object, setup: PanelSetup) -> PanelMeeting:
    meeting = await session.get(PanelMeeting, setup.meeting.id)  # type: ignore[attr-defined]
    assert meeting is not None
    return meeting


async def _audit(db: Database, action: str) -> list[AuditEntry]:
    async with db.reading() as session:
        rows = await session.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
        )
        return list(rows.all())


async def test_a_scheduled_meeting_moves_without_a_notice_check_and_keeps_its_history(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    old = setup.meeting.starts_at
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        soon = NewArrangements(clock.now() + timedelta(days=2), "Community Hub", "", "The library is closed")
        change = await service_rescheduling.reschedule_meeting(
            session, meeting, soon, actor=None, now=clock.now()
        )
        assert (meeting.starts_at, meeting.place, meeting.notice_clear_days) == (
            soon.starts_at,
            "Community Hub",
            None,
        )
        assert change.moved and not change.agenda_published and change.old_starts_at == old
        assert change.old_place == "Fernbridge Library" and change.reason == "The library is closed"
        assert [c.id for c in await service_rescheduling.changes_of(session, meeting)] == [change.id]
    (entry,) = await _audit(db, "panels.reschedule_meeting")
    assert entry.public and "moved from 2 December 2026 at 10am" in entry.reason
    assert "place changed from Fernbridge Library to Community Hub: The library is closed" in entry.reason


async def test_a_published_meeting_moved_at_short_notice_needs_a_reason_of_urgency(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.publish(db, clock, setup)  # Sunday: 7 clear working days before Wednesday week
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        wednesday = clock.now() + timedelta(days=3)  # two clear days: Monday and Tuesday
        with pytest.raises(ProcedureError, match="2 clear days") as short:
            await service_rescheduling.reschedule_meeting(
                session,
                meeting,
                NewArrangements(wednesday, meeting.place, "", "Clash"),
                actor=None,
                now=clock.now(),
            )
        assert short.value.field == "urgency_reason" and meeting.starts_at == setup.meeting.starts_at
        urgent = NewArrangements(
            wednesday, meeting.place, "", "Clash with the election count", "Funding deadline"
        )
        change = await service_rescheduling.reschedule_meeting(
            session, meeting, urgent, actor=None, now=clock.now()
        )
        assert (change.notice_clear_days, change.urgency_reason) == (2, "Funding deadline")
        assert (meeting.notice_clear_days, meeting.urgency_reason) == (2, "Funding deadline")
        later = NewArrangements(
            clock.now() + timedelta(days=21), meeting.place, "", "Back to the usual week", "x"
        )
        await service_rescheduling.reschedule_meeting(session, meeting, later, actor=None, now=clock.now())
        assert (
            meeting.urgency_reason == "" and meeting.notice_clear_days == 15
        )  # three full weeks: no urgency
        assert [
            len(c)
            for c in (await service_rescheduling.changes_by_meeting(session, [row_id(meeting)])).values()
        ] == [2]


async def test_a_new_place_or_link_alone_keeps_the_notice_already_given(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.publish(db, clock, setup)
    clock.set(setup.meeting.starts_at - timedelta(days=1))
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        online = NewArrangements(
            meeting.starts_at, meeting.place, "https://meet.example/panel", "Also online"
        )
        change = await service_rescheduling.reschedule_meeting(
            session, meeting, online, actor=None, now=clock.now()
        )
        assert not change.moved and change.notice_clear_days is None and meeting.notice_clear_days == 7
        assert "online link changed: Also online" in service_rescheduling.describe(change)


async def test_moves_that_change_nothing_go_back_in_time_or_give_no_reason_are_refused(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        same = NewArrangements(meeting.starts_at, meeting.place, "", "No change")
        past = NewArrangements(clock.now() - timedelta(hours=1), meeting.place, "", "Oops")
        silent = NewArrangements(meeting.starts_at + timedelta(days=1), meeting.place, "", "  ")
        for new, message, field in (
            (same, "Change the date", "day"),
            (past, "must be in the future", "day"),
            (silent, "Give the reason", "reason"),
        ):
            with pytest.raises(ProcedureError, match=message) as refused:
                await service_rescheduling.reschedule_meeting(
                    session, meeting, new, actor=None, now=clock.now()
                )
            assert refused.value.field == field
        assert await service_rescheduling.changes_of(session, meeting) == []


async def test_held_and_cancelled_meetings_cannot_move(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.hold(db, clock, setup)
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        new = NewArrangements(clock.now() + timedelta(days=7), "Hall", "", "Too late")
        with pytest.raises(ServiceError) as refused:
            await service_rescheduling.reschedule_meeting(session, meeting, new, actor=None, now=clock.now())
        assert refused.value.status_code == 409
        other = await service.schedule_meeting(
            session,
            setup.panel,
            actor=None,
            now=clock.now(),
            starts_at=clock.now() + timedelta(days=9),
            place="Hall",
        )
        await service.cancel_meeting(session, other, actor=None, now=clock.now(), reason="No business")
        with pytest.raises(ServiceError):
            await service_rescheduling.reschedule_meeting(session, other, new, actor=None, now=clock.now())


async def test_an_item_added_after_publication_needs_and_shows_its_reason_of_urgency(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.publish(db, clock, setup)
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        with pytest.raises(ProcedureError, match="urgent enough") as refused:
            await service.add_item(session, meeting, actor=None, now=clock.now(), title="Flooding")
        assert refused.value.field == "late_reason"
        item = await service.add_item(
            session,
            meeting,
            actor=None,
            now=clock.now(),
            title="Flooding",
            late_reason="The estate flooded on Friday",
        )
        assert (item.position, item.late_reason) == (2, "The estate flooded on Friday")
    (entry,) = await _audit(db, "panels.add_late_item")
    assert entry.public and entry.reason == "Flooding: The estate flooded on Friday"
    clock.set(setup.meeting.starts_at)
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        await service.hold_meeting(session, meeting, actor=None, now=clock.now())
        with pytest.raises(ServiceError):
            await service.add_item(session, meeting, actor=None, now=clock.now(), title="x", late_reason="y")


async def test_a_published_item_is_withdrawn_not_removed_and_takes_no_business(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.publish(db, clock, setup, titles=("Community fund", "Skate park"))
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        fund, skate = await service.items_of(session, meeting)
        with pytest.raises(ServiceError) as refused:
            await service.remove_item(session, meeting, row_id(skate), actor=None, now=clock.now())
        assert refused.value.status_code == 409 and "Withdraw the item instead" in str(refused.value.detail)
        with pytest.raises(ProcedureError, match="Give the reason"):
            await service_agenda.withdraw_item(
                session, meeting, row_id(skate), actor=None, now=clock.now(), reason=""
            )
        with pytest.raises(ProcedureError, match="not on this agenda"):
            await service_agenda.withdraw_item(
                session, meeting, 9999, actor=None, now=clock.now(), reason="x"
            )
        await service_agenda.withdraw_item(
            session, meeting, row_id(skate), actor=None, now=clock.now(), reason="The report is not ready"
        )
        with pytest.raises(ServiceError) as twice:
            await service_agenda.withdraw_item(
                session, meeting, row_id(skate), actor=None, now=clock.now(), reason="x"
            )
        assert twice.value.status_code == 409
        assert [(i.title, i.withdrawn) for i in await service.items_of(session, meeting)] == [
            ("Community fund", False),
            ("Skate park", True),
        ]
    (entry,) = await _audit(db, "panels.withdraw_item")
    assert entry.public and entry.reason == "Skate park: The report is not ready"
    clock.set(setup.meeting.starts_at)
    async with db.transaction() as session:
        meeting, panel = await service.get_meeting(session, row_id(setup.meeting))
        await service.hold_meeting(session, meeting, actor=None, now=clock.now())
        rec = await service_record.load(session, meeting, panel)
        entries = {setup.id(n): (AttendanceStatus.PRESENT, "") for n in steps.PRESENT}
        await service_record.record_attendance(session, rec, entries, actor=None, now=clock.now())
        with pytest.raises(ProcedureError, match="withdrawn"):
            await service_record.record_motion(
                session, rec, actor=None, now=clock.now(), item_id=row_id(skate), text="Build it",
                proposer_id=setup.id("Joan Okafor"), seconder_id=None, tally=Tally(3, 0, 0),
            )  # fmt: skip
        with pytest.raises(ServiceError):
            await service_agenda.withdraw_item(
                session, meeting, row_id(fund), actor=None, now=clock.now(), reason="x"
            )
        draft = await service_minutes.draft_minutes(session, rec, actor=None, now=clock.now())
    assert "2. Skate park\nWithdrawn: The report is not ready" in draft.body


async def test_minutes_record_why_a_late_item_was_taken(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.publish(db, clock, setup)
    async with db.transaction() as session:
        meeting = await _meeting(session, setup)
        await service.add_item(
            session, meeting, actor=None, now=clock.now(), title="Flooding", late_reason="Storm"
        )
    clock.set(setup.meeting.starts_at)
    async with db.transaction() as session:
        meeting, panel = await service.get_meeting(session, row_id(setup.meeting))
        await service.hold_meeting(session, meeting, actor=None, now=clock.now())
        draft = await service_minutes.draft_minutes(
            session, await service_record.load(session, meeting, panel), actor=None, now=clock.now()
        )
    assert "2. Flooding\nAdded after the agenda was published: Storm" in draft.body
