"""Neighbourhood police priorities: rounds, candidate issues, suggestions, ballots, meeting tallies and
the priorities a policing team adopts and reports back on ("You said, we did").

Personal data is minimal: a ballot holds a keyed hash of the canonical email, the ward code, the
choices and the date; never a name. Email addresses live only in `priorities_contact` (voters who asked
for news, deleted a set time after results) and, until confirmed or expired, in the pending ballot of
someone who opted in.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from civic.core.db import UTCDateTime, str_enum
from civic.core.i18n import lazy_gettext as _l
from civic.priorities.models_meetings import (
    ACCESS_LABELS,
    MAX_PARTY,
    Access,
    Meeting,
    MeetingCount,
    MeetingRsvp,
)

__all__ = ["ACCESS_LABELS", "MAX_PARTY", "Access", "Meeting", "MeetingCount", "MeetingRsvp"]

# The ballots without an email live in their own module; importing them here registers their tables
# with the feature's and lets the rest of the feature import every table from one place.
from civic.priorities.models_offline import BallotChannel as BallotChannel
from civic.priorities.models_offline import OfflineBallot as OfflineBallot
from civic.priorities.models_offline import PaperBatch as PaperBatch
from civic.priorities.models_offline import PaperEntry as PaperEntry
from civic.priorities.models_offline import PaperStatus as PaperStatus

STALE_AFTER = timedelta(days=90)  # no public update for this long: flagged stale
MAX_REVIEW = timedelta(days=90)  # review date at most this far ahead


class RoundState(StrEnum):
    DRAFT = "draft"
    SUGGESTIONS_OPEN = "suggestions_open"
    VOTING_OPEN = "voting_open"
    CLOSED = "closed"
    PUBLISHED = "published"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(ROUND_STATE_LABELS[self.value])


ROUND_STATE_LABELS = {
    "draft": _l("Draft"),
    "suggestions_open": _l("Suggestions open"),
    "voting_open": _l("Voting open"),
    "closed": _l("Closed, results being checked"),
    "published": _l("Results published"),
}


PUBLIC_STATES = frozenset(
    {RoundState.SUGGESTIONS_OPEN, RoundState.VOTING_OPEN, RoundState.CLOSED, RoundState.PUBLISHED}
)
CANDIDATE_EDIT_STATES = frozenset({RoundState.DRAFT, RoundState.SUGGESTIONS_OPEN})
MEETING_STATES = frozenset({RoundState.VOTING_OPEN, RoundState.CLOSED})
# A face-to-face meeting may be advertised or cancelled until the round's results are published.
ADVERTISE_STATES = frozenset(
    {RoundState.DRAFT, RoundState.SUGGESTIONS_OPEN, RoundState.VOTING_OPEN, RoundState.CLOSED}
)
# The only moves a round can make; anything else is refused with 409.
TRANSITIONS: dict[RoundState, frozenset[RoundState]] = {
    RoundState.DRAFT: frozenset({RoundState.SUGGESTIONS_OPEN, RoundState.VOTING_OPEN}),
    RoundState.SUGGESTIONS_OPEN: frozenset({RoundState.VOTING_OPEN}),
    RoundState.VOTING_OPEN: frozenset({RoundState.CLOSED}),
    RoundState.CLOSED: frozenset({RoundState.PUBLISHED}),
    RoundState.PUBLISHED: frozenset(),
}


class Method(StrEnum):
    APPROVAL = "approval"  # pick up to N
    RANKED = "ranked"  # rank up to N, counted by Borda points

    @property
    def label(self) -> str:
        return str(_l("Pick up to the number of choices") if self is Method.APPROVAL else _l("Rank in order"))


class Category(StrEnum):
    ANTI_SOCIAL_BEHAVIOUR = "anti_social_behaviour"
    DRUG_DEALING = "drug_dealing"
    SPEEDING = "speeding"
    BURGLARY = "burglary"
    VEHICLE_CRIME = "vehicle_crime"
    STREET_DRINKING = "street_drinking"
    SHOPLIFTING = "shoplifting"
    VIOLENCE = "violence"
    CRIMINAL_DAMAGE = "criminal_damage"
    BIKE_THEFT = "bike_theft"
    PARKING = "parking"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS[self.value])


CATEGORY_LABELS = {
    "anti_social_behaviour": _l("Anti-social behaviour"),
    "drug_dealing": _l("Drug dealing"),
    "speeding": _l("Speeding"),
    "burglary": _l("Burglary"),
    "vehicle_crime": _l("Vehicle crime"),
    "street_drinking": _l("Street drinking"),
    "shoplifting": _l("Shoplifting"),
    "violence": _l("Violence and intimidation"),
    "criminal_damage": _l("Criminal damage and graffiti"),
    "bike_theft": _l("Bicycle theft"),
    "parking": _l("Dangerous or obstructive parking"),
    "other": _l("Other"),
}


class SuggestionStatus(StrEnum):
    PENDING = "pending"
    MERGED = "merged"
    DECLINED = "declined"


class PriorityStatus(StrEnum):
    ADOPTED = "adopted"
    IN_PROGRESS = "in_progress"
    DEALT_WITH = "dealt_with"
    NOT_DEALT_WITH = "not_dealt_with"
    PASSED_TO_PARTNER = "passed_to_partner"
    CARRIED_OVER = "carried_over"

    @property
    def label(self) -> str:
        return str(PRIORITY_STATUS_LABELS[self.value])


PRIORITY_STATUS_LABELS = {
    "adopted": _l("Adopted"),
    "in_progress": _l("In progress"),
    "dealt_with": _l("Dealt with"),
    "not_dealt_with": _l("Not dealt with"),
    "passed_to_partner": _l("Passed to partner"),
    "carried_over": _l("Carried over"),
}

# Priorities still being worked on: these must be updated at least every 90 days.
ACTIVE_STATUSES = frozenset({PriorityStatus.ADOPTED, PriorityStatus.IN_PROGRESS})


class PriorityRound(SQLModel, table=True):
    __tablename__ = "priorities_round"

    id: int | None = Field(default=None, primary_key=True)
    neighbourhood_slug: str = Field(foreign_key="neighbourhood.slug", index=True)
    title: str = Field(max_length=160)
    state: RoundState = Field(default=RoundState.DRAFT, sa_type=str_enum(RoundState), index=True)
    method: Method = Field(default=Method.APPROVAL, sa_type=str_enum(Method))
    choices: int = Field(default=3, ge=1, le=10)  # per voter
    top_n: int = Field(default=3, ge=1, le=10)  # how many become priorities
    opens_at: datetime = Field(sa_type=UTCDateTime)
    closes_at: datetime = Field(sa_type=UTCDateTime)
    # The team's say-so that voting may open without a click at `opens_at` (closing is always automatic).
    opens_automatically: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Filled in when voting closes (and again if a meeting tally changes before publication).
    resident_voters: int = 0
    worker_voters: int = 0
    meeting_attendance: int = 0
    paper_voters: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    assisted_voters: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    wards_json: str = Field(default="{}", sa_type=Text)  # ward code -> voters
    override_reason: str = Field(default="", max_length=2000)  # why the choice differs from the count
    contacts_delete_after: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def ward_counts(self) -> dict[str, int]:
        loaded: dict[str, int] = json.loads(self.wards_json or "{}")
        return loaded

    @property
    def online_voters(self) -> int:
        return self.resident_voters + self.worker_voters

    def voting_is_open(self, now: datetime) -> bool:
        return self.state == RoundState.VOTING_OPEN and self.opens_at <= now < self.closes_at


class Candidate(SQLModel, table=True):
    __tablename__ = "priorities_candidate"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    category: Category = Field(sa_type=str_enum(Category, 32))
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=600)  # which streets, when
    created_at: datetime = Field(sa_type=UTCDateTime)
    # Results (exact; public pages and data hide small counts: civic.core.publish.shown_count).
    residents: int = 0
    workers: int = 0
    meeting: int = 0
    paper: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # typed-in paper ballots
    assisted: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # given with staff help
    total: int = 0
    position: int | None = None  # 1 = first after the documented tie-break
    chosen: bool = False


class Suggestion(SQLModel, table=True):
    __tablename__ = "priorities_suggestion"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    category: Category = Field(sa_type=str_enum(Category, 32))
    text: str = Field(max_length=600)
    created_at: datetime = Field(sa_type=UTCDateTime)
    status: SuggestionStatus = Field(default=SuggestionStatus.PENDING, sa_type=str_enum(SuggestionStatus))
    merged_into: int | None = Field(default=None, foreign_key="priorities_candidate.id")
    decline_reason: str = Field(default="", max_length=600)
    moderated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PendingBallot(SQLModel, table=True):
    """A ballot waiting for its emailed confirmation link. Many may exist per person; confirming
    one copies it into `priorities_ballot`."""

    __tablename__ = "priorities_pending_ballot"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    email_hash: str = Field(max_length=64)
    ward_code: str = Field(max_length=12)
    works_here: bool = False
    choices_json: str = Field(max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)  # only if they opted in
    # The language the vote was made in: the contact made from it gets its emails in it.
    lang: str = Field(default="en", max_length=12, sa_column_kwargs={"server_default": "en"})
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # single-use marker


class Ballot(SQLModel, table=True):
    """The one counted ballot per person per round: the newest confirmed pending ballot."""

    __tablename__ = "priorities_ballot"
    __table_args__ = (UniqueConstraint("round_id", "email_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    email_hash: str = Field(max_length=64)
    ward_code: str = Field(max_length=12)
    works_here: bool = False
    choices_json: str = Field(max_length=200)
    pending_id: int  # which pending ballot this is; a higher id is a newer ballot
    cast_on: datetime = Field(sa_type=UTCDateTime)
    confirmed_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def choices(self) -> list[int]:
        loaded: list[int] = json.loads(self.choices_json)
        return loaded


class Contact(SQLModel, table=True):
    """A voter who asked to hear about the results and progress. Deleted after the retention period."""

    __tablename__ = "priorities_contact"
    __table_args__ = (UniqueConstraint("round_id", "email_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    email_hash: str = Field(max_length=64)
    email: str = Field(max_length=254)
    lang: str = Field(default="en", max_length=12, sa_column_kwargs={"server_default": "en"})  # of the vote
    created_at: datetime = Field(sa_type=UTCDateTime)


class Priority(SQLModel, table=True):
    __tablename__ = "priorities_priority"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    candidate_id: int = Field(foreign_key="priorities_candidate.id", unique=True)
    neighbourhood_slug: str = Field(foreign_key="neighbourhood.slug", index=True)
    category: Category = Field(sa_type=str_enum(Category, 32))
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=600)
    owner: str = Field(default="Neighbourhood policing team", max_length=120)
    target: str = Field(default="", max_length=600)
    review_on: datetime = Field(sa_type=UTCDateTime)
    status: PriorityStatus = Field(default=PriorityStatus.ADOPTED, sa_type=str_enum(PriorityStatus))
    adopted_at: datetime = Field(sa_type=UTCDateTime)
    last_update_at: datetime = Field(sa_type=UTCDateTime)  # adoption counts as the first update

    def is_stale(self, now: datetime) -> bool:
        return self.status in ACTIVE_STATUSES and now - self.last_update_at > STALE_AFTER


class PriorityUpdate(SQLModel, table=True):
    __tablename__ = "priorities_update"

    id: int | None = Field(default=None, primary_key=True)
    priority_id: int = Field(foreign_key="priorities_priority.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    text: str = Field(max_length=2000)
    status: PriorityStatus = Field(sa_type=str_enum(PriorityStatus))  # status after this update
    author_id: int | None = Field(default=None, foreign_key="staff_user.id")
