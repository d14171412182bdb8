"""Demo dates are round local times ("7pm"), not the minute the demo was loaded at ("6:05am")."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import DateTime, select
from sqlmodel import SQLModel

from civic import features  # noqa: F401 - every feature's tables in the metadata
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.demo import demo_now
from civic.core.localtime import LONDON, format_datetime
from civic.demo import load_demo
from tests.conftest import make_settings


@pytest.mark.parametrize(
    ("utc", "local"),
    [
        (
            datetime(2026, 12, 2, 6, 5, tzinfo=UTC),
            datetime(2026, 12, 1, 18, 0),
        ),  # before the day: yesterday 6pm
        (datetime(2026, 12, 2, 14, 37, 12, tzinfo=UTC), datetime(2026, 12, 2, 14, 0)),
        (datetime(2026, 12, 2, 22, 10, tzinfo=UTC), datetime(2026, 12, 2, 18, 0)),
        (datetime(2026, 7, 1, 9, 59, tzinfo=UTC), datetime(2026, 7, 1, 10, 0)),  # BST: 10:59 local
        (datetime(2026, 3, 29, 7, 30, tzinfo=UTC), datetime(2026, 3, 28, 18, 0)),  # across the clock change
    ],
)
def test_the_demo_anchor_is_a_whole_working_hour_not_after_now(utc: datetime, local: datetime) -> None:
    anchor = demo_now(utc)
    assert anchor <= utc
    assert anchor.astimezone(LONDON).replace(tzinfo=None) == local


async def test_every_date_in_the_loaded_demo_is_on_the_hour_uk_time(
    database_url: str, db: Database, clock: FrozenClock
) -> None:
    clock.set(datetime.now(UTC))
    assert await load_demo(make_settings(database_url)) == 0
    odd = []
    async with db.reading() as session:
        for table in SQLModel.metadata.sorted_tables:
            for column in (c for c in table.columns if isinstance(c.type, DateTime)):
                for (value,) in (await session.execute(select(column).where(column.is_not(None)))).all():
                    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
                    local = moment.astimezone(LONDON)
                    if (local.minute, local.second, local.microsecond) != (0, 0, 0):
                        odd.append(f"{table.name}.{column.name}: {format_datetime(moment)}")
    assert odd == []
