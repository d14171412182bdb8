"""What happened at a meeting: attendance, declarations, motions and votes, decisions and actions.

Each write checks the rules of procedure (`procedure`) against what is already recorded: quorum comes
from attendance, a member who declared and withdrew cannot vote, an inquorate meeting decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.panels import service, service_actions, service_journal, service_membership
from civic.panels.links import MINUTES_KIND
from civic.panels.models import (
    AgendaItem,
    AgendaLink,
    Attendance,
    Decision,
    Declaration,
    MemberVote,
    Motion,
    Panel,
    PanelAction,
    PanelMeeting,
    PanelMember,
)
from civic.panels.procedure import (
    ATTENDING,
    WITHDRAWING,
    AttendanceStatus,
    Choice,
    DeclarationAction,
    MeetingState,
    Outcome,
    ProcedureError,
    Quorum,
    Tally,
    check_vote,
    eligible_voters,
    quorum,
    withdrawn_members,
)


@dataclass
class MeetingRecord:
    """Everything recorded for one meeting, loaded once for a page or for the minutes."""

    panel: Panel
    meeting: PanelMeeting
    members: list[PanelMember]  # serving on the meeting's day
    items: list[AgendaItem]
    links: dict[int, list[AgendaLink]]
    attendance: dict[int, Attendance]
    declarations: list[Declaration]
    motions: list[Motion]
    votes: dict[int, dict[int, Choice]]  # motion id -> member id -> choice
    decisions: list[Decision]
    actions: dict[int, list[PanelAction]] = field(default_factory=dict)  # decision id -> actions

    @property
    def member_names(self) -> dict[int, str]:
        return {m.id: m.name for m in self.members if m.id is not None}

    @property
    def voting_ids(self) -> list[int]:
        return [m.id for m in self.members if m.voting and m.id is not None]

    @property
    def statuses(self) -> dict[int, AttendanceStatus]:
        return {member: row.status for member, row in self.attendance.items()}

    @property
    def quorum(self) -> Quorum:
        return quorum(self.panel.quorum_rule, self.voting_ids, self.statuses)

    @property
    def attending(self) -> set[int]:
        return {member for member, status in self.statuses.items() if status in ATTENDING}

    @property
    def chair(self) -> PanelMember | None:
        return service_membership.presiding(self.members, self.attending)

    def withdrawn(self, item_id: int) -> frozenset[int]:
        return withdrawn_members((d.member_id, d.action) for d in self.declarations if d.item_id == item_id)

    def eligible(self, item_id: int) -> frozenset[int]:
        return eligible_voters(self.voting_ids, self.statuses, self.withdrawn(item_id))

    def item(self, item_id: int) -> AgendaItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise ProcedureError(gettext("Choose an item on this meeting's agenda."))

    def open_item(self, item_id: int) -> AgendaItem:
        """An item the meeting can take: a withdrawn item gets no declarations, votes or decisions."""
        item = self.item(item_id)
        if item.withdrawn:
            raise ProcedureError(gettext("That item was withdrawn, so nothing can be recorded on it."))
        return item

    def motion(self, motion_id: int) -> Motion:
        for motion in self.motions:
            if motion.id == motion_id:
                return motion
        raise ProcedureError(gettext("Choose a motion voted on at this meeting."))


async def load(session: AsyncSession, meeting: PanelMeeting, panel: Panel) -> MeetingRecord:
    items = await service.items_of(session, meeting)
    members = service_membership.serving(
        await service_membership.members_of(session, row_id(panel)), service.meeting_day(meeting)
    )
    motions = list(
        (
            await session.exec(
                select(Motion).where(Motion.meeting_id == row_id(meeting)).order_by(col(Motion.id))
            )
        ).all()
    )
    votes: dict[int, dict[int, Choice]] = {m.id: {} for m in motions if m.id is not None}
    if votes:
        for vote in (
            await session.exec(select(MemberVote).where(col(MemberVote.motion_id).in_(list(votes))))
        ).all():
            votes[vote.motion_id][vote.member_id] = vote.choice
    decisions = list(
        (
            await session.exec(
                select(Decision).where(Decision.meeting_id == row_id(meeting)).order_by(col(Decision.id))
            )
        ).all()
    )
    attendance = (
        await session.exec(select(Attendance).where(Attendance.meeting_id == row_id(meeting)))
    ).all()
    declarations = (
        await session.exec(
            select(Declaration).where(Declaration.meeting_id == row_id(meeting)).order_by(col(Declaration.id))
        )
    ).all()
    return MeetingRecord(
        panel=panel,
        meeting=meeting,
        members=members,
        items=items,
        links=await service.links_of(session, [i.id for i in items if i.id is not None]),
        attendance={row.member_id: row for row in attendance},
        declarations=list(declarations),
        motions=motions,
        votes=votes,
        decisions=decisions,
        actions=await service_actions.actions_for(session, [d.id for d in decisions if d.id is not None]),
    )


def _require_held(meeting: PanelMeeting) -> None:
    if meeting.state != MeetingState.HELD:
        raise Conflict(
            gettext("Records can be changed only while the meeting is held, before the minutes are drafted.")
        )


async def record_attendance(
    session: AsyncSession,
    record: MeetingRecord,
    entries: dict[int, tuple[AttendanceStatus, str]],
    *,
    actor: StaffUser | None,
    now: datetime,
) -> Quorum:
    """Replace the attendance list; returns the quorum it gives."""
    _require_held(record.meeting)
    meeting_id = record.meeting.id
    assert meeting_id is not None
    known = set(record.member_names)
    if set(entries) - known:
        raise ProcedureError(
            gettext("Attendance can be recorded only for members serving on the day of the meeting.")
        )
    for member_id, (status, substitute) in entries.items():
        if status == AttendanceStatus.SUBSTITUTE and not substitute.strip():
            raise ProcedureError(
                gettext("Give the name of the substitute for %(name)s.", name=record.member_names[member_id])
            )
    await session.exec(delete(Attendance).where(col(Attendance.meeting_id) == meeting_id))
    record.attendance = {}
    for member_id, (status, substitute) in entries.items():
        row = Attendance(
            meeting_id=meeting_id,
            member_id=member_id,
            status=status,
            substitute_name=substitute.strip() if status == AttendanceStatus.SUBSTITUTE else "",
        )
        session.add(row)
        record.attendance[member_id] = row
    await session.flush()
    result = record.quorum
    summary = f"{result.present} of {result.voting_members} voting members present; quorum {result.needed}"
    await service_journal.log(session, actor, "record_attendance", record.meeting, now=now, reason=summary)
    return result


async def declare_interest(
    session: AsyncSession,
    record: MeetingRecord,
    *,
    actor: StaffUser | None,
    now: datetime,
    member_id: int,
    item_id: int,
    nature: str,
    action: DeclarationAction,
) -> Declaration:
    _require_held(record.meeting)
    record.open_item(item_id)
    if member_id not in record.member_names:
        raise ProcedureError(gettext("Choose a member of the panel."))
    if not nature.strip():
        raise ProcedureError(gettext("Describe the nature of the interest."))
    voted = any(member_id in record.votes.get(row_id(m), {}) for m in record.motions if m.item_id == item_id)
    if voted and action in WITHDRAWING:
        raise ProcedureError(
            gettext("This member is recorded as voting on the item; a withdrawal must come first.")
        )
    declaration = Declaration(
        meeting_id=row_id(record.meeting),
        item_id=item_id,
        member_id=member_id,
        nature=nature.strip(),
        action=action,
    )
    session.add(declaration)
    await session.flush()
    record.declarations.append(declaration)
    reason = f"{record.member_names[member_id]}: {nature.strip()} ({action.label})"
    await service_journal.log(session, actor, "declare_interest", declaration, now=now, reason=reason)
    return declaration


async def record_motion(
    session: AsyncSession,
    record: MeetingRecord,
    *,
    actor: StaffUser | None,
    now: datetime,
    item_id: int,
    text: str,
    proposer_id: int,
    seconder_id: int | None,
    tally: Tally,
    recorded: dict[int, Choice] | None = None,
) -> Motion:
    """A motion and its vote. With `recorded`, each member's vote is stored and the counts must be
    their totals; the outcome is never given, it follows from the counts and any casting vote."""
    _require_held(record.meeting)
    record.open_item(item_id)
    if not record.quorum.quorate:
        raise Conflict(gettext("The meeting is inquorate, so nothing can be decided."))
    for who in (proposer_id, seconder_id):
        if who is not None and who not in record.attending:
            raise ProcedureError(gettext("The proposer and seconder must be members attending the meeting."))
    if proposer_id == seconder_id:
        raise ProcedureError(gettext("A motion needs a seconder other than its proposer."))
    chair = record.chair
    check_vote(
        tally,
        eligible=record.eligible(item_id),
        withdrawn=record.withdrawn(item_id),
        recorded=recorded,
        casting_by=chair.id if chair and tally.casting else None,
        chair=chair.id if chair else None,
    )
    motion = Motion(
        meeting_id=row_id(record.meeting),
        item_id=item_id,
        text=text,
        proposer_id=proposer_id,
        seconder_id=seconder_id,
        recorded_vote=recorded is not None,
        for_count=tally.for_,
        against_count=tally.against,
        abstain_count=tally.abstain,
        casting_vote=tally.casting,
        casting_member_id=chair.id if chair and tally.casting else None,
        created_at=now,
    )
    session.add(motion)
    await session.flush()
    for member_id, choice in (recorded or {}).items():
        session.add(MemberVote(motion_id=row_id(motion), member_id=member_id, choice=choice))
    await session.flush()
    record.motions.append(motion)
    record.votes[row_id(motion)] = dict(recorded or {})
    outcome = tally.outcome.value
    reason = f"{outcome}: {tally.for_} for, {tally.against} against, {tally.abstain} abstained"
    if tally.casting:
        reason += f"; chair's casting vote {tally.casting.value}"
    await service_journal.log(session, actor, "record_vote", motion, now=now, reason=reason)
    if tally.outcome == Outcome.CARRIED:
        for link in record.links.get(item_id, []):
            if link.kind == MINUTES_KIND:
                target = await session.get(PanelMeeting, int(link.ref))
                assert target is not None
                await service.approve_minutes(session, target, motion=motion, actor=actor, now=now)
    return motion


async def record_decision(
    session: AsyncSession,
    record: MeetingRecord,
    *,
    actor: StaffUser | None,
    now: datetime,
    item_id: int,
    motion_id: int | None,
    text: str,
    reasons: str,
    alternatives: str,
    actions: list[tuple[str, str, date | None]] = (),  # type: ignore[assignment]
) -> Decision:
    _require_held(record.meeting)
    item = record.open_item(item_id)
    if not record.quorum.quorate:
        raise Conflict(gettext("The meeting is inquorate, so nothing can be decided."))
    if motion_id is not None:
        motion = record.motion(motion_id)
        if motion.item_id != item_id:
            raise ProcedureError(gettext("The motion was on a different item."))
        if motion.tally.outcome != Outcome.CARRIED:
            raise ProcedureError(gettext("A motion that was lost cannot be recorded as a decision."))
    if not text.strip() or not reasons.strip():
        raise ProcedureError(gettext("A decision needs its text and the reasons for it."))
    decision = Decision(
        panel_id=row_id(record.panel),
        meeting_id=row_id(record.meeting),
        item_id=row_id(item),
        motion_id=motion_id,
        text=text.strip(),
        reasons=reasons.strip(),
        alternatives=alternatives.strip(),
        decided_at=record.meeting.starts_at,
    )
    session.add(decision)
    await session.flush()
    record.decisions.append(decision)
    record.actions[row_id(decision)] = []
    for description, owner, due_on in actions:
        action = PanelAction(
            decision_id=row_id(decision),
            panel_id=row_id(record.panel),
            description=description,
            owner=owner,
            due_on=due_on,
            created_at=now,
        )
        session.add(action)
        record.actions[row_id(decision)].append(action)
    await session.flush()
    await service_journal.log(
        session, actor, "record_decision", decision, now=now, reason=decision.text[:300]
    )
    return decision
