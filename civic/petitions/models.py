"""Petition tables, named states and named sets of states. No IO here."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel, col

from civic.core.db import UTCDateTime, str_enum
from civic.core.i18n import LazyString
from civic.core.i18n import lazy_gettext as _l


class State(StrEnum):
    PENDING = "pending"  # the creator has not confirmed their email yet
    COLLECTING = "collecting"  # gathering supporters through the creator's private link
    MODERATION = "moderation"  # waiting for a moderator
    OPEN = "open"
    CLOSED = "closed"
    REJECTED = "rejected"  # rejected with a published reason
    HIDDEN = "hidden"  # rejected for a reason that must not be published
    REMOVED = "removed"  # taken down after publication (410 Gone)

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(STATE_LABELS[self])


STATE_LABELS: Final = {
    State.PENDING: _l("waiting for the creator to confirm their email"),
    State.COLLECTING: _l("collecting supporters"),
    State.MODERATION: _l("awaiting moderation"),
    State.OPEN: _l("open"),
    State.CLOSED: _l("closed"),
    State.REJECTED: _l("rejected"),
    State.HIDDEN: _l("rejected"),
    State.REMOVED: _l("removed"),
}

# Named sets, as in alphagov/e-petitions: code asks "is it published?", never lists states inline.
PRE_MODERATION_STATES: Final = frozenset({State.PENDING, State.COLLECTING})
MODERATION_STATES: Final = frozenset({State.MODERATION})
PUBLISHED_STATES: Final = frozenset({State.OPEN, State.CLOSED})
VISIBLE_STATES: Final = frozenset({State.OPEN, State.CLOSED, State.REJECTED})
REJECTED_STATES: Final = frozenset({State.REJECTED, State.HIDDEN})
SIGNABLE_STATES: Final = frozenset({State.COLLECTING, State.OPEN})
REMOVABLE_STATES: Final = frozenset({State.OPEN, State.CLOSED, State.REJECTED, State.HIDDEN})
RESPONDABLE_STATES: Final = PUBLISHED_STATES

# The only moves the service allows; anything else is a 409 with an explanation.
TRANSITIONS: Final[dict[State, frozenset[State]]] = {
    State.PENDING: frozenset({State.COLLECTING}),
    State.COLLECTING: frozenset({State.MODERATION}),
    State.MODERATION: frozenset({State.OPEN, State.REJECTED, State.HIDDEN}),
    State.OPEN: frozenset({State.CLOSED, State.REMOVED}),
    State.CLOSED: frozenset({State.REMOVED}),
    State.REJECTED: frozenset({State.MODERATION, State.REMOVED}),  # a first rejection may be resubmitted
    State.HIDDEN: frozenset({State.REMOVED}),
    State.REMOVED: frozenset(),
}


class SignatureState(StrEnum):
    PENDING = "pending"
    VALIDATED = "validated"
    INVALIDATED = "invalidated"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(SIGNATURE_STATE_LABELS[self])


SIGNATURE_STATE_LABELS: Final = {
    SignatureState.PENDING: _l("not confirmed yet"),
    SignatureState.VALIDATED: _l("confirmed"),
    SignatureState.INVALIDATED: _l("invalidated"),
}


class Petition(SQLModel, table=True):
    __tablename__ = "petition"

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=80)
    background: str = Field(max_length=300)
    additional_details: str = Field(default="", max_length=800)
    # The language the petitioner wrote it in; versions in the others are in content_version.
    lang: str = Field(default="en", max_length=12, sa_column_kwargs={"server_default": "en"})
    state: State = Field(default=State.PENDING, sa_type=str_enum(State), index=True)
    creator_name: str = Field(max_length=120)
    creator_email: str = Field(max_length=254)
    creator_key: str = Field(max_length=64)  # the secret in the creator's private supporters link
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    moderation_entered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    moderation_lock_by: int | None = Field(default=None, foreign_key="staff_user.id")
    moderation_lock_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    flagged: bool = False
    rejection_code: str | None = Field(default=None, max_length=40)
    rejection_details: str = Field(default="", max_length=2000)
    rejection_count: int = 0
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    removed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Thresholds in force when the petition opened, so a later policy change does not move old goals.
    response_threshold: int | None = None
    debate_threshold: int | None = None
    response_threshold_reached_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    response_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    debate_threshold_reached_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Written in batches by the tally job; public pages use the derived count (see service_counting.py).
    signature_count: int = 0
    counted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    anonymised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Signature(SQLModel, table=True):
    __tablename__ = "petition_signature"
    __table_args__ = (
        UniqueConstraint("petition_id", "email_canonical"),
        Index("ix_petition_signature_count", "petition_id", "state", "suspect", "ward_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id")
    name: str = Field(max_length=120)
    email: str = Field(max_length=254)
    email_canonical: str = Field(max_length=254)  # a keyed hash after anonymisation
    postcode: str = Field(default="", max_length=8)
    ward_code: str = Field(max_length=12)  # a ward, or OUTSIDE_WARDS
    notify: bool = False
    state: SignatureState = Field(default=SignatureState.PENDING, sa_type=str_enum(SignatureState))
    suspect: bool = False  # over a rate limit: kept, never counted
    is_creator: bool = False
    ip_address: str = Field(default="", max_length=45)
    created_at: datetime = Field(sa_type=UTCDateTime)
    validated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    invalidated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    invalidation_reason: str = Field(default="", max_length=500)
    anonymised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The language the signer used on the site: every later email to them is in it.
    lang: str = Field(default="en", max_length=12, sa_column_kwargs={"server_default": "en"})


def counted() -> tuple[Any, Any]:
    """SQL conditions for a signature that counts: confirmed and not marked suspect."""
    return (Signature.state == SignatureState.VALIDATED, col(Signature.suspect).is_(False))


class PetitionDebate(SQLModel, table=True):
    __tablename__ = "petition_debate"

    petition_id: int = Field(foreign_key="petition.id", primary_key=True)
    scheduled_for: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str = Field(default="", sa_type=Text)
    minutes_url: str = Field(default="", max_length=500)
    video_url: str = Field(default="", max_length=500)
    debated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    updated_by_label: str = Field(default="", max_length=160)


class PetitionNotification(SQLModel, table=True):
    """A mailing to opted-in signers, sent in batches by a job; `after_id` is its cursor."""

    __tablename__ = "petition_notification"

    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", index=True)
    kind: str = Field(max_length=20)  # "response" or "debate"
    ref: str = Field(max_length=40)  # what is announced (a response id, a debate date)
    after_id: int = 0
    queued: int = 0
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)


class RejectionReason:
    def __init__(self, code: str, label: LazyString, description: LazyString, *, hidden: bool) -> None:
        self.code, self.label, self.description, self.hidden = code, label, description, hidden


# The table of reasons: hidden ones reject without publishing the petition or the reason.
REJECTION_REASONS: Final[tuple[RejectionReason, ...]] = (
    RejectionReason(
        "duplicate", _l("Duplicate"), _l("There is already a petition about this."), hidden=False
    ),
    RejectionReason(
        "no-action", _l("No action"), _l("It did not ask the council to do something specific."), hidden=False
    ),
    RejectionReason(
        "not-council",
        _l("Not the council's responsibility"),
        _l("The council cannot decide this."),
        hidden=False,
    ),
    RejectionReason(
        "irrelevant", _l("Nonsense or a joke"), _l("It was not a serious request."), hidden=False
    ),
    RejectionReason(
        "honours", _l("About honours or appointments"), _l("The council cannot act on it."), hidden=False
    ),
    RejectionReason(
        "offensive", _l("Offensive"), _l("It contained offensive or abusive language."), hidden=True
    ),
    RejectionReason("libellous", _l("Libellous"), _l("It could be defamatory."), hidden=True),
    RejectionReason(
        "personal", _l("Personal data"), _l("It included someone's personal information."), hidden=True
    ),
    RejectionReason(
        "advert", _l("Advertising"), _l("It promoted a product, service or website."), hidden=True
    ),
)
REASONS_BY_CODE: Final = {reason.code: reason for reason in REJECTION_REASONS}


class Channel(StrEnum):
    """How a signature reached the council; counts are shown per channel and together."""

    ONLINE = "online"
    PAPER = "paper"
    ASSISTED = "assisted"


class PaperStatus(StrEnum):
    ENTERING = "entering"
    COUNTED = "counted"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(PAPER_STATUS_LABELS[self])


PAPER_STATUS_LABELS: Final = {PaperStatus.ENTERING: _l("Being typed in"), PaperStatus.COUNTED: _l("Counted")}


class OfflineCheck(StrEnum):
    """What the checks made of a signature that came on paper or through a member of staff."""

    COUNTED = "counted"
    DUPLICATE = "duplicate"  # the same person already signed, online or on another line
    DOUBTFUL = "doubtful"  # perhaps the same person: a moderator decides
    OUTSIDE = "outside"  # the postcode is not in the council's area, or not a postcode
    NO_DECLARATION = "no-declaration"  # did not declare they live, work or study here

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(OFFLINE_CHECK_LABELS[self])


OFFLINE_CHECK_LABELS: Final = {
    OfflineCheck.COUNTED: _l("Counted"),
    OfflineCheck.DUPLICATE: _l("Duplicate"),
    OfflineCheck.DOUBTFUL: _l("Doubtful"),
    OfflineCheck.OUTSIDE: _l("Postcode outside the area"),
    OfflineCheck.NO_DECLARATION: _l("No declaration"),
}


class PaperPetition(SQLModel, table=True):
    """A petition that was handed in on paper and recorded by staff (its lead petitioner is the
    petition's `creator_name`; it has no creator email). Its own table, so the petition row is unchanged."""

    __tablename__ = "petition_paper_origin"

    petition_id: int = Field(foreign_key="petition.id", primary_key=True)
    received_on: str = Field(max_length=10)  # ISO date it was handed in
    recorded_by: int = Field(foreign_key="staff_user.id")
    recorded_at: datetime = Field(sa_type=UTCDateTime)


class PetitionPaperBatch(SQLModel, table=True):
    """A bundle of paper sheets for one petition, typed in twice by two different people."""

    __tablename__ = "petition_paper_batch"

    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", index=True)
    label: str = Field(max_length=120)
    sheets: int
    status: PaperStatus = Field(default=PaperStatus.ENTERING, sa_type=str_enum(PaperStatus))
    received_on: str = Field(default="", max_length=10)  # ISO date the sheets were handed in
    created_by: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    counted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PetitionPaperScan(SQLModel, table=True):
    """A scan of paper sheets: of a petition handed in on paper (no bundle) or of one bundle. It shows
    signers' names and addresses, so only moderators download it, and it goes with their signatures."""

    __tablename__ = "petition_paper_scan"

    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id", index=True)
    batch_id: int | None = Field(default=None, foreign_key="petition_paper_batch.id", index=True)
    content_type: str = Field(max_length=40)  # from the file's first bytes, never from the browser
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=LargeBinary)
    uploaded_by: int = Field(foreign_key="staff_user.id")
    uploaded_at: datetime = Field(sa_type=UTCDateTime)


