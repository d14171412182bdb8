"""Survey tables. A response stores no address or name: the once-per-person check keeps only a keyed
hash (of the confirmed email address, or of the one-time code), and paper responses keep none."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from civic.core.db import UTCDateTime, str_enum
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l


class AreaKind(StrEnum):
    COUNCIL = "council"
    WARD = "ward"
    NEIGHBOURHOOD = "neighbourhood"


class SurveyState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str({"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed")}[self.value])


class Channel(StrEnum):
    EMAIL = "email"  # answered online and confirmed by an emailed link
    CODE = "code"  # answered online with a one-time code from a letter or a meeting
    PAPER = "paper"  # answered on paper and typed in twice by staff


class PaperStatus(StrEnum):
    ENTERING = "entering"
    COUNTED = "counted"

    @property
    def label(self) -> str:
        return str(_l("Entering") if self is PaperStatus.ENTERING else _l("Counted"))


class Survey(SQLModel, table=True):
    __tablename__ = "survey"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=160)
    area_kind: AreaKind = Field(sa_type=str_enum(AreaKind))
    ward_code: str | None = Field(default=None, foreign_key="ward.code")
    neighbourhood_slug: str | None = Field(default=None, foreign_key="neighbourhood.slug")
    area_name: str = Field(max_length=160)  # kept so public pages need no join
    questions: str = Field(max_length=400)  # question codes (civic/surveys/questions.py), comma-separated
    state: SurveyState = Field(default=SurveyState.DRAFT, sa_type=str_enum(SurveyState))
    created_at: datetime = Field(sa_type=UTCDateTime)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def shown_area(self) -> str:
        """The area as pages name it, in the reader's language (a ward's or neighbourhood's name as
        stored; the whole council area in words; open data keeps `area_name`)."""
        return gettext("the whole council area") if self.area_kind == AreaKind.COUNCIL else self.area_name


class SurveyCode(SQLModel, table=True):
    """A one-time code printed on a letter or handed out at a meeting; only its keyed hash is kept."""

    __tablename__ = "survey_code"
    __table_args__ = (UniqueConstraint("survey_id", "code_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    code_hash: str = Field(max_length=64)
    label: str = Field(max_length=120)  # which mailing or meeting the code went out with
    created_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SurveyResponse(SQLModel, table=True):
    """One person's answers. `voter_key` (a keyed hash of the email address or of the code) is unique
    per survey, which is the once-per-person rule; paper responses have none (the paper is the check)."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "voter_key"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    ward_code: str = Field(foreign_key="ward.code", max_length=12)
    channel: Channel = Field(sa_type=str_enum(Channel))
    voter_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)


class SurveyAnswer(SQLModel, table=True):
    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "question"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="survey_response.id", index=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    question: str = Field(max_length=40)
    choice: str = Field(max_length=40)


class SurveyPaperBatch(SQLModel, table=True):
    """A bundle of paper forms from one ward, typed in twice by two different people, then counted."""

    __tablename__ = "survey_paper_batch"

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True)
    ward_code: str = Field(foreign_key="ward.code", max_length=12)
    label: str = Field(max_length=120)
    sheets: int
    status: PaperStatus = Field(default=PaperStatus.ENTERING, sa_type=str_enum(PaperStatus))
    created_at: datetime = Field(sa_type=UTCDateTime)
    counted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SurveyPaperEntry(SQLModel, table=True):
    """One sheet as one person typed it (pass 1 or 2), or as a third entry settled it (pass 3)."""

    __tablename__ = "survey_paper_entry"
    __table_args__ = (UniqueConstraint("batch_id", "pass_no", "sheet"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="survey_paper_batch.id", index=True)
    pass_no: int
    sheet: int
    answers: str = Field(sa_type=Text)  # the sheet's answer numbers, one per question ("-" = none)
    entered_by: int = Field(foreign_key="staff_user.id")
    entered_at: datetime = Field(sa_type=UTCDateTime)
