"""Tables and states for responses, their versions, followers, opt-outs and ratings."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from civic.core.db import UTCDateTime, str_enum
from civic.core.i18n import lazy_gettext as _l

SUMMARY_MAX = 200
DETAILS_MAX = 6000
COMMENT_MAX = 1000


class ResponseState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class BodyKind(StrEnum):
    DEPARTMENT = "department"
    POLICE = "police"
    YOUTH = "youth"
    PANEL = "panel"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(
            {
                "department": _l("Department"),
                "police": _l("Police"),
                "youth": _l("Youth"),
                "panel": _l("Panel"),
            }[self.value]
        )


class CommentState(StrEnum):
    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ResponsibleBody(SQLModel, table=True):
    """Who answers: a council department, a neighbourhood policing team, the youth service, a panel."""

    __tablename__ = "response_body"

    slug: str = Field(primary_key=True, max_length=60)
    name: str = Field(max_length=160)
    kind: BodyKind = Field(sa_type=str_enum(BodyKind))
    description: str = Field(default="", max_length=500)


class Response(SQLModel, table=True):
    """The one response to a target. Its text lives in versions; the latest published one is current."""

    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("target_kind", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    target_kind: str = Field(max_length=40, index=True)
    target_id: str = Field(max_length=80)
    target_title: str = Field(max_length=300)
    body_slug: str = Field(foreign_key="response_body.slug", index=True)
    state: ResponseState = Field(default=ResponseState.DRAFT, sa_type=str_enum(ResponseState), index=True)
    author_id: int | None = Field(default=None, foreign_key="staff_user.id")
    author_name: str = Field(max_length=160)
    author_role: str = Field(default="", max_length=40)
    author_wards: str = Field(default="", max_length=500)  # councillors: ward names, comma-separated
    author_party: str = Field(default="", max_length=80)
    draft_summary: str = Field(default="", max_length=SUMMARY_MAX)
    draft_details: str = Field(default="", sa_type=Text)
    draft_reason: str = Field(default="", max_length=500)  # why a published response is being changed
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    first_published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 0  # number of the latest published version; 0 = never published


class ResponseVersion(SQLModel, table=True):
    """A published text. Never updated: a change is a new version with a reason."""

    __tablename__ = "response_version"
    __table_args__ = (UniqueConstraint("response_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    version: int
    summary: str = Field(max_length=SUMMARY_MAX)
    details: str = Field(sa_type=Text)
    reason: str = Field(default="", max_length=500)
    author_name: str = Field(max_length=160)
    published_at: datetime = Field(sa_type=UTCDateTime)


class Follower(SQLModel, table=True):
    """A resident who asked to hear when a target is answered (besides the feature's own audience)."""

    __tablename__ = "response_follower"
    __table_args__ = (UniqueConstraint("target_kind", "target_id", "email_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    target_kind: str = Field(max_length=40)
    target_id: str = Field(max_length=80)
    email: str = Field(max_length=254)
    email_hash: str = Field(max_length=64)
    # The language they followed in: the emails about the answer are in it.
    lang: str = Field(default="en", max_length=12, sa_column_kwargs={"server_default": "en"})
    created_at: datetime = Field(sa_type=UTCDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # double opt-in


class OptOut(SQLModel, table=True):
    """An unsubscribe: from one target's updates (`kind:id`) or from everything (`all`)."""

    __tablename__ = "response_optout"
    __table_args__ = (UniqueConstraint("email_hash", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    email_hash: str = Field(max_length=64, index=True)
    scope: str = Field(max_length=130)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Rating(SQLModel, table=True):
    """One person's rating of one response: 1-5 and an optional comment shown once moderated."""

    __tablename__ = "response_rating"
    __table_args__ = (UniqueConstraint("response_id", "rater_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    version: int
    rater_hash: str = Field(max_length=64)
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=COMMENT_MAX)
    comment_state: CommentState = Field(default=CommentState.NONE, sa_type=str_enum(CommentState), index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


WHAT_MAX = 300
UPDATE_MAX = 1000


class CommitmentState(StrEnum):
    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str({"open": _l("open"), "done": _l("done"), "dropped": _l("dropped")}[self.value])


class Commitment(SQLModel, table=True):
    """A published answer that promises an action: what, by when, and which body owes it.

    It hangs off the response, so every feature's asks gain commitments through the one answering
    flow they already plug into, and the list per body and per ward needs no feature's internals."""

    __tablename__ = "response_commitment"
    __table_args__ = (UniqueConstraint("response_id"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id")
    body_slug: str = Field(foreign_key="response_body.slug", index=True)
    ward_codes: str = Field(default="", max_length=500)  # the ask's wards, comma-separated
    what: str = Field(max_length=WHAT_MAX)
    due_on: date
    state: CommitmentState = Field(
        default=CommitmentState.OPEN, sa_type=str_enum(CommitmentState), index=True
    )
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CommitmentUpdate(SQLModel, table=True):
    """A dated public progress note. Never edited: a correction is a new update."""

    __tablename__ = "response_commitment_update"

    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="response_commitment.id", index=True)
    state: CommitmentState = Field(sa_type=str_enum(CommitmentState))
    note: str = Field(max_length=UPDATE_MAX)
    author_name: str = Field(max_length=160)
    posted_at: datetime = Field(sa_type=UTCDateTime)


class WasItDone(StrEnum):
    """A resident's answer to "was it done?"."""

    DONE = "done"
    PARTLY = "partly"
    NOT_DONE = "not_done"


class CommitmentCheck(SQLModel, table=True):
    """The people who asked were asked "was it done?" about this commitment (once: on its date, or
    when it was marked done). Commitments are any feature's (`civic/core/commitments.py`), so the
    key is the source's kind and ref rather than a foreign key."""

    __tablename__ = "response_commitment_check"
    __table_args__ = (UniqueConstraint("commitment_kind", "commitment_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    commitment_kind: str = Field(max_length=40)
    commitment_ref: str = Field(max_length=80)
    asked_at: datetime = Field(sa_type=UTCDateTime)


class CommitmentAnswer(SQLModel, table=True):
    """One person's answer to "was it done?" about one commitment, with an optional comment shown
    once moderated. Keyed by a keyed hash of the address, like ratings: no account, no address."""

    __tablename__ = "response_commitment_answer"
    __table_args__ = (UniqueConstraint("commitment_kind", "commitment_ref", "rater_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    commitment_kind: str = Field(max_length=40, index=True)
    commitment_ref: str = Field(max_length=80)
    rater_hash: str = Field(max_length=64)
    answer: WasItDone = Field(sa_type=str_enum(WasItDone))
    comment: str = Field(default="", max_length=COMMENT_MAX)
    comment_state: CommentState = Field(default=CommentState.NONE, sa_type=str_enum(CommentState), index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class StepLink(SQLModel, table=True):
    """Staff say one step of an ask led on to another, across features: a petition went to a panel's
    decision, the decision asked for a response. Steps are generic (kind, ref) pairs, as panels'
    agenda links are; a response and its commitment are linked to their ask without a row here."""

    __tablename__ = "response_step_link"
    __table_args__ = (UniqueConstraint("from_kind", "from_ref", "to_kind", "to_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    from_kind: str = Field(max_length=40, index=True)
    from_ref: str = Field(max_length=80)
    to_kind: str = Field(max_length=40, index=True)
    to_ref: str = Field(max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
