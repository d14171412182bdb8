"""What youth budgets hold about people, how long, and how a data request is met."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets.models import BudgetIdea, BudgetProcess, IdeaStatus
from civic.budgets.web_vote import PASS_COOKIE, RECEIPT_COOKIE
from civic.config import Settings
from civic.core.i18n import gettext, ngettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.localtime import format_datetime
from civic.core.privacy import Basis, Cookie, Erased, Held, PersonalData, Retention, Subject, SubjectAccess

PERSONAL_DATA = (
    PersonalData(
        table="budget_idea",
        columns=("email",),
        what=_l("the email address of young people who asked for updates on their idea"),
        purpose=_l("to tell you what happened to your idea"),
        basis=Basis.CONSENT,
        who_sees=_l("no one; youth workers see only that you asked for updates"),
        retention=Retention(
            _l("deleted %(period)s after the budget's delivery starts"),
            setting="BUDGET_IDEA_EMAIL_KEEP_DAYS",
            job="budgets.forget_emails",
        ),
    ),
    PersonalData(
        table="budget_idea",
        columns=("first_name", "title", "body"),
        what=_l("ideas young people write, with a first name if they give one"),
        purpose=_l("to build the projects young people vote on"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("youth workers; published ideas (and the first name, if given) are public"),
        retention=Retention(
            _l("kept as the budget's public record; please do not write contact details in an idea")
        ),
    ),
)

BALLOTS_UNLINKABLE = _l(
    "Youth budget votes are secret: a ballot is stored under a random id with no code, time or address, "
    "so Civic cannot find or erase a ballot by anyone's email address."
)


async def search(session: AsyncSession, subject: Subject) -> list[Held]:
    ideas = (
        select(BudgetIdea, BudgetProcess.title)
        .join(BudgetProcess, col(BudgetProcess.id) == col(BudgetIdea.process_id))
        .where(func.lower(BudgetIdea.email) == subject.email)
    )
    return [
        Held(
            gettext("Youth budget idea"),
            {
                gettext("budget"): title,
                gettext("idea"): idea.title,
                gettext("text"): idea.body,
                gettext("first name"): idea.first_name,
                gettext("age"): idea.age_band,
                gettext("email"): idea.email or "",
                gettext("sent"): format_datetime(idea.created_at),
                gettext("status"): idea.status.value,
            },
            gettext(
                "Erasure removes your name and email; a published idea's text stays, an unpublished one is deleted."
            ),
        )
        for idea, title in (await session.exec(ideas)).all()
    ]


async def erase(session: AsyncSession, subject: Subject, now: datetime) -> Erased:
    mine = func.lower(BudgetIdea.email) == subject.email
    unpublished = await session.exec(
        delete(BudgetIdea).where(
            mine, col(BudgetIdea.status) != IdeaStatus.PUBLISHED, col(BudgetIdea.proposal_id).is_(None)
        )
    )
    kept = await session.exec(update(BudgetIdea).where(mine).values(email=None, first_name=""))
    await session.flush()
    deleted, anonymised = int(unpublished.rowcount or 0), int(kept.rowcount or 0)
    return Erased(
        deleted + anonymised, f"{deleted} unpublished idea(s) deleted, {anonymised} idea(s) anonymised"
    )


SUBJECT_ACCESS = SubjectAccess(
    search=search,
    erase=erase,
    rules=(
        _l(
            "An idea that was published (or became part of a project) keeps its text; your first name and email are removed."
        ),
        _l("An idea that was not published is deleted."),
        BALLOTS_UNLINKABLE,
    ),
    notes=(BALLOTS_UNLINKABLE,),
)


def _vote_minutes(settings: Settings) -> str:
    return ngettext("%(num)s minute", "%(num)s minutes", settings.int_value("BUDGET_VOTE_MINUTES"))


COOKIES = (
    Cookie(
        PASS_COOKIE,
        _l("lets a young person who entered a voting code finish their ballot; it does not say who they are"),
        _vote_minutes,
        _l("young people voting in a youth budget"),
    ),
    Cookie(
        RECEIPT_COOKIE,
        _l("shows a voter the receipt of the ballot they just cast"),
        _vote_minutes,
        _l("young people who have just voted"),
    ),
)
