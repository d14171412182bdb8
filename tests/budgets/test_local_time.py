"""Phase times are UK local time in the staff form and on the public page."""

from __future__ import annotations

from sqlmodel import select

from civic.budgets.models import BudgetProcess
from civic.core.db import Database
from civic.core.users import Role
from tests.conftest import PASSWORD, StaffFactory
from tests.support.web import WebClient

FORM = {
    "title": "Summer Fund 2027",
    "description": "For the summer",
    "total": "5000",
    "areas": "",
    "ballot_type": "approval",
    "rule": "greedy",
    "min_choices": "1",
    "max_choices": "3",
    "min_share_percent": "0",
    "age_min": "11",
    "age_max": "18",
    "ideas_open_at": "2027-01-10T09:00",
    "review_at": "2027-03-01T09:00",
    "voting_opens_at": "2027-06-03T19:00",
    "voting_closes_at": "2027-06-17T17:30",
    "delivery_at": "2027-09-01T09:00",
}


async def test_voting_typed_as_7pm_in_june_is_stored_as_6pm_utc_and_shown_as_7pm(
    web: WebClient, make_staff: StaffFactory, db: Database
) -> None:
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    assert (await web.post_form("/budgets/staff/new", FORM)).status_code == 303
    async with db.reading() as session:
        process = (await session.exec(select(BudgetProcess))).one()
    assert process.voting_opens_at.isoformat() == "2027-06-03T18:00:00+00:00"
    assert process.ideas_open_at.isoformat() == "2027-01-10T09:00:00+00:00"  # GMT in January
    public = (await web.get("/budgets/summer-fund-2027")).text
    assert "Voting: 3 June 2027 at 7pm to 17 June 2027 at 5:30pm" in public
    manage = (await web.get("/budgets/staff/summer-fund-2027")).text
    assert 'value="2027-06-03T19:00"' in manage and 'value="2027-01-10T09:00"' in manage


async def test_a_phase_in_the_missing_spring_hour_is_refused(
    web: WebClient, make_staff: StaffFactory
) -> None:
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    refused = await web.post_form("/budgets/staff/new", {**FORM, "review_at": "2027-03-28T01:15"})
    assert refused.status_code == 422 and "does not exist in UK time" in refused.text
