"""The demo surveys: a closed council survey with figures in most wards and none in a small one, and
an open neighbourhood survey."""

from __future__ import annotations

from typing import Any

from civic.core.clock import FrozenClock, SystemClock
from civic.core.db import Database
from civic.core.demo import DemoContext
from civic.core.state import app_state
from civic.core.users import Role
from civic.surveys.demo import SMALL_WARD, load_surveys
from tests.conftest import StaffFactory
from tests.support.web import WebClient


async def test_demo_surveys_show_results_and_the_small_number_rule(
    app: Any, db: Database, web: WebClient, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    clock.set(SystemClock().now())
    staff = {Role.ADMIN: await make_staff(Role.ADMIN)}
    async with db.transaction() as session:
        await load_surveys(
            session, DemoContext(settings=app_state(app).settings, mail=app_state(app).mail, staff=staff)
        )
    listing = (await web.get("/surveys/")).text
    assert (
        "Residents&#39; survey, spring" in listing and "Policing in Fernbridge Central and Docks" in listing
    )
    assert (await web.get("/surveys/policing-fernbridge-central")).status_code == 200
    home = (await web.get("/")).text
    assert 'href="/surveys/policing-fernbridge-central"' in home  # open now
    assert 'href="/surveys/residents-survey-spring"' not in home  # closed
    rows = (await web.get("/surveys/results.json")).json()["data"]
    assert {r["survey"] for r in rows} == {"residents-survey-spring"}  # the open one is not published
    small = [r for r in rows if r["area_code"] == SMALL_WARD]
    assert small and all(r["answers"] == "fewer than 5" and r["percent"] is None for r in small)
    shown = [r for r in rows if r["area_code"] not in ("", SMALL_WARD)]
    assert len(shown) == 11 * 3 and all(r["ci_low"] <= r["percent"] <= r["ci_high"] for r in shown)
    card = (await web.get("/responses/wards/E05900006")).text
    assert "survey: Residents&#39; survey, spring" in card
