"""The demo surveys: last spring's council-wide survey, closed with results in every ward (one ward
with too few answers to show a figure), and a policing survey of one neighbourhood, open now."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import list_wards
from civic.core.demo import DemoContext, demo_now
from civic.core.users import Role
from civic.surveys import service, service_answering
from civic.surveys.models import AreaKind, Channel, Survey
from civic.surveys.questions import BY_CODE

SMALL_WARD = "E05900012"  # a handful of answers: its page shows no share, as the rule says


async def _answer(session: AsyncSession, survey: Survey, ward: str, lean: float, rng: random.Random) -> None:
    """One paper response; `lean` (0 to 1) tilts the ward towards the positive answers."""
    answers = {}
    for code in survey.questions.split(","):
        choices = BY_CODE[code].choice_codes()
        weights = [lean * 2, lean * 3, 1.5, (1 - lean) * 3, (1 - lean) * 2, 0.5][: len(choices)]
        answers[code] = rng.choices(choices, weights=weights)[0]
    at = (survey.opened_at or demo_now()) + timedelta(hours=rng.randint(1, 24 * 20))
    await service_answering.record(session, survey, channel=Channel.PAPER, voter_key=None,
                                   ward_code=ward, answers=answers, now=at)  # fmt: skip


async def load_surveys(session: AsyncSession, ctx: DemoContext) -> None:
    now, rng = demo_now(), random.Random(2027)
    admin = ctx.staff.get(Role.ADMIN)
    spring = await service.create_survey(
        session, actor=admin, slug="residents-survey-spring", title="Residents' survey, spring",
        area_kind=AreaKind.COUNCIL, area_code=None, area_name="the whole council area",
        questions=["influence", "council_satisfaction", "informed"], now=now - timedelta(days=45),
    )  # fmt: skip
    await service.open_survey(session, spring, actor=admin, now=now - timedelta(days=40))
    for n, ward in enumerate(await list_wards(session)):
        count = 3 if ward.code == SMALL_WARD else rng.randint(18, 45)
        for _ in range(count):
            await _answer(session, spring, ward.code, 0.3 + 0.04 * n, rng)
    await service.close_survey(session, spring, actor=admin, now=now - timedelta(days=7))
    policing = await service.create_survey(
        session, actor=admin, slug="policing-fernbridge-central", title="Policing in Fernbridge Central and Docks",
        area_kind=AreaKind.NEIGHBOURHOOD, area_code="fernbridge-central", area_name="Fernbridge Central and Docks",
        questions=["police_confidence", "influence"], now=now - timedelta(days=5),
    )  # fmt: skip
    await service.open_survey(session, policing, actor=admin, now=now - timedelta(days=3))
    for code in ("E05900006", "E05900001", "E05900003"):
        await _answer(session, policing, code, 0.6, rng)
