"""Who may do what to a panel's meetings and records, by meeting state.

The panel clerk (and admins) run meetings and keep the record. The panel approves minutes by a vote
at a later meeting (`service.approve_minutes`); the chair then signs them, which publishes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from civic.core.rules import rule
from civic.core.users import Role, StaffUser
from civic.panels.models import PanelAction, PanelMeeting
from civic.panels.procedure import ACTIVE_ACTIONS, MeetingState


def is_clerk(actor: StaffUser | None) -> bool:
    return actor is not None and actor.has_role(Role.PANEL_CLERK)


def _clerk_in(actor: StaffUser | None, meeting: PanelMeeting, *states: MeetingState) -> bool:
    return is_clerk(actor) and meeting.state in states


@rule("panels.manage")
def can_manage(actor: StaffUser | None, obj: object = None, *, now: datetime) -> bool:
    """Panel clerks and admins set up panels, members and meetings."""
    return is_clerk(actor)


@rule("panels.edit_agenda")
def can_edit_agenda(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """The agenda is settled before it is published; after that it is on the public record."""
    return _clerk_in(actor, meeting, MeetingState.SCHEDULED)


@rule("panels.add_item")
def can_add_item(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """Items are added until the meeting is held; once the agenda is published, only with a recorded
    reason of urgency (checked by the service), because the public has had notice of the agenda."""
    return _clerk_in(actor, meeting, MeetingState.SCHEDULED, MeetingState.AGENDA_PUBLISHED)


@rule("panels.withdraw_item")
def can_withdraw_item(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """A published item is never removed; until the meeting is held it can be withdrawn, with a
    public reason, and stays on the agenda marked as withdrawn."""
    return _clerk_in(actor, meeting, MeetingState.AGENDA_PUBLISHED)


@rule("panels.reschedule")
def can_reschedule(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """A meeting not yet held can move to another time, place or online link, with a public reason
    (and, once its agenda is public, fresh notice or a reason of urgency)."""
    return _clerk_in(actor, meeting, MeetingState.SCHEDULED, MeetingState.AGENDA_PUBLISHED)


@rule("panels.publish_agenda")
def can_publish_agenda(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """A scheduled meeting's agenda is published before the meeting starts (short notice needs a reason)."""
    return _clerk_in(actor, meeting, MeetingState.SCHEDULED) and now < meeting.starts_at


@rule("panels.cancel")
def can_cancel(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """A meeting can be cancelled until it has been held."""
    return _clerk_in(actor, meeting, MeetingState.SCHEDULED, MeetingState.AGENDA_PUBLISHED)


@rule("panels.hold")
def can_hold(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """A meeting is opened for the record once its start time has come, and only on a published agenda."""
    return _clerk_in(actor, meeting, MeetingState.AGENDA_PUBLISHED) and now >= meeting.starts_at


@rule("panels.record")
def can_record(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """Attendance, declarations, votes and decisions are recorded while the meeting is held."""
    return _clerk_in(actor, meeting, MeetingState.HELD)


@rule("panels.draft_minutes")
def can_draft_minutes(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """Drafting the minutes closes the record of a held meeting."""
    return _clerk_in(actor, meeting, MeetingState.HELD)


@rule("panels.edit_minutes")
def can_edit_minutes(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """Draft minutes can be edited until a later meeting approves them."""
    return _clerk_in(actor, meeting, MeetingState.MINUTES_DRAFT)


@rule("panels.publish_minutes")
def can_publish_minutes(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """Only minutes the panel has approved are published."""
    return _clerk_in(actor, meeting, MeetingState.MINUTES_APPROVED)


@dataclass(frozen=True)
class SignOff:
    """Approved minutes and the staff account (if any) of the chair who may sign them."""

    meeting: PanelMeeting
    chair_user_id: int | None


@rule("panels.sign_minutes")
def can_sign_minutes(actor: StaffUser | None, obj: SignOff, *, now: datetime) -> bool:
    """Once a later meeting has approved them, the chair signs the minutes as a correct record, which
    publishes them (the clerk publishes them instead for a chair without a staff account)."""
    if actor is None or actor.disabled or obj.meeting.state != MeetingState.MINUTES_APPROVED:
        return False
    return obj.chair_user_id is not None and actor.id == obj.chair_user_id


@rule("panels.correct_minutes")
def can_correct_minutes(actor: StaffUser | None, meeting: PanelMeeting, *, now: datetime) -> bool:
    """Published minutes never change; a correction is published as a new, visible version."""
    return _clerk_in(actor, meeting, MeetingState.PUBLISHED)


@rule("panels.update_action")
def can_update_action(actor: StaffUser | None, action: PanelAction, *, now: datetime) -> bool:
    """Open and in-progress actions get dated public updates; done and dropped ones are closed."""
    return is_clerk(actor) and action.status in ACTIVE_ACTIONS
