"""Youth budgets (participatory budgeting): processes, areas, ideas, proposals, codes, ballots, results
and delivery.

Secret ballot: `BudgetCode` and `BudgetBallot` share no column. A code only records *that* it was used
(a boolean, no time); a ballot has a random id, no timestamp and no reference to a code or batch. See
`civic.budgets.service_voting` for exactly how the link is kept out of the database.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from civic.core.db import UTCDateTime, str_enum
from civic.core.i18n import lazy_gettext as _l


class BallotType(StrEnum):
    APPROVAL = "approval"  # pick between min and max projects
    KNAPSACK = "knapsack"  # spend the budget
    CHOOSE_ONE = "choose_one"

    @property
    def label(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return str(BALLOT_TYPE_LABELS[self.value])


class Phase(StrEnum):
    UPCOMING = "upcoming"
    IDEAS = "ideas"
    REVIEW = "review"
    VOTING = "voting"
    RESULTS = "results"
    DELIVERY = "delivery"

    @property
    def label(self) -> str:
        return str(PHASE_LABELS[self.value])


class TallyRule(StrEnum):
    GREEDY = "greedy"
    MES = "mes"

    @property
    def label(self) -> str:
        return str(RULE_LABELS[self.value])


class IdeaStatus(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"


class Feasibility(StrEnum):
    PENDING = "pending"
    FEASIBLE = "feasible"
    UNFEASIBLE = "unfeasible"

    @property
    def label(self) -> str:
        return str(FEASIBILITY_LABELS[self.value])


class Channel(StrEnum):
    ONLINE = "online"
    PAPER = "paper"

    @property
    def label(self) -> str:
        return str(CHANNEL_LABELS[self.value])


class PaperStatus(StrEnum):
    ENTERING = "entering"
    COUNTED = "counted"

    @property
    def label(self) -> str:
        return str(PAPER_STATUS_LABELS[self.value])


class DeliveryStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    STOPPED = "stopped"

    @property
    def label(self) -> str:
        return str(DELIVERY_STATUS_LABELS[self.value])


BALLOT_TYPE_LABELS = {
    "approval": _l("Pick your favourite projects"),
    "knapsack": _l("Spend the budget"),
    "choose_one": _l("Choose one project"),
}
PHASE_LABELS = {
    "upcoming": _l("Starting soon"),
    "ideas": _l("Sharing ideas"),
    "review": _l("Checking and costing ideas"),
    "voting": _l("Voting"),
    "results": _l("Results"),
    "delivery": _l("Delivering the projects"),
}
DELIVERY_STATUS_LABELS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "stopped": _l("Stopped"),
}
RULE_LABELS = {"greedy": _l("Most votes first (greedy)"), "mes": _l("Method of Equal Shares")}
FEASIBILITY_LABELS = {"pending": _l("Pending"), "feasible": _l("Feasible"), "unfeasible": _l("Unfeasible")}
PAPER_STATUS_LABELS = {"entering": _l("Entering"), "counted": _l("Counted")}
CHANNEL_LABELS = {"online": _l("Online"), "paper": _l("Paper")}

AGE_BANDS = ("11-13", "14-16", "17-19", "20-25")


class BudgetProcess(SQLModel, table=True):
    __tablename__ = "budget_process"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True)
    title: str = Field(max_length=160)
    description: str = Field(default="", sa_type=Text)
    total: int  # whole pounds; the sum of the areas' budgets when there are areas
    ballot_type: BallotType = Field(sa_type=str_enum(BallotType))
    min_choices: int = 1
    max_choices: int = 3
    min_share_percent: int = 0  # knapsack: a ballot must spend at least this share of the budget
    rule: TallyRule = Field(default=TallyRule.GREEDY, sa_type=str_enum(TallyRule))
    age_min: int = 11
    age_max: int = 25
    age_as_of: datetime = Field(sa_type=UTCDateTime)
    ideas_open_at: datetime = Field(sa_type=UTCDateTime)
    review_at: datetime = Field(sa_type=UTCDateTime)
    voting_opens_at: datetime = Field(sa_type=UTCDateTime)
    voting_closes_at: datetime = Field(sa_type=UTCDateTime)
    delivery_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)

    def phase(self, now: datetime) -> Phase:
        if now < self.ideas_open_at:
            return Phase.UPCOMING
        if now < self.review_at:
            return Phase.IDEAS
        if now < self.voting_opens_at:
            return Phase.REVIEW
        if now < self.voting_closes_at:
            return Phase.VOTING
        if now < self.delivery_at:
            return Phase.RESULTS
        return Phase.DELIVERY


class BudgetArea(SQLModel, table=True):
    """A part of the process with its own budget (a ward, a school); voters vote in one area."""

    __tablename__ = "budget_area"

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    name: str = Field(max_length=120)
    budget: int


class BudgetAreaWard(SQLModel, table=True):
    """A ward an area covers, so the results can draw turnout by area on the ward map. An area may
    cover several wards (a "North" budget) or none (a school); a ward is in at most one area of a
    process, which `create_process` checks."""

    __tablename__ = "budget_area_ward"

    area_id: int = Field(foreign_key="budget_area.id", primary_key=True)
    ward_code: str = Field(foreign_key="ward.code", primary_key=True, max_length=12)


class BudgetIdea(SQLModel, table=True):
    __tablename__ = "budget_idea"

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    title: str = Field(max_length=120)
    body: str = Field(max_length=2000)  # what and where
    first_name: str = Field(default="", max_length=60)
    age_band: str = Field(default="", max_length=10)
    email: str | None = Field(default=None, max_length=254)  # only to send updates; never shown
    # The language the idea was shared in: the emails to its address are in it.
    lang: str = Field(default="en", max_length=12, sa_column_kwargs={"server_default": "en"})
    status: IdeaStatus = Field(default=IdeaStatus.PENDING, sa_type=str_enum(IdeaStatus), index=True)
    moderation_reason: str = Field(default="", max_length=500)
    proposal_id: int | None = Field(default=None, foreign_key="budget_proposal.id", index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class BudgetProposal(SQLModel, table=True):
    """A costed project built from one or more ideas; `number` is its public project id."""

    __tablename__ = "budget_proposal"
    __table_args__ = (UniqueConstraint("process_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="budget_area.id")
    number: int
    title: str = Field(max_length=120)
    summary: str = Field(max_length=2000)
    cost: int = 0  # whole pounds
    feasibility: Feasibility = Field(default=Feasibility.PENDING, sa_type=str_enum(Feasibility))
    reason: str = Field(default="", max_length=2000)  # public
    created_at: datetime = Field(sa_type=UTCDateTime)


class BudgetCodeBatch(SQLModel, table=True):
    __tablename__ = "budget_code_batch"

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="budget_area.id")
    label: str = Field(max_length=120)  # a school, a club
    age_band: str = Field(default="", max_length=10)
    size: int
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    void_reason: str = Field(default="", max_length=500)


class BudgetCode(SQLModel, table=True):
    """A one-time voting code, stored only as a keyed hash. `used` has no time on purpose."""

    __tablename__ = "budget_code"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="budget_code_batch.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    hint: str = Field(max_length=4)  # last characters, so staff can find a code to void it
    used: bool = False
    voided: bool = False


class BudgetBallot(SQLModel, table=True):
    """A counted ballot under a random id: no timestamp, no code, no batch."""

    __tablename__ = "budget_ballot"

    id: str = Field(primary_key=True, max_length=32)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="budget_area.id")
    age_band: str = Field(default="", max_length=10)  # the batch's band, for turnout statistics
    channel: Channel = Field(sa_type=str_enum(Channel))
    receipt_hash: str | None = Field(default=None, max_length=64, unique=True)


class BudgetBallotChoice(SQLModel, table=True):
    __tablename__ = "budget_ballot_choice"

    ballot_id: str = Field(foreign_key="budget_ballot.id", primary_key=True, max_length=32)
    proposal_id: int = Field(foreign_key="budget_proposal.id", primary_key=True)


class BudgetPaperBatch(SQLModel, table=True):
    """A bundle of paper ballots, typed in twice by two different people before it is counted."""

    __tablename__ = "budget_paper_batch"

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    area_id: int | None = Field(default=None, foreign_key="budget_area.id")
    label: str = Field(max_length=120)
    age_band: str = Field(default="", max_length=10)
    sheets: int
    status: PaperStatus = Field(default=PaperStatus.ENTERING, sa_type=str_enum(PaperStatus))
    created_at: datetime = Field(sa_type=UTCDateTime)
    counted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BudgetPaperEntry(SQLModel, table=True):
    """One person's typing of one sheet (pass 1 or 2), or the resolution of a mismatch (pass 3)."""

    __tablename__ = "budget_paper_entry"
    __table_args__ = (UniqueConstraint("batch_id", "pass_no", "sheet"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="budget_paper_batch.id", index=True)
    pass_no: int
    sheet: int
    choices: str = Field(max_length=400)  # proposal numbers, comma separated, sorted; "" = blank
    entered_by: int = Field(foreign_key="staff_user.id")
    entered_at: datetime = Field(sa_type=UTCDateTime)


class BudgetOverride(SQLModel, table=True):
    """An explicit, public decision to leave a proposal out of the count (withdrawn, incompatible)."""

    __tablename__ = "budget_override"

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    proposal_id: int = Field(foreign_key="budget_proposal.id")
    reason: str = Field(max_length=1000)
    created_by: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class BudgetResult(SQLModel, table=True):
    """A stored count. Never edited: a recount is a new row; publishing marks one row published."""

    __tablename__ = "budget_result"

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    rule: TallyRule = Field(sa_type=str_enum(TallyRule))
    outcome_json: str = Field(sa_type=Text)  # per area: tally.Outcome.as_json() plus area fields
    computed_at: datetime = Field(sa_type=UTCDateTime)
    computed_by: int | None = Field(default=None, foreign_key="staff_user.id")
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BudgetDelivery(SQLModel, table=True):
    __tablename__ = "budget_delivery"

    proposal_id: int = Field(foreign_key="budget_proposal.id", primary_key=True)
    process_id: int = Field(foreign_key="budget_process.id", index=True)
    owner: str = Field(default="", max_length=120)
    status: DeliveryStatus = Field(default=DeliveryStatus.PLANNED, sa_type=str_enum(DeliveryStatus))
    percent: int = 0


class BudgetDeliveryUpdate(SQLModel, table=True):
    __tablename__ = "budget_delivery_update"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="budget_proposal.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    text: str = Field(max_length=2000)
    percent: int
    status: DeliveryStatus = Field(sa_type=str_enum(DeliveryStatus))
