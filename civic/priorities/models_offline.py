"""Police priorities ballots that come without an email: paper ballots typed in twice in bundles
(civic/core/double_entry.py) and votes a member of staff records for a resident who asks. Imported by
`models.py`, so Alembic and the tests see these tables with the rest of the feature's."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from civic.core.db import UTCDateTime, str_enum
from civic.core.i18n import lazy_gettext as _l


class BallotChannel(StrEnum):
    """How a ballot that is not an emailed online one reached the count."""

    PAPER = "paper"  # a printed ballot, typed in twice (civic/core/double_entry.py)
    ASSISTED = "assisted"  # recorded by a member of staff for a resident who asked, with consent

    @property
    def label(self) -> str:
        return "Paper ballot" if self is BallotChannel.PAPER else "Given with a member of staff"


class PaperStatus(StrEnum):
    ENTERING = "entering"
    COUNTED = "counted"

    @property
    def label(self) -> str:
        return str(_l("Entering") if self is PaperStatus.ENTERING else _l("Counted"))


class PaperBatch(SQLModel, table=True):
    """A bundle of paper ballots of one round, typed in twice by two different people before counting."""

    __tablename__ = "priorities_paper_batch"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    label: str = Field(max_length=120)  # where the ballots came from
    sheets: int = Field(ge=1, le=500)
    status: PaperStatus = Field(default=PaperStatus.ENTERING, sa_type=str_enum(PaperStatus))
    created_by: int = Field(foreign_key="staff_user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    counted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    counted: int = 0  # sheets that became ballots
    spoilt: int = 0  # sheets set aside (blank, too many choices, postcode outside the neighbourhood)


class PaperEntry(SQLModel, table=True):
    """One typing of one sheet: pass 1 and 2 by different people, pass 3 settles a difference."""

    __tablename__ = "priorities_paper_entry"
    __table_args__ = (UniqueConstraint("batch_id", "pass_no", "sheet"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="priorities_paper_batch.id", index=True)
    pass_no: int
    sheet: int
    text: str = Field(max_length=200)  # canonical: "2,5 / FB1 1AA" (choices, postcode), "" for blank
    entered_by: int = Field(foreign_key="staff_user.id")
    entered_at: datetime = Field(sa_type=UTCDateTime)


class OfflineBallot(SQLModel, table=True):
    """A counted ballot without an email: a paper sheet, or one a member of staff recorded for a
    resident. Holds no name or postcode: the ward, the choices and, for an assisted ballot, a keyed
    hash of the resident's name and postcode so the same resident is not entered twice."""

    __tablename__ = "priorities_offline_ballot"
    __table_args__ = (UniqueConstraint("round_id", "person_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="priorities_round.id", index=True)
    channel: BallotChannel = Field(sa_type=str_enum(BallotChannel))
    batch_id: int | None = Field(default=None, foreign_key="priorities_paper_batch.id", index=True)
    sheet: int = 0
    ward_code: str = Field(max_length=12)
    works_here: bool = False
    choices_json: str = Field(max_length=200)
    person_hash: str | None = Field(default=None, max_length=64)  # assisted only (NULLs never clash)
    reference: str = Field(default="", max_length=16)  # assisted: what the resident is told
    entered_by: int = Field(foreign_key="staff_user.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)

    @property
    def choices(self) -> list[int]:
        loaded: list[int] = json.loads(self.choices_json)
        return loaded
