"""Once per person under concurrency, on real commits: the same emailed link and the same code used
many times at once store one response each, and every other attempt is told it was already used."""

from __future__ import annotations

import asyncio

from sqlmodel import func, select

from civic.config import Settings
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.surveys import service_answering, service_codes
from civic.surveys.models import Survey, SurveyAnswer, SurveyResponse
from civic.surveys.service_answering import Pending
from tests.surveys.conftest import CENTRAL

ATTEMPTS, PEOPLE = 120, 6
ANSWERS = {"influence": "tend_to_agree", "council_satisfaction": "neither"}


async def test_racing_links_and_codes_store_one_response_per_person(
    db: Database, clock: FrozenClock, settings: Settings, survey: Survey
) -> None:
    assert survey.id is not None
    async with db.transaction() as session:
        codes = await service_codes.make_codes(
            session,
            survey,
            actor=None,
            secret=settings.secret_key,
            label="Meeting",
            size=PEOPLE,
            now=clock.now(),
        )
    outcomes: list[bool] = []
    errors: list[BaseException] = []

    async def attempt(number: int) -> None:
        person = number % (2 * PEOPLE)
        try:
            async with db.transaction() as session:
                fresh = await session.get(Survey, survey.id)
                assert fresh is not None
                if person < PEOPLE:
                    pending = Pending(survey.id or 0, CENTRAL, f"{person:064d}", ANSWERS)
                    outcomes.append(await service_answering.confirm(session, fresh, pending, now=clock.now()))
                else:
                    outcomes.append(
                        await service_answering.answer_with_code(
                            session,
                            fresh,
                            raw_code=codes[person - PEOPLE],
                            ward_code=CENTRAL,
                            answers=ANSWERS,
                            secret=settings.secret_key,
                            now=clock.now(),
                        )
                    )
        except Exception as exc:
            errors.append(exc)

    await asyncio.gather(*(attempt(n) for n in range(ATTEMPTS)))
    async with db.reading() as session:
        responses = (await session.exec(select(func.count()).select_from(SurveyResponse))).one()
        answers = (await session.exec(select(func.count()).select_from(SurveyAnswer))).one()
    print(
        f"\n{ATTEMPTS} concurrent attempts by {2 * PEOPLE} people: {responses} responses, {answers} answers"
    )
    assert errors == []
    assert responses == 2 * PEOPLE and answers == 2 * PEOPLE * len(ANSWERS)
    assert outcomes.count(True) == 2 * PEOPLE and outcomes.count(False) == ATTEMPTS - 2 * PEOPLE
