"""Face-to-face priorities meetings: the meeting a policing team advertises for a round, the
show-of-hands tally it records afterwards, and residents' replies saying they are coming.

A meeting is advertised before it happens (`advertised_at`), or entered only afterwards with its tally
(an older way, still allowed). Its tally is recorded once it has taken place (`recorded_at`); until
then it counts for nothing. Replies hold a name and an email address only if the resident gave them,
and are deleted a set time after the meeting.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from civic.core.db import UTCDateTime
from civic.core.i18n import LazyString
from civic.core.i18n import lazy_gettext as _l

MAX_PARTY = 20  # people one reply may bring: more is a group booking, and the team should be called


class Access(StrEnum):
    """What a venue offers, shown on the meeting page, the poster and in calendars."""

    STEP_FREE = "step_free"
    HEARING_LOOP = "hearing_loop"
    ACCESSIBLE_TOILET = "accessible_toilet"
    BSL = "bsl"
    BLUE_BADGE_PARKING = "blue_badge_parking"
    QUIET_SPACE = "quiet_space"

    @property
    def label(self) -> str:
        return str(ACCESS_LABELS[self.value])


ACCESS_LABELS: dict[str, LazyString] = {
    "step_free": _l("Step-free access"),
    "hearing_loop": _l("Hearing loop"),
    "accessible_toilet": _l("Accessible toilet"),
    "bsl": _l("British Sign Language interpreter"),
    "blue_badge_parking": _l("Blue badge parking"),
    "quiet_space": _l("Quiet space"),
}


class Meeting(SQLModel, table=True):
    """A public (PACT) meeting for a round: advertised details, then its show-of-hands tally."""

    __tablename__ = "priorities_meeting"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    held_on: datetime = Field(sa_type=UTCDateTime)  # when it starts
    ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    place: str = Field(max_length=160)  # the venue's name
    address: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    access: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})  # Access codes
    access_notes: str = Field(default="", max_length=600, sa_column_kwargs={"server_default": ""})
    online_url: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    agenda: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    advertised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str = Field(default="", max_length=600, sa_column_kwargs={"server_default": ""})
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # iCalendar SEQUENCE
    # After the meeting: numbers, never names.
    attendance: int = Field(default=0, ge=0)
    notes: str = Field(default="", sa_type=Text, sa_column_kwargs={"server_default": ""})
    recorded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def access_list(self) -> list[Access]:
        return [Access(code) for code in self.access.split(",") if code in ACCESS_LABELS]

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None

    def is_upcoming(self, now: datetime) -> bool:
        """Still worth advertising: not cancelled, not tallied, and not yet over."""
        finish = self.ends_at or self.held_on
        return not self.is_cancelled and not self.is_recorded and finish >= now


class MeetingCount(SQLModel, table=True):
    __tablename__ = "priorities_meeting_count"

    meeting_id: int = Field(foreign_key="priorities_meeting.id", primary_key=True)
    candidate_id: int = Field(foreign_key="priorities_candidate.id", primary_key=True)
    hands: int = Field(ge=0)


class MeetingRsvp(SQLModel, table=True):
    """A resident saying they are coming. No account; the name and email are optional."""

    __tablename__ = "priorities_meeting_rsvp"

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="priorities_meeting.id", index=True)
    name: str = Field(default="", max_length=120)
    email: str | None = Field(default=None, max_length=254)  # only to tell them of a cancellation
    party: int = Field(default=1, ge=1, le=MAX_PARTY)
    created_at: datetime = Field(sa_type=UTCDateTime)
    # The language the reply was made in: a cancellation email is written in it.
    lang: str = Field(default="en", max_length=12, sa_column_kwargs={"server_default": "en"})
