"""A funded project's delivery is a commitment read from the budget's own delivery tables, counted
against the youth service; no end date is promised, so the young people who left an email with an
idea are asked "was it done?" once it is marked done, not before."""

from __future__ import annotations

from typing import Any

from civic.budgets import answers_commitments, service
from civic.budgets.models import BudgetIdea, DeliveryStatus
from civic.core.clock import FrozenClock
from civic.core.commitments import Kept
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.responses.queries_commitments import all_commitments
from tests.budgets.conftest import Budget
from tests.support.smtp import SmtpServer
from tests.support.web import WebClient


async def test_a_delivery_is_a_commitment_asked_about_once_it_is_done(
    mail_app: Any, db: Database, clock: FrozenClock, budget: Budget, smtp: SmtpServer, web: WebClient
) -> None:
    project = budget.proposals[0]
    async with db.transaction() as session:
        session.add(
            BudgetIdea(
                process_id=row_id(budget.process), title="Skate park", body="In the park",
                email="sam@example.org", created_at=clock.now(),
            )
        )  # fmt: skip
        await service.post_delivery_update(
            session, project, owner="Parks team", status=DeliveryStatus.IN_PROGRESS, percent=40,
            text="Started", actor=None, now=clock.now(),
        )  # fmt: skip
    async with db.reading() as session:
        [item] = [c for c in await all_commitments(session) if c.kind == answers_commitments.KIND]
        assert await answers_commitments.for_budget(session, str(budget.process.id)) == [item]
    assert item.what == f"Deliver project {project.number}: {project.title}" and item.owner == "Parks team"
    assert (item.state, item.due_on, item.body_slug) == (Kept.OPEN, None, "youth-service")
    assert not item.is_late(clock.now().date().replace(year=2030))  # no date promised: never late

    worker = app_state(mail_app).worker
    await worker.jobs_once(force=True)
    assert not [m for m in smtp.messages if m["Subject"].startswith("Was it done?")]
    async with db.transaction() as session:
        await service.post_delivery_update(
            session, project, owner="Parks team", status=DeliveryStatus.DONE, percent=100,
            text="Open to all", actor=None, now=clock.now(),
        )  # fmt: skip
    await worker.jobs_once(force=True)
    await worker.jobs_once(force=True)
    while await worker.pass_once():
        pass
    asked = [m for m in smtp.messages if m["Subject"].startswith("Was it done?")]
    assert [m["To"] for m in asked] == ["sam@example.org"]
    page = await web.get(f"/responses/commitments/budget_delivery/{project.id}")
    assert page.status_code == 200 and "Parks team" in page.text and "No date was promised" in page.text
    assert (await web.get("/responses/commitments/budget_delivery/99999")).status_code == 404
    assert (await web.get("/responses/commitments/no_such_kind/1")).status_code == 404