class PetitionPaperEntry(SQLModel, table=True):
    """One sheet as typed in one pass (1 and 2 by different people, 3 settles a difference)."""

    __tablename__ = "petition_paper_entry"
    __table_args__ = (UniqueConstraint("batch_id", "pass_no", "sheet"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="petition_paper_batch.id", index=True)
    pass_no: int
    sheet: int
    lines: str = Field(default="", sa_type=Text)  # canonical "name|postcode|yes" lines
    entered_by: int = Field(foreign_key="staff_user.id")
    entered_at: datetime = Field(sa_type=UTCDateTime)


class OfflineSignature(SQLModel, table=True):
    """A signature from a paper sheet or given through a member of staff. Kept apart from online
    signatures so online signing (and its group commit) never waits on these rows."""

    __tablename__ = "petition_offline_signature"
    __table_args__ = (Index("ix_petition_offline_count", "petition_id", "outcome", "channel", "ward_code"),)

    id: int | None = Field(default=None, primary_key=True)
    petition_id: int = Field(foreign_key="petition.id")
    channel: Channel = Field(sa_type=str_enum(Channel))
    batch_id: int | None = Field(default=None, foreign_key="petition_paper_batch.id", index=True)
    sheet: int = 0
    line: int = 0
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120, index=True)  # normalised name, for matching across channels
    postcode: str = Field(default="", max_length=8)
    ward_code: str = Field(default="", max_length=12)
    outcome: OfflineCheck = Field(sa_type=str_enum(OfflineCheck))
    match_note: str = Field(default="", max_length=200)  # why it is a duplicate or doubtful
    reference: str = Field(default="", max_length=16)  # the assisted resident's reference
    entered_by: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="staff_user.id")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
