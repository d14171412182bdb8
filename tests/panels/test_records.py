"""Services: transitions refused with 409, quorum from attendance, declarations blocking votes,
casting votes, decisions, minutes approval by a later meeting, and immutable published minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from civic.core.audit import AuditEntry, verify_chain
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.errors import ServiceError
from civic.core.state import app_state
from civic.panels import service, service_minutes, service_record
from civic.panels.links import MINUTES_KIND
from civic.panels.models import MinutesVersion, PanelMeeting
from civic.panels.procedure import (
    AttendanceStatus,
    Choice,
    DeclarationAction,
    MeetingState,
    ProcedureError,
    Tally,
)
from civic.panels.service_minutes import ImmutableMinutes
from tests.panels import steps
from tests.panels.conftest import PanelSetup

P = AttendanceStatus.PRESENT


async def load(db: Database, setup: PanelSetup) -> service_record.MeetingRecord:
    async with db.reading() as session:
        meeting, panel = await service.get_meeting(session, row_id(setup.meeting))
        return await service_record.load(session, meeting, panel)


async def attend(db: Database, clock: FrozenClock, setup: PanelSetup, names: list[str]) -> None:
    async with db.transaction() as session:
        meeting, panel = await service.get_meeting(session, row_id(setup.meeting))
        rec = await service_record.load(session, meeting, panel)
        await service_record.record_attendance(
            session, rec, {setup.id(n): (P, "") for n in names}, actor=None, now=clock.now()
        )


async def test_transitions_out_of_order_are_refused_with_409(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    async with db.transaction() as session:
        meeting = await session.get(PanelMeeting, setup.meeting.id)
        assert meeting is not None
        with pytest.raises(ServiceError) as refused:
            await service.hold_meeting(session, meeting, actor=None, now=clock.now())
        assert refused.value.status_code == 409
        with pytest.raises(ProcedureError, match="at least one item"):
            await service.publish_agenda(session, meeting, actor=None, now=clock.now())
    await steps.hold(db, clock, setup)
    async with db.transaction() as session:
        meeting = await session.get(PanelMeeting, setup.meeting.id)
        assert meeting is not None
        for bad in (MeetingState.CANCELLED, MeetingState.PUBLISHED, MeetingState.AGENDA_PUBLISHED):
            with pytest.raises(ServiceError) as refused:
                await service.move(session, meeting, bad, actor=None, now=clock.now())
            assert refused.value.status_code == 409
        with pytest.raises(ServiceError):
            await service.add_item(session, meeting, actor=None, now=clock.now(), title="Late item")


async def test_short_notice_agenda_records_the_urgency_reason(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    clock.advance(timedelta(days=7))  # three days before the meeting
    async with db.transaction() as session:
        meeting = await session.get(PanelMeeting, setup.meeting.id)
        assert meeting is not None
        await service.add_item(session, meeting, actor=None, now=clock.now(), title="Flooding")
        with pytest.raises(ProcedureError, match="clear days"):
            await service.publish_agenda(session, meeting, actor=None, now=clock.now())
        await service.publish_agenda(
            session, meeting, actor=None, now=clock.now(), urgency_reason="Flood response"
        )
        assert meeting.urgency_reason == "Flood response" and (meeting.notice_clear_days or 0) < 5
        entry = (
            await session.exec(
                select(AuditEntry).where(AuditEntry.action == "panels.meeting.agenda_published")
            )
        ).one()
        assert "urgent: Flood response" in entry.reason and entry.public


async def test_inquorate_meeting_cannot_decide(db: Database, clock: FrozenClock, setup: PanelSetup) -> None:
    await steps.hold(db, clock, setup)
    await attend(db, clock, setup, ["Joan Okafor", "Tom Price", "Insp. Lee Grant"])  # 2 of 6 voting
    rec = await load(db, setup)
    assert (rec.quorum.needed, rec.quorum.present, rec.quorum.quorate) == (3, 2, False)
    item = row_id(rec.items[0])
    async with db.transaction() as session:
        with pytest.raises(ServiceError) as refused:
            await service_record.record_motion(
                session,
                rec,
                actor=None,
                now=clock.now(),
                item_id=item,
                text="Fund it",
                proposer_id=setup.id("Joan Okafor"),
                seconder_id=setup.id("Tom Price"),
                tally=Tally(2, 0, 0),
            )
        assert refused.value.status_code == 409
        with pytest.raises(ServiceError):
            await service_record.record_decision(
                session,
                rec,
                actor=None,
                now=clock.now(),
                item_id=item,
                motion_id=None,
                text="Fund it",
                reasons="Because",
                alternatives="",
            )


async def test_declared_and_withdrawn_member_cannot_be_recorded_voting(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.hold(db, clock, setup)
    await attend(db, clock, setup, ["Joan Okafor", "Ravi Menon", "Tom Price", "Aisha Begum"])
    rec = await load(db, setup)
    item = row_id(rec.items[0])
    async with db.transaction() as session:
        await service_record.declare_interest(
            session,
            rec,
            actor=None,
            now=clock.now(),
            member_id=setup.id("Tom Price"),
            item_id=item,
            nature="a grant application by his tenants' association",
            action=DeclarationAction.LEFT_ROOM,
        )
        votes = {setup.id("Joan Okafor"): Choice.FOR, setup.id("Tom Price"): Choice.FOR}
        with pytest.raises(ProcedureError, match="withdrew"):
            await service_record.record_motion(
                session,
                rec,
                actor=None,
                now=clock.now(),
                item_id=item,
                text="Fund it",
                proposer_id=setup.id("Joan Okafor"),
                seconder_id=setup.id("Ravi Menon"),
                tally=Tally(2, 0, 0),
                recorded=votes,
            )
        with pytest.raises(ProcedureError, match="More votes"):  # 3 eligible now, not 4
            await service_record.record_motion(
                session,
                rec,
                actor=None,
                now=clock.now(),
                item_id=item,
                text="Fund it",
                proposer_id=setup.id("Joan Okafor"),
                seconder_id=setup.id("Ravi Menon"),
                tally=Tally(4, 0, 0),
            )


@pytest.mark.parametrize(("casting", "outcome"), [(Choice.FOR, "carried"), (Choice.AGAINST, "lost")])
async def test_a_tie_goes_the_way_of_the_chairs_casting_vote_in_the_record_and_the_minutes(
    db: Database, clock: FrozenClock, setup: PanelSetup, casting: Choice, outcome: str
) -> None:
    await steps.hold(db, clock, setup)
    await attend(db, clock, setup, ["Joan Okafor", "Ravi Menon", "Tom Price", "Aisha Begum"])
    rec = await load(db, setup)
    item = row_id(rec.items[0])
    votes = {
        setup.id("Joan Okafor"): Choice.FOR,
        setup.id("Ravi Menon"): Choice.FOR,
        setup.id("Tom Price"): Choice.AGAINST,
        setup.id("Aisha Begum"): Choice.AGAINST,
    }
    async with db.transaction() as session:
        motion = await service_record.record_motion(
            session, rec, actor=None, now=clock.now(), item_id=item, text="Fund the youth club",
            proposer_id=setup.id("Joan Okafor"), seconder_id=setup.id("Ravi Menon"),
            tally=Tally(2, 2, 0, casting), recorded=votes,
        )  # fmt: skip
    rec = await load(db, setup)  # what was stored, not the object handed back
    [stored] = rec.motions
    assert stored.tally.outcome.value == outcome
    assert (stored.casting_vote, stored.casting_member_id) == (casting, setup.id("Joan Okafor"))
    assert rec.votes[row_id(stored)] == votes
    async with db.reading() as session:
        entry = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "panels.record_vote"))
        ).one()
    assert entry.reason == f"{outcome}: 2 for, 2 against, 0 abstained; chair's casting vote {casting.value}"
    async with db.transaction() as session:
        decide = service_record.record_decision(
            session, rec, actor=None, now=clock.now(), item_id=item, motion_id=motion.id,
            text="Grant £2,000 to the youth club", reasons="Most-requested service",
            alternatives="Split the fund",
            actions=[("Pay the grant", "Community team", (clock.now() + timedelta(days=30)).date())],
        )  # fmt: skip
        if outcome == "lost":  # a motion the casting vote defeated cannot carry a decision
            with pytest.raises(ProcedureError, match="lost"):
                await decide
        else:
            decision = await decide
            assert rec.actions[row_id(decision)][0].status.value == "open"
    async with db.transaction() as session:
        version = await service_minutes.draft_minutes(
            session, await load(db, setup), actor=None, now=clock.now()
        )
    lines = version.body.splitlines()
    assert "Motion: Fund the youth club" in lines
    assert (
        f"Vote: 2 for, 2 against, 0 abstentions; the chair's casting vote was {casting.value}. "
        f"The motion was {outcome}."
    ) in lines
    for name in ("Joan Okafor", "Ravi Menon"):
        assert f"  {name}: for" in lines
    for name in ("Tom Price", "Aisha Begum"):
        assert f"  {name}: against" in lines
    assert ("Decision: Grant £2,000 to the youth club" in lines) == (outcome == "carried")
    async with db.reading() as session:
        assert (await verify_chain(session)).ok


async def test_minutes_approved_by_a_later_meeting_and_published_versions_are_immutable(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.hold(db, clock, setup)
    await attend(db, clock, setup, ["Joan Okafor", "Ravi Menon", "Tom Price", "Aisha Begum"])
    async with db.transaction() as session:
        meeting, panel = await service.get_meeting(session, row_id(setup.meeting))
        rec = await service_record.load(session, meeting, panel)
        version = await service_minutes.draft_minutes(session, rec, actor=None, now=clock.now())
        assert "Present: Joan Okafor" in version.body
        await service_minutes.edit_draft(
            session, meeting, version.body + "Meeting closed at 8pm.", actor=None, now=clock.now()
        )
        with pytest.raises(ServiceError) as refused:
            await service_minutes.publish_minutes(session, meeting, actor=None, now=clock.now())
        assert refused.value.status_code == 409
        later = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=clock.now(),
            starts_at=clock.now() + timedelta(days=28),
            place="Library",
        )
        with pytest.raises(ProcedureError):  # a meeting cannot approve its own or a later meeting's minutes
            await service.add_item(
                session,
                meeting.model_copy(update={"state": MeetingState.SCHEDULED}),
                actor=None,
                now=clock.now(),
                title="Minutes",
                links=[(MINUTES_KIND, str(later.id), "Minutes")],
            )
        await service.add_item(
            session,
            later,
            actor=None,
            now=clock.now(),
            title="Minutes of the last meeting",
            links=[(MINUTES_KIND, str(meeting.id), "Minutes")],
        )
        await service.publish_agenda(session, later, actor=None, now=clock.now())
    clock.advance(timedelta(days=28))
    async with db.transaction() as session:
        later_meeting, panel = await service.get_meeting(session, row_id(later))
        await service.hold_meeting(session, later_meeting, actor=None, now=clock.now())
        rec2 = await service_record.load(session, later_meeting, panel)
        await service_record.record_attendance(
            session,
            rec2,
            {setup.id(n): (P, "") for n in ["Joan Okafor", "Tom Price", "Dev Sharma"]},
            actor=None,
            now=clock.now(),
        )
        await service_record.record_motion(
            session,
            rec2,
            actor=None,
            now=clock.now(),
            item_id=row_id(rec2.items[0]),
            text="That the minutes be approved as a correct record",
            proposer_id=setup.id("Tom Price"),
            seconder_id=setup.id("Dev Sharma"),
            tally=Tally(3, 0, 0),
        )
        first = await session.get(PanelMeeting, setup.meeting.id)
        assert first is not None and first.state == MeetingState.MINUTES_APPROVED
        with pytest.raises(ServiceError):  # approved minutes are fixed
            await service_minutes.edit_draft(session, first, "changed", actor=None, now=clock.now())
        published = await service_minutes.publish_minutes(session, first, actor=None, now=clock.now())
        assert published.number == 1 and "closed at 8pm" in published.body
    async with db.transaction() as session:
        stored = (
            await session.exec(select(MinutesVersion).where(MinutesVersion.meeting_id == setup.meeting.id))
        ).one()
        stored.body = "rewritten history"
        session.add(stored)
        with pytest.raises(ImmutableMinutes):
            await session.flush()
    async with db.transaction() as session:
        first = await session.get(PanelMeeting, setup.meeting.id)
        assert first is not None
        correction = await service_minutes.publish_correction(
            session,
            first,
            published.body.replace("8pm", "8.15pm"),
            "Closing time was 8.15pm",
            actor=None,
            now=clock.now(),
        )
        assert correction.number == 2
        versions = await service_minutes.versions_of(session, first)
        assert [v.number for v in versions] == [1, 2] and "8pm" in versions[0].body


async def test_unconfirmed_subscriptions_are_purged_after_a_week(
    app: object, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    from civic.core.jobs import JobContext
    from civic.panels import service_subscriptions
    from civic.panels.jobs import purge_subscriptions
    from civic.panels.models import PanelSubscription

    state = app_state(app)
    async with db.transaction() as session:
        for address in ("a@example.org", "b@example.org"):
            await service_subscriptions.request_subscription(
                session, setup.panel, address, settings=state.settings, mail=state.mail, now=clock.now()
            )
        first = (await session.exec(select(PanelSubscription))).first()
        assert first is not None
        first.status = first.status.CONFIRMED
        session.add(first)
    clock.advance(timedelta(days=8))
    result = await purge_subscriptions(
        JobContext(db=db, settings=state.settings, now=clock.now(), mail=state.mail)
    )
    assert result == "removed 1 subscriptions never confirmed"
    async with db.reading() as session:
        assert [s.status.value for s in (await session.exec(select(PanelSubscription))).all()] == [
            "confirmed"
        ]


async def test_published_minutes_cannot_be_deleted(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.publish_minutes(db, clock, setup)
    async with db.transaction() as session:
        version = (await session.exec(select(MinutesVersion))).one()
        await session.delete(version)
        with pytest.raises(ImmutableMinutes):
            await session.flush()


async def test_vice_chair_presides_when_the_chair_is_absent_and_proposers_must_attend(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.hold(db, clock, setup)
    await attend(db, clock, setup, ["Ravi Menon", "Tom Price", "Aisha Begum", "Dev Sharma"])
    rec = await load(db, setup)
    assert rec.chair is not None and rec.chair.name == "Ravi Menon"
    item = row_id(rec.items[0])
    async with db.transaction() as session:
        with pytest.raises(ProcedureError, match="attending the meeting"):
            await service_record.record_motion(
                session, rec, actor=None, now=clock.now(), item_id=item, text="x",
                proposer_id=setup.id("Joan Okafor"), seconder_id=setup.id("Tom Price"), tally=Tally(2, 0, 0),
            )  # fmt: skip
        motion = await service_record.record_motion(
            session, rec, actor=None, now=clock.now(), item_id=item, text="Fund it",
            proposer_id=setup.id("Tom Price"), seconder_id=setup.id("Dev Sharma"), tally=Tally(2, 2, 0, Choice.AGAINST),
        )  # fmt: skip
        assert motion.casting_member_id == setup.id("Ravi Menon") and motion.tally.outcome.value == "lost"


async def test_nobody_presiding_means_no_casting_vote(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.hold(db, clock, setup)
    await attend(db, clock, setup, ["Siobhan Kelly", "Tom Price", "Aisha Begum", "Dev Sharma"])
    rec = await load(db, setup)
    async with db.transaction() as session:
        with pytest.raises(ProcedureError, match="Only the person chairing"):
            await service_record.record_motion(
                session, rec, actor=None, now=clock.now(), item_id=row_id(rec.items[0]), text="x",
                proposer_id=setup.id("Tom Price"), seconder_id=setup.id("Dev Sharma"), tally=Tally(1, 1, 2, Choice.FOR),
            )  # fmt: skip


async def test_removing_an_item_closes_up_the_numbering(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    async with db.transaction() as session:
        meeting = await session.get(PanelMeeting, setup.meeting.id)
        assert meeting is not None
        items = [
            await service.add_item(
                session,
                meeting,
                actor=None,
                now=clock.now(),
                title=t,
                links=[("petition", "3", "Petition 3")],
            )
            for t in ("One", "Two", "Three")
        ]
        await service.remove_item(session, meeting, row_id(items[0]), actor=None, now=clock.now())
        assert [(i.position, i.title) for i in await service.items_of(session, meeting)] == [
            (1, "Two"),
            (2, "Three"),
        ]
        await service.publish_agenda(session, meeting, actor=None, now=clock.now())
        with pytest.raises(ServiceError):
            await service.remove_item(session, meeting, row_id(items[1]), actor=None, now=clock.now())


async def test_a_withdrawal_cannot_be_recorded_after_the_member_voted(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.hold(db, clock, setup)
    await attend(db, clock, setup, ["Joan Okafor", "Ravi Menon", "Tom Price", "Aisha Begum"])
    rec = await load(db, setup)
    item = row_id(rec.items[0])
    votes = {setup.id("Tom Price"): Choice.FOR, setup.id("Joan Okafor"): Choice.FOR}
    async with db.transaction() as session:
        await service_record.record_motion(
            session, rec, actor=None, now=clock.now(), item_id=item, text="Fund it",
            proposer_id=setup.id("Joan Okafor"), seconder_id=setup.id("Tom Price"), tally=Tally(2, 0, 0), recorded=votes,
        )  # fmt: skip
        with pytest.raises(ProcedureError, match="withdrawal must come first"):
            await service_record.declare_interest(
                session, rec, actor=None, now=clock.now(), member_id=setup.id("Tom Price"), item_id=item,
                nature="Treasurer of the club", action=DeclarationAction.LEFT_ROOM,
            )  # fmt: skip
        await service_record.declare_interest(  # an interest that does not stop him taking part is recorded
            session, rec, actor=None, now=clock.now(), member_id=setup.id("Tom Price"), item_id=item,
            nature="Member of the club", action=DeclarationAction.STAYED,
        )  # fmt: skip
