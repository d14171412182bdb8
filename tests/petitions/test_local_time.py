"""A debate date typed by a councillor is the date residents read, in winter and in summer."""

from __future__ import annotations

from typing import Any

from civic.core.state import app_state
from civic.core.users import Role
from civic.petitions.models import PetitionDebate
from tests.conftest import PASSWORD, StaffFactory
from tests.support.web import WebClient


async def test_a_summer_debate_date_round_trips_through_the_form(
    app: Any, web: WebClient, make_staff: StaffFactory, make_petition: Any
) -> None:
    petition = await make_petition()
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    path = f"/petitions/{petition.id}/debate"
    assert (await web.post_form(path, {"scheduled_for": "2027-06-03"})).status_code == 303
    async with app_state(app).db.reading() as session:
        debate = await session.get(PetitionDebate, petition.id)
    assert debate is not None and debate.scheduled_for.isoformat() == "2027-06-03T17:00:00+00:00"  # 6pm BST
    assert "will debate this petition on 3 June 2027" in (await web.get(f"/petitions/{petition.id}")).text
    assert 'value="2027-06-03"' in (await web.get(path)).text
