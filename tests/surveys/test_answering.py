"""Answering once per person: by an emailed link (which stores nothing until it is used) or with a
one-time code; counting what was answered; and the hashes erased after the survey closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.errors import Conflict
from civic.core.outbox import Mail
from civic.core.templating import make_templates
from civic.core.tokens import BadToken
from civic.surveys import queries, service, service_answering, service_codes
from civic.surveys.models import Channel, Survey, SurveyResponse
from civic.surveys.service_answering import Pending
from civic.surveys.service_privacy import erase_keys
from tests.surveys.conftest import ABBEY, CENTRAL

AGREE = {"influence": "tend_to_agree", "council_satisfaction": "fairly_satisfied"}
DISAGREE = {"influence": "strongly_disagree", "council_satisfaction": "very_dissatisfied"}


def _pending(survey: Survey, key: str, answers: dict[str, str], ward: str = CENTRAL) -> Pending:
    assert survey.id is not None
    return Pending(survey.id, ward, key, answers)


async def test_an_emailed_link_counts_once_per_address(
    db: Database, clock: FrozenClock, settings: Settings, survey: Survey
) -> None:
    pending = _pending(survey, "a" * 64, AGREE)
    token = service_answering.confirm_token(settings, pending, clock.now())
    assert service_answering.read_pending(settings, token, now=clock.now()) == pending
    async with db.transaction() as session:
        assert await service_answering.confirm(session, survey, pending, now=clock.now())
        again = _pending(survey, "a" * 64, DISAGREE)  # the same address answering differently
        assert not await service_answering.confirm(session, survey, again, now=clock.now())
        assert await service_answering.response_count(session, survey.id or 0) == 1
        counts = await queries.counts_of(session, survey.id or 0)
    assert counts == {
        ("influence", CENTRAL, "tend_to_agree"): 1,
        ("council_satisfaction", CENTRAL, "fairly_satisfied"): 1,
    }


async def test_a_link_expires_and_a_forged_one_is_refused(
    clock: FrozenClock, settings: Settings, survey: Survey
) -> None:
    token = service_answering.confirm_token(settings, _pending(survey, "b" * 64, AGREE), clock.now())
    with pytest.raises(BadToken):
        service_answering.read_pending(settings, token, now=clock.now() + timedelta(days=8))
    with pytest.raises(BadToken):
        service_answering.read_pending(settings, token[:-2] + "xx", now=clock.now())


async def test_a_code_is_used_once_and_an_unknown_code_is_refused(
    db: Database, clock: FrozenClock, settings: Settings, survey: Survey
) -> None:
    secret = settings.secret_key
    async with db.transaction() as session:
        codes = await service_codes.make_codes(
            session, survey, actor=None, secret=secret, label="Letters", size=3, now=clock.now()
        )
    assert len(set(codes)) == 3
    async with db.transaction() as session:
        first = await service_answering.answer_with_code(
            session, survey, raw_code=codes[0].lower().replace("-", " "), ward_code=ABBEY, answers=AGREE,
            secret=secret, now=clock.now(),
        )  # fmt: skip
        reused = await service_answering.answer_with_code(
            session,
            survey,
            raw_code=codes[0],
            ward_code=ABBEY,
            answers=DISAGREE,
            secret=secret,
            now=clock.now(),
        )
        unknown = await service_answering.answer_with_code(
            session,
            survey,
            raw_code="22222-22222",
            ward_code=ABBEY,
            answers=AGREE,
            secret=secret,
            now=clock.now(),
        )
        usage = await service_codes.code_usage(session, survey.id or 0)
        rows = (await session.exec(select(SurveyResponse))).all()
    assert (first, reused, unknown) == (True, False, False)
    assert usage == [("Letters", 3, 1)]
    assert [(r.channel, r.ward_code) for r in rows] == [(Channel.CODE, ABBEY)]


async def test_answers_are_refused_before_opening_and_after_closing(
    db: Database, clock: FrozenClock, settings: Settings, survey: Survey
) -> None:
    mail_queue = Mail(make_templates().env, settings)
    async with db.transaction() as session:
        await service.close_survey(session, survey, actor=None, now=clock.now())
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            await service_answering.confirm(
                session, survey, _pending(survey, "c" * 64, AGREE), now=clock.now()
            )
    with pytest.raises(Conflict):
        async with db.transaction() as session:
            await service_answering.ask_confirmation(
                session, survey, address="a@example.org", ward_code=CENTRAL, answers=AGREE,
                settings=settings, mail=mail_queue, now=clock.now(),
            )  # fmt: skip
    with pytest.raises(Conflict, match="Only an open survey"):
        async with db.transaction() as session:
            await service.close_survey(session, survey, actor=None, now=clock.now())


async def test_results_count_by_ward_and_the_keys_are_erased_after_the_survey_closes(
    db: Database, clock: FrozenClock, survey: Survey
) -> None:
    async with db.transaction() as session:
        for n in range(12):  # Fernbridge Central: 9 agree of 12; Abbey: 2 answers only
            answers = AGREE if n < 9 else DISAGREE
            await service_answering.confirm(
                session, survey, _pending(survey, f"{n:064d}", answers), now=clock.now()
            )
        for n in range(2):
            await service_answering.confirm(
                session, survey, _pending(survey, f"a{n:063d}", AGREE, ABBEY), now=clock.now()
            )
        await service.close_survey(session, survey, actor=None, now=clock.now())
        results = await queries.results_of(session, survey)
    influence = results[0]
    assert influence.question.code == "influence"
    assert (influence.overall.estimate.answers, influence.overall.estimate.positive) == (14, 11)
    assert (
        influence.overall.estimate.percent,
        influence.overall.estimate.low,
        influence.overall.estimate.high,
    ) == (78.6, 52.4, 92.4)
    by_ward = {a.code: a.estimate for a in influence.areas}
    assert by_ward[CENTRAL].percent == 75.0 and by_ward[CENTRAL].low == 46.8 and by_ward[CENTRAL].high == 91.1
    assert by_ward[ABBEY].answers == 2 and by_ward[ABBEY].percent is None
    assert len(influence.areas) == 12  # every ward of the council, answered or not
    async with db.transaction() as session:
        assert await erase_keys(session, now=clock.now() + timedelta(days=89), keep_days=90) == 0
        assert await erase_keys(session, now=clock.now() + timedelta(days=91), keep_days=90) == 14
        keys = (await session.exec(select(SurveyResponse.voter_key))).all()
    assert set(keys) == {None}
