"""Fixtures for survey tests: an open council-wide survey of two questions."""

from __future__ import annotations

import pytest

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.surveys import service
from civic.surveys.models import AreaKind, Survey

CENTRAL, ABBEY = "E05900006", "E05900001"  # Fernbridge Central, Abbey (demo wards)
CENTRAL_POSTCODE, ABBEY_POSTCODE = "FB6 1UU", "FB1 1AA"


async def make_survey(db: Database, clock: FrozenClock, *, opened: bool = True, **extra: object) -> Survey:
    values: dict[str, object] = {
        "slug": "spring-2027",
        "title": "Residents' survey, spring 2027",
        "area_kind": AreaKind.COUNCIL,
        "area_code": None,
        "area_name": "the whole council area",
        "questions": ["influence", "council_satisfaction"],
    } | extra
    async with db.transaction() as session:
        survey = await service.create_survey(session, actor=None, now=clock.now(), **values)  # type: ignore[arg-type]
        if opened:
            await service.open_survey(session, survey, actor=None, now=clock.now())
    return survey


@pytest.fixture
async def survey(db: Database, clock: FrozenClock, areas: None) -> Survey:
    return await make_survey(db, clock)
