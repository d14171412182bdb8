"""Minutes: drafted from the record, approved by the panel at a later meeting, then published.

A published version never changes (the service refuses, and a flush-time guard refuses any other code
path); a later correction is a new, numbered version with its reason, and earlier versions stay visible.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event, inspect
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.panels import service, service_journal
from civic.panels.links import kind_label
from civic.panels.models import MinutesVersion, PanelMeeting
from civic.panels.procedure import MeetingState, ProcedureError, check_reason
from civic.panels.service_record import MeetingRecord


class ImmutableMinutes(RuntimeError):
    """Raised when anything tries to change a published version of the minutes."""


@event.listens_for(MinutesVersion, "before_update")
def _refuse_changes_to_published(_mapper: Any, _connection: Any, target: MinutesVersion) -> None:
    published = inspect(target).attrs.published_at.history
    before = published.deleted[0] if published.deleted else (published.unchanged or [None])[0]
    if before is not None:
        raise ImmutableMinutes(f"version {target.number} of these minutes is published and cannot change")


@event.listens_for(MinutesVersion, "before_delete")
def _refuse_deleting_published(_mapper: Any, _connection: Any, target: MinutesVersion) -> None:
    if target.published_at is not None:
        raise ImmutableMinutes(f"version {target.number} of these minutes is published and cannot be deleted")


def draft_text(record: MeetingRecord) -> str:
    """Plain-text minutes built from what was recorded; the clerk edits the draft before approval."""
    meeting, names = record.meeting, record.member_names
    q = record.quorum
    lines = [f"Minutes of the meeting of {record.panel.name}", f"held at {meeting.place}", ""]
    present = [
        f"{names[m]} (substitute: {a.substitute_name})" if a.substitute_name else names[m]
        for m, a in record.attendance.items()
        if a.status.value in {"present", "substitute"}
    ]
    apologies = [names[m] for m, a in record.attendance.items() if a.status.value == "apologies"]
    lines.append("Present: " + (", ".join(present) or "none recorded"))
    if apologies:
        lines.append("Apologies: " + ", ".join(apologies))
    lines.append(
        f"Quorum: {q.needed} voting members needed, {q.present} present"
        + ("" if q.quorate else " (inquorate)")
    )
    for item in record.items:
        lines += ["", f"{item.position}. {item.title}"]
        if item.late_reason:  # the law asks for the special circumstances to be in the minutes
            lines.append(f"Added after the agenda was published: {item.late_reason}")
        if item.withdrawn:
            lines.append(f"Withdrawn: {item.withdrawn_reason}")
        if item.exempt:
            lines.append("This item was considered in private (exempt information).")
        for link in record.links.get(row_id(item), []):
            lines.append(f"About: {kind_label(link.kind)}: {link.label}")
        for d in (d for d in record.declarations if d.item_id == item.id):
            lines.append(
                f"Declaration: {names.get(d.member_id, 'A member')} declared an interest: {d.nature}; {d.action.label.lower()}."
            )
        for motion in (m for m in record.motions if m.item_id == item.id):
            t = motion.tally
            lines.append(f"Motion: {motion.text}")
            lines.append(
                f"Proposed by {names.get(motion.proposer_id, '')}"
                + (f", seconded by {names.get(motion.seconder_id, '')}" if motion.seconder_id else "")
            )
            vote = f"Vote: {t.for_} for, {t.against} against, {t.abstain} abstentions"
            if t.casting:
                vote += f"; the chair's casting vote was {t.casting.value}"
            lines.append(f"{vote}. The motion was {t.outcome.value}.")
            for member_id, choice in sorted(record.votes.get(row_id(motion), {}).items()):
                lines.append(f"  {names.get(member_id, '')}: {choice.value}")
        for decision in (d for d in record.decisions if d.item_id == item.id):
            lines.append(f"Decision: {decision.text}")
            lines.append(f"Reasons: {decision.reasons}")
            if decision.alternatives:
                lines.append(f"Alternatives considered: {decision.alternatives}")
            for action in record.actions.get(row_id(decision), []):
                due = f", by {action.due_on:%d %B %Y}" if action.due_on else ""
                lines.append(f"Action: {action.description} ({action.owner}{due})")
    return "\n".join(lines) + "\n"


async def versions_of(session: AsyncSession, meeting: PanelMeeting) -> list[MinutesVersion]:
    rows = await session.exec(
        select(MinutesVersion)
        .where(MinutesVersion.meeting_id == meeting.id)
        .order_by(col(MinutesVersion.number))
    )
    return list(rows.all())


async def draft_minutes(
    session: AsyncSession, record: MeetingRecord, *, actor: StaffUser | None, now: datetime
) -> MinutesVersion:
    """Close the record of a held meeting and start version 1 of its minutes."""
    meeting = record.meeting
    await service.move(session, meeting, MeetingState.MINUTES_DRAFT, actor=actor, now=now)
    version = MinutesVersion(meeting_id=row_id(meeting), number=1, body=draft_text(record), created_at=now)
    session.add(version)
    await session.flush()
    return version


async def edit_draft(
    session: AsyncSession, meeting: PanelMeeting, body: str, *, actor: StaffUser | None, now: datetime
) -> MinutesVersion:
    if meeting.state != MeetingState.MINUTES_DRAFT:
        raise Conflict(gettext("Only draft minutes can be edited; approved and published minutes are fixed."))
    if not body.strip():
        raise ProcedureError(gettext("The minutes cannot be empty."))
    version = (await versions_of(session, meeting))[-1]
    version.body = body.strip() + "\n"
    session.add(version)
    await session.flush()
    await service_journal.log(session, actor, "edit_minutes", meeting, now=now, public=False)
    return version


async def publish_minutes(
    session: AsyncSession, meeting: PanelMeeting, *, actor: StaffUser | None, now: datetime
) -> MinutesVersion:
    if meeting.state != MeetingState.MINUTES_APPROVED:
        raise Conflict(
            gettext("Minutes are published only after the panel has approved them at a later meeting.")
        )
    version = (await versions_of(session, meeting))[-1]
    version.published_at = now
    session.add(version)
    await service.move(session, meeting, MeetingState.PUBLISHED, actor=actor, now=now, reason="version 1")
    return version


async def publish_correction(
    session: AsyncSession,
    meeting: PanelMeeting,
    body: str,
    note: str,
    *,
    actor: StaffUser | None,
    now: datetime,
) -> MinutesVersion:
    """A correction to published minutes: a new version, published with the reason for it."""
    if meeting.state != MeetingState.PUBLISHED:
        raise Conflict(gettext("Only published minutes are corrected; drafts are edited instead."))
    if not body.strip() or not check_reason(note, gettext("The note of what was corrected")):
        raise ProcedureError(
            gettext("A correction needs the corrected minutes and a note of what changed and why.")
        )
    versions = await versions_of(session, meeting)
    version = MinutesVersion(
        meeting_id=row_id(meeting),
        number=versions[-1].number + 1,
        body=body.strip() + "\n",
        correction_note=note.strip(),
        created_at=now,
        published_at=now,
    )
    session.add(version)
    await session.flush()
    reason = f"version {version.number}: {version.correction_note}"
    await service_journal.log(session, actor, "correct_minutes", meeting, now=now, reason=reason)
    return version
