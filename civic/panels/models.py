"""Community panels: panels, members, meetings and everything recorded at them.

Outcomes of votes are never stored: they are derived from the counts (`Motion.tally.outcome`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from civic.core.db import UTCDateTime, str_enum
from civic.core.i18n import lazy_gettext as _l
from civic.panels.procedure import (
    ActionStatus,
    AttendanceStatus,
    Choice,
    DeclarationAction,
    MeetingState,
    Tally,
)

__all__ = ["ActionStatus", "AttendanceStatus", "Choice", "DeclarationAction", "MeetingState"]


class AreaKind(StrEnum):
    COUNCIL = "council"
    NEIGHBOURHOOD = "neighbourhood"
    WARD = "ward"


class MemberRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SECRETARY = "secretary"
    MEMBER = "member"
    CO_OPTED = "co_opted"
    ADVISER = "adviser"

    @property
    def label(self) -> str:
        return str(
            {
                "chair": _l("Chair"),
                "vice_chair": _l("Vice-chair"),
                "secretary": _l("Secretary"),
                "member": _l("Member"),
                "co_opted": _l("Co-opted member"),
                "adviser": _l("Non-voting adviser"),
            }[self.value]
        )


class Panel(SQLModel, table=True):
    __tablename__ = "panel"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    name: str = Field(max_length=160)
    area_kind: AreaKind = Field(sa_type=str_enum(AreaKind))
    ward_code: str | None = Field(default=None, foreign_key="ward.code")
    neighbourhood_slug: str | None = Field(default=None, foreign_key="neighbourhood.slug")
    area_name: str = Field(max_length=160)  # kept so public pages need no join
    purpose: str = Field(sa_type=Text)
    terms_of_reference: str = Field(default="", sa_type=Text)
    meeting_frequency: str = Field(max_length=120)
    quorum_rule: str = Field(max_length=12)  # "3" or "1/3"; see procedure.parse_quorum_rule
    created_at: datetime = Field(sa_type=UTCDateTime)


class PanelMember(SQLModel, table=True):
    """A seat on a panel: a staff user or a named resident without a login. Names and roles are public."""

    __tablename__ = "panel_member"

    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    name: str = Field(max_length=120)
    user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    role: MemberRole = Field(sa_type=str_enum(MemberRole))
    voting: bool = True
    starts_on: date
    ends_on: date | None = None

    def serves_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


class PanelMeeting(SQLModel, table=True):
    __tablename__ = "panel_meeting"

    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    place: str = Field(max_length=200)
    online_url: str = Field(default="", max_length=300)
    state: MeetingState = Field(default=MeetingState.SCHEDULED, sa_type=str_enum(MeetingState), index=True)
    agenda_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notice_clear_days: int | None = None
    urgency_reason: str = Field(default="", max_length=1000)
    cancelled_reason: str = Field(default="", max_length=1000)
    approved_by_motion_id: int | None = None  # the motion, at a later meeting, that approved the minutes
    created_at: datetime = Field(sa_type=UTCDateTime)


class AgendaItem(SQLModel, table=True):
    __tablename__ = "panel_agenda_item"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="panel_meeting.id", index=True)
    position: int
    title: str = Field(max_length=200)
    body: str = Field(default="", sa_type=Text)
    exempt: bool = False  # exempt items show only their title publicly
    exempt_reason: str = Field(default="", max_length=300)
    # Once the agenda is public it is part of the notice given: items added later say why they are
    # urgent, and items are withdrawn (with a public reason) rather than removed.
    late_reason: str = Field(default="", max_length=1000)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_reason: str = Field(default="", max_length=1000)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class MeetingChange(SQLModel, table=True):
    """A meeting moved to another time, place or online link before it was held, and the public reason.

    Kept as history rather than overwritten, so the meeting page can say where it moved from and the
    calendar feed can tell calendars the event changed (its SEQUENCE is the number of changes).
    """

    __tablename__ = "panel_meeting_change"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="panel_meeting.id", index=True)
    changed_at: datetime = Field(sa_type=UTCDateTime)
    old_starts_at: datetime = Field(sa_type=UTCDateTime)
    old_place: str = Field(max_length=200)
    old_online_url: str = Field(default="", max_length=300)
    new_starts_at: datetime = Field(sa_type=UTCDateTime)
    new_place: str = Field(max_length=200)
    new_online_url: str = Field(default="", max_length=300)
    reason: str = Field(max_length=1000)
    agenda_published: bool = False  # the agenda was public, so notice was rechecked and subscribers told
    notice_clear_days: int | None = None
    urgency_reason: str = Field(default="", max_length=1000)

    @property
    def moved(self) -> bool:
        return self.old_starts_at != self.new_starts_at


class AgendaLink(SQLModel, table=True):
    """What an item concerns, as a (kind, ref) pair any feature can answer (see panels.links)."""

    __tablename__ = "panel_agenda_link"
    __table_args__ = (UniqueConstraint("item_id", "kind", "ref"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="panel_agenda_item.id", index=True)
    kind: str = Field(max_length=40)
    ref: str = Field(max_length=80)
    label: str = Field(max_length=200)


class Attendance(SQLModel, table=True):
    __tablename__ = "panel_attendance"

    meeting_id: int = Field(foreign_key="panel_meeting.id", primary_key=True)
    member_id: int = Field(foreign_key="panel_member.id", primary_key=True)
    status: AttendanceStatus = Field(sa_type=str_enum(AttendanceStatus))
    substitute_name: str = Field(default="", max_length=120)


class Declaration(SQLModel, table=True):
    __tablename__ = "panel_declaration"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="panel_meeting.id", index=True)
    item_id: int = Field(foreign_key="panel_agenda_item.id", index=True)
    member_id: int = Field(foreign_key="panel_member.id")
    nature: str = Field(max_length=500)
    action: DeclarationAction = Field(sa_type=str_enum(DeclarationAction))


class Motion(SQLModel, table=True):
    __tablename__ = "panel_motion"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="panel_meeting.id", index=True)
    item_id: int = Field(foreign_key="panel_agenda_item.id", index=True)
    text: str = Field(sa_type=Text)
    proposer_id: int = Field(foreign_key="panel_member.id")
    seconder_id: int | None = Field(default=None, foreign_key="panel_member.id")
    recorded_vote: bool = False
    for_count: int = 0
    against_count: int = 0
    abstain_count: int = 0
    casting_vote: Choice | None = Field(default=None, sa_type=str_enum(Choice))
    casting_member_id: int | None = Field(default=None, foreign_key="panel_member.id")
    created_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def tally(self) -> Tally:
        return Tally(self.for_count, self.against_count, self.abstain_count, self.casting_vote)


class MemberVote(SQLModel, table=True):
    __tablename__ = "panel_member_vote"

    motion_id: int = Field(foreign_key="panel_motion.id", primary_key=True)
    member_id: int = Field(foreign_key="panel_member.id", primary_key=True)
    choice: Choice = Field(sa_type=str_enum(Choice))


class Decision(SQLModel, table=True):
    __tablename__ = "panel_decision"

    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    meeting_id: int = Field(foreign_key="panel_meeting.id", index=True)
    item_id: int = Field(foreign_key="panel_agenda_item.id")
    motion_id: int | None = Field(default=None, foreign_key="panel_motion.id")
    text: str = Field(sa_type=Text)
    reasons: str = Field(sa_type=Text)
    alternatives: str = Field(default="", sa_type=Text)
    decided_at: datetime = Field(sa_type=UTCDateTime, index=True)


class PanelAction(SQLModel, table=True):
    __tablename__ = "panel_action"

    id: int | None = Field(default=None, primary_key=True)
    decision_id: int = Field(foreign_key="panel_decision.id", index=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    description: str = Field(max_length=500)
    owner: str = Field(max_length=160)  # who acts: an organisation or a role, e.g. "Highways team"
    due_on: date | None = None
    status: ActionStatus = Field(default=ActionStatus.OPEN, sa_type=str_enum(ActionStatus))
    created_at: datetime = Field(sa_type=UTCDateTime)


class ActionUpdate(SQLModel, table=True):
    __tablename__ = "panel_action_update"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="panel_action.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    status: ActionStatus = Field(sa_type=str_enum(ActionStatus))
    note: str = Field(max_length=1000)


class MinutesVersion(SQLModel, table=True):
    """Minutes text. Drafts change; a published version never does: a correction is a new version."""

    __tablename__ = "panel_minutes_version"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="panel_meeting.id", index=True)
    number: int
    body: str = Field(sa_type=Text)
    correction_note: str = Field(default="", max_length=1000)
    created_at: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SubscriptionStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    ENDED = "ended"


class PanelSubscription(SQLModel, table=True):
    """An email subscription to a panel's agendas and decisions. The address is erased when it ends."""

    __tablename__ = "panel_subscription"
    __table_args__ = (UniqueConstraint("panel_id", "email_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    panel_id: int = Field(foreign_key="panel.id", index=True)
    email: str = Field(default="", max_length=254)
    email_hash: str = Field(max_length=64)
    status: SubscriptionStatus = Field(
        default=SubscriptionStatus.PENDING, sa_type=str_enum(SubscriptionStatus)
    )
    # The language they subscribed in: the agenda and decision emails are in it.
    lang: str = Field(default="en", max_length=12, sa_column_kwargs={"server_default": "en"})
    created_at: datetime = Field(sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
