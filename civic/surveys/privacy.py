"""What residents' surveys hold about people, how long, and how a data request is met.

A response holds answers, a ward and, while the survey needs it, a keyed hash of the email address or
code that answered it. The address itself is never stored by the survey (the confirmation email passes
through the outbox, which core redacts). Because only the hash is kept, a request for one address can
find whether that address answered a survey; erasing it removes the link, and the anonymous answers stay
in the counts, as they would on paper.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.identity import email_hash
from civic.core.localtime import format_datetime
from civic.core.privacy import Basis, Erased, Held, PersonalData, Retention, Subject, SubjectAccess
from civic.surveys.models import Survey, SurveyResponse

PERSONAL_DATA = (
    PersonalData(
        table="survey_response",
        columns=("voter_key", "ward_code"),
        what=_l(
            "a keyed hash of the email address (or one-time code) you answered a survey with, and your ward"
        ),
        purpose=_l("to let each person answer a survey once, and to count the answers by ward"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("no one; results are published only as counts by ward, with fewer than 5 shown as such"),
        retention=Retention(
            _l(
                "the hash is erased %(period)s after the survey closes; the anonymous answers are kept as its result"
            ),
            setting="SURVEY_KEY_KEEP_DAYS",
            job="surveys.erase_respondent_keys",
        ),
    ),
)


def _of(subject: Subject) -> str:
    return email_hash(subject.secret, subject.email)


async def search(session: AsyncSession, subject: Subject) -> list[Held]:
    rows = await session.exec(
        select(SurveyResponse, Survey.title)
        .join(Survey, col(Survey.id) == col(SurveyResponse.survey_id))
        .where(SurveyResponse.voter_key == _of(subject))
    )
    return [
        Held(
            gettext("Survey response"),
            {
                gettext("survey"): title,
                gettext("ward"): item.ward_code,
                gettext("answered"): format_datetime(item.created_at),
            },
            gettext(
                "Erasure removes the link to your address; your anonymous answers stay in the survey's counts."
            ),
        )
        for item, title in rows.all()
    ]


async def erase(session: AsyncSession, subject: Subject, now: datetime) -> Erased:
    result = await session.exec(
        update(SurveyResponse).where(col(SurveyResponse.voter_key) == _of(subject)).values(voter_key=None)
    )
    await session.flush()
    count = int(result.rowcount or 0)
    return Erased(count, f"{count} survey response(s) unlinked from the address")


SUBJECT_ACCESS = SubjectAccess(
    search=search,
    erase=erase,
    rules=(_l("Survey responses are unlinked from the address; the anonymous answers stay in the results."),),
)
